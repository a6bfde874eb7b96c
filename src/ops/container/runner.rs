//! [`ContainerRunner`]: the verbs of one container runtime, through its engine's API when
//! its socket answers, else through its CLI (see [`super::engine`]).

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::engine::{Engine, Failure, LogQuery, Verb};
use super::envfile::{EnvFile, env_lines, fits, inherits};
use super::logs::{self, LineFilter, line_count};
use super::mounts;
use super::parse::{self, Inspect};
use super::stderr::{
    complaint, is_missing, name_in_use, not_running, removal_in_progress, said, unavailable,
};
use super::{HASH_LABEL, MANAGED_LABEL, SESSION_LABEL};
use crate::ops::backend::{FAILED_START_LINES, LogOptions, Removal, SessionBackend, StopOptions};
use crate::ops::config::refusal;
use crate::ops::error::{Error, Reason, Result};
use crate::ops::exec::{ExecError, Executor, Invocation, Output, SystemExecutor};
use crate::ops::host::Host;
use crate::ops::logs::{self as saved_logs, LogFile, LogSettings};
use crate::ops::model::{
    BackendType, Origin, Runtime, SessionState, SessionStatus, StopMethod, StopReport,
};
use crate::ops::progress::{self, Wait};
use crate::ops::runtime;
use crate::ops::spec::{NotStartable, SessionConfig};
use crate::ops::text;
use crate::ops::timing::{ENGINE_EXIT_WAIT, POLL, RUN_TIMEOUT, START_GRACE};
use crate::ops::validate::{Command, EnvVar, SessionName, StopSignal};

/// What `kill` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signalled {
    /// The signal was sent, or the program had already exited.
    Sent,
    /// No such container any more.
    Gone,
}

/// What Docker's CLI says on stderr when the user detaches.
const DOCKER_DETACHED: &str = "read escape sequence";

/// Containers of one runtime. Upstream's `ContainerRunner`.
#[derive(Debug, Clone)]
pub struct ContainerRunner {
    runtime: Runtime,
    exec: Arc<dyn Executor>,
    /// The engine's API, when its socket is there; `None`: the CLI does everything.
    engine: Option<Arc<Engine>>,
    logs: LogSettings,
    start_grace: Duration,
    /// Where the runtime runs: bind-mount directories and env files are made there.
    host: Host,
}

impl ContainerRunner {
    /// A runner for `runtime`: its engine's API when its socket answers, else its CLI,
    /// found on `PATH` when used.
    pub fn new(runtime: Runtime) -> Self {
        let mut runner = Self::with_executor(runtime, Arc::new(SystemExecutor));
        runner.engine = Engine::discover(runtime).map(Arc::new);
        runner
    }

    /// The same, running programs through `exec` (tests use a fake one), and never the
    /// engine's API.
    pub fn with_executor(runtime: Runtime, exec: Arc<dyn Executor>) -> Self {
        ContainerRunner {
            runtime,
            exec,
            engine: None,
            logs: LogSettings::from_env(),
            start_grace: START_GRACE,
            host: Host::local(),
        }
    }

    /// A runner for `runtime` on `host`, its CLI run there. Only this machine's runtime is
    /// asked through its engine's socket: the sockets found here are this machine's
    /// engines, not the host's.
    pub fn on_host(runtime: Runtime, host: Host) -> Self {
        if !host.is_remote() {
            return Self::new(runtime);
        }
        ContainerRunner {
            host: host.clone(),
            ..Self::with_executor(runtime, host.executor())
        }
    }

    /// The same runner, asking the engine at `socket` first (tests use a fake one).
    #[cfg(test)]
    pub(crate) fn with_engine_at(mut self, socket: std::path::PathBuf) -> Self {
        let engine = Engine::at(self.runtime, socket).capped(Duration::from_millis(500));
        self.engine = Some(Arc::new(engine));
        self
    }

    /// Pings the engine's API, for `doctor`: its path prefix (`/v1.41`) or why it is not
    /// used; `None` without a socket.
    pub fn ping(&self) -> Option<std::result::Result<String, String>> {
        let engine = self.engine.as_deref()?;
        Some(
            engine
                .ping(crate::ops::timing::backend_timeout())
                .map_err(|failure| failure.to_string()),
        )
    }

    /// The engine's socket when the runner asks it first (`doctor` says which path is
    /// used); `None` when every call goes through the CLI.
    pub fn engine_socket(&self) -> Option<&std::path::Path> {
        self.engine.as_deref().map(Engine::socket)
    }

