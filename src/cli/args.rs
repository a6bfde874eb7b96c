//! The command line, as clap sees it. Options, short forms and defaults are upstream's.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::ops::validate::{self, ValidationError};
use crate::ops::{BackendType, Origin, Runtime};

use super::{complete, exit};

/// Start, stop, attach to, watch and list long-running sessions on tmux and on
/// Docker/Podman containers, driven by kstlib.conf.yml.
#[derive(Debug, Parser)]
#[command(name = "kstlib", version, after_help = main_help(), max_term_width = 100)]
pub struct Cli {
    /// Read this config file only, instead of searching (also KSTLIB_CONFIG).
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        help_heading = "Global options"
    )]
    pub config: Option<PathBuf>,

    /// More output on stderr: -v info, -vv debug (every command run), -vvv trace.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Log level on stderr: TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL (overrides -v).
    #[arg(
        short = 'l',
        long,
        value_enum,
        value_name = "LEVEL",
        hide_possible_values = true
    )]
    pub log_level: Option<LogLevel>,

    /// When to use colours: auto, always, never (auto honours NO_COLOR).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", global = true, help_heading = "Global options", hide_possible_values = true)]
    pub color: ColorWhen,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether the command's output was asked for as JSON (`--json`).
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Command::Ops(OpsCommand::Doctor(args)) => args.json,
            Command::Ops(command) => command.output().is_some_and(|output| output.json),
            _ => false,
        }
    }
}

impl OpsCommand {
    /// The output options (`--json`, `--quiet`) of a command that has them.
    pub fn output(&self) -> Option<Output> {
        match self {
            OpsCommand::Start(args) => Some(args.output),
            OpsCommand::Stop(args) => Some(args.output),
            OpsCommand::Status(args) => Some(args.output),
            OpsCommand::List(args) => Some(args.output),
            OpsCommand::Restart(args) => Some(args.output),
            OpsCommand::Up(args) => Some(args.output),
            OpsCommand::Down(args) => Some(args.output),
            OpsCommand::Attach(_)
            | OpsCommand::Logs(_)
            | OpsCommand::SendKeys(_)
            | OpsCommand::Exec(_)
            | OpsCommand::Doctor(_) => None,
        }
    }
}

