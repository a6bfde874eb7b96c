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
    /// What the snapshots of this test's runs show in place of its own values.
    redactions: Mutex<Redactions>,
}

/// What a `kstlib` run left behind.
///
/// Its `Display` is what the user saw, as a snapshot shows it: the exit code, stdout and
/// stderr, each redacted (see [`Redactions`]), ending in `[EOF]`:
///
/// ```text
/// exit: 0
/// --- stdout
/// Session 'dev' started (tmux, pid [PID]).
/// --- stderr
/// [EOF]
/// ```
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// This test's own values (temp root, names, …) as the rendering replaces them.
    redactions: Redactions,
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

    /// The same run with stdout reduced to the lines that `keep` accepts: for outputs that
    /// also show what other tests run on the host (`list` shows every container).
    pub fn stdout_lines(mut self, keep: impl Fn(&str) -> bool) -> Self {
        self.stdout = self
            .stdout
            .split_inclusive('\n')
            .filter(|line| keep(line))
            .collect();
        self
    }

    /// The same run with the table column `column` cut out of stdout, when there is one: for
    /// a table whose columns depend on what other tests run on the host (IMAGE is there
    /// only when some container is listed). ASCII tables only.
    pub fn without_column(mut self, column: &str) -> Self {
        let Some(header) = self.stdout.lines().find(|line| line.starts_with("NAME ")) else {
            return self;
        };
        let Some(start) = header.find(&format!("  {column} ")).map(|at| at + 2) else {
            return self;
        };
        let end = header[start + column.len()..]
            .find(|c: char| c != ' ')
            .map_or(header.len(), |at| start + column.len() + at);
        self.stdout = self
            .stdout
            .split_inclusive('\n')
            .map(|line| match (line.get(..start), line.get(end..)) {
                (Some(head), Some(tail)) => format!("{head}{tail}"),
                _ => line.to_owned(),
            })
            .collect();
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Some(code) => writeln!(f, "exit: {code}")?,
            None => writeln!(f, "exit: none (killed by a signal)")?,
        }
        for (section, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            writeln!(f, "--- {section}")?;
            let text = self.redactions.apply(text);
            f.write_str(&text)?;
            if !text.is_empty() && !text.ends_with('\n') {
                writeln!(f, "\n[no newline]")?;
            }
        }
        write!(f, "[EOF]")
    }
}

/// What snapshots show in place of the values that differ from run to run: this test's
/// temp root (`[ROOT]`), its container names (`kt<pid>x<n>-web` is `[NAME:web]`), the
/// test image (`[IMAGE]`), values a test registers ([`TestEnv::redact_as`]), and patterns:
/// PIDs, container IDs, timestamps, durations, the user's ID in tmux socket paths. The
/// columns of a `list` table are aligned again after redaction, and control characters
/// other than newlines are shown escaped (`\u{1b}`).
#[derive(Debug, Clone, Default)]
pub struct Redactions {
    /// `(value, placeholder)`, replaced before the patterns, longest value first.
    literals: Vec<(String, String)>,
}

impl Redactions {
    fn add(&mut self, value: &str, placeholder: &str) {
        if value.is_empty() || self.literals.iter().any(|(known, _)| known == value) {
            return;
        }
        self.literals
            .push((value.to_owned(), placeholder.to_owned()));
        self.literals
            .sort_by_key(|(value, _)| std::cmp::Reverse(value.len()));
    }

    /// `text` with every redaction applied.
    pub fn apply(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (value, placeholder) in &self.literals {
            text = text.replace(value, placeholder);
        }
        for (pattern, replacement) in patterns() {
            text = pattern.replace_all(&text, *replacement).into_owned();
        }
        escape_controls(&realign_list_table(&realign_carets(&text)), false)
    }
}

