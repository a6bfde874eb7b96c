//! The library's error type, mirroring upstream's exceptions, and its kinds.
//!
//! Every error has a [`ErrorKind`]; the CLI maps kinds to exit codes in one place, and
//! phrases the hints (what to do next): errors here state facts.

use std::fmt;

use super::config::{ConfigError, ConfigErrors};
use super::exec::ExecError;
use super::logs;
use super::model::{BackendType, SessionState, SessionStatus, exit_description};
use super::sanitize::{self, escape};
use super::validate::{SessionName, ValidationError};

/// What went wrong, coarsely: the CLI turns this into its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The backend refused, or a start or stop failed (exit code 1).
    Failed,
    /// The config file or a value given is invalid (exit code 3).
    Invalid,
    /// No such session (exit code 4).
    NotFound,
    /// tmux or the container runtime is missing or not answering (exit code 5).
    Unavailable,
}

/// Why something failed: one line for the message, and the rest of what a backend program
/// said, kept for the report (ripgrep's habit: the child's whole stderr under the summary).
///
/// Text from a backend is made safe to print when the reason is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reason {
    /// The one line, shown in the error message.
    pub line: String,
    /// The other lines the backend wrote, shown under the message.
    pub more: Vec<String>,
}

impl Reason {
    /// A backend's stderr: its first line as the summary ("`who` gave no reason" when it is
    /// empty), the other lines kept.
    pub(crate) fn stderr(text: &str, who: &str) -> Reason {
        let mut lines = text.lines().map(plain).filter(|line| !line.is_empty());
        Reason {
            line: sanitize::first_line(&lines.next().unwrap_or_default(), who),
            more: lines.map(|line| escape(&line).into_owned()).collect(),
        }
    }

    /// A backend's stderr with `summary` picked as the summary line (the runtimes bury their
    /// real complaint among other lines), the other lines kept.
    pub(crate) fn picked(text: &str, summary: &str, who: &str) -> Reason {
        let more = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && *line != summary.trim())
            .map(|line| escape(line).into_owned())
            .collect();
        Reason {
            line: sanitize::first_line(summary, who),
            more,
        }
    }
}

/// A line of stderr as a person reads it: Podman's logrus lines
/// (`time="…" level=error msg="what happened"`) become what happened.
fn plain(line: &str) -> String {
    let line = line.trim();
    let logrus = line.starts_with("time=\"") && line.contains(" level=");
    match line.split_once(" msg=\"").filter(|_| logrus) {
        Some((_, message)) => {
            // A Go-quoted string: `\"` and `\\` stand for themselves.
            let message = message.strip_suffix('"').unwrap_or(message);
            let mut plain = String::with_capacity(message.len());
            let mut chars = message.chars();
            while let Some(c) = chars.next() {
                match (c, chars.clone().next()) {
                    ('\\', Some(next @ ('"' | '\\'))) => {
                        plain.push(next);
                        chars.next();
                    }
                    _ => plain.push(c),
                }
            }
            plain
        }
        None => line.to_owned(),
    }
}

impl From<String> for Reason {
    fn from(line: String) -> Self {
        Reason {
            line,
            more: Vec::new(),
        }
    }
}

impl From<&str> for Reason {
    fn from(line: &str) -> Self {
        Reason::from(line.to_owned())
    }
}

impl fmt::Display for Reason {
    /// The one line; [`Reason::more`] is for the report under the message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line)
    }
}

/// What a session is doing instead of running, for [`Error::NotRunning`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// Its state (`exited`, `stopped`, …).
    pub state: SessionState,
    /// The program's exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that ended it, when one did.
    pub exit_signal: Option<String>,
}

impl fmt::Display for Ending {
    /// `exit code 1`, `killed by SIGTERM`, or the state.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state {
            SessionState::Exited => f.write_str(&exit_description(
                self.exit_code,
                self.exit_signal.as_deref(),
            )),
            state => write!(f, "{state}"),
        }
    }
}

/// The operations only one kind of backend offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Typing keys into a tmux pane.
    SendKeys,
    /// Running a command in a container.
    Exec,
}

impl Operation {
    /// The backend that has it.
    pub fn backend(self) -> BackendType {
        match self {
            Operation::SendKeys => BackendType::Tmux,
            Operation::Exec => BackendType::Container,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::SendKeys => "send-keys",
            Operation::Exec => "exec",
        })
    }
}

