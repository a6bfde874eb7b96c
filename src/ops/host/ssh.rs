//! [`SshExecutor`]: an [`Executor`] that runs every program on a remote host, through the
//! system `ssh`.
//!
//! - One connection per host is reused: the first call starts a master connection
//!   (`ControlMaster=auto`) whose socket lives in a private `0700` directory of this user's
//!   (`ControlPath=DIR/%C`), and it lingers for a minute after the last call
//!   (`ControlPersist=60`), so that a `status` costs a few milliseconds more than locally
//!   instead of a new connection (≥ 140 ms, more with a key exchange).
//! - Non-interactive calls never prompt (`BatchMode=yes`) and give up connecting after
//!   the host's `connect_timeout`; `attach` and `exec` get a terminal (`-t`).
//! - The user's own ssh setup decides everything else: `~/.ssh/config`, keys, agent,
//!   `ProxyJump`. A host's `ssh_options` come first (ssh keeps the first value it gets for
//!   an option, so they override ours), its `ssh_config` is passed as `-F`.
//! - ssh's own failures (exit 255: refused, timed out, wrong key) become
//!   [`ExecError::Host`] with ssh's first error line; a program missing on the host too.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::ops::exec::{ExecError, Executor, Invocation, Output};
use crate::ops::shell::{quote, remote_words};
use crate::ops::spec::host::HostSpec;

/// How long the master connection stays after the last call, in seconds.
const CONTROL_PERSIST_SECS: u32 = 60;

/// What ssh exits with when it failed itself (as opposed to the remote command).
const SSH_FAILED: i32 = 255;

/// What a POSIX shell exits with when the program is not found.
const NOT_FOUND: i32 = 127;

/// Runs invocations on one remote host.
#[derive(Debug, Clone)]
pub struct SshExecutor {
    spec: Arc<HostSpec>,
    /// Runs `ssh` itself.
    inner: Arc<dyn Executor>,
}

/// How a call uses the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No terminal, no prompts.
    Batch,
    /// A terminal on the remote side (`ssh -t`), prompts allowed.
    Terminal,
}

impl SshExecutor {
    /// An executor for `spec` that runs `ssh` through `inner`.
    pub fn new(spec: Arc<HostSpec>, inner: Arc<dyn Executor>) -> Self {
        SshExecutor { spec, inner }
    }

    /// `ssh` with this host's options, up to the destination.
    fn ssh(&self, mode: Mode, timeout: Duration) -> Invocation {
        let mut ssh = Invocation::new("ssh").timeout(timeout);
        if let Some(file) = self.spec.ssh_config() {
            ssh = ssh.arg("-F").arg(file);
        }
        for option in self.spec.ssh_options() {
            ssh = ssh.arg("-o").arg(option.as_str());
        }
        let mut options = vec![
            format!(
                "ConnectTimeout={}",
                self.spec.connect_timeout().as_secs().max(1)
            ),
            "ServerAliveInterval=15".to_owned(),
            "ServerAliveCountMax=3".to_owned(),
        ];
        if mode == Mode::Batch {
            // Without a prompt; and without the host's banner or "Permanently added"
            // notices, which would read as ssh's first error line.
            options.push("BatchMode=yes".to_owned());
            options.push("LogLevel=ERROR".to_owned());
        }
        match control_dir() {
            Some(dir) => options.extend([
                "ControlMaster=auto".to_owned(),
                format!("ControlPath={}/{}-%C", dir.display(), self.fingerprint()),
                format!("ControlPersist={CONTROL_PERSIST_SECS}"),
            ]),
            None => options.push("ControlPath=none".to_owned()),
        }
        for option in options {
            ssh = ssh.arg("-o").arg(option);
        }
        ssh
    }

