//! The test environment: what a user's machine looks like to one test.
//!
//! Each test gets a temporary HOME, working directory and XDG dirs (no user config leaks
//! in), and its own `TMUX_TMPDIR`, so the "default" tmux server and every socket that
//! `list` discovers belong to that test alone. Every tmux server is killed on drop.
//!
//! Containers are shared with the whole host (and with other test runs), so a test names
//! every container it makes with [`TestEnv::name`], which registers the name; on drop
//! exactly those names are removed on both runtimes, never anything matched by a pattern.

use std::ffi::OsStr;
use std::io::Write as _;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use wait_timeout::ChildExt;

/// Variables kept from the real environment: what finds programs and container engines.
const PASSED_THROUGH: &[&str] = &["PATH", "CONTAINERS_CONF", "DOCKER_HOST", "LANG"];

pub struct TestEnv {
    root: TempDir,
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub tmux_tmpdir: PathBuf,
    /// Directories put first on the child's `PATH` (e.g. one holding another `docker`).
    path_prefix: Vec<PathBuf>,
    /// Container names handed out by [`TestEnv::name`], removed on drop.
    containers: Mutex<Vec<String>>,
    /// Other runtime objects to remove on drop (images, volumes, networks), as argv.
    leftovers: Mutex<Vec<(Rt, Vec<String>)>>,
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
            path_prefix: Vec::new(),
            containers: Mutex::new(Vec::new()),
            leftovers: Mutex::new(Vec::new()),
        }
    }

    /// The same environment with Docker CLI 20.10 (`/usr/bin/docker`) first on the child's
    /// `PATH` instead of the newer CLI in `/usr/local/bin`; `None` (a loud skip, or a
    /// failure under `KSTLIB_REQUIRE_BACKENDS=1`) when that CLI is not installed.
    pub fn with_docker_cli_20(mut self) -> Option<Self> {
        let cli = Path::new(DOCKER_CLI_20);
        let version = Command::new(cli)
            .arg("--version")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default();
        if !version.starts_with("Docker version 20.10") {
            skip_or_fail(&format!(
                "Docker CLI 20.10 is not at {DOCKER_CLI_20} (found: {:?})",
                version.trim()
            ));
            return None;
        }
        let dir = self.root.path().join("docker-cli-20");
        std::fs::create_dir_all(&dir).expect("create dir");
        std::os::unix::fs::symlink(cli, dir.join("docker")).expect("symlink docker");
        self.path_prefix.push(dir);
        Some(self)
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
        if !self.path_prefix.is_empty() {
            let path = std::env::var_os("PATH").unwrap_or_default();
            let dirs = self
                .path_prefix
                .iter()
                .cloned()
                .chain(std::env::split_paths(&path));
            command.env("PATH", std::env::join_paths(dirs).expect("PATH"));
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

    /// Runs `kstlib ops ARGS…` with extra environment variables.
    pub fn ops_with_env(&self, vars: &[(&str, &OsStr)], args: &[&str]) -> Run {
        let mut command = self.command();
        command.arg("ops").args(args);
        for (key, value) in vars {
            command.env(key, value);
        }
        to_run(command.output().expect("run kstlib"))
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

    /// A container name for this test: `kt<pid>x<n>-<base>`, unique on the host, valid as a
    /// session name on both runtimes, and registered for removal on drop.
    pub fn name(&self, base: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("kt{}x{n}-{base}", std::process::id());
        assert!(
            name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "bad test container name {name:?}"
        );
        self.containers.lock().expect("lock").push(name.clone());
        name
    }

    /// `kstlib ops start NAME -b container -i IMAGE -c COMMAND --runtime RT EXTRA…`.
    pub fn start_container(&self, rt: Rt, name: &str, command: &str, extra: &[&str]) -> Run {
        let image = test_image();
        let mut args = vec![
            "start",
            name,
            "-b",
            "container",
            "-i",
            image.as_str(),
            "-c",
            command,
            "--runtime",
            rt.as_str(),
        ];
        args.extend_from_slice(extra);
        self.ops(&args)
    }

    /// Registers a container name that the test had to choose itself (it must be unique on
    /// the host), for removal on drop like the names of [`Self::name`].
    pub fn adopt(&self, name: &str) {
        self.containers.lock().expect("lock").push(name.to_owned());
    }

    /// Runs the runtime's own CLI (`docker …`, `podman …`) with this test's environment.
    pub fn rt(&self, rt: Rt, args: &[&str]) -> Run {
        let mut command = Command::new(rt.as_str());
        self.isolate(&mut command);
        to_run(command.args(args).output().expect("run container runtime"))
    }

    /// Starts a container by hand, as a user would without kstlib: `RT run -d --name
    /// NAME IMAGE ARGV…` (no TTY, no kstlib labels). The name must come from [`Self::name`].
    #[track_caller]
    pub fn run_foreign(&self, rt: Rt, name: &str, argv: &[&str]) -> String {
        let image = test_image();
        let mut args = vec!["run", "-d", "--name", name, image.as_str()];
        args.extend_from_slice(argv);
        let run = self.rt(rt, &args);
        run.success();
        run.stdout.trim().to_owned()
    }

    /// What `RT container inspect NAME` says, or `None` when there is no such container.
    pub fn inspect(&self, rt: Rt, name: &str) -> Option<serde_json::Value> {
        let run = self.rt(rt, &["container", "inspect", name]);
        if run.code != Some(0) {
            return None;
        }
        let mut values: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).ok()?;
        (!values.is_empty()).then(|| values.swap_remove(0))
    }

    /// Registers a runtime command (`volume rm -f NAME`, …) to run when the test ends.
    pub fn remove_on_drop(&self, rt: Rt, args: &[&str]) {
        let args = args.iter().map(|arg| (*arg).to_owned()).collect();
        self.leftovers.lock().expect("lock").push((rt, args));
    }

    /// Runs `kstlib ops ARGS…` until its stdout is `expected`, up to 10 s; on timeout the
    /// assertion shows what the last run printed.
    #[track_caller]
    pub fn wait_for_stdout(&self, args: &[&str], expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let run = self.ops(args);
            if run.stdout == expected {
                return;
            }
            if Instant::now() >= deadline {
                assert_eq!(run.stdout, expected, "timed out waiting: {args:?}\n{run}");
            }
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
        let names = std::mem::take(&mut *self.containers.lock().unwrap_or_else(|e| e.into_inner()));
        if !names.is_empty() {
            for rt in Rt::ALL {
                if !runtime_on_path(rt) {
                    continue;
                }
                // `docker rm -f` kills at once and goes on past missing names; Podman needs
                // `-t 0` not to wait for the stop signal and `-i` not to give up on the first
                // missing name. Done with the test process's environment: a test may point
                // DOCKER_HOST at a fake engine for kstlib, never for the cleanup.
                let mut command = Command::new(rt.as_str());
                command.args(["rm", "-f"]);
                if rt == Rt::Podman {
                    command.args(["-i", "-t", "0"]);
                }
                let _ = command
                    .args(&names)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
        }
        let leftovers =
            std::mem::take(&mut *self.leftovers.lock().unwrap_or_else(|e| e.into_inner()));
        for (rt, args) in leftovers {
            let _ = Command::new(rt.as_str())
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
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

/// A missing backend: a loud skip, or a failure under `KSTLIB_REQUIRE_BACKENDS=1` (CI).
#[track_caller]
fn skip_or_fail(why: &str) {
    assert!(
        std::env::var("KSTLIB_REQUIRE_BACKENDS").as_deref() != Ok("1"),
        "required (KSTLIB_REQUIRE_BACKENDS=1) but unusable: {why}"
    );
    eprintln!("SKIPPED: {why}; run scripts/test to set it up");
}

/// Docker's 20.10 CLI, from Debian's docker.io; `/usr/local/bin/docker` (28.x) comes first
/// on PATH. Both talk to the same 20.10 engine.
pub const DOCKER_CLI_20: &str = "/usr/bin/docker";

/// A container runtime, as the tests drive it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rt {
    Podman,
    Docker,
}

impl Rt {
    pub const ALL: [Rt; 2] = [Rt::Podman, Rt::Docker];

    /// The program, also the value of `--runtime` and of `runtime` in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Rt::Podman => "podman",
            Rt::Docker => "docker",
        }
    }

    /// The other runtime.
    pub fn other(self) -> Rt {
        match self {
            Rt::Podman => Rt::Docker,
            Rt::Docker => Rt::Podman,
        }
    }

    /// The test image as this runtime names it in `inspect` and `status` (Podman puts
    /// short names under `localhost/`).
    pub fn image_as_reported(self) -> String {
        let image = test_image();
        match self {
            Rt::Podman if !image.contains('.') && !image.starts_with("localhost/") => {
                format!("localhost/{image}")
            }
            _ => image,
        }
    }
}

impl std::fmt::Display for Rt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The image the container tests run (`scripts/test` builds and imports it).
pub fn test_image() -> String {
    std::env::var("KSTLIB_TEST_IMAGE")
        .ok()
        .filter(|image| !image.is_empty())
        .unwrap_or_else(|| "kstlib-test/busybox:1".to_owned())
}

fn runtime_on_path(rt: Rt) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(rt.as_str()).is_file()))
}

