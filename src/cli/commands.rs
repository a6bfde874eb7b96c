//! One function per command: resolve the session, call the library, render the result.

use std::io::{self, Write};
use std::thread;

use jiff::Timestamp;

use crate::ops::config::{Config, ConfigSource, Given, Settings};
use crate::ops::doctor::{self, Health};
use crate::ops::inventory::{self, Scope};
use crate::ops::logs::{self, SavedLog};
use crate::ops::timing::DEFAULT_STOP_TIMEOUT;
use crate::ops::validate::{Command, EnvVar, SessionName, StopSignal, ValidationError};
use crate::ops::{
    CommandSource, Error, LogOptions, Removal, SessionManager, SessionOptions, SessionStatus,
    StopOptions, TmuxSocket,
};

use super::args::{
    AttachArgs, DoctorArgs, DownArgs, ExecArgs, ListArgs, LogsArgs, Output, RestartArgs,
    SendKeysArgs, StartArgs, StatusArgs, StopArgs, StopFlags, Target, UpArgs,
};
use super::{CliResult, exit, render};

fn print(text: &str) -> io::Result<()> {
    let mut stdout = anstream::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// The text a command prints, as its output options ask: `--json`, `--quiet`, or for
/// people.
fn shown(
    output: Output,
    json: impl FnOnce() -> String,
    quiet: impl FnOnce() -> String,
    human: impl FnOnce() -> String,
) -> String {
    match output {
        Output { json: true, .. } => json(),
        Output { quiet: true, .. } => quiet(),
        _ => human(),
    }
}

fn note(text: &str) {
    let _ = write!(anstream::stderr(), "{text}");
}

fn scope(target: &Target) -> Result<Scope, ValidationError> {
    Ok(Scope {
        backend: target.backend,
        socket: socket(target)?,
        runtime: target.runtime,
    })
}

fn socket(target: &Target) -> Result<Option<TmuxSocket>, ValidationError> {
    let path = target
        .socket_path
        .as_ref()
        .map(|path| path.display().to_string());
    match (&target.socket, path) {
        (None, None) => Ok(None),
        (name, path) => TmuxSocket::new(name.as_deref(), path.as_deref()).map(Some),
    }
}

pub(super) fn start(config: &Config, args: &StartArgs) -> CliResult {
    let env = args
        .env
        .iter()
        .map(|item| EnvVar::parse_assignment(item).map(EnvVar::into_parts))
        .collect::<Result<_, _>>()?;
    let options = SessionOptions {
        command: args.command.clone().map(CommandSource::Line),
        image: args.image.clone(),
        working_dir: args.workdir.clone(),
        env,
        volumes: args.volume.clone(),
        ports: args.port.clone(),
        stop_signal: args.stop_signal.clone(),
        runtime: args.target.runtime.map(|rt| rt.as_str().to_owned()),
        socket_name: args.target.socket.clone(),
        socket_path: args
            .target
            .socket_path
            .as_ref()
            .map(|path| path.display().to_string()),
        ..SessionOptions::default()
    };
    // The name first, as upstream checks it.
    let name = SessionName::new(&args.name)?;
    let mut overrides = Settings::from_options(&options)?;
    overrides.backend = args.target.backend.map(Given::new);
    let manager = SessionManager::resolved(config, &name, overrides)?;
    if let Some(hint) = manager
        .config()
        .command()
        .and_then(|c| c.shell_syntax_hint())
    {
        note(&render::warning(&hint));
    }
    let status = manager.start(SessionOptions::default())?;
    print(&shown(
        args.output,
        || render::json(&status),
        || render::quiet(&status.name, status.state),
        || render::started(&status, "started"),
    ))?;
    Ok(exit::OK)
}

pub(super) fn stop(config: &Config, args: &StopArgs) -> CliResult {
    let removal = match (args.keep, args.rm) {
        (true, _) => Removal::Keep,
        (_, true) => Removal::Remove,
        _ => Removal::Auto,
    };
    let options = stop_options(&args.stop, removal)?;
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?.manager;
    let report = manager.stop_with(&with_timeout(options, &args.stop, &manager))?;
    print(&shown(
        args.output,
        || render::json(&report),
        || render::quiet(&report.name, report.method.as_str()),
        || render::stopped(&report, args.keep),
    ))?;
    Ok(exit::OK)
}

/// The stop options given on the command line; checked before anything is looked up.
fn stop_options(flags: &StopFlags, removal: Removal) -> Result<StopOptions, ValidationError> {
    Ok(StopOptions {
        graceful: !flags.force,
        timeout: DEFAULT_STOP_TIMEOUT,
        signal: flags.signal.as_deref().map(StopSignal::parse).transpose()?,
        removal,
    })
}

/// `--timeout`, else the session's `stop_timeout`, else 10 s.
fn with_timeout(
    mut options: StopOptions,
    flags: &StopFlags,
    manager: &SessionManager,
) -> StopOptions {
    options.timeout = match flags.timeout {
        Some(timeout) => timeout,
        None => manager
            .config()
            .stop_timeout()
            .unwrap_or(DEFAULT_STOP_TIMEOUT),
    };
    options
}

pub(super) fn restart(config: &Config, args: &RestartArgs) -> CliResult {
    let options = stop_options(&args.stop, Removal::Auto)?;
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?.manager;
    let status = manager.restart(&with_timeout(options, &args.stop, &manager))?;
    print(&shown(
        args.output,
        || render::json(&status),
        || render::quiet(&status.name, status.state),
        || render::started(&status, "restarted"),
    ))?;
    Ok(exit::OK)
}

/// The declared sessions `names` (all of them when empty), each with its manager.
fn declared(config: &Config, names: &[String]) -> Result<Vec<SessionManager>, Error> {
    let names: Vec<String> = if names.is_empty() {
        config.session_names().map(str::to_owned).collect()
    } else {
        names.to_vec()
    };
    names
        .iter()
        .map(|name| SessionManager::from_loaded_config(config, name, Settings::default()))
        .collect()
}

/// What `up` or `down` did with one session.
#[derive(serde::Serialize)]
struct Outcome {
    name: String,
    /// `started`, `running`, `stopped`, `not_running` or `failed`.
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<SessionStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs `task` for every manager at once, keeping their order.
fn each<F>(managers: &[SessionManager], task: F) -> Vec<Outcome>
where
    F: Fn(&SessionManager) -> Outcome + Sync,
{
    thread::scope(|s| {
        let handles: Vec<_> = managers
            .iter()
            .map(|manager| {
                let task = &task;
                s.spawn(move || task(manager))
            })
            .collect();
        handles
            .into_iter()
            .zip(managers)
            .map(|(handle, manager)| {
                handle.join().unwrap_or_else(|_| Outcome {
                    name: manager.name().to_owned(),
                    result: "failed",
                    status: None,
                    error: Some("internal error".to_owned()),
                })
            })
            .collect()
    })
}

fn outcome(name: &str, result: &'static str, status: Option<SessionStatus>) -> Outcome {
    Outcome {
        name: name.to_owned(),
        result,
        status,
        error: None,
    }
}

fn failed(name: &str, err: &Error) -> Outcome {
    Outcome {
        name: name.to_owned(),
        result: "failed",
        status: None,
        error: Some(err.to_string()),
    }
}

/// Prints the outcomes; exit 1 if any failed.
fn report(outcomes: &[Outcome], output: Output) -> CliResult {
    let lines = |quiet: bool| {
        outcomes
            .iter()
            // Quiet: only what went wrong.
            .filter(|o| !quiet || o.error.is_some())
            .map(|o| match &o.error {
                Some(err) => render::quiet(&o.name, format!("failed: {err}")),
                None => render::quiet(&o.name, o.result.replace('_', " ")),
            })
            .collect()
    };
    let text = shown(
        output,
        || render::json(outcomes),
        || lines(true),
        || lines(false),
    );
    print(&text)?;
    let failures = outcomes.iter().filter(|o| o.result == "failed").count();
    Ok(if failures == 0 {
        exit::OK
    } else {
        exit::FAILED
    })
}

pub(super) fn up(config: &Config, args: &UpArgs) -> CliResult {
    let managers = declared(config, &args.names)?;
    let outcomes = each(&managers, |manager| match manager.status() {
        Ok(status) if status.state.is_alive() => outcome(manager.name(), "running", Some(status)),
        _ => match manager.start(SessionOptions::default()) {
            Ok(status) => outcome(manager.name(), "started", Some(status)),
            Err(err) => failed(manager.name(), &err),
        },
    });
    report(&outcomes, args.output)
}

pub(super) fn down(config: &Config, args: &DownArgs) -> CliResult {
    let options = stop_options(&args.stop, Removal::Auto)?;
    let managers = declared(config, &args.names)?;
    let outcomes = each(&managers, |manager| {
        match manager.stop_with(&with_timeout(options, &args.stop, manager)) {
            Ok(_) => outcome(manager.name(), "stopped", None),
            Err(Error::SessionNotFound { .. }) => outcome(manager.name(), "not_running", None),
            Err(err) => failed(manager.name(), &err),
        }
    });
    report(&outcomes, args.output)
}

pub(super) fn send_keys(config: &Config, args: &SendKeysArgs) -> CliResult {
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?.manager;
    manager.send_keys(&args.keys.join(" "), !args.no_enter)?;
    Ok(exit::OK)
}

pub(super) fn exec(config: &Config, args: &ExecArgs) -> CliResult {
    let command = Command::from_argv(args.command.clone())?;
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?.manager;
    manager.exec(&command)?;
    Ok(exit::OK)
}

pub(super) fn doctor(source: &ConfigSource, args: &DoctorArgs) -> CliResult {
    let checks = doctor::check(source);
    if args.json {
        print(&render::json(&checks))?;
    } else {
        print(&render::doctor(&checks))?;
    }
    Ok(if checks.iter().any(|c| c.health == Health::Broken) {
        exit::FAILED
    } else {
        exit::OK
    })
}

pub(super) fn attach(config: &Config, args: &AttachArgs) -> CliResult {
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?.manager;
    manager.attach()?;
    Ok(exit::OK)
}

pub(super) fn status(config: &Config, args: &StatusArgs) -> CliResult {
    let status = inventory::locate(config, &args.name, &scope(&args.target)?)?.status()?;
    print(&shown(
        args.output,
        || render::json(&status),
        // Upstream prints the name as typed.
        || render::quiet(&args.name, status.state),
        || render::status_table(&status),
    ))?;
    Ok(exit::OK)
}

pub(super) fn logs(config: &Config, args: &LogsArgs) -> CliResult {
    let since = args
        .since
        .as_deref()
        .map(|text| logs::parse_since(text, Timestamp::now()))
        .transpose()?;
    let options = LogOptions {
        lines: args.lines,
        ansi: args.ansi,
        since,
    };
    let scope = scope(&args.target)?;
    let manager = match inventory::locate(config, &args.name, &scope) {
        Ok(located) => located.manager,
        // Not declared and not running anywhere: what it printed, if it left a log.
        Err(err @ Error::SessionNotFound { .. }) => {
            let name = SessionName::new(&args.name)?;
            let saved =
                logs::find_saved(&config.log_settings(), &name, &scope.log_places(), &options)?;
            return saved_logs(&args.name, saved, err);
        }
        Err(err) => return Err(err.into()),
    };
    let shown = if args.follow {
        let mut stdout = io::stdout().lock();
        manager.follow(&options, &mut stdout).map(|()| None)
    } else {
        manager.logs_with(&options).map(Some)
    };
    match shown {
        Ok(Some(text)) => print_logs(&args.name, &text),
        Ok(None) => Ok(exit::OK),
        Err(err @ Error::SessionNotFound { .. }) => {
            saved_logs(&args.name, manager.saved_logs(&options)?, err)
        }
        Err(err) => Err(err.into()),
    }
}

/// Prints the log of a session that is not running, with a note on stderr saying so;
/// `missing` when it left none.
fn saved_logs(name: &str, saved: Option<SavedLog>, missing: Error) -> CliResult {
    let saved = saved.ok_or(missing)?;
    note(&render::saved_log(name, &saved));
    print_logs(name, &saved.text())
}

fn print_logs(name: &str, text: &str) -> CliResult {
    if text.trim().is_empty() {
        note(&render::no_logs(name));
    } else {
        // Raw bytes on stdout: no re-wrapping, escape sequences only with --ansi.
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
    }
    Ok(exit::OK)
}

pub(super) fn list(config: &Config, args: &ListArgs) -> CliResult {
    let inventory = inventory::list(config, &scope(&args.target)?)?;
    for warning in &inventory.warnings {
        note(&render::warning(warning));
    }
    let sessions = &inventory.sessions;
    print(&shown(
        args.output,
        || render::list_json(sessions),
        || render::names(sessions),
        || match sessions.is_empty() {
            true => "No sessions found.\n".to_owned(),
            false => render::list_table(sessions),
        },
    ))?;
    Ok(exit::OK)
}
