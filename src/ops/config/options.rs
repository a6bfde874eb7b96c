//! What the library API and the command line give: [`SessionOptions`], text as typed, and
//! its parse into the same typed [`Settings`] a config entry is read into.

use std::time::Duration;

use super::schema::{bind_host, log_volume, tmux_binary};
use super::settings::{Given, Settings, WorkingDir};
use crate::ops::model::{Runtime, TmuxSocket};
use crate::ops::spec::SessionConfig;
use crate::ops::validate::{
    self, Command, EnvVar, Image, Port, StopSignal, ValidationError, Volume,
};

/// A command as given: one line split with shell-word rules, or an exact argv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandSource {
    /// `"python bot.py --live"`, split like a POSIX shell would, but never run by one.
    Line(String),
    /// `["python", "bot.py", "--live"]`, taken as is.
    Argv(Vec<String>),
}

/// The options of a session, as given (upstream's `SessionManager(**kwargs)`).
///
/// Nothing is checked here; [`Settings::from_options`] parses everything at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionOptions {
    /// The program to run; `None` starts tmux's default shell.
    pub command: Option<CommandSource>,
    /// tmux: the directory to start in (relative to the current directory, `~` expanded);
    /// container: the working directory inside the container (absolute).
    pub working_dir: Option<String>,
    /// Environment variables, in order.
    pub env: Vec<(String, String)>,
    /// Container image.
    pub image: Option<String>,
    /// Container volumes, `host:container[:ro|rw]`.
    pub volumes: Vec<String>,
    /// Container ports, `[ip:][host:]container[/tcp|udp]`.
    pub ports: Vec<String>,
    /// One more volume for the program's logs.
    pub log_volume: Option<String>,
    /// Container runtime, `podman` or `docker`; `None` auto-detects.
    pub runtime: Option<String>,
    /// tmux socket name (`tmux -L`).
    pub socket_name: Option<String>,
    /// tmux socket path (`tmux -S`).
    pub socket_path: Option<String>,
    /// tmux program, a name on `PATH` or a path.
    pub tmux_binary: Option<String>,
    /// The signal that asks the program to stop (default `SIGINT`, as Ctrl-C).
    pub stop_signal: Option<String>,
    /// How long `stop` waits for the program before killing it, when not given to `stop`.
    pub stop_timeout: Option<Duration>,
    /// How long a start watches the new program before it counts as running (default
    /// 0.5 s): a program that ends within it is a failed start.
    pub start_grace: Option<Duration>,
}

