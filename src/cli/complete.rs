//! Shell completion that knows the sessions: clap_complete's environment-driven engine.
//!
//! The shell's completion script (`kstlib completions bash`, the same text as
//! `COMPLETE=bash kstlib`) calls back into `kstlib` with `COMPLETE` set and the words
//! typed so far; [`main`] answers before anything else runs. So candidates come from the
//! same code and the same config as the commands: session names declared in the config
//! and live on every tmux server and runtime, filtered by what the command accepts
//! (`start` offers declared sessions that are not running, `stop` and `logs` what exists,
//! `attach` what runs), live tmux sockets for `--socket`, the declared hosts and `local`
//! for `--host`, and the values of `--backend`, `--runtime` and `--signal`.
//!
//! A completion must never hang the shell nor print an error into it: the lookup runs on
//! a thread and is given [`LOOKUP_LIMIT`]; a backend that is slow, a config that does not
//! load or anything else that fails means fewer candidates, never a message.

use std::ffi::OsString;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::CommandFactory;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::Shells;

use crate::ops::config::{Config, ConfigSource};
use crate::ops::host::HostChoice;
use crate::ops::inventory::{self, Scope};
use crate::ops::tmux;
use crate::ops::validate::SessionName;
use crate::ops::{BackendType, SessionState, SessionStatus};

use super::args::Cli;

/// The environment variable that asks for completions (clap_complete's and jj's name).
pub(super) const VAR: &str = "COMPLETE";

/// How long a completion waits for the sessions before it offers what it has.
pub(super) const LOOKUP_LIMIT: Duration = Duration::from_millis(1500);

/// Answers a completion request and exits, when `COMPLETE` asks for one; returns otherwise.
pub(super) fn main() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .complete();
}

/// The script that registers kstlib's completion in `shell` (`bash`, `zsh`, `fish`,
/// `elvish`, `powershell`): what `COMPLETE=SHELL kstlib` prints.
pub(super) fn registration(shell: &str) -> std::io::Result<Vec<u8>> {
    let shells = Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| std::io::Error::other(format!("no completion for shell '{shell}'")))?;
    let mut out = Vec::new();
    completer.write_registration(VAR, "kstlib", "kstlib", &program(), &mut out)?;
    Ok(out)
}

/// How the script calls kstlib back: as it was called now (a bare name is looked up on
/// `PATH` by the shell; a relative path is made absolute).
fn program() -> String {
    let arg0 = std::env::args_os()
        .next()
        .unwrap_or_else(|| OsString::from("kstlib"));
    let path = std::path::PathBuf::from(&arg0);
    let path = match (path.components().count() > 1, std::env::current_dir()) {
        (true, Ok(dir)) => dir.join(path),
        _ => path,
    };
    path.to_string_lossy().into_owned()
}

/// What a session name is offered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// Declared, not running (`start`, `up`).
    ToStart,
    /// Declared and running (`down`).
    ToBringDown,
    /// There, in any state (`stop`, `logs`).
    Existing,
    /// Alive (`attach`).
    Alive,
    /// Alive, on tmux (`send-keys`).
    AliveTmux,
    /// Alive, a container (`exec`).
    AliveContainer,
    /// Declared or there (`status`, `restart`).
    Any,
}

/// The `--config FILE` among the words being completed, if any.
fn config_from_words() -> Option<std::path::PathBuf> {
    let words: Vec<OsString> = std::env::args_os().skip_while(|w| w != "--").collect();
    words.iter().enumerate().find_map(|(i, word)| {
        let word = word.to_str()?;
        if let Some(path) = word.strip_prefix("--config=") {
            return Some(path.into());
        }
        (word == "--config").then(|| words.get(i + 1).map(Into::into))?
    })
}

/// The config and every session, looked up within [`LOOKUP_LIMIT`]; what could not be
/// had in time is left out. Each backend of each host is asked apart, so that a runtime
/// slowed down by hundreds of containers, or a host that does not answer, costs its own
/// rows, not the others'.
fn lookup() -> (Option<Config>, Vec<SessionStatus>) {
    let source = ConfigSource::from_env(config_from_words());
    let config = Config::load(&source).ok();
    let hosts: Vec<HostChoice> = std::iter::once(HostChoice::Local)
        .chain(config.iter().flat_map(|config| {
            config
                .hosts()
                .map(|spec| HostChoice::Remote(std::sync::Arc::clone(spec)))
                .collect::<Vec<_>>()
        }))
        .collect();
    let (tx, rx) = mpsc::channel();
    for (backend, host) in BackendType::ALL
        .into_iter()
        .flat_map(|backend| hosts.iter().map(move |host| (backend, host.clone())))
    {
        let tx = tx.clone();
        let config = config.clone().unwrap_or_default();
        let scope = Scope {
            backend: Some(backend),
            hosts: vec![host],
            ..Scope::default()
        };
        // Left running if it is late: the process exits once the candidates are printed.
        thread::spawn(move || {
            let sessions = inventory::list(&config, &scope)
                .map(|inventory| inventory.sessions)
                .unwrap_or_default();
            let _ = tx.send(sessions);
        });
    }
    drop(tx);
    let deadline = Instant::now() + LOOKUP_LIMIT;
    let mut sessions = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(some) => sessions.extend(some),
            Err(_) => break,
        }
    }
    (config, sessions)
}