/// Errors of `kstlib::ops`. Variant names follow upstream's exception classes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A session of that name already exists (upstream `SessionExistsError`).
    #[error("{where_} session '{name}' already exists")]
    SessionExists {
        /// The session name.
        name: String,
        /// Where it lives: `tmux`, `tmux -L bots`, `podman`, …
        where_: String,
    },
    /// No session of that name (upstream `SessionNotFoundError`).
    #[error("{} '{name}' not found", match backend {
        Some(backend) => format!("{backend} session"),
        None => "session".to_owned(),
    })]
    SessionNotFound {
        /// The session name.
        name: String,
        /// The backend that was searched, or `None` when every backend was.
        backend: Option<BackendType>,
    },
    /// The session could not be started (upstream `SessionStartError`).
    #[error("failed to start {backend} session '{name}': {reason}")]
    SessionStart {
        /// The session name.
        name: String,
        /// Its backend.
        backend: BackendType,
        /// Why.
        reason: Reason,
        /// The program's exit code, when it exited right after starting.
        exit_code: Option<i32>,
        /// The program's last lines of output, when it exited right after starting.
        output: Vec<String>,
    },
    /// The session could not be stopped (upstream `SessionStopError`).
    #[error("failed to stop {backend} session '{name}': {reason}")]
    SessionStop {
        /// The session name.
        name: String,
        /// Its backend.
        backend: BackendType,
        /// Why.
        reason: Reason,
    },
    /// Attaching failed (upstream `SessionAttachError`).
    #[error("failed to attach to {backend} session '{name}': {reason}")]
    SessionAttach {
        /// The session name.
        name: String,
        /// Its backend.
        backend: BackendType,
        /// Why.
        reason: Reason,
    },
    /// The session is there, but its program is not running: it cannot be attached to or
    /// run a command in.
    #[error("{backend} session '{name}' is not running ({ending})")]
    NotRunning {
        /// The session name.
        name: String,
        /// Its backend.
        backend: BackendType,
        /// How it ended, or what it does instead.
        ending: Ending,
        /// Its last lines of output.
        output: Vec<String>,
    },
    /// The name exists in several places (upstream `SessionAmbiguousError`).
    #[error("session '{name}' found in several places: {}", places.join(", "))]
    SessionAmbiguous {
        /// The session name.
        name: String,
        /// Where it was found: `tmux`, `tmux -L bots`, `podman`, `docker`, …
        places: Vec<String>,
    },
    /// The config file, or a value given for a session, is invalid (upstream
    /// `SessionConfigError`); every error found, in file order.
    #[error(transparent)]
    Config(ConfigErrors),
    /// A value given through the API or the command line is invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// An operation that the session's backend does not have.
    #[error("{operation} needs a {} session; '{name}' is a {backend} session", operation.backend())]
    Unsupported {
        /// What was asked.
        operation: Operation,
        /// The session name.
        name: String,
        /// Its backend, which has no such operation.
        backend: BackendType,
    },
    /// The tmux program is missing (upstream `TmuxNotFoundError`).
    #[error("tmux binary '{binary}' not found in PATH")]
    TmuxNotFound {
        /// The binary that was looked for.
        binary: String,
    },
    /// No container runtime (upstream `ContainerRuntimeNotFoundError`).
    #[error("{}", match runtime {
        Some(runtime) => format!("container runtime '{runtime}' not found in PATH"),
        None => "no container runtime found: neither podman nor docker is in PATH".to_owned(),
    })]
    ContainerRuntimeNotFound {
        /// The runtime that was asked for, or `None` for auto-detection.
        runtime: Option<String>,
    },
    /// A backend is installed but does not answer (daemon down, hung, timed out).
    #[error("{what} cannot be used: {reason}")]
    Unavailable {
        /// `docker`, `podman`, `tmux -L bots`, …
        what: String,
        /// Why.
        reason: Reason,
    },
    /// A backend answered something kstlib cannot read: a guess ("not found", an empty
    /// list) would be a lie.
    #[error("{what} answered `{command}` with output kstlib cannot read: {reason}")]
    Unreadable {
        /// `docker`, `podman`, `tmux`, …
        what: String,
        /// The command it answered.
        command: String,
        /// What is wrong with the output.
        reason: String,
    },
    /// `--since` on a session whose output has no times: a tmux session without a log
    /// file, whose screen is all there is.
    #[error("tmux session '{name}' has no log file, so its output has no times for --since")]
    NoLogTimes {
        /// The session name.
        name: String,
    },
    /// A log file could not be read or written.
    #[error("log file {}: {source}", sanitize::quote(&path.display().to_string()))]
    LogFile {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A backend command failed in a way that has no more specific error.
    #[error("`{command}` failed{}: {stderr}", code.map(|c| format!(" with exit code {c}")).unwrap_or_default())]
    Backend {
        /// The command line that failed.
        command: String,
        /// Its exit code.
        code: Option<i32>,
        /// What it said on stderr.
        stderr: Reason,
    },
}

