//! What Docker's CLIs 20.10 and 28.2, Podman 4.3.1 and tmux 3.3a really answered, recorded on
//! a machine of the project's kind (Debian 12, root, Debian's Docker engine 20.10) by a
//! throw-away script, which ran each command below with stdin from `/dev/null`, as
//! [`SystemExecutor`](crate::ops::exec::SystemExecutor) does, and kept its exit code,
//! stdout and stderr byte for byte. Large stdouts are the files in `recordings/`.
//!
//! How the situations were made:
//! - engine down: the CLI pointed at a socket that does not exist (`DOCKER_HOST`, and
//!   `CONTAINER_HOST`, which makes Podman a client of a Podman API service);
//! - permission denied: run as user `nobody` (`as_nobody` stands for
//!   `setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=… XDG_RUNTIME_DIR=…`):
//!   Docker's socket is `root:docker 0660`; Podman's is root's `podman system service`
//!   socket, `chmod 000`; tmux's is a server of root's (root itself is never refused);
//! - name in use: `run`/`new-session` twice with the same name; port in use: a port held by
//!   a Python listener, and one held by another container of the same runtime;
//! - not running: a container whose program exited with 3 (`sh -c 'exit 3'`), a tmux pane
//!   that did the same under `remain-on-exit`;
//! - no tmux server: a socket name nobody started (tmux says "error connecting to … (No
//!   such file or directory)") and a socket left behind by a server killed with SIGKILL
//!   ("no server running on …").
//!
//! Names carry the CLI (`replay-docker20-web`): both Docker CLIs share one engine.
//! To record again, on such a machine, run the same commands and paste their answers.

use super::Recording;

// tmux 3.3a.

/// tmux 3.3a, no server (no socket file): `list-sessions`.
///
/// ```text
/// tmux -L replay-nosuch list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}'
/// ```
pub(super) const TMUX_NO_SERVER_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/tmux-0/replay-nosuch (No such file or directory)\n",
};

/// tmux 3.3a, no server (no socket file): `capture-pane`.
///
/// ```text
/// tmux -L replay-nosuch capture-pane -p -J -S - -E - -t =replay-web:
/// ```
pub(super) const TMUX_NO_SERVER_CAPTURE: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/tmux-0/replay-nosuch (No such file or directory)\n",
};

/// tmux 3.3a, no server (a socket left by a server killed with SIGKILL): `list-sessions`.
///
/// ```text
/// tmux -L replay-stale list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}'
/// ```
pub(super) const TMUX_STALE_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"no server running on /tmp/tmux-0/replay-stale\n",
};

/// tmux 3.3a, a live server with one session, `replay-other`: `list-sessions`.
///
/// ```text
/// tmux -L replay-live list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}'
/// ```
/// (pane PIDs replaced by 99999999, a PID no process can have: tests look at /proc.)
pub(super) const TMUX_LIVE_LIST: Recording = Recording {
    code: Some(0),
    stdout: b"99999999\t0\t\t\t1796188528\t1\t\t\treplay-other\n",
    stderr: b"",
};

/// tmux 3.3a, missing session on a live server: `capture-pane`.
///
/// ```text
/// tmux -L replay-live capture-pane -p -J -S - -E - -t =replay-web:
/// ```
pub(super) const TMUX_MISSING_CAPTURE: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"can't find session: replay-web\n",
};

/// tmux 3.3a, missing session on a live server: `kill-session`.
///
/// ```text
/// tmux -L replay-live kill-session -t =replay-web
/// ```
pub(super) const TMUX_MISSING_KILL: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"can't find session: replay-web\n",
};

/// tmux 3.3a, name in use: the second `new-session -s replay-dup`.
///
/// ```text
/// tmux -L replay-live new-session -d -P -F \#\{pane_pid\} -s replay-dup -- sleep 600
/// ```
pub(super) const TMUX_DUPLICATE_NEW_SESSION: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"duplicate session: replay-dup\n",
};

/// tmux 3.3a, `list-sessions` with `replay-dead`, whose program exited with 3 (remain-on-exit).
///
/// ```text
/// tmux -L replay-live list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}'
/// ```
/// (pane PIDs replaced by 99999999, a PID no process can have: tests look at /proc.)
pub(super) const TMUX_DEAD_LIST: Recording = Recording {
    code: Some(0),
    stdout: b"99999999\t1\t3\t\t1796188528\t1\t\t\treplay-dead\n99999999\t0\t\t\t1796188528\t1\t\t\treplay-dup\n99999999\t0\t\t\t1796188528\t1\t\t\treplay-other\n",
    stderr: b"",
};

/// tmux 3.3a, not running: `capture-pane` of that dead pane.
///
/// ```text
/// tmux -L replay-live capture-pane -p -J -S - -E - -t =replay-dead:
/// ```
pub(super) const TMUX_DEAD_CAPTURE: Recording = Recording {
    code: Some(0),
    stdout: b"bye\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nPane is dead (status 3, Wed Dec  2 05:15:28 2026)\n",
    stderr: b"",
};

// Answers that kstlib maps to the wrong error today; kept for the tests that come with
// the fix in the runners (until then nothing reads them).

/// tmux 3.3a, permission denied on the server's socket: `list-sessions`.
///
/// ```text
/// as_nobody tmux -S /tmp/replay-rec/tmux/root.sock list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}'
/// ```
#[allow(dead_code)]
pub(super) const TMUX_DENIED_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)\n",
};

/// tmux 3.3a, permission denied on the server's socket: `capture-pane`.
///
/// ```text
/// as_nobody tmux -S /tmp/replay-rec/tmux/root.sock capture-pane -p -J -S - -E - -t =replay-web:
/// ```
#[allow(dead_code)]
pub(super) const TMUX_DENIED_CAPTURE: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)\n",
};

/// tmux 3.3a, permission denied on the server's socket: `new-session`.
///
/// ```text
/// as_nobody tmux -S /tmp/replay-rec/tmux/root.sock new-session -d -P -F \#\{pane_pid\} -s replay-new -- sleep 600
/// ```
#[allow(dead_code)]
pub(super) const TMUX_DENIED_NEW_SESSION: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)\n",
};

/// tmux 3.3a, the socket directory is not the user's: `list-sessions`.
///
/// ```text
/// as_nobody tmux list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}'
/// ```
#[allow(dead_code)]
pub(super) const TMUX_DENIED_DIR_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"directory /tmp/tmux-65534 has unsafe permissions\n",
};

/// tmux 3.3a, not running: `send-keys` into a dead pane (tmux says nothing).
///
/// ```text
/// tmux -L replay-live send-keys -t =replay-dead: echo Enter
/// ```
#[allow(dead_code)]
pub(super) const TMUX_DEAD_SEND_KEYS: Recording = Recording {
    code: Some(0),
    stdout: b"",
    stderr: b"",
};
