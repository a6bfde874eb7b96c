//! Persistent logs: what a session printed, kept in a size-capped file that outlives the
//! program, the tmux server, `kstlib ops stop` and a reboot.
//!
//! - tmux: every session kstlib starts pipes its pane into a log file (`pipe-pane`, set in
//!   the same tmux call as `new-session`, so no output is missed). The program on the other
//!   end of the pipe, the *sink*, is kstlib itself (`kstlib ops __log-sink`): it stamps
//!   each line with the time, appends it to the file and rotates the file at its cap.
//! - containers: before `stop` removes a container kstlib created, the runtime's logs are
//!   saved into the same directory, in the same format (`import`).
//!
//! The files, one job per module: where they live and with which permissions
//! ([`paths`]), their line format (`line`), writing them with rotation (`sink`), reading
//! the last lines from the end (`tail`), following them across rotation (`follow`),
//! `--since` (`since`), and finding the log of a session that is gone (`saved`).
//!
//! On disk, for a session `dev`:
//!
//! ```text
//! LOGDIR/tmux/default/dev.log      the current run (LOGDIR/tmux/<socket key>/…)
//! LOGDIR/tmux/default/dev.log.1    the previous file: an older run, or the start of this one
//! LOGDIR/tmux/default/dev.lock     held by the sink while it writes
//! LOGDIR/podman/dev.log            a container's output, saved when it was removed
//! ```
//!
//! Each line is `2026-12-02T04:28:15.123456Z ` (UTC, fixed width) then what the program
//! wrote; lines of kstlib's own have a `#` in place of the space (`…Z#started` begins a
//! run, `…Z#exited with code 7 at …` ends one). Readers strip the stamps.

mod follow;
mod import;
mod line;
pub mod paths;
mod remote;
mod saved;
mod since;
mod sink;
mod tail;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::Timestamp;

pub use crate::ops::validate::MIN_MAX_SIZE;
pub(crate) use follow::follow;
pub(crate) use import::import;
pub(crate) use line::StampedLines;
pub use paths::{DEFAULT_MAX_SIZE, LogFile, LogSettings};
pub(crate) use remote::remote_sink_command;
pub use saved::{LogPlace, SavedLog, Unreadable, find_saved};
pub use since::parse_since;
pub use sink::run_sink;
pub(crate) use sink::{append_note, ending_note};
pub(crate) use tail::{read_program_tail, read_tail, tail_of_bytes};

/// How many log lines `logs` prints unless told otherwise (upstream's `--lines 100`).
pub const DEFAULT_LOG_LINES: usize = 100;

/// Which logs to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOptions {
    /// Exactly this many last lines (fewer if there are fewer).
    pub lines: usize,
    /// Keep escape sequences (colours) as the program wrote them.
    pub ansi: bool,
    /// Only lines written at or after this time (`--since`).
    pub since: Option<Timestamp>,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            lines: DEFAULT_LOG_LINES,
            ansi: false,
            since: None,
        }
    }
}

/// The hidden `kstlib` subcommand that tmux runs at the other end of a session's pipe.
pub const SINK_COMMAND: &str = "__log-sink";

static SINK_PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Makes `program` the sink of the tmux sessions started from now on: the `kstlib` CLI
/// sets it to itself at startup, so that the sink is the same version as its caller.
/// Only the first call counts.
pub fn set_sink_program(program: impl Into<PathBuf>) {
    let _ = SINK_PROGRAM.set(program.into());
}

/// The program that writes tmux sessions' log files: the one set with
/// [`set_sink_program`], else `kstlib` on `PATH`, else none (sessions then have no log
/// file and `logs` reads their pane).
pub fn sink_program() -> Option<PathBuf> {
    if let Some(program) = SINK_PROGRAM.get() {
        return Some(program.clone());
    }
    let found = crate::ops::exec::find_program("kstlib".as_ref());
    if found.is_none() {
        tracing::debug!("no kstlib on PATH to write log files: logs will read the pane");
    }
    found
}

/// The shell text tmux runs for the sink: `exec PROGRAM ops __log-sink --max-size N
/// [--ending TEXT] -- FILE`, every word quoted for `sh` by one function, then `#` doubled
/// because tmux expands `#{…}` formats in `pipe-pane` commands. `ending` is how the
/// previous run in FILE ended, for the sink to write before it starts the new run. `None`
/// for a path that is not UTF-8 (it cannot be quoted as text).
pub(crate) fn sink_command(
    program: &Path,
    max_size: u64,
    file: &Path,
    ending: Option<&str>,
) -> Option<String> {
    let max_size = max_size.to_string();
    let mut words = vec![
        program.to_str()?,
        "ops",
        SINK_COMMAND,
        "--max-size",
        &max_size,
    ];
    if let Some(ending) = ending {
        words.extend(["--ending", ending]);
    }
    words.extend(["--", file.to_str()?]);
    let quoted: Vec<String> = words
        .iter()
        .map(|word| escape_for_tmux(&shell_words::quote(word)))
        .collect();
    Some(format!("exec {}", quoted.join(" ")))
}

/// Shell text as tmux must be given it in a `pipe-pane` command, which it expands as a
/// format first: `#` doubled (`#{…}` is a format) and `%` doubled (the text goes through
/// `strftime`: `%s` would become the time).
pub(crate) fn escape_for_tmux(text: &str) -> String {
    text.replace('#', "##").replace('%', "%%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sink_command_quotes_every_word_and_escapes_formats() {
        let command = sink_command(
            Path::new("/opt/k st/kstlib"),
            4096,
            Path::new("/home/a'b/#{pane_pid};$(id)/%s/dev.log"),
            None,
        )
        .expect("utf-8");
        assert_eq!(
            command,
            "exec '/opt/k st/kstlib' ops __log-sink --max-size 4096 -- \
             '/home/a'\\''b/##{pane_pid};$(id)/%%s/dev.log'"
        );
        // What sh makes of it, once tmux has turned `##` and `%%` back.
        let words =
            shell_words::split(&command.replace("##", "#").replace("%%", "%")).expect("split");
        assert_eq!(words[1], "/opt/k st/kstlib");
        assert_eq!(words[7], "/home/a'b/#{pane_pid};$(id)/%s/dev.log");
        let ended = sink_command(Path::new("k"), 1024, Path::new("/l"), Some("exited 1"));
        assert_eq!(
            ended.as_deref(),
            Some("exec k ops __log-sink --max-size 1024 --ending 'exited 1' -- /l")
        );
    }
}
