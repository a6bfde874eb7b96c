//! How kstlib names things to tmux, and how it reads tmux's complaints.

use crate::ops::error::Error;
use crate::ops::model::BackendType;
use crate::ops::validate::SessionName;

pub(super) use crate::ops::text::is_blank;

/// `=NAME`: the `=` makes tmux match the name exactly instead of by prefix or pattern.
pub(super) fn session_target(name: &SessionName) -> String {
    format!("={name}")
}

/// `=NAME:`: window and pane commands need the trailing colon for `=` to apply to the
/// session part of the target.
pub(super) fn pane_target(name: &SessionName) -> String {
    format!("={name}:")
}

/// tmux splits its argv into commands at any argument that ends with `;`; a `\;` ending
/// stands for a literal `;` (so `find . -exec rm {} ;` keeps its `;`).
pub(super) fn escape_semicolon(arg: &str) -> String {
    match arg.strip_suffix(';') {
        Some(rest) => format!("{rest}\\;"),
        None => arg.to_owned(),
    }
}

/// tmux's ways of saying there is no server: none was running (no socket: `error
/// connecting to … (No such file or directory)`), its socket is dead, or it was shutting
/// down (its last session just ended) while we asked.
pub(crate) fn no_server(stderr: &str) -> bool {
    [
        "no server running",
        "(No such file or directory)",
        "(Connection refused)",
        "server exited unexpectedly",
        "lost server",
    ]
    .iter()
    .any(|words| stderr.contains(words))
}

/// tmux's ways of saying there is a server, or may be, that it cannot reach: its socket
/// refuses this user (`error connecting to … (Permission denied)`), or the socket
/// directory is not this user's. Not "no session": what runs there is unknown.
pub(crate) fn unreachable(stderr: &str) -> bool {
    (stderr.contains("error connecting to") && !no_server(stderr))
        || stderr.contains("has unsafe permissions")
}

/// tmux's ways of saying the session is not there (any more): asked for by name, or the
/// current target of a command chained to one that just ended it (a stop racing another).
pub(crate) fn missing_session(stderr: &str) -> bool {
    stderr.contains("can't find session")
        || stderr.contains("session not found")
        || stderr.contains("no current target")
}

pub(super) fn not_found(name: &SessionName) -> Error {
    Error::SessionNotFound {
        name: name.to_string(),
        backend: Some(BackendType::Tmux),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_is_told_apart() {
        let missing = "error connecting to /tmp/tmux-0/x (No such file or directory)";
        let denied = "error connecting to /tmp/s (Permission denied)";
        assert!(no_server(missing) && !unreachable(missing));
        assert!(!no_server(denied) && unreachable(denied));
        assert!(unreachable(
            "directory /tmp/tmux-65534 has unsafe permissions"
        ));
        assert!(no_server("no server running on /tmp/tmux-0/stale"));
        assert!(missing_session("can't find session: x") && missing_session("no current target"));
    }

    #[test]
    fn targets_are_exact() {
        let name = SessionName::new("bot").expect("valid");
        assert_eq!(session_target(&name), "=bot");
        assert_eq!(pane_target(&name), "=bot:");
    }

    #[test]
    fn arguments_ending_in_a_semicolon_are_escaped_for_tmux() {
        assert_eq!(escape_semicolon(";"), "\\;");
        assert_eq!(escape_semicolon("a;"), "a\\;");
        assert_eq!(escape_semicolon("b\\;"), "b\\\\;");
        assert_eq!(escape_semicolon("a;b"), "a;b");
    }
}
