//! The `kstlib` command line: parses arguments, calls [`crate::ops`], renders the result.
//!
//! Nothing here spawns a program; everything the library returns is printed from here,
//! results on stdout and diagnostics on stderr.

pub mod args;
mod commands;
mod complete;
pub mod exit;
mod hint;
mod list;
mod loaded;
mod progress;
pub mod render;
mod sink;
mod table;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::ops::Error;
use crate::ops::config::ConfigSource;
use crate::ops::validate::ValidationError;
use loaded::Loaded;

use args::{Cli, ColorWhen, Command, LogLevel, OpsCommand};

/// Runs the CLI and returns its exit code.
pub fn main() -> ExitCode {
    if let Some(sink) = sink::Sink::from_args(std::env::args_os()) {
        return ExitCode::from(sink.run());
    }
    // `COMPLETE=bash kstlib -- …`: the shell asks for candidates; answered, then exit.
    complete::main();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" that print to stdout and exit 0; what they
            // print is the result, so failing to write it fails them.
            let printed = err.print();
            let code = u8::try_from(err.exit_code()).unwrap_or(exit::USAGE);
            if code == exit::OK {
                return match printed {
                    Ok(()) => ExitCode::from(exit::OK),
                    Err(write) => failed(Failure::from(write), false),
                };
            }
            if code != exit::OK && asks_for_json(std::env::args_os()) {
                let text = err.render().to_string();
                let message = usage_message(&text);
                let _ = write_json(&render::error_json("usage", &message, code, &err));
            }
            return ExitCode::from(code);
        }
    };
    let json = cli.wants_json();
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    init_logging(&cli);
    // tmux sessions get this very program as the writer of their log files: the same
    // version as the kstlib that starts them, wherever it is installed.
    if let Ok(exe) = std::env::current_exe()
        && exe.is_file()
    {
        crate::ops::logs::set_sink_program(exe);
    }
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => failed(failure, json),
    }
}

/// Reports why a command did not finish normally, and returns its exit code; `json` adds
/// the error as JSON on stdout.
fn failed(failure: Failure, json: bool) -> ExitCode {
    match failure {
        Failure::Noted(err, note) => {
            let code = failed(Failure::Error(*err), json);
            let _ = write!(anstream::stderr(), "{}", render::note(&note));
            code
        }
        Failure::Error(err) => {
            let color = anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never;
            let _ = write!(anstream::stderr(), "{}", render::error(&err, color));
            let code = exit::code(err.kind());
            // With --json, a script gets JSON even when the command fails.
            if json {
                let _ = write_json(&render::error_json(
                    exit::kind_name(err.kind()),
                    &err.to_string(),
                    code,
                    &err,
                ));
            }
            ExitCode::from(code)
        }
        // The reader went away (`kstlib ops list | head`): not an error.
        Failure::ClosedOutput => ExitCode::from(exit::OK),
        // A full disk or a revoked terminal: the command may have done its work, but what
        // it had to say is lost, so it did not succeed.
        Failure::Write(err) => {
            let message = format!("cannot write the output: {err}");
            let _ = write!(anstream::stderr(), "{}", render::error_line(&message));
            ExitCode::from(exit::FAILED)
        }
    }
}

/// Whether `--json` is among the words before `--`: a usage error is then reported as
/// JSON too, though the command line could not be parsed.
fn asks_for_json(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    args.into_iter()
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json")
}

/// The first paragraph of a clap error on one line, without its `error: `.
fn usage_message(text: &str) -> String {
    let words: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let line = words.join(" ");
    line.strip_prefix("error: ").unwrap_or(&line).to_owned()
}

fn write_json(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Why a command did not finish normally.
pub(crate) enum Failure {
    Error(Error),
    /// An error, then a note of what would have worked (the declared sessions).
    Noted(Box<Error>, String),
    ClosedOutput,
    Write(io::Error),
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
            Failure::Write(err)
        }
    }
}

pub(crate) type CliResult = Result<u8, Failure>;

