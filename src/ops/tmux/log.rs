//! A tmux session's log file: the pipe that fills it, the line that ends a run, and
//! reading it for `logs` (see [`crate::ops::logs`]).

use std::ffi::OsString;
use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::list::Row;
use super::runner::TmuxRunner;
use super::target::{escape_semicolon, pane_target};
use crate::ops::backend::LogOptions;
use crate::ops::error::{Error, Result};
use crate::ops::logs::{self, LogFile};
use crate::ops::process;
use crate::ops::timing::POLL;
use crate::ops::validate::SessionName;

/// How long a removal waits for tmux to have read the program's last output from its
/// terminal and handed it to the sink: tmux marks the pane dead only once it has.
const PANE_DRAIN: Duration = Duration::from_secs(1);

impl TmuxRunner {
    /// The log file of the session `name` on this server, when logs are on.
    pub(super) fn log_file(&self, name: &SessionName) -> Option<LogFile> {
        self.log_settings().tmux_log(self.socket(), name)
    }

    /// The log file of one of our sessions, if it has one.
    fn our_log(&self, name: &SessionName, managed: bool) -> Option<LogFile> {
        self.log_file(name).filter(|log| managed && log.exists())
    }

    /// `; pipe-pane -t =NAME: 'exec kstlib ops __log-sink …'`: chained to the command that
    /// starts the program (tmux runs the chain before it reads the pane again, so the first
    /// bytes are in the file too). Empty when logs are off, there is no sink program, or
    /// the directory cannot be made: the session then runs without a log file, and `logs`
    /// reads its pane.
    ///
    /// Without `-o`: after `respawn-pane` the old pipe is still open, and `-o` would only
    /// close it (it toggles); without it, tmux closes the old pipe and opens the new one.
    /// The old sink then writes what it still has and ends; the new one waits for its lock,
    /// ends the old run with `ending` and starts the new one.
    pub(super) fn pipe_args(&self, name: &SessionName, ending: Option<&str>) -> Vec<OsString> {
        let Some(log) = self.log_file(name) else {
            return Vec::new();
        };
        let Some(program) = logs::sink_program() else {
            return Vec::new();
        };
        if let Err(err) = log.create_dir() {
            tracing::warn!("no log file for '{name}': {}: {err}", log.path().display());
            return Vec::new();
        }
        let max_size = self.log_settings().max_size();
        let Some(command) = logs::sink_command(&program, max_size, log.path(), ending) else {
            tracing::debug!("no log file for '{name}': its path is not UTF-8");
            return Vec::new();
        };
        [
            ";",
            "pipe-pane",
            "-t",
            &pane_target(name),
            &escape_semicolon(&command),
        ]
        .into_iter()
        .map(OsString::from)
        .collect()
    }

    /// Removes the session. One of ours with a log file first gets the program's last
    /// output into the file, and then a last line saying how the program ended: the log
    /// keeps the exit code that the session took with it.
    pub(super) fn remove(&self, name: &SessionName, ended: &Ended) -> Result<()> {
        let log = self.our_log(name, ended.managed);
        let at = log.as_ref().and_then(|_| self.drained(name));
        self.kill_session(name)?;
        if let Some(log) = log {
            self.end_run(&log, ended, at);
        }
        Ok(())
    }

    /// The `pipe-pane` that gives the next run of a session whose program has ended
    /// (`respawn-pane`) a file of its own, the run that ended getting its last line; empty
    /// when the session has no log of ours.
    pub(super) fn repipe_args(&self, name: &SessionName, ended: &Ended) -> Vec<OsString> {
        if self.our_log(name, ended.managed).is_none() {
            return Vec::new();
        }
        let at = self.drained(name).unwrap_or_else(Timestamp::now);
        let note = logs::ending_note(ended.exit_code, ended.exit_signal.as_deref(), at);
        self.pipe_args(name, Some(&note))
    }

    fn end_run(&self, log: &LogFile, ended: &Ended, at: Option<Timestamp>) {
        let note = logs::ending_note(
            ended.exit_code,
            ended.exit_signal.as_deref(),
            at.unwrap_or_else(Timestamp::now),
        );
        if let Err(err) = logs::append_note(log, self.log_settings().max_size(), &note) {
            tracing::warn!("{}: {err}", log.path().display());
        }
    }

    /// Waits (up to [`PANE_DRAIN`]) until tmux says the pane is dead, which it says only
    /// once it has read the terminal to its end and flushed its pipe; returns when the
    /// program died, as tmux recorded it.
    fn drained(&self, name: &SessionName) -> Option<Timestamp> {
        let deadline = Instant::now() + PANE_DRAIN;
        loop {
            let out = self
                .run([
                    "display-message",
                    "-p",
                    "-t",
                    &pane_target(name),
                    "#{pane_dead} #{pane_dead_time}",
                ])
                .ok()
                .filter(crate::ops::exec::Output::success)?;
            let text = out.stdout_text();
            let mut words = text.split_whitespace();
            if words.next() == Some("1") {
                let secs = words.next()?.parse::<i64>().ok()?;
                return Timestamp::from_second(secs).ok();
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(POLL);
        }
    }

    /// The last lines of one of our sessions from its log file; `None` when it has none
    /// (then its pane has them).
    pub(super) fn logged_lines(
        &self,
        name: &SessionName,
        row: &Row,
        options: &LogOptions,
    ) -> Result<Option<Vec<String>>> {
        match self.our_log(name, row.managed) {
            Some(log) => logs::read_tail(&log, options).map_err(|source| Error::LogFile {
                path: log.path().to_owned(),
                source,
            }),
            None => Ok(None),
        }
    }

    /// The last `lines` lines the program of a session just removed wrote, from its log;
    /// `None` without a log, or when it has none of them.
    pub(super) fn logged_output(&self, name: &SessionName, lines: usize) -> Option<Vec<String>> {
        let log = self.our_log(name, true)?;
        logs::read_program_tail(&log, lines)
            .ok()
            .flatten()
            .filter(|output| !output.is_empty())
    }

    /// Follows one of our sessions' log file until its program ends; `false` when it has
    /// none (then its pane is followed).
    pub(super) fn follow_logged(
        &self,
        name: &SessionName,
        row: &Row,
        options: &LogOptions,
        out: &mut dyn Write,
    ) -> Result<bool> {
        let Some(log) = self.our_log(name, row.managed) else {
            return Ok(false);
        };
        let pid = row.pid.filter(|_| !row.dead);
        let running = || pid.is_some_and(process::alive);
        logs::follow(&log, options, out, &running).map_err(|source| Error::LogFile {
            path: log.path().to_owned(),
            source,
        })
    }
}

/// How a session's program ended, for the last line of its log.
#[derive(Debug, Clone, Default)]
pub(super) struct Ended {
    /// Whether kstlib started the session (only those have log files of ours).
    pub(super) managed: bool,
    pub(super) exit_code: Option<i32>,
    pub(super) exit_signal: Option<String>,
}

impl From<&Row> for Ended {
    fn from(row: &Row) -> Self {
        Ended {
            managed: row.managed,
            exit_code: row.exit_code,
            exit_signal: row.exit_signal.clone(),
        }
    }
}

/// `--since` on a pane, which has no times.
pub(super) fn since_needs_a_log(name: &SessionName) -> Error {
    Error::NoLogTimes {
        name: name.to_string(),
    }
}