    /// The `ssh` invocation that runs `invocation` on the host.
    fn wrap(&self, invocation: &Invocation, mode: Mode) -> Invocation {
        // The time limit is the program's, plus what connecting may take.
        let timeout = invocation.get_timeout() + self.spec.connect_timeout();
        let mut ssh = self.ssh(mode, timeout);
        // A terminal there only when there is one here: `exec` from a script gets none
        // (and ssh would warn that it cannot allocate one).
        let tty = mode == Mode::Terminal && std::io::IsTerminal::is_terminal(&std::io::stdin());
        ssh = ssh.arg(if tty { "-t" } else { "-T" });
        ssh = ssh.arg("--").arg(self.spec.ssh().as_str());
        let words = remote_words(
            invocation.program().as_os_str(),
            invocation.get_args(),
            invocation.get_env(),
        );
        let secrets: Vec<OsString> = invocation
            .get_secrets()
            .iter()
            .map(|secret| OsString::from(quote(&secret.to_string_lossy())))
            .collect();
        ssh = ssh.args(words).hiding(secrets);
        if invocation.is_merge_stderr() {
            ssh = ssh.merge_stderr();
        }
        if let Some(bytes) = invocation.get_stdin() {
            ssh = ssh.stdin(bytes.to_vec());
        }
        ssh
    }

    /// The exit code of a call whose stderr went to the terminal: 255 is ssh's own
    /// failure, unless the host's master connection still answers (`ssh -O check`), in
    /// which case the program there exited 255 itself.
    fn program_or_ssh(&self, code: Option<i32>) -> Result<Option<i32>, ExecError> {
        if code != Some(SSH_FAILED) {
            return Ok(code);
        }
        let check = self
            .ssh(Mode::Batch, self.spec.connect_timeout())
            .args(["-O", "check", "--"])
            .arg(self.spec.ssh().as_str());
        if control_dir().is_some() && self.inner.output(&check).is_ok_and(|out| out.success()) {
            return Ok(code);
        }
        Err(ExecError::Host {
            host: self.host(),
            reason: "ssh failed (see above)".to_owned(),
        })
    }

    fn host(&self) -> String {
        self.spec.name().to_string()
    }

    /// What tells this host's master connection from another's to the same machine: ssh's
    /// `%C` hashes the destination only, so two hosts of the config that reach one machine
    /// with other keys or options would share a connection (and its authentication).
    fn fingerprint(&self) -> String {
        let mut parts = vec![
            self.spec.name().to_string(),
            self.spec.ssh().to_string(),
            self.spec
                .ssh_config()
                .map(|path| path.display().to_string())
                .unwrap_or_default(),
        ];
        parts.extend(
            self.spec
                .ssh_options()
                .iter()
                .map(|o| o.as_str().to_owned()),
        );
        format!(
            "{:08x}",
            crate::ops::hash::fnv1a(parts.join("\0").as_bytes()) as u32
        )
    }

    /// ssh's failures as errors naming the host; the rest is the remote program's answer.
    fn classify(&self, invocation: &Invocation, out: Output) -> Result<Output, ExecError> {
        match out.code {
            Some(SSH_FAILED) => Err(ExecError::Host {
                host: self.host(),
                reason: ssh_error(&out.stderr_text()),
            }),
            Some(NOT_FOUND) if missing(&out.stderr_text(), invocation) => {
                Err(self.missing(invocation))
            }
            _ => Ok(out),
        }
    }

    fn missing(&self, invocation: &Invocation) -> ExecError {
        ExecError::Host {
            host: self.host(),
            reason: format!(
                "'{}' is not installed there (not found on its PATH)",
                invocation.program().display()
            ),
        }
    }

    /// Errors of running `ssh` itself, named after the host.
    fn local_error(&self, invocation: &Invocation, err: ExecError) -> ExecError {
        match err {
            ExecError::NotFound { .. } => ExecError::Host {
                host: self.host(),
                reason: "ssh is not installed on this machine (apt-get install openssh-client)"
                    .to_owned(),
            },
            ExecError::Timeout { timeout, .. } => ExecError::Timeout {
                invocation: format!("{} (on host '{}')", invocation.brief(), self.host()),
                timeout,
            },
            other => other,
        }
    }
}

impl Executor for SshExecutor {
    fn output(&self, invocation: &Invocation) -> Result<Output, ExecError> {
        tracing::debug!("on host '{}': {}", self.host(), invocation.brief());
        let out = self
            .inner
            .output(&self.wrap(invocation, Mode::Batch))
            .map_err(|err| self.local_error(invocation, err))?;
        self.classify(invocation, out)
    }

