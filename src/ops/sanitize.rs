//! Text from outside made safe to show: the one home for quoting and escaping.
//!
//! Names of sessions kstlib did not create, images, backend messages and what programs
//! print all end up on a terminal. Printed raw, a control character moves the cursor or
//! rewrites the screen (`ESC [2J`, the C1 CSI U+009B, a backspace over "evil"), and an
//! invisible one reorders or hides what a person reads: a right-to-left override makes
//! `evil\u{202e}txt.exe` read `evilexe.txt`, a zero-width space makes two different names
//! look alike, so one table row can pass for another (the "Trojan Source" characters).
//!
//! So every such character is shown as a Rust escape (`\u{1b}`, `\n`, `\u{202e}`): visible,
//! unambiguous, and what the user types to search for it. [`escape`] is for names and
//! messages, [`quote`] for a value inside a one-line message, [`strip_escapes`] for program
//! output (escape sequences removed, the rest escaped), [`display_width`] for aligning
//! what they return. JSON output needs none of this: its readers are programs.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// The longest value [`quote`] shows, in characters; longer ones are cut with `…`, so that
/// a message stays one readable line whatever a user or a backend put in it.
pub const MAX_QUOTED_CHARS: usize = 80;

/// Whether `c` must not reach a terminal as it is: a control character (C0, DEL and C1),
/// a bidirectional formatting character, or an invisible zero-width one.
///
/// The bidi set is Unicode's `Bidi_Control` property: the embeddings and overrides
/// U+202A–202E and the isolates U+2066–2069, which reorder whole runs of text, and the
/// marks U+061C, U+200E and U+200F, which reorder the neutral characters around them.
/// The zero-width ones are U+200B–200D (space, non-joiner, joiner), U+2060 (word joiner)
/// and U+FEFF (byte order mark): they take no room, so two names that differ only by them
/// look the same.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `text` with every [unsafe](is_unsafe) character escaped (`\n`, `\u{1b}`, `\u{202e}`):
/// for names, images and backend messages in tables and errors. Borrowed when there is
/// nothing to escape, which is almost always.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_but(text, |_| false)
}

