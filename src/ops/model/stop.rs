//! [`StopReport`]: what `stop` did, and how the program ended.

use serde::Serialize;

use super::BackendType;

/// How a stop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopMethod {
    /// The program ended on the stop signal within the timeout.
    Graceful,
    /// The program did not end within the timeout and was killed.
    Killed,
    /// `--force`: killed at once.
    Forced,
    /// The program had already exited; only its session was removed.
    AlreadyExited,
    /// Another caller stopped or removed it meanwhile: it is stopped, as asked.
    AlreadyStopped,
}

impl StopMethod {
    /// The snake-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StopMethod::Graceful => "graceful",
            StopMethod::Killed => "killed",
            StopMethod::Forced => "forced",
            StopMethod::AlreadyExited => "already_exited",
            StopMethod::AlreadyStopped => "already_stopped",
        }
    }
}

/// What `stop` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StopReport {
    /// The session name.
    pub name: String,
    /// The backend that ran it.
    pub backend: BackendType,
    /// How the program ended.
    pub method: StopMethod,
    /// The signal sent first (`SIGINT`, `SIGTERM`, …), unless the program had already exited.
    pub signal: Option<String>,
    /// The program's exit code, when known.
    pub exit_code: Option<i32>,
    /// Whether the session or container was removed (it is kept with `--keep`).
    pub removed: bool,
    /// tmux: how many other processes of the pane's session were still there once the
    /// program had ended (a job it put in the background), and were killed.
    pub leftovers_killed: u32,
    /// How long the stop took, in milliseconds.
    pub elapsed_ms: u64,
}

impl StopReport {
    /// The report of a stop of a session that another caller stopped meanwhile: it was
    /// there when it was looked up, and is gone now, as asked.
    pub fn stopped_meanwhile(name: &str, backend: BackendType) -> Self {
        StopReport {
            method: StopMethod::AlreadyStopped,
            ..StopReport::already_exited(name, backend, None)
        }
    }

    /// The report of a stop that finds the program already exited; a stop that has to
    /// end the program changes `method`, `signal` and `exit_code`.
    pub(crate) fn already_exited(name: &str, backend: BackendType, exit_code: Option<i32>) -> Self {
        StopReport {
            name: name.to_owned(),
            backend,
            method: StopMethod::AlreadyExited,
            signal: None,
            exit_code,
            removed: false,
            leftovers_killed: 0,
            elapsed_ms: 0,
        }
    }
}