    fn replace(&self, invocation: &Invocation) -> ExecError {
        tracing::debug!("on host '{}', with a terminal: {invocation}", self.host());
        let err = self.inner.replace(&self.wrap(invocation, Mode::Terminal));
        self.local_error(invocation, err)
    }

    fn interactive(
        &self,
        invocation: &Invocation,
        hide: &[&str],
    ) -> Result<Option<i32>, ExecError> {
        tracing::debug!("on host '{}', with a terminal: {invocation}", self.host());
        let code = self
            .inner
            .interactive(&self.wrap(invocation, Mode::Terminal), hide)
            .map_err(|err| self.local_error(invocation, err))?;
        self.program_or_ssh(code)
    }

    fn stream(
        &self,
        invocation: &Invocation,
        out: &mut dyn Write,
    ) -> Result<Option<i32>, ExecError> {
        tracing::debug!("on host '{}', streaming: {invocation}", self.host());
        let code = self
            .inner
            .stream(&self.wrap(invocation, Mode::Batch), out)
            .map_err(|err| self.local_error(invocation, err))?;
        self.program_or_ssh(code)
    }
}

/// The directory of the master connections' sockets: `ssh/` in kstlib's private runtime
/// directory (`$XDG_RUNTIME_DIR/kstlib`, else `/tmp/kstlib-UID`), `0700`, this user's
/// alone; `None` (no connection reuse, every call connects) when it cannot be made so.
fn control_dir() -> Option<PathBuf> {
    // A socket path has room for 107 bytes; ssh adds the fingerprint, `-`, the 40 hex
    // digits of `%C` and, while it makes the socket, a `.` and 16 more.
    const ROOM: usize = 107 - (8 + 1 + 40 + 17) - 1;
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| match crate::ops::private::subdir("ssh") {
        Ok(dir) if dir.as_os_str().len() <= ROOM => Some(dir),
        Ok(dir) => {
            tracing::warn!(
                "no ssh connection reuse: {} is too long a path for a socket",
                dir.display()
            );
            None
        }
        Err(err) => {
            tracing::warn!("no ssh connection reuse: {err}");
            None
        }
    })
    .clone()
}

/// ssh's first line that says what went wrong (its warnings, such as a host key added to
/// `known_hosts`, are not that).
fn ssh_error(stderr: &str) -> String {
    let lines = || {
        stderr
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
    };
    lines()
        .find(|line| !line.starts_with("Warning:"))
        .or_else(|| lines().next())
        .unwrap_or("ssh failed without saying why")
        .to_owned()
}