/// `kstlib man DIR`: a page for kstlib and for every (visible) subcommand, written into
/// `dir`; the files written are listed on stdout, one a line.
fn write_man_pages(dir: &std::path::Path) -> CliResult {
    let failed = |err: io::Error| {
        Failure::Write(io::Error::new(
            err.kind(),
            format!("{}: {err}", dir.display()),
        ))
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(failed)?;
    let mut pages: Vec<String> = std::fs::read_dir(dir)
        .map_err(failed)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("kstlib") && name.ends_with(".1"))
        .collect();
    pages.sort();
    let mut out = String::new();
    for page in pages {
        out.push_str(&format!("{}\n", dir.join(page).display()));
    }
    io::stdout().write_all(out.as_bytes())?;
    Ok(exit::OK)
}

/// Whether `command` shows a spinner while it waits: commands that wait for programs to
/// stop or start, with output for people, on a terminal.
fn shows_progress(command: &OpsCommand) -> bool {
    let waits = matches!(
        command,
        OpsCommand::Start(_)
            | OpsCommand::Stop(_)
            | OpsCommand::Restart(_)
            | OpsCommand::Up(_)
            | OpsCommand::Down(_)
    );
    waits
        && command
            .output()
            .is_some_and(|output| !output.json && !output.quiet)
        && io::IsTerminal::is_terminal(&io::stderr())
}

fn init_logging(cli: &Cli) {
    use tracing::Level;
    use tracing_subscriber::field::MakeExt as _;
    let level = match (cli.log_level, cli.verbose) {
        (Some(LogLevel::Trace), _) | (None, 3..) => Level::TRACE,
        (Some(LogLevel::Debug), _) | (None, 2) => Level::DEBUG,
        (Some(LogLevel::Info), _) | (None, 1) => Level::INFO,
        (Some(LogLevel::Warning), _) | (None, 0) => Level::WARN,
        (Some(LogLevel::Error | LogLevel::Critical), _) => Level::ERROR,
    };
    // The library's warnings and debug lines carry paths, names and argv from outside:
    // each field is escaped as every other message is, so that a log line stays one line
    // and cannot attack the terminal. The formatter's own colours are added after.
    let fields = tracing_subscriber::fmt::format::debug_fn(|writer, field, value| {
        let text = format!("{value:?}");
        let text = crate::ops::sanitize::escape(&text);
        if field.name() == "message" {
            write!(writer, "{text}")
        } else {
            write!(writer, "{}={text}", field.name())
        }
    })
    .delimited(" ");
    let _ = tracing_subscriber::fmt()
        .fmt_fields(fields)
        .with_writer(io::stderr)
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .with_ansi(anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never)
        .try_init();
}

fn run(cli: &Cli) -> CliResult {
    let source = ConfigSource::from_env(cli.config.clone());
    let command = match &cli.command {
        Command::Ops(command) => command,
        Command::Completions { shell } => {
            io::stdout().write_all(&complete::registration(&shell.to_string())?)?;
            return Ok(exit::OK);
        }
        Command::Man { dir: None } => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            io::stdout().write_all(&out)?;
            return Ok(exit::OK);
        }
        Command::Man { dir: Some(dir) } => return write_man_pages(dir),
    };
    // Every command asks a backend within this limit; a bad value is refused before any
    // is asked, rather than replaced by the default without a word.
    crate::ops::timing::timeout_from_env()?;
    // The config file is the single source of truth, but never a trap: what starts
    // sessions refuses what is invalid in it; what looks at or stops them warns and goes on.
    let loaded = Loaded::load(&source);
    if shows_progress(command) {
        progress::install();
    }
    match command {
        OpsCommand::Start(args) => commands::start(loaded.to_start()?, args),
        OpsCommand::Restart(args) => commands::restart(loaded.to_start()?, args),
        OpsCommand::Up(args) => commands::up(loaded.to_start()?, args),
        OpsCommand::Stop(args) => commands::stop(loaded.to_act_on(), args),
        OpsCommand::Attach(args) => commands::attach(loaded.to_act_on(), args),
        OpsCommand::Status(args) => commands::status(loaded.to_act_on(), args),
        OpsCommand::Logs(args) => commands::logs(loaded.to_act_on(), args),
        OpsCommand::SendKeys(args) => commands::send_keys(loaded.to_act_on(), args),
        OpsCommand::Exec(args) => commands::exec(loaded.to_act_on(), args),
        OpsCommand::Down(args) => commands::down(loaded.to_start()?, args),
        OpsCommand::List(args) => commands::list(&loaded, args),
        // doctor reports a broken config instead of stopping at it.
        OpsCommand::Doctor(args) => commands::doctor(&source, args),
    }
}
