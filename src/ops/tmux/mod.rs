//! The tmux backend: one detached tmux session per kstlib session.
//!
//! What upstream got wrong and this file gets right (reference §5, §11):
//! - every target is exact: `-t =NAME` for session commands and `-t =NAME:` for window and
//!   pane commands; a bare `-t bot` would match `botprod` by prefix;
//! - `remain-on-exit` is set in the same tmux invocation as `new-session`, so a program that
//!   ends leaves its session behind in state `exited` with its exit code and its screen;
//! - the PID reported is the program's (`pane_pid`), not the tmux server's (`pid`);
//! - `stop` is a ladder: the stop signal, a wait of up to the timeout, then SIGKILL to the
//!   program's process group (tmux's `kill-session` only sends SIGHUP, which a program may
//!   ignore and outlive);
//! - the argv is handed to tmux as separate arguments, so no shell ever sees it;
//! - the pane's output also goes to a log file (`pipe-pane`, in the same invocation as
//!   `new-session`), which outlives the session and its server (`log.rs`).

mod follow;
pub(crate) mod list;
mod log;
mod runner;
mod socket;
pub(crate) mod target;

pub use runner::TmuxRunner;
pub use socket::discover_sockets;
