//! What exists, everywhere: `list` and finding a session by name.
//!
//! Every place sessions live is asked once, all at the same time: each tmux server (the
//! default socket, every live socket in tmux's socket directory, the sockets of declared
//! sessions) and each container runtime on `PATH`. The answers are merged with the
//! sessions declared in the config: a declared session that is not there is `defined`.

use std::collections::HashSet;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::thread;

use serde::Serialize;

use super::backend::{LogOptions, SessionBackend, StopOptions};
use super::config::{Config, Given, Settings};
use super::container::ContainerRunner;
use super::error::{Error, Result};
use super::logs::LogPlace;
use super::manager::{SessionManager, defined_status};
use super::model::{
    BackendType, Origin, Runtime, SessionState, SessionStatus, StopReport, TmuxSocket,
};
use super::runtime;
use super::spec::SessionConfig;
use super::tmux::{self, TmuxRunner};
use super::validate::SessionName;

/// Which backends, tmux servers and runtimes to look at. Empty means everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only this backend.
    pub backend: Option<BackendType>,
    /// Only this tmux server.
    pub socket: Option<TmuxSocket>,
    /// Only this container runtime.
    pub runtime: Option<Runtime>,
}

impl Scope {
    /// The backend asked for, or implied: a socket only makes sense for tmux, a runtime only
    /// for containers.
    fn backend(&self) -> Option<BackendType> {
        let implied = match (&self.socket, self.runtime) {
            (Some(_), None) => Some(BackendType::Tmux),
            (None, Some(_)) => Some(BackendType::Container),
            _ => None,
        };
        self.backend.or(implied)
    }

    fn wants(&self, backend: BackendType) -> bool {
        self.backend().is_none_or(|wanted| wanted == backend)
    }

    /// Where a session of this scope may have left a log.
    pub fn log_places(&self) -> Vec<LogPlace> {
        let mut places = Vec::new();
        if self.wants(BackendType::Tmux) {
            places.push(LogPlace::Tmux(self.socket.clone()));
        }
        if self.wants(BackendType::Container) {
            places.push(LogPlace::Container(self.runtime));
        }
        places
    }

    /// The scope as settings that pin a session to it.
    fn pins(&self) -> Settings {
        Settings {
            backend: self.backend().map(Given::new),
            socket: self.socket.clone().map(Given::new),
            runtime: self.runtime.map(Given::new),
            ..Settings::default()
        }
    }
}

/// The result of `list`: every session, and what could not be asked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// Sessions: tmux servers first, then containers, then declared sessions not running.
    pub sessions: Vec<SessionStatus>,
    /// One line per place that could not be asked (a daemon down, …).
    pub warnings: Vec<String>,
}

/// One place where sessions live.
#[derive(Debug)]
enum Place {
    Tmux(TmuxRunner),
    Container(ContainerRunner),
}

impl Place {
    fn backend(&self) -> &dyn SessionBackend {
        match self {
            Place::Tmux(runner) => runner,
            Place::Container(runner) => runner,
        }
    }

    /// `tmux`, `tmux -L bots`, `podman`, …
    fn describe(&self) -> String {
        match self {
            Place::Tmux(runner) => runner.describe(),
            Place::Container(runner) => runner.runtime().to_string(),
        }
    }

    /// Pins a session's settings to this place.
    fn pin(&self, settings: &mut Settings) {
        match self {
            Place::Tmux(runner) => {
                settings.backend = Some(Given::new(BackendType::Tmux));
                settings.socket = Some(Given::new(runner.socket().clone()));
            }
            Place::Container(runner) => {
                settings.backend = Some(Given::new(BackendType::Container));
                settings.runtime = Some(Given::new(runner.runtime()));
            }
        }
    }
}

