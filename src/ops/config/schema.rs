//! The `ops:` section read into typed [`Settings`]: every key known, every value parsed into
//! its type at the place it was written, every error kept with its place.
//!
//! Nothing stops at the first mistake: each key of each session entry is read on its own,
//! so one typo costs that entry alone and every error of the file can be reported at once.
//! Other top-level sections (`logging`, `secrets`, …) belong to other kstlib modules and
//! are never looked at, duplicates included. Inside `ops:` an unknown or repeated key is an
//! error: upstream ignored unknown keys, so `comand:` silently started a shell.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use super::error::ConfigError;
use super::settings::{Given, Settings, WorkingDir, host_path};
use super::yaml::{Node, NodeKind, first_duplicate};
use crate::ops::model::{BackendType, Runtime, TmuxSocket};
use crate::ops::sanitize::quote;
use crate::ops::span::{Span, Spanned};
use crate::ops::spec::host::{HostRef, HostSpec};
use crate::ops::validate::{
    self, Command, EnvVar, HostName, Image, Item, Port, SessionName, SshDestination, SshOption,
    StopSignal, ValidationError, Volume,
};

/// Defines a set of keys: the enum, every key in file-documentation order, and their text.
macro_rules! keys {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every key, in the order the README documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            /// The keys as written in the file, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text,)*];

            /// The key as written in the file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The key written as `text`, if it is one.
            pub fn parse(text: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|key| key.as_str() == text)
            }
        }
    };
}

keys! {
    /// The keys of `ops:`.
    OpsKey {
        /// `default_backend`: the backend of a session that names none.
        DefaultBackend = "default_backend",
        /// `tmux_binary`: the tmux program.
        TmuxBinary = "tmux_binary",
        /// `container_runtime`: `podman` or `docker`; null auto-detects.
        ContainerRuntime = "container_runtime",
        /// `log_dir`: where log files go.
        LogDir = "log_dir",
        /// `log_max_size`: the cap of one log file.
        LogMaxSize = "log_max_size",
        /// `start_grace`: how long a start watches the new program before saying it runs.
        StartGrace = "start_grace",
        /// `sessions`: the declared sessions.
        Sessions = "sessions",
        /// `hosts`: the remote hosts sessions may run on.
        Hosts = "hosts",
    }
}

keys! {
    /// The keys of a host entry `ops.hosts.<name>`: how to reach it, then the defaults of
    /// the sessions that run on it.
    HostKey {
        /// `ssh`: the ssh destination (`[user@]host`, an alias, `ssh://host:port`).
        Ssh = "ssh",
        /// `ssh_config`: an ssh config file of this machine, passed as `ssh -F`.
        SshConfig = "ssh_config",
        /// `ssh_options`: `Name=value` options, each passed as `ssh -o`.
        SshOptions = "ssh_options",
        /// `connect_timeout`: seconds ssh may take to connect.
        ConnectTimeout = "connect_timeout",
        /// `container_runtime`: the runtime of the host's container sessions.
        ContainerRuntime = "container_runtime",
        /// `tmux_binary`: the tmux program on the host.
        TmuxBinary = "tmux_binary",
        /// `log_dir`: where the host's tmux sessions keep their logs, on the host.
        LogDir = "log_dir",
    }
}

keys! {
    /// The keys of a session entry `ops.sessions.<name>`: upstream's ten, then ours
    /// (`socket_path`, `stop_signal`, `stop_timeout`, `start_grace`).
    SessionKey {
        /// `backend`: `tmux` or `container`.
        Backend = "backend",
        /// `command`: a string split into words, or a list taken as the exact argv.
        Command = "command",
        /// `working_dir`.
        WorkingDir = "working_dir",
        /// `env`: a mapping of variables.
        Env = "env",
        /// `image`.
        Image = "image",
        /// `volumes`: a list.
        Volumes = "volumes",
        /// `ports`: a list.
        Ports = "ports",
        /// `log_volume`: one more volume, for logs.
        LogVolume = "log_volume",
        /// `runtime`: `podman` or `docker` for this session.
        Runtime = "runtime",
        /// `socket_name`: tmux `-L`.
        SocketName = "socket_name",
        /// `socket_path`: tmux `-S`.
        SocketPath = "socket_path",
        /// `stop_signal`: the signal of a graceful stop.
        StopSignal = "stop_signal",
        /// `stop_timeout`: how long a graceful stop waits.
        StopTimeout = "stop_timeout",
        /// `start_grace`: how long a start watches the new program (`ops.start_grace`).
        StartGrace = "start_grace",
        /// `host`: the remote host it runs on (`local`: this machine).
        Host = "host",
    }
}

impl SessionKey {
    /// Whether the key means the same on both backends, so that it carries over when the
    /// command line runs a declared session on the other backend. A working directory is
    /// a host path on tmux and a path inside the container otherwise, so it does not.
    pub fn carries_over(self) -> bool {
        match self {
            SessionKey::Backend
            | SessionKey::Command
            | SessionKey::Env
            | SessionKey::StopSignal
            | SessionKey::StopTimeout
            | SessionKey::StartGrace
            | SessionKey::Host => true,
            SessionKey::WorkingDir
            | SessionKey::Image
            | SessionKey::Volumes
            | SessionKey::Ports
            | SessionKey::LogVolume
            | SessionKey::Runtime
            | SessionKey::SocketName
            | SessionKey::SocketPath => false,
        }
    }
}

/// The top-level keys this module reads; repeating one of them is an error even though the
/// top level otherwise tolerates repeats (last wins), because half of `ops` or of the
/// includes would silently vanish.
const OWNED_TOP_LEVEL_KEYS: &[&str] = &["ops", "include"];