/// Top-level commands.
// Parsed once per run: boxing the big variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage sessions (tmux/container).
    #[command(subcommand)]
    Ops(OpsCommand),
    /// Print a shell completion script that completes session names too:
    /// `source <(kstlib completions bash)` in ~/.bashrc (the README has each shell's line).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `kstlib man | man -l -`; with DIR, write a page for
    /// kstlib and every subcommand there (`kstlib man ~/.local/share/man/man1`).
    #[command(after_help = MAN_EXAMPLES)]
    Man {
        /// Write kstlib.1 and kstlib-ops-COMMAND.1 for every command into this directory
        /// (created if missing) instead of printing kstlib.1.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The end of `kstlib --help`: a first example, then the exit codes.
fn main_help() -> String {
    format!(
        "Examples:\n  \
         kstlib ops start dev --command \"python app.py\"   # in tmux\n  \
         kstlib ops list\n  \
         kstlib ops stop dev\n\n{}",
        exit::help()
    )
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  echo 'source <(kstlib completions bash)' >> ~/.bashrc
  kstlib completions fish > ~/.config/fish/completions/kstlib.fish

The script calls kstlib back on each Tab (COMPLETE=SHELL kstlib -- WORDS…): session names
come from kstlib.conf.yml and from what runs, and always match the installed kstlib.";

const MAN_EXAMPLES: &str = "\
Examples:
  kstlib man | man -l -
  kstlib man ~/.local/share/man/man1 && man kstlib-ops-start";

const RESTART_EXAMPLES: &str = "\
Examples:
  kstlib ops restart astro-dev          # a declared session starts as its entry says now
  kstlib ops restart dev --timeout 30";

const UP_EXAMPLES: &str = "\
Examples:
  kstlib ops up                         # every declared session that is not running
  kstlib ops up astro-dev astro-prod --json";

const DOWN_EXAMPLES: &str = "\
Examples:
  kstlib ops down
  kstlib ops down astro-prod --timeout 30";

const SEND_KEYS_EXAMPLES: &str = "\
Examples:
  kstlib ops send-keys dev \"status\"       # types status, then Enter
  kstlib ops send-keys dev C-c --no-enter";

const EXEC_EXAMPLES: &str = "\
Examples:
  kstlib ops exec web -- sh
  kstlib ops exec web -- cat /etc/os-release";

const DOCTOR_EXAMPLES: &str = "\
Examples:
  kstlib ops doctor
  kstlib ops doctor --json";

/// `kstlib ops …`, in upstream's order.
#[derive(Debug, Subcommand)]
#[command(after_help = exit::help())]
pub enum OpsCommand {
    /// Start a session, declared in kstlib.conf.yml or ad hoc.
    #[command(after_help = START_EXAMPLES)]
    Start(StartArgs),
    /// Stop a session: its stop signal, up to --timeout of waiting, then a kill.
    #[command(after_help = STOP_EXAMPLES)]
    Stop(StopArgs),
    /// Attach the terminal to a session (replaces this process).
    #[command(after_help = ATTACH_HELP)]
    Attach(AttachArgs),
    /// Show a session's state.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Show a session's last output lines.
    #[command(after_help = LOGS_EXAMPLES)]
    Logs(LogsArgs),
    /// List every session: tmux servers, containers and declared sessions.
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Stop a session if it runs, then start it again.
    #[command(after_help = RESTART_EXAMPLES)]
    Restart(RestartArgs),
    /// Start every declared session that is not running (or the ones named).
    #[command(after_help = UP_EXAMPLES)]
    Up(UpArgs),
    /// Stop every declared session that runs (or the ones named).
    #[command(after_help = DOWN_EXAMPLES)]
    Down(DownArgs),
    /// Type keys into a tmux session (then Enter).
    #[command(after_help = SEND_KEYS_EXAMPLES)]
    SendKeys(SendKeysArgs),
    /// Run a command in a container session (`kstlib ops exec web -- sh`).
    #[command(after_help = EXEC_EXAMPLES)]
    Exec(ExecArgs),
    /// Check the config, tmux, Podman and Docker.
    #[command(after_help = DOCTOR_EXAMPLES)]
    Doctor(DoctorArgs),
}

const START_EXAMPLES: &str = "\
Examples:
  kstlib ops start dev --backend tmux --command \"python app.py\"
  kstlib ops start orion --socket orion --command \"python bot.py\"
  kstlib ops start astro-dev            # declared in kstlib.conf.yml

Commands run without a shell: \"python app.py > out.log\" passes '>' to python.
Use --command \"sh -c 'python app.py > out.log'\" when you need one.";

const STOP_EXAMPLES: &str = "\
Examples:
  kstlib ops stop dev
  kstlib ops stop dev --timeout 30
  kstlib ops stop orion --socket orion --force";

const ATTACH_HELP: &str = "\
Examples:
  kstlib ops attach dev
  kstlib ops attach orion --socket orion

This command replaces the current process.
For tmux: use Ctrl+B D to detach (inside tmux on the same server it switches client).
For container: use Ctrl+P Ctrl+Q to detach.";

const STATUS_EXAMPLES: &str = "\
Examples:
  kstlib ops status dev
  kstlib ops status orion --socket orion --json";

const LOGS_EXAMPLES: &str = "\
Examples:
  kstlib ops logs dev
  kstlib ops logs dev --lines 50 --ansi
  kstlib ops logs dev --follow
  kstlib ops logs dev --since 10m

Logs of sessions that are gone (stopped, crashed, after a reboot) are read from their
log files; see the README's Logs section.";

const LIST_EXAMPLES: &str = "\
Examples:
  kstlib ops list
  kstlib ops list --backend tmux
  kstlib ops list --origin config --origin managed
  kstlib ops list --backend container --json";

/// Where to look for a session: backend, tmux server, container runtime.
#[derive(Debug, Clone, Default, Args)]
pub struct Target {
    /// Backend type (tmux or container). If not specified, uses config default.
    #[arg(short, long, value_parser = parse_backend, value_name = "BACKEND",
          add = ArgValueCandidates::new(complete::backends))]
    pub backend: Option<BackendType>,

    /// tmux socket name (for sessions started with tmux -L NAME).
    #[arg(
        short = 'L',
        long = "socket",
        value_name = "NAME",
        conflicts_with = "socket_path",
        add = ArgValueCandidates::new(complete::sockets)
    )]
    pub socket: Option<String>,

    /// tmux socket path (for sessions started with tmux -S PATH).
    #[arg(short = 'S', long = "socket-path", value_name = "PATH")]
    pub socket_path: Option<PathBuf>,

    /// Container runtime (podman or docker). If not specified, uses config, else auto-detects.
    #[arg(long, value_parser = parse_runtime, value_name = "RUNTIME",
          add = ArgValueCandidates::new(complete::runtimes))]
    pub runtime: Option<Runtime>,

    /// Host: one of ops.hosts, or `local` for this machine (overrides the session's host).
    #[arg(long, value_name = "HOST", add = ArgValueCandidates::new(complete::hosts))]
    pub host: Option<String>,
}

