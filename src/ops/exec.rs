//! The only place that runs programs.
//!
//! Backends describe what to run as an [`Invocation`] and hand it to an [`Executor`]. The
//! real one ([`SystemExecutor`]) spawns it without a shell, with a timeout, and logs the argv
//! at debug level; unit tests substitute a fake executor to reach error paths that real
//! programs cannot produce on demand.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use wait_timeout::ChildExt;

use super::sanitize;
use super::timing;

/// A program to run: its argv, environment changes and time limit.
#[derive(Clone, PartialEq, Eq)]
pub struct Invocation {
    program: PathBuf,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    timeout: Duration,
    merge_stderr: bool,
    /// Arguments whose value is a secret (`KEY=VALUE` of an environment variable): shown as
    /// `KEY=***` wherever the command line is printed.
    secrets: Vec<OsString>,
    /// What the program reads on stdin (`output` only); none: stdin is `/dev/null`.
    stdin: Option<Vec<u8>>,
}

impl Invocation {
    /// A call of `program` with no arguments and the default timeout.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Invocation {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            timeout: timing::backend_timeout(),
            merge_stderr: false,
            secrets: Vec::new(),
            stdin: None,
        }
    }

    /// Marks `KEY=VALUE` arguments as secrets: `-vv`, errors and messages show them as
    /// `KEY=***`, so that `-e API_TOKEN=…` never reaches a log in full.
    pub fn hiding<I, S>(mut self, secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.secrets.extend(secrets.into_iter().map(Into::into));
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove(mut self, key: impl Into<OsString>) -> Self {
        self.env.push((key.into(), None));
        self
    }

    /// Sets the time limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends stderr into the same pipe as stdout, so that both streams keep their order
    /// (container logs); [`Output::stderr`] is then empty.
    pub fn merge_stderr(mut self) -> Self {
        self.merge_stderr = true;
        self
    }

    /// Gives the program `bytes` to read on stdin (then end of file), for [`Executor::output`];
    /// secrets handed over this way never appear on any command line.
    pub fn stdin(mut self, bytes: Vec<u8>) -> Self {
        self.stdin = Some(bytes);
        self
    }

    /// The program to run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The environment changes, in order: `(KEY, Some(VALUE))` sets, `(KEY, None)` removes.
    pub fn get_env(&self) -> &[(OsString, Option<OsString>)] {
        &self.env
    }

    /// Whether stderr goes into stdout's pipe.
    pub fn is_merge_stderr(&self) -> bool {
        self.merge_stderr
    }

    /// The arguments that hold secrets.
    pub fn get_secrets(&self) -> &[OsString] {
        &self.secrets
    }

    /// What the program gets on stdin, if anything.
    pub fn get_stdin(&self) -> Option<&[u8]> {
        self.stdin.as_deref()
    }

    /// The arguments, without the program.
    pub fn get_args(&self) -> &[OsString] {
        &self.args
    }

    /// The time limit.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command
    }
}

impl Invocation {
    /// The command line for a one-line message: as [`Display`](fmt::Display) shows it, with
    /// long arguments (format templates) shortened to `…`.
    pub fn brief(&self) -> String {
        const LONG: usize = 40;
        let shown = |arg: &OsString| {
            if self.secrets.contains(arg) || arg.len() <= LONG {
                None
            } else {
                Some(OsString::from("…"))
            }
        };
        let args: Vec<OsString> = self
            .args
            .iter()
            .map(|arg| shown(arg).unwrap_or_else(|| arg.clone()))
            .collect();
        Invocation {
            args,
            ..self.clone()
        }
        .to_string()
    }
}

