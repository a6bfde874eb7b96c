//! From the raw `ops:` section to validated sessions: CLI > session entry > `ops.*` >
//! built-in defaults, on every path.
//!
//! A value that fails validation is reported at its place in the file (file:line:col), and
//! a declared session that is invalid is an error, never replaced by an ad-hoc one
//! (upstream silently started a bare shell instead, reference §11.3).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Config, ConfigError, RawCommand, RawSession, Span, Spanned};
use crate::ops::error::{Error, Result};
use crate::ops::model::{BackendType, Runtime};
use crate::ops::spec::{CommandSource, DEFAULT_TMUX_BINARY, SessionConfig, SessionOptions};
use crate::ops::validate::{self, Item, ValidationError};

/// The `ops.*` settings that apply to every session, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// `ops.default_backend`: the backend of a session that names none (default tmux).
    pub backend: BackendType,
    /// `ops.tmux_binary`: the tmux program (default `tmux`).
    pub tmux_binary: String,
    /// `ops.container_runtime`: `None` auto-detects.
    pub runtime: Option<Runtime>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            backend: BackendType::Tmux,
            tmux_binary: DEFAULT_TMUX_BINARY.to_owned(),
            runtime: None,
        }
    }
}

/// What the command line adds to or overrides in a session.
///
/// Set fields replace the config's values, except `env`, which is merged key by key (the
/// command line wins), as upstream does. `volumes` and `ports` replace the config's lists
/// when non-empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--backend`.
    pub backend: Option<BackendType>,
    /// Everything else.
    pub options: SessionOptions,
}

impl Config {
    /// The validated `ops.*` defaults.
    pub fn defaults(&self) -> Result<Defaults> {
        let raw = self.raw();
        let backend = match &raw.default_backend {
            Some(value) => parse_at(value)?,
            None => BackendType::Tmux,
        };
        let tmux_binary = match &raw.tmux_binary {
            Some(value) => {
                validate::check_path_text("tmux_binary", &value.value)
                    .map_err(|err| at_span(err, &value.span, None))?;
                value.value.clone()
            }
            None => DEFAULT_TMUX_BINARY.to_owned(),
        };
        let runtime = match &raw.container_runtime {
            Some(value) => Some(parse_at(value)?),
            None => None,
        };
        Ok(Defaults {
            backend,
            tmux_binary,
            runtime,
        })
    }

    /// The names of the declared sessions, in file order.
    pub fn session_names(&self) -> impl Iterator<Item = &str> {
        self.raw().sessions.iter().map(|s| s.name.value.as_str())
    }

