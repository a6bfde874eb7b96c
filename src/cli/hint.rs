//! What to do after an error: the sentences that name `kstlib` commands live here, not in
//! the library, which only states what went wrong (jj's `Hint:` lines).

use crate::ops::{Error, Operation};

/// A short suggestion of what to do next, shown after the error.
pub(crate) fn hint(err: &Error) -> Option<String> {
    match err {
        Error::SessionExists { name, .. } => Some(format!(
            "stop it first with `kstlib ops stop {name}`, or attach with `kstlib ops attach {name}`"
        )),
        Error::SessionNotFound { .. } => {
            Some("`kstlib ops list` shows the sessions that exist".to_owned())
        }
        Error::NotRunning { name, .. } => {
            Some(format!("`kstlib ops logs {name}` shows its last output"))
        }
        Error::SessionAmbiguous { places, .. } if places.iter().any(|p| p.contains(" on ")) => {
            Some("choose one with --host (`--host local`: this machine), --backend, --runtime or --socket".to_owned())
        }
        Error::SessionAmbiguous { .. } => {
            Some("choose one with --backend, --runtime or --socket".to_owned())
        }
        Error::Unavailable { what, reason } if what.starts_with("host '") && reason.line.contains("not installed there") => Some(
            "install it on that host, or name another program with the host's `tmux_binary` \
             or `container_runtime` in ops.hosts"
                .to_owned(),
        ),
        Error::Unavailable { what, .. } if what.starts_with("host '") => Some(
            "check that `ssh` reaches it as this user, without a prompt (keys, agent, \
             ~/.ssh/config); kstlib runs ssh with BatchMode=yes"
                .to_owned(),
        ),
        Error::Unsupported {
            operation: Operation::SendKeys,
            name,
            ..
        } => Some(format!(
            "a container's program reads what you type in `kstlib ops attach {name}`"
        )),
        Error::Unsupported {
            operation: Operation::Exec,
            name,
            ..
        } => Some(format!(
            "type into a tmux session with `kstlib ops send-keys {name} …` or `kstlib ops attach {name}`"
        )),
        Error::NoLogTimes { name } => Some(format!(
            "kstlib keeps log files of the sessions it starts; `kstlib ops logs {name}` shows its screen"
        )),
        Error::TmuxNotFound { .. } => Some(
            "install tmux (apt-get install tmux, brew install tmux) or set ops.tmux_binary"
                .to_owned(),
        ),
        Error::ContainerRuntimeNotFound { .. } => Some(
            "install podman or docker (apt-get install podman), or set ops.container_runtime"
                .to_owned(),
        ),
        Error::Unavailable { .. } | Error::Unreadable { .. } => {
            Some("`kstlib ops doctor` checks every backend and says what to do".to_owned())
        }
        _ => None,
    }
}

/// What to run about a `doctor` check, when it is a kstlib command (the library's hints
/// say what to do to the backends themselves).
pub(crate) fn doctor(check: &crate::ops::doctor::Check) -> Option<String> {
    use crate::ops::doctor::Component;
    (check.name == Component::Config && check.health.is_problem())
        .then(|| "`kstlib ops list` shows each error with its context".to_owned())
}