    /// The runner for the runtime `config` asks for, or the auto-detected one (on the
    /// session's host), saving output where the session's log settings say.
    pub fn for_session(config: &SessionConfig) -> Result<Self> {
        let host = Host::of(config.host());
        let logs = match host.name() {
            // A remote container's output is saved here, under the host's name.
            Some(name) => saved_logs::paths::remote_container_settings(name, config.logs()),
            None => config.logs().clone(),
        };
        let runtime = host.detect_runtime(config.runtime())?;
        Ok(ContainerRunner {
            start_grace: config.start_grace(),
            ..Self::on_host(runtime, host).with_logs(logs)
        })
    }

    /// The same runner, saving the output of the containers it removes as `logs` says.
    #[must_use]
    pub fn with_logs(mut self, logs: LogSettings) -> Self {
        self.logs = logs;
        self
    }

    /// The runtime.
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// The host the runtime runs on.
    pub fn host(&self) -> &Host {
        &self.host
    }

    fn invocation(&self) -> Invocation {
        Invocation::new(self.runtime.as_str())
    }

    /// `verb` through the engine's API when its socket answers, else `cli` through the
    /// CLI: the same answer either way (see `engine::answer`).
    fn call(&self, verb: &Verb<'_>, cli: Invocation) -> Result<Output> {
        self.call_where(verb, cli).map(|(out, _)| out)
    }

    /// [`Self::call`], and whether the API answered (its list has another shape).
    fn call_where(&self, verb: &Verb<'_>, cli: Invocation) -> Result<(Output, bool)> {
        if let Some(engine) = self.engine.as_deref().filter(|engine| !engine.is_gone()) {
            match engine.call(verb, cli.get_timeout()) {
                Ok(out) => return Ok((out, true)),
                Err(Failure::Unreachable(_)) => {}
                Err(failure) => return Err(self.engine_failure(engine, failure, &cli)),
            }
        }
        Ok((self.run_invocation(cli)?, false))
    }

    /// The error for an engine that accepted the request and did not answer it: as the
    /// CLI's for a timeout (the command named is the one the CLI would have run), so that
    /// both paths say the same.
    fn engine_failure(&self, engine: &Engine, failure: Failure, cli: &Invocation) -> Error {
        match failure {
            Failure::Timeout(timeout) => self.exec_error(ExecError::Timeout {
                invocation: cli.brief(),
                timeout,
            }),
            other => Error::Unavailable {
                what: self.runtime.to_string(),
                reason: format!(
                    "its API at unix://{} answered out of turn: {other}",
                    engine.socket().display()
                )
                .into(),
            },
        }
    }

