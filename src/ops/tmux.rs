//! The tmux backend: one detached tmux session per kstlib session.
//!
//! What upstream got wrong and this file gets right (reference §5, §11):
//! - every target is exact: `-t =NAME` for session commands and `-t =NAME:` for window and
//!   pane commands; a bare `-t bot` would match `botprod` by prefix;
//! - `remain-on-exit` is set in the same tmux invocation as `new-session`, so a program that
//!   ends leaves its session behind in state `exited` with its exit code and its screen;
//! - the PID reported is the program's (`pane_pid`), not the tmux server's (`pid`);
//! - `stop` is a ladder: the stop signal, a wait of up to the timeout, then SIGKILL to the
//!   program's process group (tmux's `kill-session` only sends SIGHUP, which a program may
//!   ignore and outlive);
//! - the argv is handed to tmux as separate arguments, so no shell ever sees it.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use nix::sys::signal::Signal;

use super::backend::{LogOptions, Removal, SessionBackend, StopOptions};
use super::error::{Error, Result};
use super::exec::{Executor, Invocation, Output, SystemExecutor};
use super::model::{
    BackendType, Origin, SessionState, SessionStatus, StopMethod, StopReport, exit_description,
};
use super::process::{self, ProcessState};
use super::spec::{SessionConfig, TmuxSocket};
use super::text::{self, is_blank};
use super::validate::{self, Command, SessionName, SocketName, StopSignal};

/// How long `start` watches a new program before calling the start a success.
///
/// A program that cannot start (a typo, a missing file, a crash on import) dies within a
/// few milliseconds to a few hundred; reporting that as a failed start, with its exit code
/// and output, is the point of watching.
pub const START_GRACE: Duration = Duration::from_millis(500);

/// How often a waiting loop looks at the program again.
const POLL: Duration = Duration::from_millis(20);

/// How many output lines a failed start reports.
const FAILED_START_LINES: usize = 10;

/// The session options kstlib sets on its own sessions. Hyphens are not allowed in the
/// names of tmux user options, hence the underscores.
const MANAGED_OPTION: &str = "@kstlib_managed";
const SIGNAL_OPTION: &str = "@kstlib_stop_signal";

/// One line per session; the name comes last because it is the only free-form field.
const LIST_FORMAT: &str = "#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t\
#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{session_name}";

/// The line tmux writes into a dead pane; it is tmux's, not the program's output.
const DEAD_PANE_MARKER: &str = "Pane is dead (";

/// Sessions on one tmux server (one socket). Upstream's `TmuxRunner`.
#[derive(Debug, Clone)]
pub struct TmuxRunner {
    binary: String,
    socket: TmuxSocket,
    exec: Arc<dyn Executor>,
}

/// One row of `list-sessions`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    name: String,
    pid: Option<u32>,
    dead: bool,
    exit_code: Option<i32>,
    exit_signal: Option<String>,
    created: Option<Timestamp>,
    windows: u32,
    managed: bool,
    stop_signal: Option<StopSignal>,
}

impl TmuxRunner {
    /// A runner for the tmux server at `socket`, using the program `binary` (a name looked
    /// up on `PATH`, or a path).
    pub fn new(binary: impl Into<String>, socket: TmuxSocket) -> Self {
        Self::with_executor(binary, socket, Arc::new(SystemExecutor))
    }

    /// The same, running programs through `exec` (tests use a fake one).
    pub fn with_executor(
        binary: impl Into<String>,
        socket: TmuxSocket,
        exec: Arc<dyn Executor>,
    ) -> Self {
        TmuxRunner {
            binary: binary.into(),
            socket,
            exec,
        }
    }

    /// A runner for the server a session is configured on.
    pub fn for_session(config: &SessionConfig) -> Self {
        Self::new(config.tmux_binary(), config.socket().clone())
    }

    /// The tmux program.
    pub fn binary(&self) -> &str {
        &self.binary
    }

    /// The server this runner talks to.
    pub fn socket(&self) -> &TmuxSocket {
        &self.socket
    }

    /// The path of the server's socket, as tmux computes it.
    pub fn socket_path(&self) -> PathBuf {
        self.socket.path()
    }

    /// `tmux`, `tmux -L bots` or `tmux -S /path`, for messages.
    pub fn describe(&self) -> String {
        self.socket.describe()
    }

