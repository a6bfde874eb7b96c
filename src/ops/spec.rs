//! What to run: [`SessionOptions`] as given, and the validated [`SessionConfig`].
//!
//! Options come from the API, the command line or the config file; they are checked once,
//! when a `SessionConfig` is built, and backends only ever see the checked form.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::model::{BackendType, Runtime, TmuxSocket};
use super::validate::{
    self, Command, EnvVar, Image, Item, Port, SessionName, StopSignal, ValidationError, Volume,
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
/// Nothing is checked here; [`SessionConfig::new`] checks everything at once.
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

    /// These options with `top`'s on top, upstream's precedence: set fields replace,
    /// `env` is merged key by key (`top` wins), non-empty `volumes` and `ports` replace the
    /// lists, and a socket in `top` replaces the other, whichever kind.
    pub fn overlay(&self, top: &SessionOptions) -> SessionOptions {
        let mut options = self.clone();
        macro_rules! replace {
            ($($field:ident),*) => {$(
                if top.$field.is_some() {
                    options.$field = top.$field.clone();
                }
            )*};
        }
        replace!(
            command,
            working_dir,
            image,
            log_volume,
            runtime,
            tmux_binary,
            stop_signal,
            stop_timeout
        );
        if top.socket_name.is_some() || top.socket_path.is_some() {
            options.socket_name = top.socket_name.clone();
            options.socket_path = top.socket_path.clone();
        }
        for (key, value) in &top.env {
            match options.env.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value.clone(),
                None => options.env.push((key.clone(), value.clone())),
            }
        }
        if !top.volumes.is_empty() {
            options.volumes = top.volumes.clone();
        }
        if !top.ports.is_empty() {
            options.ports = top.ports.clone();
        }
        options
    }
}

/// The default tmux program.
pub const DEFAULT_TMUX_BINARY: &str = "tmux";

/// A validated session: every value checked, relative paths made absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    pub(crate) name: SessionName,
    pub(crate) backend: BackendType,
    pub(crate) command: Option<Command>,
    pub(crate) working_dir: Option<PathBuf>,
    pub(crate) env: Vec<EnvVar>,
    pub(crate) image: Option<Image>,
    pub(crate) volumes: Vec<Volume>,
    pub(crate) ports: Vec<Port>,
    pub(crate) log_volume: Option<Volume>,
    pub(crate) runtime: Option<Runtime>,
    pub(crate) tmux_binary: String,
    pub(crate) socket: TmuxSocket,
    pub(crate) stop_signal: Option<StopSignal>,
    pub(crate) stop_timeout: Option<Duration>,
    pub(crate) declared: bool,
    /// What it was built from, so that overrides for one start can be applied on top.
    pub(crate) source: SessionOptions,
}