/// Whether a remote shell's exit 127 says that the program itself is missing (not a
/// program that the program ran).
fn missing(stderr: &str, invocation: &Invocation) -> bool {
    let program = invocation.program().to_string_lossy();
    let last = stderr.lines().rev().find(|line| !line.trim().is_empty());
    last.is_some_and(|line| {
        line.contains(program.as_ref())
            && (line.contains("not found") || line.contains("No such file or directory"))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::ops::validate::{HostName, SshDestination, SshOption};

    /// Records the invocations it is given and answers with `answer`.
    #[derive(Debug)]
    struct Fake {
        seen: Mutex<Vec<Invocation>>,
        answer: Output,
    }

    impl Executor for Fake {
        fn output(&self, invocation: &Invocation) -> Result<Output, ExecError> {
            self.seen.lock().expect("lock").push(invocation.clone());
            Ok(self.answer.clone())
        }
        fn replace(&self, invocation: &Invocation) -> ExecError {
            self.seen.lock().expect("lock").push(invocation.clone());
            ExecError::NotFound {
                program: invocation.program().to_owned(),
            }
        }
        fn interactive(&self, _: &Invocation, _: &[&str]) -> Result<Option<i32>, ExecError> {
            Ok(Some(0))
        }
        fn stream(&self, _: &Invocation, _: &mut dyn Write) -> Result<Option<i32>, ExecError> {
            Ok(Some(0))
        }
    }

    /// The argv as ssh gets it, joined with spaces (no quoting for display).
    fn raw(invocation: &Invocation) -> String {
        let mut words = vec![invocation.program().display().to_string()];
        words.extend(
            invocation
                .get_args()
                .iter()
                .map(|a| a.to_string_lossy().into_owned()),
        );
        words.join(" ")
    }

    fn spec() -> Arc<HostSpec> {
        let mut spec = HostSpec::new(
            HostName::new("vps1").expect("name"),
            SshDestination::new("deploy@vps1.example.org").expect("dest"),
        );
        spec.ssh_options = vec![SshOption::new("Port=2222").expect("option")];
        Arc::new(spec)
    }

    fn executor(code: i32, stderr: &str) -> (SshExecutor, Arc<Fake>) {
        let fake = Arc::new(Fake {
            seen: Mutex::new(Vec::new()),
            answer: Output {
                code: Some(code),
                stdout: b"out".to_vec(),
                stderr: stderr.as_bytes().to_vec(),
            },
        });
        (SshExecutor::new(spec(), fake.clone()), fake)
    }

    #[test]
    fn a_call_becomes_one_ssh_call_with_the_user_options_first() {
        let (ssh, fake) = executor(0, "");
        let invocation = Invocation::new("tmux")
            .args(["-L", "bots", "list-sessions", "-F", "#{session_name}"])
            .env_remove("TMUX");
        let out = ssh.output(&invocation).expect("ran");
        assert_eq!(out.stdout, b"out");
        let seen = fake.seen.lock().expect("lock");
        let text = raw(&seen[0]);
        assert!(
            text.starts_with("ssh -o Port=2222 -o ConnectTimeout=5 "),
            "{text}"
        );
        assert!(text.contains(" -o BatchMode=yes "), "{text}");
        let end = " -T -- deploy@vps1.example.org exec env -u TMUX -- tmux -L bots \
                   list-sessions -F '#{session_name}'";
        assert!(text.ends_with(end), "{text}");
        assert_eq!(
            seen[0].get_timeout(),
            invocation.get_timeout() + spec().connect_timeout()
        );
    }

    #[test]
    fn secrets_stay_masked_and_stdin_goes_along() {
        let (ssh, fake) = executor(0, "");
        let invocation = Invocation::new("docker")
            .args(["run", "-e", "API_TOKEN=s3 cret"])
            .hiding(["API_TOKEN=s3 cret"])
            .stdin(b"A=1\n".to_vec());
        ssh.output(&invocation).expect("ran");
        let seen = fake.seen.lock().expect("lock");
        let text = seen[0].to_string();
        assert!(
            text.ends_with("exec docker run -e 'API_TOKEN=***'"),
            "{text}"
        );
        assert!(!text.contains("s3"), "{text}");
        assert_eq!(seen[0].get_stdin(), Some(&b"A=1\n"[..]));
    }

    #[test]
    fn ssh_failures_name_the_host_with_ssh_first_error_line() {
        let (ssh, _) = executor(
            255,
            "Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\r\n\
             root@127.0.0.1: Permission denied (publickey).\r\n",
        );
        let err = ssh.output(&Invocation::new("tmux")).expect_err("failed");
        assert_eq!(
            err.to_string(),
            "host 'vps1': root@127.0.0.1: Permission denied (publickey)."
        );
        let (ssh, _) = executor(127, "bash: line 1: exec: tmux: not found\n");
        let err = ssh.output(&Invocation::new("tmux")).expect_err("missing");
        assert_eq!(
            err.to_string(),
            "host 'vps1': 'tmux' is not installed there (not found on its PATH)"
        );
        // A program that tmux or a runtime ran may exit 127 itself: that is its answer.
        let (ssh, _) = executor(127, "sh: nosuch: not found\n");
        assert!(ssh.output(&Invocation::new("docker")).is_ok());
    }

    #[test]
    fn attach_may_prompt_and_gets_a_terminal_when_there_is_one() {
        let (ssh, fake) = executor(0, "");
        let _ = ssh.replace(&Invocation::new("tmux").args(["attach-session", "-t", "=bot"]));
        let text = raw(&fake.seen.lock().expect("lock")[0]);
        assert!(!text.contains("BatchMode"), "{text}");
        let tty = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            "-t"
        } else {
            "-T"
        };
        let end = format!(" {tty} -- deploy@vps1.example.org exec tmux attach-session -t '=bot'");
        assert!(text.ends_with(&end), "{text}");
    }
}
