//! From typed settings to a validated [`SessionConfig`]: command line > session entry >
//! `ops.*` > built-in defaults, on every path, `list` included.
//!
//! [`build`] is the one place where values are checked against each other and against the
//! backend they end up on; an error it finds points at the place the value was written.
//! A declared session that is invalid is an error, never replaced by an ad-hoc one
//! (upstream silently started a bare shell instead, reference §11.3).

use std::path::PathBuf;
use std::sync::Arc;

use super::Config;
use super::discover::CONFIG_FILE_NAME;
use super::error::{ConfigError, ConfigErrors};
use super::schema::{Entry, HostEntry, SessionKey, did_you_mean, invalid};
use super::settings::{Given, Settings};
use crate::ops::logs::{self, LogSettings};
use crate::ops::model::{BackendType, TmuxSocket};
use crate::ops::sanitize::quote;
use crate::ops::span::{Span, Spanned};
use crate::ops::spec::host::{HostChoice, HostRef, HostSpec, REMOTE_LOG_DIR};
use crate::ops::spec::{DEFAULT_TMUX_BINARY, NotStartable, SessionConfig, WrittenAt};
use crate::ops::timing::START_GRACE;
use crate::ops::validate::{self, SessionName, ValidationError};

/// A session declared in the config: its settings as read, and the session they resolve
/// to (built once, when the config is loaded), or everything that is wrong with it.
#[derive(Debug, Clone)]
pub struct Declared {
    name: Spanned<String>,
    settings: Settings,
    session: Result<SessionConfig, ConfigErrors>,
}

impl Declared {
    pub(super) fn new(mut entry: Entry, defaults: &Settings, hosts: &[HostEntry]) -> Declared {
        if let Some(host) = &entry.host {
            match find_host(hosts, &host.value) {
                Ok(choice) => entry.settings.host = Some(Given::at(choice, host.span.clone())),
                Err(err) => entry.errors.push(
                    err.at(host.span.clone())
                        .with_label("not declared under ops.hosts"),
                ),
            }
        }
        let session = match entry.checked_name {
            Some(name) if entry.errors.is_empty() => {
                let host = host_of(&entry.settings);
                let settings = layer(defaults, hosts, &host).overlay(entry.settings.clone());
                build(&name, Some(&entry.name.span), true, settings)
            }
            _ => Err(ConfigErrors::new(entry.errors)),
        };
        Declared {
            name: entry.name,
            settings: entry.settings,
            session,
        }
    }

    /// The session name, as written.
    pub fn name(&self) -> &str {
        &self.name.value
    }

    /// Where the session's name is written.
    pub fn span(&self) -> &Span {
        &self.name.span
    }

    /// What the entry sets, each value with its place; keys that could not be read are
    /// missing.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The session as declared, or what is wrong with it.
    pub fn session(&self) -> Result<&SessionConfig, &ConfigErrors> {
        self.session.as_ref()
    }

    /// The host the entry names; this machine when it names none (or none that could be
    /// read).
    pub fn host(&self) -> HostChoice {
        host_of(&self.settings)
    }
}

impl Config {
    /// The `ops.*` layer under every session: default backend, tmux program and runtime.
    pub fn defaults(&self) -> &Settings {
        &self.defaults
    }

    /// The layers under a session on `host`: `ops.*`, then the host's own defaults.
    pub fn defaults_on(&self, host: &HostChoice) -> Settings {
        layer(&self.defaults, &self.hosts, host)
    }

    /// The remote hosts declared under `ops.hosts` (those whose entry could be read).
    pub fn hosts(&self) -> impl Iterator<Item = &Arc<HostSpec>> {
        self.hosts.iter().map(|entry| &entry.spec)
    }

    /// The host `text` names: `local`, or one of `ops.hosts` (`--host NAME`).
    pub fn host(&self, text: &str) -> Result<HostChoice, ConfigError> {
        let host = HostRef::parse(text).map_err(|err| ConfigError::new(err.to_string()))?;
        find_host(&self.hosts, &host)
    }

    /// Where the logs of the sessions on `host` go (a directory there for a remote host's
    /// tmux sessions), and how big a file may grow.
    pub fn log_settings_on(&self, host: &HostChoice) -> LogSettings {
        let layer = self.defaults_on(host);
        log_settings(layer.log_dir, layer.log_max_size)
    }

    /// The tmux program of the sessions on `host` unless they say otherwise.
    pub fn tmux_binary_on(&self, host: &HostChoice) -> String {
        self.defaults_on(host)
            .tmux_binary
            .map_or_else(|| DEFAULT_TMUX_BINARY.to_owned(), |binary| binary.value)
    }

