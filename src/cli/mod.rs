//! The `kstlib` command line.

/// Runs the CLI and returns its exit code.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
