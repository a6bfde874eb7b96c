//! Exit codes: the one place that decides them, and the table `--help` shows.

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

/// Every exit code with what it means: `--help` (and the README's table) are made of this.
pub const CODES: [(u8, &str); 6] = [
    (OK, "success"),
    (
        FAILED,
        "operation failed (backend refused, start failed, stop failed)",
    ),
    (USAGE, "usage error"),
    (
        INVALID,
        "invalid config or input (list: the config has errors, every session is still listed)",
    ),
    (NOT_FOUND, "session not found"),
    (
        UNAVAILABLE,
        "backend or host unavailable (tmux or container runtime missing, not answering, timed out)",
    ),
];

/// The exit code list, as shown at the end of `--help`.
pub fn help() -> String {
    let mut text = String::from("Exit codes:\n");
    for (code, meaning) in CODES {
        text.push_str(&format!("  {code}  {meaning}\n"));
    }
    text.push_str("  attach replaces kstlib with tmux or the runtime: its exit code is theirs.");
    text
}

/// The name of an error kind in JSON error objects: `failed`, `invalid`, `not_found`,
/// `unavailable` (and `usage` for a command line that does not parse).
pub fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Failed => "failed",
        ErrorKind::Invalid => "invalid",
        ErrorKind::NotFound => "not_found",
        ErrorKind::Unavailable => "unavailable",
    }
}

/// The exit code of an error of this kind.
pub fn code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Failed => FAILED,
        ErrorKind::Invalid => INVALID,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::Unavailable => UNAVAILABLE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's table says what the codes say: a row per code, the same words.
    #[test]
    fn the_readme_table_is_this_table() {
        let readme = include_str!("../../README.md");
        for (code, meaning) in CODES {
            let row = format!("| {code} | {meaning} |");
            assert!(readme.contains(&row), "README.md lacks the row `{row}`");
        }
    }
}