/// The patterns of [`Redactions`], most specific first.
fn patterns() -> &'static [(regex::Regex, &'static str)] {
    static PATTERNS: OnceLock<Vec<(regex::Regex, &'static str)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let names = format!(r"\bkt{}x\d+-([A-Za-z0-9_]+)", std::process::id());
        [
            (names.as_str(), "[NAME:${1}]"),
            (r"\b[0-9a-f]{64}\b", "[ID]"),
            (r"\b[0-9a-f]{12}\b", "[ID]"),
            (
                r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})",
                "[TIMESTAMP]",
            ),
            (
                r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC(?: \(\d+ (?:s|min|h|days) ago\))?",
                "[TIMESTAMP]",
            ),
            // The CREATED column of `list`.
            (r"\b(?:\d+ (?:s|min|h|days) ago|just now)\b", "[AGO]"),
            (r#""elapsed_ms": \d+"#, r#""elapsed_ms": [TIME]"#),
            (r"\b\d+ ms\b", "[TIME]"),
            (r"\b\d+\.\d+ s\b", "[TIME]"),
            (r#""pid": \d+"#, r#""pid": [PID]"#),
            (r"\bpid \d+\b", "pid [PID]"),
            // The PID row of `status`.
            (r"(?m)^(  PID +)\d+$", "${1}[PID]"),
            (r"/tmux-\d+/", "/tmux-[UID]/"),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (regex::Regex::new(pattern).expect("pattern"), replacement))
        .collect()
    })
}

