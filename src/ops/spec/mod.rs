//! What to run: the validated [`SessionConfig`], the only form backends ever see.
//!
//! It is built in one place, `config::resolve::build`, from typed settings whose every value
//! was parsed where it was written (config file, command line or API).

use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod host;

use super::hash::fnv1a;
use super::logs::LogSettings;
use super::model::{BackendType, Runtime, TmuxSocket};
use super::span::Span;
use super::validate::{Command, EnvVar, Image, Port, SessionName, StopSignal, Volume};
use host::HostChoice;

/// The default tmux program.
pub const DEFAULT_TMUX_BINARY: &str = "tmux";

/// A validated session: every value checked, relative paths made absolute, the backend
/// decided.
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
    pub(crate) start_grace: Duration,
    pub(crate) logs: LogSettings,
    pub(crate) declared: bool,
    pub(crate) host: HostChoice,
    pub(crate) written_at: WrittenAt,
}

/// Where the values a start can still refuse were written, so that a refusal found only
/// when the backend is about to create the session points at them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WrittenAt {
    /// The name of the session's entry in the config file.
    pub(crate) entry: Option<Span>,
    /// Its `working_dir:` value.
    pub(crate) working_dir: Option<Span>,
}

/// What stops a session from being created although each of its values is valid: found
/// only by the backend about to create it, since finding, stopping or starting again what
/// exists needs neither an image nor the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotStartable {
    /// A container session without an image.
    NoImage,
    /// A tmux working directory that is not a directory on this host (tmux would silently
    /// start elsewhere).
    NoWorkingDir(PathBuf),
}

impl SessionConfig {
    /// What, if anything, keeps this session from starting.
    pub fn not_startable(&self) -> Option<NotStartable> {
        match self.backend {
            BackendType::Container if self.image.is_none() => Some(NotStartable::NoImage),
            // A remote host's directory is checked there, when the session starts.
            BackendType::Tmux if self.host.is_remote() => None,
            BackendType::Tmux => self
                .working_dir
                .as_ref()
                .filter(|dir| !dir.is_dir())
                .map(|dir| NotStartable::NoWorkingDir(dir.clone())),
            BackendType::Container => None,
        }
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

    /// How long a start watches the new program before it counts as running: a program
    /// that ends within it is a failed start (`start_grace`, `ops.start_grace`; 0.5 s).
    pub fn start_grace(&self) -> Duration {
        self.start_grace
    }

    /// Where its log goes and how big it may grow (`ops.log_dir`, `ops.log_max_size`).
    pub fn logs(&self) -> &LogSettings {
        &self.logs
    }

    /// The host it runs on.
    pub fn host(&self) -> &HostChoice {
        &self.host
    }

    /// Whether the session is declared in the config file.
    pub fn is_declared(&self) -> bool {
        self.declared
    }

    /// The same session, pinned to `runtime` (where it was found running).
    pub(crate) fn on_runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = Some(runtime);
        self
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

#[cfg(test)]
mod hash_tests;