fn wanted(wanted: Wanted) -> Vec<CompletionCandidate> {
    let (config, sessions) = lookup();
    let declared: Vec<String> = config
        .iter()
        .flat_map(|config| {
            config
                .session_names()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let there =
        |s: &&SessionStatus| !matches!(s.state, SessionState::Defined | SessionState::Invalid);
    let alive = |s: &&SessionStatus| s.state.is_alive();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, help: String| {
        if SessionName::new(name).is_ok() && !out.iter().any(|(n, _)| n == name) {
            out.push((name.to_owned(), help));
        }
    };
    let running_declared = |name: &str| {
        sessions
            .iter()
            .any(|s| s.name == name && s.state.is_alive())
    };
    match wanted {
        Wanted::ToStart => {
            for name in declared.iter().filter(|n| !running_declared(n)) {
                add(name, "declared".to_owned());
            }
        }
        Wanted::ToBringDown => {
            for name in declared.iter().filter(|n| running_declared(n)) {
                add(name, "declared, running".to_owned());
            }
        }
        Wanted::Any => {
            for s in sessions.iter().filter(there) {
                add(&s.name, describe(s));
            }
            for name in &declared {
                add(name, "declared".to_owned());
            }
        }
        Wanted::Existing => sessions
            .iter()
            .filter(there)
            .for_each(|s| add(&s.name, describe(s))),
        Wanted::Alive => sessions
            .iter()
            .filter(alive)
            .for_each(|s| add(&s.name, describe(s))),
        Wanted::AliveTmux | Wanted::AliveContainer => {
            let backend = match wanted {
                Wanted::AliveTmux => BackendType::Tmux,
                _ => BackendType::Container,
            };
            sessions
                .iter()
                .filter(alive)
                .filter(|s| s.backend == backend)
                .for_each(|s| add(&s.name, describe(s)));
        }
    }
    out.into_iter()
        .map(|(name, help)| CompletionCandidate::new(name).help(Some(help.into())))
        .collect()
}

/// `running · tmux -L bots`: what a candidate's description says.
fn describe(s: &SessionStatus) -> String {
    format!("{} · {}", s.state, s.location())
}

/// Declared sessions that are not running: for `start` and `up`.
pub(super) fn to_start() -> Vec<CompletionCandidate> {
    wanted(Wanted::ToStart)
}

/// Declared sessions that run: for `down`.
pub(super) fn to_bring_down() -> Vec<CompletionCandidate> {
    wanted(Wanted::ToBringDown)
}

/// Sessions that exist, in any state: for `stop` and `logs`.
pub(super) fn existing() -> Vec<CompletionCandidate> {
    wanted(Wanted::Existing)
}

/// Sessions whose program is alive: for `attach`.
pub(super) fn alive() -> Vec<CompletionCandidate> {
    wanted(Wanted::Alive)
}

/// tmux sessions whose program is alive: for `send-keys`.
pub(super) fn alive_tmux() -> Vec<CompletionCandidate> {
    wanted(Wanted::AliveTmux)
}

/// Container sessions that run: for `exec`.
pub(super) fn alive_containers() -> Vec<CompletionCandidate> {
    wanted(Wanted::AliveContainer)
}

/// Every session, declared or there: for `status` and `restart`.
pub(super) fn any() -> Vec<CompletionCandidate> {
    wanted(Wanted::Any)
}

/// `--backend`.
pub(super) fn backends() -> Vec<CompletionCandidate> {
    BackendType::ALL
        .iter()
        .map(|b| CompletionCandidate::new(b.as_str()))
        .collect()
}

/// `--runtime`.
pub(super) fn runtimes() -> Vec<CompletionCandidate> {
    crate::ops::Runtime::ALL
        .iter()
        .map(|r| CompletionCandidate::new(r.as_str()))
        .collect()
}

/// `--socket`: the named tmux servers that answer now.
pub(super) fn sockets() -> Vec<CompletionCandidate> {
    tmux::discover_sockets()
        .iter()
        .filter_map(|socket| socket.name().map(str::to_owned))
        .map(CompletionCandidate::new)
        .collect()
}

/// `--host`: the hosts the config declares, each with its ssh destination, and `local`.
/// Only the config is read: nothing is asked of the hosts.
pub(super) fn hosts() -> Vec<CompletionCandidate> {
    let source = ConfigSource::from_env(config_from_words());
    let config = Config::load(&source).unwrap_or_default();
    let mut out: Vec<CompletionCandidate> = config
        .hosts()
        .map(|spec| {
            let help = format!("ssh {}", spec.ssh());
            CompletionCandidate::new(spec.name().as_str()).help(Some(help.into()))
        })
        .collect();
    out.push(
        CompletionCandidate::new(crate::ops::validate::LOCAL_HOST)
            .help(Some("this machine".into())),
    );
    out
}

/// `--signal`, `--stop-signal`: the signals people stop programs with.
pub(super) fn signals() -> Vec<CompletionCandidate> {
    [
        ("SIGINT", "Ctrl-C (tmux's default stop signal)"),
        ("SIGTERM", "terminate (most images' stop signal)"),
        ("SIGHUP", "the terminal closed"),
        ("SIGQUIT", "quit, with a core dump"),
        ("SIGUSR1", "user-defined 1"),
        ("SIGUSR2", "user-defined 2"),
        ("SIGKILL", "kill at once (cannot be caught)"),
    ]
    .into_iter()
    .map(|(name, help)| CompletionCandidate::new(name).help(Some(help.into())))
    .collect()
}
