//! A session's settings as typed layers: what `ops.*`, a session entry, the command line or
//! the library API sets, each value parsed where it was written.
//!
//! Layers are overlaid, command line > session entry > `ops.*` > built-in defaults, and the
//! result is resolved into a [`SessionConfig`](crate::ops::SessionConfig) once
//! (`resolve.rs`). A value keeps the [`Span`] it was read at, so an error found only once the
//! layers are combined (a relative working directory for a container) still points at the
//! file, line and column that wrote it; values from the command line or the API have none.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::schema::SessionKey;
use crate::ops::model::{BackendType, Runtime, TmuxSocket};
use crate::ops::span::Span;
use crate::ops::spec::host::HostChoice;
use crate::ops::validate::{
    self, Command, EnvVar, Image, Port, StopSignal, ValidationError, Volume,
};

/// A value and where it was given: a place in a config file, or `None` for the command line
/// and the library API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given<T> {
    /// The parsed value.
    pub value: T,
    /// Where it was written, when it came from a file.
    pub span: Option<Span>,
}

impl<T> Given<T> {
    /// A value from the command line or the API.
    pub fn new(value: T) -> Self {
        Given { value, span: None }
    }

    /// A value read from a config file at `span`.
    pub fn at(value: T, span: Span) -> Self {
        Given {
            value,
            span: Some(span),
        }
    }
}

/// A working directory as written, and the directory a relative one is relative to.
///
/// What it means depends on the backend, known only once the layers are combined: on tmux
/// a directory on this host (relative to the config file that wrote it, or to the current
/// directory), in a container an absolute path inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDir {
    text: String,
    base: Option<PathBuf>,
}

impl WorkingDir {
    /// Checks the text of a working directory; `base` is the directory of the file that
    /// wrote it (`None`: the current directory).
    pub fn new(text: &str, base: Option<&Path>) -> Result<Self, ValidationError> {
        validate::check_path_text("working_dir", text)?;
        Ok(WorkingDir {
            text: text.to_owned(),
            base: base.map(Path::to_path_buf),
        })
    }

    /// The directory on this host: `~` expanded, made absolute against the base.
    pub fn on_host(&self) -> PathBuf {
        host_path(&self.text, self.base.as_deref())
    }

    /// The directory on a remote host, as written: absolute, `~/…` (the home there) or
    /// relative to the home there. Nothing on this machine can resolve it; the host does
    /// when the session starts.
    pub fn on_remote(&self) -> PathBuf {
        PathBuf::from(&self.text)
    }

    /// The path inside a container, which must be absolute: there is nothing on this host
    /// to resolve it against.
    pub fn in_container(&self) -> Result<PathBuf, ValidationError> {
        if self.text.starts_with('/') {
            Ok(PathBuf::from(&self.text))
        } else {
            Err(ValidationError::new(
                "working_dir",
                self.text.as_str(),
                "a container's working directory must be an absolute path inside the container",
            ))
        }
    }
}

/// A path written in a config file or given on the command line, as a path on this host:
/// `~` and `~/…` are the home directory, a relative path is relative to `base` (the
/// directory of the file that wrote it) or to the current directory.
pub(crate) fn host_path(text: &str, base: Option<&Path>) -> PathBuf {
    let path = validate::expand_home(text);
    match base {
        Some(base) if path.is_relative() => validate::absolute(&base.join(path)),
        _ => validate::absolute(&path),
    }
}

