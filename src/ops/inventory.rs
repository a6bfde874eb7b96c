//! What exists, everywhere: `list` and finding a session by name.
//!
//! Every tmux server (the default socket, every live socket in tmux's socket directory,
//! and the sockets of declared sessions) and every container runtime is asked once, all
//! at the same time, and the answers are merged with the sessions declared in the config:
//! a declared session that is not there is listed as `defined`.

use std::collections::HashSet;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::thread;

use serde::Serialize;

use super::backend::SessionBackend;
use super::config::{Config, Overrides};
use super::error::{Error, Result};
use super::manager::{SessionManager, defined_status};
use super::model::{BackendType, Origin, Runtime, SessionStatus};
use super::spec::{SessionConfig, SessionOptions, TmuxSocket};
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
        self.backend.is_none_or(|wanted| wanted == backend)
    }
}

/// The result of `list`: every session, and what could not be asked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// Sessions: tmux servers first, then containers, then declared sessions not running.
    pub sessions: Vec<SessionStatus>,
    /// One line per backend that could not be queried (daemon down, …).
    pub warnings: Vec<String>,
}

/// Lists every session in `scope`, merged with the sessions declared in `config`.
pub fn list(config: &Config, scope: &Scope) -> Result<Inventory> {
    let declared: Vec<SessionConfig> = config
        .sessions()?
        .into_iter()
        .filter(|session| in_scope(session, scope))
        .collect();
    let defaults = config.defaults()?;
    let servers = if scope.wants(BackendType::Tmux) {
        tmux_servers(&defaults.tmux_binary, &declared, scope)
    } else {
        Vec::new()
    };
    let answers: Vec<(String, Result<Vec<SessionStatus>>)> = thread::scope(|s| {
        let handles: Vec<_> = servers
            .iter()
            .map(|runner| s.spawn(move || (runner.describe(), runner.list_sessions())))
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect()
    });
    let mut inventory = Inventory::default();
    for (what, answer) in answers {
        match answer {
            Ok(sessions) => inventory.sessions.extend(sessions),
            // No tmux at all is not worth a warning: there is simply nothing to list.
            Err(Error::TmuxNotFound { .. }) => {}
            Err(err) => inventory.warnings.push(format!("{what}: {err}")),
        }
    }
    for session in &declared {
        let runner_path = (session.backend() == BackendType::Tmux)
            .then(|| TmuxRunner::for_session(session).socket_path());
        let running = inventory.sessions.iter_mut().find(|status| {
            status.name == session.name().as_str()
                && status.backend == session.backend()
                && match session.backend() {
                    BackendType::Tmux => status.socket_path == runner_path,
                    BackendType::Container => session
                        .runtime()
                        .is_none_or(|rt| status.runtime == Some(rt)),
                }
        });
        match running {
            Some(status) => status.origin = Origin::Config,
            None => inventory.sessions.push(defined_status(session)),
        }
    }
    Ok(inventory)
}

/// Finds the session `name`: the declared one if it is declared, else the one session of
/// that name in `scope`; `SessionAmbiguous` when several backends, servers or runtimes
/// have it.
pub fn locate(config: &Config, name: &str, scope: &Scope) -> Result<SessionManager> {
    let mut overrides = Overrides {
        backend: scope.backend,
        options: SessionOptions::default(),
    };
    scope_options(scope, &mut overrides.options);
    if config.is_declared(name) {
        return SessionManager::resolved(config, name, &overrides);
    }
    let session_name = SessionName::new(name)?;
    let defaults = config.defaults()?;
    let servers = if scope.wants(BackendType::Tmux) {
        tmux_servers(&defaults.tmux_binary, &[], scope)
    } else {
        Vec::new()
    };
    let found: Vec<(TmuxRunner, Result<bool>)> = thread::scope(|s| {
        let handles: Vec<_> = servers
            .into_iter()
            .map(|runner| {
                let name = &session_name;
                s.spawn(move || {
                    let exists = runner.exists(name);
                    (runner, exists)
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect()
    });
    let mut places = Vec::new();
    let mut errors = Vec::new();
    for (runner, exists) in found {
        match exists {
            Ok(true) => places.push(runner),
            Ok(false) => {}
            Err(err) => errors.push(err),
        }
    }
    match places.len() {
        0 => Err(errors.into_iter().next().unwrap_or(Error::SessionNotFound {
            name: name.to_owned(),
            backend: scope.backend,
        })),
        1 => {
            let runner = &places[0];
            overrides.backend = Some(BackendType::Tmux);
            let socket = runner.socket().clone();
            overrides.options.socket_name = socket.name().map(str::to_owned);
            overrides.options.socket_path = match socket {
                TmuxSocket::Path(path) => Some(path.display().to_string()),
                _ => None,
            };
            SessionManager::resolved(config, name, &overrides)
        }
        _ => Err(Error::SessionAmbiguous {
            name: name.to_owned(),
            places: places.iter().map(TmuxRunner::describe).collect(),
        }),
    }
}

/// The options that pin a session to the scope's server or runtime.
fn scope_options(scope: &Scope, options: &mut SessionOptions) {
    match &scope.socket {
        Some(TmuxSocket::Name(name)) => options.socket_name = Some(name.to_string()),
        Some(TmuxSocket::Path(path)) => options.socket_path = Some(path.display().to_string()),
        Some(TmuxSocket::Default) | None => {}
    }
    options.runtime = scope.runtime.map(|rt| rt.as_str().to_owned());
}

fn in_scope(session: &SessionConfig, scope: &Scope) -> bool {
    if !scope.wants(session.backend()) {
        return false;
    }
    match session.backend() {
        BackendType::Tmux => scope.socket.as_ref().is_none_or(|socket| {
            let wanted = TmuxRunner::new("tmux", socket.clone()).socket_path();
            TmuxRunner::for_session(session).socket_path() == wanted
        }),
        BackendType::Container => scope
            .runtime
            .is_none_or(|rt| session.runtime().is_none_or(|own| own == rt)),
    }
}

/// The tmux servers to ask, each once: the scope's, or the default one, every live socket
/// in tmux's directory and the declared sessions' sockets. Servers that are not running
/// are skipped without spawning tmux (connecting to their socket is refused).
fn tmux_servers(binary: &str, declared: &[SessionConfig], scope: &Scope) -> Vec<TmuxRunner> {
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
