//! The engine client: the only place that talks to an engine's API socket (DESIGN §5).
//!
//! A container verb costs what the engine costs when its socket answers: one request over
//! a unix socket (Docker's list ≈ 3 ms, inspect ≈ 1 ms) instead of a CLI process (≈ 20 ms
//! for Docker, ≈ 40–50 ms for Podman). Where no socket answers (Podman without its
//! service, an `ssh://` engine) the runner uses the CLI as before; so it does for what the
//! CLIs do better (`run` with its pulls and env files, `attach` and `exec` with a TTY).
//!
//! - [`socket`]: where the socket is, as the engine's own CLI finds it;
//! - [`version`]: the API version, negotiated from one `/_ping`;
//! - [`http`]: one exchange over the socket, with a time limit;
//! - [`requests`]: the requests behind the runner's verbs;
//! - [`frames`]: the logs stream, framed or raw;
//! - [`answer`]: answers in the form the runner reads its CLI's, so that both paths give
//!   the same results and errors.

mod answer;
#[cfg(test)]
pub(crate) mod fake;
pub(crate) mod frames;
mod http;
mod requests;
mod socket;
#[cfg(test)]
mod tests;
mod version;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use hyper::Method;

pub(crate) use http::Failure;
pub(crate) use requests::{LogQuery, Verb};

use crate::ops::exec::Output;
use crate::ops::model::Runtime;
use version::Api;

/// Set to `0` to keep kstlib off the engines' sockets: every container call then goes
/// through the runtime's CLI, as when no socket answers.
pub const ENGINE_API_ENV: &str = "KSTLIB_ENGINE_API";

/// The APIs negotiated in this process, by runtime and socket.
fn known_apis() -> std::sync::MutexGuard<'static, HashMap<(Runtime, PathBuf), Api>> {
    static KNOWN: OnceLock<Mutex<HashMap<(Runtime, PathBuf), Api>>> = OnceLock::new();
    KNOWN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// One engine's API, reached over its unix socket.
#[derive(Debug)]
pub(crate) struct Engine {
    runtime: Runtime,
    socket: PathBuf,
    /// Negotiated at the first request, then kept.
    api: Mutex<Option<Api>>,
    /// Set when the socket did not answer: the CLI is used from then on.
    gone: AtomicBool,
    /// A shorter time limit for every request (tests of a hung engine).
    #[cfg(test)]
    cap: Option<Duration>,
}

impl Engine {
    /// The engine of `runtime`, if its CLI would talk to a local socket that exists; not
    /// connected yet. `None` when [`ENGINE_API_ENV`] is `0`.
    pub(crate) fn discover(runtime: Runtime) -> Option<Engine> {
        if std::env::var(ENGINE_API_ENV).is_ok_and(|value| value.trim() == "0") {
            return None;
        }
        socket::discover(runtime).map(|socket| Engine::at(runtime, socket))
    }

    /// Whether `runtime`'s CLI talks to an engine on this machine (a local unix socket
    /// that exists), whether or not kstlib uses its API.
    pub(crate) fn is_local(runtime: Runtime) -> bool {
        socket::discover(runtime).is_some()
    }

    /// The engine of `runtime` at `socket`.
    pub(crate) fn at(runtime: Runtime, socket: PathBuf) -> Engine {
        Engine {
            runtime,
            socket,
            api: Mutex::new(None),
            gone: AtomicBool::new(false),
            #[cfg(test)]
            cap: None,
        }
    }

    /// The same engine, giving up on any request after `cap`.
    #[cfg(test)]
    pub(crate) fn capped(mut self, cap: Duration) -> Engine {
        self.cap = Some(cap);
        self
    }

    /// `limit`, or the test's shorter cap.
    fn limit(&self, limit: Duration) -> Duration {
        #[cfg(test)]
        if let Some(cap) = self.cap {
            return limit.min(cap);
        }
        limit
    }

