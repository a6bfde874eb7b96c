//! tmux 3.3a's recorded answers through the real [`TmuxRunner`], verb by verb.

use std::sync::Arc;

use super::recordings::*;
use super::{Recording, Replay, failure, name, no_log_files, session};
use crate::cli::exit;
use crate::ops::backend::{LogOptions, Removal, SessionBackend, StopOptions};
use crate::ops::error::{Error, Result};
use crate::ops::model::{BackendType, SessionState, StopMethod, TmuxSocket};
use crate::ops::validate::{Command, SessionName};
use crate::ops::{SessionOptions, TmuxRunner};

/// A runner for the server `-L socket`, answering through `replay`.
/// A runner on the replay, without log files: the recordings are tmux's answers alone.
fn runner(socket: &str, replay: &Arc<Replay>) -> TmuxRunner {
    let socket = TmuxSocket::new(Some(socket), None).expect("a valid socket name");
    TmuxRunner::with_executor("tmux", socket, replay.clone()).with_logs(no_log_files())
}

/// The verbs that begin by listing the server's sessions, to find the one named.
type Verb = fn(&dyn SessionBackend, &SessionName) -> Result<()>;
const VERBS_THAT_LIST_FIRST: [(&str, Verb); 4] = [
    ("status", |b, n| b.status(n).map(drop)),
    ("stop", |b, n| b.stop(n, &StopOptions::default()).map(drop)),
    ("attach", |b, n| b.attach(n)),
    ("send-keys", |b, n| b.send_keys(n, "echo hi", true)),
];

/// The two ways tmux says there is no server: no socket at all (ENOENT), and a socket whose
/// server is gone (ECONNREFUSED).
const NO_SERVER: [(&str, &Recording); 2] = [
    ("replay-nosuch", &TMUX_NO_SERVER_LIST),
    ("replay-stale", &TMUX_STALE_LIST),
];

#[test]
fn no_server_lists_nothing() {
    for (socket, answer) in NO_SERVER {
        let replay = Replay::new()
            .then("tmux", &["-L", socket, "-u", "list-sessions"], answer)
            .shared();
        let sessions = runner(socket, &replay)
            .list_sessions()
            .expect("no sessions");
        assert!(sessions.is_empty(), "{socket}: {sessions:?}");
    }
}

#[test]
fn no_server_is_session_not_found_for_every_verb() {
    for (socket, answer) in NO_SERVER {
        for (verb, call) in VERBS_THAT_LIST_FIRST {
            let replay = Replay::new()
                .then("tmux", &["-L", socket, "-u", "list-sessions"], answer)
                .shared();
            let err = failure(
                call(&runner(socket, &replay), &name("replay-web")),
                "tmux session 'replay-web' not found",
                exit::NOT_FOUND,
            );
            assert!(
                matches!(
                    err,
                    Error::SessionNotFound {
                        backend: Some(BackendType::Tmux),
                        ..
                    }
                ),
                "{socket} {verb}: {err:?}"
            );
        }
    }
}

#[test]
fn no_server_logs_are_session_not_found() {
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-nosuch", "-u", "list-sessions"],
            &TMUX_NO_SERVER_LIST,
        )
        .shared();
    let err = failure(
        runner("replay-nosuch", &replay).logs(&name("replay-web"), &LogOptions::default()),
        "tmux session 'replay-web' not found",
        exit::NOT_FOUND,
    );
    assert!(matches!(err, Error::SessionNotFound { .. }), "{err:?}");
    // The server exits between the listing and the capture: still not found.
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "capture-pane"],
            &TMUX_NO_SERVER_CAPTURE,
        )
        .shared();
    let logs = runner("replay-live", &replay).logs(&name("replay-dup"), &LogOptions::default());
    failure(logs, "tmux session 'replay-dup' not found", exit::NOT_FOUND);
}

#[test]
fn missing_session_on_a_live_server_is_session_not_found() {
    for (verb, call) in VERBS_THAT_LIST_FIRST {
        let replay = Replay::new()
            .then(
                "tmux",
                &["-L", "replay-live", "-u", "list-sessions"],
                &TMUX_LIVE_LIST,
            )
            .shared();
        let err = failure(
            call(&runner("replay-live", &replay), &name("replay-web")),
            "tmux session 'replay-web' not found",
            exit::NOT_FOUND,
        );
        assert!(
            matches!(err, Error::SessionNotFound { .. }),
            "{verb}: {err:?}"
        );
    }
    // The session ends between the listing and the capture: "can't find session".
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "capture-pane"],
            &TMUX_MISSING_CAPTURE,
        )
        .shared();
    let err = failure(
        runner("replay-live", &replay).logs(&name("replay-dup"), &LogOptions::default()),
        "tmux session 'replay-dup' not found",
        exit::NOT_FOUND,
    );
    assert!(matches!(err, Error::SessionNotFound { .. }), "{err:?}");
}