impl fmt::Display for Invocation {
    /// The command line, quoted like a shell would need it, for logs and error messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shell_quote(self.program.as_os_str()))?;
        for arg in &self.args {
            if self.secrets.contains(arg) {
                let text = arg.to_string_lossy();
                let key = text.split_once('=').map_or("", |(key, _)| key);
                write!(f, " {}", shell_quote(OsStr::new(&format!("{key}=***"))))?;
            } else {
                write!(f, " {}", shell_quote(arg))?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Invocation {
    /// As [`Display`](fmt::Display) shows it, secrets masked; environment values and what
    /// goes on stdin (a container's env file) only by their keys and size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let env: Vec<String> = self
            .env
            .iter()
            .map(|(key, value)| match value {
                Some(_) => format!("{}=***", key.to_string_lossy()),
                None => format!("-{}", key.to_string_lossy()),
            })
            .collect();
        f.debug_struct("Invocation")
            .field("command", &self.to_string())
            .field("env", &env)
            .field("timeout", &self.timeout)
            .field("merge_stderr", &self.merge_stderr)
            .field("stdin", &self.stdin.as_ref().map(Vec::len))
            .finish()
    }
}

fn shell_quote(word: &OsStr) -> String {
    // Control and bidi characters would reach the terminal raw inside quotes.
    sanitize::escape(&shell_words::quote(&word.to_string_lossy())).into_owned()
}

/// What a finished program left behind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The exit code, or `None` when the program died of a signal.
    pub code: Option<i32>,
    /// Everything it wrote on stdout.
    pub stdout: Vec<u8>,
    /// Everything it wrote on stderr.
    pub stderr: Vec<u8>,
}

impl Output {
    /// Whether the program exited with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Stdout as text; invalid UTF-8 is replaced rather than refused (upstream raised).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Stderr as text, trimmed, for error messages.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).trim().to_owned()
    }
}

/// Why a program could not be run to completion.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The program does not exist (or is not executable).
    #[error("program '{}' not found", program.display())]
    NotFound {
        /// The program that was asked for.
        program: PathBuf,
    },
    /// The program did not finish within its time limit and was killed.
    #[error("`{invocation}` did not answer within {} s", timeout.as_secs_f64())]
    Timeout {
        /// What was run, for the message.
        invocation: String,
        /// The limit that was reached.
        timeout: Duration,
    },
    /// Spawning or waiting failed for another reason.
    #[error("could not run '{}': {source}", program.display())]
    Io {
        /// The program that was run.
        program: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A remote host could not be used: ssh could not connect or log in, or the program
    /// is not installed there.
    #[error("host '{host}': {reason}")]
    Host {
        /// The host's name in the config.
        host: String,
        /// ssh's first error line, or what is missing there.
        reason: String,
    },
}

/// Runs programs for the backends. The seam between kstlib and the outside world.
pub trait Executor: Send + Sync + fmt::Debug {
    /// Runs to completion, capturing stdout and stderr, within the invocation's time limit.
    fn output(&self, invocation: &Invocation) -> Result<Output, ExecError>;

    /// Replaces the current process with the program (`exec`); returns only on failure.
    fn replace(&self, invocation: &Invocation) -> ExecError;

    /// Runs with this terminal (stdin and stdout inherited) and no time limit, for commands
    /// a person uses (`attach`); stderr lines equal to one of `hide` are dropped, the others
    /// passed on as they come. Returns the exit code (`None`: killed by a signal).
    fn interactive(&self, invocation: &Invocation, hide: &[&str])
    -> Result<Option<i32>, ExecError>;

    /// Runs with no time limit, copying the program's stdout to `out` as it comes (stderr
    /// goes to ours), for commands that stream until stopped (`logs --follow`). When `out`
    /// is closed the program is killed. Returns the exit code (`None`: killed by a signal).
    fn stream(
        &self,
        invocation: &Invocation,
        out: &mut dyn Write,
    ) -> Result<Option<i32>, ExecError>;
}

/// The real [`Executor`]: spawns processes.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemExecutor;

