//! Exit codes: the one place that decides them.

use crate::ops::ErrorKind;

/// Success.
pub const OK: u8 = 0;
/// The operation failed: the backend refused, a start or a stop failed.
pub const FAILED: u8 = 1;
/// Usage error: unknown option, missing argument (clap's own code).
pub const USAGE: u8 = 2;
/// Invalid config file or input value.
pub const INVALID: u8 = 3;
/// No such session.
pub const NOT_FOUND: u8 = 4;
/// tmux or the container runtime is missing or not answering.
pub const UNAVAILABLE: u8 = 5;

/// The exit code list, as shown at the end of `--help`.
pub const HELP: &str = "\
Exit codes:
  0  success
  1  operation failed (backend refused, start failed, stop failed)
  2  usage error
  3  invalid config or input
  4  session not found
  5  backend unavailable (tmux or container runtime missing, not answering, timed out)
  attach replaces kstlib with tmux or the runtime: its exit code is theirs.";

/// The exit code of an error of this kind.
pub fn code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Failed => FAILED,
        ErrorKind::Invalid => INVALID,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::Unavailable => UNAVAILABLE,
    }
}