    /// Whether `name` is declared in the config.
    pub fn is_declared(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// Every declared session, validated, in file order; the first invalid one is the error.
    pub fn sessions(&self) -> Result<Vec<SessionConfig>> {
        let defaults = self.defaults()?;
        self.raw()
            .sessions
            .iter()
            .map(|raw| resolve_declared(raw, &defaults, &Overrides::default()))
            .collect()
    }

    /// Checks the whole `ops:` section: defaults and every declared session.
    pub fn validate(&self) -> Result<()> {
        self.sessions().map(drop)
    }

    /// The session `name` as it should run: the declared entry (if any) with `overrides`
    /// applied, or an ad-hoc session made of `overrides` and the defaults.
    pub fn resolve(&self, name: &str, overrides: &Overrides) -> Result<SessionConfig> {
        let defaults = self.defaults()?;
        match self.find(name) {
            Some(raw) => resolve_declared(raw, &defaults, overrides),
            None => resolve_ad_hoc(name, &defaults, overrides),
        }
    }

    fn find(&self, name: &str) -> Option<&RawSession> {
        self.raw().sessions.iter().find(|s| s.name.value == name)
    }
}

fn resolve_ad_hoc(name: &str, defaults: &Defaults, overrides: &Overrides) -> Result<SessionConfig> {
    let backend = overrides.backend.unwrap_or(
        // An image only makes sense for a container: upstream silently ignored it and
        // started a tmux session instead.
        if overrides.options.image.is_some() {
            BackendType::Container
        } else {
            defaults.backend
        },
    );
    let mut options = overrides.options.clone();
    options
        .tmux_binary
        .get_or_insert_with(|| defaults.tmux_binary.clone());
    if options.runtime.is_none() {
        options.runtime = defaults.runtime.map(|r| r.as_str().to_owned());
    }
    Ok(SessionConfig::new(name, backend, &options)?)
}

fn resolve_declared(
    raw: &RawSession,
    defaults: &Defaults,
    overrides: &Overrides,
) -> Result<SessionConfig> {
    let backend = match (overrides.backend, &raw.backend) {
        (Some(backend), _) => backend,
        (None, Some(value)) => parse_at(value).map_err(|err| in_session(err, raw))?,
        (None, None) => defaults.backend,
    };
    let mut from_file = options_from_raw(raw, backend, defaults);
    if let Some(timeout) = &raw.stop_timeout {
        from_file.stop_timeout = Some(parse_seconds(timeout).map_err(|err| in_session(err, raw))?);
    }
    let options = from_file.overlay(&overrides.options);
    let mut config = SessionConfig::new(&raw.name.value, backend, &options).map_err(|err| {
        let span = if overridden(&err, overrides) {
            None
        } else {
            span_of(&err, raw)
        };
        match span {
            Some(span) => in_session(at_span(err, &span, None), raw),
            None => Error::Invalid(err),
        }
    })?;
    config.declared = true;
    Ok(config)
}

/// The session entry as options, relative paths made absolute against the directory of
/// the file that declares each value.
fn options_from_raw(raw: &RawSession, backend: BackendType, defaults: &Defaults) -> SessionOptions {
    let text = |value: &Option<Spanned<String>>| value.as_ref().map(|v| v.value.clone());
    SessionOptions {
        command: raw.command.as_ref().map(|command| match &command.value {
            RawCommand::Line(line) => CommandSource::Line(line.clone()),
            RawCommand::Argv(argv) => {
                CommandSource::Argv(argv.iter().map(|arg| arg.value.clone()).collect())
            }
        }),
        working_dir: raw.working_dir.as_ref().map(|dir| match backend {
            BackendType::Tmux => relative_to_file(&dir.value, &dir.span),
            // A path inside the container: nothing to resolve on this host.
            BackendType::Container => dir.value.clone(),
        }),
        env: raw
            .env
            .iter()
            .map(|(key, value)| (key.value.clone(), value.value.clone()))
            .collect(),
        image: text(&raw.image),
        volumes: raw
            .volumes
            .iter()
            .flat_map(|list| &list.value)
            .map(volume_relative_to_file)
            .collect(),
        ports: raw
            .ports
            .iter()
            .flat_map(|list| &list.value)
            .map(|port| port.value.clone())
            .collect(),
        log_volume: raw.log_volume.as_ref().map(volume_relative_to_file),
        runtime: text(&raw.runtime).or_else(|| defaults.runtime.map(|r| r.as_str().to_owned())),
        socket_name: text(&raw.socket_name),
        socket_path: raw
            .socket_path
            .as_ref()
            .map(|path| relative_to_file(&path.value, &path.span)),
        tmux_binary: Some(defaults.tmux_binary.clone()),
        stop_signal: text(&raw.stop_signal),
        stop_timeout: None,
    }
}

/// Whether the failing value came from the command line rather than the file.
fn overridden(err: &ValidationError, overrides: &Overrides) -> bool {
    let cli = &overrides.options;
    match err.field() {
        "command" => cli.command.is_some(),
        "working_dir" => cli.working_dir.is_some(),
        "image" => cli.image.is_some(),
        "log_volume" => cli.log_volume.is_some(),
        "runtime" => cli.runtime.is_some(),
        "stop_signal" => cli.stop_signal.is_some(),
        "socket_name" | "socket_path" => cli.socket_name.is_some() || cli.socket_path.is_some(),
        "volumes" => !cli.volumes.is_empty(),
        "ports" => !cli.ports.is_empty(),
        "env" => match err.item() {
            Some(Item::Key(key)) => cli.env.iter().any(|(k, _)| k == key),
            _ => false,
        },
        _ => false,
    }
}

/// Where in the file the value that `err` is about was written.
fn span_of(err: &ValidationError, raw: &RawSession) -> Option<Span> {
    let span = |value: &Option<Spanned<String>>| value.as_ref().map(|v| v.span.clone());
    let list_item = |list: &Option<Spanned<Vec<Spanned<String>>>>| {
        let list = list.as_ref()?;
        match err.item() {
            Some(Item::Index(i)) => list.value.get(*i).map(|v| v.span.clone()),
            _ => Some(list.span.clone()),
        }
    };
    match err.field() {
        "name" => Some(raw.name.span.clone()),
        "backend" => span(&raw.backend),
        "command" => raw
            .command
            .as_ref()
            .map(|command| match (&command.value, err.item()) {
                (RawCommand::Argv(argv), Some(Item::Index(i))) => argv
                    .get(*i)
                    .map_or_else(|| command.span.clone(), |arg| arg.span.clone()),
                _ => command.span.clone(),
            }),
        "working_dir" => span(&raw.working_dir),
        "image" => span(&raw.image),
        "volumes" => list_item(&raw.volumes),
        "ports" => list_item(&raw.ports),
        "env" => match err.item() {
            Some(Item::Key(key)) => raw
                .env
                .iter()
                .find(|(k, _)| &k.value == key)
                .map(|(k, _)| k.span.clone()),
            _ => raw.env_span.clone(),
        },
        "log_volume" => span(&raw.log_volume),
        "runtime" => span(&raw.runtime),
        "socket_name" => span(&raw.socket_name),
        "socket_path" => span(&raw.socket_path),
        "stop_signal" => span(&raw.stop_signal),
        _ => None,
    }
    .or_else(|| Some(raw.span.clone()))
}

fn parse_at<T>(value: &Spanned<String>) -> Result<T>
where
    T: std::str::FromStr<Err = ValidationError>,
{
    value
        .value
        .parse()
        .map_err(|err| Error::from(at_span(err, &value.span, None)))
}

/// `stop_timeout: 30` or `2.5`: seconds, as `--timeout`.
fn parse_seconds(value: &Spanned<String>) -> Result<Duration> {
    value
        .value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= 0.0 && *secs <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            let err = ValidationError::new(
                "stop_timeout",
                value.value.as_str(),
                "expected a number of seconds between 0 and 86400",
            );
            Error::from(at_span(err, &value.span, None))
        })
}

