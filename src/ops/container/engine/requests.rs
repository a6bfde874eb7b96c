//! The requests behind the runner's verbs: method, path and query, for each engine.
//!
//! Docker is asked through its Engine API; Podman through its own (libpod) endpoints,
//! which are faster than its Docker-compatible ones and answer in the shapes of its CLI
//! (`podman ps --format json` is libpod's list).

use std::fmt::Write as _;

use hyper::Method;
use jiff::Timestamp;

use crate::ops::model::Runtime;

/// What the runner asks an engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verb<'a> {
    /// `container inspect NAME`.
    Inspect(&'a str),
    /// `ps -a`.
    List,
    /// `logs`: both streams; on Docker the last `tail` lines.
    Logs(LogQuery<'a>),
    /// `kill --signal SIGNAL NAME`.
    Kill {
        /// The container.
        name: &'a str,
        /// `SIGTERM`, …
        signal: &'a str,
    },
    /// `wait NAME`: answers when the container has stopped.
    Wait(&'a str),
    /// `start NAME`.
    Start(&'a str),
    /// `rm NAME`.
    Remove(&'a str),
    /// `unpause NAME`.
    Unpause(&'a str),
}

/// Which logs to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogQuery<'a> {
    /// The container's ID.
    pub(crate) id: &'a str,
    /// Whether it has a TTY (Docker then sends its output raw, not in frames).
    pub(crate) tty: bool,
    /// Only the last lines (Docker only: see `container::logs` for Podman's `--tail`).
    pub(crate) tail: Option<usize>,
    /// Only lines written since then.
    pub(crate) since: Option<Timestamp>,
    /// Each line stamped with the time the engine recorded it.
    pub(crate) timestamps: bool,
    /// Keep streaming new lines.
    pub(crate) follow: bool,
}

impl Verb<'_> {
    /// The method and path (after the version prefix) of the request.
    pub(crate) fn request(&self, runtime: Runtime) -> (Method, String) {
        let c = |name: &str| format!("/containers/{}", encode(name));
        match self {
            Verb::Inspect(name) => (Method::GET, format!("{}/json", c(name))),
            // Without `size`: computing sizes is what makes `docker ps` slow.
            Verb::List => (Method::GET, "/containers/json?all=true".to_owned()),
            Verb::Logs(query) => (Method::GET, query.path(runtime)),
            Verb::Kill { name, signal } => (
                Method::POST,
                format!("{}/kill?signal={}", c(name), encode(signal)),
            ),
            Verb::Wait(name) => (
                Method::POST,
                match runtime {
                    Runtime::Docker => format!("{}/wait?condition=not-running", c(name)),
                    Runtime::Podman => {
                        format!("{}/wait?condition=stopped&condition=exited", c(name))
                    }
                },
            ),
            Verb::Start(name) => (Method::POST, format!("{}/start", c(name))),
            Verb::Remove(name) => (Method::DELETE, c(name)),
            Verb::Unpause(name) => (Method::POST, format!("{}/unpause", c(name))),
        }
    }
}

impl LogQuery<'_> {
    fn path(&self, runtime: Runtime) -> String {
        let mut path = format!(
            "/containers/{}/logs?stdout=true&stderr=true",
            encode(self.id)
        );
        if self.follow {
            path.push_str("&follow=true");
        }
        if self.timestamps {
            path.push_str("&timestamps=true");
        }
        if let (Runtime::Docker, Some(tail)) = (runtime, self.tail) {
            let _ = write!(path, "&tail={tail}");
        }
        if let Some(since) = self.since {
            // Docker takes `SECONDS.NANOSECONDS` (its CLI turns `--since` into that);
            // Podman an RFC 3339 time, as its CLI passes it on.
            let since = match runtime {
                Runtime::Docker => format!(
                    "{}.{:09}",
                    since.as_second(),
                    since.subsec_nanosecond().max(0)
                ),
                Runtime::Podman => since.to_string(),
            };
            let _ = write!(path, "&since={}", encode(&since));
        }
        path
    }

    /// Whether the answer comes in frames: always on Podman, without a TTY on Docker.
    pub(crate) fn framed(&self, runtime: Runtime) -> bool {
        runtime == Runtime::Podman || !self.tty
    }
}

/// `text` for a path segment or query value: unreserved characters as they are, the rest
/// percent-encoded. (Names and IDs are validated already; this is the second lock.)
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_of_each_engine() {
        let docker = |verb: Verb<'_>| verb.request(Runtime::Docker).1;
        assert_eq!(docker(Verb::Inspect("web")), "/containers/web/json");
        assert_eq!(docker(Verb::List), "/containers/json?all=true");
        assert_eq!(
            docker(Verb::Kill {
                name: "web",
                signal: "SIGTERM"
            }),
            "/containers/web/kill?signal=SIGTERM"
        );
        assert_eq!(
            Verb::Remove("web").request(Runtime::Podman).0,
            Method::DELETE
        );
        assert_eq!(
            Verb::Wait("web").request(Runtime::Podman).1,
            "/containers/web/wait?condition=stopped&condition=exited"
        );
        assert_eq!(
            docker(Verb::Inspect("a/../b c")),
            "/containers/a%2F..%2Fb%20c/json"
        );
    }

    #[test]
    fn logs_ask_for_the_tail_on_docker_only_and_since_in_each_engines_form() {
        let since: Timestamp = "2026-12-02T06:24:39.5Z".parse().expect("a time");
        let query = LogQuery {
            id: "abc",
            tty: true,
            tail: Some(100),
            since: Some(since),
            timestamps: false,
            follow: true,
        };
        assert_eq!(
            query.path(Runtime::Docker),
            "/containers/abc/logs?stdout=true&stderr=true&follow=true&tail=100\
             &since=1796192679.500000000"
        );
        assert_eq!(
            query.path(Runtime::Podman),
            "/containers/abc/logs?stdout=true&stderr=true&follow=true\
             &since=2026-12-02T06%3A24%3A39.5Z"
        );
        assert!(!query.framed(Runtime::Docker));
        assert!(
            query.framed(Runtime::Podman),
            "libpod frames even a TTY's output"
        );
    }
}