/// One layer of settings; `None` (or empty) leaves the value to the layers below.
///
/// Adding a session setting: a field here, its arm in [`Settings::overlay`] (the compiler
/// lists it), its key in `schema.rs`, and its use in `resolve.rs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `tmux` or `container`.
    pub backend: Option<Given<BackendType>>,
    /// The program to run; none starts tmux's default shell.
    pub command: Option<Given<Command>>,
    /// See [`WorkingDir`].
    pub working_dir: Option<Given<WorkingDir>>,
    /// Environment variables, merged by key across layers.
    pub env: Vec<Given<EnvVar>>,
    /// Container image.
    pub image: Option<Given<Image>>,
    /// Container volumes, host paths already absolute; a list replaces the one below.
    pub volumes: Option<Given<Vec<Volume>>>,
    /// Container ports; a list replaces the one below.
    pub ports: Option<Given<Vec<Port>>>,
    /// One more volume for the program's logs.
    pub log_volume: Option<Given<Volume>>,
    /// Container runtime; none auto-detects.
    pub runtime: Option<Given<Runtime>>,
    /// The tmux server (`-L` or `-S`).
    pub socket: Option<Given<TmuxSocket>>,
    /// The tmux program, a name on `PATH` or a path.
    pub tmux_binary: Option<Given<String>>,
    /// The signal that asks the program to stop.
    pub stop_signal: Option<Given<StopSignal>>,
    /// How long `stop` waits by default.
    pub stop_timeout: Option<Given<Duration>>,
    /// How long a start watches the new program before it counts as running.
    pub start_grace: Option<Given<Duration>>,
    /// Where log files go (`ops.log_dir`), already absolute.
    pub log_dir: Option<Given<PathBuf>>,
    /// The cap of one log file, in bytes (`ops.log_max_size`).
    pub log_max_size: Option<Given<u64>>,
    /// The host it runs on: this machine, or one of `ops.hosts`.
    pub host: Option<Given<HostChoice>>,
}

impl Settings {
    /// These settings with `top`'s on top, upstream's precedence: a set value replaces,
    /// `env` is merged key by key (`top` wins), a list replaces the whole list below.
    #[must_use]
    pub fn overlay(mut self, top: Settings) -> Settings {
        // Destructured so that a new field cannot be forgotten here.
        let Settings {
            backend,
            command,
            working_dir,
            env,
            image,
            volumes,
            ports,
            log_volume,
            runtime,
            socket,
            tmux_binary,
            stop_signal,
            stop_timeout,
            start_grace,
            log_dir,
            log_max_size,
            host,
        } = top;
        fn replace<T>(below: &mut Option<T>, top: Option<T>) {
            if top.is_some() {
                *below = top;
            }
        }
        replace(&mut self.backend, backend);
        replace(&mut self.command, command);
        replace(&mut self.working_dir, working_dir);
        replace(&mut self.image, image);
        replace(&mut self.volumes, volumes);
        replace(&mut self.ports, ports);
        replace(&mut self.log_volume, log_volume);
        replace(&mut self.runtime, runtime);
        replace(&mut self.socket, socket);
        replace(&mut self.tmux_binary, tmux_binary);
        replace(&mut self.stop_signal, stop_signal);
        replace(&mut self.stop_timeout, stop_timeout);
        replace(&mut self.start_grace, start_grace);
        replace(&mut self.log_dir, log_dir);
        replace(&mut self.log_max_size, log_max_size);
        replace(&mut self.host, host);
        for var in env {
            match self
                .env
                .iter_mut()
                .find(|below| below.value.key() == var.value.key())
            {
                Some(slot) => *slot = var,
                None => self.env.push(var),
            }
        }
        self
    }

    /// Whether the session entry key `key` is set here.
    pub fn has(&self, key: SessionKey) -> bool {
        match key {
            SessionKey::Backend => self.backend.is_some(),
            SessionKey::Command => self.command.is_some(),
            SessionKey::WorkingDir => self.working_dir.is_some(),
            SessionKey::Env => !self.env.is_empty(),
            SessionKey::Image => self.image.is_some(),
            SessionKey::Volumes => self.volumes.is_some(),
            SessionKey::Ports => self.ports.is_some(),
            SessionKey::LogVolume => self.log_volume.is_some(),
            SessionKey::Runtime => self.runtime.is_some(),
            SessionKey::SocketName => self
                .socket
                .as_ref()
                .is_some_and(|socket| matches!(socket.value, TmuxSocket::Name(_))),
            SessionKey::SocketPath => self
                .socket
                .as_ref()
                .is_some_and(|socket| matches!(socket.value, TmuxSocket::Path(_))),
            SessionKey::StopSignal => self.stop_signal.is_some(),
            SessionKey::StopTimeout => self.stop_timeout.is_some(),
            SessionKey::StartGrace => self.start_grace.is_some(),
            SessionKey::Host => self.host.is_some(),
        }
    }

