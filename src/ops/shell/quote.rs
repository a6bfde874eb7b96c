//! The one function that turns an argv into the text a remote shell runs.
//!
//! `ssh HOST -- WORDS` hands the remote side a single line for its login shell: whatever
//! kstlib sends there is shell text. Every word of it comes out of [`quote`], so the remote
//! shell gives back exactly the argv kstlib meant (a unit test and a property test run
//! the result through `sh -c` and compare), and nothing a user, a config file or a backend
//! wrote can become a second command there.

use std::ffi::OsStr;

/// `word` as one word of POSIX shell text: as it is when it is made of characters no shell
/// treats specially, else in single quotes (a `'` inside written `'\''`). An assignment-like
/// word `NAME=value` keeps `NAME=` outside the quotes (`API_TOKEN='a b'`), which the shell
/// reads as the same single word, so that a masked secret still reads `API_TOKEN=***`.
pub(crate) fn quote(word: &str) -> String {
    if let Some((name, value)) = word.split_once('=')
        && is_name(name)
    {
        return format!("{name}={}", quote_plain(value));
    }
    quote_plain(word)
}

fn quote_plain(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    // zsh reads a leading `=` as "the path of the command named …" (`=bot:` fails as
    // "bot: not found"), so such a word is quoted like any other.
    if !word.is_empty() && !word.starts_with('=') && word.chars().all(safe) {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A shell variable name: a letter or `_`, then letters, digits or `_`.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The remote command line that runs `program` with `args`, with `env` changes
/// (`(KEY, None)` removes KEY), in place of the remote shell: `exec [env -u K K=V --]
/// PROGRAM ARGS…`, every word quoted. The words are returned one by one (ssh joins them
/// with spaces), so that secrets among them can be masked where the command line is shown.
pub(crate) fn remote_words(
    program: &OsStr,
    args: &[std::ffi::OsString],
    env: &[(std::ffi::OsString, Option<std::ffi::OsString>)],
) -> Vec<String> {
    let text = |word: &OsStr| quote(&word.to_string_lossy());
    let mut words = vec!["exec".to_owned()];
    if !env.is_empty() {
        words.push("env".to_owned());
        for (key, value) in env {
            let key = key.to_string_lossy();
            match value {
                Some(value) => words.push(quote(&format!("{key}={}", value.to_string_lossy()))),
                None => {
                    words.push("-u".to_owned());
                    words.push(quote(&key));
                }
            }
        }
        words.push("--".to_owned());
    }
    words.push(text(program));
    words.extend(args.iter().map(|arg| text(arg)));
    words
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::process::Command;

    use proptest::prelude::*;

    use super::*;

    /// The login shells a remote host may have (those installed here): `sh`, and `bash`
    /// and `zsh`, which read some words differently.
    fn shells() -> Vec<&'static str> {
        let have = |shell: &str| {
            Command::new(shell)
                .args(["-c", "true"])
                .status()
                .is_ok_and(|status| status.success())
        };
        std::iter::once("sh")
            .chain(["bash", "zsh"].into_iter().filter(|shell| have(shell)))
            .collect()
    }

    /// What each of [`shells`] makes of the remote command for `printf '%s\0' ARGS…`,
    /// joined as ssh joins it: the argv printf got, NUL-separated so that newlines inside
    /// words survive; every shell must give the same.
    fn through_sh(args: &[&str]) -> Vec<String> {
        let mut all = vec!["%s\\0"];
        all.extend_from_slice(args);
        let line = words("printf", &all).join(" ");
        let mut answers = shells().into_iter().map(|shell| {
            let out = Command::new(shell)
                .arg("-c")
                .arg(&line)
                .output()
                .expect("run a shell");
            assert!(out.status.success(), "{shell}: {line:?}: {out:?}");
            let text = String::from_utf8(out.stdout).expect("utf-8");
            let mut argv: Vec<String> = text.split('\0').map(str::to_owned).collect();
            argv.pop();
            (shell, argv)
        });
        let (_, first) = answers.next().expect("sh");
        for (shell, argv) in answers {
            assert_eq!(argv, first, "{shell} reads {line:?} otherwise than sh");
        }
        first
    }

    fn words(program: &str, args: &[&str]) -> Vec<String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        remote_words(OsStr::new(program), &args, &[])
    }

    #[test]
    fn plain_words_stay_and_others_are_quoted() {
        assert_eq!(quote("list-sessions"), "list-sessions");
        assert_eq!(quote("=bot:"), "'=bot:'");
        assert_eq!(quote("bot=x"), "bot=x");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(id)"), "'$(id)'");
        assert_eq!(quote("#{pane_pid}"), "'#{pane_pid}'");
        assert_eq!(quote("~/x"), "'~/x'");
        assert_eq!(quote("API_TOKEN=a b"), "API_TOKEN='a b'");
        assert_eq!(quote("A=1"), "A=1");
        assert_eq!(quote("1A=x y"), "'1A=x y'");
    }

    #[test]
    fn the_remote_command_execs_the_argv_with_its_environment() {
        let env = [
            (OsString::from("TMUX"), None),
            (OsString::from("MODE"), Some(OsString::from("live run"))),
        ];
        let with_env = remote_words(OsStr::new("tmux"), &[OsString::from("ls")], &env);
        assert_eq!(
            with_env,
            [
                "exec",
                "env",
                "-u",
                "TMUX",
                "MODE='live run'",
                "--",
                "tmux",
                "ls"
            ]
        );
        assert_eq!(words("tmux", &["ls"]), ["exec", "tmux", "ls"]);
    }

    #[test]
    fn hostile_words_come_back_unchanged_through_sh() {
        let hostile = [
            "a; rm -rf /tmp/x",
            "$(touch /tmp/kstlib-pwned)",
            "`id`",
            "it's",
            "'",
            "\\",
            "a\nb",
            "*",
            "-t",
            "--",
            "=bot:",
            "=ls",
            "",
            " ",
            "#{pane_pid}",
            "~",
            "KEY=va'l ue",
            "&&",
            "é ☃",
            "\u{1b}[2J",
        ];
        let argv = through_sh(&hostile);
        assert_eq!(argv, hostile);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_argv_round_trips_through_sh(args in proptest::collection::vec("[^\\x00]{0,12}", 1..6)) {
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            prop_assert_eq!(through_sh(&argv), args);
        }
    }
}