impl Executor for SystemExecutor {
    fn output(&self, invocation: &Invocation) -> Result<Output, ExecError> {
        tracing::debug!("running: {invocation}");
        let started = Instant::now();
        let (mut child, merged) = spawn_piped(invocation)?;
        let deadline = started + invocation.timeout;
        let stdout = match merged {
            Some(reader) => Some(OwnedFd::from(reader)),
            None => child.stdout.take().map(OwnedFd::from),
        };
        let stderr = child.stderr.take().map(OwnedFd::from);
        let stdin = child.stdin.take().map(OwnedFd::from);
        let io_error = |child: &mut Child, source| {
            abandon(child);
            ExecError::Io {
                program: invocation.program.clone(),
                source,
            }
        };
        let timed_out = |child: &mut Child| {
            abandon(child);
            ExecError::Timeout {
                invocation: invocation.brief(),
                timeout: invocation.timeout,
            }
        };
        let stdin = stdin.zip(invocation.stdin.as_deref());
        let (stdout, stderr) = match exchange(stdout, stderr, stdin, deadline) {
            Ok(Some(streams)) => streams,
            Ok(None) => return Err(timed_out(&mut child)),
            Err(source) => return Err(io_error(&mut child, source)),
        };
        // Both pipes are closed: the program has nearly always exited already.
        let waited = match child.try_wait() {
            Ok(None) => child.wait_timeout(deadline.saturating_duration_since(Instant::now())),
            done => done,
        };
        let status = match waited {
            Ok(Some(status)) => status,
            Ok(None) => return Err(timed_out(&mut child)),
            Err(source) => return Err(io_error(&mut child, source)),
        };
        let output = Output {
            code: status.code(),
            stdout,
            stderr,
        };
        tracing::debug!(
            "exit {:?} after {} ms ({} bytes out, {} bytes err)",
            output.code,
            started.elapsed().as_millis(),
            output.stdout.len(),
            output.stderr.len()
        );
        Ok(output)
    }

    fn replace(&self, invocation: &Invocation) -> ExecError {
        use std::os::unix::process::CommandExt;
        tracing::debug!("exec: {invocation}");
        let source = invocation.command().exec();
        spawn_error(invocation, source)
    }

