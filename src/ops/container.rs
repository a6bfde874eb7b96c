//! The container backend: one Docker or Podman container per session, through their CLIs.
//!
//! What upstream got wrong and this file gets right (reference §6, §11):
//! - lookups use `container inspect`, so an image, network or volume of the session's name
//!   is never mistaken for a container; and the returned `Name` must equal the name asked
//!   for, because both runtimes also match ID prefixes;
//! - one state table for `status` and `list`: `status` reads `container inspect`, `list`
//!   one `ps` per runtime whatever the number of containers (see `parse`), and both go
//!   through the same mapping;
//! - containers kstlib creates carry labels (`io.kstlib.ops.*`), so they are told apart
//!   from foreign ones, and a changed config is noticed;
//! - `stop` runs the ladder itself (signal, `wait` up to the timeout, SIGKILL), so it knows
//!   whether the program ended on the signal or was killed (`docker stop` does not say);
//! - a container that exits right after starting is a failed start, with its exit code
//!   and last lines of output.
//!
//! Facts about the CLIs this relies on are in DESIGN.md §7.

mod parse;

use parse::Inspect;

use std::io::{self, Write};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::backend::{LogOptions, Removal, SessionBackend, StopOptions};
use super::error::{Error, Result};
use super::exec::{Executor, Invocation, Output, SystemExecutor};
use super::model::{
    BackendType, Origin, Runtime, SessionState, SessionStatus, StopMethod, StopReport,
    exit_description,
};
use super::runtime;
use super::spec::SessionConfig;
use super::text;
use super::tmux::START_GRACE;
use super::validate::{Command, SessionName, StopSignal};

/// Label set on every container kstlib creates.
pub const MANAGED_LABEL: &str = "io.kstlib.ops.managed";
/// Label holding the session name.
pub const SESSION_LABEL: &str = "io.kstlib.ops.session";
/// Label holding [`SessionConfig::config_hash`].
pub const HASH_LABEL: &str = "io.kstlib.ops.config-hash";

/// `run` may pull the image from a registry, which takes as long as the network makes it.
const RUN_TIMEOUT: Duration = Duration::from_secs(600);

/// How many log lines a failed start reports.
const FAILED_START_LINES: usize = 10;

/// Containers of one runtime. Upstream's `ContainerRunner`.
#[derive(Debug, Clone)]
pub struct ContainerRunner {
    runtime: Runtime,
    exec: Arc<dyn Executor>,
}

impl ContainerRunner {
    /// A runner for `runtime`, found on `PATH` when used.
    pub fn new(runtime: Runtime) -> Self {
        Self::with_executor(runtime, Arc::new(SystemExecutor))
    }

    /// The same, running programs through `exec` (tests use a fake one).
    pub fn with_executor(runtime: Runtime, exec: Arc<dyn Executor>) -> Self {
        ContainerRunner { runtime, exec }
    }