    /// The socket, for messages and `doctor`.
    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// Whether the socket was found not to answer: the CLI does the work.
    pub(crate) fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Relaxed)
    }

    /// Asks `/_ping` now, for `doctor`: the negotiated path prefix (`/v1.41`), or why the
    /// socket is not used.
    pub(crate) fn ping(&self, limit: Duration) -> Result<String, Failure> {
        self.api(limit).map(|api| api.prefix)
    }

    /// `verb` as its CLI would have answered it, within `limit`.
    pub(crate) fn call(&self, verb: &Verb<'_>, limit: Duration) -> Result<Output, Failure> {
        let limit = self.limit(limit);
        if let Verb::Logs(query) = verb
            && query.timestamps
            && self.runtime == Runtime::Podman
        {
            // Podman 4.3's API stamps lines to the second, its CLI to the nanosecond:
            // saved logs keep the CLI's times.
            return Err(Failure::Unreachable(io::Error::other(
                "the CLI stamps logs more precisely",
            )));
        }
        let (method, path) = verb.request(self.runtime);
        let reply = self.send(method, &path, limit)?;
        Ok(match verb {
            Verb::Inspect(_) => answer::inspect(self.runtime, reply),
            Verb::Logs(query) => answer::logs(self.runtime, reply, query.framed(self.runtime))
                .map_err(|err| Failure::Broken(err.to_string()))?,
            _ => answer::output(self.runtime, reply),
        })
    }

    /// Streams the logs of `query` (with `follow`) to `sink`, out of their frames, until
    /// the container ends or `sink` returns `false`; `Ok(Some(output))` when the engine
    /// refused, as the CLI would have answered.
    pub(crate) fn follow(
        &self,
        query: &LogQuery<'_>,
        limit: Duration,
        sink: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<Option<Output>, Failure> {
        let limit = self.limit(limit);
        let api = self.api(limit)?;
        let path = format!(
            "{}{}",
            api.prefix,
            Verb::Logs(*query).request(self.runtime).1
        );
        let mut decoder = frames::Frames::new(query.framed(self.runtime));
        let mut bad = None;
        let mut plain = Vec::new();
        let streamed = http::stream(&self.socket, &path, limit, &mut |bytes| {
            plain.clear();
            if let Err(err) = decoder.feed(bytes, &mut plain) {
                bad = Some(err);
                return false;
            }
            sink(&plain)
        })
        .map_err(|err| self.note(err))?;
        if let Some(err) = bad {
            return Err(Failure::Broken(err.to_string()));
        }
        Ok(match streamed {
            http::Streamed::Done => None,
            http::Streamed::Refused(reply) => Some(answer::output(self.runtime, reply)),
        })
    }

    fn send(&self, method: Method, path: &str, limit: Duration) -> Result<http::Reply, Failure> {
        let api = self.api(limit)?;
        http::send(
            &self.socket,
            method,
            &format!("{}{path}", api.prefix),
            limit,
        )
        .map_err(|err| self.note(err))
    }

    /// The negotiated API, asking `/_ping` the first time.
    fn api(&self, limit: Duration) -> Result<Api, Failure> {
        if self.is_gone() {
            return Err(Failure::Unreachable(io::Error::other(
                "did not answer before",
            )));
        }
        let mut api = self.api.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(api) = api.as_ref() {
            return Ok(api.clone());
        }
        // Another runner of this process (a lookup's, then the found session's) may have
        // negotiated with this socket already: one `/_ping` per engine and process.
        if let Some(known) = known_apis().get(&(self.runtime, self.socket.clone())) {
            *api = Some(known.clone());
            return Ok(known.clone());
        }
        let ping =
            http::send(&self.socket, Method::GET, "/_ping", limit).map_err(|err| self.note(err))?;
        let negotiated = ping
            .status
            .is_success()
            .then(|| version::negotiate(self.runtime, &ping.headers))
            .flatten()
            .ok_or_else(|| {
                self.note(Failure::Unreachable(io::Error::other(format!(
                    "not a {} engine API",
                    self.runtime
                ))))
            })?;
        tracing::debug!(
            "engine: {} speaks {}",
            self.socket.display(),
            negotiated.prefix
        );
        *api = Some(negotiated.clone());
        known_apis().insert((self.runtime, self.socket.clone()), negotiated.clone());
        Ok(negotiated)
    }

    /// Remembers that the socket does not answer, so that the CLI is asked from now on.
    fn note(&self, failure: Failure) -> Failure {
        if let Failure::Unreachable(err) = &failure {
            tracing::debug!(
                "engine: {} does not answer ({err}): using the {} CLI",
                self.socket.display(),
                self.runtime
            );
            self.gone.store(true, Ordering::Relaxed);
        }
        failure
    }
}