#[test]
fn live_sessions_are_listed_as_running_and_foreign() {
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_LIVE_LIST,
        )
        .shared();
    let sessions = runner("replay-live", &replay)
        .list_sessions()
        .expect("sessions");
    let rows: Vec<_> = sessions
        .iter()
        .map(|s| (s.name.as_str(), s.state))
        .collect();
    assert_eq!(rows, [("replay-other", SessionState::Running)]);
}

fn dup_config() -> crate::ops::SessionConfig {
    session(
        "replay-dup",
        BackendType::Tmux,
        SessionOptions::default().command("sleep 600"),
    )
}

#[test]
fn duplicate_session_at_new_session_is_session_exists() {
    // The name was free when kstlib looked, and taken when tmux created it (a race).
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_LIVE_LIST,
        )
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "new-session", "-d"],
            &TMUX_DUPLICATE_NEW_SESSION,
        )
        .shared();
    let err = failure(
        runner("replay-live", &replay).start(&dup_config()),
        "tmux -L replay-live session 'replay-dup' already exists",
        exit::FAILED,
    );
    assert!(matches!(err, Error::SessionExists { .. }), "{err:?}");
}

#[test]
fn a_running_session_of_that_name_is_session_exists_before_new_session() {
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .shared();
    let err = failure(
        runner("replay-live", &replay).start(&dup_config()),
        "tmux -L replay-live session 'replay-dup' already exists",
        exit::FAILED,
    );
    assert!(matches!(err, Error::SessionExists { .. }), "{err:?}");
}

#[test]
fn a_dead_pane_is_exited_with_its_code_and_its_output() {
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .shared();
    let tmux = runner("replay-live", &replay);
    let status = tmux.status(&name("replay-dead")).expect("status");
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "capture-pane"],
            &TMUX_DEAD_CAPTURE,
        )
        .shared();
    let tmux = runner("replay-live", &replay);
    assert_eq!(
        (status.state, status.exit_code, status.pid),
        (SessionState::Exited, Some(3), None)
    );
    // tmux's own "Pane is dead (status 3, …)" line is not the program's output.
    let logs = tmux.logs(&name("replay-dead"), &LogOptions::default());
    assert_eq!(logs.expect("logs"), "bye\n");
}

#[test]
fn attach_to_a_dead_pane_is_not_running() {
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "capture-pane"],
            &TMUX_DEAD_CAPTURE,
        )
        .shared();
    let err = failure(
        runner("replay-live", &replay).attach(&name("replay-dead")),
        "tmux session 'replay-dead' is not running (exit code 3)",
        exit::FAILED,
    );
    assert!(matches!(err, Error::NotRunning { .. }), "{err:?}");
    assert_eq!(err.output(), ["bye"], "its last lines come with it");
}

#[test]
fn stop_of_a_dead_pane_whose_session_vanished_meanwhile_succeeds() {
    // "can't find session" from kill-session: it is gone already, which is what stop wants.
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .then(
            "tmux",
            &[
                "-L",
                "replay-live",
                "-u",
                "kill-session",
                "-t",
                "=replay-dead",
            ],
            &TMUX_MISSING_KILL,
        )
        .shared();
    let options = StopOptions {
        removal: Removal::Auto,
        ..StopOptions::default()
    };
    let report = runner("replay-live", &replay)
        .stop(&name("replay-dead"), &options)
        .expect("stopped");
    assert_eq!(
        (report.method, report.exit_code, report.removed),
        (StopMethod::AlreadyExited, Some(3), true)
    );
}

#[test]
fn tmux_missing_is_tmux_not_found_for_every_verb() {
    for (verb, call) in VERBS_THAT_LIST_FIRST {
        let replay = Replay::new()
            .then_missing("tmux", &["-L", "replay-live", "-u", "list-sessions"])
            .shared();
        let err = failure(
            call(&runner("replay-live", &replay), &name("replay-web")),
            "tmux binary 'tmux' not found in PATH",
            exit::UNAVAILABLE,
        );
        assert!(matches!(err, Error::TmuxNotFound { .. }), "{verb}: {err:?}");
    }
}