impl Error {
    /// The coarse kind of this error, which decides the CLI's exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::SessionNotFound { .. } => ErrorKind::NotFound,
            Error::Config(_)
            | Error::Invalid(_)
            | Error::SessionAmbiguous { .. }
            | Error::NoLogTimes { .. }
            | Error::Unsupported { .. } => ErrorKind::Invalid,
            Error::TmuxNotFound { .. }
            | Error::ContainerRuntimeNotFound { .. }
            | Error::Unavailable { .. }
            | Error::Unreadable { .. } => ErrorKind::Unavailable,
            Error::SessionExists { .. }
            | Error::SessionStart { .. }
            | Error::SessionStop { .. }
            | Error::SessionAttach { .. }
            | Error::NotRunning { .. }
            | Error::LogFile { .. }
            | Error::Backend { .. } => ErrorKind::Failed,
        }
    }

    /// What the backend said beyond the one line of the message, line by line.
    pub fn details(&self) -> &[String] {
        match self {
            Error::SessionStart { reason, .. }
            | Error::SessionStop { reason, .. }
            | Error::SessionAttach { reason, .. }
            | Error::Unavailable { reason, .. }
            | Error::Backend { stderr: reason, .. } => &reason.more,
            _ => &[],
        }
    }

    /// The session of `status` is not running; `output` is its last lines.
    pub(crate) fn not_running(status: &SessionStatus, output: Vec<String>) -> Error {
        Error::NotRunning {
            name: status.name.clone(),
            backend: status.backend,
            ending: Ending {
                state: status.state,
                exit_code: status.exit_code,
                exit_signal: status.exit_signal.clone(),
            },
            output,
        }
    }

    /// The program's last lines of output, when the error is about a program that ended.
    pub fn output(&self) -> &[String] {
        match self {
            Error::SessionStart { output, .. } | Error::NotRunning { output, .. } => output,
            _ => &[],
        }
    }

    /// A start that failed because the program exited at once, with how and its output.
    pub(crate) fn exited_at_start(
        name: &SessionName,
        backend: BackendType,
        exit_code: Option<i32>,
        exit_signal: Option<&str>,
        output: Vec<String>,
    ) -> Error {
        Error::SessionStart {
            name: name.to_string(),
            backend,
            reason: format!(
                "the program exited right after starting ({})",
                exit_description(exit_code, exit_signal)
            )
            .into(),
            exit_code,
            output,
        }
    }

    /// Turns a failure to run a backend program into the right error: `missing` when the
    /// program is not there, `Unavailable` (naming `what`) when it hung or could not run.
    pub(crate) fn from_exec(err: ExecError, what: &str, missing: impl FnOnce() -> Error) -> Error {
        match err {
            ExecError::NotFound { .. } => missing(),
            ExecError::Timeout { .. } | ExecError::Io { .. } => Error::Unavailable {
                what: what.to_owned(),
                reason: err.to_string().into(),
            },
            // The host is what cannot be used, whatever ran there.
            ExecError::Host { host, reason } => Error::Unavailable {
                what: format!("host '{host}'"),
                reason: Reason::stderr(&reason, "ssh"),
            },
        }
    }
}

impl From<logs::Unreadable> for Error {
    fn from(logs::Unreadable { path, source }: logs::Unreadable) -> Self {
        Error::LogFile { path, source }
    }
}

impl From<ConfigError> for Error {
    fn from(err: ConfigError) -> Self {
        Error::Config(err.into())
    }
}

impl From<ConfigErrors> for Error {
    fn from(errors: ConfigErrors) -> Self {
        Error::Config(errors)
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_keeps_the_whole_stderr() {
        let reason = Reason::stderr("\nfirst\n  second\n\nthird\u{1b}[2J\n", "tmux");
        assert_eq!(reason.line, "first");
        assert_eq!(reason.more, ["second", "third\\u{1b}[2J"]);
        assert_eq!(Reason::stderr("", "tmux").line, "tmux gave no reason");
        let podman =
            r#"time="2026-12-02T05:37:46Z" level=error msg="reading system config \"/x\": bad""#;
        assert_eq!(
            Reason::stderr(podman, "podman").line,
            r#"reading system config "/x": bad"#
        );
        let toml = r#"time="x" level=error msg="toml: got '\\n' instead, \\\"q\\\"""#;
        assert_eq!(
            Reason::stderr(toml, "podman").line,
            r#"toml: got '\n' instead, \"q\""#
        );
        let picked = Reason::picked("a\nError: b\nSee --help", "Error: b", "docker");
        assert_eq!(picked.line, "Error: b");
        assert_eq!(picked.more, ["a", "See --help"]);
    }
}