/// [`escape`], except the characters `keep` accepts.
fn escape_but(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && !keep(c);
    let Some(first) = text.find(needs) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if needs(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` in single quotes for a one-line message (`invalid image 'a b'`): [unsafe](
/// is_unsafe) characters and the quote itself escaped, so the quotes always show where the
/// value ends, and cut after [`MAX_QUOTED_CHARS`] characters with `…`.
///
/// The backslash is escaped too (`\\`): otherwise the name typed as the six characters
/// `a\u{8}b` and the name holding a real backspace would read the same, and a message
/// could not say which one it is about. [`escape`] keeps backslashes, because it is
/// applied again to whole messages that already hold quoted values, and must change
/// nothing the second time.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_QUOTED_CHARS) + 2);
    out.push('\'');
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTED_CHARS {
            out.push('…');
            break;
        }
        if is_unsafe(c) || c == '\'' || c == '\\' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Program output as plain text, for `logs` without `--ansi` and a failed start's last
/// lines: escape sequences removed, carriage returns dropped, every other [unsafe](
/// is_unsafe) character but the tab escaped. Lines stay lines: each `\n` is kept.
///
/// The text is cut into lines first and each line parsed on its own, so a sequence that
/// never ends (a stray `ESC ]`) ends with its line instead of swallowing the rest of the
/// output, as it would on a terminal. The parser is anstream's stripping adapter, a
/// VT500-style state machine: it drops whole sequences (CSI colours and cursor moves, OSC
/// titles, DCS) and the C0 controls a terminal would obey invisibly (backspace, bell), as
/// it drops a cursor move; it keeps text, whitespace and the C1 characters, which in UTF-8
/// text it reads as characters and which some terminals still obey, hence the escaping.
/// Carriage returns end TTY lines (`\r\n`) and redraw progress lines; both read best
/// without them.
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for printable in anstream::adapter::strip_str(line) {
            for piece in printable.split('\r') {
                out.push_str(&escape_but(piece, |c| c == '\t'));
            }
        }
    }
    out
}

/// Whether the snippet renderer of config errors (annotate-snippets) shows `c` safely
/// itself: like rustc, it draws the C0 controls and DEL as control pictures (`␛`) and
/// drops the bidi embeddings, overrides and isolates. It prints the other [unsafe](
/// is_unsafe) characters raw: C1 controls (the CSI U+009B, which some terminals obey),
/// the bidi marks and the zero-width characters.
fn snippet_renderer_shows_safely(c: char) -> bool {
    c.is_ascii_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The source lines of a config error snippet, safe to hand to its renderer: what it
/// would print raw (see `snippet_renderer_shows_safely`) escaped as [`escape`] does, and
/// for each escaped character, its byte offset in `text` and how many bytes longer the
/// text is after it, for [`shifted`] to move the underlines with the text.
pub(crate) fn escape_snippet_source(text: &str) -> (Cow<'_, str>, Vec<(usize, usize)>) {
    let needs = |c: char| is_unsafe(c) && !snippet_renderer_shows_safely(c);
    if !text.contains(needs) {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut shifts = Vec::new();
    for (at, c) in text.char_indices() {
        if needs(c) {
            out.extend(c.escape_default());
            shifts.push((at, out.len() - (at + c.len_utf8())));
        } else {
            out.push(c);
        }
    }
    (Cow::Owned(out), shifts)
}

/// Where byte offset `at` of a text lies in its [`escape_snippet_source`] form: after every
/// character escaped before it.
pub(crate) fn shifted(at: usize, shifts: &[(usize, usize)]) -> usize {
    let before = shifts.partition_point(|&(escaped, _)| escaped < at);
    at + before.checked_sub(1).map_or(0, |last| shifts[last].1)
}

/// How many terminal columns `text` takes: wide (CJK) characters count two, combining
/// ones none. For aligning columns of text that went through [`escape`], which has no
/// control characters left, whose width a terminal would not agree on.
pub fn display_width(text: &str) -> usize {
    text.width()
}

/// The first line of a backend's complaint (its stderr), trimmed and escaped, for a
/// one-line error; "`who` gave no reason" when it said nothing.
pub fn first_line(text: &str, who: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        format!("{who} gave no reason")
    } else {
        escape(line).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn escape_shows_controls_bidi_and_zero_width_characters() {
        assert_eq!(escape("web"), "web");
        assert!(matches!(escape("漢字 é"), Cow::Borrowed(_)));
        assert_eq!(escape("a\nb\tc\u{1b}[2J"), "a\\nb\\tc\\u{1b}[2J");
        assert_eq!(
            escape("csi:\u{9b}2J del:\u{7f}"),
            "csi:\\u{9b}2J del:\\u{7f}"
        );
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(
            escape("\u{2066}\u{2069}\u{200b}\u{200d}\u{2060}\u{feff}\u{200f}"),
            "\\u{2066}\\u{2069}\\u{200b}\\u{200d}\\u{2060}\\u{feff}\\u{200f}"
        );
        // A backslash is text: escaping it would change every Windows path.
        assert_eq!(escape("C:\\x"), "C:\\x");
    }

    #[test]
    fn quote_escapes_the_quote_and_cuts_long_values() {
        assert_eq!(quote("web"), "'web'");
        assert_eq!(quote("a\nb\u{1b}[31m"), "'a\\nb\\u{1b}[31m'");
        assert_eq!(quote("it's"), "'it\\'s'");
        assert_eq!(quote("a\\u{8}b"), "'a\\\\u{8}b'");
        assert_ne!(quote("a\\u{8}b"), quote("a\u{8}b"));
        assert_eq!(quote("\u{202e}"), "'\\u{202e}'");
        let long = quote(&"x".repeat(200));
        assert_eq!(long.chars().count(), MAX_QUOTED_CHARS + 3);
        assert!(long.ends_with("x…'"), "{long}");
    }

    #[test]
    fn escapes_and_carriage_returns_are_stripped() {
        assert_eq!(strip_escapes("\u{1b}[31mred\u{1b}[0m\r\n"), "red\n");
        assert_eq!(strip_escapes("\u{1b}]0;title\u{7}text"), "text");
        assert_eq!(strip_escapes("\u{1b}]0;title\u{1b}\\text"), "text");
        assert_eq!(strip_escapes("a\u{1b}"), "a");
        assert_eq!(strip_escapes("10%\r20%\r\n"), "10%20%\n");
    }

    #[test]
    fn an_unterminated_sequence_ends_at_its_line() {
        assert_eq!(
            strip_escapes("before\r\n\u{1b}]x\r\n1\r\n2\r\n"),
            "before\n\n1\n2\n"
        );
        assert_eq!(strip_escapes("a\u{1b}[31\nb\u{1b}P\nc"), "a\nb\nc");
    }

    #[test]
    fn what_the_parser_leaves_is_escaped_but_tabs() {
        assert_eq!(
            strip_escapes("csi:\u{9b}2J bs:evil\u{8}\u{8}\u{8}\u{8}good bel:\u{7}\n"),
            "csi:\\u{9b}2J bs:evilgood bel:\n"
        );
        assert_eq!(
            strip_escapes("\u{1b}[1mbidi:\u{202e}x\u{1b}[0m\ttab ff:\u{c} zw:\u{200b}"),
            "bidi:\\u{202e}x\ttab ff:\\u{c} zw:\\u{200b}"
        );
    }

    #[test]
    fn snippet_sources_escape_what_the_renderer_prints_raw() {
        let (text, shifts) = escape_snippet_source("a\u{9b}b\u{1b}c\u{200b}d");
        // ESC is the renderer's to draw as a control picture; U+009B and U+200B are not.
        assert_eq!(text, "a\\u{9b}b\u{1b}c\\u{200b}d");
        let at = |needle: char| ("a\u{9b}b\u{1b}c\u{200b}d").find(needle).expect("in text");
        assert_eq!(&text[shifted(at('b'), &shifts)..][..1], "b");
        assert_eq!(&text[shifted(at('d'), &shifts)..], "d");
        assert_eq!(shifted(at('a'), &shifts), 0);
        assert!(matches!(escape_snippet_source("plain").0, Cow::Borrowed(_)));
    }

    #[test]
    fn display_width_counts_columns() {
        assert_eq!(display_width("web"), 3);
        assert_eq!(display_width("漢字"), 4);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width(&escape("evil\u{202e}")), 12);
    }

    #[test]
    fn first_line_is_escaped_or_says_there_was_none() {
        assert_eq!(first_line("  no\u{202e}pe \nmore", "tmux"), "no\\u{202e}pe");
        assert_eq!(
            first_line("\n", "the runtime"),
            "the runtime gave no reason"
        );
    }

    /// Strings rich in what matters here: escape sequence starts, controls, bidi and
    /// zero-width characters, wide characters, among plain text.
    fn tricky() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\u{1b}".to_owned()),
            Just("\u{1b}[".to_owned()),
            Just("\u{1b}]".to_owned()),
            Just("\u{1b}P".to_owned()),
            Just("\u{9b}".to_owned()),
            Just("\u{202e}".to_owned()),
            Just("\u{2067}".to_owned()),
            Just("\u{200b}".to_owned()),
            Just("\u{feff}".to_owned()),
            Just("漢".to_owned()),
            "[\\x00-\\x1f\\x7f-\\u{9f}]",
            "[ -~]{0,4}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    fn unsafe_chars(text: &str, allowed: &[char]) -> Vec<char> {
        text.chars()
            .filter(|&c| is_unsafe(c) && !allowed.contains(&c))
            .collect()
    }

    proptest! {
        #[test]
        fn escape_leaves_nothing_unsafe(text in tricky()) {
            prop_assert_eq!(unsafe_chars(&escape(&text), &[]), Vec::<char>::new());
            prop_assert_eq!(unsafe_chars(&quote(&text), &[]), Vec::<char>::new());
        }

        #[test]
        fn strip_leaves_nothing_unsafe_but_newlines_and_tabs(text in tricky()) {
            let out = strip_escapes(&text);
            prop_assert_eq!(unsafe_chars(&out, &['\n', '\t']), Vec::<char>::new());
            // Every line stays a line: a sequence never swallows a newline.
            prop_assert_eq!(out.matches('\n').count(), text.matches('\n').count());
        }

        #[test]
        fn escaping_twice_changes_nothing(text in tricky()) {
            let once = escape(&text).into_owned();
            prop_assert_eq!(escape(&once), once.as_str());
            let stripped = strip_escapes(&text);
            let expected = stripped.replace('\t', "\\t").replace('\n', "\\n");
            prop_assert_eq!(escape(&stripped), expected);
        }
    }
}