/// Asks every place at once; each answer comes back with the place's description.
fn ask_all<T, F>(places: &[Place], question: F) -> Vec<(&Place, Result<T>)>
where
    T: Send,
    F: Fn(&dyn SessionBackend) -> Result<T> + Sync,
{
    thread::scope(|s| {
        let handles: Vec<_> = places
            .iter()
            .map(|place| {
                let question = &question;
                s.spawn(move || (place, question(place.backend())))
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect()
    })
}

/// Lists every session in `scope`, merged with the sessions declared in `config`.
pub fn list(config: &Config, scope: &Scope) -> Result<Inventory> {
    let declared: Vec<&SessionConfig> = config.sessions().collect();
    let places = places(config, &declared, scope)?;
    let mut inventory = Inventory::default();
    for (place, answer) in ask_all(&places, |backend| backend.list_sessions()) {
        match answer {
            Ok(sessions) => inventory.sessions.extend(sessions),
            // No tmux at all is not worth a warning: there is simply nothing to list.
            Err(Error::TmuxNotFound { .. }) => {}
            // The message already names the runtime or server.
            Err(err @ Error::Unavailable { .. }) => inventory.warnings.push(err.to_string()),
            Err(err) => inventory
                .warnings
                .push(format!("{}: {err}", place.describe())),
        }
    }
    claim_declared(&mut inventory.sessions, &declared, scope);
    inventory.sessions.extend(invalid_rows(config, scope));
    Ok(inventory)
}

/// Marks the rows that are declared sessions, and adds a `defined` row for each declared
/// session that is nowhere. A declared session is the row of its name where its entry
/// says it runs; failing that, what kstlib started under its name elsewhere (the entry's
/// `backend` or `socket_name` was edited while it ran): that row is marked as drifted.
/// Sessions declared outside `scope` can only claim rows, not add `defined` ones.
fn claim_declared(rows: &mut Vec<SessionStatus>, declared: &[&SessionConfig], scope: &Scope) {
    for session in declared {
        let name = session.name().as_str();
        let home = rows
            .iter()
            .position(|row| row.origin != Origin::Config && at_home(session, row));
        let elsewhere = || {
            rows.iter().position(|row| {
                row.name == name && row.origin == Origin::Managed && !at_home(session, row)
            })
        };
        match home
            .map(|i| (i, false))
            .or_else(|| elsewhere().map(|i| (i, true)))
        {
            Some((i, moved)) => claim(&mut rows[i], session, moved),
            None if in_scope(session, scope) => rows.push(defined_status(session)),
            None => {}
        }
    }
}

/// Makes `row` the declared `session`'s, with whether it drifted from its entry.
fn claim(row: &mut SessionStatus, session: &SessionConfig, moved: bool) {
    row.origin = Origin::Config;
    row.drift = if moved {
        Some(true)
    } else {
        row.config_hash
            .as_ref()
            .map(|hash| *hash != session.config_hash())
    };
}

/// Whether `row` is where the declared `session` runs: its name, backend and tmux server
/// or runtime (either runtime for a container session that names none).
fn at_home(session: &SessionConfig, row: &SessionStatus) -> bool {
    row.name == session.name().as_str()
        && row.backend == session.backend()
        && match session.backend() {
            BackendType::Tmux => {
                row.socket.as_ref().map(TmuxSocket::path) == Some(session.socket().path())
            }
            BackendType::Container => session
                .runtime()
                .is_none_or(|runtime| row.runtime == Some(runtime)),
        }
}

/// A row in state `invalid` for each declared session whose entry has errors.
fn invalid_rows(config: &Config, scope: &Scope) -> Vec<SessionStatus> {
    config
        .declared()
        .iter()
        .filter_map(|declared| {
            let errors = declared.session().err()?;
            let backend = declared
                .settings()
                .backend
                .as_ref()
                .or(config.defaults().backend.as_ref())
                .map_or(BackendType::Tmux, |backend| backend.value);
            scope.wants(backend).then(|| {
                let mut row = SessionStatus::new(declared.name(), SessionState::Invalid, backend);
                row.origin = Origin::Config;
                row.detail = errors.first().map(|err| err.message.clone());
                row
            })
        })
        .collect()
}

/// A session found by [`locate`], with its status when finding it already asked for it.
#[derive(Debug)]
pub struct Located {
    /// The session's manager.
    pub manager: SessionManager,
    found: Option<SessionStatus>,
    /// Where the entry says a declared session runs, when it was found elsewhere.
    moved_from: Option<String>,
    /// The places that could not be asked (a hung tmux server, an engine down): the
    /// session was found, or is `defined`, without them.
    warnings: Vec<String>,
}

impl Located {
    /// The session's last lines of output, using what the search read when it found it.
    pub fn logs(&self, options: &LogOptions) -> Result<String> {
        match &self.found {
            Some(found) => self.manager.logs_of_found(found, options),
            None => self.manager.logs_with(options),
        }
    }

    /// The session's status, without asking its backend again when the search already did.
    pub fn status(&self) -> Result<SessionStatus> {
        let Some(found) = &self.found else {
            return self.manager.status();
        };
        let mut status = found.clone();
        let session = self.manager.config();
        if session.is_declared() {
            claim(&mut status, session, self.moved_from.is_some());
            if let Some(home) = &self.moved_from {
                status.detail = Some(format!("the config says it runs on {home}"));
            }
        }
        Ok(status)
    }

    /// Where the config says a declared session runs, when it was found elsewhere.
    pub fn moved_from(&self) -> Option<&str> {
        self.moved_from.as_deref()
    }

    /// Stops the session found. One that is gone by the time the stop begins was stopped
    /// meanwhile by another caller (it was there when it was looked up): a success, as
    /// that is what was asked.
    pub fn stop(&self, options: &StopOptions) -> Result<StopReport> {
        match self.manager.stop_with(options) {
            Err(Error::SessionNotFound { .. }) if self.found.is_some() => Ok(
                StopReport::stopped_meanwhile(self.manager.name(), self.manager.backend()),
            ),
            other => other,
        }
    }

    /// One line per place that could not be asked while looking for the session.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// Finds the session `name`: the declared one if it is declared (where its entry says, or
/// what kstlib started under its name elsewhere), else the one session of that name in
/// `scope`; `SessionAmbiguous` when several places have it. The session is resolved once,
/// with the place it was found at. A declared session whose entry is invalid is looked up
/// as an undeclared one: what runs can still be seen and stopped.
pub fn locate(config: &Config, name: &str, scope: &Scope) -> Result<Located> {
    let session_name = SessionName::new(name)?;
    let mut pins = scope.pins();
    let declared = config
        .find(name)
        .is_some_and(|declared| declared.session().is_ok());
    if declared {
        let session = config.resolve(&session_name, pins.clone())?;
        let home = home(&session)?;
        let mut search = find(&home, &session_name, |_| true)?;
        if let Some(err) = search.unsure() {
            return Err(err);
        }
        let mut warnings = search.warnings();
        if let Some((place, status)) = search.hit {
            let session = match place {
                Place::Container(runner) => session.on_runtime(runner.runtime()),
                Place::Tmux(_) => session,
            };
            return Located::found(session, status, None, warnings);
        }
        // An explicit place asked for there only.
        if *scope == Scope::default() {
            let elsewhere = elsewhere(config, &session)?;
            let managed = |status: &SessionStatus| status.origin == Origin::Managed;
            let search = find(&elsewhere, &session_name, managed)?;
            warnings.extend(search.warnings());
            if let Some((place, status)) = search.hit {
                place.pin(&mut pins);
                let moved = config.resolve(&session_name, pins)?;
                let home = Some(describe_home(&session));
                return Located::found(moved, status, home, warnings);
            }
        }
        return Ok(Located {
            manager: SessionManager::with_config(session)?,
            found: None,
            moved_from: None,
            warnings,
        });
    }
    let places = places(config, &[], scope)?;
    let mut search = find(&places, &session_name, |_| true)?;
    if let Some(err) = search.unsure() {
        return Err(err);
    }
    let warnings = search.warnings();
    match search.hit {
        Some((place, status)) => {
            place.pin(&mut pins);
            let session = config.resolve_ad_hoc(&session_name, pins)?;
            Located::found(session, status, None, warnings)
        }
        None => Err(Error::SessionNotFound {
            name: name.to_owned(),
            backend: scope.backend,
        }),
    }
}

impl Located {
    fn found(
        session: SessionConfig,
        status: SessionStatus,
        moved_from: Option<String>,
        warnings: Vec<String>,
    ) -> Result<Located> {
        Ok(Located {
            manager: SessionManager::with_config(session)?,
            found: Some(status),
            moved_from,
            warnings,
        })
    }
}

/// The manager of the session of `row`, as `list` found it: resolved (the declared entry
/// if there is one) on the row's own tmux server or runtime.
pub fn manager_for(config: &Config, row: &SessionStatus) -> Result<SessionManager> {
    let mut pins = Settings {
        backend: Some(Given::new(row.backend)),
        ..Settings::default()
    };
    match row.backend {
        BackendType::Tmux => pins.socket = row.socket.clone().map(Given::new),
        BackendType::Container => pins.runtime = row.runtime.map(Given::new),
    }
    let name = SessionName::new(&row.name)?;
    SessionManager::with_config(config.resolve(&name, pins)?)
}

/// What kstlib started under the declared `session`'s name somewhere else than its entry
/// says, still there: starting the session again would make a second copy of it. Places
/// that cannot be asked are an error, not a guess that it is not there.
pub fn running_elsewhere(
    config: &Config,
    session: &SessionConfig,
) -> Result<Option<SessionStatus>> {
    let elsewhere = elsewhere(config, session)?;
    let managed = |status: &SessionStatus| status.origin == Origin::Managed;
    match find(&elsewhere, session.name(), managed) {
        // A place that cannot be asked may hold it: no second copy on a guess.
        Ok(mut search) => match search.unanswered.pop() {
            Some(err) => Err(err),
            None => Ok(search.hit.map(|(_, status)| status)),
        },
        // Found in several places: it runs elsewhere all the more.
        Err(Error::SessionAmbiguous { .. }) => {
            let mut status = SessionStatus::new(
                session.name().as_str(),
                SessionState::Running,
                session.backend(),
            );
            status.detail = Some("several places".to_owned());
            Ok(Some(status))
        }
        Err(err) => Err(err),
    }
}

/// The places where the declared `session` runs, as its entry says: its tmux server, its
/// runtime, or either runtime when it names none.
fn home(session: &SessionConfig) -> Result<Vec<Place>> {
    Ok(match session.backend() {
        BackendType::Tmux => vec![Place::Tmux(TmuxRunner::for_session(session))],
        BackendType::Container => match session.runtime() {
            Some(runtime) => vec![Place::Container(ContainerRunner::new(runtime::detect(
                Some(runtime),
            )?))],
            None => runtime::installed()
                .into_iter()
                .map(|runtime| Place::Container(ContainerRunner::new(runtime)))
                .collect(),
        },
    })
}

/// `tmux -L bots`, `podman`, `a container runtime`: where the entry says it runs.
fn describe_home(session: &SessionConfig) -> String {
    match (session.backend(), session.runtime()) {
        (BackendType::Tmux, _) => session.socket().describe(),
        (BackendType::Container, Some(runtime)) => runtime.to_string(),
        (BackendType::Container, None) => "a container runtime".to_owned(),
    }
}

/// Every place but the declared `session`'s own.
fn elsewhere(config: &Config, session: &SessionConfig) -> Result<Vec<Place>> {
    let everywhere = places(config, &[], &Scope::default())?;
    Ok(everywhere
        .into_iter()
        .filter(|place| match (place, session.backend()) {
            (Place::Tmux(runner), BackendType::Tmux) => {
                runner.socket_path() != session.socket().path()
            }
            (Place::Container(runner), BackendType::Container) => session
                .runtime()
                .is_some_and(|runtime| runtime != runner.runtime()),
            _ => true,
        })
        .collect())
}

/// What asking `places` for a session found: the one place that has it (with its status),
/// and what could not be asked. `SessionAmbiguous` if several have it.
struct Search<'a> {
    hit: Option<(&'a Place, SessionStatus)>,
    unanswered: Vec<Error>,
}

impl Search<'_> {
    /// The places that could not be asked, as warnings: the answer may miss what they hold.
    fn warnings(&self) -> Vec<String> {
        self.unanswered.iter().map(ToString::to_string).collect()
    }

    /// Nothing found, and some places could not be asked: their error is the answer, since
    /// "not found" would be a guess.
    fn unsure(&mut self) -> Option<Error> {
        match self.hit {
            Some(_) => None,
            None if self.unanswered.is_empty() => None,
            None => Some(self.unanswered.remove(0)),
        }
    }
}

/// Asks every place of `places` at once whether it has a session `name` that is `wanted`.
fn find<'a>(
    places: &'a [Place],
    name: &SessionName,
    wanted: impl Fn(&SessionStatus) -> bool,
) -> Result<Search<'a>> {
    let mut found = Vec::new();
    let mut unanswered = Vec::new();
    for (place, answer) in ask_all(places, |backend| backend.status(name)) {
        match answer {
            Ok(status) if wanted(&status) => found.push((place, status)),
            Ok(_) => {}
            Err(Error::SessionNotFound { .. } | Error::TmuxNotFound { .. }) => {}
            Err(err @ (Error::Unavailable { .. } | Error::Unreadable { .. })) => {
                unanswered.push(err);
            }
            Err(err) => unanswered.push(Error::Unavailable {
                what: place.describe(),
                reason: err.to_string().into(),
            }),
        }
    }
    if found.len() > 1 {
        return Err(Error::SessionAmbiguous {
            name: name.to_string(),
            places: found.iter().map(|(place, _)| place.describe()).collect(),
        });
    }
    Ok(Search {
        hit: found.pop(),
        unanswered,
    })
}

