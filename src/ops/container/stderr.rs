//! How the runtimes' complaints on stderr are read.

use crate::ops::error::Reason;

/// What the runtime said on stderr, as the reason of an error.
pub(super) fn said(stderr: &str) -> Reason {
    Reason::stderr(stderr, "the runtime")
}

/// The runtime's real complaint as the summary, the rest kept: Docker ends its errors with
/// "See 'docker run --help'." and Podman prefixes them with warnings.
pub(crate) fn complaint(stderr: &str) -> Reason {
    let line = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.contains("--help"))
        .find(|line| line.contains("rror"))
        .or_else(|| stderr.lines().map(str::trim).rfind(|line| !line.is_empty()))
        .unwrap_or("");
    Reason::picked(stderr, line, "the runtime")
}

/// The runtime cannot work at all: its engine does not answer, or (Podman) its own
/// configuration cannot be read. Nothing the session asked for is at fault.
pub(crate) fn unavailable(stderr: &str) -> bool {
    stderr.contains("Cannot connect to the Docker daemon")
        || stderr.contains("Cannot connect to Podman")
        || stderr.contains("permission denied while trying to connect")
        || stderr.contains("Is the docker daemon running")
        || stderr.contains("reading system config")
        || stderr.contains("decode configuration")
        || stderr.contains("creating runtime static files directory")
}

/// Another container holds the name (a start racing ours). Not any "already in use": a
/// published port that is taken ends in "bind: address already in use", and that container
/// was created by this `run` and must be removed, not reported as an existing session.
pub(crate) fn name_in_use(stderr: &str) -> bool {
    // Docker: `The container name "/web" is already in use by container "…"`;
    // Podman: `the container name "web" is already in use by …`.
    let stderr = stderr.to_ascii_lowercase();
    stderr.contains("container name") && stderr.contains("is already in use by")
}

/// No container of that name. An ID prefix that several containers share (Podman's "more
/// than one result for container ID", Docker's "Multiple IDs found with provided prefix")
/// is one too: both engines take an exact name before an ID prefix.
pub(crate) fn is_missing(stderr: &str) -> bool {
    let stderr = stderr.to_ascii_lowercase();
    stderr.contains("no such container")
        || stderr.contains("no container with name or id")
        || stderr.contains("more than one result for container id")
        || stderr.contains("multiple ids found with provided prefix")
}

/// Another `rm` of the same container is under way (two `down`s racing).
pub(crate) fn removal_in_progress(stderr: &str) -> bool {
    stderr.contains("already in progress") || stderr.contains("is being removed")
}

/// The container has exited already: Docker's `is not running`, Podman's `can only kill
/// running containers` and, for one that a racing stop has just ended, `container not
/// running` / `container state improper`.
pub(crate) fn not_running(stderr: &str) -> bool {
    [
        "is not running",
        "can only kill running containers",
        "container not running",
        "container state improper",
    ]
    .iter()
    .any(|words| stderr.contains(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_complaint_is_picked_from_run_errors() {
        let stderr = "Unable to find image 'x:1' locally\ndocker: Error response from daemon: \
                      No such image: x:1.\nSee 'docker run --help'.";
        let reason = complaint(stderr);
        assert_eq!(
            reason.line,
            "docker: Error response from daemon: No such image: x:1."
        );
        assert_eq!(
            reason.more,
            [
                "Unable to find image 'x:1' locally",
                "See 'docker run --help'."
            ]
        );
    }

    #[test]
    fn a_taken_port_is_not_a_taken_name() {
        for taken_name in [
            "docker: Error response from daemon: Conflict. The container name \"/web\" is \
             already in use by container \"5ba0\". You have to remove (or rename) that container",
            "Error: creating container storage: the container name \"web\" is already in use \
             by 1a1c. You have to remove that container to be able to reuse that name",
        ] {
            assert!(name_in_use(taken_name), "{taken_name}");
        }
        for taken_port in [
            "docker: Error response from daemon: driver failed programming external \
             connectivity on endpoint web (9d10): Error starting userland proxy: listen tcp4 \
             127.0.0.1:18777: bind: address already in use",
            "Error: cannot listen on the TCP port: listen tcp4 127.0.0.1:18777: bind: address \
             already in use",
        ] {
            assert!(!name_in_use(taken_port), "{taken_port}");
        }
    }
}
