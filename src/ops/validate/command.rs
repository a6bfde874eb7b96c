//! Commands: an argv run without a shell, so that nothing in it is ever interpreted.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::{Item, ValidationError, check_control, describe_control, find_control, too_long};
use crate::ops::sanitize::quote;

/// Upstream's limit, counted in characters over the whole command line.
pub const MAX_COMMAND_LENGTH: usize = 4096;

const FIELD: &str = "command";
const NOT_A_SCRIPT: &str = "commands are not shell scripts";

/// Shell words that a user most likely meant for a shell, not for the program.
const SHELL_OPERATORS: &[&str] = &["|", "||", "&&", ";", "&", ">", ">>", "<", "2>&1"];

/// Programs whose `-c` argument is shell text, which the hint must not flag.
const SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash"];

/// The program to run and its arguments, exactly as the backend will exec them.
///
/// No shell ever sees it (DESIGN §4): `$HOME`, `;` and `|` reach the program as plain
/// arguments, so injection is impossible by construction and upstream's dangerous-pattern
/// blocklist, which refused `python exec.py`, is not needed. Who wants a shell writes
/// `sh -c '…'`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Command {
    argv: Vec<String>,
}

impl Command {
    /// Splits a command line with POSIX shell-word rules (quotes and backslashes, no
    /// expansion).
    ///
    /// Surrounding ASCII whitespace is ignored because YAML block scalars (`command: |`)
    /// end with a newline; any control character inside is refused, since a newline would
    /// silently start a second command under a shell and means nothing to an argv.
    pub fn parse(line: &str) -> Result<Self, ValidationError> {
        let text = line.trim_ascii();
        let refuse = |reason: String| Err(ValidationError::new(FIELD, line, reason));
        if text.is_empty() {
            return refuse("must not be empty; give a program and its arguments".into());
        }
        let len = text.chars().count();
        if len > MAX_COMMAND_LENGTH {
            return refuse(too_long(len, MAX_COMMAND_LENGTH));
        }
        if let Some(c) = find_control(text) {
            return refuse(format!("contains {}; {NOT_A_SCRIPT}", describe_control(c)));
        }
        let Ok(argv) = shell_words::split(text) else {
            return refuse(
                "has a quote (' or \") that is never closed; close it, or escape it with '\\'"
                    .into(),
            );
        };
        match argv.first() {
            None => refuse("holds only a comment; give a program and its arguments".into()),
            Some(program) if program.is_empty() => {
                refuse("starts with an empty word; the first word is the program to run".into())
            }
            Some(_) => Ok(Command { argv }),
        }
    }

    /// Takes an exact argv (a YAML list): no splitting, every element kept as written.
    pub fn from_argv(argv: Vec<String>) -> Result<Self, ValidationError> {
        let Some(program) = argv.first() else {
            return Err(ValidationError::new(
                FIELD,
                "[]",
                "must not be an empty list; give a program and its arguments",
            ));
        };
        if program.is_empty() {
            return Err(ValidationError::new(
                FIELD,
                "",
                "the program (first element) must not be empty",
            )
            .at(Item::Index(0)));
        }
        for (i, arg) in argv.iter().enumerate() {
            check_control(FIELD, arg, NOT_A_SCRIPT).map_err(|e| e.at(Item::Index(i)))?;
        }
        let len = argv.iter().map(|a| a.chars().count()).sum::<usize>() + argv.len() - 1;
        if len > MAX_COMMAND_LENGTH {
            let command = Command { argv };
            return Err(ValidationError::new(
                FIELD,
                command.display(),
                too_long(len, MAX_COMMAND_LENGTH),
            ));
        }
        Ok(Command { argv })
    }

    /// Every word, the program first.
    pub fn argv(&self) -> &[String] {
        &self.argv
    }

    /// The program to run (`argv[0]`), never empty.
    pub fn program(&self) -> &str {
        &self.argv[0]
    }

    /// The argv quoted back into one line that a shell would split the same way, so that
    /// messages and logs show word boundaries unambiguously.
    pub fn display(&self) -> String {
        shell_words::join(&self.argv)
    }

    /// Takes the argv out, for building a process command line.
    pub fn into_argv(self) -> Vec<String> {
        self.argv
    }