fn at_span(err: ValidationError, span: &Span, help: Option<String>) -> ConfigError {
    let mut config_error = ConfigError::new(err.summary()).at(span.clone());
    config_error.label = Some(err.reason().to_owned());
    if let Some(help) = help {
        config_error = config_error.with_help(help);
    }
    config_error
}

/// Prefixes the message with the session it is about.
fn in_session(err: impl Into<Error>, raw: &RawSession) -> Error {
    match err.into() {
        Error::Config(mut config_error) => {
            config_error.message =
                format!("session '{}': {}", raw.name.value, config_error.message);
            Error::Config(config_error)
        }
        other => other,
    }
}

/// A relative path written in a config file means relative to that file, not to wherever
/// kstlib happens to run (upstream passed it on verbatim).
fn relative_to_file(path: &str, span: &Span) -> String {
    if path.starts_with('/') || path.starts_with('~') {
        return path.to_owned();
    }
    match base_dir(span) {
        Some(dir) => dir.join(path).display().to_string(),
        None => path.to_owned(),
    }
}

/// The same for the host side of a bind mount: `./data:/app/data`. A host side without a
/// leading `.` is a named volume and stays as it is.
fn volume_relative_to_file(volume: &Spanned<String>) -> String {
    let text = &volume.value;
    // An invalid volume stays as written, so that its error shows what the user wrote.
    let relative =
        (text.starts_with("./") || text.starts_with(".:")) && validate::Volume::parse(text).is_ok();
    match (relative, text.split_once(':'), base_dir(&volume.span)) {
        (true, Some((host, rest)), Some(dir)) => format!("{}:{rest}", dir.join(host).display()),
        _ => text.clone(),
    }
}

fn base_dir(span: &Span) -> Option<PathBuf> {
    let parent = span.file.path.parent()?;
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    Some(validate::absolute(parent))
}