    /// Types `keys` into the session's active pane, then Enter if `enter`.
    ///
    /// Keys keep upstream's rules (no `;`, `|`, `$(…)`, …) because they are typed into
    /// whatever shell runs in the pane.
    pub fn send_keys(&self, name: &SessionName, keys: &str, enter: bool) -> Result<()> {
        validate::validate_send_keys(keys)?;
        self.require(name)?;
        let target = pane_target(name);
        let mut args = vec!["send-keys", "-t", &target, keys];
        if enter {
            args.push("Enter");
        }
        let out = self.run(args)?;
        if out.success() {
            Ok(())
        } else {
            Err(Error::Backend {
                command: format!("{} send-keys", self.describe()),
                code: out.code,
                stderr: first_line(&out.stderr_text()),
            })
        }
    }

    /// The base invocation: the binary and the socket arguments.
    fn invocation(&self) -> Invocation {
        let invocation = Invocation::new(&self.binary).args(self.socket.args());
        match self.socket {
            // Without -L/-S, tmux would use the server named in $TMUX when kstlib runs
            // inside tmux; the default socket must mean the default socket.
            TmuxSocket::Default => invocation.env_remove("TMUX"),
            _ => invocation,
        }
    }

    fn run<I, S>(&self, args: I) -> Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let invocation = self.invocation().args(args);
        self.exec.output(&invocation).map_err(|err| {
            Error::from_exec(err, &self.describe(), || Error::TmuxNotFound {
                binary: self.binary.clone(),
            })
        })
    }

    /// Every session on this server; none when the server is not running.
    fn rows(&self) -> Result<Vec<Row>> {
        let out = self.run(["list-sessions", "-F", LIST_FORMAT])?;
        if !out.success() {
            let stderr = out.stderr_text();
            if no_server(&stderr) {
                return Ok(Vec::new());
            }
            return Err(Error::Backend {
                command: format!("{} list-sessions", self.describe()),
                code: out.code,
                stderr,
            });
        }
        Ok(out
            .stdout_text()
            .lines()
            .filter_map(parse_row)
            .map(settle)
            .collect())
    }

    fn find(&self, name: &SessionName) -> Result<Option<Row>> {
        Ok(self
            .rows()?
            .into_iter()
            .find(|row| row.name == name.as_str()))
    }

    fn require(&self, name: &SessionName) -> Result<Row> {
        self.find(name)?.ok_or_else(|| not_found(name))
    }

    fn to_status(&self, row: Row) -> SessionStatus {
        let mut status = SessionStatus::new(
            row.name,
            if row.dead {
                SessionState::Exited
            } else {
                SessionState::Running
            },
            BackendType::Tmux,
        );
        status.pid = if row.dead { None } else { row.pid };
        status.created_at = row.created;
        status.window_count = row.windows;
        status.socket_name = self.socket.name().map(str::to_owned);
        status.socket_path = Some(self.socket_path());
        status.exit_code = row.exit_code;
        status.exit_signal = row.exit_signal;
        status.origin = if row.managed {
            Origin::Managed
        } else {
            Origin::Foreign
        };
        status
    }

    fn kill_session(&self, name: &SessionName) -> Result<()> {
        let out = self.run(["kill-session", "-t", &session_target(name)])?;
        let stderr = out.stderr_text();
        // Gone already: a foreign session without remain-on-exit ends with its program,
        // and the server with its last session.
        if out.success() || missing_session(&stderr) || no_server(&stderr) {
            Ok(())
        } else {
            Err(Error::SessionStop {
                name: name.to_string(),
                backend: BackendType::Tmux,
                reason: first_line(&stderr),
            })
        }
    }

    /// The pane's text: all of its history, wrapped lines joined, tmux's own "Pane is dead"
    /// line and the blank rows below the last output removed.
    fn capture(&self, name: &SessionName, ansi: bool) -> Result<Vec<String>> {
        let target = pane_target(name);
        let mut args = vec![
            "capture-pane",
            "-p",
            "-J",
            "-S",
            "-",
            "-E",
            "-",
            "-t",
            &target,
        ];
        if ansi {
            args.push("-e");
        }
        let out = self.run(args)?;
        if !out.success() {
            let stderr = out.stderr_text();
            if missing_session(&stderr) || no_server(&stderr) {
                return Err(not_found(name));
            }
            return Err(Error::Backend {
                command: format!("{} capture-pane", self.describe()),
                code: out.code,
                stderr,
            });
        }
        Ok(screen_lines(&out.stdout_text()))
    }

    fn start_failed(&self, config: &SessionConfig, reason: String) -> Error {
        Error::SessionStart {
            name: config.name().to_string(),
            backend: BackendType::Tmux,
            reason,
            exit_code: None,
            output: Vec::new(),
        }
    }

    /// The arguments of `new-session` and of the options set in the same invocation.
    fn new_session_args(&self, config: &SessionConfig, signal: StopSignal) -> Vec<OsString> {
        let name = config.name();
        let mut args: Vec<OsString> = vec![
            "new-session".into(),
            "-d".into(),
            "-P".into(),
            "-F".into(),
            "#{pane_pid}".into(),
            "-s".into(),
            name.as_str().into(),
        ];
        if let Some(dir) = config.working_dir() {
            args.push("-c".into());
            args.push(dir.as_os_str().to_owned());
        }
        for var in config.env() {
            args.push("-e".into());
            args.push(format!("{}={}", var.key(), var.value()).into());
        }
        if let Some(command) = config.command() {
            args.push("--".into());
            // tmux runs a single argument through `default-shell -c`, which would make a
            // shell read it; `env` execs the program in place, keeping the PID.
            if command.argv().len() == 1 {
                args.push("env".into());
                args.push("--".into());
            }
            args.extend(
                command
                    .argv()
                    .iter()
                    .map(|arg| escape_semicolon(arg).into()),
            );
        }
        let window = pane_target(name);
        for (flag, option, value) in [
            ("-w", "remain-on-exit", "on"),
            ("-q", MANAGED_OPTION, "1"),
            ("-q", SIGNAL_OPTION, &signal.to_string()),
        ] {
            args.extend(
                [";", "set-option", flag, "-t", &window, option, value]
                    .into_iter()
                    .map(OsString::from),
            );
        }
        args
    }

    /// Watches a program that was just started for [`START_GRACE`]: its row if it still
    /// runs, else how it ended and its last lines.
    fn watch(&self, name: &SessionName, pid: Option<u32>) -> Result<Result<Row, FailedStart>> {
        if let Some(pid) = pid {
            Self::wait_gone(pid, START_GRACE);
        }
        match self.find(name)? {
            Some(row) if !row.dead => Ok(Ok(row)),
            row => {
                let output = self
                    .capture(name, false)
                    .map(|lines| last(lines, FAILED_START_LINES))
                    .unwrap_or_default();
                let (exit_code, exit_signal) = row
                    .map(|row| (row.exit_code, row.exit_signal))
                    .unwrap_or_default();
                Ok(Err(FailedStart {
                    exit_code,
                    exit_signal,
                    output,
                }))
            }
        }
    }

    /// Waits for the program to die, up to `limit`; true if it did.
    fn wait_gone(pid: u32, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if !process::alive(pid) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(POLL);
        }
    }
}

