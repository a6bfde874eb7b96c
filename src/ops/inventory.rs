//! What exists, everywhere: `list` and finding a session by name.
//!
//! Every place sessions live is asked once, all at the same time: each tmux server (the
//! default socket, every live socket in tmux's socket directory, the sockets of declared
//! sessions) and each container runtime on `PATH`, on this machine and on every host of
//! `ops.hosts` (each host first asked what it has, in one call that also opens the
//! connection the others reuse). The answers are merged with the sessions declared in the
//! config: a declared session that is not there is `defined`. A host that does not answer
//! costs its rows and a warning, never the list.

use std::collections::HashSet;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use serde::Serialize;

use super::backend::{SessionBackend, StopOptions};
use super::config::{Config, Given, Settings};
use super::container::ContainerRunner;
use super::error::{Error, Result};
use super::host::{Host, HostChoice};
use super::logs::LogOptions;
use super::logs::{self, LogPlace, SavedLog};
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
    /// Only these hosts (`local`: this machine). Empty means every host.
    pub hosts: Vec<HostChoice>,
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

    fn wants_host(&self, host: &HostChoice) -> bool {
        self.hosts.is_empty() || self.hosts.contains(host)
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

    /// The one host of the scope, when it names exactly one.
    fn only_host(&self) -> Option<&HostChoice> {
        match self.hosts.as_slice() {
            [host] => Some(host),
            _ => None,
        }
    }

    /// The scope as settings that pin a session to it.
    fn pins(&self) -> Settings {
        Settings {
            backend: self.backend().map(Given::new),
            socket: self.socket.clone().map(Given::new),
            runtime: self.runtime.map(Given::new),
            host: self.only_host().cloned().map(Given::new),
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

    fn host(&self) -> &Host {
        match self {
            Place::Tmux(runner) => runner.host(),
            Place::Container(runner) => runner.host(),
        }
    }

    /// `tmux`, `tmux -L bots`, `podman`, `podman on vps1`, …
    fn describe(&self) -> String {
        let what = match self {
            Place::Tmux(runner) => runner.describe(),
            Place::Container(runner) => runner.runtime().to_string(),
        };
        self.host().describe(&what)
    }

    /// Pins a session's settings to this place.
    fn pin(&self, settings: &mut Settings) {
        settings.host = Some(Given::new(self.host().choice().clone()));
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

/// Asks every place at once; each answer comes back with its place, errors naming the
/// place's host.
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
                s.spawn(move || {
                    let answer = question(place.backend()).map_err(|e| place.host().qualify(e));
                    (place, answer)
                })
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
    let (places, unanswered) = places(config, &declared, scope)?;
    let mut inventory = Inventory::default();
    inventory
        .warnings
        .extend(unanswered.iter().map(ToString::to_string));
    for (place, answer) in ask_all(&places, |backend| backend.list_sessions()) {
        match answer {
            Ok(mut sessions) => {
                for session in &mut sessions {
                    place.host().tag(session);
                }
                inventory.sessions.extend(sessions);
            }
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
    inventory.warnings = distinct(inventory.warnings);
    Ok(inventory)
}

/// `warnings` without repeats, in their order: a host that does not answer fails each of
/// its backends (tmux, Podman, Docker) with the same words, and is one warning.
fn distinct(warnings: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    warnings
        .into_iter()
        .filter(|warning| seen.insert(warning.clone()))
        .collect()
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
        && row.host.as_deref() == session.host().name()
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
            let host = declared.host();
            (scope.wants(backend) && scope.wants_host(&host)).then(|| {
                let mut row = SessionStatus::new(declared.name(), SessionState::Invalid, backend);
                row.host = host.name().map(str::to_owned);
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
    found: Option<Found>,
    /// Where the entry says a declared session runs, when it was found elsewhere.
    moved_from: Option<String>,
    /// The places that could not be asked (a hung tmux server, an engine down): the
    /// session was found, or is `defined`, without them.
    warnings: Vec<String>,
}

impl Located {
    /// The session's last lines of output, using what the search read when it found it
    /// (the lines themselves, when it was [`locate_for_logs`]).
    pub fn logs(&self, options: &LogOptions) -> Result<String> {
        match &self.found {
            Some(Found::Logs(text)) => Ok(text.clone()),
            Some(Found::Status(found)) => self.manager.logs_of_found(found, options),
            None => self.manager.logs_with(options),
        }
    }

    /// The session's status, without asking its backend again when the search already did.
    pub fn status(&self) -> Result<SessionStatus> {
        let Some(Found::Status(found)) = &self.found else {
            return self.manager.status();
        };
        let mut status = SessionStatus::clone(found);
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
    locate_asking(config, name, scope, Question::Status)
}

/// [`locate`] for `logs`: where the backend that has the session can tell so by reading its
/// last lines, they are what the search asks for (one call instead of two: a runtime's
/// CLI is ≈ 40 ms a call), and [`Located::logs`] answers with them.
pub fn locate_for_logs(
    config: &Config,
    name: &str,
    scope: &Scope,
    options: &LogOptions,
) -> Result<Located> {
    locate_asking(config, name, scope, Question::Logs(options))
}

fn locate_asking(
    config: &Config,
    name: &str,
    scope: &Scope,
    question: Question<'_>,
) -> Result<Located> {
    let session_name = SessionName::new(name)?;
    let mut pins = scope.pins();
    let declared = config
        .find(name)
        .is_some_and(|declared| declared.session().is_ok());
    if declared {
        let session = config.resolve(&session_name, pins.clone())?;
        let home = home(&session)?;
        let mut search = find(&home, &session_name, question, |_| true)?;
        if let Some(err) = search.unsure() {
            return Err(err);
        }
        let mut warnings = search.warnings();
        if let Some((place, found)) = search.hit {
            let session = match place {
                Place::Container(runner) => session.on_runtime(runner.runtime()),
                Place::Tmux(_) => session,
            };
            return Located::found(session, found, None, warnings);
        }
        // An explicit place asked for there only.
        if *scope == Scope::default() {
            let elsewhere = elsewhere(config, &session)?;
            let managed = |status: &SessionStatus| status.origin == Origin::Managed;
            let search = find(&elsewhere, &session_name, Question::Status, managed)?;
            warnings.extend(search.warnings());
            if let Some((place, found)) = search.hit {
                place.pin(&mut pins);
                let moved = config.resolve(&session_name, pins)?;
                let home = Some(describe_home(&session));
                return Located::found(moved, found, home, warnings);
            }
        }
        return Ok(Located {
            manager: SessionManager::with_config(session)?,
            found: None,
            moved_from: None,
            warnings,
        });
    }
    let (places, unanswered) = places(config, &[], scope)?;
    let mut search = find(&places, &session_name, question, |_| true)?;
    search.unanswered.extend(unanswered);
    if let Some(err) = search.unsure() {
        return Err(err);
    }
    let warnings = search.warnings();
    match search.hit {
        Some((place, found)) => {
            place.pin(&mut pins);
            let session = config.resolve_ad_hoc(&session_name, pins)?;
            Located::found(session, found, None, warnings)
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
        found: Found,
        moved_from: Option<String>,
        warnings: Vec<String>,
    ) -> Result<Located> {
        Ok(Located {
            manager: SessionManager::with_config(session)?,
            found: Some(found),
            moved_from,
            warnings,
        })
    }
}

/// The manager of the session of `row`, as `list` found it: resolved (the declared entry
/// if there is one) on the row's own tmux server or runtime.
pub fn manager_for(config: &Config, row: &SessionStatus) -> Result<SessionManager> {
    let host = match &row.host {
        Some(name) => config.host(name)?,
        None => HostChoice::Local,
    };
    let mut pins = Settings {
        backend: Some(Given::new(row.backend)),
        host: Some(Given::new(host)),
        ..Settings::default()
    };
    match row.backend {
        BackendType::Tmux => pins.socket = row.socket.clone().map(Given::new),
        BackendType::Container => pins.runtime = row.runtime.map(Given::new),
    }
    let name = SessionName::new(&row.name)?;
    SessionManager::with_config(config.resolve(&name, pins)?)
}

/// The log that the session `name`, declared or not, left in `scope` when it is gone: its
/// newest file on this machine, or on the one remote host `scope` names (read there).
pub fn find_saved(
    config: &Config,
    name: &SessionName,
    scope: &Scope,
    options: &LogOptions,
) -> Result<Option<SavedLog>> {
    let Some(spec) = scope.only_host().and_then(HostChoice::remote) else {
        return Ok(logs::find_saved(
            &config.log_settings(),
            name,
            &scope.log_places(),
            options,
        )?);
    };
    let choice = HostChoice::Remote(Arc::clone(spec));
    let host = Host::of(&choice);
    let settings = config.log_settings_on(&choice);
    if scope.wants(BackendType::Tmux) {
        let socket = scope.socket.clone().unwrap_or(TmuxSocket::Default);
        let runner = TmuxRunner::on_host(config.tmux_binary_on(&choice), socket, host.clone())
            .with_logs(settings.clone());
        if let Some(saved) = runner
            .saved_log(name, options)
            .map_err(|err| host.qualify(err))?
        {
            return Ok(Some(saved));
        }
    }
    if scope.wants(BackendType::Container) {
        let local = logs::paths::remote_container_settings(spec.name(), &settings);
        let place = LogPlace::Container(scope.runtime);
        return Ok(logs::find_saved(&local, name, &[place], options)?);
    }
    Ok(None)
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
    match find(&elsewhere, session.name(), Question::Status, managed) {
        // A place that cannot be asked may hold it: no second copy on a guess.
        Ok(mut search) => match search.unanswered.pop() {
            Some(err) => Err(err),
            None => Ok(search.hit.and_then(|(_, found)| match found {
                Found::Status(status) => Some(*status),
                Found::Logs(_) => None,
            })),
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
/// runtime, or either runtime when it names none, on its host. A remote host that does
/// not answer is the error.
fn home(session: &SessionConfig) -> Result<Vec<Place>> {
    let host = Host::of(session.host());
    let on_host = |runtime| Place::Container(ContainerRunner::on_host(runtime, host.clone()));
    let found = match session.backend() {
        BackendType::Tmux => Ok(vec![Place::Tmux(TmuxRunner::for_session(session))]),
        BackendType::Container => match session.runtime() {
            Some(runtime) => host
                .detect_runtime(Some(runtime))
                .map(|runtime| vec![on_host(runtime)]),
            None => host
                .installed_runtimes()
                .map(|runtimes| runtimes.into_iter().map(on_host).collect()),
        },
    };
    found.map_err(|err| host.qualify(err))
}

/// `tmux -L bots`, `podman`, `a container runtime`, `podman on vps1`: where the entry says
/// it runs.
fn describe_home(session: &SessionConfig) -> String {
    let what = match (session.backend(), session.runtime()) {
        (BackendType::Tmux, _) => session.socket().describe(),
        (BackendType::Container, Some(runtime)) => runtime.to_string(),
        (BackendType::Container, None) => "a container runtime".to_owned(),
    };
    Host::of(session.host()).describe(&what)
}

/// Every place but the declared `session`'s own, on its host: what kstlib started there
/// under its name on another tmux server or runtime. (Other hosts are not asked: one that
/// does not answer would stop every start on this one.)
fn elsewhere(config: &Config, session: &SessionConfig) -> Result<Vec<Place>> {
    let scope = Scope {
        hosts: vec![session.host().clone()],
        ..Scope::default()
    };
    let (everywhere, unanswered) = places(config, &[], &scope)?;
    if let Some(err) = unanswered.into_iter().next() {
        return Err(err);
    }
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

/// What a search asks each place about the session.
#[derive(Debug, Clone, Copy)]
enum Question<'a> {
    /// Its status.
    Status,
    /// Its last lines, from a place whose backend finds a session by reading them
    /// ([`SessionBackend::finds_by_logs`]); its status from the others.
    Logs(&'a LogOptions),
}

/// What a place that has the session answered.
#[derive(Debug)]
enum Found {
    Status(Box<SessionStatus>),
    Logs(String),
}

/// What asking `places` for a session found: the one place that has it (with what it
/// answered), and what could not be asked. `SessionAmbiguous` if several have it.
struct Search<'a> {
    hit: Option<(&'a Place, Found)>,
    unanswered: Vec<Error>,
}

impl Search<'_> {
    /// The places that could not be asked, as warnings: the answer may miss what they hold.
    fn warnings(&self) -> Vec<String> {
        distinct(self.unanswered.iter().map(ToString::to_string).collect())
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

/// Asks every place of `places` at once whether it has a session `name` that is `wanted`
/// (a place that answers with the session's last lines has it: `wanted` is for statuses).
fn find<'a>(
    places: &'a [Place],
    name: &SessionName,
    question: Question<'_>,
    wanted: impl Fn(&SessionStatus) -> bool,
) -> Result<Search<'a>> {
    let ask = |backend: &dyn SessionBackend| {
        let status = || {
            backend
                .status(name)
                .map(|status| Found::Status(Box::new(status)))
        };
        match question {
            Question::Logs(options) if backend.finds_by_logs(name) => {
                match backend.logs(name, options) {
                    // The runtime's own words: whether it has the session and what is
                    // wrong is for its status, then its logs, to tell, as elsewhere.
                    Err(Error::Backend { .. }) => status(),
                    answer => answer.map(Found::Logs),
                }
            }
            _ => status(),
        }
    };
    let mut found = Vec::new();
    let mut unanswered = Vec::new();
    for (place, answer) in ask_all(places, ask) {
        match answer {
            Ok(Found::Status(mut status)) if wanted(&status) => {
                place.host().tag(&mut status);
                found.push((place, Found::Status(status)));
            }
            Ok(Found::Status(_)) => {}
            Ok(logs @ Found::Logs(_)) => found.push((place, logs)),
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
    if !scope.wants(session.backend()) || !scope.wants_host(session.host()) {
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

/// Every place to ask, each once, on every host of `scope`: this machine's (an error here
/// is the answer, as before hosts), and each remote host's, asked what it has at the same
/// time; a remote host that does not answer is left out, its error returned with the
/// places.
fn places(
    config: &Config,
    declared: &[&SessionConfig],
    scope: &Scope,
) -> Result<(Vec<Place>, Vec<Error>)> {
    let mut places = Vec::new();
    if scope.wants_host(&HostChoice::Local) {
        places.extend(local_places(config, declared, scope)?);
    }
    let hosts: Vec<Host> = config
        .hosts()
        .map(|spec| HostChoice::Remote(Arc::clone(spec)))
        .filter(|host| scope.wants_host(host))
        .map(|host| Host::of(&host))
        .collect();
    let mut unanswered = Vec::new();
    let answers = thread::scope(|s| {
        let handles: Vec<_> = hosts
            .iter()
            .map(|host| s.spawn(move || remote_places(config, host, declared, scope)))
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect::<Vec<_>>()
    });
    for answer in answers {
        match answer {
            Ok(found) => places.extend(found),
            Err(err) => unanswered.push(err),
        }
    }
    Ok((places, unanswered))
}

/// The places on this machine.
fn local_places(config: &Config, declared: &[&SessionConfig], scope: &Scope) -> Result<Vec<Place>> {
    let mut places: Vec<Place> = Vec::new();
    let here: Vec<&SessionConfig> = declared
        .iter()
        .copied()
        .filter(|session| !session.host().is_remote())
        .collect();
    if scope.wants(BackendType::Tmux) {
        places.extend(
            tmux_servers(config.tmux_binary(), &here, scope)
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

/// The places on the remote `host`, as it says it has them: its tmux servers (the default
/// one, the sockets in its socket directory, the declared sessions' there) when its tmux
/// is installed, and its runtimes.
fn remote_places(
    config: &Config,
    host: &Host,
    declared: &[&SessionConfig],
    scope: &Scope,
) -> Result<Vec<Place>> {
    let binary = config.tmux_binary_on(host.choice());
    let probe = host.probe(&binary).map_err(|err| host.qualify(err))?;
    let mut places = Vec::new();
    if scope.wants(BackendType::Tmux) && probe.tmux {
        let candidates: Vec<TmuxSocket> = match &scope.socket {
            Some(socket) => vec![socket.clone()],
            None => std::iter::once(TmuxSocket::Default)
                .chain(probe.sockets)
                .chain(
                    declared
                        .iter()
                        .filter(|s| s.backend() == BackendType::Tmux && s.host() == host.choice())
                        .map(|s| s.socket().clone()),
                )
                .collect(),
        };
        let mut seen = HashSet::new();
        places.extend(
            candidates
                .into_iter()
                .filter(|socket| seen.insert(socket.clone()))
                .map(|socket| Place::Tmux(TmuxRunner::on_host(&binary, socket, host.clone()))),
        );
    }
    if scope.wants(BackendType::Container) {
        places.extend(
            probe
                .runtimes
                .into_iter()
                .filter(|runtime| scope.runtime.is_none_or(|wanted| wanted == *runtime))
                .map(|runtime| Place::Container(ContainerRunner::on_host(runtime, host.clone()))),
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
