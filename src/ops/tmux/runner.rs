//! [`TmuxRunner`]: the verbs of one tmux server, through the `tmux` program.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::follow::follow_capture;
use super::list::{
    FailedStart, HASH_OPTION, LIST_FORMAT, MANAGED_OPTION, Row, SIGNAL_OPTION, join_lines, last,
    parse_row, screen_lines, settle, settle_with,
};
use super::log::{Ended, since_needs_a_log};
use super::socket::inside_server;
use super::target::{
    escape_semicolon, missing_session, no_server, not_found, pane_target, session_target,
    unreachable,
};
use crate::ops::backend::{FAILED_START_LINES, LogOptions, Removal, SessionBackend, StopOptions};
use crate::ops::config::refusal;
use crate::ops::error::{Error, Reason, Result};
use crate::ops::exec::{Executor, Invocation, Output, SystemExecutor};
use crate::ops::host::Host;
use crate::ops::logs::LogSettings;
use crate::ops::model::{
    BackendType, Origin, SessionState, SessionStatus, StopMethod, StopReport, TmuxSocket,
};
use crate::ops::progress::{self, Wait};
use crate::ops::sanitize;
use crate::ops::shell::Script;
use crate::ops::spec::{NotStartable, SessionConfig};
use crate::ops::timing::{self, KILL_GRACE, START_GRACE};
use crate::ops::validate::{self, SessionName, StopSignal};
/// Sessions on one tmux server (one socket). Upstream's `TmuxRunner`.
#[derive(Debug, Clone)]
pub struct TmuxRunner {
    binary: String,
    socket: TmuxSocket,
    exec: Arc<dyn Executor>,
    logs: LogSettings,
    start_grace: Duration,
    /// Where the server runs: its processes and log files are looked at there.
    host: Host,
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
            logs: LogSettings::from_env(),
            start_grace: START_GRACE,
            host: Host::local(),
        }
    }

    /// A runner for the tmux server at `socket` on `host`: tmux, the pane programs' states
    /// and signals, and the log files are all there.
    pub fn on_host(binary: impl Into<String>, socket: TmuxSocket, host: Host) -> Self {
        TmuxRunner {
            exec: host.executor(),
            host,
            ..Self::new(binary, socket)
        }
    }

    /// A runner for the server a session is configured on, with its log settings and
    /// start grace.
    pub fn for_session(config: &SessionConfig) -> Self {
        TmuxRunner {
            start_grace: config.start_grace(),
            ..Self::on_host(
                config.tmux_binary(),
                config.socket().clone(),
                Host::of(config.host()),
            )
            .with_logs(config.logs().clone())
        }
    }

    /// The host the server runs on.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The same runner, writing the logs of the sessions it starts as `logs` says.
    #[must_use]
    pub fn with_logs(mut self, logs: LogSettings) -> Self {
        self.logs = logs;
        self
    }

    /// Where the logs of the sessions it starts go.
    pub fn log_settings(&self) -> &LogSettings {
        &self.logs
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

    /// `BINARY [-L NAME|-S PATH] VERB`, for messages: the binary is named, so that a
    /// `tmux_binary` that is not tmux shows in the error.
    fn command_line(&self, verb: &str) -> String {
        format!("{} {verb}", self.invocation())
    }

    /// The error for a failed `verb`: the server unreachable (its socket refuses this user),
    /// or tmux's own words.
    fn refused(&self, verb: &str, out: &Output) -> Error {
        let stderr = out.stderr_text();
        if unreachable(&stderr) {
            return Error::Unavailable {
                what: self.describe(),
                reason: self.said(&stderr),
            };
        }
        Error::Backend {
            command: self.command_line(verb),
            code: out.code,
            stderr: self.said(&stderr),
        }
    }

    /// What the tmux binary said on stderr, as the reason of an error; the binary is named
    /// when it said nothing.
    fn said(&self, stderr: &str) -> Reason {
        Reason::stderr(stderr, &format!("'{}'", self.binary))
    }

    /// The base invocation: the binary and the socket arguments.
    fn invocation(&self) -> Invocation {
        // In a locale that is not UTF-8 (no `LANG`: over ssh, under cron or systemd, in a
        // container, `env -i`), tmux writes each tab of its output as `_`, and the rows of
        // `list-sessions` could not be read: every session would look dead or missing.
        // `-u` says the output may be UTF-8, which keeps the tabs.
        self.client_invocation().arg("-u")
    }

    /// The base invocation for a client a person uses (`attach`): the user's own locale
    /// decides how it draws.
    fn client_invocation(&self) -> Invocation {
        let invocation = Invocation::new(&self.binary)
            .args(self.socket.args())
            .timeout(timing::tmux_timeout());
        match self.socket {
            // Without -L/-S, tmux would use the server named in $TMUX when kstlib runs
            // inside tmux; the default socket must mean the default socket.
            TmuxSocket::Default => invocation.env_remove("TMUX"),
            _ => invocation,
        }
    }

    pub(super) fn run<I, S>(&self, args: I) -> Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.run_invocation(&self.invocation().args(args))
    }

    fn run_invocation(&self, invocation: &Invocation) -> Result<Output> {
        self.exec.output(invocation).map_err(|err| {
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
            // Listing asks nothing of a session: when it fails, tmux (or what
            // `tmux_binary` names) cannot be used at all, for `start` as for `status`.
            return Err(match self.refused("list-sessions", &out) {
                err @ Error::Unavailable { .. } => err,
                err => Error::Unavailable {
                    what: self.describe(),
                    reason: err.to_string().into(),
                },
            });
        }
        let rows: Vec<Row> = out.stdout_text().lines().filter_map(parse_row).collect();
        Ok(self.settle_rows(rows))
    }

    /// Corrects rows with what the processes say (see [`settle`]); on a remote host, where
    /// a look costs a round trip, only the rows whose exit status tmux missed, in one call.
    fn settle_rows(&self, rows: Vec<Row>) -> Vec<Row> {
        if !self.host.is_remote() {
            return rows.into_iter().map(settle).collect();
        }
        let unsure: Vec<u32> = rows
            .iter()
            .filter(|row| row.dead && row.exit_code.is_none())
            .filter_map(|row| row.pid)
            .collect();
        let states = self.host.process_states(&unsure);
        rows.into_iter()
            .map(|row| match row.pid.and_then(|pid| states.get(&pid)) {
                Some(state) => settle_with(row, *state),
                None => row,
            })
            .collect()
    }

    pub(super) fn find(&self, name: &SessionName) -> Result<Option<Row>> {
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
        status.socket = Some(self.socket.clone());
        status.exit_code = row.exit_code;
        status.exit_signal = row.exit_signal;
        status.origin = if row.managed {
            Origin::Managed
        } else {
            Origin::Foreign
        };
        status.config_hash = row.config_hash;
        status
    }

    pub(super) fn kill_session(&self, name: &SessionName) -> Result<()> {
        let out = self.run(["kill-session", "-t", &session_target(name)])?;
        let stderr = out.stderr_text();
        // Gone already: a foreign session without remain-on-exit ends with its program,
        // and the server with its last session.
        if out.success() || missing_session(&stderr) || no_server(&stderr) {
            Ok(())
        } else if unreachable(&stderr) {
            Err(self.refused("kill-session", &out))
        } else {
            Err(Error::SessionStop {
                name: name.to_string(),
                backend: BackendType::Tmux,
                reason: self.said(&stderr),
            })
        }
    }

    /// The pane's text: all of its history, wrapped lines joined, tmux's own "Pane is dead"
    /// line and the blank rows below the last output removed. Unless `ansi`, each line goes
    /// through [`sanitize::strip_escapes`] like a container's: tmux's terminal has already
    /// obeyed the controls, but its cells keep bidi and zero-width characters.
    pub(super) fn capture(&self, name: &SessionName, ansi: bool) -> Result<Vec<String>> {
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
            return Err(self.refused("capture-pane", &out));
        }
        let lines = screen_lines(&out.stdout_text());
        Ok(if ansi {
            lines
        } else {
            lines
                .iter()
                .map(|line| sanitize::strip_escapes(line))
                .collect()
        })
    }

    fn start_failed(&self, config: &SessionConfig, reason: impl Into<Reason>) -> Error {
        Error::SessionStart {
            name: config.name().to_string(),
            backend: BackendType::Tmux,
            reason: reason.into(),
            exit_code: None,
            output: Vec::new(),
        }
    }

    /// The arguments of `new-session` and of the options set in the same invocation.
    fn new_session_args(
        &self,
        config: &SessionConfig,
        signal: StopSignal,
        working_dir: Option<&Path>,
    ) -> Vec<OsString> {
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
        if let Some(dir) = working_dir {
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
            ("-q", HASH_OPTION, &config.config_hash()),
        ] {
            args.extend(
                [";", "set-option", flag, "-t", &window, option, value]
                    .into_iter()
                    .map(OsString::from),
            );
        }
        args.extend(self.pipe_args(name, None));
        args
    }

    /// Watches a program that was just started for the start grace: its row if it still
    /// runs, else how it ended and its last lines.
    fn watch(&self, name: &SessionName, pid: Option<u32>) -> Result<Result<Row, FailedStart>> {
        if let Some(pid) = pid {
            let _wait = progress::waiting(|| Wait::start(name, self.start_grace));
            self.wait_gone(pid, self.start_grace);
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
    fn wait_gone(&self, pid: u32, limit: Duration) -> bool {
        self.host.wait_gone(pid, limit)
    }

    /// The working directory to start `config` in. On this machine it was checked with the
    /// rest of the session ([`SessionConfig::not_startable`]); on a remote host it is
    /// resolved and checked there (`~` is the home there): tmux silently starts elsewhere
    /// when it does not exist.
    fn working_dir(&self, config: &SessionConfig) -> Result<Option<PathBuf>> {
        let Some(dir) = config.working_dir() else {
            return Ok(None);
        };
        if !self.host.is_remote() {
            return Ok(Some(dir.to_path_buf()));
        }
        let missing = || refusal(&NotStartable::NoWorkingDir(dir.to_path_buf()), config).into();
        let out = self
            .host
            .run_script(Script::DIRECTORY, [dir], timing::tmux_timeout())
            .map_err(|err| Error::from_exec(err, &self.describe(), missing))?;
        match out.stdout_text().lines().next() {
            Some(resolved) if out.success() && resolved.starts_with('/') => {
                Ok(Some(PathBuf::from(resolved)))
            }
            _ => Err(missing()),
        }
    }
}

impl SessionBackend for TmuxRunner {
    fn backend_type(&self) -> BackendType {
        BackendType::Tmux
    }

    fn start(&self, config: &SessionConfig) -> Result<SessionStatus> {
        let name = config.name();
        let exited = match self.find(name)? {
            Some(row) if !row.dead => {
                return Err(Error::SessionExists {
                    name: name.to_string(),
                    where_: self.describe(),
                });
            }
            exited => exited,
        };
        // tmux silently starts elsewhere when the directory does not exist. Checked before
        // anything is removed, so that a refusal leaves the exited session as it was.
        if let Some(problem) = config.not_startable() {
            return Err(refusal(&problem, config).into());
        }
        let working_dir = self.working_dir(config)?;
        if let Some(row) = exited {
            // An exited session is only kept for its exit code and screen; starting it
            // again replaces it, as a stopped container is started again. Its log keeps
            // both: the next run rotates it to `.1`.
            self.remove(name, &Ended::from(&row))?;
        }
        // A session without a command runs a shell, which ignores SIGINT: SIGHUP is what
        // closing its terminal would send.
        let signal = config.stop_signal().unwrap_or(match config.command() {
            Some(_) => StopSignal::default(),
            None => StopSignal::from(Signal::SIGHUP),
        });
        let secrets = config
            .env()
            .iter()
            .map(|var| format!("{}={}", var.key(), var.value()));
        let invocation = self
            .invocation()
            .args(self.new_session_args(config, signal, working_dir.as_deref()))
            .hiding(secrets);
        let out = self.run_invocation(&invocation)?;
        if !out.success() {
            let stderr = out.stderr_text();
            if unreachable(&stderr) {
                return Err(self.refused("new-session", &out));
            }
            if stderr.contains("duplicate session") {
                return Err(Error::SessionExists {
                    name: name.to_string(),
                    where_: self.describe(),
                });
            }
            return Err(self.start_failed(config, self.said(&stderr)));
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
            Err(mut failed) => {
                // Nothing is left behind by a start that failed, but its log.
                let ended = Ended {
                    managed: true,
                    exit_code: failed.exit_code,
                    exit_signal: failed.exit_signal.clone(),
                };
                self.remove(name, &ended)?;
                // A program this quick may be dead before tmux has drawn what it wrote; the
                // log has it once the removal has let tmux and the sink finish.
                if let Some(output) = self.logged_output(name, FAILED_START_LINES) {
                    failed.output = output;
                }
                // Whether the program is on PATH is known here only.
                let command = config.command().filter(|_| !self.host.is_remote());
                Err(failed.into_error(name, command, config.working_dir()))
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
        // session was started with, which kstlib does not need to know. The run that
        // ended closes its log; the new one gets a file of its own.
        let ended = self
            .find(name)?
            .map_or_else(|| Ended::from(&row), |now| Ended::from(&now));
        let mut args: Vec<OsString> = ["respawn-pane", "-k", "-t", &pane_target(name)]
            .into_iter()
            .map(OsString::from)
            .collect();
        args.extend(self.repipe_args(name, &ended));
        let out = self.run(args)?;
        if !out.success() {
            return Err(Error::SessionStart {
                name: name.to_string(),
                backend: BackendType::Tmux,
                reason: self.said(&out.stderr_text()),
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
        let mut ended = Ended::from(&row);
        if let (false, Some(pid)) = (row.dead, row.pid) {
            report.method = if options.graceful {
                let signal = options.signal.or(row.stop_signal).unwrap_or_default();
                report.signal = Some(signal.to_string());
                self.host.send_signal(pid, signal.signal());
                let _wait = progress::waiting(|| Wait::exit(name, signal, Some(options.timeout)));
                if self.wait_gone(pid, options.timeout) {
                    StopMethod::Graceful
                } else {
                    // Everything the pane started, not only the program's process group: a
                    // job that put itself in a group of its own would outlive the stop.
                    self.host.signal_session(pid, Signal::SIGKILL);
                    self.wait_gone(pid, KILL_GRACE);
                    StopMethod::Killed
                }
            } else {
                report.signal = Some(Signal::SIGKILL.as_str().to_owned());
                self.host.signal_session(pid, Signal::SIGKILL);
                let _wait = progress::waiting(|| Wait::exit(name, Signal::SIGKILL, None));
                self.wait_gone(pid, KILL_GRACE);
                StopMethod::Forced
            };
            if let Some(after) = self.find(name)? {
                ended = Ended::from(&after);
            }
            report.exit_code = ended.exit_code;
        }
        // The program has ended; what it left running in its session (a background job)
        // goes too, and the report says so. A live process with the program's old PID is
        // another one that got the number since: its session is not this one.
        if let Some(pid) = row.pid.filter(|&pid| !self.host.alive(pid)) {
            report.leftovers_killed = self.host.signal_session(pid, Signal::SIGKILL);
        }
        if options.removal != Removal::Keep {
            self.remove(name, &ended)?;
            report.removed = true;
        }
        report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(report)
    }

    fn attach(&self, name: &SessionName) -> Result<()> {
        let row = self.require(name)?;
        let attach_error = |reason: Reason| Error::SessionAttach {
            name: name.to_string(),
            backend: BackendType::Tmux,
            reason,
        };
        if row.dead {
            let output = self
                .capture(name, false)
                .map(|lines| last(lines, FAILED_START_LINES))
                .unwrap_or_default();
            return Err(Error::not_running(&self.to_status(row), output));
        }
        if !self.host.is_remote() && inside_server(&self.socket_path()) {
            // Attaching from inside the same server would nest it in itself, which tmux
            // refuses; switching the current client is what the user means.
            let invocation = Invocation::new(&self.binary)
                .arg("-S")
                .arg(self.socket_path())
                .args(["switch-client", "-t", &session_target(name)]);
            let out = self
                .exec
                .output(&invocation)
                .map_err(|err| attach_error(err.to_string().into()))?;
            return if out.success() {
                Ok(())
            } else {
                Err(attach_error(self.said(&out.stderr_text())))
            };
        }
        if !io::IsTerminal::is_terminal(&io::stdin()) {
            return Err(attach_error(
                "stdin is not a terminal; attach needs an interactive terminal".into(),
            ));
        }
        let invocation =
            self.client_invocation()
                .args(["attach-session", "-t", &session_target(name)]);
        Err(attach_error(
            self.exec.replace(&invocation).to_string().into(),
        ))
    }

    fn status(&self, name: &SessionName) -> Result<SessionStatus> {
        Ok(self.to_status(self.require(name)?))
    }

    /// Types `keys` into the session's active pane, then Enter if `enter`.
    ///
    /// Keys keep upstream's rules (no `;`, `|`, `$(…)`, …) because they are typed into
    /// whatever shell runs in the pane.
    fn send_keys(&self, name: &SessionName, keys: &str, enter: bool) -> Result<()> {
        validate::validate_send_keys(keys)?;
        let row = self.require(name)?;
        // tmux takes keys for a dead pane without a word, and they are lost.
        if row.dead {
            return Err(Error::not_running(&self.to_status(row), Vec::new()));
        }
        let target = pane_target(name);
        // After `--`: keys that start with `-` are keys, not options of send-keys (`-t`
        // would retarget them to another session).
        let mut args = vec!["send-keys", "-t", &target, "--", keys];
        if enter {
            args.push("Enter");
        }
        let out = self.run(args)?;
        if out.success() {
            Ok(())
        } else {
            Err(self.refused("send-keys", &out))
        }
    }

    /// The session's log file when it has one (it is ours and logs are on), else its pane.
    fn logs(&self, name: &SessionName, options: &LogOptions) -> Result<String> {
        let row = self.require(name)?;
        if let Some(lines) = self.logged_lines(name, &row, options)? {
            return Ok(join_lines(&lines));
        }
        if options.since.is_some() {
            return Err(since_needs_a_log(name));
        }
        let lines = last(self.capture(name, options.ansi)?, options.lines);
        Ok(join_lines(&lines))
    }

    /// Follows the session's log file when it has one, else its pane.
    fn follow(&self, name: &SessionName, options: &LogOptions, out: &mut dyn Write) -> Result<()> {
        let row = self.require(name)?;
        if self.follow_logged(name, &row, options, out)? {
            return Ok(());
        }
        if options.since.is_some() {
            return Err(since_needs_a_log(name));
        }
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