    /// Unsets the session entry key `key`.
    pub fn clear(&mut self, key: SessionKey) {
        match key {
            SessionKey::Backend => self.backend = None,
            SessionKey::Command => self.command = None,
            SessionKey::WorkingDir => self.working_dir = None,
            SessionKey::Env => self.env.clear(),
            SessionKey::Image => self.image = None,
            SessionKey::Volumes => self.volumes = None,
            SessionKey::Ports => self.ports = None,
            SessionKey::LogVolume => self.log_volume = None,
            SessionKey::Runtime => self.runtime = None,
            SessionKey::SocketName | SessionKey::SocketPath => self.socket = None,
            SessionKey::StopSignal => self.stop_signal = None,
            SessionKey::StopTimeout => self.stop_timeout = None,
            SessionKey::StartGrace => self.start_grace = None,
            SessionKey::Host => self.host = None,
        }
    }

    /// Whether no value is set.
    pub fn is_empty(&self) -> bool {
        *self == Settings::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<Given<EnvVar>> {
        pairs
            .iter()
            .map(|(k, v)| Given::new(EnvVar::new(*k, *v).expect("valid")))
            .collect()
    }

    fn image(name: &str) -> Option<Given<Image>> {
        Some(Given::new(Image::new(name).expect("valid")))
    }

    fn ports(list: &[&str]) -> Option<Given<Vec<Port>>> {
        let ports = list.iter().map(|p| Port::parse(p).expect("valid"));
        Some(Given::new(ports.collect()))
    }

    /// What each kind of value does when a layer is put on top of another.
    #[test]
    fn overlay_table() {
        struct Case {
            what: &'static str,
            below: Settings,
            top: Settings,
            expected: Settings,
        }
        let cases = [
            Case {
                what: "a set value replaces",
                below: Settings {
                    image: image("a:1"),
                    ..Settings::default()
                },
                top: Settings {
                    image: image("b:2"),
                    ..Settings::default()
                },
                expected: Settings {
                    image: image("b:2"),
                    ..Settings::default()
                },
            },
            Case {
                what: "an unset value keeps the one below",
                below: Settings {
                    image: image("a:1"),
                    ..Settings::default()
                },
                top: Settings::default(),
                expected: Settings {
                    image: image("a:1"),
                    ..Settings::default()
                },
            },
            Case {
                what: "env merges by key, top wins, order kept",
                below: Settings {
                    env: env(&[("A", "1"), ("B", "2")]),
                    ..Settings::default()
                },
                top: Settings {
                    env: env(&[("B", "top"), ("C", "3")]),
                    ..Settings::default()
                },
                expected: Settings {
                    env: env(&[("A", "1"), ("B", "top"), ("C", "3")]),
                    ..Settings::default()
                },
            },
            Case {
                what: "a list replaces the whole list",
                below: Settings {
                    ports: ports(&["80", "443"]),
                    ..Settings::default()
                },
                top: Settings {
                    ports: ports(&["8080:80"]),
                    ..Settings::default()
                },
                expected: Settings {
                    ports: ports(&["8080:80"]),
                    ..Settings::default()
                },
            },
            Case {
                what: "an empty list given on top empties the list",
                below: Settings {
                    ports: ports(&["80"]),
                    ..Settings::default()
                },
                top: Settings {
                    ports: ports(&[]),
                    ..Settings::default()
                },
                expected: Settings {
                    ports: ports(&[]),
                    ..Settings::default()
                },
            },
            Case {
                what: "a socket of either kind replaces the other",
                below: Settings {
                    socket: Some(Given::new(
                        TmuxSocket::new(Some("bots"), None).expect("valid"),
                    )),
                    ..Settings::default()
                },
                top: Settings {
                    socket: Some(Given::new(
                        TmuxSocket::new(None, Some("/tmp/s")).expect("valid"),
                    )),
                    ..Settings::default()
                },
                expected: Settings {
                    socket: Some(Given::new(
                        TmuxSocket::new(None, Some("/tmp/s")).expect("valid"),
                    )),
                    ..Settings::default()
                },
            },
        ];
        for case in cases {
            assert_eq!(case.below.overlay(case.top), case.expected, "{}", case.what);
        }
    }

    #[test]
    fn working_dirs_mean_a_host_path_or_a_container_path() {
        let dir = WorkingDir::new("bots", Some(Path::new("/etc/kstlib"))).expect("valid");
        assert_eq!(dir.on_host(), Path::new("/etc/kstlib/bots"));
        assert!(dir.in_container().is_err());
        let dir = WorkingDir::new("/app", None).expect("valid");
        assert_eq!(dir.in_container().expect("absolute"), Path::new("/app"));
        assert!(WorkingDir::new("a\nb", None).is_err());
    }
}