    /// A one-line warning when an argument looks like shell syntax.
    ///
    /// `python app.py 2>&1 | tee log` runs python with the arguments `2>&1`, `|`, `tee`,
    /// `log`, which is valid but almost never meant; the hint names the first such word
    /// and spells out the `sh -c '…'` form. The script after a shell's `-c` is skipped, as
    /// it is shell text on purpose.
    pub fn shell_syntax_hint(&self) -> Option<String> {
        let script_at = self.shell_script_index();
        let word = self
            .argv
            .iter()
            .enumerate()
            .find(|&(i, w)| Some(i) != script_at && looks_like_shell(w))
            .map(|(_, w)| w)?;
        let script: Vec<String> = self
            .argv
            .iter()
            .map(|w| match looks_like_shell(w) {
                true => w.clone(),
                false => shell_words::quote(w).into_owned(),
            })
            .collect();
        Some(format!(
            "{} is passed to {} as a plain argument, because commands run without a shell; \
             to use shell syntax, write: sh -c {}",
            quote(word),
            quote(self.program()),
            shell_words::quote(&script.join(" "))
        ))
    }

    /// Where the script of `sh -c SCRIPT` (or `bash -lc SCRIPT`, …) is, if this is one.
    fn shell_script_index(&self) -> Option<usize> {
        let base = self.program().rsplit('/').next().unwrap_or_default();
        if !SHELLS.contains(&base) {
            return None;
        }
        let flag = self
            .argv
            .iter()
            .skip(1)
            .position(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('c'))?;
        Some(flag + 2)
    }
}

/// Whether a word is a shell operator or expansion that a shell would have interpreted.
fn looks_like_shell(word: &str) -> bool {
    SHELL_OPERATORS.contains(&word)
        || word.starts_with('$')
        || word.contains("$(")
        || word.contains('`')
}

/// Shows the command as [`Command::display`] does.
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// For clap's `value_parser!` and `str::parse`: same as [`Command::parse`].
impl FromStr for Command {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Command::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn argv(line: &str) -> Vec<String> {
        Command::parse(line).unwrap().into_argv()
    }