/// The underline of a config report (`  |     ^^^^`) resized to the placeholder above it,
/// when it marks a redacted name: test names have a process id of varying length in them.
fn realign_carets(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let resized = line.find('^').and_then(|col| {
            let prefix = &line[..col];
            if !(prefix.trim_start().starts_with('|') && prefix.trim_start()[1..].trim().is_empty())
            {
                return None;
            }
            let above = lines.get(i.checked_sub(1)?)?.get(col..)?;
            let placeholder = &above[..above.find(']')? + 1];
            placeholder.starts_with("[NAME:").then(|| {
                let rest = line[col..].trim_start_matches('^');
                format!("{prefix}{}{rest}", "^".repeat(placeholder.chars().count()))
            })
        });
        out.push(resized.unwrap_or_else(|| (*line).to_owned()));
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// A `list` table (`NAME  STATE  …` and the rows under it) with its PID cells redacted and
/// its columns aligned again, as `list` aligns them: redacted names and PIDs have other
/// widths than the values they replace. Cells are separated by two spaces or more, and
/// never hold two spaces themselves; the table ends at the first line with another number
/// of cells. Other text is left as it is.
fn realign_list_table(text: &str) -> String {
    let Some(start) = text
        .lines()
        .position(|line| line.starts_with("NAME ") && line.contains("  STATE  "))
    else {
        return text.to_owned();
    };
    let gap = regex::Regex::new(" {2,}").expect("pattern");
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = gap.split(lines[start].trim_end()).collect();
    let pid = header.iter().position(|cell| *cell == "PID");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for line in &lines[start..] {
        let mut cells: Vec<String> = gap.split(line.trim_end()).map(str::to_owned).collect();
        if cells.len() != header.len() {
            break;
        }
        if let Some(cell) = pid.and_then(|pid| cells.get_mut(pid))
            && cell.chars().all(|c| c.is_ascii_digit())
        {
            *cell = "[PID]".to_owned();
        }
        rows.push(cells);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| kstlib::ops::sanitize::display_width(&row[i]))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let end = start + rows.len();
    let mut out: Vec<String> = lines[..start]
        .iter()
        .map(|line| (*line).to_owned())
        .collect();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            // By display width, as `list` pads: a CJK name takes two columns a character.
            .map(|(cell, width)| {
                let fill = width.saturating_sub(kstlib::ops::sanitize::display_width(cell));
                format!("{cell}{:fill$}", "")
            })
            .collect();
        out.push(cells.join("  ").trim_end().to_owned());
    }
    out.extend(lines[end..].iter().map(|line| (*line).to_owned()));
    let mut out = out.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `text` with control characters other than newlines and tabs shown as escapes
/// (`\u{1b}`); newlines too (`\n`) when `escape_newlines`.
fn escape_controls(text: &str, escape_newlines: bool) -> String {
    text.chars()
        .map(|c| match c {
            '\n' if !escape_newlines => "\n".to_owned(),
            '\n' => "\\n".to_owned(),
            '\t' => "\t".to_owned(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `args` as a user would type them after `$ kstlib`, quoted for a POSIX shell.
fn command_line(args: &[&str]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|arg| shell_words::quote(arg).into_owned())
        .collect();
    escape_controls(&words.join(" "), true)
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
        let mut redactions = Redactions::default();
        redactions.add(&root.path().display().to_string(), "[ROOT]");
        redactions.add(&test_image(), "[IMAGE]");
        TestEnv {
            root,
            home,
            cwd,
            tmux_tmpdir,
            path_prefix: Vec::new(),
            containers: Mutex::new(Vec::new()),
            leftovers: Mutex::new(Vec::new()),
            redactions: Mutex::new(redactions),
        }
    }

    /// An environment for a scenario that runs on both runtimes (`on_both_runtimes!`):
    /// its snapshots show `rt` as `[RT]`, the other runtime as `[OTHER]` and the test
    /// image as `rt` reports it as `[IMAGE]`, so that one snapshot holds for both runtimes
    /// while a wrong runtime still shows. Where the runtimes' own words differ, the test
    /// has a snapshot for each.
    pub fn on(rt: Rt) -> Self {
        let env = TestEnv::new();
        env.redact_as(&rt.image_as_reported(), "[IMAGE]");
        env.redact_as(rt.as_str(), "[RT]");
        env.redact_as(rt.other().as_str(), "[OTHER]");
        env
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

    /// The same environment with `dir` first on the child's `PATH`.
    pub fn with_path_prefix(mut self, dir: PathBuf) -> Self {
        self.path_prefix.push(dir);
        self
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
        self.to_run(output)
    }

    /// Runs `kstlib ops ARGS…`.
    pub fn ops(&self, args: &[&str]) -> Run {
        self.run(std::iter::once("ops").chain(args.iter().copied()))
    }

    /// Runs `kstlib ops ARGS…` from the directory `dir` (an example's, say) instead of the
    /// test's working directory.
    pub fn ops_in(&self, dir: &Path, args: &[&str]) -> Run {
        let mut command = self.command();
        command.current_dir(dir).arg("ops").args(args);
        self.to_run(command.output().expect("run kstlib"))
    }

    /// Runs a program (an example) in this test's environment, as `kstlib` runs.
    pub fn run_program(&self, program: &Path, args: &[&str]) -> Run {
        let mut command = self.shell(&program.display().to_string());
        command.current_dir(&self.cwd).args(args);
        self.to_run(command.output().expect("run the program"))
    }

    /// Runs `kstlib ops ARGS…` with extra environment variables.
    pub fn ops_with_env(&self, vars: &[(&str, &OsStr)], args: &[&str]) -> Run {
        let mut command = self.command();
        command.arg("ops").args(args);
        for (key, value) in vars {
            command.env(key, value);
        }
        self.to_run(command.output().expect("run kstlib"))
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

    /// A shell (`bash`, `fish`) in this test's environment, with the `kstlib` under test
    /// first on its `PATH`, as a user's shell would find an installed one.
    pub fn shell(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        self.isolate(&mut command);
        let bin = Path::new(env!("CARGO_BIN_EXE_kstlib"))
            .parent()
            .expect("bin dir")
            .to_path_buf();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(bin).chain(std::env::split_paths(&path));
        command.env("PATH", std::env::join_paths(dirs).expect("PATH"));
        command
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

    /// Waits until the tmux server (`-L socket`, or the default one) has exited, up to 10 s.
    /// A server exits when its last session ends, and a `start` that reaches it while it
    /// shuts down fails with "server exited unexpectedly" (a race in kstlib, reported):
    /// tests that start a session right after the last one ended wait for this first.
    #[track_caller]
    pub fn wait_for_server_exit(&self, socket: Option<&str>) {
        let mut args = Vec::new();
        if let Some(socket) = socket {
            args.extend(["-L", socket]);
        }
        args.push("list-sessions");
        self.wait_for("the tmux server to exit", || {
            let out = self.tmux(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            !out.status.success()
                && (stderr.starts_with("no server running")
                    || stderr.starts_with("error connecting"))
        });
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
    /// session name on both runtimes, and registered for removal on drop. `<n>` has four
    /// digits, so that a test's names sort in the order they were made (`list` sorts by
    /// name, and snapshots hide the numbers).
    pub fn name(&self, base: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("kt{}x{n:04}-{base}", std::process::id());
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
        self.to_run(command.args(args).output().expect("run container runtime"))
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

    /// `text` as snapshots show it: see [`Redactions`].
    pub fn redact(&self, text: &str) -> String {
        self.redactions.lock().expect("lock").apply(text)
    }

    /// Makes snapshots show `placeholder` in place of `value` (a port, a path of the
    /// test's own) from now on.
    pub fn redact_as(&self, value: &str, placeholder: &str) {
        self.redactions
            .lock()
            .expect("lock")
            .add(value, placeholder);
    }

    /// Runs `kstlib ops ARGS…` for each ARGS in turn and shows each run under its command
    /// line (`$ kstlib ops start x -c 'sleep 1'`): one snapshot of several runs.
    pub fn ops_each(&self, cases: &[&[&str]]) -> String {
        let mut out = String::new();
        for args in cases {
            let run = self.ops(args);
            let line = self.redact(&command_line(args));
            out.push_str(&format!("$ kstlib ops {line}\n{run}\n"));
        }
        out
    }

    /// What a finished `kstlib` (or other) process left, with this test's redactions.
    pub fn to_run(&self, output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            redactions: self.redactions.lock().expect("lock").clone(),
        }
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let names = std::mem::take(
            &mut *self
                .containers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
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
        let leftovers = std::mem::take(
            &mut *self
                .leftovers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
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
        skipped(&format!("{program} is not installed"));
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
    skipped(why);
}

/// Says loudly, on the test's stderr, that a test did not run and why.
#[allow(clippy::print_stderr)]
fn skipped(why: &str) {
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
    _holder: Holder,
}

impl HungEngine {
    pub fn new(dir: &Path) -> Self {
        let socket = dir.join("hung.sock");
        let listener = UnixListener::bind(&socket).expect("bind hung.sock");
        let wake = socket.clone();
        let holder = Holder::new(
            move || listener.accept().map(|(stream, _)| stream),
            move || {
                let _ = std::os::unix::net::UnixStream::connect(&wake);
            },
        );
        HungEngine {
            socket,
            _holder: holder,
        }
    }

    /// The `DOCKER_HOST` value that points at it.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

/// A listener's accept loop on a thread of its own that holds every connection open,
/// unread and unanswered, until dropped: what a hung engine or host looks like.
struct Holder {
    stop: Arc<AtomicBool>,
    wake: Box<dyn Fn() + Send>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Holder {
    fn new<S: Send + 'static>(
        mut accept: impl FnMut() -> std::io::Result<S> + Send + 'static,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let mut held = Vec::new();
            loop {
                let stream = accept();
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    held.push(stream);
                }
            }
        });
        Holder {
            stop,
            wake: Box::new(wake),
            thread: Some(thread),
        }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // A connection wakes the accept loop so that it sees the flag.
        (self.wake)();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Turns `fn NAME(rt: Rt)` into two tests, `NAME::podman` and `NAME::docker`, each skipped
/// (loudly) when its runtime cannot run the test image. Every container scenario runs on
/// both: they share one code path, but not one CLI.
///
/// Both run the same inline snapshots (see [`TestEnv::on`]), which insta would take for
/// an assertion in a loop: `allow_duplicates!` says that this is on purpose.
#[macro_export]
macro_rules! on_both_runtimes {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn podman() {
                $crate::require_runtime!($crate::env::Rt::Podman);
                insta::allow_duplicates! {
                    super::$name($crate::env::Rt::Podman);
                }
            }

            #[test]
            fn docker() {
                $crate::require_runtime!($crate::env::Rt::Docker);
                insta::allow_duplicates! {
                    super::$name($crate::env::Rt::Docker);
                }
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

    /// Everything the terminal showed, scrolled-off lines included.
    pub fn history(&self) -> String {
        let out = self.outer(&["capture-pane", "-p", "-S", "-", "-t", &self.target]);
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

/// The redactions themselves, on text as kstlib prints it.
#[test]
fn redactions_replace_what_varies_and_realign_tables() {
    let env = TestEnv::new();
    let name = env.name("web");
    let root = env.root().display().to_string();
    let text = format!(
        "NAME  STATE    BACKEND    SOCKET  RUNTIME  PID      IMAGE  ORIGIN\n\
         {name}  running  container  -       podman   1234567  -      managed\n\
         x     running  tmux       -       -        42       -      foreign\n\
         Session '{name}' started (podman, pid 31337) in {root}/work.\n  \
         PID      98765\n  Created  2026-11-26 11:17:59 UTC (3 s ago)\n\
         \"created_at\": \"2026-11-26T11:17:59.123456789Z\", \"pid\": 77, \"elapsed_ms\": 1012\n\
         stopped in 128 ms, or in 1.0 s; waited within 1 s\n\
         {}, {} at {root}/t/tmux-0/default\n\u{1b}[31m",
        "0123456789abcdef".repeat(4),
        &"0123456789abcdef"[4..],
    );
    insta::assert_snapshot!(env.redact(&text), @r#"
    NAME        STATE    BACKEND    SOCKET  RUNTIME  PID    IMAGE  ORIGIN
    [NAME:web]  running  container  -       podman   [PID]  -      managed
    x           running  tmux       -       -        [PID]  -      foreign
    Session '[NAME:web]' started (podman, pid [PID]) in [ROOT]/work.
      PID      [PID]
      Created  [TIMESTAMP]
    "created_at": "[TIMESTAMP]", "pid": [PID], "elapsed_ms": [TIME]
    stopped in [TIME], or in [TIME]; waited within 1 s
    [ID], [ID] at [ROOT]/t/tmux-[UID]/default
    \u{1b}[31m
    "#);
}

/// A second machine for the tests: a real OpenSSH server on loopback, in a mount namespace
/// of its own whose `/tmp` and `/root` are directories of the test's (so its tmux servers,
/// its `/tmp` and kstlib's log files there are its own), with a host key and a client key
/// made for it. Docker and Podman there are this machine's engines: what is tested is the
/// transport. Nothing outside the machine is contacted.
///
/// The namespace is a slave of this machine's (`--propagation slave`, not `private`):
/// its own mounts stay inside, and the network namespaces Podman mounts here under
/// `/run/netns` for containers started later still reach it (without them `podman ps`
/// there fails with "unknown FS magic"). The other way round cannot work, so Podman's
/// containers started there use the host's network (`netns = "host"` in its config).
///
/// `ssh_config()` is the client's ssh config, with four aliases: `kst-remote` (the right
/// key), `kst-wrongkey` (a key the server does not know), `kst-hung` (a listener that
/// accepts and never answers, see [`HungHost`]) and `kst-closed` (a port nothing listens
/// on).
pub struct SshHost {
    dir: PathBuf,
    child: std::process::Child,
    _hung: HungHost,
    /// The port of `kst-closed`, where nothing listens.
    pub closed_port: u16,
}

impl SshHost {
    /// Starts the server; `None` (a loud skip, or a failure under
    /// `KSTLIB_REQUIRE_BACKENDS=1`) when sshd, unshare or root is missing.
    #[track_caller]
    pub fn start() -> Option<SshHost> {
        if !Path::new("/usr/sbin/sshd").is_file() || !have("ssh") || !have("unshare") {
            skip_or_fail("no OpenSSH server (/usr/sbin/sshd, package openssh-server)");
            return None;
        }
        if !nix::unistd::geteuid().is_root() {
            skip_or_fail("the sshd test host needs root (a mount namespace of its own)");
            return None;
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "sshd-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["rtmp", "rhome"] {
            std::fs::create_dir_all(dir.join(sub)).expect("create dir");
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("rtmp"), std::fs::Permissions::from_mode(0o1777))
            .expect("chmod");
        std::fs::create_dir_all("/run/sshd").expect("/run/sshd");
        for key in ["host_key", "client_key", "wrong_key"] {
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", key, "-f"])
                .arg(dir.join(key))
                .status()
                .expect("ssh-keygen");
            assert!(made.success(), "ssh-keygen {key}");
        }
        std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).expect("copy");
        let port = free_port();
        let closed_port = free_port();
        let hung = HungHost::new();
        let d = dir.display();
        // Podman there is this machine's, with this machine's config, but its containers
        // use the host's network: a network namespace it mounted in the namespace of this
        // sshd would not be seen by Podman here (`podman ps` here would fail on it).
        let base = std::env::var("CONTAINERS_CONF")
            .ok()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        let conf = match base.find("[containers]\n") {
            Some(at) => {
                let at = at + "[containers]\n".len();
                format!("{}netns = \"host\"\n{}", &base[..at], &base[at..])
            }
            None => format!("{base}\n[containers]\nnetns = \"host\"\n"),
        };
        std::fs::write(dir.join("containers.conf"), conf).expect("containers.conf");
        let set_env = format!("SetEnv CONTAINERS_CONF={}/containers.conf\n", dir.display());
        std::fs::write(
            dir.join("sshd_config"),
            format!(
                "ListenAddress 127.0.0.1\nPort {port}\nHostKey {d}/host_key\n\
                 AuthorizedKeysFile {d}/authorized_keys\nPermitRootLogin prohibit-password\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nStrictModes no\n\
                 UsePAM no\nPidFile none\nMaxStartups 100\nMaxSessions 100\n\
                 Banner {d}/banner\n{set_env}"
            ),
        )
        .expect("sshd_config");
        // What many servers print before a login: never to be read as ssh's error.
        std::fs::write(dir.join("banner"), "Authorised use only.\n").expect("banner");
        let common = "  HostName 127.0.0.1\n  User root\n  IdentitiesOnly yes\n  \
                      StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  \
                      LogLevel ERROR\n";
        std::fs::write(
            dir.join("ssh_config"),
            format!(
                "Host kst-remote\n  Port {port}\n  IdentityFile {d}/client_key\n{common}\
                 Host kst-wrongkey\n  Port {port}\n  IdentityFile {d}/wrong_key\n{common}\
                 Host kst-hung\n  Port {}\n  IdentityFile {d}/client_key\n{common}\
                 Host kst-closed\n  Port {}\n  IdentityFile {d}/client_key\n{common}\
                 Host kst-loud\n  HostName 127.0.0.1\n  Port {port}\n  User root\n  \
                 IdentityFile {d}/wrong_key\n  IdentitiesOnly yes\n  \
                 StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n",
                hung.port, closed_port,
            ),
        )
        .expect("ssh_config");
        let log = std::fs::File::create(dir.join("sshd.log")).expect("sshd.log");
        let script = format!(
            "mount --bind {d}/rtmp /tmp && mount --bind {d}/rhome /root && \
             exec /usr/sbin/sshd -D -e -f {d}/sshd_config"
        );
        let child = Command::new("unshare")
            .args(["--mount", "--propagation", "slave", "sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let host = SshHost {
            dir,
            child,
            _hung: hung,
            closed_port,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !host.log().contains("Server listening") {
            assert!(
                Instant::now() < deadline,
                "sshd did not start: {}",
                host.log()
            );
            thread::sleep(Duration::from_millis(20));
        }
        Some(host)
    }

    /// The client's ssh config file (for `ssh_config:` of a host).
    pub fn ssh_config(&self) -> PathBuf {
        self.dir.join("ssh_config")
    }

    /// The `ops.hosts` entry of `name` reached through the alias `alias` (`kst-remote`,
    /// `kst-wrongkey`, `kst-hung`, `kst-closed`, or `kst-loud`: a wrong key and ssh's
    /// default log level, which shows the server's banner) with a 2 s connect timeout,
    /// and `extra` keys.
    pub fn host_yaml(&self, name: &str, alias: &str, extra: &str) -> String {
        let config = self.ssh_config().display().to_string();
        format!("    {name}: {{ssh: {alias}, ssh_config: '{config}', connect_timeout: 2{extra}}}\n")
    }

    /// A directory holding an `ssh` that reads this host's client config (`ssh -F`): for
    /// programs that run ssh themselves (Docker's CLI with `DOCKER_HOST=ssh://…`).
    pub fn ssh_wrapper(&self) -> PathBuf {
        let dir = self.dir.join("bin");
        std::fs::create_dir_all(&dir).expect("create dir");
        let script = format!(
            "#!/bin/sh\nexec /usr/bin/ssh -F '{}' \"$@\"\n",
            self.ssh_config().display()
        );
        let path = dir.join("ssh");
        std::fs::write(&path, script).expect("write ssh");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        dir
    }

    /// The host's `/tmp`, as this machine sees it.
    pub fn tmp(&self) -> PathBuf {
        self.dir.join("rtmp")
    }

    /// The host's home directory (`/root` there), as this machine sees it.
    pub fn home(&self) -> PathBuf {
        self.dir.join("rhome")
    }

    /// Runs tmux against the host's servers (its `/tmp`), from this machine.
    pub fn tmux(&self, socket: &str, args: &[&str]) -> Output {
        let path = self
            .tmp()
            .join(format!("tmux-{}", nix::unistd::getuid()))
            .join(socket);
        Command::new("tmux")
            .arg("-S")
            .arg(path)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("run tmux")
    }

    /// The session names on the host's tmux server `socket` (`default`: the default one).
    pub fn tmux_sessions(&self, socket: &str) -> Vec<String> {
        let out = self.tmux(socket, &["list-sessions", "-F", "#{session_name}"]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// What sshd logged (`-e`): its start, each login.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }
}

impl Drop for SshHost {
    fn drop(&mut self) {
        // Its tmux servers outlive sshd: their sockets are reachable from here.
        let sockets = self.tmp().join(format!("tmux-{}", nix::unistd::getuid()));
        if let Ok(entries) = std::fs::read_dir(sockets) {
            for entry in entries.flatten() {
                let _ = Command::new("tmux")
                    .arg("-S")
                    .arg(entry.path())
                    .arg("kill-server")
                    .output();
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A free TCP port on loopback (bound and let go: the server binds it just after).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A host that accepts connections and never says a word: ssh waits for its banner.
pub struct HungHost {
    pub port: u16,
    _holder: Holder,
}

impl HungHost {
    pub fn new() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let holder = Holder::new(
            move || listener.accept().map(|(stream, _)| stream),
            move || {
                let _ = std::net::TcpStream::connect(("127.0.0.1", port));
            },
        );
        HungHost {
            port,
            _holder: holder,
        }
    }
}

/// Podman's API service on a socket of the test's own (`podman system service`), stopped
/// by its PID when dropped. kstlib never starts it; tests of the API path do.
pub struct PodmanService {
    pub socket: PathBuf,
    child: std::process::Child,
}

impl PodmanService {
    /// Starts the service in `dir` and waits until it answers (≈ 0.5 s), up to 20 s.
    #[track_caller]
    pub fn start(dir: &Path) -> Self {
        let socket = dir.join("podman.sock");
        let child = Command::new("podman")
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start podman system service");
        let service = PodmanService { socket, child };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !service.answers() {
            assert!(Instant::now() < deadline, "podman's service did not answer");
            thread::sleep(Duration::from_millis(50));
        }
        service
    }

    fn answers(&self) -> bool {
        use std::io::Read as _;
        let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&self.socket) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let request = b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n";
        let mut answer = String::new();
        stream.write_all(request).is_ok()
            && stream.read_to_string(&mut answer).is_ok()
            && answer.starts_with("HTTP/1.0 200")
    }

    /// The `CONTAINER_HOST` value that points at it.
    pub fn container_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

impl Drop for PodmanService {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).unwrap_or(0));
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        if self
            .child
            .wait_timeout(Duration::from_secs(5))
            .ok()
            .flatten()
            .is_none()
        {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
