//! The library's error type, mirroring upstream's exceptions, and its kinds.
//!
//! Every error has a [`ErrorKind`]; the CLI maps kinds to exit codes in one place.

use super::config::{ConfigError, ConfigErrors};
use super::exec::ExecError;
use super::model::{BackendType, exit_description};
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
        /// Why, in one line.
        reason: String,
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
        /// Why, in one line.
        reason: String,
    },
    /// Attaching failed (upstream `SessionAttachError`).
    #[error("failed to attach to {backend} session '{name}': {reason}")]
    SessionAttach {
        /// The session name.
        name: String,
        /// Its backend.
        backend: BackendType,
        /// Why, in one line.
        reason: String,
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
    #[error("{what} is not answering: {reason}")]
    Unavailable {
        /// `docker`, `podman`, `tmux -L bots`, …
        what: String,
        /// Why, in one line.
        reason: String,
    },
    /// A backend command failed in a way that has no more specific error.
    #[error("`{command}` failed{}: {stderr}", code.map(|c| format!(" with exit code {c}")).unwrap_or_default())]
    Backend {
        /// The command line that failed.
        command: String,
        /// Its exit code.
        code: Option<i32>,
        /// What it said on stderr.
        stderr: String,
    },
}

impl Error {
    /// The coarse kind of this error, which decides the CLI's exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::SessionNotFound { .. } => ErrorKind::NotFound,
            Error::Config(_) | Error::Invalid(_) | Error::SessionAmbiguous { .. } => {
                ErrorKind::Invalid
            }
            Error::TmuxNotFound { .. }
            | Error::ContainerRuntimeNotFound { .. }
            | Error::Unavailable { .. } => ErrorKind::Unavailable,
            Error::SessionExists { .. }
            | Error::SessionStart { .. }
            | Error::SessionStop { .. }
            | Error::SessionAttach { .. }
            | Error::Backend { .. } => ErrorKind::Failed,
        }
    }

    /// A short suggestion of what to do next, shown after the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::SessionExists { name, .. } => Some(format!(
                "stop it first with `kstlib ops stop {name}`, or attach with `kstlib ops attach {name}`"
            )),
            Error::SessionNotFound { .. } => {
                Some("`kstlib ops list` shows the sessions that exist".to_owned())
            }
            Error::SessionAmbiguous { .. } => {
                Some("choose one with --backend, --runtime or --socket".to_owned())
            }
            Error::TmuxNotFound { .. } => Some(
                "install tmux (apt-get install tmux, brew install tmux) or set ops.tmux_binary"
                    .to_owned(),
            ),
            Error::ContainerRuntimeNotFound { .. } => Some(
                "install podman or docker (apt-get install podman), or set ops.container_runtime"
                    .to_owned(),
            ),
            _ => None,
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
            ),
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
                reason: err.to_string(),
            },
        }
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
