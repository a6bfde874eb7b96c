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
use crate::ops::exec::Invocation;
use crate::ops::logs::{self, LogFile};
use crate::ops::shell::Script;
use crate::ops::timing::{self, POLL};
use crate::ops::validate::SessionName;

/// How long a removal waits for tmux to have read the program's last output from its
/// terminal and handed it to the sink: tmux marks the pane dead only once it has.
const PANE_DRAIN: Duration = Duration::from_secs(1);

impl TmuxRunner {
    /// The log file of the session `name` on this server, when logs are on.
    pub(super) fn log_file(&self, name: &SessionName) -> Option<LogFile> {
        self.log_settings().tmux_log(self.socket(), name)
    }

    /// The log file of one of our sessions, if it has one. On a remote host whether the
    /// file exists is known only by asking there: the scripts that read it say.
    fn our_log(&self, name: &SessionName, managed: bool) -> Option<LogFile> {
        let remote = self.host().is_remote();
        self.log_file(name)
            .filter(|log| managed && (remote || log.exists()))
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
        let max_size = self.log_settings().max_size();
        let command = if self.host().is_remote() {
            // No kstlib there: the sink is a script, which makes its directory itself.
            logs::remote_sink_command(log.path(), max_size, ending)
        } else {
            let Some(program) = logs::sink_program() else {
                return Vec::new();
            };
            if let Err(err) = log.create_dir() {
                tracing::warn!("no log file for '{name}': {}: {err}", log.path().display());
                return Vec::new();
            }
            logs::sink_command(&program, max_size, log.path(), ending)
        };
        let Some(command) = command else {
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
        if self.host().is_remote() {
            let args = [log.path().as_os_str(), note.as_ref()];
            if let Err(err) = self
                .host()
                .run_script(Script::LOG_NOTE, args, timing::tmux_timeout())
            {
                tracing::warn!("{}: {err}", log.path().display());
            }
            return;
        }
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
            Some(log) if self.host().is_remote() => self.remote_tail(&log, options, true),
            Some(log) => logs::read_tail(&log, options).map_err(|source| Error::LogFile {
                path: log.path().to_owned(),
                source,
            }),
            None => Ok(None),
        }
    }

    /// The last lines of a log on the remote host, as [`logs::read_tail`] reads one here;
    /// `None` when there is no such file there.
    pub(super) fn remote_tail(
        &self,
        log: &LogFile,
        options: &LogOptions,
        notes: bool,
    ) -> Result<Option<Vec<String>>> {
        Ok(self
            .remote_log(log, options)?
            .map(|end| logs::tail_of_bytes(&end.bytes, options, notes)))
    }

    /// The end of a log on the remote host (enough of it for `options`); `None` when there
    /// is no such file there.
    pub(super) fn remote_log(&self, log: &LogFile, options: &LogOptions) -> Result<Option<LogEnd>> {
        // A margin of lines for kstlib's own and the blank ones at the end; everything
        // when --since decides where to stop.
        let lines = match options.since {
            Some(_) => "all".to_owned(),
            None => (options.lines + REMOTE_TAIL_MARGIN).to_string(),
        };
        let args = [log.path().as_os_str(), lines.as_ref()];
        let out = self
            .host()
            .run_script(Script::LOG_TAIL, args, timing::backend_timeout())
            .map_err(|err| Error::from_exec(err, &self.describe(), || not_found_log(log)))?;
        if !out.success() {
            return Err(Error::LogFile {
                path: log.path().to_owned(),
                source: std::io::Error::other(out.stderr_text()),
            });
        }
        let Some(newline) = out.stdout.iter().position(|&b| b == b'\n') else {
            return Ok(None);
        };
        let head = String::from_utf8_lossy(&out.stdout[..newline]).into_owned();
        let Some(facts) = head.strip_prefix("log ") else {
            return Ok(None);
        };
        let mut facts = facts.split_whitespace();
        let written = facts
            .next()
            .and_then(|secs| secs.parse::<i64>().ok())
            .and_then(|secs| Timestamp::from_second(secs).ok());
        let size = facts.next().and_then(|size| size.parse().ok()).unwrap_or(0);
        Ok(Some(LogEnd {
            written,
            size,
            bytes: out.stdout[newline + 1..].to_vec(),
        }))
    }