impl SessionBackend for TmuxRunner {
    fn backend_type(&self) -> BackendType {
        BackendType::Tmux
    }

    fn start(&self, config: &SessionConfig) -> Result<SessionStatus> {
        let name = config.name();
        if let Some(dir) = config.working_dir() {
            // tmux silently starts elsewhere when the directory does not exist.
            if !dir.is_dir() {
                return Err(self.start_failed(
                    config,
                    format!("working directory '{}' does not exist", dir.display()),
                ));
            }
        }
        if let Some(row) = self.find(name)? {
            if !row.dead {
                return Err(Error::SessionExists {
                    name: name.to_string(),
                    where_: self.describe(),
                });
            }
            // An exited session is only kept for its exit code and screen; starting it
            // again replaces it, as a stopped container is started again.
            self.kill_session(name)?;
        }
        // A session without a command runs a shell, which ignores SIGINT: SIGHUP is what
        // closing its terminal would send.
        let signal = config.stop_signal().unwrap_or(match config.command() {
            Some(_) => StopSignal::default(),
            None => StopSignal::from(Signal::SIGHUP),
        });
        let out = self.run(self.new_session_args(config, signal))?;
        if !out.success() {
            let stderr = out.stderr_text();
            if stderr.contains("duplicate session") {
                return Err(Error::SessionExists {
                    name: name.to_string(),
                    where_: self.describe(),
                });
            }
            return Err(self.start_failed(config, first_line(&stderr)));
        }
        let pid = out
            .stdout_text()
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<u32>().ok());
        match self.watch(name, pid)? {
            Ok(row) => {
                let mut status = self.to_status(row);
                status.origin = if config.is_declared() {
                    Origin::Config
                } else {
                    Origin::Managed
                };
                Ok(status)
            }
            Err(failed) => {
                // Nothing is left behind by a start that failed.
                self.kill_session(name)?;
                Err(failed.into_error(name, config.command(), config.working_dir()))
            }
        }
    }

    fn restart(&self, name: &SessionName, options: &StopOptions) -> Result<SessionStatus> {
        let row = self.require(name)?;
        if !row.dead {
            let keep = StopOptions {
                removal: Removal::Keep,
                ..*options
            };
            self.stop(name, &keep)?;
        }
        // The pane runs its command again, in its directory and environment: what the
        // session was started with, which kstlib does not need to know.
        let out = self.run(["respawn-pane", "-k", "-t", &pane_target(name)])?;
        if !out.success() {
            return Err(Error::SessionStart {
                name: name.to_string(),
                backend: BackendType::Tmux,
                reason: first_line(&out.stderr_text()),
                exit_code: None,
                output: Vec::new(),
            });
        }
        let pid = self.find(name)?.and_then(|row| row.pid);
        match self.watch(name, pid)? {
            Ok(row) => Ok(self.to_status(row)),
            Err(failed) => Err(failed.into_error(name, None, None)),
        }
    }

    fn stop(&self, name: &SessionName, options: &StopOptions) -> Result<StopReport> {
        let started = Instant::now();
        let row = self.require(name)?;
        let mut report =
            StopReport::already_exited(name.as_str(), BackendType::Tmux, row.exit_code);
        if let (false, Some(pid)) = (row.dead, row.pid) {
            report.method = if options.graceful {
                let signal = options.signal.or(row.stop_signal).unwrap_or_default();
                report.signal = Some(signal.to_string());
                process::send_signal(pid, signal.signal());
                if Self::wait_gone(pid, options.timeout) {
                    StopMethod::Graceful
                } else {
                    process::send_signal(pid, Signal::SIGKILL);
                    Self::wait_gone(pid, Duration::from_secs(2));
                    StopMethod::Killed
                }
            } else {
                report.signal = Some(Signal::SIGKILL.as_str().to_owned());
                process::send_signal(pid, Signal::SIGKILL);
                Self::wait_gone(pid, Duration::from_secs(2));
                StopMethod::Forced
            };
            report.exit_code = self.find(name)?.and_then(|row| row.exit_code);
        }
        if options.removal != Removal::Keep {
            self.kill_session(name)?;
            report.removed = true;
        }
        report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(report)
    }

    fn attach(&self, name: &SessionName) -> Result<()> {
        let row = self.require(name)?;
        let attach_error = |reason: String| Error::SessionAttach {
            name: name.to_string(),
            backend: BackendType::Tmux,
            reason,
        };
        if row.dead {
            return Err(attach_error(format!(
                "it is not running ({}); `kstlib ops logs {name}` shows its last output",
                exit_description(row.exit_code, row.exit_signal.as_deref())
            )));
        }
        if inside_server(&self.socket_path()) {
            // Attaching from inside the same server would nest it in itself, which tmux
            // refuses; switching the current client is what the user means.
            let invocation = Invocation::new(&self.binary)
                .arg("-S")
                .arg(self.socket_path())
                .args(["switch-client", "-t", &session_target(name)]);
            let out = self
                .exec
                .output(&invocation)
                .map_err(|err| attach_error(err.to_string()))?;
            return if out.success() {
                Ok(())
            } else {
                Err(attach_error(first_line(&out.stderr_text())))
            };
        }
        if !io::IsTerminal::is_terminal(&io::stdin()) {
            return Err(attach_error(
                "stdin is not a terminal; attach needs an interactive terminal".to_owned(),
            ));
        }
        let invocation = self
            .invocation()
            .args(["attach-session", "-t", &session_target(name)]);
        Err(attach_error(self.exec.replace(&invocation).to_string()))
    }

    fn status(&self, name: &SessionName) -> Result<SessionStatus> {
        Ok(self.to_status(self.require(name)?))
    }

    fn logs(&self, name: &SessionName, options: &LogOptions) -> Result<String> {
        let lines = last(self.capture(name, options.ansi)?, options.lines);
        Ok(join_lines(&lines))
    }

    fn follow(&self, name: &SessionName, options: &LogOptions, out: &mut dyn Write) -> Result<()> {
        follow_capture(self, name, options, out)
    }

    fn list_sessions(&self) -> Result<Vec<SessionStatus>> {
        Ok(self
            .rows()?
            .into_iter()
            .map(|row| self.to_status(row))
            .collect())
    }
}