    /// The tmux program every session uses unless it says otherwise (`ops.tmux_binary`).
    pub fn tmux_binary(&self) -> &str {
        self.defaults
            .tmux_binary
            .as_ref()
            .map_or(DEFAULT_TMUX_BINARY, |binary| binary.value.as_str())
    }

    /// Where logs go and how big a file may grow: `ops.log_dir` and `ops.log_max_size`,
    /// or their defaults.
    pub fn log_settings(&self) -> LogSettings {
        log_settings(
            self.defaults.log_dir.clone(),
            self.defaults.log_max_size.clone(),
        )
    }

    /// The declared sessions, in file order, valid or not.
    pub fn declared(&self) -> &[Declared] {
        &self.declared
    }

    /// The declared session `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<&Declared> {
        self.declared
            .iter()
            .find(|declared| declared.name() == name)
    }

    /// The names of the declared sessions, in file order.
    pub fn session_names(&self) -> impl Iterator<Item = &str> {
        self.declared.iter().map(Declared::name)
    }

    /// Whether `name` is declared in the config.
    pub fn is_declared(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// Every valid declared session, in file order.
    pub fn sessions(&self) -> impl Iterator<Item = &SessionConfig> {
        self.declared
            .iter()
            .filter_map(|declared| declared.session.as_ref().ok())
    }

    /// The errors that concern every session: a value of `ops.*` that is wrong, or a
    /// `sessions:` that is not a mapping. With such errors nothing declared can be trusted.
    pub fn global_errors(&self) -> &[ConfigError] {
        &self.errors
    }

    /// Every error in the config, in file order (files in merge order, then position).
    pub fn errors(&self) -> Vec<&ConfigError> {
        let mut errors: Vec<&ConfigError> = self
            .errors
            .iter()
            .chain(
                self.declared
                    .iter()
                    .filter_map(|declared| declared.session.as_ref().err())
                    .flat_map(ConfigErrors::iter),
            )
            .collect();
        let order = |err: &ConfigError| {
            let file = err
                .path()
                .and_then(|path| self.files.iter().position(|f| f == path));
            (file, err.location.as_ref().map(|span| span.start))
        };
        errors.sort_by_key(|err| order(err));
        errors
    }

    /// Checks the whole `ops:` section: every error at once, or none.
    pub fn check(&self) -> Result<(), ConfigErrors> {
        match self.errors() {
            errors if errors.is_empty() => Ok(()),
            errors => Err(ConfigErrors::new(errors.into_iter().cloned().collect())),
        }
    }

    /// The session `name` as it should run: the declared entry (if any) with `top` on it,
    /// or an ad-hoc session made of `top` and the defaults.
    pub fn resolve(
        &self,
        name: &SessionName,
        top: Settings,
    ) -> Result<SessionConfig, ConfigErrors> {
        match self.find(name.as_str()) {
            Some(declared) if top.is_empty() => declared.session.clone(),
            Some(declared) => {
                declared.session.as_ref().map_err(Clone::clone)?;
                let mut entry = declared.settings.clone();
                for key in self.left_out(declared, &top) {
                    entry.clear(key);
                }
                let host = top
                    .host
                    .as_ref()
                    .map_or_else(|| host_of(&entry), |h| h.value.clone());
                let combined = self.defaults_on(&host).overlay(entry).overlay(top.clone());
                check_backend(name, &top, &combined)?;
                build(name, Some(&declared.name.span), true, combined)
            }
            None => self.resolve_ad_hoc(name, top),
        }
    }

    /// The session `name` made of `top` and the defaults only, whatever the config declares
    /// under that name: what runs under the name of an invalid entry is still reachable.
    pub fn resolve_ad_hoc(
        &self,
        name: &SessionName,
        top: Settings,
    ) -> Result<SessionConfig, ConfigErrors> {
        let mut top = top;
        // An image only makes sense for a container: upstream silently ignored it and
        // started a tmux session instead.
        if top.backend.is_none() && top.image.is_some() {
            top.backend = Some(Given::new(BackendType::Container));
        }
        let settings = self.defaults_on(&host_of(&top)).overlay(top.clone());
        check_backend(name, &top, &settings)?;
        build(name, None, false, settings)
    }

    /// The keys of `declared`'s entry that `top` leaves out: when `top` runs the session on
    /// the other backend, what means something on the declared backend only (a host
    /// working directory, a socket, an image, volumes, …) does not carry over.
    pub fn left_out(&self, declared: &Declared, top: &Settings) -> Vec<SessionKey> {
        let backend = |settings: &Settings| settings.backend.as_ref().map(|b| b.value);
        let declared_backend = backend(&declared.settings)
            .or(backend(&self.defaults))
            .unwrap_or(BackendType::Tmux);
        match backend(top) {
            Some(wanted) if wanted != declared_backend => SessionKey::ALL
                .iter()
                .copied()
                .filter(|key| !key.carries_over() && declared.settings.has(*key))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The session `name` from its combined settings, every value checked against the others
/// and against the backend; all that is wrong is reported at once. `name_span` is where a
/// declared session's name is written.
pub(crate) fn build(
    name: &SessionName,
    name_span: Option<&Span>,
    declared: bool,
    settings: Settings,
) -> Result<SessionConfig, ConfigErrors> {
    let session = declared.then_some(name.as_str());
    let mut errors = Vec::new();
    let backend = settings
        .backend
        .as_ref()
        .map_or(BackendType::Tmux, |backend| backend.value);
    if backend == BackendType::Container
        && let Err(err) = name.check_container_name()
    {
        errors.push(err_at(err, name_span, session));
    }
    let host = host_of(&settings);
    let written_at = WrittenAt {
        entry: name_span.cloned(),
        working_dir: settings
            .working_dir
            .as_ref()
            .and_then(|dir| dir.span.clone()),
    };
    let working_dir = settings.working_dir.and_then(|dir| {
        let path = match backend {
            BackendType::Tmux if host.is_remote() => Ok(dir.value.on_remote()),
            BackendType::Tmux => Ok(dir.value.on_host()),
            BackendType::Container => dir.value.in_container(),
        };
        path.map_err(|err| errors.push(err_at(err, dir.span.as_ref(), session)))
            .ok()
    });
    if let Err(err) = validate::check_env_count(settings.env.len()) {
        errors.push(err_at(err, None, session));
    }
    if backend == BackendType::Container
        && let Some(there) = host.name()
    {
        // Made absolute against this machine's config directory or home, the path names a
        // directory here, and the engine there would mount whatever it has at that path.
        let volumes = settings.volumes.iter().flat_map(|given| {
            let span = given.span.as_ref();
            given
                .value
                .iter()
                .map(move |volume| ("volumes", volume, span))
        });
        let log_volume = settings
            .log_volume
            .iter()
            .map(|given| ("log_volume", &given.value, given.span.as_ref()));
        for (field, volume, span) in volumes.chain(log_volume) {
            if let Some(written) = volume.written_host() {
                let reason = format!(
                    "names a directory of this machine, not of host '{there}' where the \
                     session runs: write it as an absolute path there"
                );
                let err = ValidationError::new(field, written, reason);
                errors.push(err_at(err, span, session));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ConfigErrors::new(errors));
    }
    Ok(SessionConfig {
        name: name.clone(),
        backend,
        command: value(settings.command),
        working_dir,
        env: settings.env.into_iter().map(|var| var.value).collect(),
        image: value(settings.image),
        volumes: value(settings.volumes).unwrap_or_default(),
        ports: value(settings.ports).unwrap_or_default(),
        log_volume: value(settings.log_volume),
        runtime: value(settings.runtime),
        tmux_binary: settings
            .tmux_binary
            .map_or_else(|| DEFAULT_TMUX_BINARY.to_owned(), |binary| binary.value),
        socket: settings
            .socket
            .map_or(TmuxSocket::Default, |socket| socket.value),
        stop_signal: value(settings.stop_signal),
        stop_timeout: value(settings.stop_timeout),
        start_grace: value(settings.start_grace).unwrap_or(START_GRACE),
        logs: log_settings(settings.log_dir, settings.log_max_size),
        declared,
        written_at,
        host,
    })
}

/// The host a layer sets, this machine when it sets none.
fn host_of(settings: &Settings) -> HostChoice {
    settings
        .host
        .as_ref()
        .map(|host| host.value.clone())
        .unwrap_or_default()
}

/// The layers under a session on `host`: `ops.*` and, on a remote host, the host's own
/// defaults on top. `ops.log_dir` is a directory of this machine: a remote host's tmux
/// sessions keep their logs on that host, in its `log_dir` or [`REMOTE_LOG_DIR`].
fn layer(defaults: &Settings, hosts: &[HostEntry], host: &HostChoice) -> Settings {
    let Some(spec) = host.remote() else {
        return defaults.clone();
    };
    let mut base = defaults.clone();
    base.log_dir = Some(Given::new(PathBuf::from(REMOTE_LOG_DIR)));
    let own = hosts
        .iter()
        .find(|entry| entry.spec == *spec)
        .map(|entry| entry.defaults.clone())
        .unwrap_or_default();
    base.overlay(own)
}

/// The host `host` names, looked up in `hosts`.
fn find_host(hosts: &[HostEntry], host: &HostRef) -> Result<HostChoice, ConfigError> {
    let HostRef::Named(name) = host else {
        return Ok(HostChoice::Local);
    };
    if let Some(entry) = hosts.iter().find(|entry| entry.spec.name() == name) {
        return Ok(HostChoice::Remote(Arc::clone(&entry.spec)));
    }
    let known: Vec<&str> = hosts
        .iter()
        .map(|entry| entry.spec.name().as_str())
        .collect();
    let err = ConfigError::new(format!("unknown host {}", quote(name)));
    Err(match did_you_mean(name, &known) {
        Some(best) => err.with_help(format!("did you mean '{best}'?")),
        None if known.is_empty() => err.with_help(
            "declare it under `ops.hosts` (`NAME: {ssh: user@host}`), or use `local` for this machine",
        ),
        None => err.with_help(format!("declared hosts: {} (and `local`)", known.join(", "))),
    })
}

/// Why `session` cannot be created, at the place its entry (for a missing image) or the
/// value at fault is written, when it comes from a file.
pub(crate) fn refusal(problem: &NotStartable, session: &SessionConfig) -> ConfigError {
    let name = session.name().as_str();
    let written_at = &session.written_at;
    match problem {
        NotStartable::NoImage => {
            let err = ConfigError::new(format!("container session '{name}' has no image"));
            match &written_at.entry {
                Some(span) => err
                    .at(span.clone())
                    .with_label("a container needs an image")
                    .with_help("give its entry an `image:`, or pass --image"),
                None => err.with_help(format!(
                    "pass --image, or declare '{name}' with an `image:` in {CONFIG_FILE_NAME}"
                )),
            }
        }
        NotStartable::NoWorkingDir(dir) => {
            let err = ValidationError::new(
                "working_dir",
                dir.display().to_string(),
                match session.host().name() {
                    Some(host) => format!("is not a directory on {host}"),
                    None => "is not a directory on this host".to_owned(),
                },
            );
            err_at(
                err,
                written_at.working_dir.as_ref(),
                session.is_declared().then_some(name),
            )
            .with_help("create it first: tmux would silently start the session elsewhere")
        }
    }
}

/// Refuses settings given on the command line or through the API that mean nothing on the
/// backend the session ends up on: silently ignoring `--image` for a tmux session would
/// start something else than asked.
fn check_backend(
    name: &SessionName,
    top: &Settings,
    combined: &Settings,
) -> Result<(), ConfigErrors> {
    let backend = combined
        .backend
        .as_ref()
        .map_or(BackendType::Tmux, |backend| backend.value);
    let foreign: &[(SessionKey, &str)] = match backend {
        BackendType::Tmux => &[
            (SessionKey::Image, "an image"),
            (SessionKey::Volumes, "volumes"),
            (SessionKey::Ports, "ports"),
            (SessionKey::LogVolume, "a log volume"),
            (SessionKey::Runtime, "a container runtime"),
        ],
        BackendType::Container => &[
            (SessionKey::SocketName, "a tmux socket"),
            (SessionKey::SocketPath, "a tmux socket"),
        ],
    };
    let mut given: Vec<&str> = foreign
        .iter()
        .filter(|(key, _)| top.has(*key))
        .map(|(_, what)| *what)
        .collect();
    given.dedup();
    if given.is_empty() {
        return Ok(());
    }
    Err(ConfigError::new(format!(
        "{} given for '{name}', which runs on {backend}: {} only for {}",
        given.join(", "),
        if given.len() == 1 {
            "that is"
        } else {
            "those are"
        },
        match backend {
            BackendType::Tmux => "containers",
            BackendType::Container => "tmux",
        }
    ))
    .into())
}

/// A value that failed validation: at its place when it came from a file, as a plain
/// message when it came from the command line or the API.
fn err_at(err: ValidationError, span: Option<&Span>, session: Option<&str>) -> ConfigError {
    match span {
        Some(span) => invalid(err, span, session),
        None => ConfigError::new(err.to_string()),
    }
}

/// `ops.log_dir` and `ops.log_max_size`, or their defaults.
fn log_settings(dir: Option<Given<PathBuf>>, max_size: Option<Given<u64>>) -> LogSettings {
    LogSettings::new(
        value(dir).or_else(logs::paths::default_dir),
        value(max_size).unwrap_or(logs::DEFAULT_MAX_SIZE),
    )
}

/// The value of a layer's field, without where it was given.
fn value<T>(given: Option<Given<T>>) -> Option<T> {
    given.map(|given| given.value)
}