    /// The last `lines` lines the program of a session just removed wrote, from its log;
    /// `None` without a log, or when it has none of them.
    pub(super) fn logged_output(&self, name: &SessionName, lines: usize) -> Option<Vec<String>> {
        let log = self.our_log(name, true)?;
        let output = if self.host().is_remote() {
            let options = LogOptions {
                lines,
                ..LogOptions::default()
            };
            self.remote_tail(&log, &options, false).ok().flatten()
        } else {
            logs::read_program_tail(&log, lines).ok().flatten()
        };
        output.filter(|output| !output.is_empty())
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
        if self.host().is_remote() {
            return self.follow_remote(&log, row, options, out);
        }
        let pid = row.pid.filter(|_| !row.dead);
        let running = || pid.is_some_and(crate::ops::process::alive);
        logs::follow(&log, options, out, &running).map_err(|source| Error::LogFile {
            path: log.path().to_owned(),
            source,
        })
    }
}

impl TmuxRunner {
    /// The log the session `name` left on the remote host, read as `options` ask: what
    /// `logs` shows of a session that is gone. `None` when it left none.
    pub(crate) fn saved_log(
        &self,
        name: &SessionName,
        options: &LogOptions,
    ) -> Result<Option<logs::SavedLog>> {
        let Some(log) = self.log_file(name) else {
            return Ok(None);
        };
        Ok(self.remote_log(&log, options)?.map(|end| logs::SavedLog {
            lines: logs::tail_of_bytes(&end.bytes, options, true),
            path: log.path().to_owned(),
            written: end.written,
            host: self.host().name().map(str::to_owned),
        }))
    }

    /// Follows a log on the remote host: its last lines as `logs` reads them there, then,
    /// from where they end, each new line, streamed by `tail -F` there until the program
    /// ends; `false` when there is no such file there.
    fn follow_remote(
        &self,
        log: &LogFile,
        row: &Row,
        options: &LogOptions,
        out: &mut dyn Write,
    ) -> Result<bool> {
        let Some(end) = self.remote_log(log, options)? else {
            return Ok(false);
        };
        // An unfinished last line is left to the stream, which prints it whole.
        let complete = end
            .bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let from = end.size.saturating_sub((end.bytes.len() - complete) as u64);
        for line in logs::tail_of_bytes(&end.bytes[..complete], options, true) {
            if writeln!(out, "{line}").is_err() {
                return Ok(true);
            }
        }
        let pid = row
            .pid
            .filter(|_| !row.dead)
            .map(|pid| pid.to_string())
            .unwrap_or_default();
        let from = from.to_string();
        let args = [log.path().as_os_str(), from.as_ref(), pid.as_ref()];
        let invocation = Invocation::new("sh")
            .args(Script::LOG_FOLLOW.argv(args))
            .timeout(timing::backend_timeout());
        let mut printer = logs::StampedLines::new(out, options.ansi, options.since);
        let code = self
            .host()
            .executor()
            .stream(&invocation, &mut printer)
            .map_err(|err| Error::from_exec(err, &self.describe(), || not_found_log(log)))?;
        let _ = printer.finish();
        Ok(code != Some(NO_LOG))
    }
}

/// The end of a log file on a remote host, as [`Script::LOG_TAIL`] read it.
pub(super) struct LogEnd {
    /// When the file was last written.
    written: Option<Timestamp>,
    /// The size of the current file the bytes stop at.
    size: u64,
    /// The last lines of the rotated and the current file, as one stream.
    bytes: Vec<u8>,
}

/// What [`Script::LOG_FOLLOW`] exits with when there is no log file.
const NO_LOG: i32 = 3;

/// How many lines more than asked are read from a remote log: kstlib's own lines and the
/// blank ones at the end are not counted.
const REMOTE_TAIL_MARGIN: usize = 64;

/// Never built in practice: the remote scripts run `sh`, which ssh reports missing.
fn not_found_log(log: &LogFile) -> Error {
    Error::LogFile {
        path: log.path().to_owned(),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
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