/// Runs `RT ARGS…` with the test process's environment, within `limit`.
fn probe(rt: Rt, args: &[&str], limit: Duration) -> Result<(), String> {
    let what = format!("`{rt} {}`", args.join(" "));
    let mut child = Command::new(rt.as_str())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("{what} could not run: {err}"))?;
    let stderr = child.stderr.take();
    let reader = thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        }
        text
    });
    match child.wait_timeout(limit) {
        Ok(Some(status)) if status.success() => Ok(()),
        Ok(Some(status)) => {
            let stderr = reader.join().unwrap_or_default();
            let line = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
            Err(format!("{what} failed ({status}): {}", line.trim()))
        }
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "{what} did not answer within {} s",
                limit.as_secs()
            ))
        }
    }
}

/// Whether `rt` can run the test image here: its CLI on PATH, its engine answering and
/// the image present and runnable. Asked once per process.
fn runtime_check(rt: Rt) -> &'static Result<(), String> {
    static CHECKS: [OnceLock<Result<(), String>>; 2] = [OnceLock::new(), OnceLock::new()];
    CHECKS[rt as usize].get_or_init(|| {
        if !runtime_on_path(rt) {
            return Err(format!("{rt} is not installed"));
        }
        let limit = Duration::from_secs(30);
        probe(rt, &["info"], limit)?;
        let image = test_image();
        probe(rt, &["image", "inspect", &image], limit)
            .map_err(|_| format!("the test image {image} is not in {rt}"))?;
        probe(rt, &["run", "--rm", &image, "true"], limit)
    })
}