    fn reason(line: &str) -> String {
        Command::parse(line).unwrap_err().reason().to_owned()
    }

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn splits_with_shell_word_rules() {
        assert_eq!(argv("python app.py"), ["python", "app.py"]);
        assert_eq!(
            argv(r#"echo 'a b' "c d" e\ f"#),
            ["echo", "a b", "c d", "e f"]
        );
        assert_eq!(
            argv("sh -c 'echo hi; exec python bot.py'"),
            ["sh", "-c", "echo hi; exec python bot.py"]
        );
        assert_eq!(argv("prog ''"), ["prog", ""]);
    }

    #[test]
    fn yaml_block_scalar_newline_is_ignored() {
        assert_eq!(argv("python app.py\n"), ["python", "app.py"]);
        assert_eq!(argv("  python  \r\n"), ["python"]);
    }

    #[test]
    fn upstream_false_positives_pass() {
        // Upstream §4.6 refused all of these although none is dangerous without a shell.
        assert_eq!(argv("python exec.py"), ["python", "exec.py"]);
        assert_eq!(
            argv("python -c 'print(1<2)'"),
            ["python", "-c", "print(1<2)"]
        );
        assert_eq!(
            argv("python app.py --source x"),
            ["python", "app.py", "--source", "x"]
        );
        assert_eq!(argv("EVAL x"), ["EVAL", "x"]);
    }

    #[test]
    fn control_characters_inside_are_refused_by_name() {
        // Upstream 11.26: a newline chained a second command under tmux's shell.
        assert_eq!(
            reason("sleep 1\nid"),
            "contains a newline (U+000A); commands are not shell scripts"
        );
        assert!(reason("a\tb").contains("a tab (U+0009)"));
        assert!(reason("a\0b").contains("a NUL byte (U+0000)"));
        assert!(reason("a\u{1b}[31m").contains("an escape character (U+001B)"));
        assert!(reason("a\u{7f}").contains("U+007F"));
        assert!(reason("a\u{85}b").contains("U+0085"));
    }

    #[test]
    fn empty_and_comment_only_are_refused() {
        assert!(reason("").starts_with("must not be empty"));
        assert!(reason(" \n ").starts_with("must not be empty"));
        assert!(reason("# nothing").starts_with("holds only a comment"));
        assert!(reason("'' arg").contains("empty word"));
    }

    #[test]
    fn unbalanced_quotes_are_a_clear_error() {
        let err = Command::parse("echo 'hi").unwrap_err();
        assert_eq!(err.value(), "echo 'hi");
        assert!(err.reason().contains("never closed"));
        assert!(Command::parse("echo \"hi").is_err());
    }

    #[test]
    fn length_limit_counts_characters() {
        let ok = format!("p {}", "é".repeat(MAX_COMMAND_LENGTH - 2));
        assert!(Command::parse(&ok).is_ok());
        let long = format!("p {}", "é".repeat(MAX_COMMAND_LENGTH - 1));
        assert_eq!(
            reason(&long),
            "is 4097 characters long, at most 4096 are allowed"
        );
    }

    #[test]
    fn argv_is_kept_exactly() {
        let cmd = Command::from_argv(strings(&["python", "-c", "print('a b'); x | y"])).unwrap();
        assert_eq!(cmd.argv(), ["python", "-c", "print('a b'); x | y"]);
        assert_eq!(cmd.program(), "python");
        assert_eq!(cmd.display(), r"python -c 'print('\''a b'\''); x | y'");
    }

    #[test]
    fn argv_errors_point_at_the_element() {
        let err = Command::from_argv(strings(&["python", "-c", "a\nb"])).unwrap_err();
        assert_eq!(err.item(), Some(&Item::Index(2)));
        assert!(err.reason().contains("newline"));
        let err = Command::from_argv(strings(&["", "x"])).unwrap_err();
        assert_eq!(err.item(), Some(&Item::Index(0)));
        assert!(Command::from_argv(Vec::new()).is_err());
        assert!(Command::from_argv(strings(&["p", ""])).is_ok());
    }

    #[test]
    fn argv_length_counts_separators() {
        let long = "x".repeat(4093);
        assert!(Command::from_argv(vec![long.clone(), "yy".into()]).is_ok());
        let err = Command::from_argv(vec![long, "yyy".into()]).unwrap_err();
        assert_eq!(
            err.reason(),
            "is 4097 characters long, at most 4096 are allowed"
        );
    }

    #[test]
    fn display_round_trips_through_parse() {
        let cmd = Command::from_argv(strings(&["echo", "a b", "it's", "$HOME", ""])).unwrap();
        assert_eq!(Command::parse(&cmd.display()).unwrap(), cmd);
    }

    #[test]
    fn shell_syntax_gets_a_hint() {
        let hint = Command::parse("python app.py 2>&1 | tee log")
            .unwrap()
            .shell_syntax_hint();
        assert_eq!(
            hint.as_deref(),
            Some(
                "'2>&1' is passed to 'python' as a plain argument, because commands run \
                 without a shell; to use shell syntax, write: sh -c 'python app.py 2>&1 | tee log'"
            )
        );
        for line in [
            "a ; b",
            "a && b",
            "a || b",
            "a & b",
            "a > f",
            "a >> f",
            "a < f",
            "echo $HOME",
            "echo ${X}",
            "echo $(date)",
            "echo x$(date)",
            "echo `date`",
            "$HOME/bin/x",
        ] {
            assert!(
                Command::parse(line).unwrap().shell_syntax_hint().is_some(),
                "{line}"
            );
        }
    }

    #[test]
    fn plain_commands_and_shell_scripts_get_no_hint() {
        for line in [
            "python app.py",
            "python -c 'print(1<2)'",
            "grep -E 'a|b' f",
            "sh -c 'echo $HOME | tee x'",
            "bash -lc 'echo `date`'",
            "/bin/sh -ec 'a && b'",
        ] {
            assert_eq!(
                Command::parse(line).unwrap().shell_syntax_hint(),
                None,
                "{line}"
            );
        }
        // After the script, a shell's positional arguments are plain words again.
        assert!(
            Command::parse("sh -c x '|' y")
                .unwrap()
                .shell_syntax_hint()
                .is_some()
        );
    }

    #[test]
    fn blocklist_is_not_applied() {
        // The §4.6 patterns are plain arguments here; only the hint mentions them.
        assert!(Command::parse("python a.py ; rm -rf /").is_ok());
    }

    proptest! {
        #[test]
        fn arbitrary_lines_never_panic(s in any::<String>()) {
            if let Ok(cmd) = Command::parse(&s) {
                prop_assert!(!cmd.program().is_empty());
                let _ = cmd.shell_syntax_hint();
            }
        }

        #[test]
        fn shell_like_lines_never_panic(s in "[a-z '\"\\\\#$`|&;<>()\n\t-]{0,40}") {
            if let Ok(cmd) = Command::parse(&s) {
                prop_assert_eq!(Command::parse(&cmd.display()).unwrap(), cmd.clone());
                let _ = cmd.shell_syntax_hint();
            }
        }

        #[test]
        fn arbitrary_argv_never_panics(v in proptest::collection::vec(any::<String>(), 0..5)) {
            if let Ok(cmd) = Command::from_argv(v.clone()) {
                prop_assert_eq!(cmd.argv(), &v[..]);
            }
        }

        #[test]
        fn accepted_argv_round_trips_through_display(
            v in proptest::collection::vec("[a-z '\"\\\\#$|; \u{a0}é]{0,8}", 1..6)
        ) {
            if let Ok(cmd) = Command::from_argv(v.clone()) {
                prop_assert_eq!(Command::parse(&cmd.display()).unwrap(), cmd.clone());
            }
        }
    }
}
