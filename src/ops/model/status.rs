//! [`SessionStatus`]: what a backend reports about one session, and its JSON.

use jiff::Timestamp;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{BackendType, Origin, Runtime, SessionState, TmuxSocket};

/// What the backend reports about one session.
///
/// Upstream's nine fields come first, with the same JSON keys; the others are ours.
/// `created_at` is a real timestamp (RFC 3339 in JSON) on every backend. The tmux server is
/// kept as a [`TmuxSocket`]; its JSON keys are upstream's `socket_name` (for `-L`) and our
/// `socket_path`.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// tmux: the server that holds the session.
    pub socket: Option<TmuxSocket>,
    /// Container: the image as the runtime reports it; for `defined`, the configured one.
    pub image: Option<String>,
    /// The program's exit code, once it has exited.
    pub exit_code: Option<i32>,
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
    /// What kstlib started it from: the fingerprint of its resolved config (a container
    /// label, a tmux user option); `None` for what kstlib did not start.
    pub config_hash: Option<String>,
    /// For a declared session that runs: whether it no longer matches the config (it was
    /// started from another version of its entry, or runs elsewhere than the entry says);
    /// `None` when there is nothing to compare.
    pub drift: Option<bool>,
    /// The remote host it runs on (`ops.hosts`); `None` for this machine.
    pub host: Option<String>,
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
            socket: None,
            image: None,
            exit_code: None,
            runtime: None,
            id: None,
            origin: Origin::Foreign,
            exit_signal: None,
            ports: Vec::new(),
            detail: None,
            config_hash: None,
            drift: None,
            host: None,
        }
    }

    /// Where the session lives, for messages: `tmux -L bots`, `podman`, `podman on vps1`, …
    pub fn location(&self) -> String {
        let place = match (self.backend, &self.socket, self.runtime) {
            (BackendType::Tmux, Some(socket), _) => socket.describe(),
            (BackendType::Tmux, None, _) => TmuxSocket::Default.describe(),
            (BackendType::Container, _, Some(runtime)) => runtime.as_str().to_owned(),
            (BackendType::Container, _, None) => "container".to_owned(),
        };
        match &self.host {
            Some(host) => format!("{place} on {host}"),
            None => place,
        }
    }

    /// The JSON object with its keys in `order`.
    fn serialize_in<S: Serializer>(&self, order: &[Key], serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(order.len()))?;
        for key in order {
            let name = key.as_str();
            match key {
                Key::Name => map.serialize_entry(name, &self.name)?,
                Key::State => map.serialize_entry(name, &self.state)?,
                Key::Backend => map.serialize_entry(name, &self.backend)?,
                Key::Pid => map.serialize_entry(name, &self.pid)?,
                Key::CreatedAt => map.serialize_entry(name, &self.created_at)?,
                Key::WindowCount => map.serialize_entry(name, &self.window_count)?,
                Key::SocketName => {
                    map.serialize_entry(name, &self.socket.as_ref().and_then(TmuxSocket::name))?;
                }
                Key::Image => map.serialize_entry(name, &self.image)?,
                Key::ExitCode => map.serialize_entry(name, &self.exit_code)?,
                Key::SocketPath => {
                    // Where tmux puts a named socket on another host is that host's
                    // business: only an explicit `-S` path is known here.
                    let path = match (&self.host, &self.socket) {
                        (Some(_), Some(TmuxSocket::Path(path))) => Some(path.clone()),
                        (Some(_), _) => None,
                        (None, socket) => socket.as_ref().map(TmuxSocket::path),
                    };
                    map.serialize_entry(name, &path)?;
                }
                Key::Runtime => map.serialize_entry(name, &self.runtime)?,
                Key::Id => map.serialize_entry(name, &self.id)?,
                Key::Origin => map.serialize_entry(name, &self.origin)?,
                Key::ExitSignal => map.serialize_entry(name, &self.exit_signal)?,
                Key::Ports => map.serialize_entry(name, &self.ports)?,
                Key::Detail => map.serialize_entry(name, &self.detail)?,
                Key::Drift => map.serialize_entry(name, &self.drift)?,
                Key::Host => map.serialize_entry(name, &self.host)?,
            }
        }
        map.end()
    }
}

/// The JSON keys of a status. Upstream wrote them in one order for `status` and another
/// for `list`; both orders are kept, each key written by one arm of `serialize_in`.
#[derive(Debug, Clone, Copy)]
enum Key {
    Name,
    State,
    Backend,
    Pid,
    CreatedAt,
    WindowCount,
    SocketName,
    Image,
    ExitCode,
    SocketPath,
    Runtime,
    Id,
    Origin,
    ExitSignal,
    Ports,
    Detail,
    Drift,
    Host,
}

impl Key {
    fn as_str(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::State => "state",
            Key::Backend => "backend",
            Key::Pid => "pid",
            Key::CreatedAt => "created_at",
            Key::WindowCount => "window_count",
            Key::SocketName => "socket_name",
            Key::Image => "image",
            Key::ExitCode => "exit_code",
            Key::SocketPath => "socket_path",
            Key::Runtime => "runtime",
            Key::Id => "id",
            Key::Origin => "origin",
            Key::ExitSignal => "exit_signal",
            Key::Ports => "ports",
            Key::Detail => "detail",
            Key::Drift => "drift",
            Key::Host => "host",
        }
    }
}

/// `status --json`: upstream's nine keys in its order, then ours.
const STATUS_ORDER: [Key; 18] = [
    Key::Name,
    Key::State,
    Key::Backend,
    Key::Pid,
    Key::CreatedAt,
    Key::WindowCount,
    Key::SocketName,
    Key::Image,
    Key::ExitCode,
    Key::SocketPath,
    Key::Runtime,
    Key::Id,
    Key::Origin,
    Key::ExitSignal,
    Key::Ports,
    Key::Detail,
    Key::Drift,
    Key::Host,
];

/// `list --json`: upstream's six row keys in its order, then the rest.
const LIST_ORDER: [Key; 18] = [
    Key::Name,
    Key::State,
    Key::Backend,
    Key::Pid,
    Key::Image,
    Key::SocketName,
    Key::CreatedAt,
    Key::WindowCount,
    Key::ExitCode,
    Key::SocketPath,
    Key::Runtime,
    Key::Id,
    Key::Origin,
    Key::ExitSignal,
    Key::Ports,
    Key::Detail,
    Key::Drift,
    Key::Host,
];

impl Serialize for SessionStatus {
    /// The object of `status --json`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_in(&STATUS_ORDER, serializer)
    }
}

/// A status as a row of `list --json`: the same keys as [`SessionStatus`]'s JSON, in the
/// order of upstream's list rows.
#[derive(Debug, Clone, Copy)]
pub struct ListRow<'a>(pub &'a SessionStatus);

impl Serialize for ListRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_in(&LIST_ORDER, serializer)
    }
}

/// `exit code 1`, `killed by SIGTERM`, for messages.
pub fn exit_description(code: Option<i32>, signal: Option<&str>) -> String {
    match (signal, code) {
        (Some(signal), _) => format!("killed by {signal}"),
        (None, Some(code)) => format!("exit code {code}"),
        (None, None) => "exit code unknown".to_owned(),
    }
}
