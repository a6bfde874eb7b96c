//! The test environment: what a user's machine looks like to one test.
//!
//! Each test gets a temporary HOME, working directory and XDG dirs (no user config leaks
//! in), and its own `TMUX_TMPDIR`, so the "default" tmux server and every socket that
//! `list` discovers belong to that test alone. Every tmux server is killed on drop.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Variables kept from the real environment: what finds programs and container engines.
const PASSED_THROUGH: &[&str] = &["PATH", "CONTAINERS_CONF", "DOCKER_HOST", "LANG"];

pub struct TestEnv {
    root: TempDir,
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub tmux_tmpdir: PathBuf,
}

/// What a `kstlib` run left behind.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing everything the run printed when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, Some(expected), "unexpected exit code\n{self}");
        self
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        self.code(0)
    }

    /// stdout parsed as JSON, which it must be entirely.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err})\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}---",
            self.code, self.stdout, self.stderr
        )
    }
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("kst")
            .tempdir()
            .expect("temp dir");
        let home = root.path().join("home");
        let cwd = root.path().join("work");
        // Short: tmux socket paths must fit in 108 bytes.
        let tmux_tmpdir = root.path().join("t");
        for dir in [&home, &cwd, &tmux_tmpdir] {
            std::fs::create_dir_all(dir).expect("create dir");
        }
        TestEnv {
            root,
            home,
            cwd,
            tmux_tmpdir,
        }
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// A `kstlib` command with this test's environment and nothing else.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kstlib"));
        self.isolate(&mut command);
        command
    }

    fn isolate(&self, command: &mut Command) {
        command.env_clear().current_dir(&self.cwd);
        for key in PASSED_THROUGH {
            if let Some(value) = std::env::var_os(key) {
                command.env(key, value);
            }
        }
        command
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CONFIG_DIRS", self.root.path().join("xdg"))
            .env("TMUX_TMPDIR", &self.tmux_tmpdir)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
    }

    /// Runs `kstlib ARGS…` to completion.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let output = self.command().args(args).output().expect("run kstlib");
        to_run(output)
    }

    /// Runs `kstlib ops ARGS…`.
    pub fn ops(&self, args: &[&str]) -> Run {
        self.run(std::iter::once("ops").chain(args.iter().copied()))
    }

    /// Writes `./kstlib.conf.yml` in the working directory.
    pub fn write_config(&self, yaml: &str) -> PathBuf {
        self.write(&self.cwd.join("kstlib.conf.yml"), yaml)
    }

    pub fn write(&self, path: &Path, text: &str) -> PathBuf {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, text).expect("write file");
        path.to_path_buf()
    }

    /// Runs tmux itself against this test's servers (for setting up and checking).
    pub fn tmux(&self, args: &[&str]) -> Output {
        let mut command = Command::new("tmux");
        self.isolate(&mut command);
        command.args(args).output().expect("run tmux")
    }

    /// The session names on a tmux server (`-L socket`, or the default one).
    pub fn tmux_sessions(&self, socket: Option<&str>) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(socket) = socket {
            args.extend(["-L", socket]);
        }
        args.extend(["list-sessions", "-F", "#{session_name}"]);
        let out = self.tmux(&args);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits until `check` holds, up to 10 s; panics with `what` otherwise.
    #[track_caller]
    pub fn wait_for(&self, what: &str, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !check() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Replaces this test's temp paths in `text`, for snapshots.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.root.path().display().to_string(), "[ROOT]")
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let dir = self
            .tmux_tmpdir
            .join(format!("tmux-{}", nix::unistd::getuid()));
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let _ = Command::new("tmux")
                    .arg("-S")
                    .arg(entry.path())
                    .arg("kill-server")
                    .output();
            }
        }
    }
}

fn to_run(output: Output) -> Run {
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Whether tests that need `program` can run. Missing is a loud skip, or a failure when
/// `KSTLIB_REQUIRE_BACKENDS=1` (CI), where nothing may be skipped.
pub fn have(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !found {
        assert!(
            std::env::var("KSTLIB_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "{program} is required (KSTLIB_REQUIRE_BACKENDS=1) but not on PATH"
        );
        eprintln!("SKIPPED: {program} is not installed; run scripts/test to install it");
    }
    found
}

/// Skips the calling test unless tmux is there.
#[macro_export]
macro_rules! require_tmux {
    () => {
        if !$crate::env::have("tmux") {
            return;
        }
    };
}