    /// The runner for the runtime `config` asks for, or the auto-detected one.
    pub fn for_session(config: &SessionConfig) -> Result<Self> {
        Ok(Self::new(runtime::detect(config.runtime())?))
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
    pub fn exec(&self, name: &SessionName, command: &Command) -> Result<Output> {
        self.require_running(name)?;
        self.run(
            ["exec", name.as_str()]
                .into_iter()
                .map(str::to_owned)
                .chain(command.argv().iter().cloned()),
        )
    }

    /// Replaces the current process with `command` running in the container, attached to
    /// this terminal (`exec -it`), or to this stdin when it is not a terminal (`exec -i`).
    /// Returns only on failure; the exit code is the command's.
    pub fn exec_interactive(&self, name: &SessionName, command: &Command) -> Result<()> {
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
            stderr: self.exec.replace(&invocation).to_string(),
        })
    }

    fn require_running(&self, name: &SessionName) -> Result<Inspect> {
        let found = self.require(name)?;
        if found.state().is_alive() {
            Ok(found)
        } else {
            Err(Error::Backend {
                command: format!("{} exec {name}", self.runtime),
                code: None,
                stderr: format!("the container is {}, not running", found.state()),
            })
        }
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

    fn exec_error(&self, err: super::exec::ExecError) -> Error {
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
                reason: first_line(&stderr),
            };
        }
        Error::Backend {
            command: format!("{} {what}", self.runtime),
            code: out.code,
            stderr: first_line(&stderr),
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
        match serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout) {
            Ok(values) => Ok(values
                .into_iter()
                .filter_map(|value| serde_json::from_value::<Inspect>(value).ok())
                .collect()),
            Err(_) if !out.success() => {
                let stderr = out.stderr_text();
                if is_missing(&stderr) {
                    Ok(Vec::new())
                } else {
                    Err(self.failure(&out, "container inspect"))
                }
            }
            Err(err) => Err(Error::Backend {
                command: format!("{} container inspect", self.runtime),
                code: out.code,
                stderr: format!("unreadable output: {err}"),
            }),
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

    fn start_error(&self, name: &SessionName, reason: String) -> Error {
        Error::SessionStart {
            name: name.to_string(),
            backend: BackendType::Container,
            reason,
            exit_code: None,
            output: Vec::new(),
        }
    }

    fn remove(&self, name: &SessionName) -> Result<()> {
        let out = self.run(["rm", name.as_str()])?;
        if out.success() || is_missing(&out.stderr_text()) {
            Ok(())
        } else {
            Err(self.failure(&out, "rm"))
        }
    }

    /// `run -d -it --name NAME --label … [options] IMAGE [argv…]`.
    fn run_args(&self, config: &SessionConfig, image: &str) -> Vec<String> {
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
        for var in config.env() {
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
        let image = config.image().ok_or_else(|| {
            self.start_error(
                name,
                "a container image is required (--image, or `image:` in kstlib.conf.yml)"
                    .to_owned(),
            )
        })?;
        let invocation = self
            .invocation()
            .args(self.run_args(config, image.as_str()))
            .timeout(RUN_TIMEOUT);
        let out = self.run_invocation(invocation)?;
        if out.success() {
            return Ok(());
        }
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
        Err(self.start_error(name, last_line(&stderr)))
    }

    /// Watches a container that was just started for [`START_GRACE`]: it if it still
    /// runs, else a failed start with its exit code and last lines of output.
    fn watch(&self, name: &SessionName) -> Result<Inspect> {
        thread::sleep(START_GRACE);
        let found = self.require(name)?;
        if found.state().is_alive() {
            return Ok(found);
        }
        let output = self
            .exec
            .output(&self.log_text(&found, FAILED_START_LINES, false))
            .map(|out| {
                text::last_lines(&out.stdout_text(), FAILED_START_LINES, false)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
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

    /// A container's output, both streams in order: on Docker its last `lines` lines, on
    /// Podman all of it, for the caller to cut ([`text::last_lines`], or the `skip` of
    /// [`LineFilter`] when following).
    ///
    /// Podman 4's `--tail` cannot be trusted: a line written in several pieces is stored
    /// as partial records, and `--tail` drops the first piece and moves line ends
    /// (`printf one; sleep 1; echo " more"` comes back as " more"), TTY or not; without a
    /// TTY it also counts stdout and stderr apart. Its plain `logs` is right.
    fn log_text(&self, found: &Inspect, lines: usize, follow: bool) -> Invocation {
        let mut invocation = self.invocation().arg("logs");
        if follow {
            invocation = invocation.arg("--follow");
        }
        if self.runtime == Runtime::Docker {
            invocation = invocation.arg("--tail").arg(lines.to_string());
        }
        invocation.arg(&found.id).merge_stderr()
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
                self.remove(name)?;
                self.create(config)?;
                true
            }
            // Ours and unchanged, or foreign: started again as it is.
            Some(_) => {
                let out = self.run(["start", name.as_str()])?;
                if !out.success() {
                    return Err(self.start_error(name, last_line(&out.stderr_text())));
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
            let out = self.run(["kill", "--signal", &signal.to_string(), name.as_str()])?;
            if !out.success() && !not_running(&out.stderr_text()) {
                return Err(Error::SessionStop {
                    name: name.to_string(),
                    backend: BackendType::Container,
                    reason: first_line(&out.stderr_text()),
                });
            }
            let wait = self
                .invocation()
                .args(["wait", name.as_str()])
                .timeout(options.timeout.max(Duration::from_millis(100)));
            report.method = match (options.graceful, self.exec.output(&wait)) {
                (false, _) => StopMethod::Forced,
                (true, Ok(_)) => StopMethod::Graceful,
                (true, Err(_)) => {
                    let _ = self.run(["kill", "--signal", "SIGKILL", name.as_str()]);
                    StopMethod::Killed
                }
            };
            if report.method != StopMethod::Graceful {
                // The kill is asynchronous: wait for the engine to record the exit.
                let _ = self.run_invocation(
                    self.invocation()
                        .args(["wait", name.as_str()])
                        .timeout(Duration::from_secs(10)),
                );
            }
            report.exit_code = self
                .find(name)?
                .and_then(|found| found.to_status(self.runtime).exit_code);
        }
        let remove = match options.removal {
            Removal::Auto => found.is_managed(),
            Removal::Keep => false,
            Removal::Remove => true,
        };
        if remove {
            self.remove(name)?;
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
            return Err(self.start_error(name, last_line(&out.stderr_text())));
        }
        Ok(self.watch(name)?.to_status(self.runtime))
    }

    fn attach(&self, name: &SessionName) -> Result<()> {
        let found = self.require(name)?;
        let attach_error = |reason: String| Error::SessionAttach {
            name: name.to_string(),
            backend: BackendType::Container,
            reason,
        };
        if !found.state().is_alive() {
            let status = found.to_status(self.runtime);
            return Err(attach_error(format!(
                "it is not running ({}); `kstlib ops logs {name}` shows its last output",
                match status.state {
                    SessionState::Exited =>
                        exit_description(status.exit_code, status.exit_signal.as_deref()),
                    state => state.to_string(),
                }
            )));
        }
        // Podman attaches anyway and then hangs on a pipe; Docker refuses. Say it first.
        if !io::IsTerminal::is_terminal(&io::stdin()) {
            return Err(attach_error(
                "stdin is not a terminal; attach needs an interactive terminal".to_owned(),
            ));
        }
        let invocation = self.invocation().args(["attach", name.as_str()]);
        Err(attach_error(self.exec.replace(&invocation).to_string()))
    }

    fn status(&self, name: &SessionName) -> Result<SessionStatus> {
        Ok(self.require(name)?.to_status(self.runtime))
    }

    fn logs(&self, name: &SessionName, options: &LogOptions) -> Result<String> {
        let found = self.require(name)?;
        let out = self.run_invocation(self.log_text(&found, options.lines, false))?;
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
                let out = self.run_invocation(self.log_text(&found, options.lines, false))?;
                if !out.success() {
                    return Err(self.failure(&out, "logs"));
                }
                line_count(&out.stdout).saturating_sub(options.lines)
            }
        };
        let mut filter = LineFilter {
            out,
            partial: String::new(),
            ansi: options.ansi,
            skip,
        };
        self.exec
            .stream(&self.log_text(&found, options.lines, true), &mut filter)
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
            Runtime::Podman => parse::podman_ps(&out.stdout).map_err(|err| Error::Backend {
                command: "podman ps -a --format json".to_owned(),
                code: out.code,
                stderr: format!("unreadable output: {err}"),
            })?,
            Runtime::Docker => parse::docker_ps(&out.stdout_text()),
        };
        sessions.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(sessions)
    }
}

/// Writes complete lines, escape sequences and carriage returns removed unless `ansi`.
struct LineFilter<'a> {
    out: &'a mut dyn Write,
    partial: String,
    ansi: bool,
    /// How many lines to drop first (history already counted, beyond the last N).
    skip: usize,
}