impl SessionConfig {
    /// Checks every option and builds the session; the first invalid value is the error.
    ///
    /// Checks run in upstream's order (name, command, image, volumes, ports, env), then
    /// ours. Relative paths are taken relative to the current directory.
    pub fn new(
        name: &str,
        backend: BackendType,
        options: &SessionOptions,
    ) -> Result<SessionConfig, ValidationError> {
        let name = SessionName::new(name)?;
        if backend == BackendType::Container {
            name.check_container_name()?;
        }
        let command = match &options.command {
            None => None,
            Some(CommandSource::Line(line)) => Some(Command::parse(line)?),
            Some(CommandSource::Argv(argv)) => Some(Command::from_argv(argv.clone())?),
        };
        let image = options.image.as_deref().map(Image::new).transpose()?;
        validate::check_volume_count(options.volumes.len())?;
        let volumes = options
            .volumes
            .iter()
            .enumerate()
            .map(|(i, volume)| {
                Volume::parse(volume)
                    .and_then(absolute_host)
                    .map_err(|err| err.at(Item::Index(i)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        validate::check_port_count(options.ports.len())?;
        let ports = options
            .ports
            .iter()
            .enumerate()
            .map(|(i, port)| Port::parse(port).map_err(|err| err.at(Item::Index(i))))
            .collect::<Result<Vec<_>, _>>()?;
        validate::check_env_count(options.env.len())?;
        let env = options
            .env
            .iter()
            .map(|(key, value)| EnvVar::new(key, value))
            .collect::<Result<Vec<_>, _>>()?;
        let working_dir = options
            .working_dir
            .as_deref()
            .map(|dir| working_dir(dir, backend))
            .transpose()?;
        let log_volume = options
            .log_volume
            .as_deref()
            .map(|volume| {
                Volume::parse(volume)
                    .and_then(absolute_host)
                    .map_err(|err| relabel(err, "log_volume"))
            })
            .transpose()?;
        let runtime = options
            .runtime
            .as_deref()
            .map(str::parse::<Runtime>)
            .transpose()?;
        let socket = TmuxSocket::new(
            options.socket_name.as_deref(),
            options.socket_path.as_deref(),
        )?;
        let tmux_binary = match &options.tmux_binary {
            Some(binary) => {
                validate::check_path_text("tmux_binary", binary)?;
                binary.clone()
            }
            None => DEFAULT_TMUX_BINARY.to_owned(),
        };
        let stop_signal = options
            .stop_signal
            .as_deref()
            .map(StopSignal::parse)
            .transpose()?;
        Ok(SessionConfig {
            name,
            backend,
            command,
            working_dir,
            env,
            image,
            volumes,
            ports,
            log_volume,
            runtime,
            tmux_binary,
            socket,
            stop_signal,
            stop_timeout: options.stop_timeout,
            declared: false,
            source: options.clone(),
        })
    }

    /// The session name.
    pub fn name(&self) -> &SessionName {
        &self.name
    }

    /// The backend.
    pub fn backend(&self) -> BackendType {
        self.backend
    }

    /// The command, if any.
    pub fn command(&self) -> Option<&Command> {
        self.command.as_ref()
    }

    /// The working directory, if any.
    pub fn working_dir(&self) -> Option<&Path> {
        self.working_dir.as_deref()
    }

    /// The environment variables, in order.
    pub fn env(&self) -> &[EnvVar] {
        &self.env
    }

    /// The container image, if any.
    pub fn image(&self) -> Option<&Image> {
        self.image.as_ref()
    }

    /// The container volumes.
    pub fn volumes(&self) -> &[Volume] {
        &self.volumes
    }

    /// The container ports.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// The log volume, if any.
    pub fn log_volume(&self) -> Option<&Volume> {
        self.log_volume.as_ref()
    }

    /// The container runtime asked for; `None` means auto-detect.
    pub fn runtime(&self) -> Option<Runtime> {
        self.runtime
    }

    /// The tmux program.
    pub fn tmux_binary(&self) -> &str {
        &self.tmux_binary
    }

    /// The tmux server.
    pub fn socket(&self) -> &TmuxSocket {
        &self.socket
    }

    /// The signal that asks the program to stop, if one is configured.
    pub fn stop_signal(&self) -> Option<StopSignal> {
        self.stop_signal
    }

    /// The configured stop timeout, if any.
    pub fn stop_timeout(&self) -> Option<Duration> {
        self.stop_timeout
    }

    /// Whether the session is declared in the config file.
    pub fn is_declared(&self) -> bool {
        self.declared
    }

    /// The options it was built from.
    pub fn options(&self) -> &SessionOptions {
        &self.source
    }

    /// A fingerprint of what a container of this session runs (image, command, working
    /// directory, environment, mounts, ports, stop signal), stored in a label on the
    /// containers kstlib creates: a stopped container whose fingerprint differs from the
    /// config is recreated, not started again with its old definition (upstream §11.8).
    pub fn config_hash(&self) -> String {
        let mut parts: Vec<String> = vec![format!(
            "image={}",
            self.image
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        )];
        if let Some(command) = &self.command {
            parts.extend(command.argv().iter().map(|arg| format!("arg={arg}")));
        }
        if let Some(dir) = &self.working_dir {
            parts.push(format!("workdir={}", dir.display()));
        }
        parts.extend(
            self.env
                .iter()
                .map(|v| format!("env={}={}", v.key(), v.value())),
        );
        parts.extend(self.volumes.iter().map(|v| format!("volume={v}")));
        if let Some(volume) = &self.log_volume {
            parts.push(format!("log_volume={volume}"));
        }
        parts.extend(self.ports.iter().map(|p| format!("port={p}")));
        if let Some(signal) = self.stop_signal {
            parts.push(format!("stop_signal={signal}"));
        }
        format!("{:016x}", fnv1a(parts.join("\0").as_bytes()))
    }
}

/// FNV-1a, 64 bits: stable across runs and versions (unlike `DefaultHasher`), and enough
/// to tell a changed config from an unchanged one.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn relabel(err: ValidationError, field: &'static str) -> ValidationError {
    ValidationError::new(field, err.value(), err.reason())
}

fn working_dir(dir: &str, backend: BackendType) -> Result<PathBuf, ValidationError> {
    validate::check_path_text("working_dir", dir)?;
    match backend {
        BackendType::Tmux => Ok(validate::absolute(&validate::expand_home(dir))),
        // A path inside the container: nothing on this host to resolve it against.
        BackendType::Container if dir.starts_with('/') => Ok(PathBuf::from(dir)),
        BackendType::Container => Err(ValidationError::new(
            "working_dir",
            dir,
            "a container's working directory must be an absolute path inside the container",
        )),
    }
}

/// Makes a bind mount's host path absolute: container runtimes refuse relative ones, or
/// take them for named volumes.
fn absolute_host(volume: Volume) -> Result<Volume, ValidationError> {
    if volume.is_bind_mount() {
        let host = validate::absolute(&validate::expand_home(volume.host()));
        volume.with_host(host.display().to_string())
    } else {
        Ok(volume)
    }
}