/// The `ops:` section, read. `ops: null` or no `ops` at all gives the default: nothing set,
/// no sessions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ops {
    /// `ops.default_backend`, `ops.tmux_binary` and `ops.container_runtime`, as the layer
    /// under every session.
    pub(crate) defaults: Settings,
    /// `ops.sessions`, in order of first appearance across the merged files.
    pub(crate) sessions: Vec<Entry>,
    /// `ops.hosts`, the entries that could be read, in order.
    pub(crate) hosts: Vec<HostEntry>,
    /// What is wrong outside the session entries.
    pub(crate) errors: Vec<ConfigError>,
}

/// One entry of `ops.hosts`, read: how to reach the host, and the defaults of the sessions
/// that run on it (`container_runtime`, `tmux_binary`, `log_dir`), a layer between `ops.*`
/// and the session entry.
#[derive(Debug, Clone)]
pub(crate) struct HostEntry {
    /// The host, validated.
    pub(crate) spec: Arc<HostSpec>,
    /// Its session defaults; `log_dir` is a path on the host, as written.
    pub(crate) defaults: Settings,
}

/// One entry of `ops.sessions`, read: its settings, and what was wrong with it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The name as written, with its place.
    pub(crate) name: Spanned<String>,
    /// The name, when it is a valid session name.
    pub(crate) checked_name: Option<SessionName>,
    /// Every key that could be read.
    pub(crate) settings: Settings,
    /// Every key that could not, each error at its place.
    pub(crate) errors: Vec<ConfigError>,
    /// The entry's `host:`, as written (resolved against `ops.hosts` once all is read).
    pub(crate) host: Option<Spanned<HostRef>>,
}

impl Ops {
    /// Reads the `ops:` section of a (merged) top-level mapping.
    pub(crate) fn read(root: &Node) -> Ops {
        let mut ops = Ops::default();
        let Some(node) = root.get("ops") else {
            return ops;
        };
        let entries = match &node.kind {
            NodeKind::Null => return ops,
            NodeKind::Map(entries) => entries,
            _ => {
                ops.errors.push(expected(node, "a mapping", "'ops'"));
                return ops;
            }
        };
        for (key, value) in entries {
            let read = match OpsKey::parse(&key.value) {
                Some(OpsKey::DefaultBackend) => {
                    typed(value, &key.value, None, BackendType::from_str)
                        .map(|v| ops.defaults.backend = v)
                }
                Some(OpsKey::TmuxBinary) => typed(value, &key.value, None, tmux_binary)
                    .map(|v| ops.defaults.tmux_binary = v),
                Some(OpsKey::ContainerRuntime) => typed(value, &key.value, None, Runtime::from_str)
                    .map(|v| ops.defaults.runtime = v),
                Some(OpsKey::LogDir) => {
                    let base = base_dir(&value.span);
                    typed(value, &key.value, None, |text| log_dir(text, &base))
                        .map(|v| ops.defaults.log_dir = v)
                }
                Some(OpsKey::LogMaxSize) => typed(value, &key.value, None, |text| {
                    validate::byte_size("log_max_size", text)
                })
                .map(|v| ops.defaults.log_max_size = v),
                Some(OpsKey::StartGrace) => typed(value, &key.value, None, |text| {
                    validate::seconds("start_grace", text)
                })
                .map(|v| ops.defaults.start_grace = v),
                Some(OpsKey::Sessions) => sessions(value).map(|s| ops.sessions = s),
                Some(OpsKey::Hosts) => hosts(value, &mut ops.errors).map(|h| ops.hosts = h),
                None => Err(unknown_key(key, OpsKey::NAMES, "'ops'")),
            };
            if let Err(err) = read {
                ops.errors.push(err);
            }
        }
        ops
    }
}

/// Reject what a file repeats where a repeat loses something: `ops` and `include` at the
/// top level, and any key inside `ops`. Must run on each file before it is merged, since
/// merging keeps only the last of a repeated key.
pub(crate) fn check_duplicates(root: &Node) -> Result<(), ConfigError> {
    if let NodeKind::Map(entries) = &root.kind {
        let owned: Vec<_> = entries
            .iter()
            .filter(|(k, _)| OWNED_TOP_LEVEL_KEYS.contains(&k.value.as_str()))
            .cloned()
            .collect();
        if let Some((first, second)) = first_duplicate(&owned) {
            return Err(duplicate(first, second, "the top level"));
        }
    }
    match root.get("ops") {
        Some(ops) => check_duplicates_in(ops, "ops"),
        None => Ok(()),
    }
}

/// Every mapping at or under `node` (reached as `path`) must have distinct keys.
/// Recursion is bounded by the parser's nesting limit.
fn check_duplicates_in(node: &Node, path: &str) -> Result<(), ConfigError> {
    match &node.kind {
        NodeKind::Map(entries) => {
            if let Some((first, second)) = first_duplicate(entries) {
                return Err(duplicate(first, second, &quote(path)));
            }
            for (key, value) in entries {
                check_duplicates_in(value, &format!("{path}.{}", key.value))?;
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                check_duplicates_in(item, &format!("{path}[{i}]"))?;
            }
        }
        NodeKind::Null | NodeKind::Scalar(_) => {}
    }
    Ok(())
}

/// `place` is ready to print: "the top level" or a key path passed through [`quote`].
fn duplicate(first: &Spanned<String>, second: &Spanned<String>, place: &str) -> ConfigError {
    ConfigError::new(format!("duplicate key {} in {place}", quote(&second.value)))
        .at(second.span.clone())
        .with_label("defined again here")
        .with_note("first defined here", Some(first.span.clone()))
        .with_help("keep one of them: YAML would silently drop the first")
}

