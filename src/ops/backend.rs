//! What every backend offers (upstream's `AbstractRunner`), and the options of its verbs.

use std::fmt;
use std::io;
use std::time::Duration;

use super::error::{Operation, Result};
pub use super::logs::{DEFAULT_LOG_LINES, LogOptions};
use super::model::{BackendType, SessionStatus, StopReport};
use super::spec::SessionConfig;
use super::timing::DEFAULT_STOP_TIMEOUT;
use super::validate::{Command, SessionName, StopSignal};

/// How many output lines a failed start reports, on every backend.
pub const FAILED_START_LINES: usize = 10;

/// How to stop a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopOptions {
    /// `false` kills at once (`--force`).
    pub graceful: bool,
    /// How long to wait for the program after the stop signal before killing it.
    pub timeout: Duration,
    /// The signal to send first; `None` uses the session's own (set when it was started),
    /// else `SIGINT` for tmux and the image's stop signal for containers.
    pub signal: Option<StopSignal>,
    /// What to do with the stopped session.
    pub removal: Removal,
}

/// What `stop` does with a session once its program has ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Removal {
    /// Remove what kstlib created (tmux sessions, containers labelled as ours), so that a
    /// declared session goes back to `defined`; leave foreign containers in place.
    #[default]
    Auto,
    /// Keep it: the dead tmux pane or the stopped container, with its logs (`--keep`).
    Keep,
    /// Remove it even if kstlib did not create it (`--rm`).
    Remove,
}

impl Default for StopOptions {
    fn default() -> Self {
        StopOptions {
            graceful: true,
            timeout: DEFAULT_STOP_TIMEOUT,
            signal: None,
            removal: Removal::Auto,
        }
    }
}

/// A backend: tmux or a container runtime. Upstream's `AbstractRunner` protocol.
///
/// Names reaching a backend are validated [`SessionName`]s, so no target syntax (`a:b`,
/// `=x`) can slip through to tmux or the runtime.
pub trait SessionBackend: Send + Sync + fmt::Debug {
    /// Which backend this is.
    fn backend_type(&self) -> BackendType;

    /// Creates and starts the session; fails with `SessionExists` if it is running, and
    /// with `SessionStart` (exit code and last output lines) if the program dies at once.
    fn start(&self, config: &SessionConfig) -> Result<SessionStatus>;

    /// Stops the session: its stop signal, a wait of up to `timeout`, then a kill.
    fn stop(&self, name: &SessionName, options: &StopOptions) -> Result<StopReport>;

    /// Stops the program if it runs (keeping the session), then starts it again as it was
    /// defined when it was created; fails like `start` if it dies at once.
    fn restart(&self, name: &SessionName, options: &StopOptions) -> Result<SessionStatus>;

    /// Attaches the terminal to the session. For tmux and containers this replaces the
    /// current process, so it only returns on failure, or after `switch-client` when
    /// already inside the same tmux server.
    fn attach(&self, name: &SessionName) -> Result<()>;

    /// The session's status; `SessionNotFound` if there is none.
    fn status(&self, name: &SessionName) -> Result<SessionStatus>;

    /// The session's last lines of output.
    fn logs(&self, name: &SessionName, options: &LogOptions) -> Result<String>;

    /// Whether [`Self::logs`] of `name` is a lookup too, in one call: it answers
    /// `SessionNotFound` exactly when [`Self::status`] would. A search for `logs` then asks
    /// for the lines at once instead of the status first.
    fn finds_by_logs(&self, _name: &SessionName) -> bool {
        false
    }

    /// [`Self::logs`] of the session a lookup has just found as `found`: a backend may
    /// use what the lookup read rather than find the session again.
    fn logs_of_found(&self, found: &SessionStatus, options: &LogOptions) -> Result<String> {
        self.logs(&SessionName::new(&found.name)?, options)
    }

    /// Writes the last lines to `out`, then new output as it comes, until the session ends,
    /// `out` is closed, or the process is interrupted.
    fn follow(
        &self,
        name: &SessionName,
        options: &LogOptions,
        out: &mut dyn io::Write,
    ) -> Result<()>;

    /// Whether a session of that name exists (in any state).
    fn exists(&self, name: &SessionName) -> Result<bool> {
        match self.status(name) {
            Ok(_) => Ok(true),
            Err(super::Error::SessionNotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Every session this backend can see, ours and foreign, in one call.
    fn list_sessions(&self) -> Result<Vec<SessionStatus>>;

    /// Types `keys` into the session's program, then Enter if `enter` (tmux only).
    fn send_keys(&self, name: &SessionName, keys: &str, enter: bool) -> Result<()> {
        let _ = (keys, enter);
        Err(self.unsupported(Operation::SendKeys, name))
    }

    /// Replaces the current process with `command` run inside the session, attached to
    /// this terminal; returns only on failure (containers only).
    fn exec(&self, name: &SessionName, command: &Command) -> Result<()> {
        let _ = command;
        Err(self.unsupported(Operation::Exec, name))
    }

    /// The error for an operation this backend does not have.
    fn unsupported(&self, operation: Operation, name: &SessionName) -> super::Error {
        super::Error::Unsupported {
            operation,
            name: name.to_string(),
            backend: self.backend_type(),
        }
    }
}