fn in_scope(session: &SessionConfig, scope: &Scope) -> bool {
    if !scope.wants(session.backend()) {
        return false;
    }
    match session.backend() {
        BackendType::Tmux => scope
            .socket
            .as_ref()
            .is_none_or(|socket| session.socket().path() == socket.path()),
        BackendType::Container => scope
            .runtime
            .is_none_or(|rt| session.runtime().is_none_or(|own| own == rt)),
    }
}

/// Every place to ask, each once.
fn places(config: &Config, declared: &[&SessionConfig], scope: &Scope) -> Result<Vec<Place>> {
    let mut places: Vec<Place> = Vec::new();
    if scope.wants(BackendType::Tmux) {
        places.extend(
            tmux_servers(config.tmux_binary(), declared, scope)
                .into_iter()
                .map(Place::Tmux),
        );
    }
    if scope.wants(BackendType::Container) {
        let runtimes = match scope.runtime {
            Some(runtime) => vec![runtime::detect(Some(runtime))?],
            None => runtime::installed(),
        };
        places.extend(
            runtimes
                .into_iter()
                .map(|runtime| Place::Container(ContainerRunner::new(runtime))),
        );
    }
    Ok(places)
}

/// The tmux servers to ask: the scope's, or the default one, every live socket in tmux's
/// directory and the declared sessions' sockets. Servers that are not running are skipped
/// without spawning tmux (connecting to their socket is refused).
fn tmux_servers(binary: &str, declared: &[&SessionConfig], scope: &Scope) -> Vec<TmuxRunner> {
    let candidates: Vec<TmuxSocket> = match &scope.socket {
        Some(socket) => vec![socket.clone()],
        None => std::iter::once(TmuxSocket::Default)
            .chain(tmux::discover_sockets())
            .chain(
                declared
                    .iter()
                    .filter(|s| s.backend() == BackendType::Tmux)
                    .map(|s| s.socket().clone()),
            )
            .collect(),
    };
    let mut seen: HashSet<PathBuf> = HashSet::new();
    candidates
        .into_iter()
        .map(|socket| TmuxRunner::new(binary, socket))
        .filter(|runner| {
            let path = runner.socket_path();
            UnixStream::connect(&path).is_ok() && seen.insert(path)
        })
        .collect()
}
