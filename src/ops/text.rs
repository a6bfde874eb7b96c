//! Program output as text: escape sequences, carriage returns, the last N lines.

/// Removes terminal escape sequences (CSI such as colours, OSC such as window titles, and
/// two-byte ESC sequences) and carriage returns, keeping the text.
pub(crate) fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then a final byte in @..~.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC: up to BEL or ST (ESC \).
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a line is blank once escape sequences are ignored.
pub(crate) fn is_blank(line: &str) -> bool {
    strip_escapes(line).trim().is_empty()
}

/// The last `n` lines of `text` (fewer if there are fewer), blank lines at the end
/// dropped, each ending in a newline. `\r\n` endings (TTY output) become `\n`.
pub(crate) fn last_lines(text: &str, n: usize, keep_escapes: bool) -> String {
    let text = if keep_escapes {
        text.replace("\r\n", "\n")
    } else {
        strip_escapes(text)
    };
    let mut lines: Vec<&str> = text.lines().collect();
    while lines.last().is_some_and(|line| is_blank(line)) {
        lines.pop();
    }
    let skip = lines.len().saturating_sub(n);
    let mut out = String::new();
    for line in &lines[skip..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The first line of a backend's stderr, trimmed and safe to print, for a one-line error;
/// "`who` gave no reason" when there is none.
pub(crate) fn first_line(text: &str, who: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        format!("{who} gave no reason")
    } else {
        super::validate::escape_control(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_carriage_returns_are_stripped() {
        assert_eq!(strip_escapes("\u{1b}[31mred\u{1b}[0m\r\n"), "red\n");
        assert_eq!(strip_escapes("\u{1b}]0;title\u{7}text"), "text");
        assert_eq!(strip_escapes("\u{1b}]0;title\u{1b}\\text"), "text");
        assert_eq!(strip_escapes("a\u{1b}"), "a");
    }

    #[test]
    fn blank_lines_may_hold_escapes() {
        assert!(is_blank("\u{1b}[39m  "));
        assert!(!is_blank("\u{1b}[39m x"));
    }

    #[test]
    fn last_lines_counts_exactly() {
        let text = "a\r\nb\r\n\u{1b}[1mc\u{1b}[0m\r\n\r\n";
        assert_eq!(last_lines(text, 2, false), "b\nc\n");
        assert_eq!(last_lines(text, 2, true), "b\n\u{1b}[1mc\u{1b}[0m\n");
        assert_eq!(last_lines(text, 10, false), "a\nb\nc\n");
        assert_eq!(last_lines(text, 0, false), "");
        assert_eq!(last_lines("", 5, false), "");
    }
}