#[test]
fn a_hung_server_is_unavailable() {
    let replay = Replay::new()
        .then_hung("tmux", &["-L", "replay-live", "-u", "list-sessions"])
        .shared();
    let err = runner("replay-live", &replay)
        .list_sessions()
        .expect_err("hung");
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert_eq!(exit::code(err.kind()), exit::UNAVAILABLE);
    let message = err.to_string();
    assert!(
        message.starts_with(
            "tmux -L replay-live cannot be used: `tmux -L replay-live -u list-sessions -F "
        ) && message.contains("` did not answer within "),
        "{message}"
    );
}

#[test]
fn exec_is_unsupported_on_tmux_and_runs_nothing() {
    let replay = Replay::new().shared();
    let command = Command::parse("echo hi").expect("a valid command");
    let err = failure(
        runner("replay-live", &replay).exec(&name("replay-web"), &command),
        "exec needs a container session; 'replay-web' is a tmux session",
        exit::INVALID,
    );
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}

/// A tmux server whose socket refuses this user (root's, reached as `nobody`).
const DENIED_SOCKET: &str = "/tmp/replay-rec/tmux/root.sock";
const DENIED: &str = "tmux -S /tmp/replay-rec/tmux/root.sock cannot be used: error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)";

fn denied_server(replay: &Arc<Replay>) -> TmuxRunner {
    let socket = TmuxSocket::new(None, Some(DENIED_SOCKET)).expect("a valid socket path");
    TmuxRunner::with_executor("tmux", socket, replay.clone()).with_logs(no_log_files())
}

#[test]
fn permission_denied_on_the_server_socket_is_unavailable_not_no_session() {
    // "error connecting to" meant "no server" for every reason once: a server that refuses
    // this user made `status` say not found, `list` say nothing and `start` fail.
    let list = || {
        Replay::new()
            .then(
                "tmux",
                &["-S", DENIED_SOCKET, "-u", "list-sessions"],
                &TMUX_DENIED_LIST,
            )
            .shared()
    };
    let replay = list();
    let err = failure(
        denied_server(&replay).status(&name("replay-web")),
        DENIED,
        exit::UNAVAILABLE,
    );
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    let replay = list();
    failure(
        denied_server(&replay).list_sessions(),
        DENIED,
        exit::UNAVAILABLE,
    );
    let replay = list();
    let logs = denied_server(&replay).logs(&name("replay-web"), &LogOptions::default());
    failure(logs, DENIED, exit::UNAVAILABLE);
    // Refused between the listing and the capture (the socket's mode changed): the same.
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "capture-pane"],
            &TMUX_DENIED_CAPTURE,
        )
        .shared();
    let logs = runner("replay-live", &replay).logs(&name("replay-dup"), &LogOptions::default());
    let err = logs.expect_err("refused");
    assert_eq!(
        crate::cli::exit::code(err.kind()),
        exit::UNAVAILABLE,
        "{err:?}"
    );
}

#[test]
fn a_socket_directory_that_is_not_ours_is_unavailable() {
    let replay = Replay::new()
        .then("tmux", &["-u", "list-sessions"], &TMUX_DENIED_DIR_LIST)
        .shared();
    let runner = TmuxRunner::with_executor("tmux", TmuxSocket::Default, replay.clone())
        .with_logs(no_log_files());
    failure(
        runner.status(&name("replay-web")),
        "tmux cannot be used: directory /tmp/tmux-65534 has unsafe permissions",
        exit::UNAVAILABLE,
    );
}

#[test]
fn send_keys_to_a_dead_pane_is_not_running_not_lost() {
    // tmux takes the keys without a word (exit 0) and nothing reads them.
    let _ = &TMUX_DEAD_SEND_KEYS;
    let replay = Replay::new()
        .then(
            "tmux",
            &["-L", "replay-live", "-u", "list-sessions"],
            &TMUX_DEAD_LIST,
        )
        .shared();
    let err = failure(
        runner("replay-live", &replay).send_keys(&name("replay-dead"), "echo hi", true),
        "tmux session 'replay-dead' is not running (exit code 3)",
        exit::FAILED,
    );
    assert!(matches!(err, Error::NotRunning { .. }), "{err:?}");
}