/// Prints the last lines, then every new complete line, until the session ends or the
/// reader goes away. tmux keeps no log of its own, so this compares successive captures of
/// the pane's history: new lines are what follows the previous capture's tail.
fn follow_capture(
    runner: &TmuxRunner,
    name: &SessionName,
    options: &LogOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let mut seen = runner.capture(name, options.ansi)?;
    if write_lines(out, &last(seen.clone(), options.lines)).is_err() {
        return Ok(());
    }
    loop {
        thread::sleep(Duration::from_millis(250));
        let row = runner.find(name)?;
        let current = match runner.capture(name, options.ansi) {
            Ok(lines) => lines,
            Err(Error::SessionNotFound { .. }) => return Ok(()),
            Err(err) => return Err(err),
        };
        let fresh = new_lines(&seen, &current);
        if write_lines(out, fresh).is_err() {
            return Ok(());
        }
        seen = current;
        if row.is_none_or(|row| row.dead) {
            return Ok(());
        }
    }
}

/// The lines of `current` that come after the part it shares with `previous`.
///
/// The pane's history is a window: lines are appended at the bottom and, past the history
/// limit, dropped at the top. So `current` starts with some suffix of `previous`; the
/// longest such suffix is the overlap. The last line may still be growing (a line without
/// its newline yet), so it counts as shared when `previous` had its beginning.
fn new_lines<'a>(previous: &[String], current: &'a [String]) -> &'a [String] {
    for start in 0..previous.len() {
        let tail = &previous[start..];
        if tail.len() > current.len() {
            continue;
        }
        let (last, body) = match tail.split_last() {
            Some(split) => split,
            None => break,
        };
        let head = &current[..tail.len()];
        if head[..body.len()] == *body && head[body.len()].starts_with(last.as_str()) {
            // A growing last line is printed again in full once it has grown.
            return if head[body.len()] == *last {
                &current[tail.len()..]
            } else {
                &current[body.len()..]
            };
        }
    }
    current
}

