//! Keys sent to a tmux pane (`send-keys`).
//!
//! Unlike commands, keys are typed into whatever runs in the pane, usually a shell, so
//! upstream's dangerous-pattern list (reference §4.6, §4.8) still applies here, matched
//! over the whole string, with control characters refused as well: a newline would
//! submit a line in the middle of the keys.

use super::{ValidationError, check_control, too_long};

/// Upstream's limit, in characters.
pub const MAX_SEND_KEYS_LENGTH: usize = 4096;

const FIELD: &str = "keys";

/// Key names tmux understands that upstream let through as a whole, before any pattern.
const KEY_NAMES: &[&str] = &["Enter", "Escape", "Space", "Tab", "BSpace"];

/// Whether a pattern occurs in the keys, given as characters so that positions are easy.
type Matcher = fn(&[char]) -> bool;

/// Upstream's patterns in upstream's order (so the same input names the same pattern),
/// each with how it reads in a message.
const PATTERNS: &[(&str, Matcher)] = &[
    ("';' (a command separator)", |s| s.contains(&';')),
    ("'&&' (command chaining)", |s| has_pair(s, '&', '&')),
    ("'||' (command chaining)", |s| has_pair(s, '|', '|')),
    ("'|' (a pipe)", |s| s.contains(&'|')),
    ("'$(…)' (command substitution)", substitutes),
    ("'`…`' (command substitution)", |s| {
        s.iter().filter(|&&c| c == '`').count() >= 2
    }),
    ("'>' (a redirection)", |s| redirects(s, '>')),
    ("'<' (a redirection)", |s| redirects(s, '<')),
    ("the word 'eval'", |s| has_word(s, "eval")),
    ("the word 'source'", |s| has_word(s, "source")),
    ("the word 'exec'", |s| has_word(s, "exec")),
];

/// Refuses keys that could make the pane's shell run more than the user typed.
///
/// Checks, in upstream's order: not empty, at most [`MAX_SEND_KEYS_LENGTH`] characters, no
/// control character (upstream checked only NUL), then either one key name (`C-c`, `M-x`,
/// `Enter`, …) or text free of the dangerous patterns (`;`, `&&`, `||`, `|`, `$(…)`,
/// backticks, redirections, the words `eval`, `source`, `exec`, in any case).
pub fn validate_send_keys(keys: &str) -> Result<(), ValidationError> {
    let refuse = |reason: String| Err(ValidationError::new(FIELD, keys, reason));
    if keys.is_empty() {
        return refuse("must not be empty; give text or a key name such as C-c or Enter".into());
    }
    let len = keys.chars().count();
    if len > MAX_SEND_KEYS_LENGTH {
        return refuse(too_long(len, MAX_SEND_KEYS_LENGTH));
    }
    check_control(FIELD, keys, "send Enter or another key by name instead")?;
    if is_key_name(keys) {
        return Ok(());
    }
    let chars: Vec<char> = keys.chars().collect();
    match PATTERNS.iter().find(|(_, found)| found(&chars)) {
        Some((what, _)) => refuse(format!(
            "contains {what}, which the pane's shell would interpret; keys may not chain, \
             pipe, substitute or redirect commands, nor use eval, source or exec"
        )),
        None => Ok(()),
    }
}

/// `C-x`, `M-x` (one ASCII letter) or one of [`KEY_NAMES`], exactly.
fn is_key_name(keys: &str) -> bool {
    let modified = keys
        .strip_prefix("C-")
        .or_else(|| keys.strip_prefix("M-"))
        .is_some_and(|rest| rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_alphabetic()));
    modified || KEY_NAMES.contains(&keys)
}

/// Whether `a` is directly followed by `b` somewhere.
fn has_pair(s: &[char], a: char, b: char) -> bool {
    s.windows(2).any(|w| w[0] == a && w[1] == b)
}

/// `$(` with a `)` somewhere after it.
fn substitutes(s: &[char]) -> bool {
    s.windows(2)
        .position(|w| w == ['$', '('])
        .is_some_and(|i| s[i + 2..].contains(&')'))
}

/// `>` or `<` followed by optional whitespace then `/` or a word character.
fn redirects(s: &[char], op: char) -> bool {
    s.iter()
        .enumerate()
        .filter(|&(_, &c)| c == op)
        .any(|(i, _)| {
            s[i + 1..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|&c| c == '/' || is_word_char(c))
        })
}

/// Whether `word` occurs, in any ASCII case, with no word character on either side (the
/// `\b…\b` of upstream's patterns).
fn has_word(s: &[char], word: &str) -> bool {
    let word: Vec<char> = word.chars().collect();
    s.windows(word.len()).enumerate().any(|(i, w)| {
        w.iter().zip(&word).all(|(a, b)| a.eq_ignore_ascii_case(b))
            && (i == 0 || !is_word_char(s[i - 1]))
            && s.get(i + word.len()).is_none_or(|&c| !is_word_char(c))
    })
}

/// A regex `\w` character (Unicode letters and digits, and `_`), as Python matches it.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(keys: &str) -> String {
        validate_send_keys(keys).unwrap_err().reason().to_owned()
    }

    #[test]
    fn upstream_examples_pass() {
        for keys in [
            "F10",
            "Up",
            "q",
            "C-c C-c",
            "echo hi",
            "C-c",
            "M-x",
            "Enter",
            "enter",
            "Escape",
            "Space",
            "Tab",
            "BSpace",
            "python -m myexec",
            "a > ",
            "$HOME",
            "a & b",
            "x)$(",
        ] {
            assert!(validate_send_keys(keys).is_ok(), "{keys:?} refused");
        }
    }

    #[test]
    fn dangerous_patterns_fail_in_upstream_order() {
        for (keys, what) in [
            ("a; b", "';'"),
            ("a && b", "'&&'"),
            ("a || b", "'||'"),
            ("ls | x", "'|'"),
            ("echo $(id)", "'$(…)'"),
            ("echo `id`", "'`…`'"),
            ("echo >/tmp/x", "'>'"),
            ("echo > x", "'>'"),
            ("cat < f", "'<'"),
            ("print(1<2)", "'<'"),
            ("EVAL x", "the word 'eval'"),
            ("source ~/.bashrc", "the word 'source'"),
            ("python exec.py", "the word 'exec'"),
            ("a ;| b", "';'"),
        ] {
            assert!(
                reason(keys).starts_with(&format!("contains {what}")),
                "{keys:?}"
            );
        }
    }

    #[test]
    fn control_characters_fail() {
        // Upstream 11.18: a newline submitted a line in the middle of the keys.
        assert!(reason("echo hi\nid").contains("a newline (U+000A)"));
        assert!(reason("Enter\n").contains("newline"));
        assert!(reason("a\0").contains("NUL"));
        assert!(reason("\u{1b}[A").contains("escape"));
    }

    #[test]
    fn empty_and_long_fail() {
        assert!(reason("").starts_with("must not be empty"));
        assert!(validate_send_keys(&"k".repeat(4096)).is_ok());
        assert!(reason(&"k".repeat(4097)).starts_with("is 4097 characters long"));
    }

    #[test]
    fn word_boundaries_are_unicode_aware() {
        assert!(validate_send_keys("éexec").is_ok());
        assert!(validate_send_keys("exec_x").is_ok());
        assert!(validate_send_keys("-exec-").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = validate_send_keys(&s);
        }

        #[test]
        fn shell_like_strings_never_panic(s in "[a-zA-Z $()`;&|<>/\n-]{0,16}") {
            let _ = validate_send_keys(&s);
        }
    }
}