/// Whether tests that need the runtime `rt` can run; see [`skip_or_fail`].
#[track_caller]
pub fn have_runtime(rt: Rt) -> bool {
    match runtime_check(rt) {
        Ok(()) => true,
        Err(why) => {
            skip_or_fail(why);
            false
        }
    }
}

/// Skips the calling test unless the container runtime `$rt` can run the test image.
#[macro_export]
macro_rules! require_runtime {
    ($rt:expr) => {
        if !$crate::env::have_runtime($rt) {
            return;
        }
    };
}

/// A container engine that accepts connections and never answers: `DOCKER_HOST` pointed
/// at its socket makes every Docker CLI call hang, as with a wedged daemon.
pub struct HungEngine {
    pub socket: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl HungEngine {
    pub fn new(dir: &Path) -> Self {
        let socket = dir.join("hung.sock");
        let listener = UnixListener::bind(&socket).expect("bind hung.sock");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            // Connections are held open, unread and unanswered, until the engine is dropped.
            let mut held = Vec::new();
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    held.push(stream);
                }
            }
        });
        HungEngine {
            socket,
            stop,
            thread: Some(thread),
        }
    }

    /// The `DOCKER_HOST` value that points at it.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

impl Drop for HungEngine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        if let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&self.socket) {
            let _ = stream.write_all(b"");
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Turns `fn NAME(rt: Rt)` into two tests, `NAME::podman` and `NAME::docker`, each skipped
/// (loudly) when its runtime cannot run the test image. Every container scenario runs on
/// both: they share one code path, but not one CLI.
#[macro_export]
macro_rules! on_both_runtimes {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn podman() {
                $crate::require_runtime!($crate::env::Rt::Podman);
                super::$name($crate::env::Rt::Podman);
            }

            #[test]
            fn docker() {
                $crate::require_runtime!($crate::env::Rt::Docker);
                super::$name($crate::env::Rt::Docker);
            }
        }
    )*};
}

/// A terminal for interactive commands: a pane of an outer tmux server (`-L outer`) that
/// runs one command. Its screen is what the user would see; keys are typed into it.
pub struct Terminal<'a> {
    env: &'a TestEnv,
    target: String,
}

impl TestEnv {
    /// Opens a terminal named `pane` running `argv`; the pane stays after the command
    /// ends, so that its last screen can be read.
    #[track_caller]
    pub fn terminal(&self, pane: &str, argv: &[&str]) -> Terminal<'_> {
        let target = format!("={pane}:");
        let mut args = vec![
            "-L",
            "outer",
            "new-session",
            "-d",
            "-s",
            pane,
            "-x",
            "100",
            "-y",
            "20",
            "--",
        ];
        args.extend_from_slice(argv);
        args.extend([
            ";",
            "set-option",
            "-w",
            "-t",
            &target,
            "remain-on-exit",
            "on",
        ]);
        let started = self.tmux(&args);
        assert!(started.status.success(), "{started:?}");
        Terminal { env: self, target }
    }
}

impl Terminal<'_> {
    fn outer(&self, args: &[&str]) -> Output {
        let mut full = vec!["-L", "outer"];
        full.extend_from_slice(args);
        self.env.tmux(&full)
    }

    /// What the screen shows.
    pub fn screen(&self) -> String {
        let out = self.outer(&["capture-pane", "-p", "-t", &self.target]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `keys` (tmux key names) in one go.
    #[track_caller]
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.target.as_str()];
        args.extend_from_slice(keys);
        let sent = self.outer(&args);
        assert!(sent.status.success(), "{sent:?}");
    }

    /// Whether the command has ended. (Not the "Pane is dead" line: tmux writes it only
    /// once it has reaped the process, which tmux 3.3a sometimes fails to do.)
    pub fn ended(&self) -> bool {
        let out = self.outer(&["display-message", "-p", "-t", &self.target, "#{pane_dead}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

/// Asserts what every status of a live session must hold: `created_at` in RFC 3339, and a
/// `pid` that is the program itself (`program` in /proc), not tmux's or the runtime's.
#[track_caller]
pub fn assert_created_and_program(json: &serde_json::Value, program: &str) {
    let created = json["created_at"].as_str().expect("created_at");
    assert!(
        created.parse::<jiff::Timestamp>().is_ok(),
        "RFC 3339: {created}"
    );
    let pid = json["pid"].as_u64().expect("pid");
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).expect("pid exists");
    assert_eq!(comm.trim(), program);
}