fn write_lines(out: &mut dyn Write, lines: &[String]) -> io::Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}

/// How a program that died right after starting ended.
struct FailedStart {
    exit_code: Option<i32>,
    exit_signal: Option<String>,
    output: Vec<String>,
}

impl FailedStart {
    fn into_error(
        self,
        name: &SessionName,
        command: Option<&Command>,
        working_dir: Option<&Path>,
    ) -> Error {
        let missing = command.map(Command::program).filter(|program| {
            super::exec::find_program(program.as_ref()).is_none()
                && !working_dir.is_some_and(|dir| dir.join(program).is_file())
        });
        let mut err = Error::exited_at_start(
            name,
            BackendType::Tmux,
            self.exit_code,
            self.exit_signal.as_deref(),
            self.output,
        );
        if let (Some(program), Error::SessionStart { reason, .. }) = (missing, &mut err) {
            reason.push_str(&format!("; '{program}' was not found on PATH"));
        }
        err
    }
}

/// Corrects a row with what the process itself says: tmux may not have noticed the death
/// yet, or may never learn the exit status (see `process`).
fn settle(mut row: Row) -> Row {
    let Some(pid) = row.pid else {
        return row;
    };
    if row.dead && row.exit_code.is_some() {
        return row;
    }
    match process::state(pid) {
        ProcessState::Zombie(ending) => {
            row.dead = true;
            if let Some(ending) = ending {
                row.exit_code = Some(ending.code);
                row.exit_signal = ending.signal.map(|signal| signal.as_str().to_owned());
            }
        }
        // Gone without tmux knowing: tmux is about to notice, or the server lives in
        // another PID namespace; its own word is the safer one.
        ProcessState::Gone | ProcessState::Alive => {}
    }
    row
}

