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

use super::backend::SessionBackend;
use super::config::{Config, Given, Settings};
use super::container::ContainerRunner;
use super::error::{Error, Result};
use super::logs::LogPlace;
use super::manager::{SessionManager, defined_status};
use super::model::{BackendType, Origin, Runtime, SessionStatus, TmuxSocket};
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
    fn wants(&self, backend: BackendType) -> bool {
        // A socket only makes sense for tmux, a runtime only for containers.
        let implied = match (&self.socket, self.runtime) {
            (Some(_), None) => Some(BackendType::Tmux),
            (None, Some(_)) => Some(BackendType::Container),
            _ => None,
        };
        self.backend
            .or(implied)
            .is_none_or(|wanted| wanted == backend)
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
            backend: self.backend.map(Given::new),
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
    let declared: Vec<&SessionConfig> = config
        .sessions()
        .filter(|session| in_scope(session, scope))
        .collect();
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
    for session in &declared {
        let socket_path = (session.backend() == BackendType::Tmux).then(|| session.socket().path());
        let status_socket = |status: &SessionStatus| status.socket.as_ref().map(TmuxSocket::path);
        let running = inventory.sessions.iter_mut().find(|status| {
            status.name == session.name().as_str()
                && status.backend == session.backend()
                && match session.backend() {
                    BackendType::Tmux => status_socket(status) == socket_path,
                    BackendType::Container => session
                        .runtime()
                        .is_none_or(|runtime| status.runtime == Some(runtime)),
                }
        });
        match running {
            Some(status) => status.origin = Origin::Config,
            None => inventory.sessions.push(defined_status(session)),
        }
    }
    Ok(inventory)
}

/// A session found by [`locate`], with its status when finding it already asked for it.
#[derive(Debug)]
pub struct Located {
    /// The session's manager.
    pub manager: SessionManager,
    found: Option<SessionStatus>,
}

impl Located {
    /// The session's status, without asking its backend again when the search already did.
    pub fn status(&self) -> Result<SessionStatus> {
        match &self.found {
            Some(status) => {
                let mut status = status.clone();
                if self.manager.config().is_declared() {
                    status.origin = Origin::Config;
                }
                Ok(status)
            }
            None => self.manager.status(),
        }
    }
}

/// Finds the session `name`: the declared one if it is declared, else the one session of
/// that name in `scope`; `SessionAmbiguous` when several places have it. The session is
/// resolved once, with the place it was found at.
pub fn locate(config: &Config, name: &str, scope: &Scope) -> Result<Located> {
    let session_name = SessionName::new(name)?;
    let mut pins = scope.pins();
    if config.is_declared(name) {
        let session = config.resolve(&session_name, pins)?;
        // A declared container session that names no runtime may run on either: it is
        // where `list` shows it, and `defined` (on the default runtime) if nowhere.
        if session.backend() != BackendType::Container || session.runtime().is_some() {
            return Ok(Located {
                manager: SessionManager::with_config(session)?,
                found: None,
            });
        }
        let places: Vec<Place> = runtime::installed()
            .into_iter()
            .map(|runtime| Place::Container(ContainerRunner::new(runtime)))
            .collect();
        let (session, found) = match find(&places, &session_name)? {
            Some((Place::Container(runner), status)) => {
                (session.on_runtime(runner.runtime()), Some(status))
            }
            _ => (session, None),
        };
        return Ok(Located {
            manager: SessionManager::with_config(session)?,
            found,
        });
    }
    let places = places(config, &[], scope)?;
    match find(&places, &session_name)? {
        Some((place, status)) => {
            place.pin(&mut pins);
            Ok(Located {
                manager: SessionManager::with_config(config.resolve(&session_name, pins)?)?,
                found: Some(status),
            })
        }
        None => Err(Error::SessionNotFound {
            name: name.to_owned(),
            backend: scope.backend,
        }),
    }
}

/// The one place among `places` that has a session `name`, with its status;
/// `SessionAmbiguous` if several do. When none does but some could not be asked, their
/// error is the answer: "not found" would be a guess.
fn find<'a>(places: &'a [Place], name: &SessionName) -> Result<Option<(&'a Place, SessionStatus)>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (place, answer) in ask_all(places, |backend| backend.status(name)) {
        match answer {
            Ok(status) => found.push((place, status)),
            Err(Error::SessionNotFound { .. } | Error::TmuxNotFound { .. }) => {}
            Err(err) => errors.push(err),
        }
    }
    if found.len() > 1 {
        return Err(Error::SessionAmbiguous {
            name: name.to_string(),
            places: found.iter().map(|(place, _)| place.describe()).collect(),
        });
    }
    match found.pop() {
        Some(one) => Ok(Some(one)),
        None => errors.into_iter().next().map_or(Ok(None), Err),
    }
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