fn sessions(node: &Node) -> Result<Vec<Entry>, ConfigError> {
    let entries = match &node.kind {
        NodeKind::Null => return Ok(Vec::new()),
        NodeKind::Map(entries) => entries,
        _ => {
            return Err(expected(node, "a mapping of session names", "'sessions'")
                .with_help("write `sessions:` then one `name:` per session, indented"));
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    let mut seen = HashSet::with_capacity(entries.len());
    for (name, value) in entries {
        // Only reachable on a tree that skipped `check_duplicates`; still never silent.
        if !seen.insert(name.value.as_str()) {
            return Err(
                ConfigError::new(format!("duplicate session {}", quote(&name.value)))
                    .at(name.span.clone()),
            );
        }
        out.push(entry(name, value));
    }
    Ok(out)
}

/// One session entry: each key read on its own, so that every mistake in it is reported.
fn entry(name: &Spanned<String>, node: &Node) -> Entry {
    let mut entry = Entry {
        name: name.clone(),
        checked_name: None,
        settings: Settings::default(),
        errors: Vec::new(),
        host: None,
    };
    match SessionName::new(&name.value) {
        Ok(checked) => entry.checked_name = Some(checked),
        Err(err) => entry
            .errors
            .push(invalid(err, &name.span, Some(&name.value))),
    }
    let what = format!("session {}", quote(&name.value));
    let keys = match &node.kind {
        NodeKind::Map(keys) => keys,
        NodeKind::Null => {
            entry.errors.push(
                expected(node, "a mapping", &what)
                    .at(name.span.clone())
                    .with_help(format!(
                        "write `{}: {{}}` for a session with default settings, or indent its keys under it",
                        name.value
                    )),
            );
            return entry;
        }
        _ => {
            entry.errors.push(expected(node, "a mapping", &what));
            return entry;
        }
    };
    for (key, value) in keys {
        let read = match SessionKey::parse(&key.value) {
            Some(SessionKey::Host) => host_ref(value, &name.value).map(|host| entry.host = host),
            Some(known) => read_key(known, value, &name.value, &mut entry.settings),
            None => Err(unknown_key(key, SessionKey::NAMES, &what)),
        };
        if let Err(err) = read {
            entry.errors.push(err);
        }
    }
    let set = |wanted: SessionKey| {
        keys.iter()
            .find(|(key, value)| key.value == wanted.as_str() && value.kind != NodeKind::Null)
            .map(|(_, value)| value)
    };
    if let (Some(_), Some(path)) = (set(SessionKey::SocketName), set(SessionKey::SocketPath)) {
        let text = match &path.kind {
            NodeKind::Scalar(text) => text.as_str(),
            _ => "",
        };
        let err = ValidationError::new(
            "socket_path",
            text,
            "socket_name and socket_path cannot both be set",
        );
        entry
            .errors
            .push(invalid(err, &path.span, Some(&name.value)));
    }
    entry
}

/// Reads one key of a session entry into `settings`.
fn read_key(
    key: SessionKey,
    node: &Node,
    session: &str,
    settings: &mut Settings,
) -> Result<(), ConfigError> {
    let k = key.as_str();
    let s = Some(session);
    match key {
        SessionKey::Backend => settings.backend = typed(node, k, s, BackendType::from_str)?,
        SessionKey::Command => settings.command = command(node, session)?,
        SessionKey::WorkingDir => {
            let base = base_dir(&node.span);
            settings.working_dir = typed(node, k, s, |text| WorkingDir::new(text, Some(&base)))?;
        }
        SessionKey::Env => settings.env = env(node, session)?,
        SessionKey::Image => settings.image = typed(node, k, s, Image::new)?,
        SessionKey::Volumes => {
            settings.volumes = Some(list(node, k, session, validate::check_volume_count, |v| {
                Volume::parse(v).and_then(|volume| bind_host(volume, Some(&base_dir(&node.span))))
            })?);
        }
        SessionKey::Ports => {
            settings.ports = Some(list(
                node,
                k,
                session,
                validate::check_port_count,
                Port::parse,
            )?);
        }
        SessionKey::LogVolume => {
            let base = base_dir(&node.span);
            settings.log_volume = typed(node, k, s, |text| log_volume(text, Some(&base)))?;
        }
        SessionKey::Runtime => settings.runtime = typed(node, k, s, Runtime::from_str)?,
        SessionKey::SocketName => {
            settings.socket = typed(node, k, s, |name| TmuxSocket::new(Some(name), None))?;
        }
        SessionKey::SocketPath => {
            let base = base_dir(&node.span);
            settings.socket = typed(node, k, s, |path| {
                TmuxSocket::at_path(host_path(path, Some(&base)))
            })?;
        }
        SessionKey::StopSignal => settings.stop_signal = typed(node, k, s, StopSignal::parse)?,
        // Read by `entry`: a host is resolved against `ops.hosts` once everything is read.
        SessionKey::Host => {}
        SessionKey::StopTimeout => {
            settings.stop_timeout =
                typed(node, k, s, |text| validate::seconds("stop_timeout", text))?;
        }
        SessionKey::StartGrace => {
            settings.start_grace =
                typed(node, k, s, |text| validate::seconds("start_grace", text))?;
        }
    }
    Ok(())
}

/// A session's `host:`: `local`, or the name of a host of `ops.hosts`.
fn host_ref(node: &Node, session: &str) -> Result<Option<Spanned<HostRef>>, ConfigError> {
    let Some(text) = string(node, SessionKey::Host.as_str())? else {
        return Ok(None);
    };
    match HostRef::parse(&text.value) {
        Ok(host) => Ok(Some(Spanned::new(host, text.span))),
        Err(err) => Err(invalid(err, &text.span, Some(session))),
    }
}

/// `ops.hosts`: each entry read on its own; what is wrong with one goes to `errors`, and
/// the entry is left out.
fn hosts(node: &Node, errors: &mut Vec<ConfigError>) -> Result<Vec<HostEntry>, ConfigError> {
    let entries = match &node.kind {
        NodeKind::Null => return Ok(Vec::new()),
        NodeKind::Map(entries) => entries,
        _ => {
            return Err(expected(node, "a mapping of host names", "'hosts'")
                .with_help("write `hosts:` then one `name: {ssh: user@host}` per host"));
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        match host_entry(name, value) {
            Ok(entry) => out.push(entry),
            Err(mut found) => errors.append(&mut found),
        }
    }
    Ok(out)
}

/// One entry of `ops.hosts`, every mistake in it reported.
fn host_entry(name: &Spanned<String>, node: &Node) -> Result<HostEntry, Vec<ConfigError>> {
    let what = format!("host {}", quote(&name.value));
    let mut errors = Vec::new();
    let checked = HostName::new(&name.value)
        .map_err(|err| errors.push(invalid(err, &name.span, None)))
        .ok();
    let NodeKind::Map(keys) = &node.kind else {
        errors.push(
            expected(node, "a mapping", &what)
                .with_help(format!("write `{}: {{ssh: user@host}}`", name.value)),
        );
        return Err(errors);
    };
    let mut ssh = None;
    let mut ssh_config = None;
    let mut ssh_options = Vec::new();
    let mut connect_timeout = None;
    let mut defaults = Settings::default();
    for (key, value) in keys {
        let k = key.value.as_str();
        let read = match HostKey::parse(k) {
            Some(HostKey::Ssh) => typed(value, k, None, SshDestination::new).map(|v| ssh = v),
            Some(HostKey::SshConfig) => {
                let base = base_dir(&value.span);
                typed(value, k, None, |text| {
                    validate::check_path_text("ssh_config", text)?;
                    Ok(host_path(text, Some(&base)))
                })
                .map(|v| ssh_config = v)
            }
            Some(HostKey::SshOptions) => strings(value, k).and_then(|items| {
                if items.value.len() > validate::MAX_SSH_OPTIONS {
                    let err = ValidationError::too_many(
                        "ssh_options",
                        items.value.len(),
                        validate::MAX_SSH_OPTIONS,
                    );
                    return Err(invalid(err, &items.span, None));
                }
                for item in &items.value {
                    let option = SshOption::new(&item.value)
                        .map_err(|err| invalid(err, &item.span, None))?;
                    ssh_options.push(option);
                }
                Ok(())
            }),
            Some(HostKey::ConnectTimeout) => typed(value, k, None, |text| {
                validate::seconds("connect_timeout", text)
            })
            .map(|v| connect_timeout = v),
            Some(HostKey::ContainerRuntime) => {
                typed(value, k, None, Runtime::from_str).map(|v| defaults.runtime = v)
            }
            Some(HostKey::TmuxBinary) => {
                typed(value, k, None, tmux_binary).map(|v| defaults.tmux_binary = v)
            }
            // A path on the host, as written: `~` is the home there, not here.
            Some(HostKey::LogDir) => typed(value, k, None, |text| {
                validate::check_path_text("log_dir", text).map(|()| PathBuf::from(text))
            })
            .map(|v| defaults.log_dir = v),
            None => Err(unknown_key(key, HostKey::NAMES, &what)),
        };
        if let Err(err) = read {
            errors.push(err);
        }
    }
    if ssh.is_none() && errors.is_empty() {
        errors.push(
            ConfigError::new(format!("{what} has no ssh destination"))
                .at(name.span.clone())
                .with_label("no `ssh:` key")
                .with_help(format!(
                    "add `ssh: user@host` (or an alias from ~/.ssh/config) under `{}:`",
                    name.value
                )),
        );
    }
    match (checked, ssh) {
        (Some(name_checked), Some(ssh)) if errors.is_empty() => {
            let mut spec = HostSpec::new(name_checked, ssh.value);
            spec.ssh_config = ssh_config.map(|given| given.value);
            spec.ssh_options = ssh_options;
            if let Some(timeout) = connect_timeout {
                spec.connect_timeout = timeout.value.max(std::time::Duration::from_secs(1));
            }
            Ok(HostEntry {
                spec: Arc::new(spec),
                defaults,
            })
        }
        _ => Err(errors),
    }
}

/// A volume's host path as a path on this host, when it is one (a named volume is not):
/// container runtimes refuse relative host paths, or take them for named volumes.
pub(crate) fn bind_host(volume: Volume, base: Option<&Path>) -> Result<Volume, ValidationError> {
    if volume.is_bind_mount() {
        let host = host_path(volume.host(), base);
        volume.with_host(host.display().to_string())
    } else {
        Ok(volume)
    }
}

/// `log_volume`: a volume, named as such in messages.
pub(crate) fn log_volume(text: &str, base: Option<&Path>) -> Result<Volume, ValidationError> {
    Volume::parse(text)
        .and_then(|volume| bind_host(volume, base))
        .map_err(|err| ValidationError::new("log_volume", err.value(), err.reason()))
}

/// `log_dir`: a directory on this host, `~` expanded, relative to the file that names it.
fn log_dir(text: &str, base: &Path) -> Result<PathBuf, ValidationError> {
    validate::check_path_text("log_dir", text)?;
    Ok(host_path(text, Some(base)))
}

/// `tmux_binary`: a path or a name, as text.
pub(crate) fn tmux_binary(text: &str) -> Result<String, ValidationError> {
    validate::check_path_text("tmux_binary", text).map(|()| text.to_owned())
}

/// A value that failed validation, at the place it was written; `session` names the entry
/// it belongs to.
pub(crate) fn invalid(err: ValidationError, span: &Span, session: Option<&str>) -> ConfigError {
    let message = match session {
        Some(session) => format!("session {}: {}", quote(session), err.summary()),
        None => err.summary(),
    };
    ConfigError::new(message)
        .at(span.clone())
        .with_label(err.reason())
}

/// A scalar parsed with `parse` at its place; null is "not set".
fn typed<T>(
    node: &Node,
    key: &str,
    session: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, ValidationError>,
) -> Result<Option<Given<T>>, ConfigError> {
    let Some(text) = string(node, key)? else {
        return Ok(None);
    };
    match parse(&text.value) {
        Ok(value) => Ok(Some(Given::at(value, text.span))),
        Err(err) => Err(invalid(err, &text.span, session)),
    }
}

/// A list of scalars, each parsed at its place, counted with `count`.
fn list<T>(
    node: &Node,
    key: &str,
    session: &str,
    count: fn(usize) -> Result<(), ValidationError>,
    parse: impl Fn(&str) -> Result<T, ValidationError>,
) -> Result<Given<Vec<T>>, ConfigError> {
    let items = strings(node, key)?;
    count(items.value.len()).map_err(|err| invalid(err, &items.span, Some(session)))?;
    let values = items
        .value
        .iter()
        .map(|item| parse(&item.value).map_err(|err| invalid(err, &item.span, Some(session))))
        .collect::<Result<_, _>>()?;
    Ok(Given::at(values, items.span))
}

/// A scalar as its text; null is "not set". Upstream required real strings and crashed on
/// `ports: [8080]` or `DEBUG: 1`; any scalar is taken as written here.
fn string(node: &Node, key: &str) -> Result<Option<Spanned<String>>, ConfigError> {
    match &node.kind {
        NodeKind::Null => Ok(None),
        NodeKind::Scalar(s) => Ok(Some(Spanned::new(s.clone(), node.span.clone()))),
        _ => Err(expected(node, "a string", &format!("'{key}'"))),
    }
}

/// `command`: a line split with shell-word rules, or a list taken as the exact argv (an
/// error in one word points at that word).
fn command(node: &Node, session: &str) -> Result<Option<Given<Command>>, ConfigError> {
    let parsed = match &node.kind {
        NodeKind::Null => return Ok(None),
        NodeKind::Scalar(line) => Command::parse(line),
        NodeKind::Seq(items) => {
            let words = items
                .iter()
                .map(|item| item_string(item, "command"))
                .collect::<Result<Vec<_>, _>>()?;
            let argv = words.iter().map(|word| word.value.clone()).collect();
            return match Command::from_argv(argv) {
                Ok(command) => Ok(Some(Given::at(command, node.span.clone()))),
                Err(err) => {
                    let span = match err.item() {
                        Some(Item::Index(i)) => words.get(*i).map(|word| &word.span),
                        _ => None,
                    };
                    Err(invalid(err, span.unwrap_or(&node.span), Some(session)))
                }
            };
        }
        NodeKind::Map(_) => {
            return Err(expected(node, "a string or a list of strings", "'command'"));
        }
    };
    parsed
        .map(|command| Some(Given::at(command, node.span.clone())))
        .map_err(|err| invalid(err, &node.span, Some(session)))
}

/// A list of scalars; null is the empty list (upstream passed `None` on and crashed).
fn strings(node: &Node, key: &str) -> Result<Spanned<Vec<Spanned<String>>>, ConfigError> {
    let items = match &node.kind {
        NodeKind::Null => Vec::new(),
        NodeKind::Seq(items) => items
            .iter()
            .map(|item| item_string(item, key))
            .collect::<Result<_, _>>()?,
        NodeKind::Scalar(s) => {
            return Err(
                expected(node, "a list of strings", &format!("'{key}'")).with_help(format!(
                    "write a list: `{key}: [{}]`, or one `- item` per line",
                    yaml_quote(s)
                )),
            );
        }
        NodeKind::Map(_) => {
            return Err(expected(node, "a list of strings", &format!("'{key}'"))
                .with_help("write one `- item` per line, or `[a, b]`"));
        }
    };
    Ok(Spanned::new(items, node.span.clone()))
}

/// One element of a list of strings: a scalar, never null (an empty `- ` is a mistake,
/// not an intent).
fn item_string(node: &Node, key: &str) -> Result<Spanned<String>, ConfigError> {
    match &node.kind {
        NodeKind::Scalar(s) => Ok(Spanned::new(s.clone(), node.span.clone())),
        _ => Err(expected(node, "a string", &format!("each item of '{key}'"))),
    }
}

/// `env`: a mapping of scalars, each variable checked at its key; null is empty.
fn env(node: &Node, session: &str) -> Result<Vec<Given<EnvVar>>, ConfigError> {
    let entries = match &node.kind {
        NodeKind::Null => return Ok(Vec::new()),
        NodeKind::Map(entries) => entries,
        _ => {
            return Err(
                expected(node, "a mapping of variable names to values", "'env'")
                    .with_help("write one `NAME: value` per line, indented under `env:`"),
            );
        }
    };
    validate::check_env_count(entries.len())
        .map_err(|err| invalid(err, &node.span, Some(session)))?;
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let what = format!(
            "env variable {} of session {}",
            quote(&key.value),
            quote(session)
        );
        let text = match &value.kind {
            NodeKind::Scalar(s) => s.as_str(),
            NodeKind::Null => {
                return Err(expected(value, "a string", &what)
                    .at(key.span.clone())
                    .with_help(format!("write `{}: \"\"` for an empty value", key.value)));
            }
            _ => return Err(expected(value, "a string", &what)),
        };
        let var = EnvVar::new(key.value.as_str(), text)
            .map_err(|err| invalid(err, &key.span, Some(session)))?;
        out.push(Given::at(var, key.span.clone()));
    }
    Ok(out)
}

/// The directory of the file that wrote the value at `span`, absolute: a relative path
/// in a config file means relative to that file, not to wherever kstlib runs (upstream
/// passed it on verbatim).
fn base_dir(span: &Span) -> PathBuf {
    let parent = span
        .file
        .path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    validate::absolute(parent)
}

/// "expected X for Y, found Z", at the node.
fn expected(node: &Node, what: &str, key: &str) -> ConfigError {
    let found = match &node.kind {
        NodeKind::Scalar(s) => format!("the scalar {}", quote(s)),
        _ => node.kind_name().to_owned(),
    };
    ConfigError::new(format!("expected {what} for {key}, found {found}"))
        .at(node.span.clone())
        .with_label(format!("expected {what}"))
}

/// An unknown key, with the closest known one when it is close enough to be a typo.
fn unknown_key(key: &Spanned<String>, known: &[&str], place: &str) -> ConfigError {
    let err = ConfigError::new(format!("unknown key {} in {place}", quote(&key.value)))
        .at(key.span.clone())
        .with_label("unknown key");
    match did_you_mean(&key.value, known) {
        Some(best) => err.with_help(format!("did you mean '{best}'?")),
        None => err.with_help(format!("known keys: {}", known.join(", "))),
    }
}

/// The known key nearest to `key` by edit distance (case-insensitive), if within about a
/// third of its length: `comand` → `command`, `sesions` → `sessions`, `xyz` → nothing.
pub fn did_you_mean<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(lower.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// A scalar as a YAML double-quoted string, for hints that show how to write it.
fn yaml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars().take(60) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::ops::config::yaml::parse;
    use crate::ops::span::SourceFile;

    fn root(text: &str) -> Node {
        match parse(Arc::new(SourceFile {
            path: PathBuf::from("/etc/kstlib/k.yml"),
            text: text.to_owned(),
        })) {
            Ok(node) => node,
            Err(err) => panic!("parse failed: {err}"),
        }
    }

    fn all_errors(ops: &Ops) -> Vec<ConfigError> {
        ops.errors
            .iter()
            .chain(ops.sessions.iter().flat_map(|entry| &entry.errors))
            .cloned()
            .collect()
    }

    fn ops(text: &str) -> Ops {
        let root = root(text);
        if let Err(err) = check_duplicates(&root) {
            panic!("duplicates: {err}");
        }
        let ops = Ops::read(&root);
        let errors = all_errors(&ops);
        assert!(errors.is_empty(), "{text:?} should read: {errors:?}");
        ops
    }

    fn ops_err(text: &str) -> ConfigError {
        let root = root(text);
        if let Err(err) = check_duplicates(&root) {
            return err;
        }
        match all_errors(&Ops::read(&root)).into_iter().next() {
            Some(err) => err,
            None => panic!("{text:?} should fail"),
        }
    }

    fn line<T>(given: Option<&Given<T>>) -> Option<usize> {
        given?.span.as_ref().map(|span| span.line)
    }

    #[test]
    fn missing_or_null_ops_gives_defaults() {
        for text in ["logging: {level: debug}\n", "ops:\n", "ops: null\n", ""] {
            let read = ops(text);
            assert_eq!(read.defaults, Settings::default(), "{text:?}");
            assert!(read.sessions.is_empty(), "{text:?}");
        }
        assert!(ops("ops:\n  sessions:\n").sessions.is_empty());
    }

    #[test]
    fn reads_every_key_typed_with_its_place() {
        let read = ops(concat!(
            "ops:\n",
            "  default_backend: container\n",
            "  tmux_binary: /usr/bin/tmux\n",
            "  container_runtime: ~\n",
            "  start_grace: 2\n",
            "  sessions:\n",
            "    bot:\n",
            "      backend: tmux\n",
            "      command: python bot.py\n",
            "      working_dir: bots\n",
            "      env: {DEBUG: 1, NAME: x}\n",
            "      socket_name: bots\n",
            "      stop_signal: SIGINT\n",
            "      stop_timeout: 30\n",
            "      start_grace: 0.25\n",
            "    web:\n",
            "      image: nginx\n",
            "      volumes: [\"./d:/d\", \"data:/data\"]\n",
            "      ports: [8080, \"80:80\"]\n",
            "      log_volume: ./logs:/logs\n",
            "      runtime: podman\n",
            "      command: [nginx, -g, daemon off;]\n",
            "      socket_path: s.sock\n",
        ));
        let defaults = &read.defaults;
        assert_eq!(
            defaults.backend.as_ref().map(|b| b.value),
            Some(BackendType::Container)
        );
        assert_eq!(line(defaults.backend.as_ref()), Some(2));
        assert_eq!(
            defaults.tmux_binary.as_ref().map(|b| b.value.as_str()),
            Some("/usr/bin/tmux")
        );
        assert_eq!(defaults.runtime, None, "null means auto-detect");
        assert_eq!(
            defaults.start_grace.as_ref().map(|g| g.value),
            Some(Duration::from_secs(2))
        );
        let names: Vec<_> = read
            .sessions
            .iter()
            .map(|s| s.name.value.as_str())
            .collect();
        assert_eq!(names, ["bot", "web"]);
        let bot = &read.sessions[0].settings;
        assert_eq!(
            bot.command.as_ref().map(|c| c.value.argv().to_vec()),
            Some(vec!["python".to_owned(), "bot.py".to_owned()])
        );
        assert_eq!(
            bot.working_dir.as_ref().map(|d| d.value.on_host()),
            Some(PathBuf::from("/etc/kstlib/bots")),
            "relative to the file"
        );
        let env: Vec<_> = bot
            .env
            .iter()
            .map(|v| (v.value.key(), v.value.value()))
            .collect();
        assert_eq!(env, [("DEBUG", "1"), ("NAME", "x")]);
        assert_eq!(bot.env[1].span.as_ref().map(|s| s.column), Some(23));
        assert_eq!(
            bot.stop_timeout.as_ref().map(|t| t.value.as_secs()),
            Some(30)
        );
        assert_eq!(
            bot.socket.as_ref().map(|s| s.value.clone()),
            TmuxSocket::new(Some("bots"), None).ok()
        );
        assert_eq!(
            bot.start_grace.as_ref().map(|g| g.value),
            Some(Duration::from_millis(250))
        );
        assert_eq!(read.sessions[0].name.span.line, 7);
        let web = &read.sessions[1].settings;
        let ports: Vec<String> = web
            .ports
            .iter()
            .flat_map(|p| &p.value)
            .map(ToString::to_string)
            .collect();
        assert_eq!(ports, ["8080", "80:80"]);
        let volumes: Vec<String> = web
            .volumes
            .iter()
            .flat_map(|v| &v.value)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            volumes,
            ["/etc/kstlib/d:/d", "data:/data"],
            "named volumes stay"
        );
        assert_eq!(
            web.log_volume.as_ref().map(|v| v.value.to_string()),
            Some("/etc/kstlib/logs:/logs".to_owned())
        );
        assert_eq!(
            web.command.as_ref().map(|c| c.value.argv().to_vec()),
            Some(vec!["nginx".into(), "-g".into(), "daemon off;".into()])
        );
        assert_eq!(web.runtime.as_ref().map(|r| r.value), Some(Runtime::Podman));
        assert_eq!(
            web.socket.as_ref().map(|s| s.value.path()),
            Some(PathBuf::from("/etc/kstlib/s.sock"))
        );
        assert_eq!(line(web.ports.as_ref()), Some(19));
    }

    #[test]
    fn null_means_not_set_or_empty() {
        let read = ops(concat!(
            "ops:\n  sessions:\n    s:\n",
            "      command: ~\n      image:\n      working_dir: null\n",
            "      env: ~\n      volumes: ~\n      ports:\n",
        ));
        let s = &read.sessions[0].settings;
        assert_eq!(s.command, None);
        assert_eq!(s.image, None);
        assert_eq!(s.working_dir, None);
        assert!(s.env.is_empty());
        assert_eq!(s.volumes.as_ref().map(|v| v.value.len()), Some(0));
        assert_eq!(s.ports.as_ref().map(|p| p.value.len()), Some(0));
        let unset = &ops("ops: {sessions: {t: {}}}\n").sessions[0].settings;
        assert_eq!(unset, &Settings::default());
    }

    #[test]
    fn every_error_of_an_entry_is_kept_and_the_rest_is_read() {
        let root = root(concat!(
            "ops:\n  sessions:\n    web:\n",
            "      comand: x\n",
            "      ports: ['99999', '80']\n",
            "      image: nginx\n",
            "    ok: {image: caddy}\n",
        ));
        let read = Ops::read(&root);
        let web = &read.sessions[0];
        let messages: Vec<&str> = web.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown key 'comand' in session 'web'",
                "session 'web': invalid port '99999'"
            ]
        );
        assert_eq!(
            web.settings.image.as_ref().map(|i| i.value.as_str()),
            Some("nginx")
        );
        assert!(read.sessions[1].errors.is_empty());
    }

    #[test]
    fn values_are_checked_where_they_are_written() {
        let e = ops_err("ops:\n  sessions:\n    w:\n      command: [sh, \"a\\nb\"]\n");
        assert_eq!(e.message, "session 'w': invalid command 'a\\nb'");
        assert_eq!(
            e.location.as_ref().map(|s| (s.line, s.column)),
            Some((4, 21)),
            "the word, not the list"
        );
        let e = ops_err("ops:\n  sessions:\n    w:\n      env: {LD_PRELOAD: x}\n");
        assert_eq!(
            e.location.as_ref().map(|s| (s.line, s.column)),
            Some((4, 13))
        );
        let e = ops_err("ops:\n  sessions:\n    w: {socket_name: a, socket_path: /tmp/b}\n");
        assert_eq!(e.message, "session 'w': invalid tmux socket path '/tmp/b'");
        let e = ops_err("ops:\n  default_backend: vm\n");
        assert_eq!(e.message, "invalid backend 'vm'");
        assert_eq!(e.label.as_deref(), Some("must be 'tmux' or 'container'"));
        let e = ops_err("ops:\n  sessions:\n    1bot: {}\n");
        assert_eq!(e.message, "session '1bot': invalid session name '1bot'");
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_known_one() {
        let e = ops_err("ops:\n  sessions:\n    web:\n      comand: x\n");
        assert_eq!(e.message, "unknown key 'comand' in session 'web'");
        assert_eq!(e.help.as_deref(), Some("did you mean 'command'?"));
        assert_eq!(
            e.location.as_ref().map(|s| (s.line, s.column)),
            Some((4, 7))
        );
        let e = ops_err("ops:\n  sesions: {}\n");
        assert_eq!(e.message, "unknown key 'sesions' in 'ops'");
        assert_eq!(e.help.as_deref(), Some("did you mean 'sessions'?"));
        let e = ops_err("ops:\n  zzz: 1\n");
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.starts_with("known keys: default_backend")),
            "{e}"
        );
    }

    #[test]
    fn did_you_mean_is_case_insensitive_and_conservative() {
        let keys = SessionKey::NAMES;
        assert_eq!(did_you_mean("Command", keys), Some("command"));
        assert_eq!(did_you_mean("workdir", keys), None);
        assert_eq!(did_you_mean("working-dir", keys), Some("working_dir"));
        assert_eq!(did_you_mean("enviroment", keys), None);
        assert_eq!(did_you_mean("envv", keys), Some("env"));
        assert_eq!(did_you_mean("port", keys), Some("ports"));
        assert_eq!(did_you_mean("xyz", OpsKey::NAMES), None);
    }

    #[test]
    fn keys_round_trip_through_their_text() {
        for &key in SessionKey::ALL {
            assert_eq!(SessionKey::parse(key.as_str()), Some(key));
        }
        for &key in OpsKey::ALL {
            assert_eq!(OpsKey::parse(key.as_str()), Some(key));
        }
        assert_eq!(SessionKey::NAMES.len(), SessionKey::ALL.len());
    }

    #[test]
    fn duplicates_inside_ops_are_errors_naming_the_first() {
        let e = ops_err("ops:\n  sessions:\n    web:\n      image: a\n      image: b\n");
        assert_eq!(e.message, "duplicate key 'image' in 'ops.sessions.web'");
        assert!(
            e.to_string()
                .contains("k.yml:4:7: note: first defined here"),
            "{e}"
        );
        assert_eq!(e.location.as_ref().map(|s| s.line), Some(5));
        assert_eq!(e.notes[0].1.as_ref().map(|s| s.line), Some(4));
        let e = ops_err("ops:\n  sessions:\n    a: {}\n    a: {}\n");
        assert!(e.message.contains("'ops.sessions'"), "{e}");
        let e = ops_err("ops: {}\nops: {}\n");
        assert!(e.message.contains("the top level"), "{e}");
        let e = ops_err("include: a.yml\ninclude: b.yml\n");
        assert!(e.message.contains("'include'"), "{e}");
    }

    #[test]
    fn duplicates_outside_ops_are_tolerated() {
        let read = ops("logging: 1\nlogging: 2\nsecrets: {a: 1, a: 2}\nops: {}\n");
        assert!(read.sessions.is_empty());
    }

    #[test]
    fn shape_errors_say_what_was_expected_and_found() {
        let cases = [
            ("ops: [a]\n", "expected a mapping for 'ops', found a list"),
            (
                "ops:\n  sessions: [a]\n",
                "expected a mapping of session names for 'sessions', found a list",
            ),
            (
                "ops:\n  sessions:\n    web: nginx\n",
                "expected a mapping for session 'web', found the scalar 'nginx'",
            ),
            (
                "ops:\n  sessions:\n    web:\n",
                "expected a mapping for session 'web', found null",
            ),
            (
                "ops: {sessions: {w: {volumes: {a: b}}}}\n",
                "expected a list of strings for 'volumes', found a mapping",
            ),
            (
                "ops: {sessions: {w: {ports: \"80\"}}}\n",
                "expected a list of strings for 'ports', found the scalar '80'",
            ),
            (
                "ops: {sessions: {w: {ports: [[1]]}}}\n",
                "expected a string for each item of 'ports', found a list",
            ),
            (
                "ops: {sessions: {w: {volumes: [~]}}}\n",
                "expected a string for each item of 'volumes', found null",
            ),
            (
                "ops: {sessions: {w: {env: [A=1]}}}\n",
                "expected a mapping of variable names to values for 'env', found a list",
            ),
            (
                "ops: {sessions: {w: {env: {A: [1]}}}}\n",
                "expected a string for env variable 'A' of session 'w', found a list",
            ),
            (
                "ops: {sessions: {w: {env: {A: }}}}\n",
                "expected a string for env variable 'A' of session 'w', found null",
            ),
            (
                "ops: {sessions: {w: {command: {a: b}}}}\n",
                "expected a string or a list of strings for 'command', found a mapping",
            ),
            (
                "ops: {sessions: {w: {command: [a, {b: c}]}}}\n",
                "expected a string for each item of 'command', found a mapping",
            ),
            (
                "ops: {sessions: {w: {image: [a]}}}\n",
                "expected a string for 'image', found a list",
            ),
            (
                "ops: {tmux_binary: {a: b}}\n",
                "expected a string for 'tmux_binary', found a mapping",
            ),
        ];
        for (text, message) in cases {
            let e = ops_err(text);
            assert_eq!(e.message, message, "{text:?}");
            assert!(e.location.is_some(), "{text:?}");
        }
    }

    #[test]
    fn shape_errors_point_at_the_offending_node() {
        let e = ops_err("ops:\n  sessions:\n    w:\n      volumes:\n        a: b\n");
        let span = e.location.clone().expect("a place");
        assert_eq!((span.line, span.column), (5, 9));
        assert_eq!(e.label.as_deref(), Some("expected a list of strings"));
    }

    #[test]
    fn control_characters_in_keys_are_escaped_in_messages() {
        let e = ops_err("ops:\n  \"bad\\e[31m\": 1\n");
        assert!(!e.message.contains('\u{1b}'), "{e:?}");
        assert!(e.message.contains("\\u{1b}"), "{e:?}");
    }
}
