//! The `kstlib` binary: everything lives in the library so that it can be tested.

fn main() -> std::process::ExitCode {
    kstlib::cli::main()
}