/// `kstlib ops start`.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::to_start))]
    pub name: String,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,

    /// Command to run in the session (split like a shell would, run without one).
    #[arg(short, long, value_name = "COMMAND", allow_hyphen_values = true)]
    pub command: Option<String>,

    /// Container image (container backend only).
    #[arg(short, long, value_name = "IMAGE")]
    pub image: Option<String>,

    /// Working directory for the session.
    #[arg(short, long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,

    /// Environment variable (KEY=VALUE). Can be repeated.
    #[arg(short, long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// Volume mount (host:container). Can be repeated.
    #[arg(short, long = "volume", value_name = "HOST:CONTAINER")]
    pub volume: Vec<String>,

    /// Port mapping (host:container). Can be repeated.
    #[arg(short, long = "port", value_name = "HOST:CONTAINER")]
    pub port: Vec<String>,

    /// The signal `stop` sends first (default SIGINT, like Ctrl-C).
    #[arg(long, value_name = "SIGNAL", add = ArgValueCandidates::new(complete::signals))]
    pub stop_signal: Option<String>,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// `kstlib ops stop`.
#[derive(Debug, Args)]
pub struct StopArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::existing))]
    pub name: String,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,

    /// How to stop it.
    #[command(flatten)]
    pub stop: StopFlags,

    /// Keep the stopped session (tmux: the dead pane; container: the container and its logs).
    #[arg(long, conflicts_with = "rm")]
    pub keep: bool,

    /// Remove the stopped container even if kstlib did not create it.
    #[arg(long)]
    pub rm: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// How a stop goes: `stop`, `restart` and `down` share these.
#[derive(Debug, Clone, Args)]
pub struct StopFlags {
    /// Force stop without graceful shutdown.
    #[arg(short, long)]
    pub force: bool,

    /// Seconds to wait for graceful shutdown [default: the session's stop_timeout, else 10].
    #[arg(short, long, value_parser = parse_seconds, value_name = "SECONDS")]
    pub timeout: Option<Duration>,

    /// Send this signal first instead of the session's stop signal.
    #[arg(long, value_name = "SIGNAL", add = ArgValueCandidates::new(complete::signals))]
    pub signal: Option<String>,
}

/// `kstlib ops restart`.
#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::any))]
    pub name: String,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,

    /// How to stop it.
    #[command(flatten)]
    pub stop: StopFlags,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// `kstlib ops up`.
#[derive(Debug, Args)]
pub struct UpArgs {
    /// Declared sessions to start (default: all of them).
    #[arg(add = ArgValueCandidates::new(complete::to_start))]
    pub names: Vec<String>,

    /// Only the declared sessions on this host (one of ops.hosts, or `local`).
    #[arg(long, value_name = "HOST", add = ArgValueCandidates::new(complete::hosts))]
    pub host: Option<String>,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// `kstlib ops down`.
#[derive(Debug, Args)]
pub struct DownArgs {
    /// Declared sessions to stop (default: all of them).
    #[arg(add = ArgValueCandidates::new(complete::to_bring_down))]
    pub names: Vec<String>,

    /// Only the declared sessions on this host (one of ops.hosts, or `local`).
    #[arg(long, value_name = "HOST", add = ArgValueCandidates::new(complete::hosts))]
    pub host: Option<String>,

    /// How to stop them.
    #[command(flatten)]
    pub stop: StopFlags,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// `kstlib ops send-keys`.
#[derive(Debug, Args)]
pub struct SendKeysArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::alive_tmux))]
    pub name: String,

    /// Keys: text, or tmux key names such as C-c, Enter, Escape, F10.
    #[arg(required = true)]
    pub keys: Vec<String>,

    /// Do not press Enter after the keys.
    #[arg(long)]
    pub no_enter: bool,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,
}

/// `kstlib ops exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::alive_containers))]
    pub name: String,

    /// The command and its arguments, after `--`; run without a shell.
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,
}

/// `kstlib ops doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Output in JSON format.
    #[arg(long)]
    pub json: bool,
}

/// `kstlib ops attach`.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::alive))]
    pub name: String,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,
}

/// `kstlib ops status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::any))]
    pub name: String,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// `kstlib ops logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Session name.
    #[arg(add = ArgValueCandidates::new(complete::existing))]
    pub name: String,

    /// Where the session is.
    #[command(flatten)]
    pub target: Target,

    /// Number of lines to show.
    #[arg(short = 'n', long, default_value_t = 100, value_name = "N")]
    pub lines: usize,

    /// Keep escape sequences (colours) as the program wrote them.
    #[arg(long)]
    pub ansi: bool,

    /// Keep printing new output until the session ends or Ctrl-C.
    #[arg(short, long)]
    pub follow: bool,

    /// Only output written since then: a duration back from now (90s, 10m, 2h, 1d) or an
    /// RFC 3339 timestamp (2026-12-02T04:28:15Z).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

