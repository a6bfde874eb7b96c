//! One function per command: resolve the session, call the library, render the result.

use std::io::{self, Write};
use std::thread;

use jiff::Timestamp;

use crate::ops::config::{Config, ConfigSource, Given, Settings};
use crate::ops::doctor;
use crate::ops::host::HostChoice;
use crate::ops::inventory::{self, Located, Scope};
use crate::ops::logs::{self, SavedLog};
use crate::ops::timing::DEFAULT_STOP_TIMEOUT;
use crate::ops::validate::{Command, EnvVar, SessionName, StopSignal, ValidationError};
use crate::ops::{
    CommandSource, Error, LogOptions, Origin, Removal, SessionManager, SessionOptions,
    SessionState, SessionStatus, StopOptions, TmuxSocket,
};

use super::args::{
    AttachArgs, DoctorArgs, DownArgs, ExecArgs, ListArgs, LogsArgs, Output, RestartArgs,
    SendKeysArgs, StartArgs, StatusArgs, StopArgs, StopFlags, Target, UpArgs,
};
use super::list;
use super::loaded::{self, Loaded};
use super::{CliResult, Failure, exit, render};

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
    super::progress::suspend(|| {
        let _ = write!(anstream::stderr(), "{text}");
    });
}

fn scope(config: &Config, target: &Target) -> Result<Scope, Error> {
    Ok(Scope {
        backend: target.backend,
        socket: socket(target)?,
        runtime: target.runtime,
        hosts: host(config, target.host.as_deref())?.into_iter().collect(),
    })
}