impl LineFilter<'_> {
    fn emit(&mut self, line: &str) -> io::Result<()> {
        if self.skip > 0 {
            self.skip -= 1;
            return Ok(());
        }
        let line = if self.ansi {
            line.trim_end_matches('\r').to_owned()
        } else {
            text::strip_escapes(line)
        };
        writeln!(self.out, "{line}")
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.emit(&line)?;
        }
        self.out.flush()
    }
}

impl Write for LineFilter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.push_str(&String::from_utf8_lossy(buf));
        while let Some(end) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=end).collect();
            self.emit(&line[..line.len() - 1])?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Lines as [`LineFilter`] will see them: one per `\n`, plus an unfinished last one.
fn line_count(bytes: &[u8]) -> usize {
    let ends = bytes.iter().filter(|&&byte| byte == b'\n').count();
    ends + usize::from(bytes.last().is_some_and(|&byte| byte != b'\n'))
}

fn first_line(text: &str) -> String {
    text::first_line(text, "the runtime")
}

/// The runtime's real complaint: Docker ends its errors with "See 'docker run --help'.".
fn last_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.contains("--help"))
        .find(|line| line.contains("rror"))
        .or_else(|| text.lines().map(str::trim).rfind(|line| !line.is_empty()))
        .unwrap_or("");
    first_line(line)
}

