//! `kstlib ops __log-sink --max-size BYTES -- FILE`: the writer of a tmux session's log
//! file, which tmux runs at the other end of the session's `pipe-pane` (see
//! [`crate::ops::logs::run_sink`]).
//!
//! Not a clap subcommand: clap_complete lists hidden subcommands in its completion
//! scripts, and this one is for tmux, not for people. kstlib writes its argv itself
//! ([`crate::ops::logs`]), always in this one shape, so it is matched exactly here, before
//! clap sees anything, and without reading a config: the sink lives as long as its session.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::ops::logs::{self, SINK_COMMAND};

use super::exit;

/// A sink to run.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Sink {
    max_size: u64,
    ending: Option<String>,
    file: PathBuf,
}

impl Sink {
    /// The sink that `args` (the whole argv) asks for, if it is `kstlib ops __log-sink
    /// --max-size N [--ending TEXT] -- FILE`.
    pub(super) fn from_args(args: impl IntoIterator<Item = OsString>) -> Option<Sink> {
        let args: Vec<OsString> = args.into_iter().skip(1).collect();
        let (head, rest) = args.split_at_checked(4)?;
        if head[0] != "ops" || head[1] != SINK_COMMAND || head[2] != "--max-size" {
            return None;
        }
        let max_size = head[3].to_str()?.parse().ok()?;
        let (ending, file) = match rest {
            [dashes, file] if dashes == "--" => (None, file),
            [flag, ending, dashes, file] if flag == "--ending" && dashes == "--" => {
                (Some(ending.to_str()?.to_owned()), file)
            }
            _ => return None,
        };
        Some(Sink {
            max_size,
            ending,
            file: PathBuf::from(file),
        })
    }

    /// Writes the file until the pipe ends; exit 0, or 1 when the file cannot be written
    /// (tmux then closes the pipe, and the session goes on without its log).
    pub(super) fn run(&self) -> u8 {
        match logs::run_sink(&self.file, self.max_size, self.ending.as_deref()) {
            Ok(()) => exit::OK,
            Err(err) => {
                // The sink's stderr is tmux's: no renderer, no colours, one plain line.
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("kstlib log sink: {}: {err}", self.file.display());
                }
                exit::FAILED
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn only_the_exact_sink_argv_is_a_sink() {
        let sink = Sink::from_args(args(&[
            "kstlib",
            "ops",
            "__log-sink",
            "--max-size",
            "4096",
            "--",
            "/l/dev.log",
        ]));
        assert_eq!(
            sink,
            Some(Sink {
                max_size: 4096,
                ending: None,
                file: PathBuf::from("/l/dev.log")
            })
        );
        let ended = Sink::from_args(args(&[
            "kstlib",
            "ops",
            "__log-sink",
            "--max-size",
            "1",
            "--ending",
            "exited",
            "--",
            "/l",
        ]));
        assert_eq!(
            ended.and_then(|sink| sink.ending).as_deref(),
            Some("exited")
        );
        for other in [
            &["kstlib", "ops", "logs", "dev"][..],
            &["kstlib", "ops", "__log-sink", "--max-size", "x", "--", "/l"],
            &["kstlib", "ops", "__log-sink", "--", "/l"],
            &[
                "kstlib",
                "ops",
                "__log-sink",
                "--max-size",
                "1",
                "/l",
                "extra",
            ],
            &[
                "kstlib",
                "ops",
                "__log-sink",
                "--max-size",
                "1",
                "--end",
                "x",
                "--",
                "/l",
            ],
        ] {
            assert_eq!(Sink::from_args(args(other)), None, "{other:?}");
        }
    }
}
