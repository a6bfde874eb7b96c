//! The `kstlib` command line: parses arguments, calls [`crate::ops`], renders the result.
//!
//! Nothing here spawns a program; everything the library returns is printed from here,
//! results on stdout and diagnostics on stderr.

pub mod args;
pub mod exit;
pub mod render;

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::ops::backend::DEFAULT_STOP_TIMEOUT;
use crate::ops::config::{Config, ConfigSource, Overrides};
use crate::ops::inventory::{self, Scope};
use crate::ops::validate::{SocketName, StopSignal, ValidationError};
use crate::ops::{
    CommandSource, Error, LogOptions, Removal, SessionManager, SessionOptions, StopOptions,
    TmuxSocket,
};

use args::{
    AttachArgs, Cli, ColorWhen, Command, ListArgs, LogLevel, LogsArgs, OpsCommand, Output,
    StartArgs, StatusArgs, StopArgs, Target,
};

/// Runs the CLI and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" that print to stdout and exit 0.
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(exit::USAGE));
        }
    };
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    init_logging(&cli);
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Error(err)) => {
            let color = anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never;
            let _ = write!(anstream::stderr(), "{}", render::error(&err, color));
            ExitCode::from(exit::code(err.kind()))
        }
        // The reader went away (`kstlib ops list | head`): not an error.
        Err(Failure::ClosedOutput) => ExitCode::from(exit::OK),
    }
}

/// Why a command did not finish normally.
enum Failure {
    Error(Error),
    ClosedOutput,
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Error(err)
    }
}

impl From<ValidationError> for Failure {
    fn from(err: ValidationError) -> Self {
        Failure::Error(err.into())
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Self {
        if err.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedOutput
        } else {
            Failure::Error(Error::Unavailable {
                what: "stdout".to_owned(),
                reason: err.to_string(),
            })
        }
    }
}

type CliResult = Result<u8, Failure>;

fn init_logging(cli: &Cli) {
    use tracing::Level;
    let level = match (cli.log_level, cli.verbose) {
        (Some(LogLevel::Trace), _) | (None, 3..) => Level::TRACE,
        (Some(LogLevel::Debug), _) | (None, 2) => Level::DEBUG,
        (Some(LogLevel::Info), _) | (None, 1) => Level::INFO,
        (Some(LogLevel::Warning), _) | (None, 0) => Level::WARN,
        (Some(LogLevel::Error | LogLevel::Critical), _) => Level::ERROR,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .with_ansi(anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never)
        .try_init();
}

fn run(cli: &Cli) -> CliResult {
    let Command::Ops(command) = &cli.command;
    let config = Config::load(&ConfigSource::from_env(cli.config.clone())).map_err(Error::from)?;
    // The config file is the single source of truth: a mistake anywhere in it is reported
    // before anything is started or stopped.
    config.validate()?;
    tracing::debug!("config files: {:?}", config.files());
    match command {
        OpsCommand::Start(args) => start(&config, args),
        OpsCommand::Stop(args) => stop(&config, args),
        OpsCommand::Attach(args) => attach(&config, args),
        OpsCommand::Status(args) => status(&config, args),
        OpsCommand::Logs(args) => logs(&config, args),
        OpsCommand::List(args) => list(&config, args),
    }
}

fn print(text: &str) -> io::Result<()> {
    let mut stdout = anstream::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
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
    Ok(match (&target.socket, &target.socket_path) {
        (Some(name), _) => Some(TmuxSocket::Name(SocketName::new(name)?)),
        (None, Some(path)) => {
            let path = crate::ops::spec::absolute(path);
            crate::ops::validate::check_socket_path(&path)?;
            Some(TmuxSocket::Path(path))
        }
        (None, None) => None,
    })
}

fn start(config: &Config, args: &StartArgs) -> CliResult {
    let env = args
        .env
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(key, value)| (key.to_owned(), value.to_owned()))
                .ok_or_else(|| ValidationError::new("env", item.as_str(), "expected KEY=VALUE"))
        })
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
    let overrides = Overrides {
        backend: args.target.backend,
        options,
    };
    let manager = SessionManager::resolved(config, &args.name, &overrides)?;
    if let Some(hint) = manager
        .config()
        .command()
        .and_then(|c| c.shell_syntax_hint())
    {
        note(&render::warning(&hint));
    }
    let status = manager.start(SessionOptions::default())?;
    print(&match args.output {
        Output { json: true, .. } => render::json(&status),
        Output { quiet: true, .. } => format!("{}: {}\n", status.name, status.state),
        _ => render::started(&status),
    })?;
    Ok(exit::OK)
}

fn stop(config: &Config, args: &StopArgs) -> CliResult {
    let mut options = StopOptions {
        graceful: !args.force,
        timeout: DEFAULT_STOP_TIMEOUT,
        signal: args.signal.as_deref().map(StopSignal::parse).transpose()?,
        removal: match (args.keep, args.rm) {
            (true, _) => Removal::Keep,
            (_, true) => Removal::Remove,
            _ => Removal::Auto,
        },
    };
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?;
    options.timeout = match args.timeout {
        Some(secs) => Duration::from_secs_f64(secs),
        None => manager
            .config()
            .stop_timeout()
            .unwrap_or(DEFAULT_STOP_TIMEOUT),
    };
    let report = manager.stop_with(&options)?;
    print(&match args.output {
        Output { json: true, .. } => render::json(&report),
        Output { quiet: true, .. } => format!("{}: {}\n", report.name, report.method.as_str()),
        _ => render::stopped(&report, args.keep),
    })?;
    Ok(exit::OK)
}

fn attach(config: &Config, args: &AttachArgs) -> CliResult {
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?;
    manager.attach()?;
    Ok(exit::OK)
}

fn status(config: &Config, args: &StatusArgs) -> CliResult {
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?;
    let status = manager.status()?;
    print(&match args.output {
        Output { json: true, .. } => render::json(&status),
        // Upstream prints the name as typed.
        Output { quiet: true, .. } => format!("{}: {}\n", args.name, status.state),
        _ => render::status_table(&status),
    })?;
    Ok(exit::OK)
}

fn logs(config: &Config, args: &LogsArgs) -> CliResult {
    let manager = inventory::locate(config, &args.name, &scope(&args.target)?)?;
    let options = LogOptions {
        lines: args.lines,
        ansi: args.ansi,
    };
    if args.follow {
        let mut stdout = io::stdout().lock();
        manager.follow(&options, &mut stdout)?;
        return Ok(exit::OK);
    }
    let text = manager.logs_with(&options)?;
    if text.trim().is_empty() {
        note(&format!("No logs available for session '{}'.\n", args.name));
    } else {
        // Raw bytes on stdout: no re-wrapping, escape sequences only with --ansi.
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
    }
    Ok(exit::OK)
}

fn list(config: &Config, args: &ListArgs) -> CliResult {
    let inventory = inventory::list(config, &scope(&args.target)?)?;
    for warning in &inventory.warnings {
        note(&render::warning(warning));
    }
    let sessions = &inventory.sessions;
    print(&match args.output {
        Output { json: true, .. } => render::list_json(sessions),
        Output { quiet: true, .. } => sessions.iter().map(|s| format!("{}\n", s.name)).collect(),
        _ if sessions.is_empty() => "No sessions found.\n".to_owned(),
        _ => render::list_table(sessions),
    })?;
    Ok(exit::OK)
}
