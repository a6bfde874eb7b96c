//! Log files on a remote host: the writer tmux runs there (no kstlib is installed there, so
//! it is a script of `sh` and `awk`, see `shell::Script::LOG_SINK`), and the printing of
//! what is read from there. The files have the format of the ones here (see `line`), so
//! one reader serves both ([`super::tail_of_bytes`], [`super::StampedLines`]).

use std::path::Path;

use crate::ops::shell::Script;
use crate::ops::shell::quote;

/// The shell text tmux runs on a remote host at the other end of a session's pipe: the
/// sink script with the log `file`, its cap and how the previous run in it ended, every
/// word quoted for `sh` by the one quoting function, then escaped for tmux (see
/// [`super::escape_for_tmux`]). `None` for a path that is not UTF-8.
pub(crate) fn remote_sink_command(
    file: &Path,
    max_size: u64,
    ending: Option<&str>,
) -> Option<String> {
    let max_size = max_size.to_string();
    let args = [file.to_str()?, &max_size, ending.unwrap_or("")];
    let words: Vec<String> = std::iter::once("sh".to_owned())
        .chain(
            Script::LOG_SINK
                .argv(args)
                .iter()
                .map(|word| quote(&word.to_string_lossy())),
        )
        .map(|word| super::escape_for_tmux(&word))
        .collect();
    Some(format!("exec {}", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remote_sink_command_is_one_quoted_argv_for_sh() {
        let command = remote_sink_command(Path::new("~/l o'g/#{x}.log"), 4096, Some("exited 1"))
            .expect("utf-8");
        // What sh makes of it, once tmux has turned `##` and `%%` back.
        let words =
            shell_words::split(&command.replace("##", "#").replace("%%", "%")).expect("split");
        assert_eq!(words[..3], ["exec", "sh", "-c"]);
        assert_eq!(words[3], Script::LOG_SINK.text());
        assert_eq!(
            words[4..],
            ["kstlib-log-sink", "~/l o'g/#{x}.log", "4096", "exited 1"]
        );
    }
}