fn parse_row(line: &str) -> Option<Row> {
    let mut fields = line.splitn(9, '\t');
    let pid = fields.next()?.parse::<u32>().ok();
    let dead = fields.next()? == "1";
    let status = fields.next()?.parse::<i32>().ok();
    let signal = fields
        .next()?
        .parse::<i32>()
        .ok()
        .and_then(|n| Signal::try_from(n).ok());
    let created = fields
        .next()?
        .parse::<i64>()
        .ok()
        .and_then(|secs| Timestamp::from_second(secs).ok());
    let windows = fields.next()?.parse::<u32>().unwrap_or(0);
    let managed = fields.next()? == "1";
    let stop_signal = StopSignal::parse(fields.next()?).ok();
    let name = fields.next()?.to_owned();
    let (exit_code, exit_signal) = match (dead, signal) {
        // Shells and container runtimes report death by signal N as 128 + N.
        (true, Some(signal)) => (Some(128 + signal as i32), Some(signal.as_str().to_owned())),
        (true, None) => (status, None),
        (false, _) => (None, None),
    };
    Some(Row {
        name,
        pid,
        dead,
        exit_code,
        exit_signal,
        created,
        windows,
        managed,
        stop_signal,
    })
}

/// Splits a capture into lines, without tmux's dead-pane line and trailing blank rows.
fn screen_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    while lines.last().is_some_and(|line| is_blank(line)) {
        lines.pop();
    }
    if lines
        .last()
        .is_some_and(|line| line.starts_with(DEAD_PANE_MARKER))
    {
        lines.pop();
        while lines.last().is_some_and(|line| is_blank(line)) {
            lines.pop();
        }
    }
    lines
}

fn last(mut lines: Vec<String>, n: usize) -> Vec<String> {
    let skip = lines.len().saturating_sub(n);
    lines.drain(..skip);
    lines
}

