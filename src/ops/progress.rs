//! What the library is waiting for, told to whoever listens: the hook behind the CLI's
//! spinner.
//!
//! Some verbs wait for seconds: a stop waits for the program to end after its stop signal
//! (up to `--timeout`), a container start waits for the runtime (which may pull the image),
//! every start watches the new program for a moment. The library never draws anything; it
//! announces each such wait with [`waiting`], which returns a guard that ends the wait when
//! it is dropped, and a [`Progress`] reporter set once with [`set_reporter`] decides what to
//! show (the `kstlib` binary shows a spinner on a terminal). Without a reporter, which is
//! the default, a wait costs one atomic load.
//!
//! The reporter is process-wide, as a `tracing` subscriber is: waits happen deep inside the
//! backends, on the threads of `up` and `down` too, where no argument could reach them
//! without changing every signature on the way.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//! use kstlib::ops::progress::{self, Progress, Wait, WaitId};
//!
//! #[derive(Default)]
//! struct Log(Mutex<Vec<String>>);
//!
//! impl Progress for Log {
//!     fn begin(&self, _id: WaitId, wait: &Wait) {
//!         self.0.lock().unwrap().push(format!("begin {}", wait.session()));
//!     }
//!     fn end(&self, _id: WaitId) {
//!         self.0.lock().unwrap().push("end".to_owned());
//!     }
//! }
//!
//! let log = Arc::new(Log::default());
//! progress::set_reporter(log.clone());
//! {
//!     let _wait = progress::waiting(|| Wait::Start {
//!         session: "astro".to_owned(),
//!         limit: Duration::from_millis(500),
//!     });
//! }
//! assert_eq!(*log.0.lock().unwrap(), ["begin astro", "end"]);
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::backend::StopOptions;
use super::model::Runtime;
use super::validate::SessionName;

/// One wait: what the library waits for, for which session, and for how long at most.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wait {
    /// The program to end after its stop signal was sent; killed after `limit`.
    Exit {
        /// The session.
        session: String,
        /// The signal sent (`SIGTERM`, `SIGKILL` for a forced stop, …).
        signal: String,
        /// How long at most, before the kill; `None` when the signal is already the kill.
        limit: Option<Duration>,
    },
    /// The container runtime to create and start a container, pulling its image first
    /// when it is not a local one.
    Create {
        /// The session.
        session: String,
        /// The image.
        image: String,
        /// The runtime.
        runtime: Runtime,
        /// How long at most.
        limit: Duration,
    },
    /// A program just started, watched for a moment to prove that it runs.
    Start {
        /// The session.
        session: String,
        /// How long.
        limit: Duration,
    },
}

impl Wait {
    /// The wait for the program of `session` to end after `signal`.
    pub(crate) fn exit(
        session: &SessionName,
        signal: impl std::fmt::Display,
        limit: Option<Duration>,
    ) -> Wait {
        Wait::Exit {
            session: session.to_string(),
            signal: signal.to_string(),
            limit,
        }
    }

    /// The wait of a stop as `options` ask: up to the timeout, or for the kill itself.
    pub(crate) fn stop(
        session: &SessionName,
        signal: impl std::fmt::Display,
        options: &StopOptions,
    ) -> Wait {
        Wait::exit(session, signal, options.graceful.then_some(options.timeout))
    }

    /// The wait for the runtime to create and start `session` from `image`.
    pub(crate) fn create(
        session: &SessionName,
        image: impl std::fmt::Display,
        runtime: Runtime,
        limit: Duration,
    ) -> Wait {
        Wait::Create {
            session: session.to_string(),
            image: image.to_string(),
            runtime,
            limit,
        }
    }

    /// The watch of a program just started.
    pub(crate) fn start(session: &SessionName, limit: Duration) -> Wait {
        Wait::Start {
            session: session.to_string(),
            limit,
        }
    }

    /// The session waited for.
    pub fn session(&self) -> &str {
        match self {
            Wait::Exit { session, .. }
            | Wait::Create { session, .. }
            | Wait::Start { session, .. } => session,
        }
    }

    /// How long the wait lasts at most, when there is a limit.
    pub fn limit(&self) -> Option<Duration> {
        match self {
            Wait::Exit { limit, .. } => *limit,
            Wait::Create { limit, .. } | Wait::Start { limit, .. } => Some(*limit),
        }
    }
}

/// Tells one wait from another: waits of `up` and `down` overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitId(u64);

/// Whoever shows waits. Calls come from any thread; `end` follows `begin` for each id.
pub trait Progress: Send + Sync {
    /// A wait begins.
    fn begin(&self, id: WaitId, wait: &Wait);
    /// The wait `id` is over, however it ended.
    fn end(&self, id: WaitId);
}

static REPORTER: OnceLock<Arc<dyn Progress>> = OnceLock::new();
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Sets the process's reporter, once; later calls are ignored (as `tracing`'s global
/// default). Returns whether this one was set.
pub fn set_reporter(reporter: Arc<dyn Progress>) -> bool {
    REPORTER.set(reporter).is_ok()
}

/// Announces a wait, built by `wait` only when someone listens; the wait ends when the
/// returned guard is dropped.
#[must_use = "the wait ends when the guard is dropped"]
pub fn waiting(wait: impl FnOnce() -> Wait) -> Waiting {
    let Some(reporter) = REPORTER.get() else {
        return Waiting(None);
    };
    let id = WaitId(NEXT_ID.fetch_add(1, Ordering::Relaxed));
    reporter.begin(id, &wait());
    Waiting(Some((id, Arc::clone(reporter))))
}

/// A wait in progress (see [`waiting`]); dropping it ends the wait.
#[must_use = "the wait ends when the guard is dropped"]
pub struct Waiting(Option<(WaitId, Arc<dyn Progress>)>);

impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Waiting")
            .field(&self.0.as_ref().map(|(id, _)| *id))
            .finish()
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some((id, reporter)) = self.0.take() {
            reporter.end(id);
        }
    }
}
