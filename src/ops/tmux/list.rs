//! What `list-sessions` says: one [`Row`] per session, settled against `/proc`, and the
//! pane's screen as lines (for logs and failed starts).

use std::path::Path;

use jiff::Timestamp;
use nix::sys::signal::Signal;

use super::target::is_blank;
use crate::ops::error::Error;
use crate::ops::model::BackendType;
use crate::ops::process::{self, ProcessState};
use crate::ops::validate::{Command, SessionName, StopSignal};

/// The session options kstlib sets on its own sessions. Hyphens are not allowed in the
/// names of tmux user options, hence the underscores.
pub(super) const MANAGED_OPTION: &str = "@kstlib_managed";
pub(super) const SIGNAL_OPTION: &str = "@kstlib_stop_signal";
/// The fingerprint of the resolved config a session was started from, for drift.
pub(super) const HASH_OPTION: &str = "@kstlib_config_hash";

/// One line per session; the name comes last because it is the only free-form field.
pub(super) const LIST_FORMAT: &str = "#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t\
#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t\
#{@kstlib_config_hash}\t#{session_name}";

/// The line tmux writes into a dead pane; it is tmux's, not the program's output.
pub(super) const DEAD_PANE_MARKER: &str = "Pane is dead (";
/// One row of `list-sessions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(super) name: String,
    pub(super) pid: Option<u32>,
    pub(super) dead: bool,
    pub(super) exit_code: Option<i32>,
    pub(super) exit_signal: Option<String>,
    pub(super) created: Option<Timestamp>,
    pub(super) windows: u32,
    pub(super) managed: bool,
    pub(super) stop_signal: Option<StopSignal>,
    pub(super) config_hash: Option<String>,
}
/// How a program that died right after starting ended.
pub(super) struct FailedStart {
    pub(super) exit_code: Option<i32>,
    pub(super) exit_signal: Option<String>,
    pub(super) output: Vec<String>,
}

impl FailedStart {
    pub(super) fn into_error(
        self,
        name: &SessionName,
        command: Option<&Command>,
        working_dir: Option<&Path>,
    ) -> Error {
        let missing = command.map(Command::program).filter(|program| {
            crate::ops::exec::find_program(program.as_ref()).is_none()
                && !working_dir.is_some_and(|dir| dir.join(program).is_file())
        });
        let mut err = Error::exited_at_start(
            name,
            BackendType::Tmux,
            self.exit_code,
            self.exit_signal.as_deref(),
            self.output,
        );
        if let (Some(program), Error::SessionStart { reason, .. }) = (missing, &mut err) {
            reason
                .line
                .push_str(&format!("; '{program}' was not found on PATH"));
        }
        err
    }
}

/// Corrects a row with what the process itself says: tmux may not have noticed the death
/// yet, or may never learn the exit status (see `process`).
pub(super) fn settle(row: Row) -> Row {
    let Some(pid) = row.pid else {
        return row;
    };
    if row.dead && row.exit_code.is_some() {
        return row;
    }
    settle_with(row, process::state(pid))
}

/// Corrects a row with `state`, what its program's process says of itself.
pub(super) fn settle_with(mut row: Row, state: ProcessState) -> Row {
    match state {
        ProcessState::Zombie(ending) => {
            row.dead = true;
            if let Some(ending) = ending {
                row.exit_code = Some(ending.code);
                row.exit_signal = ending.signal.map(|signal| signal.as_str().to_owned());
            }
        }
        // Gone without tmux knowing: tmux is about to notice, or the server lives in
        // another PID namespace; its own word is the safer one.
        ProcessState::Gone | ProcessState::Alive => {}
    }
    row
}

