//! [`ContainerRunner`]: the verbs of one container runtime, through its CLI.

use std::io::{self, Write};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::envfile::{EnvFile, fits};
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
    logs: LogSettings,
}

impl ContainerRunner {
    /// A runner for `runtime`, found on `PATH` when used.
    pub fn new(runtime: Runtime) -> Self {
        Self::with_executor(runtime, Arc::new(SystemExecutor))
    }

    /// The same, running programs through `exec` (tests use a fake one).
    pub fn with_executor(runtime: Runtime, exec: Arc<dyn Executor>) -> Self {
        ContainerRunner {
            runtime,
            exec,
            logs: LogSettings::from_env(),
        }
    }

    /// The runner for the runtime `config` asks for, or the auto-detected one, saving
    /// output where the session's log settings say.
    pub fn for_session(config: &SessionConfig) -> Result<Self> {
        Ok(Self::new(runtime::detect(config.runtime())?).with_logs(config.logs().clone()))
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

    fn invocation(&self) -> Invocation {
        Invocation::new(self.runtime.as_str())
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
        self.exec
            .output(&invocation)
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

    /// Inspects containers by name or ID; missing ones are simply absent from the result.
    fn inspect(&self, names: &[&str]) -> Result<Vec<Inspect>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let out = self.run(
            ["container", "inspect"]
                .into_iter()
                .chain(names.iter().copied()),
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
            .inspect(&[name.as_str()])?
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
            let out =
                self.run_invocation(logs::saved_invocation(self.runtime, &found.id, stamped))?;
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
        let out = self.run(["rm", name.as_str()])?;
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
        let out = self.run(["kill", "--signal", &signal.to_string(), name.as_str()])?;
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
            match self.exec.output(&wait) {
                Ok(out) if out.success() => return Ok(true),
                Err(ExecError::Timeout { .. }) => return Ok(false),
                Err(err @ ExecError::NotFound { .. }) => return Err(self.exec_error(err)),
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
        env_file: Option<&EnvFile>,
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
            args.push(file.path().display().to_string());
        }
        for var in config
            .env()
            .iter()
            .filter(|var| env_file.is_none() || !fits(var))
        {
            args.push("-e".to_owned());
            args.push(format!("{}={}", var.key(), var.value()));
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
        let created = mounts::create(config.volumes().iter().chain(config.log_volume()))
            .map_err(|err| self.start_error(name, format!("a volume's host directory: {err}")))?;
        let fitting: Vec<&EnvVar> = config.env().iter().filter(|var| fits(var)).collect();
        let env_file = EnvFile::write(&fitting)
            .map_err(|err| self.start_error(name, format!("cannot write its env file: {err}")))?;
        let secrets = config
            .env()
            .iter()
            .map(|var| format!("{}={}", var.key(), var.value()));
        let invocation = self
            .invocation()
            .args(self.run_args(config, image.as_str(), env_file.as_ref()))
            .hiding(secrets)
            .timeout(RUN_TIMEOUT);
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

    /// Watches a container that was just started for [`START_GRACE`]: it if it still
    /// runs, else a failed start with its exit code and last lines of output.
    fn watch(&self, name: &SessionName) -> Result<Inspect> {
        let _wait = progress::waiting(|| Wait::start(name, START_GRACE));
        thread::sleep(START_GRACE);
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
                let out = self.run(["start", name.as_str()])?;
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
                let _ = self.run(["unpause", name.as_str()]);
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
        let out = self.run(["start", name.as_str()])?;
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
        let found = self.require(name)?;
        let out = self.run_invocation(logs::invocation(
            self.runtime,
            &found.id,
            options.lines,
            false,
            options.since,
        ))?;
        if !out.success() {
            return Err(self.failure(&out, "logs"));
        }
        Ok(text::last_lines(
            &out.stdout_text(),
            options.lines,
            options.ansi,
        ))
    }

    fn follow(&self, name: &SessionName, options: &LogOptions, out: &mut dyn Write) -> Result<()> {
        let found = self.require(name)?;
        // Podman streams the whole history first (see `log_text`): count it, and skip all
        // but its last lines. Lines written meanwhile come after it in the stream.
        let skip = match self.runtime {
            Runtime::Docker => 0,
            Runtime::Podman => {
                let out = self.run_invocation(logs::invocation(
                    self.runtime,
                    &found.id,
                    options.lines,
                    false,
                    options.since,
                ))?;
                if !out.success() {
                    return Err(self.failure(&out, "logs"));
                }
                line_count(&out.stdout).saturating_sub(options.lines)
            }
        };
        let mut filter = LineFilter::new(out, options.ansi, skip);
        self.exec
            .stream(
                &logs::invocation(self.runtime, &found.id, options.lines, true, options.since),
                &mut filter,
            )
            .map_err(|err| self.exec_error(err))?;
        let _ = filter.finish();
        Ok(())
    }

    /// One `ps` call, whatever the number of containers. Podman's JSON has everything;
    /// Docker's `ps` has no PID (`status` reads it from `container inspect`).
    fn list_sessions(&self) -> Result<Vec<SessionStatus>> {
        let out = match self.runtime {
            Runtime::Podman => self.run(["ps", "-a", "--format", "json"])?,
            Runtime::Docker => self.run([
                "ps",
                "-a",
                "--no-trunc",
                "--format",
                parse::DOCKER_PS_FORMAT,
            ])?,
        };
        if !out.success() {
            return Err(self.failure(&out, "ps"));
        }
        let mut sessions = match self.runtime {
            Runtime::Podman => parse::podman_ps(&out.stdout),
            Runtime::Docker => parse::docker_ps(&out.stdout_text()),
        }
        .map_err(|err| self.unreadable("ps", err))?;
        sessions.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(sessions)
    }
}