    fn interactive(
        &self,
        invocation: &Invocation,
        hide: &[&str],
    ) -> Result<Option<i32>, ExecError> {
        tracing::debug!("interactive: {invocation}");
        let mut child = invocation
            .command()
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| spawn_error(invocation, source))?;
        if let Some(stderr) = child.stderr.take() {
            let mut lines = io::BufReader::new(stderr);
            let mut line = Vec::new();
            while io::BufRead::read_until(&mut lines, b'\n', &mut line).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&line);
                if !hide.contains(&text.trim_end()) {
                    let _ = io::stderr().write_all(&line);
                }
                line.clear();
            }
        }
        let status = child.wait().map_err(|source| ExecError::Io {
            program: invocation.program.clone(),
            source,
        })?;
        Ok(status.code())
    }

    fn stream(
        &self,
        invocation: &Invocation,
        out: &mut dyn Write,
    ) -> Result<Option<i32>, ExecError> {
        tracing::debug!("streaming: {invocation}");
        let (mut child, merged) = spawn_piped(invocation)?;
        // Unmerged stderr goes on to ours line by line as it comes, escaped: a remote
        // host's banner or rc files may print anything there.
        let errors = child.stderr.take().map(|stderr| {
            thread::spawn(move || {
                for line in io::BufRead::split(io::BufReader::new(stderr), b'\n') {
                    let Ok(line) = line else { break };
                    let text = sanitize::strip_escapes(&String::from_utf8_lossy(&line));
                    if writeln!(io::stderr(), "{text}").is_err() {
                        break;
                    }
                }
            })
        });
        let reader: Option<Box<dyn Read>> = match merged {
            Some(reader) => Some(Box::new(reader)),
            None => child
                .stdout
                .take()
                .map(|out| Box::new(out) as Box<dyn Read>),
        };
        if let Some(mut stdout) = reader {
            let mut buffer = [0u8; 8192];
            loop {
                match stdout.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => {
                        if out
                            .write_all(&buffer[..n])
                            .and_then(|()| out.flush())
                            .is_err()
                        {
                            // The reader went away (`| head`): stop the program too.
                            kill_group(&mut child);
                            break;
                        }
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        }
        let status = child.wait().map_err(|source| ExecError::Io {
            program: invocation.program.clone(),
            source,
        })?;
        if let Some(errors) = errors {
            let _ = errors.join();
        }
        Ok(status.code())
    }
}

/// Spawns with stdout piped, and stderr piped too: into its own pipe, or with
/// `merge_stderr` into stdout's, whose reading end is then returned.
fn spawn_piped(invocation: &Invocation) -> Result<(Child, Option<io::PipeReader>), ExecError> {
    let io_error = |source| ExecError::Io {
        program: invocation.program.clone(),
        source,
    };
    let mut command = invocation.command();
    command.stdin(match invocation.stdin {
        Some(_) => Stdio::piped(),
        None => Stdio::null(),
    });
    confine(&mut command);
    let reader = if invocation.merge_stderr {
        let (reader, writer) = io::pipe().map_err(io_error)?;
        command
            .stdout(writer.try_clone().map_err(io_error)?)
            .stderr(writer);
        Some(reader)
    } else {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        None
    };
    let child = command
        .spawn()
        .map_err(|source| spawn_error(invocation, source))?;
    // `command` still holds the pipe's writing ends: drop them, or reading never ends.
    drop(command);
    Ok((child, reader))
}

/// A helper runs in a process group of its own, so that a timeout kills all of it (a hung
/// wrapper script's children too, not only the script), and dies with kstlib: a `docker
/// wait` of a kstlib killed with `kill -9` must not live on.
fn confine(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = nix::unistd::getpid();
    command.process_group(0);
    // SAFETY: between fork and exec only async-signal-safe calls are made (prctl, getppid),
    // and nothing is allocated: the error is a raw OS error.
    unsafe {
        command.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)
                .map_err(|errno| io::Error::from_raw_os_error(errno as i32))?;
            // kstlib died between the fork and the prctl: the death signal was missed.
            if nix::unistd::getppid() != parent {
                return Err(io::Error::from_raw_os_error(nix::libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// Kills a helper and everything in its process group (see [`confine`]).
fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = child.kill();
}

fn spawn_error(invocation: &Invocation, source: io::Error) -> ExecError {
    if source.kind() == io::ErrorKind::NotFound {
        ExecError::NotFound {
            program: invocation.program.clone(),
        }
    } else {
        ExecError::Io {
            program: invocation.program.clone(),
            source,
        }
    }
}

/// Kills a helper that overran its time or that can no longer be talked to, and reaps it.
fn abandon(child: &mut Child) {
    kill_group(child);
    let _ = child.wait();
}

/// Reads a helper's stdout and stderr to their end while writing `stdin` to it, all on this
/// thread (`poll`), until `deadline`; `None` when the deadline came first. Neither a
/// program that fills one pipe while we read the other nor one that leaves its stdin unread
/// can block us, and a background child still holding a pipe is bounded by the time limit.
/// No thread per pipe: they were a tenth of a millisecond of every short call.
fn exchange(
    stdout: Option<OwnedFd>,
    stderr: Option<OwnedFd>,
    stdin: Option<(OwnedFd, &[u8])>,
    deadline: Instant,
) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    use nix::errno::Errno;
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut readers = [stdout, stderr];
    let mut read = [Vec::new(), Vec::new()];
    if let Some((fd, _)) = &stdin {
        // POLLOUT promises room for some bytes, not for all of them.
        let flags = OFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFL)?);
        fcntl(fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    }
    let mut writer = stdin;
    let mut buffer = [0u8; 16 * 1024];
    while readers.iter().any(Option::is_some) || writer.is_some() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        // Rounded up: a shorter wait than asked for would spin until the deadline.
        let timeout =
            PollTimeout::try_from(left.as_micros().div_ceil(1000)).unwrap_or(PollTimeout::MAX);
        let mut fds: Vec<PollFd> = readers
            .iter()
            .flatten()
            .map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLIN))
            .chain(
                writer
                    .iter()
                    .map(|(fd, _)| PollFd::new(fd.as_fd(), PollFlags::POLLOUT)),
            )
            .collect();
        match poll(&mut fds, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(errno) => return Err(errno.into()),
        }
        // In the order the descriptors were given: the open readers, then the writer.
        let mut ready = fds
            .iter()
            .map(|fd| fd.revents().is_some_and(|events| !events.is_empty()))
            .collect::<Vec<_>>()
            .into_iter();
        for (reader, read) in readers.iter_mut().zip(&mut read) {
            let Some(fd) = reader else { continue };
            if !ready.next().unwrap_or(false) {
                continue;
            }
            match nix::unistd::read(fd.as_fd(), &mut buffer) {
                Ok(0) => *reader = None,
                Ok(n) => read.extend_from_slice(&buffer[..n]),
                Err(Errno::EINTR | Errno::EAGAIN) => {}
                // What was read so far is all there is to report.
                Err(_) => *reader = None,
            }
        }
        if let Some((fd, bytes)) = &mut writer
            && ready.next().unwrap_or(false)
        {
            match nix::unistd::write(&*fd, bytes) {
                Ok(n) => *bytes = &bytes[n..],
                Err(Errno::EINTR | Errno::EAGAIN) => {}
                // The program closed its stdin (EPIPE): it wants no more.
                Err(_) => *bytes = &[],
            }
            if bytes.is_empty() {
                // Closing the pipe is the end of file the program waits for.
                writer = None;
            }
        }
    }
    let [stdout, stderr] = read;
    Ok(Some((stdout, stderr)))
}

