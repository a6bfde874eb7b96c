//! How long kstlib waits for things: every time limit and polling interval in one place.

use std::time::Duration;

/// How long `start` watches a new program before calling the start a success, unless
/// `start_grace` (or `ops.start_grace`) says otherwise.
///
/// A program that cannot start (a typo, a missing file, a crash on import) dies within a
/// few milliseconds to a few hundred; reporting that as a failed start, with its exit code
/// and output, is the point of watching.
pub const START_GRACE: Duration = Duration::from_millis(500);

/// How often a waiting loop looks at the program again.
pub const POLL: Duration = Duration::from_millis(20);

/// How long a stop waits for the program unless told otherwise (upstream's `--timeout 10`).
pub const DEFAULT_STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stop waits for a program to vanish after SIGKILL, which cannot be caught but
/// takes a moment to be delivered and reaped.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// How long a container stop waits for the engine to record an exit after a kill: the
/// kill is asynchronous, and removing a container that is still dying fails.
pub const ENGINE_EXIT_WAIT: Duration = Duration::from_secs(10);

/// How long a backend call may take unless the caller says otherwise.
///
/// tmux answers in milliseconds and the container CLIs in well under a second here; a call
/// that takes longer than this is a hung daemon, which must give an error, not a hang.
pub const DEFAULT_BACKEND_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a tmux call may take: tmux answers in milliseconds, so a server that takes
/// seconds is hung, and every lookup asks every server: one hung server must not cost
/// every `status` the full backend timeout.
pub const TMUX_TIMEOUT: Duration = Duration::from_secs(3);

/// The environment variable that overrides [`DEFAULT_BACKEND_TIMEOUT`] (in seconds).
pub const BACKEND_TIMEOUT_ENV: &str = "KSTLIB_BACKEND_TIMEOUT";

/// `run` may pull the image from a registry, which takes as long as the network makes it.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(600);

/// How often `logs --follow` on tmux captures the pane again.
pub const FOLLOW_POLL: Duration = Duration::from_millis(250);

/// The backend time limit: [`BACKEND_TIMEOUT_ENV`] if it holds a positive number of
/// seconds, else [`DEFAULT_BACKEND_TIMEOUT`].
pub fn backend_timeout() -> Duration {
    timeout_from_env().unwrap_or(DEFAULT_BACKEND_TIMEOUT)
}

/// The tmux time limit: [`TMUX_TIMEOUT`], or [`BACKEND_TIMEOUT_ENV`] when it is set.
pub fn tmux_timeout() -> Duration {
    timeout_from_env().unwrap_or(TMUX_TIMEOUT)
}

fn timeout_from_env() -> Option<Duration> {
    std::env::var(BACKEND_TIMEOUT_ENV)
        .ok()
        .and_then(|value| value.trim().parse::<f64>().ok())
        .filter(|secs| secs.is_finite() && *secs > 0.0)
        .map(Duration::from_secs_f64)
}