fn join_lines(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// `=NAME`: the `=` makes tmux match the name exactly instead of by prefix or pattern.
fn session_target(name: &SessionName) -> String {
    format!("={name}")
}

/// `=NAME:`: window and pane commands need the trailing colon for `=` to apply to the
/// session part of the target.
fn pane_target(name: &SessionName) -> String {
    format!("={name}:")
}

/// tmux splits its argv into commands at any argument that ends with `;`; a `\;` ending
/// stands for a literal `;` (so `find . -exec rm {} ;` keeps its `;`).
fn escape_semicolon(arg: &str) -> String {
    match arg.strip_suffix(';') {
        Some(rest) => format!("{rest}\\;"),
        None => arg.to_owned(),
    }
}

fn first_line(text: &str) -> String {
    text::first_line(text, "tmux")
}

/// tmux's ways of saying there is no server: none was running, its socket is dead, or
/// it was shutting down (its last session just ended) while we asked.
fn no_server(stderr: &str) -> bool {
    [
        "no server running",
        "error connecting to",
        "server exited unexpectedly",
        "lost server",
    ]
    .iter()
    .any(|words| stderr.contains(words))
}

fn missing_session(stderr: &str) -> bool {
    stderr.contains("can't find session") || stderr.contains("session not found")
}

fn not_found(name: &SessionName) -> Error {
    Error::SessionNotFound {
        name: name.to_string(),
        backend: Some(BackendType::Tmux),
    }
}

/// tmux's socket directory: `$TMUX_TMPDIR/tmux-UID`, `/tmp/tmux-UID` by default.
pub fn socket_dir() -> PathBuf {
    let base = std::env::var_os("TMUX_TMPDIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    base.join(format!("tmux-{}", nix::unistd::getuid()))
}

/// Whether kstlib runs inside a pane of the tmux server at `socket` (per `$TMUX`).
fn inside_server(socket: &Path) -> bool {
    let Some(tmux) = std::env::var_os("TMUX") else {
        return false;
    };
    let tmux = tmux.to_string_lossy();
    let current = Path::new(tmux.split(',').next().unwrap_or(""));
    match (current.canonicalize(), socket.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => current == socket,
    }
}

/// The live tmux servers in the socket directory, as sockets to query.
///
/// Upstream listed every entry of a hard-wired `/tmp/tmux-UID`; this honours
/// `TMUX_TMPDIR`, keeps only sockets, and skips dead ones (a server that crashed leaves its
/// socket behind; connecting to it is refused).
pub fn discover_sockets() -> Vec<TmuxSocket> {
    discover_sockets_in(&socket_dir())
}

fn discover_sockets_in(dir: &Path) -> Vec<TmuxSocket> {
    use std::os::unix::fs::FileTypeExt;
    use std::os::unix::net::UnixStream;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut sockets: Vec<TmuxSocket> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_socket()))
        .filter(|entry| UnixStream::connect(entry.path()).is_ok())
        .map(|entry| {
            let file_name = entry.file_name();
            let name = file_name.to_string_lossy();
            if name == "default" {
                TmuxSocket::Default
            } else {
                match SocketName::new(&name) {
                    Ok(name) => TmuxSocket::Name(name),
                    Err(_) => TmuxSocket::Path(entry.path()),
                }
            }
        })
        .collect();
    sockets.sort();
    sockets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn targets_are_exact() {
        let name = SessionName::new("bot").expect("valid");
        assert_eq!(session_target(&name), "=bot");
        assert_eq!(pane_target(&name), "=bot:");
    }

    #[test]
    fn arguments_ending_in_a_semicolon_are_escaped_for_tmux() {
        assert_eq!(escape_semicolon(";"), "\\;");
        assert_eq!(escape_semicolon("a;"), "a\\;");
        assert_eq!(escape_semicolon("b\\;"), "b\\\\;");
        assert_eq!(escape_semicolon("a;b"), "a;b");
    }

    #[test]
    fn rows_parse_live_and_dead_panes() {
        let live = parse_row("42\t0\t\t\t1795691879\t2\t1\tSIGTERM\tbot").expect("row");
        assert_eq!(live.pid, Some(42));
        assert!(!live.dead && live.managed);
        assert_eq!(live.windows, 2);
        assert_eq!(live.stop_signal, StopSignal::parse("TERM").ok());
        assert_eq!(
            live.created.map(|t| t.to_string()).as_deref(),
            Some("2026-11-26T11:17:59Z")
        );
        let dead = parse_row("42\t1\t3\t\t1795691879\t1\t\t\tweird name\twith tab").expect("row");
        assert_eq!((dead.exit_code, dead.exit_signal), (Some(3), None));
        assert_eq!(dead.name, "weird name\twith tab");
        let killed = parse_row("42\t1\t\t15\t1\t1\t\t\tk").expect("row");
        assert_eq!(killed.exit_code, Some(143));
        assert_eq!(killed.exit_signal.as_deref(), Some("SIGTERM"));
        assert!(parse_row("garbage").is_none());
    }

    #[test]
    fn screen_lines_drop_the_dead_pane_line_and_blank_rows() {
        let text = "one\ntwo\n\nPane is dead (status 2, Thu Nov 26 11:23:04 2026)\n\n\n";
        assert_eq!(screen_lines(text), strings(&["one", "two"]));
        assert_eq!(screen_lines("a\n\u{1b}[39m  \n"), strings(&["a"]));
        assert!(screen_lines("\n\n").is_empty());
    }

    #[test]
    fn last_keeps_exactly_n_lines() {
        let lines = strings(&["1", "2", "3"]);
        assert_eq!(last(lines.clone(), 2), strings(&["2", "3"]));
        assert_eq!(last(lines.clone(), 5), lines);
        assert!(last(lines, 0).is_empty());
    }

    #[test]
    fn new_lines_finds_what_follows_the_overlap() {
        let before = strings(&["a", "b", "c"]);
        assert_eq!(new_lines(&before, &strings(&["a", "b", "c", "d"])), ["d"]);
        // The history limit dropped "a" and "b".
        assert_eq!(new_lines(&before, &strings(&["c", "d", "e"])), ["d", "e"]);
        // The last line grew: it is printed again, whole.
        assert_eq!(
            new_lines(&before, &strings(&["a", "b", "cc", "d"])),
            ["cc", "d"]
        );
        assert!(new_lines(&before, &before).is_empty());
        assert_eq!(new_lines(&[], &strings(&["x"])), ["x"]);
    }

    #[test]
    fn discovery_keeps_live_sockets_only() {
        use std::os::unix::net::UnixListener;
        let dir = tempfile::tempdir().expect("tempdir");
        let _live = UnixListener::bind(dir.path().join("bots")).expect("bind");
        let _default = UnixListener::bind(dir.path().join("default")).expect("bind");
        drop(UnixListener::bind(dir.path().join("dead")).expect("bind"));
        std::fs::write(dir.path().join("file"), "").expect("write");
        let sockets = discover_sockets_in(dir.path());
        let bots = TmuxSocket::Name(SocketName::new("bots").expect("valid"));
        assert_eq!(sockets, vec![TmuxSocket::Default, bots]);
    }
}