fn unavailable(stderr: &str) -> bool {
    stderr.contains("Cannot connect to the Docker daemon")
        || stderr.contains("Cannot connect to Podman")
        || stderr.contains("permission denied while trying to connect")
        || stderr.contains("Is the docker daemon running")
}

/// Another container holds the name (a start racing ours). Not any "already in use": a
/// published port that is taken ends in "bind: address already in use", and that container
/// was created by this `run` and must be removed, not reported as an existing session.
fn name_in_use(stderr: &str) -> bool {
    // Docker: `The container name "/web" is already in use by container "…"`;
    // Podman: `the container name "web" is already in use by …`.
    let stderr = stderr.to_ascii_lowercase();
    stderr.contains("container name") && stderr.contains("is already in use by")
}

fn is_missing(stderr: &str) -> bool {
    let stderr = stderr.to_ascii_lowercase();
    stderr.contains("no such container") || stderr.contains("no container with name or id")
}

fn not_running(stderr: &str) -> bool {
    stderr.contains("is not running") || stderr.contains("can only kill running containers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_complaint_is_picked_from_run_errors() {
        let stderr = "Unable to find image 'x:1' locally\ndocker: Error response from daemon: \
                      No such image: x:1.\nSee 'docker run --help'.";
        assert_eq!(
            last_line(stderr),
            "docker: Error response from daemon: No such image: x:1."
        );
    }

    #[test]
    fn a_taken_port_is_not_a_taken_name() {
        for taken_name in [
            "docker: Error response from daemon: Conflict. The container name \"/web\" is \
             already in use by container \"5ba0\". You have to remove (or rename) that container",
            "Error: creating container storage: the container name \"web\" is already in use \
             by 1a1c. You have to remove that container to be able to reuse that name",
        ] {
            assert!(name_in_use(taken_name), "{taken_name}");
        }
        for taken_port in [
            "docker: Error response from daemon: driver failed programming external \
             connectivity on endpoint web (9d10): Error starting userland proxy: listen tcp4 \
             127.0.0.1:18777: bind: address already in use",
            "Error: cannot listen on the TCP port: listen tcp4 127.0.0.1:18777: bind: address \
             already in use",
        ] {
            assert!(!name_in_use(taken_port), "{taken_port}");
        }
    }

    #[test]
    fn line_filter_strips_and_joins_partial_lines() {
        let mut out = Vec::new();
        let mut filter = LineFilter {
            out: &mut out,
            partial: String::new(),
            ansi: false,
            skip: 0,
        };
        filter.write_all(b"\x1b[32mgr").expect("write");
        filter.write_all(b"een\x1b[0m\r\nnext").expect("write");
        filter.finish().expect("finish");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "green\nnext\n");
    }

    #[test]
    fn line_filter_skips_the_history_beyond_the_last_lines() {
        let history = b"one\ntwo\nthree";
        assert_eq!(line_count(history), 3);
        assert_eq!(line_count(b"one\ntwo\n"), 2);
        assert_eq!(line_count(b""), 0);
        let mut out = Vec::new();
        let mut filter = LineFilter {
            out: &mut out,
            partial: String::new(),
            ansi: false,
            skip: line_count(history).saturating_sub(2),
        };
        filter.write_all(b"one\ntw").expect("write");
        filter.write_all(b"o\nthree more\nnew\n").expect("write");
        filter.finish().expect("finish");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "two\nthree more\nnew\n"
        );
    }
}