/// The host `--host` names: `local`, or one of `ops.hosts`.
fn host(config: &Config, name: Option<&str>) -> Result<Option<HostChoice>, Error> {
    name.map(|name| config.host(name).map_err(Error::from))
        .transpose()
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
    overrides.host = host(config, args.target.host.as_deref())?.map(Given::new);
    if let Some(declared) = config.find(name.as_str()) {
        let left_out = config.left_out(declared, &overrides);
        if !left_out.is_empty() {
            note(&render::warning(&format!(
                "session '{name}' is declared for another backend: its {} left out",
                render::keys_are(&left_out)
            )));
        }
    }
    let manager = SessionManager::resolved(config, &name, overrides)?;
    refuse_second_copy(config, &manager)?;
    if let Some(hint) = manager
        .config()
        .command()
        .and_then(Command::shell_syntax_hint)
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

/// The session `name` wherever it is (see [`inventory::locate`]). When nothing runs under
/// the name of a declared session whose entry is invalid, its errors are the answer: it
/// would be there if its entry could be used.
fn locate(config: &Config, name: &str, target: &Target) -> Result<Located, Error> {
    warn_located(
        config,
        name,
        inventory::locate(config, name, &scope(config, target)?),
    )
}

/// What [`locate`] says of what a search found: its warnings, and the entry's errors.
fn warn_located(
    config: &Config,
    name: &str,
    located: Result<Located, Error>,
) -> Result<Located, Error> {
    for warning in located.iter().flat_map(Located::warnings) {
        note(&render::warning(warning));
    }
    let Some(Err(errors)) = config.find(name).map(|d| d.session()) else {
        return located;
    };
    match located {
        Err(Error::SessionNotFound { .. }) => Err(Error::Config(errors.clone())),
        found => {
            note(&render::warning(&format!(
                "the config entry of session '{name}' is invalid: acting on what runs under that name"
            )));
            loaded::warn(&errors.iter().cloned().collect::<Vec<_>>());
            found
        }
    }
}

/// A declared session that kstlib started elsewhere (its entry's backend or socket was
/// edited while it ran) is not started a second time.
fn refuse_second_copy(config: &Config, manager: &SessionManager) -> Result<(), Error> {
    if !manager.config().is_declared() {
        return Ok(());
    }
    match inventory::running_elsewhere(config, manager.config())? {
        Some(running) => Err(Error::SessionExists {
            name: running.name.clone(),
            where_: running.location(),
        }),
        None => Ok(()),
    }
}

pub(super) fn stop(config: &Config, args: &StopArgs) -> CliResult {
    let removal = match (args.keep, args.rm) {
        (true, _) => Removal::Keep,
        (_, true) => Removal::Remove,
        _ => Removal::Auto,
    };
    let options = stop_options(&args.stop, removal)?;
    let located = locate(config, &args.name, &args.target)?;
    let report = located.stop(&with_timeout(options, &args.stop, &located.manager))?;
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
    let manager = locate(config, &args.name, &args.target)?.manager;
    let options = with_timeout(options, &args.stop, &manager);
    let status = if manager.config().is_declared() {
        // Wherever it runs now, it starts again as its entry says now: drift goes.
        match manager.stop_with(&options) {
            Ok(_) | Err(Error::SessionNotFound { .. }) => {}
            Err(err) => return Err(err.into()),
        }
        let name = SessionName::new(&args.name)?;
        SessionManager::resolved(config, &name, Settings::default())?
            .start(SessionOptions::default())?
    } else {
        manager.restart(&options)?
    };
    print(&shown(
        args.output,
        || render::json(&status),
        || render::quiet(&status.name, status.state),
        || render::started(&status, "restarted"),
    ))?;
    Ok(exit::OK)
}

/// The rows of the declared sessions `up` or `down` acts on, as `list` finds them.
struct DeclaredRows {
    rows: Vec<SessionStatus>,
    /// A place these sessions may be in did not answer: a `defined` row may be wrong.
    uncertain: bool,
}

/// The declared sessions `names` (all of them when empty, or all declared on `host`; each
/// once), each with its row in `list` (where it runs now, or `defined`, or `invalid`),
/// asked only on the hosts they are declared on; a name that is not declared is not found,
/// and one declared on another host than `host` is refused.
fn declared_rows(
    config: &Config,
    names: &[String],
    host: Option<&str>,
) -> Result<DeclaredRows, Failure> {
    let host = self::host(config, host)?;
    let on_host = |name: &&str| {
        host.as_ref()
            .is_none_or(|host| config.find(name).is_some_and(|d| &d.host() == host))
    };
    let mut wanted: Vec<&str> = if names.is_empty() {
        config.session_names().filter(on_host).collect()
    } else {
        names.iter().map(String::as_str).collect()
    };
    let mut seen = std::collections::HashSet::new();
    wanted.retain(|name| seen.insert(*name));
    if wanted.is_empty() {
        return Ok(DeclaredRows {
            rows: Vec::new(),
            uncertain: false,
        });
    }
    if let Some(unknown) = wanted.iter().find(|name| !config.is_declared(name)) {
        let declared: Vec<&str> = config.session_names().collect();
        // After the error, which must come first: what the user can name instead.
        let declared = if declared.is_empty() {
            "none".to_owned()
        } else {
            declared.join(", ")
        };
        return Err(Failure::Noted(
            Box::new(Error::SessionNotFound {
                name: (*unknown).to_owned(),
                backend: None,
            }),
            format!("declared sessions: {declared}"),
        ));
    }
    if let (Some(host), Some(elsewhere)) = (&host, wanted.iter().find(|name| !on_host(name))) {
        let declared_on = config
            .find(elsewhere)
            .map(|d| d.host().to_string())
            .unwrap_or_default();
        return Err(Failure::Noted(
            Box::new(Error::SessionNotFound {
                name: (*elsewhere).to_owned(),
                backend: None,
            }),
            format!(
                "'{elsewhere}' is declared on host '{declared_on}', not '{host}'; up and down \
                 act where a session is declared"
            ),
        ));
    }
    // Only the hosts these sessions live on: one that is down must not slow, or warn
    // about, sessions elsewhere.
    let mut hosts: Vec<HostChoice> = Vec::new();
    for declared in wanted.iter().filter_map(|name| config.find(name)) {
        let on = host.clone().unwrap_or_else(|| declared.host());
        if !hosts.contains(&on) {
            hosts.push(on);
        }
    }
    let scope = Scope {
        hosts,
        ..Scope::default()
    };
    let inventory = inventory::list(config, &scope)?;
    for warning in &inventory.warnings {
        note(&render::warning(warning));
    }
    let rows = wanted
        .into_iter()
        .filter_map(|name| {
            inventory
                .sessions
                .iter()
                .find(|row| row.name == name && row.origin == Origin::Config)
                .cloned()
        })
        .collect();
    Ok(DeclaredRows {
        rows,
        uncertain: !inventory.warnings.is_empty(),
    })
}

/// The errors of the invalid declared sessions among `rows`, shown on stderr.
fn show_invalid(config: &Config, rows: &[SessionStatus]) {
    let color = render::stderr_color();
    for row in rows.iter().filter(|row| row.state == SessionState::Invalid) {
        if let Some(Err(errors)) = config.find(&row.name).map(|d| d.session()) {
            note(&render::error(&Error::Config(errors.clone()), color));
        }
    }
}

/// What `up` or `down` did with one session.
#[derive(serde::Serialize)]
struct Outcome {
    name: String,
    /// `started`, `running`, `stopped`, `not_running`, `invalid` or `failed`.
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<SessionStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs `task` for every row at once, keeping their order.
fn each<F>(rows: &[SessionStatus], task: F) -> Vec<Outcome>
where
    F: Fn(&SessionStatus) -> Outcome + Sync,
{
    thread::scope(|s| {
        let handles: Vec<_> = rows
            .iter()
            .map(|row| {
                let task = &task;
                s.spawn(move || task(row))
            })
            .collect();
        handles
            .into_iter()
            .zip(rows)
            .map(|(handle, row)| {
                handle.join().unwrap_or_else(|_| Outcome {
                    name: row.name.clone(),
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

fn invalid(name: &str) -> Outcome {
    Outcome {
        name: name.to_owned(),
        result: "invalid",
        status: None,
        error: Some("its config entry is invalid".to_owned()),
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
            .map(|o| {
                let drifted = o.status.as_ref().is_some_and(|s| s.drift == Some(true));
                match &o.error {
                    Some(err) => render::quiet(&o.name, format!("{}: {err}", o.result)),
                    None if drifted => render::quiet(
                        &o.name,
                        format!(
                            "{}, drifted from its config entry (`kstlib ops restart {}` applies it)",
                            o.result, o.name
                        ),
                    ),
                    None => render::quiet(&o.name, o.result.replace('_', " ")),
                }
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
    let failed = |result| outcomes.iter().any(|o| o.result == result);
    Ok(if failed("invalid") {
        exit::INVALID
    } else if failed("failed") {
        exit::FAILED
    } else {
        exit::OK
    })
}

pub(super) fn up(config: &Config, args: &UpArgs) -> CliResult {
    let DeclaredRows { rows, .. } = declared_rows(config, &args.names, args.host.as_deref())?;
    show_invalid(config, &rows);
    let outcomes = each(&rows, |row| match row.state {
        SessionState::Invalid => invalid(&row.name),
        state if state.is_alive() => outcome(&row.name, "running", Some(row.clone())),
        _ => {
            let started = SessionName::new(&row.name)
                .map_err(Error::from)
                .and_then(|name| SessionManager::resolved(config, &name, Settings::default()))
                .and_then(|manager| manager.start(SessionOptions::default()));
            match started {
                Ok(status) => outcome(&row.name, "started", Some(status)),
                // Another `up` started it meanwhile: what was asked for is true.
                Err(Error::SessionExists { .. }) => outcome(&row.name, "running", None),
                // Valid, but not as it stands on this host (a directory gone): reported
                // like an invalid entry, at the place to change.
                Err(Error::Config(errors)) => {
                    let title = errors.first().map(|err| err.message.clone());
                    note(&render::error(
                        &Error::Config(errors),
                        render::stderr_color(),
                    ));
                    Outcome {
                        error: title,
                        ..invalid(&row.name)
                    }
                }
                Err(err) => failed(&row.name, &err),
            }
        }
    });
    report(&outcomes, args.output)
}

pub(super) fn down(config: &Config, args: &DownArgs) -> CliResult {
    let options = stop_options(&args.stop, Removal::Auto)?;
    let DeclaredRows { rows, uncertain } =
        declared_rows(config, &args.names, args.host.as_deref())?;
    let outcomes = each(&rows, |row| match row.state {
        SessionState::Invalid => outcome(&row.name, "not_running", None),
        // Not seen, but a place it may run in did not answer: the stop asks again, and
        // fails as that place does rather than saying it is down.
        SessionState::Defined if !uncertain => outcome(&row.name, "not_running", None),
        _ => {
            let stopped = inventory::manager_for(config, row).and_then(|manager| {
                manager.stop_with(&with_timeout(options, &args.stop, &manager))
            });
            match stopped {
                Ok(_) => outcome(&row.name, "stopped", None),
                // Another caller stopped it meanwhile: it is down, as asked.
                Err(Error::SessionNotFound { .. }) => outcome(&row.name, "not_running", None),
                Err(err) => failed(&row.name, &err),
            }
        }
    });
    report(&outcomes, args.output)
}

pub(super) fn send_keys(config: &Config, args: &SendKeysArgs) -> CliResult {
    let manager = locate(config, &args.name, &args.target)?.manager;
    manager.send_keys(&args.keys.join(" "), !args.no_enter)?;
    Ok(exit::OK)
}

pub(super) fn exec(config: &Config, args: &ExecArgs) -> CliResult {
    let command = Command::from_argv(args.command.clone())?;
    let manager = locate(config, &args.name, &args.target)?.manager;
    manager.exec(&command)?;
    Ok(exit::OK)
}

pub(super) fn doctor(source: &ConfigSource, args: &DoctorArgs) -> CliResult {
    let mut checks = doctor::check(source);
    for check in &mut checks {
        if let Some(hint) = super::hint::doctor(check) {
            check.hint = Some(hint);
        }
    }
    if args.json {
        print(&render::json(&checks))?;
    } else {
        print(&render::doctor(&checks))?;
    }
    Ok(if checks.iter().any(|c| c.health.is_problem()) {
        exit::FAILED
    } else {
        exit::OK
    })
}

pub(super) fn attach(config: &Config, args: &AttachArgs) -> CliResult {
    let located = locate(config, &args.name, &args.target)?;
    // Said before the screen is taken over: how to get out again without stopping it.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
    if terminal && located.status().is_ok_and(|status| status.state.is_alive()) {
        note(&render::detach_hint(&located.manager));
    }
    located.manager.attach()?;
    Ok(exit::OK)
}

pub(super) fn status(config: &Config, args: &StatusArgs) -> CliResult {
    let status = locate(config, &args.name, &args.target)?.status()?;
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
    let scope = scope(config, &args.target)?;
    let searched = if args.follow {
        inventory::locate(config, &args.name, &scope)
    } else {
        inventory::locate_for_logs(config, &args.name, &scope, &options)
    };
    let located = match warn_located(config, &args.name, searched) {
        Ok(located) => located,
        // Not declared and not running anywhere: what it printed, if it left a log.
        Err(err @ Error::SessionNotFound { .. }) => {
            let name = SessionName::new(&args.name)?;
            let saved = inventory::find_saved(config, &name, &scope, &options)?;
            return saved_logs(&args.name, saved, err);
        }
        Err(err) => return Err(err.into()),
    };
    let manager = &located.manager;
    let shown = if args.follow {
        let mut stdout = io::stdout().lock();
        manager.follow(&options, &mut stdout).map(|()| None)
    } else {
        located.logs(&options).map(Some)
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

pub(super) fn list(loaded: &Loaded, args: &ListArgs) -> CliResult {
    // What is wrong with the config is said, and every session is still listed.
    let errors = loaded.errors();
    let color = render::stderr_color();
    for err in &errors {
        note(&render::error(&Error::from(err.clone()), color));
    }
    let inventory = inventory::list(loaded.config(), &scope(loaded.config(), &args.target)?)?;
    for warning in &inventory.warnings {
        note(&render::warning(warning));
    }
    let sessions = &list::arrange(loaded.config(), inventory.sessions, &args.origin);
    print(&shown(
        args.output,
        || render::list_json(sessions),
        || render::names(sessions),
        || match sessions.is_empty() {
            true => "No sessions found.\n".to_owned(),
            false => {
                let hosts = loaded.config().hosts().next().is_some();
                list::table(sessions, list::Screen::of_stdout(), args.all, hosts)
            }
        },
    ))?;
    Ok(if errors.is_empty() {
        exit::OK
    } else {
        exit::INVALID
    })
}
