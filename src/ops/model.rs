//! The nouns of the domain: backends, states, and what a status query returns.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use jiff::Timestamp;
use serde::Serialize;

use super::validate::{self, SocketName, ValidationError};

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
/// container is no longer `running` on Docker and `stopped` on Podman.
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

/// The tmux server a session lives on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TmuxSocket {
    /// tmux's default socket.
    Default,
    /// A named socket in tmux's socket directory (`tmux -L NAME`).
    Name(SocketName),
    /// A socket anywhere (`tmux -S PATH`).
    Path(PathBuf),
}

impl TmuxSocket {
    /// The server named by a socket name (`-L`) or a socket path (`-S`, `~` expanded, made
    /// absolute), or the default one; not both.
    pub fn new(name: Option<&str>, path: Option<&str>) -> Result<TmuxSocket, ValidationError> {
        match (name, path) {
            (Some(_), Some(path)) => Err(ValidationError::new(
                "socket_path",
                path,
                "socket_name and socket_path cannot both be set",
            )),
            (Some(name), None) => Ok(TmuxSocket::Name(SocketName::new(name)?)),
            (None, Some(path)) => {
                TmuxSocket::at_path(validate::absolute(&validate::expand_home(path)))
            }
            (None, None) => Ok(TmuxSocket::Default),
        }
    }

    /// The server whose socket is at `path` (`-S`), already made absolute.
    pub fn at_path(path: PathBuf) -> Result<TmuxSocket, ValidationError> {
        validate::check_socket_path(&path)?;
        Ok(TmuxSocket::Path(path))
    }

    /// The path of the server's socket, as tmux computes it.
    pub fn path(&self) -> PathBuf {
        match self {
            TmuxSocket::Default => socket_dir().join("default"),
            TmuxSocket::Name(name) => socket_dir().join(name.as_str()),
            TmuxSocket::Path(path) => path.clone(),
        }
    }

    /// `tmux`, `tmux -L bots` or `tmux -S /path`, for messages.
    pub fn describe(&self) -> String {
        match self {
            TmuxSocket::Default => "tmux".to_owned(),
            TmuxSocket::Name(name) => format!("tmux -L {name}"),
            TmuxSocket::Path(path) => format!("tmux -S {}", path.display()),
        }
    }

    /// The `-L NAME` / `-S PATH` arguments that select this server.
    pub fn args(&self) -> Vec<std::ffi::OsString> {
        match self {
            TmuxSocket::Default => Vec::new(),
            TmuxSocket::Name(name) => vec!["-L".into(), name.as_str().into()],
            TmuxSocket::Path(path) => vec!["-S".into(), path.clone().into_os_string()],
        }
    }

    /// The socket name for `SessionStatus::socket_name` (upstream's field).
    pub fn name(&self) -> Option<&str> {
        match self {
            TmuxSocket::Name(name) => Some(name.as_str()),
            _ => None,
        }
    }
}

/// tmux's socket directory: `$TMUX_TMPDIR/tmux-UID`, `/tmp/tmux-UID` by default.
pub fn socket_dir() -> PathBuf {
    let base = std::env::var_os("TMUX_TMPDIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    base.join(format!("tmux-{}", nix::unistd::getuid()))
}

/// What the backend reports about one session.
///
/// The first nine fields are upstream's `SessionStatus`, with the same names and JSON keys;
/// the others are ours. `created_at` is a real timestamp (RFC 3339 in JSON) on every backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SessionStatus {
    /// The session or container name.
    pub name: String,
    /// See [`SessionState`].
    pub state: SessionState,
    /// The backend that runs it.
    pub backend: BackendType,
    /// The program's PID (the pane's process for tmux, the main process for containers).
    pub pid: Option<u32>,
    /// When the session was created.
    pub created_at: Option<Timestamp>,
    /// tmux: the number of windows; 0 otherwise.
    pub window_count: u32,
    /// tmux: the `-L` socket name; `None` for the default socket or a `-S` path.
    pub socket_name: Option<String>,
    /// Container: the image as the runtime reports it; for `defined`, the configured one.
    pub image: Option<String>,
    /// The program's exit code, once it has exited.
    pub exit_code: Option<i32>,
    /// tmux: the socket path of the server that holds the session.
    pub socket_path: Option<PathBuf>,
    /// Container: the runtime that runs it.
    pub runtime: Option<Runtime>,
    /// Container: the container ID.
    pub id: Option<String>,
    /// Config, managed or foreign.
    pub origin: Origin,
    /// The signal that ended the program, when it died of one (e.g. `SIGTERM`).
    pub exit_signal: Option<String>,
    /// Container: published ports as `host_ip:host_port->container_port/proto`.
    pub ports: Vec<String>,
    /// The backend's own word when `state` is `unknown`, or other context.
    pub detail: Option<String>,
}

impl SessionStatus {
    /// A status with only the mandatory fields set.
    pub fn new(name: impl Into<String>, state: SessionState, backend: BackendType) -> Self {
        SessionStatus {
            name: name.into(),
            state,
            backend,
            pid: None,
            created_at: None,
            window_count: 0,
            socket_name: None,
            image: None,
            exit_code: None,
            socket_path: None,
            runtime: None,
            id: None,
            origin: Origin::Foreign,
            exit_signal: None,
            ports: Vec::new(),
            detail: None,
        }
    }

    /// Where the session lives, for messages: `tmux -L bots`, `podman`, …
    pub fn location(&self) -> String {
        match self.backend {
            BackendType::Tmux => match (&self.socket_name, &self.socket_path) {
                (Some(name), _) => format!("tmux -L {name}"),
                (None, Some(path)) if !is_default_socket(path) => {
                    format!("tmux -S {}", path.display())
                }
                _ => "tmux".to_owned(),
            },
            BackendType::Container => match self.runtime {
                Some(runtime) => runtime.as_str().to_owned(),
                None => "container".to_owned(),
            },
        }
    }
}

fn is_default_socket(path: &std::path::Path) -> bool {
    path.file_name().is_some_and(|name| name == "default")
}

/// `exit code 1`, `killed by SIGTERM`, for messages.
pub fn exit_description(code: Option<i32>, signal: Option<&str>) -> String {
    match (signal, code) {
        (Some(signal), _) => format!("killed by {signal}"),
        (None, Some(code)) => format!("exit code {code}"),
        (None, None) => "exit code unknown".to_owned(),
    }
}

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
}

impl StopMethod {
    /// The snake-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StopMethod::Graceful => "graceful",
            StopMethod::Killed => "killed",
            StopMethod::Forced => "forced",
            StopMethod::AlreadyExited => "already_exited",
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
    /// How long the stop took, in milliseconds.
    pub elapsed_ms: u64,
}

impl StopReport {
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
            elapsed_ms: 0,
        }
    }
}