impl SessionOptions {
    /// Sets the command, split with shell-word rules.
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = Some(CommandSource::Line(command.into()));
        self
    }

    /// Sets the command as an exact argv.
    pub fn argv<I, S>(mut self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.command = Some(CommandSource::Argv(
            argv.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// Sets the working directory.
    pub fn working_dir(mut self, dir: impl Into<String>) -> Self {
        self.working_dir = Some(dir.into());
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sets the container image.
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// Adds a volume.
    pub fn volume(mut self, volume: impl Into<String>) -> Self {
        self.volumes.push(volume.into());
        self
    }

    /// Adds a port mapping.
    pub fn port(mut self, port: impl Into<String>) -> Self {
        self.ports.push(port.into());
        self
    }

    /// Sets the log volume.
    pub fn log_volume(mut self, volume: impl Into<String>) -> Self {
        self.log_volume = Some(volume.into());
        self
    }

    /// Sets the container runtime.
    pub fn runtime(mut self, runtime: impl Into<String>) -> Self {
        self.runtime = Some(runtime.into());
        self
    }

    /// Sets the tmux socket name (`-L`).
    pub fn socket_name(mut self, name: impl Into<String>) -> Self {
        self.socket_name = Some(name.into());
        self
    }

    /// Sets the tmux socket path (`-S`).
    pub fn socket_path(mut self, path: impl Into<String>) -> Self {
        self.socket_path = Some(path.into());
        self
    }

    /// Sets the tmux program.
    pub fn tmux_binary(mut self, binary: impl Into<String>) -> Self {
        self.tmux_binary = Some(binary.into());
        self
    }

    /// Sets the stop signal.
    pub fn stop_signal(mut self, signal: impl Into<String>) -> Self {
        self.stop_signal = Some(signal.into());
        self
    }
}

impl Settings {
    /// Parses options given through the API or on the command line, in upstream's order
    /// (command, image, volumes, ports, env), then ours; the first invalid value is the
    /// error. Relative paths are taken relative to the current directory.
    pub fn from_options(options: &SessionOptions) -> Result<Settings, ValidationError> {
        let mut settings = Settings::default();
        if let Some(command) = &options.command {
            settings.command = given(match command {
                CommandSource::Line(line) => Command::parse(line)?,
                CommandSource::Argv(argv) => Command::from_argv(argv.clone())?,
            });
        }
        if let Some(image) = &options.image {
            settings.image = given(Image::new(image)?);
        }
        if !options.volumes.is_empty() {
            validate::check_volume_count(options.volumes.len())?;
            let volumes = options
                .volumes
                .iter()
                .map(|volume| Volume::parse(volume).and_then(|v| bind_host(v, None)))
                .collect::<Result<_, _>>()?;
            settings.volumes = Some(Given::new(volumes));
        }
        if !options.ports.is_empty() {
            validate::check_port_count(options.ports.len())?;
            let ports = options
                .ports
                .iter()
                .map(|port| Port::parse(port))
                .collect::<Result<_, _>>()?;
            settings.ports = Some(Given::new(ports));
        }
        validate::check_env_count(options.env.len())?;
        settings.env = options
            .env
            .iter()
            .map(|(key, value)| EnvVar::new(key, value).map(Given::new))
            .collect::<Result<_, _>>()?;
        if let Some(dir) = &options.working_dir {
            settings.working_dir = given(WorkingDir::new(dir, None)?);
        }
        if let Some(volume) = &options.log_volume {
            settings.log_volume = given(log_volume(volume, None)?);
        }
        if let Some(runtime) = &options.runtime {
            settings.runtime = given(runtime.parse::<Runtime>()?);
        }
        if options.socket_name.is_some() || options.socket_path.is_some() {
            settings.socket = given(TmuxSocket::new(
                options.socket_name.as_deref(),
                options.socket_path.as_deref(),
            )?);
        }
        if let Some(binary) = &options.tmux_binary {
            settings.tmux_binary = given(tmux_binary(binary)?);
        }
        if let Some(signal) = &options.stop_signal {
            settings.stop_signal = given(StopSignal::parse(signal)?);
        }
        settings.stop_timeout = options.stop_timeout.map(Given::new);
        settings.start_grace = options.start_grace.map(Given::new);
        Ok(settings)
    }
}

impl From<&SessionConfig> for Settings {
    /// A resolved session as a layer again, for one start with other options on top.
    fn from(config: &SessionConfig) -> Settings {
        let working_dir = config.working_dir().and_then(|dir| {
            // Resolved paths are absolute and were checked: this cannot fail.
            WorkingDir::new(&dir.display().to_string(), None).ok()
        });
        Settings {
            backend: given(config.backend()),
            command: config.command().cloned().map(Given::new),
            working_dir: working_dir.map(Given::new),
            env: config.env().iter().cloned().map(Given::new).collect(),
            image: config.image().cloned().map(Given::new),
            volumes: given(config.volumes().to_vec()),
            ports: given(config.ports().to_vec()),
            log_volume: config.log_volume().cloned().map(Given::new),
            runtime: config.runtime().map(Given::new),
            socket: given(config.socket().clone()),
            tmux_binary: given(config.tmux_binary().to_owned()),
            stop_signal: config.stop_signal().map(Given::new),
            stop_timeout: config.stop_timeout().map(Given::new),
            start_grace: given(config.start_grace()),
            log_dir: config.logs().dir().map(|dir| Given::new(dir.to_owned())),
            log_max_size: given(config.logs().max_size()),
            host: given(config.host().clone()),
        }
    }
}

/// A value from the API or the command line, as a layer's field.
fn given<T>(value: T) -> Option<Given<T>> {
    Some(Given::new(value))
}
