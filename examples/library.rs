//! kstlib as a library: the TL;DR of upstream's `kstlib.ops`, in Rust.
//!
//! ```sh
//! cargo run --example library
//! ```
//!
//! It needs tmux. It starts an ad-hoc session on a tmux server of its own
//! (`tmux -L kstlib-example`), reads its status and logs, stops it gracefully, then does the
//! same with the session `astro` declared in `examples/tmux-ticker/kstlib.conf.yml` (or in
//! the file `KSTLIB_CONFIG` names), shows the typed errors, and lists what the low-level
//! runners see. Everything it starts, it stops.

// An example shows what it does on stdout; the library never prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use kstlib::ops::config::{Config, ConfigSource, Settings};
use kstlib::ops::{
    BackendType, ContainerRunner, Error, SessionBackend, SessionManager, SessionOptions,
    SessionState, StopMethod, TmuxRunner, TmuxSocket, runtime,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    ad_hoc()?;
    declared()?;
    typed_errors()?;
    low_level()
}

/// Upstream's `SessionManager("ticker", backend="tmux", command=…)`, then
/// `start`, `status`, `logs` and `stop(graceful, timeout)`.
fn ad_hoc() -> Result<(), Error> {
    let ticker = SessionManager::new(
        "ticker",
        BackendType::Tmux,
        SessionOptions::default()
            .command(
                "sh -c 'trap \"echo bye; exit 0\" INT; while :; do echo tick; sleep 0.2; done'",
            )
            .socket_name("kstlib-example"),
    )?;
    let status = ticker.start(SessionOptions::default())?;
    println!(
        "started {} on {} (pid {:?})",
        status.name,
        status.location(),
        status.pid
    );
    wait_for_output(&ticker, "tick")?;
    let status = ticker.status()?;
    assert_eq!(status.state, SessionState::Running);
    println!("status: {} since {:?}", status.state, status.created_at);
    println!("last lines:\n{}", ticker.logs(3)?.trim_end());
    let report = ticker.stop(true, Duration::from_secs(10))?;
    println!(
        "stopped: {:?} on {:?} in {} ms",
        report.method, report.signal, report.elapsed_ms
    );
    assert_eq!(report.method, StopMethod::Graceful);
    Ok(())
}

/// Upstream's `SessionManager.from_config("astro")`: the session as kstlib.conf.yml
/// declares it.
fn declared() -> Result<(), Error> {
    let astro = match std::env::var_os("KSTLIB_CONFIG") {
        // The usual search: KSTLIB_CONFIG, else ./kstlib.conf.yml, ~/.config/…
        Some(_) => SessionManager::from_config("astro")?,
        // Run from a clone: the example's own config, loaded explicitly.
        None => {
            let file =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tmux-ticker/kstlib.conf.yml");
            let config = Config::load(&ConfigSource::from_env(Some(file)))?;
            SessionManager::from_loaded_config(&config, "astro", Settings::default())?
        }
    };
    if !has_python() {
        println!("astro needs python3: skipped");
        return Ok(());
    }
    // A declared session that is not running is `defined`.
    println!("astro is {}", astro.status()?.state);
    astro.start(SessionOptions::default())?;
    wait_for_output(&astro, "tick")?;
    println!("astro: {}", astro.logs(1)?.trim_end());
    let report = astro.stop(true, Duration::from_secs(10))?;
    println!(
        "astro stopped: {:?}, exit code {:?}",
        report.method, report.exit_code
    );
    Ok(())
}

/// The errors are typed: match on them instead of parsing messages.
fn typed_errors() -> Result<(), Error> {
    let ghost = SessionManager::new(
        "ghost",
        BackendType::Tmux,
        SessionOptions::default().socket_name("kstlib-example"),
    )?;
    match ghost.stop(true, Duration::from_secs(1)) {
        Err(Error::SessionNotFound { name, .. }) => println!("no session '{name}', as expected"),
        Err(Error::TmuxNotFound { binary }) => println!("tmux is not installed ({binary})"),
        Err(other) => return Err(other),
        Ok(report) => println!("stopped a ghost? {report:?}"),
    }
    match SessionManager::new("1-bad-name", BackendType::Tmux, SessionOptions::default()) {
        Err(err @ Error::Invalid(_)) => println!("refused: {err}"),
        Err(other) => return Err(other),
        Ok(_) => println!("a name that starts with a digit was accepted?"),
    }
    Ok(())
}

/// The runners under the managers: one tmux server, one container runtime.
fn low_level() -> Result<(), Error> {
    let tmux = TmuxRunner::new("tmux", TmuxSocket::new(Some("kstlib-example"), None)?);
    println!(
        "{}: {} session(s)",
        tmux.describe(),
        tmux.list_sessions()?.len()
    );
    for runtime in runtime::installed() {
        match ContainerRunner::new(runtime).list_sessions() {
            Ok(containers) => println!("{runtime}: {} container(s)", containers.len()),
            Err(err) => println!("{runtime}: {err}"),
        }
    }
    Ok(())
}

fn wait_for_output(session: &SessionManager, text: &str) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !session.logs(20)?.contains(text) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn has_python() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}