    /// `logs` of `found` as a verb of the API.
    fn log_query<'a>(&self, found: &'a Inspect, lines: Option<usize>) -> LogQuery<'a> {
        LogQuery {
            id: &found.id,
            tty: found.config.tty,
            tail: lines,
            since: None,
            timestamps: false,
            follow: false,
        }
    }
    /// Runs `command` in the running container `name` and returns what it printed (upstream's
    /// `ContainerRunner.exec`); the argv is handed to the runtime as is, no shell involved.
    pub fn exec_output(&self, name: &SessionName, command: &Command) -> Result<Output> {
        self.require_running(name)?;
        self.run(
            ["exec", name.as_str()]
                .into_iter()
                .map(str::to_owned)
                .chain(command.argv().iter().cloned()),
        )
    }

    fn require_running(&self, name: &SessionName) -> Result<Inspect> {
        let found = self.require(name)?;
        if found.state().is_alive() {
            Ok(found)
        } else {
            Err(Error::not_running(
                &found.to_status(self.runtime),
                Vec::new(),
            ))
        }
    }

    /// The last lines a container wrote, for a report (empty if they cannot be read).
    fn last_output(&self, found: &Inspect) -> Vec<String> {
        let invocation = logs::invocation(self.runtime, &found.id, FAILED_START_LINES, false, None);
        let query = self.log_query(found, Some(FAILED_START_LINES));
        self.call(&Verb::Logs(query), invocation)
            .map(|out| {
                text::last_lines(&out.stdout_text(), FAILED_START_LINES, false)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn run<I, S>(&self, args: I) -> Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: Into<std::ffi::OsString>,
    {
        self.run_invocation(self.invocation().args(args))
    }

    /// Whether calls go to the engine's API (they fall back on the CLI when it vanishes).
    fn speaks_api(&self) -> bool {
        self.engine
            .as_deref()
            .is_some_and(|engine| !engine.is_gone())
    }

    /// The last lines of the container `id` (named `name`): through the API when `query`
    /// is given and the engine answers, else the CLI.
    fn read_logs(
        &self,
        name: &str,
        id: &str,
        query: Option<LogQuery<'_>>,
        options: &LogOptions,
    ) -> Result<String> {
        let cli = logs::invocation(self.runtime, id, options.lines, false, options.since);
        let out = self.call_logs(query, cli)?;
        if !out.success() {
            // Removed since it was found, or (`logs NAME`) never there.
            if is_missing(&out.stderr_text()) {
                return Err(Error::SessionNotFound {
                    name: name.to_owned(),
                    backend: Some(BackendType::Container),
                });
            }
            return Err(self.failure(&out, "logs"));
        }
        Ok(text::last_lines(
            &out.stdout_text(),
            options.lines,
            options.ansi,
        ))
    }

    /// Runs a `logs` call, through the API when `query` is given and the engine answers. The
    /// CLI's stderr goes into its stdout, to keep the two streams in order: when it fails,
    /// what it said is moved back to stderr, where [`Self::failure`] reads it.
    fn call_logs(&self, query: Option<LogQuery<'_>>, cli: Invocation) -> Result<Output> {
        let mut out = match query {
            Some(query) => self.call(&Verb::Logs(query), cli)?,
            None => self.run_invocation(cli)?,
        };
        if !out.success() && out.stderr.is_empty() {
            out.stderr = std::mem::take(&mut out.stdout);
        }
        Ok(out)
    }

    fn run_invocation(&self, invocation: Invocation) -> Result<Output> {
        self.exec
            .output(&invocation)
            .map_err(|err| self.exec_error(err))
    }

    fn exec_error(&self, err: ExecError) -> Error {
        Error::from_exec(err, self.runtime.as_str(), || {
            Error::ContainerRuntimeNotFound {
                runtime: Some(self.runtime.to_string()),
            }
        })
    }

    /// The error for a failed call: the engine not answering, or the runtime's own words.
    fn failure(&self, out: &Output, what: &str) -> Error {
        let stderr = out.stderr_text();
        if unavailable(&stderr) {
            return Error::Unavailable {
                what: self.runtime.to_string(),
                reason: said(&stderr),
            };
        }
        Error::Backend {
            command: format!("{} {what}", self.runtime),
            code: out.code,
            stderr: said(&stderr),
        }
    }

    /// Inspects a container by name or ID; a missing one is simply absent from the result.
    fn inspect(&self, name: &str) -> Result<Vec<Inspect>> {
        let out = self.call(
            &Verb::Inspect(name),
            self.invocation().args(["container", "inspect", name]),
        )?;
        // Docker prints `[]` even when it cannot reach its engine.
        if !out.success() && unavailable(&out.stderr_text()) {
            return Err(self.failure(&out, "container inspect"));
        }
        // Missing names make the exit code 1 (Docker) or 125 (Podman) while the others are
        // still printed: the output decides.
        match parse::inspect(&out.stdout) {
            Ok(found) => Ok(found),
            Err(_) if !out.success() => {
                let stderr = out.stderr_text();
                if is_missing(&stderr) {
                    Ok(Vec::new())
                } else {
                    Err(self.failure(&out, "container inspect"))
                }
            }
            Err(err) => Err(self.unreadable("container inspect", err)),
        }
    }

    /// The error for output of `command` that cannot be read.
    fn unreadable(&self, command: &str, err: impl std::fmt::Display) -> Error {
        Error::Unreadable {
            what: self.runtime.to_string(),
            command: format!("{} {command}", self.runtime),
            reason: err.to_string(),
        }
    }

    /// The container named exactly `name`, if any.
    fn find(&self, name: &SessionName) -> Result<Option<Inspect>> {
        Ok(self
            .inspect(name.as_str())?
            .into_iter()
            .find(|found| found.name() == name.as_str()))
    }

    fn require(&self, name: &SessionName) -> Result<Inspect> {
        self.find(name)?.ok_or_else(|| Error::SessionNotFound {
            name: name.to_string(),
            backend: Some(BackendType::Container),
        })
    }

    fn start_error(&self, name: &SessionName, reason: impl Into<Reason>) -> Error {
        Error::SessionStart {
            name: name.to_string(),
            backend: BackendType::Container,
            reason: reason.into(),
            exit_code: None,
            output: Vec::new(),
        }
    }

    /// Removes a container kstlib created, its output saved to its log file first.
    fn save_and_remove(&self, name: &SessionName) -> Result<()> {
        if let Some(log) = self.logs.container_log(self.runtime, name)
            && let Err(err) = self.save_output(name, &log)
            // Removed (or being removed) meanwhile by another caller, which saved it: nothing
            // is lost.
            && self
                .find(name)
                .is_ok_and(|found| found.is_some_and(|c| c.state() != SessionState::Unknown))
        {
            // Not worth keeping the container for: what is lost is what `--keep` keeps.
            tracing::warn!("the output of '{name}' was not saved: {err}");
        }
        self.remove(name)
    }

    /// Writes the container's output to `log`: the text and the times the runtime
    /// recorded, then how the program ended (see [`saved_logs::import`]).
    fn save_output(&self, name: &SessionName, log: &LogFile) -> Result<()> {
        let Some(found) = self.find(name)? else {
            return Ok(());
        };
        let ask = |stamped| {
            let query = LogQuery {
                timestamps: stamped,
                ..self.log_query(&found, None)
            };
            let cli = logs::saved_invocation(self.runtime, &found.id, stamped);
            let out = self.call_logs(Some(query), cli)?;
            if out.success() {
                Ok(out.stdout)
            } else {
                Err(self.failure(&out, "logs"))
            }
        };
        let (plain, stamped) = thread::scope(|s| {
            let plain = s.spawn(|| ask(false));
            let stamped = ask(true);
            (plain.join(), stamped)
        });
        let plain = plain.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        let status = found.to_status(self.runtime);
        let ending = saved_logs::ending_note(
            status.exit_code,
            status.exit_signal.as_deref(),
            found.finished_at().unwrap_or_else(Timestamp::now),
        );
        saved_logs::import(log, self.logs.max_size(), &plain, &stamped?, &ending).map_err(
            |source| Error::LogFile {
                path: log.path().to_owned(),
                source,
            },
        )
    }

    fn remove(&self, name: &SessionName) -> Result<()> {
        let out = self.call(
            &Verb::Remove(name.as_str()),
            self.invocation().args(["rm", name.as_str()]),
        )?;
        let stderr = out.stderr_text();
        // Gone, or another caller is removing it (a `down` racing this one): removed.
        if out.success() || is_missing(&stderr) || removal_in_progress(&stderr) {
            Ok(())
        } else {
            Err(self.failure(&out, "rm"))
        }
    }

    /// Sends `signal` to the container's main process.
    fn signal(&self, name: &SessionName, signal: StopSignal) -> Result<Signalled> {
        let out = self.kill(name, &signal.to_string())?;
        let stderr = out.stderr_text();
        if out.success() || not_running(&stderr) {
            Ok(Signalled::Sent)
        } else if is_missing(&stderr) {
            Ok(Signalled::Gone)
        } else if unavailable(&stderr) {
            Err(self.failure(&out, "kill"))
        } else {
            Err(Error::SessionStop {
                name: name.to_string(),
                backend: BackendType::Container,
                reason: said(&stderr),
            })
        }
    }

    /// Waits up to `limit` for the container to have exited; false if it still runs then.
    ///
    /// `wait` answering is not enough: a `wait` killed or failing (the engine restarting)
    /// ends too, and taking that for an exit skipped the kill and left the container
    /// running. Its own success says the container exited; otherwise the container's
    /// state decides, and the wait goes on for what is left of the limit.
    fn wait_exit(&self, name: &SessionName, limit: Duration) -> Result<bool> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let wait = self
                .invocation()
                .args(["wait", name.as_str()])
                .timeout(left.max(Duration::from_millis(100)));
            match self.wait_call(name, &wait) {
                Ok(out) if out.success() => return Ok(true),
                Err(ExecError::Timeout { .. }) => return Ok(false),
                Err(err @ (ExecError::NotFound { .. } | ExecError::Host { .. })) => {
                    return Err(self.exec_error(err));
                }
                Ok(_) | Err(ExecError::Io { .. }) => {}
            }
            match self.find(name)? {
                Some(found) if found.state().is_alive() => {}
                _ => return Ok(true),
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            thread::sleep(POLL);
        }
    }

    /// The report of a stop that found the container gone halfway: another caller stopped
    /// or removed it meanwhile, which is what this stop was for.
    fn stopped_meanwhile(&self, mut report: StopReport, started: Instant) -> StopReport {
        report.method = StopMethod::AlreadyStopped;
        report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        report
    }

    /// `run -d -it --name NAME --label … [options] IMAGE [argv…]`.
    /// `env_file` holds the variables that fit in one; the others go as `-e`.
    fn run_args(
        &self,
        config: &SessionConfig,
        image: &str,
        env_file: Option<&std::path::Path>,
    ) -> Vec<String> {
        let name = config.name().as_str();
        let mut args: Vec<String> = ["run", "-d", "-it", "--name", name]
            .into_iter()
            .map(str::to_owned)
            .collect();
        for (key, value) in [
            (MANAGED_LABEL, "1".to_owned()),
            (SESSION_LABEL, name.to_owned()),
            (HASH_LABEL, config.config_hash()),
        ] {
            args.push("--label".to_owned());
            args.push(format!("{key}={value}"));
        }
        if let Some(dir) = config.working_dir() {
            args.push("-w".to_owned());
            args.push(dir.display().to_string());
        }
        if let Some(file) = env_file {
            args.push("--env-file".to_owned());
            args.push(file.display().to_string());
        }
        for var in config
            .env()
            .iter()
            .filter(|var| env_file.is_none() || !fits(var))
        {
            args.push("-e".to_owned());
            // The value is in the CLI's environment (see `create`), out of its argv; a
            // remote CLI gets no environment of ours.
            if inherits(var) && !fits(var) && !self.host.is_remote() {
                args.push(var.key().to_owned());
            } else {
                args.push(format!("{}={}", var.key(), var.value()));
            }
        }
        for volume in config.volumes().iter().chain(config.log_volume()) {
            args.push("-v".to_owned());
            args.push(volume.to_string());
        }
        for port in config.ports() {
            args.push("-p".to_owned());
            args.push(port.to_string());
        }
        if let Some(signal) = config.stop_signal() {
            args.push("--stop-signal".to_owned());
            args.push(signal.to_string());
        }
        args.push(image.to_owned());
        if let Some(command) = config.command() {
            args.extend(command.argv().iter().cloned());
        }
        args
    }

    /// Creates and starts a new container for `config`.
    fn create(&self, config: &SessionConfig) -> Result<()> {
        let name = config.name();
        let Some(image) = config.image() else {
            return Err(refusal(&NotStartable::NoImage, config).into());
        };
        let volumes = config.volumes().iter().chain(config.log_volume());
        let created = if self.host.is_remote() {
            self.host.create_bind_dirs(volumes).map_err(|err| {
                self.start_error(name, format!("a volume's host directory: {err}"))
            })?;
            mounts::Created::default()
        } else if let Some(engine) = runtime::engine_elsewhere(self.runtime) {
            tracing::info!("bind-mount directories are left to the engine at {engine}");
            mounts::Created::default()
        } else {
            mounts::create(volumes).map_err(|err| {
                self.start_error(name, format!("a volume's host directory: {err}"))
            })?
        };
        let fitting: Vec<&EnvVar> = config.env().iter().filter(|var| fits(var)).collect();
        let secrets = config
            .env()
            .iter()
            .map(|var| format!("{}={}", var.key(), var.value()));
        let (env_file, stdin) = if self.host.is_remote() {
            // No file of ours there: the runtime reads the variables from its stdin.
            (None, env_lines(&fitting))
        } else {
            let file = EnvFile::write(&fitting).map_err(|err| {
                self.start_error(name, format!("cannot write its env file: {err}"))
            })?;
            (file, None)
        };
        let env_source = match (&env_file, &stdin) {
            (Some(file), _) => Some(file.path().to_path_buf()),
            (None, Some(_)) => Some(PathBuf::from("/dev/stdin")),
            (None, None) => None,
        };
        let mut invocation = self
            .invocation()
            .args(self.run_args(config, image.as_str(), env_source.as_deref()))
            .hiding(secrets)
            .timeout(RUN_TIMEOUT);
        // Local only: a remote CLI gets no environment of ours (see `run_args`).
        if !self.host.is_remote() {
            for var in config
                .env()
                .iter()
                .filter(|var| !fits(var) && inherits(var))
            {
                invocation = invocation.env(var.key(), var.value());
            }
        }
        if let Some(bytes) = stdin {
            invocation = invocation.stdin(bytes);
        }
        let _wait = progress::waiting(|| Wait::create(name, image, self.runtime, RUN_TIMEOUT));
        let out = match self.run_invocation(invocation) {
            Ok(out) if out.success() => return Ok(()),
            Ok(out) => out,
            Err(err) => {
                created.undo();
                return Err(err);
            }
        };
        created.undo();
        let stderr = out.stderr_text();
        if name_in_use(&stderr) {
            return Err(Error::SessionExists {
                name: name.to_string(),
                where_: self.runtime.to_string(),
            });
        }
        if unavailable(&stderr) {
            return Err(self.failure(&out, "run"));
        }
        // Podman leaves a `created` container behind when `run` fails (a port conflict).
        if let Ok(Some(_)) = self.find(name) {
            let _ = self.remove(name);
        }
        if !self.image_exists(image.as_str()) {
            return Err(self.start_error(
                name,
                format!(
                    "image '{image}' not found in {}: it is not a local image and could not be pulled",
                    self.runtime
                ),
            ));
        }
        Err(self.start_error(name, complaint(&stderr)))
    }

    /// Watches a container that was just started for the start grace: it if it still
    /// runs, else a failed start with its exit code and last lines of output.
    fn watch(&self, name: &SessionName) -> Result<Inspect> {
        let _wait = progress::waiting(|| Wait::start(name, self.start_grace));
        thread::sleep(self.start_grace);
        let found = self.require(name)?;
        if found.state().is_alive() {
            return Ok(found);
        }
        let output = self.last_output(&found);
        let status = found.to_status(self.runtime);
        Err(Error::exited_at_start(
            name,
            BackendType::Container,
            status.exit_code,
            status.exit_signal.as_deref(),
            output,
        ))
    }

    /// Follows the logs of `query` through the engine's API into `out`; `false` when the
    /// API is not there, for the CLI to do it.
    fn follow_api(
        &self,
        query: &LogQuery<'_>,
        cli: &Invocation,
        out: &mut dyn Write,
    ) -> Result<bool> {
        let Some(engine) = self.engine.as_deref().filter(|engine| !engine.is_gone()) else {
            return Ok(false);
        };
        let mut sink = |bytes: &[u8]| out.write_all(bytes).and_then(|()| out.flush()).is_ok();
        match engine.follow(query, cli.get_timeout(), &mut sink) {
            Ok(None) => Ok(true),
            Ok(Some(refused)) => Err(self.failure(&refused, "logs")),
            Err(Failure::Unreachable(_)) => Ok(false),
            Err(failure) => Err(self.engine_failure(engine, failure, cli)),
        }
    }

    /// Starts the existing container `name` again.
    fn start_existing(&self, name: &SessionName) -> Result<Output> {
        self.call(
            &Verb::Start(name.as_str()),
            self.invocation().args(["start", name.as_str()]),
        )
    }

    /// Sends `signal` to the container `name`.
    fn kill(&self, name: &SessionName, signal: &str) -> Result<Output> {
        self.call(
            &Verb::Kill {
                name: name.as_str(),
                signal,
            },
            self.invocation()
                .args(["kill", "--signal", signal, name.as_str()]),
        )
    }

    /// `wait` (the CLI invocation `wait`, or the engine's request), its faults as the
    /// executor's, which `wait_exit` tells apart.
    fn wait_call(&self, name: &SessionName, wait: &Invocation) -> Result<Output, ExecError> {
        if let Some(engine) = self.engine.as_deref().filter(|engine| !engine.is_gone()) {
            match engine.call(&Verb::Wait(name.as_str()), wait.get_timeout()) {
                Ok(out) => return Ok(out),
                Err(Failure::Timeout(timeout)) => {
                    return Err(ExecError::Timeout {
                        invocation: wait.brief(),
                        timeout,
                    });
                }
                Err(Failure::Broken(reason)) => {
                    return Err(ExecError::Io {
                        program: wait.program().to_owned(),
                        source: io::Error::other(reason),
                    });
                }
                Err(Failure::Unreachable(_)) => {}
            }
        }
        self.exec.output(wait)
    }

    fn image_exists(&self, image: &str) -> bool {
        self.run(["image", "inspect", image])
            .is_ok_and(|out| out.success())
    }
}

impl SessionBackend for ContainerRunner {
    fn backend_type(&self) -> BackendType {
        BackendType::Container
    }

    fn start(&self, config: &SessionConfig) -> Result<SessionStatus> {
        let name = config.name();
        let created = match self.find(name)? {
            Some(found) if found.state().is_alive() => {
                return Err(Error::SessionExists {
                    name: name.to_string(),
                    where_: self.runtime.to_string(),
                });
            }
            // Ours, with a config that changed since: the old definition must not come
            // back (upstream restarted it as it was, §11.8).
            Some(found)
                if found.is_managed()
                    && found.label(HASH_LABEL) != Some(config.config_hash().as_str()) =>
            {
                self.save_and_remove(name)?;
                self.create(config)?;
                true
            }
            // Ours and unchanged, or foreign: started again as it is.
            Some(_) => {
                let out = self.start_existing(name)?;
                if !out.success() {
                    return Err(self.start_error(name, complaint(&out.stderr_text())));
                }
                false
            }
            None => {
                self.create(config)?;
                true
            }
        };
        match self.watch(name) {
            Ok(found) => {
                let mut status = found.to_status(self.runtime);
                if config.is_declared() {
                    status.origin = Origin::Config;
                }
                Ok(status)
            }
            Err(err) => {
                // Nothing is left behind by a start that failed, but what was there before.
                if created {
                    self.remove(name)?;
                }
                Err(err)
            }
        }
    }

    fn stop(&self, name: &SessionName, options: &StopOptions) -> Result<StopReport> {
        let started = Instant::now();
        let found = self.require(name)?;
        let mut report = StopReport::already_exited(
            name.as_str(),
            BackendType::Container,
            found.to_status(self.runtime).exit_code,
        );
        if found.state().is_alive() {
            if found.state() == SessionState::Paused {
                // A paused program cannot handle its signal (and Podman refuses to stop it).
                let _ = self.call(
                    &Verb::Unpause(name.as_str()),
                    self.invocation().args(["unpause", name.as_str()]),
                );
            }
            let signal = if options.graceful {
                options
                    .signal
                    .or_else(|| found.stop_signal())
                    .unwrap_or_else(|| StopSignal::from(nix::sys::signal::Signal::SIGTERM))
            } else {
                StopSignal::from(nix::sys::signal::Signal::SIGKILL)
            };
            report.signal = Some(signal.to_string());
            let _wait = progress::waiting(|| Wait::stop(name, signal, options));
            if self.signal(name, signal)? == Signalled::Gone {
                return Ok(self.stopped_meanwhile(report, started));
            }
            report.method = if !options.graceful {
                StopMethod::Forced
            } else if self.wait_exit(name, options.timeout)? {
                StopMethod::Graceful
            } else {
                let kill = StopSignal::from(nix::sys::signal::Signal::SIGKILL);
                if self.signal(name, kill)? == Signalled::Gone {
                    return Ok(self.stopped_meanwhile(report, started));
                }
                StopMethod::Killed
            };
            // A kill is asynchronous: the engine records the exit a moment later.
            if report.method != StopMethod::Graceful && !self.wait_exit(name, ENGINE_EXIT_WAIT)? {
                return Err(Error::SessionStop {
                    name: name.to_string(),
                    backend: BackendType::Container,
                    reason: format!(
                        "it still runs {} s after SIGKILL",
                        ENGINE_EXIT_WAIT.as_secs()
                    )
                    .into(),
                });
            }
            match self.find(name)? {
                Some(after) => report.exit_code = after.to_status(self.runtime).exit_code,
                None => return Ok(self.stopped_meanwhile(report, started)),
            }
        }
        let remove = match options.removal {
            Removal::Auto => found.is_managed(),
            Removal::Keep => false,
            Removal::Remove => true,
        };
        if remove {
            self.save_and_remove(name)?;
            report.removed = true;
        }
        report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(report)
    }

    fn restart(&self, name: &SessionName, options: &StopOptions) -> Result<SessionStatus> {
        if self.require(name)?.state().is_alive() {
            let keep = StopOptions {
                removal: Removal::Keep,
                ..*options
            };
            self.stop(name, &keep)?;
        }
        let out = self.start_existing(name)?;
        if !out.success() {
            return Err(self.start_error(name, complaint(&out.stderr_text())));
        }
        Ok(self.watch(name)?.to_status(self.runtime))
    }

    fn attach(&self, name: &SessionName) -> Result<()> {
        let found = self.require(name)?;
        if !found.state().is_alive() {
            let output = self.last_output(&found);
            return Err(Error::not_running(&found.to_status(self.runtime), output));
        }
        let attach_error = |reason: String| Error::SessionAttach {
            name: name.to_string(),
            backend: BackendType::Container,
            reason: reason.into(),
        };
        // Podman attaches anyway and then hangs on a pipe; Docker refuses. Say it first.
        if !io::IsTerminal::is_terminal(&io::stdin()) {
            return Err(attach_error(
                "stdin is not a terminal; attach needs an interactive terminal".to_owned(),
            ));
        }
        let invocation = self.invocation().args(["attach", name.as_str()]);
        if self.runtime == Runtime::Podman {
            return Err(attach_error(self.exec.replace(&invocation).to_string()));
        }
        // Docker's CLI exits 1 after a detach (Ctrl-P Ctrl-Q), saying "read escape
        // sequence": a detach is what the user asked for, not a failure, as on Podman.
        let code = self
            .exec
            .interactive(&invocation, &[DOCKER_DETACHED])
            .map_err(|err| self.exec_error(err))?;
        let detached = code == Some(1) && self.find(name)?.is_some_and(|c| c.state().is_alive());
        match code {
            Some(0) => Ok(()),
            _ if detached => Ok(()),
            Some(code) => Err(attach_error(format!(
                "docker attach exited with code {code}"
            ))),
            None => Err(attach_error(
                "docker attach was killed by a signal".to_owned(),
            )),
        }
    }

    /// Replaces the current process with `command` running in the container, attached to
    /// this terminal (`exec -it`), or to this stdin when it is not a terminal (`exec -i`).
    /// Returns only on failure; the exit code is the command's.
    fn exec(&self, name: &SessionName, command: &Command) -> Result<()> {
        self.require_running(name)?;
        let flags = if io::IsTerminal::is_terminal(&io::stdin()) {
            "-it"
        } else {
            "-i"
        };
        let invocation = self
            .invocation()
            .args(["exec", flags, name.as_str()])
            .args(command.argv());
        Err(Error::Backend {
            command: invocation.to_string(),
            code: None,
            stderr: self.exec.replace(&invocation).to_string().into(),
        })
    }

    fn status(&self, name: &SessionName) -> Result<SessionStatus> {
        Ok(self.require(name)?.to_status(self.runtime))
    }

    fn logs(&self, name: &SessionName, options: &LogOptions) -> Result<String> {
        if self.finds_by_logs(name) {
            return self.read_logs(name.as_str(), name.as_str(), None, options);
        }
        let found = self.require(name)?;
        let query = LogQuery {
            since: options.since,
            ..self.log_query(&found, Some(options.lines))
        };
        self.read_logs(name.as_str(), &found.id, Some(query), options)
    }

    /// Through the CLI, by a name that cannot be taken for an ID: `logs NAME` finds the
    /// container named so or says that there is none (Docker and Podman try a full ID,
    /// then an exact name, then an ID prefix, and IDs are hex digits). One process
    /// instead of the lookup's and then the logs' (a Podman process costs ≈ 40 ms, and two
    /// at once take as long as two in turn). The API needs the inspect anyway (TTY or
    /// framed output), and it costs ≈ 1 ms there.
    fn finds_by_logs(&self, name: &SessionName) -> bool {
        !self.speaks_api() && !name.as_str().bytes().all(|b| b.is_ascii_hexdigit())
    }

    fn logs_of_found(&self, found: &SessionStatus, options: &LogOptions) -> Result<String> {
        match &found.id {
            // Through the CLI, one process instead of two (a Podman process costs ≈ 40 ms):
            // the lookup has just matched the container's exact name, so its ID is asked
            // for directly. The API needs the inspect anyway (TTY or framed output), and
            // it costs ≈ 1 ms there.
            Some(id) if !self.speaks_api() => self.read_logs(&found.name, id, None, options),
            _ => self.logs(&SessionName::new(&found.name)?, options),
        }
    }

    fn follow(&self, name: &SessionName, options: &LogOptions, out: &mut dyn Write) -> Result<()> {
        let found = self.require(name)?;
        // Podman streams the whole history first (see `log_text`): count it, and skip all
        // but its last lines. Lines written meanwhile come after it in the stream.
        let query = LogQuery {
            since: options.since,
            ..self.log_query(&found, Some(options.lines))
        };
        let skip = match self.runtime {
            Runtime::Docker => 0,
            Runtime::Podman => {
                let cli =
                    logs::invocation(self.runtime, &found.id, options.lines, false, options.since);
                let out = self.call_logs(Some(query), cli)?;
                if !out.success() {
                    return Err(self.failure(&out, "logs"));
                }
                line_count(&out.stdout).saturating_sub(options.lines)
            }
        };
        let mut filter = LineFilter::new(out, options.ansi, skip);
        let cli = logs::invocation(self.runtime, &found.id, options.lines, true, options.since);
        let followed = LogQuery {
            follow: true,
            ..query
        };
        if !self.follow_api(&followed, &cli, &mut filter)? {
            self.exec
                .stream(&cli, &mut filter)
                .map_err(|err| self.exec_error(err))?;
        }
        let _ = filter.finish();
        Ok(())
    }

    /// One `ps` call, whatever the number of containers. Podman's JSON has everything;
    /// Docker's `ps` has no PID: on this machine its cgroups have it.
    fn list_sessions(&self) -> Result<Vec<SessionStatus>> {
        let cli = match self.runtime {
            Runtime::Podman => self.invocation().args(["ps", "-a", "--format", "json"]),
            Runtime::Docker => self.invocation().args([
                "ps",
                "-a",
                "--no-trunc",
                "--format",
                parse::DOCKER_PS_FORMAT,
            ]),
        };
        let (out, api) = self.call_where(&Verb::List, cli)?;
        if !out.success() {
            return Err(self.failure(&out, "ps"));
        }
        // Podman's libpod list is what its CLI prints; Docker's API list has its own shape.
        let mut sessions = match (self.runtime, api) {
            (Runtime::Podman, _) => parse::podman_ps(&out.stdout),
            (Runtime::Docker, true) => parse::docker_api_ps(&out.stdout),
            (Runtime::Docker, false) => parse::docker_ps(&out.stdout_text()),
        }
        .map_err(|err| self.unreadable("ps", err))?;
        // The cgroups read are this machine's: not those of a remote host's containers.
        if self.runtime == Runtime::Docker
            && !self.host.is_remote()
            && Engine::is_local(Runtime::Docker)
        {
            for session in sessions.iter_mut().filter(|s| s.state.is_alive()) {
                session.pid = session.id.as_deref().and_then(super::cgroup::init_pid);
            }
        }
        sessions.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(sessions)
    }
}