/// `kstlib ops list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Where the session is.
    #[command(flatten)]
    pub target: Target,

    /// Only sessions of this origin: config (declared), managed (started by kstlib) or
    /// foreign (started by something else). Repeatable.
    #[arg(long, value_enum, value_name = "ORIGIN")]
    pub origin: Vec<OriginFilter>,

    /// Show every foreign container, even more than fit on the screen.
    #[arg(short, long)]
    pub all: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: Output,
}

/// Output format options.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Output {
    /// Minimal output: one line.
    #[arg(short, long, conflicts_with = "json")]
    pub quiet: bool,

    /// Output in JSON format (stdout holds only the JSON document).
    #[arg(long)]
    pub json: bool,
}

/// `list --origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OriginFilter {
    /// Declared in kstlib.conf.yml.
    Config,
    /// Started by kstlib, not declared.
    Managed,
    /// Started by something else (tmux new, docker run).
    Foreign,
}

impl OriginFilter {
    /// The origin it keeps.
    pub fn origin(self) -> Origin {
        match self {
            OriginFilter::Config => Origin::Config,
            OriginFilter::Managed => Origin::Managed,
            OriginFilter::Foreign => Origin::Foreign,
        }
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colours on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `--log-level`, upstream's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum LogLevel {
    /// Everything.
    Trace,
    /// Every command run.
    Debug,
    /// What is done.
    Info,
    /// Problems (default).
    Warning,
    /// Errors only.
    Error,
    /// Errors only (upstream's highest level).
    Critical,
}

/// A value parsed with the library's own parser; clap shows the reason after the value.
fn parsed<T>(result: Result<T, ValidationError>) -> Result<T, String> {
    result.map_err(|err| err.reason().to_owned())
}

fn parse_backend(value: &str) -> Result<BackendType, String> {
    parsed(value.parse())
}

fn parse_runtime(value: &str) -> Result<Runtime, String> {
    parsed(value.parse())
}

fn parse_seconds(value: &str) -> Result<Duration, String> {
    parsed(validate::seconds("timeout", value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn upstream_short_forms_parse() {
        let cli = Cli::try_parse_from([
            "kstlib",
            "ops",
            "start",
            "dev",
            "-b",
            "TMUX",
            "-c",
            "python app.py",
            "-w",
            "/tmp",
            "-e",
            "A=1",
            "-v",
            "/a:/b",
            "-p",
            "80",
            "-L",
            "bots",
            "-q",
        ])
        .expect("parses");
        let Command::Ops(OpsCommand::Start(start)) = cli.command else {
            panic!("not start")
        };
        assert_eq!(start.target.backend, Some(BackendType::Tmux));
        assert_eq!(start.target.socket.as_deref(), Some("bots"));
        assert!(start.output.quiet);
        let cli = Cli::try_parse_from(["kstlib", "ops", "stop", "dev", "-f", "-t", "2.5"])
            .expect("parses");
        let Command::Ops(OpsCommand::Stop(stop)) = cli.command else {
            panic!("not stop")
        };
        assert!(stop.stop.force);
        assert_eq!(stop.stop.timeout, Some(Duration::from_millis(2500)));
        let cli = Cli::try_parse_from(["kstlib", "ops", "logs", "dev", "-n", "5"]).expect("ok");
        let Command::Ops(OpsCommand::Logs(logs)) = cli.command else {
            panic!("not logs")
        };
        assert_eq!(logs.lines, 5);
    }

    /// `kstlib --help` and every `kstlib ops COMMAND --help` show at least one example.
    #[test]
    fn every_help_has_an_example() {
        let mut cli = Cli::command();
        cli.build();
        let main = cli.render_long_help().to_string();
        assert!(main.contains("Examples:\n  kstlib ops"), "{main}");
        let ops = cli.find_subcommand_mut("ops").expect("ops");
        for command in ops.get_subcommands_mut().filter(|c| c.get_name() != "help") {
            let help = command.render_long_help().to_string();
            assert!(
                help.contains("Examples:\n  kstlib ops "),
                "kstlib ops {} --help has no example:\n{help}",
                command.get_name()
            );
        }
    }

    #[test]
    fn a_bad_backend_is_a_usage_error() {
        let err = Cli::try_parse_from(["kstlib", "ops", "list", "-b", "foo"]).expect_err("bad");
        assert!(
            err.to_string().contains("must be 'tmux' or 'container'"),
            "{err}"
        );
    }
}