/// Looks a program up the way `execvp` would: a name with a `/` is taken as a path, any
/// other name is searched in `PATH`. Returns the path of an executable file.
pub fn find_program(name: &OsStr) -> Option<PathBuf> {
    let path = Path::new(name);
    if name.is_empty() {
        return None;
    }
    if path.components().count() > 1 || name.to_string_lossy().contains('/') {
        return is_executable(path).then(|| path.to_path_buf());
    }
    let search = std::env::var_os("PATH")?;
    std::env::split_paths(&search)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_both_streams_and_the_exit_code() {
        let out = SystemExecutor
            .output(&Invocation::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]))
            .expect("sh runs");
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stdout_text(), "out\n");
        assert_eq!(out.stderr_text(), "err");
    }

    #[test]
    fn a_program_that_hangs_is_killed_at_its_timeout() {
        let invocation = Invocation::new("sleep")
            .arg("30")
            .timeout(Duration::from_millis(200));
        let err = SystemExecutor
            .output(&invocation)
            .expect_err("must time out");
        assert!(matches!(err, ExecError::Timeout { .. }), "{err:?}");
        assert_eq!(err.to_string(), "`sleep 30` did not answer within 0.2 s");
    }

    #[test]
    fn stdin_is_given_to_the_program() {
        let out = SystemExecutor
            .output(&Invocation::new("cat").stdin(b"secret\n".to_vec()))
            .expect("cat runs");
        assert_eq!(out.stdout_text(), "secret\n");
        let out = SystemExecutor
            .output(&Invocation::new("cat"))
            .expect("cat runs");
        assert_eq!(out.stdout_text(), "", "no stdin: end of file at once");
    }

    #[test]
    fn a_large_stdin_and_output_at_once_do_not_deadlock() {
        // More than a pipe holds, both ways: `cat` blocks writing until its output is read.
        let input: Vec<u8> = (0..1_000_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let out = SystemExecutor
            .output(&Invocation::new("cat").stdin(input.clone()))
            .expect("cat runs");
        assert_eq!(out.stdout.len(), input.len());
        assert!(out.stdout == input, "the same bytes, in order");
        let out = SystemExecutor
            .output(&Invocation::new("head").args(["-c", "3"]).stdin(input))
            .expect("head runs");
        assert_eq!(
            out.stdout_text(),
            "abc",
            "a program that stops reading is fine"
        );
    }

    #[test]
    fn a_background_child_holding_the_output_is_bounded_by_the_timeout() {
        // The program exits at once, its child keeps stdout open: the output is not
        // complete, and waiting for it was once unbounded.
        let started = Instant::now();
        let invocation = Invocation::new("sh")
            .args(["-c", "sleep 1042 & echo started"])
            .timeout(Duration::from_millis(300));
        let err = SystemExecutor
            .output(&invocation)
            .expect_err("must time out");
        assert!(matches!(err, ExecError::Timeout { .. }), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_timeout_kills_the_children_of_a_hung_wrapper_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pid_file = dir.path().join("child.pid");
        let script = format!("sleep 1041 & echo $! > {}; wait", pid_file.display());
        let invocation = Invocation::new("sh")
            .args(["-c", &script])
            .timeout(Duration::from_millis(300));
        let err = SystemExecutor
            .output(&invocation)
            .expect_err("must time out");
        assert!(matches!(err, ExecError::Timeout { .. }), "{err:?}");
        let pid = std::fs::read_to_string(&pid_file).expect("the child's pid");
        let proc = format!("/proc/{}", pid.trim());
        let deadline = Instant::now() + Duration::from_secs(2);
        while std::path::Path::new(&proc).exists() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !std::path::Path::new(&proc).exists(),
            "sleep {} lives on",
            pid.trim()
        );
    }

    #[test]
    fn a_missing_program_is_not_found() {
        let err = SystemExecutor
            .output(&Invocation::new("kstlib-no-such-program"))
            .expect_err("must fail");
        assert!(matches!(err, ExecError::NotFound { .. }), "{err:?}");
    }

    #[test]
    fn large_output_on_both_pipes_does_not_deadlock() {
        let script = "head -c 200000 /dev/zero; head -c 200000 /dev/zero >&2";
        let out = SystemExecutor
            .output(&Invocation::new("sh").args(["-c", script]))
            .expect("sh runs");
        assert_eq!((out.stdout.len(), out.stderr.len()), (200_000, 200_000));
    }

    #[test]
    fn display_quotes_arguments_and_escapes_control_characters() {
        let invocation = Invocation::new("tmux").args(["-L", "a b", "x\ny"]);
        assert_eq!(invocation.to_string(), "tmux -L 'a b' 'x\\ny'");
    }

    #[test]
    fn secrets_are_masked_wherever_the_command_line_is_shown() {
        let invocation = Invocation::new("tmux")
            .args(["new-session", "-e", "API_TOKEN=s3cret", "-e", "MODE=live"])
            .hiding(["API_TOKEN=s3cret", "MODE=live"]);
        assert_eq!(
            invocation.to_string(),
            "tmux new-session -e 'API_TOKEN=***' -e 'MODE=***'"
        );
        assert_eq!(
            invocation.get_args()[2],
            "API_TOKEN=s3cret",
            "the argv itself is whole"
        );
        let debug = format!(
            "{:?}",
            invocation
                .env("DB_PASSWORD", "hunter2")
                .stdin(b"API_TOKEN=s3cret\n".to_vec())
        );
        assert!(
            !debug.contains("s3cret") && !debug.contains("hunter2") && !debug.contains("live"),
            "{debug}"
        );
    }

    #[test]
    fn brief_command_lines_shorten_long_arguments() {
        let invocation = Invocation::new("tmux").args(["list-sessions", "-F", &"#{x}".repeat(20)]);
        assert_eq!(invocation.brief(), "tmux list-sessions -F …");
    }

    #[test]
    fn find_program_searches_path_and_takes_paths_as_is() {
        assert!(find_program(OsStr::new("sh")).is_some());
        assert!(find_program(OsStr::new("/bin/sh")).is_some());
        assert!(find_program(OsStr::new("kstlib-no-such-program")).is_none());
        assert!(find_program(OsStr::new("")).is_none());
    }
}