pub(crate) fn parse_row(line: &str) -> Option<Row> {
    let mut fields = line.splitn(10, '\t');
    let pid = fields.next()?.parse::<u32>().ok();
    let dead = fields.next()? == "1";
    let status = fields.next()?.parse::<i32>().ok();
    let signal = fields
        .next()?
        .parse::<i32>()
        .ok()
        .and_then(|n| Signal::try_from(n).ok());
    let created = fields
        .next()?
        .parse::<i64>()
        .ok()
        .and_then(|secs| Timestamp::from_second(secs).ok());
    let windows = fields.next()?.parse::<u32>().unwrap_or(0);
    let managed = fields.next()? == "1";
    let stop_signal = StopSignal::parse(fields.next()?).ok();
    let config_hash = Some(fields.next()?)
        .filter(|hash| !hash.is_empty())
        .map(str::to_owned);
    let name = fields.next()?.to_owned();
    let (exit_code, exit_signal) = match (dead, signal) {
        // Shells and container runtimes report death by signal N as 128 + N.
        (true, Some(signal)) => (Some(128 + signal as i32), Some(signal.as_str().to_owned())),
        (true, None) => (status, None),
        (false, _) => (None, None),
    };
    Some(Row {
        name,
        pid,
        dead,
        exit_code,
        exit_signal,
        created,
        windows,
        managed,
        stop_signal,
        config_hash,
    })
}

/// Splits a capture into lines, without tmux's dead-pane line and trailing blank rows.
pub(crate) fn screen_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    while lines.last().is_some_and(|line| is_blank(line)) {
        lines.pop();
    }
    if lines
        .last()
        .is_some_and(|line| line.starts_with(DEAD_PANE_MARKER))
    {
        lines.pop();
        while lines.last().is_some_and(|line| is_blank(line)) {
            lines.pop();
        }
    }
    lines
}

pub(super) fn last(mut lines: Vec<String>, n: usize) -> Vec<String> {
    let skip = lines.len().saturating_sub(n);
    lines.drain(..skip);
    lines
}

pub(super) fn join_lines(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn rows_parse_live_and_dead_panes() {
        let live = parse_row("42\t0\t\t\t1795691879\t2\t1\tSIGTERM\t0123abcd\tbot").expect("row");
        assert_eq!(live.pid, Some(42));
        assert!(!live.dead && live.managed);
        assert_eq!(live.windows, 2);
        assert_eq!(live.stop_signal, StopSignal::parse("TERM").ok());
        assert_eq!(live.config_hash.as_deref(), Some("0123abcd"));
        assert_eq!(
            live.created.map(|t| t.to_string()).as_deref(),
            Some("2026-11-26T11:17:59Z")
        );
        let dead = parse_row("42\t1\t3\t\t1795691879\t1\t\t\t\tweird name\twith tab").expect("row");
        assert_eq!(dead.config_hash, None);
        assert_eq!((dead.exit_code, dead.exit_signal), (Some(3), None));
        assert_eq!(dead.name, "weird name\twith tab");
        let killed = parse_row("42\t1\t\t15\t1\t1\t\t\t\tk").expect("row");
        assert_eq!(killed.exit_code, Some(143));
        assert_eq!(killed.exit_signal.as_deref(), Some("SIGTERM"));
        assert!(parse_row("garbage").is_none());
    }

    #[test]
    fn screen_lines_drop_the_dead_pane_line_and_blank_rows() {
        let text = "one\ntwo\n\nPane is dead (status 2, Thu Nov 26 11:23:04 2026)\n\n\n";
        assert_eq!(screen_lines(text), strings(&["one", "two"]));
        assert_eq!(screen_lines("a\n\u{1b}[39m  \n"), strings(&["a"]));
        assert!(screen_lines("\n\n").is_empty());
    }

    #[test]
    fn last_keeps_exactly_n_lines() {
        let lines = strings(&["1", "2", "3"]);
        assert_eq!(last(lines.clone(), 2), strings(&["2", "3"]));
        assert_eq!(last(lines.clone(), 5), lines);
        assert!(last(lines, 0).is_empty());
    }
}
