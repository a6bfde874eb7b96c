//! How long kstlib waits for things: every time limit and polling interval in one place.

use std::time::Duration;

use crate::ops::validate::ValidationError;

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

/// The backend time limit: [`BACKEND_TIMEOUT_ENV`] if it holds a valid number of seconds
/// (see [`timeout_from_env`]), else [`DEFAULT_BACKEND_TIMEOUT`].
pub fn backend_timeout() -> Duration {
    timeout_from_env()
        .ok()
        .flatten()
        .unwrap_or(DEFAULT_BACKEND_TIMEOUT)
}

/// The tmux time limit: [`TMUX_TIMEOUT`], or [`BACKEND_TIMEOUT_ENV`] when it is set.
pub fn tmux_timeout() -> Duration {
    timeout_from_env().ok().flatten().unwrap_or(TMUX_TIMEOUT)
}

/// [`BACKEND_TIMEOUT_ENV`] as a time limit: `None` when it is unset, an error naming the
/// variable when it holds anything but a number of seconds above 0 and at most a day.
///
/// The CLI asks this first and refuses a bad value (exit 3): ignored, `5s` would silently
/// mean 30 s, and `1e300` overflowed `Duration` (a panic in the thread asking a tmux
/// server). The time limits above fall back to their defaults instead of failing, so that
/// a library caller that did not check gets a bounded wait, never a panic.
pub fn timeout_from_env() -> Result<Option<Duration>, ValidationError> {
    parse_timeout(std::env::var_os(BACKEND_TIMEOUT_ENV).as_deref())
}

/// [`timeout_from_env`] on the variable's value, `None` when unset.
fn parse_timeout(value: Option<&std::ffi::OsStr>) -> Result<Option<Duration>, ValidationError> {
    let Some(text) = value else {
        return Ok(None);
    };
    let text = text.to_string_lossy();
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= MIN_BACKEND_TIMEOUT_SECS)
        .filter(|secs| *secs <= MAX_BACKEND_TIMEOUT_SECS)
        .map(|secs| Some(Duration::from_secs_f64(secs)))
        .ok_or_else(|| {
            ValidationError::new(
                BACKEND_TIMEOUT_ENV,
                text.as_ref(),
                format!(
                    "expected a number of seconds from {MIN_BACKEND_TIMEOUT_SECS} to \
                     {MAX_BACKEND_TIMEOUT_SECS}, e.g. 30"
                ),
            )
        })
}

/// The shortest backend time limit [`BACKEND_TIMEOUT_ENV`] may ask for: a millisecond
/// (`1e-12` would be no time at all, every call timing out).
const MIN_BACKEND_TIMEOUT_SECS: f64 = 0.001;

/// The longest backend time limit [`BACKEND_TIMEOUT_ENV`] may ask for: a day, as for
/// `--timeout`; longer is no limit at all.
const MAX_BACKEND_TIMEOUT_SECS: f64 = 86_400.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_variable_is_a_positive_number_of_seconds_up_to_a_day() {
        let parse = |text: &str| parse_timeout(Some(std::ffi::OsStr::new(text)));
        assert_eq!(
            parse("2.5").ok().flatten(),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(
            parse(" 86400 ").ok().flatten(),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(parse_timeout(None).ok(), Some(None));
        // 1e300 overflowed `Duration::from_secs_f64`, a panic.
        for bad in [
            "1e300", "1e20", "abc", "5s", "-1", "0", "", "NaN", "inf", "86401", "1e-12",
        ] {
            let err = parse(bad).expect_err(bad);
            assert!(
                err.to_string()
                    .starts_with("invalid KSTLIB_BACKEND_TIMEOUT '"),
                "{err}"
            );
        }
    }
}
