//! The nouns of the domain: backends, runtimes, states, where a session lives
//! ([`TmuxSocket`]), what a status query returns ([`SessionStatus`]) and what a stop did
//! ([`StopReport`]).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::validate::ValidationError;

mod socket;
mod status;
mod stop;

pub use socket::{TmuxSocket, socket_dir};
pub use status::{ListRow, SessionStatus, exit_description};
pub use stop::{StopMethod, StopReport};

/// Which kind of backend runs a session.
///
/// The string forms (`tmux`, `container`) are the ones of upstream's `BackendType`, used in
/// the config file, on the command line and in JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendType {
    /// A detached tmux session.
    Tmux,
    /// A Docker or Podman container.
    Container,
}

impl BackendType {
    /// Every backend, in the order `list` queries them.
    pub const ALL: [BackendType; 2] = [BackendType::Tmux, BackendType::Container];

    /// The lower-case name, as written in config files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendType::Tmux => "tmux",
            BackendType::Container => "container",
        }
    }
}

impl fmt::Display for BackendType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BackendType {
    type Err = ValidationError;

    /// Case-insensitive, as upstream's `from_config` (which accepts `TMUX`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tmux" => Ok(BackendType::Tmux),
            "container" => Ok(BackendType::Container),
            _ => Err(ValidationError::new(
                "backend",
                s,
                "must be 'tmux' or 'container'",
            )),
        }
    }
}

/// The container runtime behind a container session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// Podman, preferred when both are installed (as upstream's auto-detection).
    Podman,
    /// Docker (any CLI version from 20.10 on).
    Docker,
}

impl Runtime {
    /// Both runtimes, in auto-detection order.
    pub const ALL: [Runtime; 2] = [Runtime::Podman, Runtime::Docker];

    /// The program name, also the value used in config files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Podman => "podman",
            Runtime::Docker => "docker",
        }
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Runtime {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "podman" => Ok(Runtime::Podman),
            "docker" => Ok(Runtime::Docker),
            _ => Err(ValidationError::new(
                "runtime",
                s,
                "must be 'podman' or 'docker'",
            )),
        }
    }
}

/// The state of a session, one table for `status` and `list` alike.
///
/// The first five are upstream's; `Paused` and `Restarting` are ours, so that a paused
/// container is no longer `running` on Docker and `stopped` on Podman, and so is `Invalid`,
/// a declared session whose config entry has errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionState {
    /// The program is alive.
    Running,
    /// A container that was created but never started, or stopped without an exit status.
    Stopped,
    /// The program finished; its session keeps the exit code until `stop`.
    Exited,
    /// Declared in the config file, nothing running under that name.
    Defined,
    /// The backend said something we do not map; its own word is in `detail`.
    Unknown,
    /// A paused container.
    Paused,
    /// A container the runtime is restarting.
    Restarting,
    /// Declared in the config file, but its entry has errors: it cannot be started until
    /// they are fixed.
    Invalid,
}

impl SessionState {
    /// The lower-case name used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Running => "running",
            SessionState::Stopped => "stopped",
            SessionState::Exited => "exited",
            SessionState::Defined => "defined",
            SessionState::Unknown => "unknown",
            SessionState::Paused => "paused",
            SessionState::Restarting => "restarting",
            SessionState::Invalid => "invalid",
        }
    }

    /// Whether a program is there at all (a session that can be attached or signalled).
    pub fn is_alive(self) -> bool {
        matches!(
            self,
            SessionState::Running | SessionState::Paused | SessionState::Restarting
        )
    }
}

impl fmt::Display for SessionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a session comes from, so that our own sessions are told apart from foreign ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Declared in the config file.
    Config,
    /// Created by kstlib (ad hoc), not declared.
    Managed,
    /// Created by something else: a `tmux new` or `docker run` by hand.
    Foreign,
}

impl Origin {
    /// The lower-case name used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Config => "config",
            Origin::Managed => "managed",
            Origin::Foreign => "foreign",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
