//! Hostile input: every command with bad names, bad option values, a bad environment and
//! bad configs, and the faults a user can provoke. Each case asserts the exit code, the
//! whole stderr (one clear message, redacted as snapshots show it), no panic and no
//! literal `\n`, and each group asserts that nothing was started: no tmux session on the
//! test's servers, no container under the test's names on either runtime.
//!
//! Most cases are refused before any backend is asked, so they take milliseconds; a group
//! shares one [`TestEnv`]. `HOSTILE_BLESS=1` prints what each case printed, as Rust
//! strings, for writing new cases (read every one before pasting it: a case pins the right
//! answer, not whatever kstlib says today).

use std::ffi::OsString;
use std::io::Read as _;
use std::os::unix::ffi::OsStringExt as _;
use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt as _;

use crate::env::{Rt, TestEnv, have_runtime, test_image};
use crate::require_tmux;

/// No case may take longer: a hang is a failure of its own, not a stuck test.
const CASE_LIMIT: Duration = Duration::from_secs(20);

/// The hint every refused session name ends with.
const NAME_RULE: &str = "use an ASCII letter followed by ASCII letters, digits, '_' or '-'";

/// The hint under every "backend unavailable" error (exit 5).
macro_rules! doctor_hint {
    () => {
        "hint: `kstlib ops doctor` checks every backend and says what to do\n"
    };
}

/// One hostile input and what kstlib must answer.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case is about: named in its failure.
    what: String,
    /// The argv after `kstlib`.
    args: Vec<OsString>,
    /// Variables set (`Some`) or removed (`None`) on top of the test's environment.
    env: Vec<(String, Option<OsString>)>,
    /// `./kstlib.conf.yml` for this case (bytes: some are not UTF-8); none when `None`.
    config: Option<Vec<u8>>,
    code: i32,
    /// The whole stdout, redacted.
    stdout: String,
    /// The whole stderr, redacted.
    stderr: String,
}

/// `kstlib ARGS…`, expected to succeed silently until told otherwise.
pub fn case<S: AsRef<std::ffi::OsStr>>(what: &str, args: &[S]) -> Case {
    Case {
        what: what.to_owned(),
        args: args.iter().map(|arg| arg.as_ref().to_owned()).collect(),
        env: Vec::new(),
        config: None,
        code: 0,
        stdout: String::new(),
        stderr: String::new(),
    }
}

/// `kstlib ops ARGS…`.
pub fn ops<S: AsRef<std::ffi::OsStr>>(what: &str, args: &[S]) -> Case {
    let mut case = case(what, args);
    case.args.insert(0, "ops".into());
    case
}

impl Case {
    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.env.push((key.to_owned(), Some(value.into())));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.env.push((key.to_owned(), None));
        self
    }

    pub fn config(mut self, yaml: impl Into<Vec<u8>>) -> Self {
        self.config = Some(yaml.into());
        self
    }

    /// Refused with exit `code` and exactly `stderr` (redacted).
    pub fn fails(mut self, code: i32, stderr: &str) -> Self {
        self.code = code;
        self.stderr = stderr.to_owned();
        self
    }

    pub fn stdout(mut self, stdout: &str) -> Self {
        self.stdout = stdout.to_owned();
        self
    }

    /// The command line as a user would type it after `$ kstlib`, controls escaped.
    fn command_line(&self) -> String {
        let words: Vec<String> = self
            .args
            .iter()
            .map(|arg| shell_words::quote(&arg.to_string_lossy()).into_owned())
            .collect();
        words.join(" ").escape_debug().to_string()
    }
}

/// What a case's run printed.
pub struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    hung: bool,
}

/// Runs `command` to its end, or kills it at [`CASE_LIMIT`].
pub fn run_bounded(mut command: Command) -> Outcome {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kstlib");
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let (code, hung) = match child.wait_timeout(CASE_LIMIT).expect("wait") {
        Some(status) => (status.code(), false),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            (None, true)
        }
    };
    Outcome {
        code,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        hung,
    }
}

/// Runs one case in `env`; the problems found, if any.
fn check(env: &TestEnv, case: &Case) -> Vec<String> {
    let config = env.cwd.join("kstlib.conf.yml");
    match &case.config {
        Some(yaml) => std::fs::write(&config, yaml).expect("write config"),
        None => {
            let _ = std::fs::remove_file(&config);
        }
    }
    let mut command = env.command();
    command.args(&case.args);
    for (key, value) in &case.env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let out = run_bounded(command);
    let (stdout, stderr) = (env.redact(&out.stdout), env.redact(&out.stderr));
    let mut problems = Vec::new();
    if out.hung {
        problems.push(format!("did not end within {} s", CASE_LIMIT.as_secs()));
    }
    if out.code != Some(case.code) {
        problems.push(format!("exit {:?}, expected {}", out.code, case.code));
    }
    for text in [&out.stdout, &out.stderr] {
        if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
            problems.push("a panic".to_owned());
        }
    }
    if stdout != case.stdout {
        problems.push(format!(
            "stdout differs; expected:\n{}",
            indent(&case.stdout)
        ));
    }
    if stderr != case.stderr {
        problems.push(format!(
            "stderr differs; expected:\n{}",
            indent(&case.stderr)
        ));
    }
    if case.code != 0 {
        problems.extend(one_clear_message(&out.stderr));
    }
    // A backend's message joined with a literal `\n` (a Debug string) reads as one
    // garbled line; a newline the user typed is shown as `\n` on purpose.
    let typed_newline = case
        .args
        .iter()
        .any(|arg| arg.to_string_lossy().contains(['\n', '\r']))
        || case
            .config
            .as_ref()
            .is_some_and(|yaml| yaml.windows(2).any(|w| w == b"\\n"));
    if !typed_newline && out.stderr.contains("\\n") {
        problems.push("a literal \\n in a message".to_owned());
    }
    if !problems.is_empty() {
        problems.push(format!(
            "what it printed:\nexit: {:?}\n--- stdout\n{}--- stderr\n{}[EOF]",
            out.code, stdout, stderr
        ));
    }
    problems
}

/// The rules of a refusal's stderr: its first line says what failed (`error: …`), and it
/// is the only error.
fn one_clear_message(stderr: &str) -> Vec<String> {
    let colours = regex::Regex::new("\x1b\\[[0-9;]*m").expect("pattern");
    let stderr = colours.replace_all(stderr, "");
    let mut problems = Vec::new();
    if !stderr.starts_with("error: ") {
        problems.push("the first line of stderr is not `error: …`".to_owned());
    }
    let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
    if errors > 1 {
        problems.push(format!("{errors} error lines, not one"));
    }
    problems
}

#[allow(clippy::print_stderr)]
fn bless(env: &TestEnv, case: &Case) {
    let mut command = env.command();
    command.args(&case.args);
    for (key, value) in &case.env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let out = run_bounded(command);
    eprintln!(
        "BLESS {:?} {:?}\n  {:?}\n  {:?}",
        case.what,
        out.code,
        env.redact(&out.stdout),
        env.redact(&out.stderr)
    );
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}

/// Runs every case, then fails naming each case that went wrong, with what it printed.
#[track_caller]
pub fn check_all(env: &TestEnv, cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let problems = check(env, case);
        if std::env::var_os("HOSTILE_BLESS").is_some() {
            bless(env, case);
        }
        if !problems.is_empty() {
            failures.push(format!(
                "case {:?}: $ kstlib {}\n  {}",
                case.what,
                env.redact(&case.command_line()),
                problems.join("\n  ")
            ));
        }
    }
    let _ = std::fs::remove_file(env.cwd.join("kstlib.conf.yml"));
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Every tmux server socket under `dir`: the test's `TMUX_TMPDIR` and any `-S` path the
/// cases gave, which all lie in the test's temp root.
fn sockets_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            found.extend(sockets_under(&entry.path()));
        } else if kind.is_socket() {
            found.push(entry.path());
        }
    }
    found
}

/// The tmux sessions on the server at `socket`, asked within 5 s.
fn sessions_at(socket: &Path) -> Vec<String> {
    let mut command = Command::new("tmux");
    command.env_remove("TMUX").arg("-S").arg(socket).args([
        "list-sessions",
        "-F",
        "#{session_name}",
    ]);
    let out = run_bounded_quick(command, Duration::from_secs(5));
    out.lines().map(str::to_owned).collect()
}

/// stdout of `command`, or nothing if it fails or takes longer than `limit`.
fn run_bounded_quick(mut command: Command, limit: Duration) -> String {
    let Ok(mut child) = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return String::new();
    };
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    match child.wait_timeout(limit) {
        Ok(Some(status)) if status.success() => reader.join().unwrap_or_default(),
        Ok(Some(_)) => String::new(),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            String::new()
        }
    }
}

/// The names of every container `rt` has, running or not.
fn containers(env: &TestEnv, rt: Rt) -> Vec<String> {
    let run = env.rt(rt, &["ps", "-a", "--format", "{{.Names}}"]);
    run.success();
    run.stdout.lines().map(str::to_owned).collect()
}

/// Nothing was started: no tmux session on any server of the test, no container named
/// `names` on a runtime that can run.
#[track_caller]
pub fn assert_nothing_started(env: &TestEnv, names: &[String]) {
    let mut started = Vec::new();
    for socket in sockets_under(env.root()) {
        for session in sessions_at(&socket) {
            started.push(format!("tmux session '{session}' on {}", socket.display()));
        }
    }
    if !names.is_empty() {
        for rt in Rt::ALL {
            if !have_runtime(rt) {
                continue;
            }
            for name in containers(env, rt) {
                if names.contains(&name) {
                    started.push(format!("{rt} container '{name}'"));
                }
            }
        }
    }
    assert!(started.is_empty(), "started: {}", started.join(", "));
}

// ---------------------------------------------------------------------------------------
// Session names, on every command.

/// A refused name: `(what, name, how the error shows it, why)`.
const BAD_NAMES: &[(&str, &str, &str, &str)] = &[
    ("empty", "", "", "must not be empty"),
    (
        "leading digit",
        "1bot",
        "1bot",
        "must start with an ASCII letter",
    ),
    (
        "leading dash",
        "-bot",
        "-bot",
        "must start with an ASCII letter",
    ),
    (
        "a colon (tmux's target syntax)",
        "a:b",
        "a:b",
        "contains ':'",
    ),
    (
        "tmux's exact-match prefix",
        "=x",
        "=x",
        "must start with an ASCII letter",
    ),
    ("a dot (tmux turns it into _)", "a.b", "a.b", "contains '.'"),
    ("a space", "a b", "a b", "contains ' '"),
    ("a slash", "a/b", "a/b", "contains '/'"),
    ("a dollar", "a$b", "a$b", "contains '$'"),
    (
        "an escape sequence",
        "bot\u{1b}[2J",
        "bot\\u{1b}[2J",
        "contains an escape character (U+001B)",
    ),
    ("a tab", "bot\t", "bot\\t", "contains a tab (U+0009)"),
    (
        "a trailing newline",
        "bot\n",
        "bot\\n",
        "contains a newline (U+000A)",
    ),
    (
        "a carriage return",
        "bot\r",
        "bot\\r",
        "contains a carriage return (U+000D)",
    ),
    (
        "DEL",
        "bot\u{7f}",
        "bot\\u{7f}",
        "contains a delete character (U+007F)",
    ),
    (
        "a C1 CSI",
        "x\u{9b}2J",
        "x\\u{9b}2J",
        "contains a control character (U+009B)",
    ),
    (
        "a right-to-left override",
        "evil\u{202e}txt",
        "evil\\u{202e}txt",
        "contains '\\u{202e}'",
    ),
    (
        "a bidi isolate",
        "x\u{2066}y",
        "x\\u{2066}y",
        "contains '\\u{2066}'",
    ),
    (
        "a zero-width space",
        "zw\u{200b}x",
        "zw\\u{200b}x",
        "contains '\\u{200b}'",
    ),
    ("a BOM", "x\u{feff}", "x\\u{feff}", "contains '\\u{feff}'"),
    (
        "a non-ASCII letter first",
        "é",
        "é",
        "must start with an ASCII letter",
    ),
    ("a non-ASCII letter", "bé", "bé", "contains 'é'"),
    ("CJK", "漢字", "漢字", "must start with an ASCII letter"),
];

/// `kstlib ops COMMAND … NAME …` for each command that takes a session name; the name
/// comes after `--` where it may start with a dash.
fn name_commands(name: &str) -> Vec<(&'static str, Vec<String>)> {
    let v = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let mut commands = vec![
        ("start", v(&["start", "-c", "sleep 300", "--", name])),
        ("stop", v(&["stop", "--", name])),
        ("attach", v(&["attach", "--", name])),
        ("status", v(&["status", "--", name])),
        ("logs", v(&["logs", "--", name])),
        ("restart", v(&["restart", "--", name])),
        ("send-keys", v(&["send-keys", "--", name, "echo hi"])),
    ];
    // `exec` takes its command after `--`, so its name cannot start with a dash.
    if !name.starts_with('-') {
        commands.push(("exec", v(&["exec", name, "--", "true"])));
    }
    commands
}

#[test]
fn bad_session_names_are_refused_by_every_command() {
    let env = TestEnv::new();
    let mut cases = Vec::new();
    for (what, name, shown, why) in BAD_NAMES {
        for (command, args) in name_commands(name) {
            cases.push(ops(&format!("{command}: {what}"), &args).fails(
                3,
                &format!("error: invalid session name '{shown}': {why}; {NAME_RULE}\n"),
            ));
        }
    }
    let long = "a".repeat(65);
    for (command, args) in name_commands(&long) {
        cases.push(ops(&format!("{command}: 65 characters"), &args).fails(
            3,
            &format!(
                "error: invalid session name '{long}': is 65 characters long, at most 64 are allowed\n"
            ),
        ));
    }
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn names_that_look_like_options_are_usage_errors() {
    let env = TestEnv::new();
    let usage = |command: &str, arg: &str| {
        format!(
            "error: unexpected argument '{arg}' found\n\n  tip: to pass '{arg}' as a value, use '-- {arg}'\n\nUsage: kstlib ops {command} [OPTIONS] <NAME>\n\nFor more information, try '--help'.\n"
        )
    };
    let cases = [
        ops("start: a dash name without --", &["start", "-x"])
            .fails(2, &usage("start", "-x")),
        // Short options cluster: `-bot` is `-b ot`.
        ops("stop: -bot reads as -b ot", &["stop", "-bot"]).fails(
            2,
            "error: invalid value 'ot' for '--backend <BACKEND>': must be 'tmux' or 'container'\n\nFor more information, try '--help'.\n",
        ),
        ops("status: a dash name without --", &["status", "-z"])
            .fails(2, &usage("status", "-z")),
        ops("status: no name", &["status"]).fails(
            2,
            "error: the following required arguments were not provided:\n  <NAME>\n\nUsage: kstlib ops status <NAME>\n\nFor more information, try '--help'.\n",
        ),
        ops("send-keys: no keys", &["send-keys", "bot"]).fails(
            2,
            "error: the following required arguments were not provided:\n  <KEYS>...\n\nUsage: kstlib ops send-keys <NAME> <KEYS>...\n\nFor more information, try '--help'.\n",
        ),
        ops("exec: no command", &["exec", "bot"]).fails(
            2,
            "error: the following required arguments were not provided:\n  <COMMAND>...\n\nUsage: kstlib ops exec <NAME> -- <COMMAND>...\n\nFor more information, try '--help'.\n",
        ),
        ops("exec: an empty command", &["exec", "bot", "--"]).fails(
            2,
            "error: the following required arguments were not provided:\n  <COMMAND>...\n\nUsage: kstlib ops exec <NAME> -- <COMMAND>...\n\nFor more information, try '--help'.\n",
        ),
    ];
    let mut cases = cases.to_vec();
    // Bytes that are not UTF-8, where a name or a command is expected.
    let invalid = |command: &str| {
        format!(
            "error: invalid UTF-8 was detected in one or more arguments\n\nUsage: kstlib ops {command} [OPTIONS] <NAME>\n\nFor more information, try '--help'.\n"
        )
    };
    let bytes = |text: &[u8]| OsString::from_vec(text.to_vec());
    cases.push(
        ops(
            "status: a name not in UTF-8",
            &[bytes(b"status"), bytes(b"bot\xff")],
        )
        .fails(2, &invalid("status")),
    );
    cases.push(
        ops(
            "start: a command not in UTF-8",
            &[
                bytes(b"start"),
                bytes(b"bot"),
                bytes(b"-c"),
                bytes(b"sleep\xff 1"),
            ],
        )
        .fails(2, &invalid("start")),
    );
    // One directory at most (`kstlib man DIR` writes the pages there).
    cases.push(case("man: two arguments", &["man", "pages", "extra"]).fails(
        2,
        "error: unexpected argument 'extra' found\n\nUsage: kstlib man [OPTIONS] [DIR]\n\nFor more information, try '--help'.\n",
    ));
    cases.push(case("completions: no shell", &["completions"]).fails(
        2,
        "error: the following required arguments were not provided:\n  <SHELL>\n\nUsage: kstlib completions <SHELL>\n\nFor more information, try '--help'.\n",
    ));
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

// ---------------------------------------------------------------------------------------
// Option values.

/// The hint of every refused port.
const PORT_FORM: &str =
    "expected [IP:][HOST:]CONTAINER[/tcp|/udp], e.g. 8080:80 or 127.0.0.1:53:53/udp";

/// The hint of every refused image.
const IMAGE_FORM: &str = "expected [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST], e.g. python:3.12-slim or localhost:5000/team/app:1.0";

/// The hint of every refused volume form.
const VOLUME_FORM: &str = "expected HOST:CONTAINER or HOST:CONTAINER:OPTIONS";

/// The hint of every refused env key.
const ENV_KEY_RULE: &str =
    "key must be an ASCII letter or '_' followed by ASCII letters, digits or '_'";

/// The reason of every refused env key on the deny-list.
const DENIED: &str = "is blocked for security reasons: it makes the loader or interpreter run other code; set it in the program's own start script if it is really needed";

/// The reason of every refused stop signal.
const SIGNAL_RULE: &str = "is not a known signal; use a name such as SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGUSR1 (the SIG prefix and case are optional), or a number such as 2 or 15";

/// `start NAME -b container -i IMAGE EXTRA…` for the container `name`.
pub fn container_start(what: &str, name: &str, extra: &[&str]) -> Case {
    let image = test_image();
    let mut args = vec![
        "start",
        name,
        "-b",
        "container",
        "-i",
        &image,
        "-c",
        "sleep 300",
    ];
    args.extend_from_slice(extra);
    ops(what, &args)
}

/// `start NAME -c 'sleep 300' EXTRA…` on tmux.
pub fn tmux_start(what: &str, extra: &[&str]) -> Case {
    let mut args = vec!["start", "bot", "-c", "sleep 300"];
    args.extend_from_slice(extra);
    ops(what, &args)
}

#[test]
fn bad_ports_are_refused() {
    let env = TestEnv::new();
    let web = env.name("web");
    let port = |what: &str, value: &str, reason: &str| {
        container_start(&format!("port: {what}"), &web, &["-p", value])
            .fails(3, &format!("error: invalid port '{value}': {reason}\n"))
    };
    let range = |n: &str| format!("port number out of range (1-65535): {n}");
    let not_a_port = |n: &str| format!("'{n}' is not a port number; {PORT_FORM}");
    let cases = [
        port("zero", "0", &range("0")),
        port("65536", "65536", &range("65536")),
        port("a huge number", "99999999999999999999", &range("99999999999999999999")),
        port("a zero host port", "1.2.3.4:0:80", &range("0")),
        port("a name", "http", &not_a_port("http")),
        port("empty", "", &not_a_port("")),
        port("no container port", "80:", &not_a_port("")),
        port("no host port", ":80", &not_a_port("")),
        port("a range", "80-90", &not_a_port("80-90")),
        port("a sign", "+80", &not_a_port("+80")),
        port("spaces", " 80", &not_a_port(" 80")),
        port(
            "a bad IPv4",
            "999.1.1.1:80:80",
            &format!("'999.1.1.1' is not an IPv4 address; {PORT_FORM}"),
        ),
        port(
            "three ports",
            "8080:80:90",
            &format!("'8080' is not an IPv4 address; {PORT_FORM}"),
        ),
        port(
            "an IPv6 literal",
            "[::1]:80:80",
            &format!("has too many ':'; {PORT_FORM}"),
        ),
        port(
            "sctp",
            "80/sctp",
            "has protocol 'sctp'; only tcp and udp are allowed",
        ),
        port(
            "an upper-case protocol",
            "80/TCP",
            "has protocol 'TCP'; only tcp and udp are allowed",
        ),
        container_start("port: an escape", &web, &["-p", "80\u{1b}[2J"]).fails(
            3,
            &format!("error: invalid port '80\\u{{1b}}[2J': {}\n", not_a_port("80\\u{1b}[2J")),
        ),
        // clap reads a value that starts with a dash as an option.
        container_start("port: negative", &web, &["-p", "-1"]).fails(
            2,
            "error: unexpected argument '-1' found\n\n  tip: to pass '-1' as a value, use '-- -1'\n\nUsage: kstlib ops start [OPTIONS] <NAME>\n\nFor more information, try '--help'.\n",
        ),
        tmux_start("port: on tmux", &["-b", "tmux", "-p", "8080:80"]).fails(
            3,
            "error: ports given for 'bot', which runs on tmux: that is only for containers\n",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[web]);
}

#[test]
fn bad_volumes_are_refused() {
    let env = TestEnv::new();
    let web = env.name("web");
    let volume = |what: &str, value: &str, shown: &str, reason: &str| {
        container_start(&format!("volume: {what}"), &web, &["-v", value])
            .fails(3, &format!("error: invalid volume '{shown}': {reason}\n"))
    };
    let mut many = Vec::new();
    for i in 0..21 {
        many.push("-v".to_owned());
        many.push(format!("/srv/a{i}:/b{i}"));
    }
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let cases = [
        volume(
            "a relative container path",
            "/srv:data",
            "/srv:data",
            "container path 'data' is relative; a path inside the container is absolute",
        ),
        volume(
            "the container's root",
            "/srv:/",
            "/srv:/",
            "container path is '/', which would hide the whole image; mount a directory",
        ),
        volume(
            "a parent step in the host path",
            "../x:/y",
            "../x:/y",
            "host path '../x' contains '..'; use a path without parent-directory steps",
        ),
        volume(
            "a parent step inside an absolute host path",
            "/srv/../etc:/y",
            "/srv/../etc:/y",
            "host path '/srv/../etc' contains '..'; use a path without parent-directory steps",
        ),
        volume(
            "a parent step in the container path",
            "/srv:/b/../c",
            "/srv:/b/../c",
            "container path '/b/../c' contains '..'; use a path without parent-directory steps",
        ),
        volume(
            "an unknown option",
            "/srv:/b:xx",
            "/srv:/b:xx",
            "has an unknown option 'xx'; options are a comma-separated list of ro, rw, z, Z",
        ),
        volume(
            "an option list with a bad one",
            "/srv:/b:ro,exec",
            "/srv:/b:ro,exec",
            "has an unknown option 'exec'; options are a comma-separated list of ro, rw, z, Z",
        ),
        volume("empty", "", "", &format!("has no ':'; {VOLUME_FORM}")),
        volume(
            "a colon alone",
            ":",
            ":",
            &format!("has an empty path; {VOLUME_FORM}"),
        ),
        volume(
            "no colon",
            "/srv",
            "/srv",
            &format!("has no ':'; {VOLUME_FORM}"),
        ),
        volume(
            "two colons",
            "/srv::/b",
            "/srv::/b",
            &format!("has an empty path; {VOLUME_FORM}"),
        ),
        volume(
            "four parts",
            "/srv:/b:ro:rw",
            "/srv:/b:ro:rw",
            &format!("has more than two ':'; {VOLUME_FORM}"),
        ),
        volume(
            "an escape",
            "/srv\u{1b}[2J:/b",
            "/srv\\u{1b}[2J:/b",
            "contains an escape character (U+001B); volumes are paths and options",
        ),
        volume(
            "a trailing newline",
            "/srv:/b\n",
            "/srv:/b\\n",
            "contains a newline (U+000A); volumes are paths and options",
        ),
        container_start("volume: 21 of them", &web, &many).fails(
            3,
            "error: too many volumes: 21 given, at most 20 are allowed\n",
        ),
        tmux_start("volume: on tmux", &["-b", "tmux", "-v", "/srv:/b"]).fails(
            3,
            "error: volumes given for 'bot', which runs on tmux: that is only for containers\n",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[web]);
}

#[test]
fn bad_environment_variables_are_refused() {
    let env = TestEnv::new();
    let web = env.name("web");
    let var = |what: &str, value: &str, shown: &str, reason: &str| {
        tmux_start(&format!("env: {what}"), &["-e", value]).fails(
            3,
            &format!("error: invalid environment variable '{shown}': {reason}\n"),
        )
    };
    let long_key = "K".repeat(129);
    let long_value = format!("V={}", "v".repeat(32_769));
    let mut many = Vec::new();
    for i in 0..101 {
        many.push("-e".to_owned());
        many.push(format!("K{i}=v"));
    }
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let mut cases = vec![
        var("no key", "=x", "", ENV_KEY_RULE),
        var(
            "no value",
            "KEY",
            "KEY",
            "expected KEY=VALUE, e.g. -e LOG_LEVEL=debug",
        ),
        var("a leading digit", "1A=b", "1A", ENV_KEY_RULE),
        var("a dash", "A-B=1", "A-B", ENV_KEY_RULE),
        var("a dot", "A.B=1", "A.B", ENV_KEY_RULE),
        var("a space", "A B=1", "A B", ENV_KEY_RULE),
        var("non-ASCII", "É=1", "É", ENV_KEY_RULE),
        var(
            "an escape in the key",
            "A\u{1b}=1",
            "A\\u{1b}",
            ENV_KEY_RULE,
        ),
        var(
            "a key of 129 characters",
            &format!("{long_key}=1"),
            &format!("{}…", &long_key[..80]),
            "key is 129 characters long, at most 128 are allowed",
        ),
        var(
            "a value of 32769 characters",
            &long_value,
            "V",
            "value is 32769 characters long, at most 32768 are allowed",
        ),
        tmux_start("env: 101 of them", &many).fails(
            3,
            "error: too many environment variables: 101 given, at most 100 are allowed\n",
        ),
    ];
    // The deny-list, on both backends.
    for key in [
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "DYLD_INSERT_LIBRARIES",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PYTHONHOME",
        "NODE_OPTIONS",
        "PERL5OPT",
        "RUBYOPT",
        "BASH_ENV",
        "JAVA_TOOL_OPTIONS",
    ] {
        cases.push(var(
            &format!("{key} on tmux"),
            &format!("{key}=/tmp/x.so"),
            key,
            DENIED,
        ));
    }
    for key in ["LD_PRELOAD", "DYLD_LIBRARY_PATH", "BASH_ENV"] {
        cases.push(
            container_start(
                &format!("env: {key} in a container"),
                &web,
                &["-e", &format!("{key}=/x")],
            )
            .fails(
                3,
                &format!("error: invalid environment variable '{key}': {DENIED}\n"),
            ),
        );
    }
    check_all(&env, &cases);
    assert_nothing_started(&env, &[web]);
}

#[test]
fn bad_signals_timeouts_and_counts_are_refused() {
    let env = TestEnv::new();
    let signal = |what: &str, args: &[&str], value: &str, shown: &str| {
        let mut args = args.to_vec();
        args.push(value);
        ops(&format!("signal: {what}"), &args).fails(
            3,
            &format!("error: invalid stop signal '{shown}': {SIGNAL_RULE}\n"),
        )
    };
    let timeout = |command: &str, value: &str| {
        let mut args = vec![command];
        if command != "down" {
            args.push("bot");
        }
        args.push(value);
        ops(&format!("timeout: {command} {value:?}"), &args).fails(
            2,
            &format!(
                "error: invalid value '{}' for '--timeout <SECONDS>': expected a number of seconds between 0 and 86400\n\nFor more information, try '--help'.\n",
                value.trim_start_matches("--timeout=")
            ),
        )
    };
    let usage = |command: &str| {
        format!(
            "\n\nUsage: kstlib ops {command} [OPTIONS] <NAME>\n\nFor more information, try '--help'.\n"
        )
    };
    let cases = [
        signal("unknown", &["stop", "bot", "--signal"], "SIGNOPE", "SIGNOPE"),
        signal("zero", &["stop", "bot", "--signal"], "0", "0"),
        signal("past the last", &["stop", "bot", "--signal"], "65", "65"),
        signal("huge", &["stop", "bot", "--signal"], "2147483648", "2147483648"),
        signal("empty", &["stop", "bot", "--signal"], "", ""),
        signal("a leading space", &["stop", "bot", "--signal"], " INT", " INT"),
        signal("a trailing newline", &["stop", "bot", "--signal"], "INT\n", "INT\\n"),
        signal("a number and a letter", &["stop", "bot", "--signal"], "9x", "9x"),
        signal("a real-time signal", &["stop", "bot", "--signal"], "SIGRTMIN+1", "SIGRTMIN+1"),
        signal("on restart", &["restart", "bot", "--signal"], "NOPE", "NOPE"),
        signal("on down", &["down", "--signal"], "NOPE", "NOPE"),
        signal(
            "at start",
            &["start", "bot", "-c", "sleep 300", "--stop-signal"],
            "NOPE",
            "NOPE",
        ),
        timeout("stop", "--timeout=abc"),
        timeout("stop", "--timeout="),
        timeout("stop", "--timeout=1s"),
        timeout("stop", "--timeout=NaN"),
        timeout("stop", "--timeout=inf"),
        timeout("stop", "--timeout=1e309"),
        timeout("stop", "--timeout=86401"),
        timeout("stop", "--timeout=-1"),
        timeout("restart", "--timeout=abc"),
        timeout("down", "--timeout=abc"),
        ops("timeout: a negative number as an option", &["stop", "bot", "-t", "-5"]).fails(
            2,
            &format!(
                "error: unexpected argument '-5' found\n\n  tip: to pass '-5' as a value, use '-- -5'{}",
                usage("stop")
            ),
        ),
        ops("lines: not a number", &["logs", "bot", "-n", "abc"]).fails(
            2,
            "error: invalid value 'abc' for '--lines <N>': invalid digit found in string\n\nFor more information, try '--help'.\n",
        ),
        ops("lines: too large", &["logs", "bot", "-n", "99999999999999999999999"]).fails(
            2,
            "error: invalid value '99999999999999999999999' for '--lines <N>': number too large to fit in target type\n\nFor more information, try '--help'.\n",
        ),
        ops("lines: negative", &["logs", "bot", "--lines=-1"]).fails(
            2,
            "error: invalid value '-1' for '--lines <N>': invalid digit found in string\n\nFor more information, try '--help'.\n",
        ),
        ops("backend: unknown", &["status", "bot", "-b", "docker"]).fails(
            2,
            "error: invalid value 'docker' for '--backend <BACKEND>': must be 'tmux' or 'container'\n\nFor more information, try '--help'.\n",
        ),
        ops("runtime: unknown", &["status", "bot", "--runtime", "rkt"]).fails(
            2,
            "error: invalid value 'rkt' for '--runtime <RUNTIME>': must be 'podman' or 'docker'\n\nFor more information, try '--help'.\n",
        ),
        case("color: unknown", &["--color", "bogus", "ops", "list"]).fails(
            2,
            "error: invalid value 'bogus' for '--color <WHEN>'\n  [possible values: auto, always, never]\n\nFor more information, try '--help'.\n",
        ),
        case("log level: unknown", &["-l", "LOUD", "ops", "list"]).fails(
            2,
            "error: invalid value 'LOUD' for '--log-level <LEVEL>'\n  [possible values: TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL]\n\nFor more information, try '--help'.\n",
        ),
        case("completions: an unknown shell", &["completions", "tcsh"]).fails(
            2,
            "error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, elvish, fish, powershell, zsh]\n\n  tip: a similar value exists: 'zsh'\n\nFor more information, try '--help'.\n",
        ),
        ops("conflict: --socket and --socket-path", &["status", "bot", "-L", "a", "-S", "/x"]).fails(
            2,
            "error: the argument '--socket <NAME>' cannot be used with '--socket-path <PATH>'\n\nUsage: kstlib ops status --socket <NAME> <NAME>\n\nFor more information, try '--help'.\n",
        ),
        ops("conflict: --keep and --rm", &["stop", "bot", "--keep", "--rm"]).fails(
            2,
            "error: the argument '--keep' cannot be used with '--rm'\n\nUsage: kstlib ops stop --keep <NAME>\n\nFor more information, try '--help'.\n",
        ),
        // --json was asked for: the program reading stdout gets the error as JSON too.
        ops("conflict: --quiet and --json", &["status", "bot", "-q", "--json"]).fails(
            2,
            "error: the argument '--quiet' cannot be used with '--json'\n\nUsage: kstlib ops status --quiet <NAME>\n\nFor more information, try '--help'.\n",
        )
        .stdout("{\n  \"error\": {\n    \"kind\": \"usage\",\n    \"message\": \"the argument '--quiet' cannot be used with '--json'\",\n    \"exit_code\": 2\n  }\n}\n"),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn bad_images_sockets_paths_commands_and_times_are_refused() {
    let env = TestEnv::new();
    let web = env.name("web");
    let image = |what: &str, value: &str, shown: &str, reason: &str| {
        ops(
            &format!("image: {what}"),
            &[
                "start",
                &web,
                "-b",
                "container",
                "-c",
                "sleep 300",
                &format!("--image={value}"),
            ],
        )
        .fails(3, &format!("error: invalid image '{shown}': {reason}\n"))
    };
    let name_part = |part: &str| {
        format!(
            "name part '{part}' must be lowercase letters and digits, with '.', '_' or '-' only between them; {IMAGE_FORM}"
        )
    };
    let long_image = "a".repeat(257);
    let socket = |what: &str, value: &str, shown: &str, reason: &str| {
        tmux_start(
            &format!("socket name: {what}"),
            &[&format!("--socket={value}")],
        )
        .fails(
            3,
            &format!("error: invalid tmux socket name '{shown}': {reason}\n"),
        )
    };
    let long_path = format!("{}/{}/tmux.sock", env.root().display(), "s".repeat(120));
    let command = |what: &str, value: &str, shown: &str, reason: &str| {
        ops(
            &format!("command: {what}"),
            &["start", "bot", &format!("--command={value}")],
        )
        .fails(3, &format!("error: invalid command '{shown}': {reason}\n"))
    };
    let since = |value: &str| {
        ops(&format!("since: {value:?}"), &["logs", "bot", &format!("--since={value}")]).fails(
            3,
            // (Its example is a timestamp, which the redactions hide, as they hide
            // what looks like a container ID.)
            &env.redact(&format!(
                "error: invalid --since value '{value}': expected a duration (90s, 10m, 2h, 1d, 1h30m) or an RFC 3339 timestamp (2026-12-02T04:28:15Z)\n"
            )),
        )
    };
    let long_command = "a".repeat(4097);
    let cases = [
        image("empty", "", "", &format!("must not be empty; {IMAGE_FORM}")),
        image(
            "257 characters",
            &long_image,
            &format!("{}…", &long_image[..80]),
            "is 257 characters long, at most 256 are allowed",
        ),
        image("upper case", "UPPER/case", "UPPER/case", &name_part("UPPER")),
        image("a space", "a b", "a b", &name_part("a b")),
        image("an option", "--privileged", "--privileged", &name_part("--privileged")),
        image("a short option", "-rm", "-rm", &name_part("-rm")),
        image("an absolute path", "/abs", "/abs", &name_part("")),
        image("an empty part", "a//b", "a//b", &name_part("")),
        image("dots", "..:1", "..:1", &name_part("..")),
        image("no name", ":tag", ":tag", &name_part("")),
        image(
            "an empty tag",
            "img:",
            "img:",
            &format!("tag '' may only hold letters, digits, '.', '_', '-'; {IMAGE_FORM}"),
        ),
        image(
            "a bad digest",
            "img@sha256:bad",
            "img@sha256:bad",
            &format!(
                "digest 'sha256:bad' is not sha256: and 64 lowercase hex digits; {IMAGE_FORM}"
            ),
        ),
        image(
            "an escape",
            "img\u{1b}[2J",
            "img\\u{1b}[2J",
            &name_part("img\\u{1b}[2J"),
        ),
        image(
            "a right-to-left override",
            "img\u{202e}",
            "img\\u{202e}",
            &name_part("img\\u{202e}"),
        ),
        tmux_start("image: on tmux", &["-b", "tmux", "-i", "busybox"]).fails(
            3,
            "error: an image given for 'bot', which runs on tmux: that is only for containers\n",
        ),
        ops("container: a one-character name", &[
            "start",
            "x",
            "-b",
            "container",
            "-i",
            "busybox",
        ])
        .fails(
            3,
            "error: invalid session name 'x': is too short for a container: Docker requires at least 2 characters\n",
        ),
        socket(
            "empty",
            "",
            "",
            "must not be empty; omit it to use tmux's default socket",
        ),
        socket(
            "a slash",
            "a/b",
            "a/b",
            "contains '/' or '\\'; use a plain file name (a socket path is given separately)",
        ),
        socket("dot dot", "..", "..", "names a directory; use a plain file name"),
        socket("dot", ".", ".", "names a directory; use a plain file name"),
        socket(
            "an escape",
            "a\u{1b}",
            "a\\u{1b}",
            "contains an escape character (U+001B); a socket name is a plain file name",
        ),
        socket(
            "200 bytes",
            &"s".repeat(200),
            &format!("{}…", "s".repeat(80)),
            "is 200 bytes long, at most 100 are allowed",
        ),
        ops("socket path: a newline", &["status", "bot", "-S", "/tmp/a\nb"]).fails(
            3,
            "error: invalid tmux socket path '/tmp/a\\nb': contains a newline (U+000A)\n",
        ),
        ops("socket path: longer than a socket holds", &[
            "start",
            "bot",
            "-c",
            "sleep 300",
            "-S",
            &long_path,
        ])
        .fails(
            3,
            &env.redact(&format!(
                "error: invalid tmux socket path '{}…': is {} bytes long, but a Unix socket path holds at most 107\n",
                &long_path[..80],
                long_path.len()
            )),
        ),
        ops("socket path: empty", &["status", "bot", "-S", ""]).fails(
            2,
            "error: a value is required for '--socket-path <PATH>' but none was supplied\n\nFor more information, try '--help'.\n",
        ),
        ops("socket: on a container", &["start", &web, "-i", "busybox", "-L", "bots"]).fails(
            3,
            "error: a tmux socket given for '[NAME:web]', which runs on container: that is only for tmux\n",
        ),
        ops("runtime: on tmux", &["start", "bot", "-c", "sleep 300", "-b", "tmux", "--runtime", "docker"]).fails(
            3,
            "error: a container runtime given for 'bot', which runs on tmux: that is only for containers\n",
        ),
        tmux_start("workdir: empty", &["--workdir="]).fails(
            3,
            "error: invalid working directory '': must not be empty\n",
        ),
        tmux_start("workdir: an escape", &["-w", "/tmp/x\u{1b}"]).fails(
            3,
            "error: invalid working directory '/tmp/x\\u{1b}': contains an escape character (U+001B); a path cannot hold control characters here\n",
        ),
        ops("workdir: relative in a container", &[
            "start", &web, "-b", "container", "-i", "busybox", "-w", "rel",
        ])
        .fails(
            3,
            "error: invalid working directory 'rel': a container's working directory must be an absolute path inside the container\n",
        ),
        ops("workdir: a newline in a container", &[
            "start", &web, "-b", "container", "-i", "busybox", "-w", "/x\n",
        ])
        .fails(
            3,
            "error: invalid working directory '/x\\n': contains a newline (U+000A); a path cannot hold control characters here\n",
        ),
        command("empty", "", "", "must not be empty; give a program and its arguments"),
        command("blank", "   ", "   ", "must not be empty; give a program and its arguments"),
        command(
            "an unclosed quote",
            "sleep \"1",
            "sleep \"1",
            "has a quote (' or \") that is never closed; close it, or escape it with '\\'",
        ),
        command(
            "a second line",
            "sleep 1\nrm -rf /",
            "sleep 1\\nrm -rf /",
            "contains a newline (U+000A); commands are not shell scripts",
        ),
        command(
            "an escape",
            "sleep\u{1b} 1",
            "sleep\\u{1b} 1",
            "contains an escape character (U+001B); commands are not shell scripts",
        ),
        command(
            "a tab",
            "sleep\t1",
            "sleep\\t1",
            "contains a tab (U+0009); commands are not shell scripts",
        ),
        command(
            "4097 characters",
            &long_command,
            &format!("{}…", &long_command[..80]),
            "is 4097 characters long, at most 4096 are allowed",
        ),
        since("yesterday"),
        since("-5m"),
        since("10x"),
        since(""),
        since("1h30"),
        since("1h 30m"),
        since("1e5s"),
        since("99999999999d"),
        since("9223372036854775807s"),
        since("2026-13-01T00:00:00Z"),
        since("2026-12-02T04:28:15"),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[web]);
}

// ---------------------------------------------------------------------------------------
// The environment.

/// `mkfifo PATH`: a config that is a FIFO would block its reader forever.
pub fn mkfifo(path: &Path) {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
}

#[test]
fn bad_config_paths_in_the_environment_and_on_the_command_line_are_refused() {
    let env = TestEnv::new();
    let root = env.root().to_path_buf();
    let dir = root.join("conf");
    std::fs::create_dir_all(dir.join("dir.yml")).expect("dir");
    mkfifo(&dir.join("fifo.yml"));
    mkfifo(&dir.join("fifo"));
    std::os::unix::fs::symlink(dir.join("loop2.yml"), dir.join("loop1.yml")).expect("link");
    std::os::unix::fs::symlink(dir.join("loop1.yml"), dir.join("loop2.yml")).expect("link");
    std::os::unix::fs::symlink("/nonexistent.yml", dir.join("dangling.yml")).expect("link");
    // Root reads any file: a file whose read fails is what "unreadable" can mean here.
    std::os::unix::fs::symlink("/proc/self/mem", dir.join("mem.yml")).expect("link");
    let file = env.write(&dir.join("file"), "x");
    let at = |name: &str| dir.join(name).display().to_string();
    let start = ["start", "bot", "-c", "sleep 300"];
    let via_env = |what: &str, value: &str, stderr: &str| {
        ops(&format!("KSTLIB_CONFIG: {what}"), &start)
            .env("KSTLIB_CONFIG", value)
            .fails(3, stderr)
    };
    let via_option = |what: &str, value: &str, stderr: &str| {
        let mut args = start.to_vec();
        args.extend(["--config", value]);
        ops(&format!("--config: {what}"), &args).fails(3, stderr)
    };
    let not_found = |path: &str| {
        format!(
            "error: config file not found\n --> {path}\n  = help: check the path given with --config or KSTLIB_CONFIG\n"
        )
    };
    let no_extension = |path: &str| {
        format!(
            "error: unsupported config file type (a file name without extension)\n --> {path}\n  = help: config files are YAML (.yml, .yaml) or JSON (.json)\n"
        )
    };
    let not_regular = |path: &str| format!("error: not a regular file\n --> {path}\n");
    let unreadable =
        |path: &str, why: &str| format!("error: cannot read config file: {why}\n --> {path}\n");
    let r = |path: String| env.redact(&path);
    let cases = [
        via_env("missing", "/no/such/kstlib.conf.yml", &not_found("/no/such/kstlib.conf.yml")),
        via_env("relative and missing", "rel.yml", &not_found("rel.yml")),
        via_env("a directory", &at("dir.yml"), &not_regular(&r(at("dir.yml")))),
        via_env("a FIFO", &at("fifo.yml"), &not_regular(&r(at("fifo.yml")))),
        via_env("a FIFO without extension", &at("fifo"), &no_extension(&r(at("fifo")))),
        via_env("/dev/null", "/dev/null", &no_extension("/dev/null")),
        via_env("/dev/zero", "/dev/zero", &no_extension("/dev/zero")),
        via_env(
            "under a file",
            &format!("{}/x.yml", file.display()),
            &unreadable(&r(format!("{}/x.yml", file.display())), "Not a directory (os error 20)"),
        ),
        via_env(
            "a symlink loop",
            &at("loop1.yml"),
            &unreadable(&r(at("loop1.yml")), "Too many levels of symbolic links (os error 40)"),
        ),
        via_env("a dangling symlink", &at("dangling.yml"), &not_found(&r(at("dangling.yml")))),
        via_env(
            "a file that cannot be read",
            &at("mem.yml"),
            &unreadable(&r(at("mem.yml")), "Input/output error (os error 5)"),
        ),
        via_env(
            "TOML",
            &format!("{}/kstlib.conf.toml", root.display()),
            &r(format!(
                "error: unsupported config file type '.toml'\n --> {}/kstlib.conf.toml\n  = help: config files are YAML (.yml, .yaml) or JSON (.json)\n",
                root.display()
            )),
        ),
        via_option("missing", "/no/such.yml", &not_found("/no/such.yml")),
        via_option("a directory", &at("dir.yml"), &not_regular(&r(at("dir.yml")))),
        via_option("a FIFO", &at("fifo.yml"), &not_regular(&r(at("fifo.yml")))),
        via_option("/dev/zero", "/dev/zero", &no_extension("/dev/zero")),
        via_option(
            "a symlink loop",
            &at("loop2.yml"),
            &unreadable(&r(at("loop2.yml")), "Too many levels of symbolic links (os error 40)"),
        ),
        // --config wins over KSTLIB_CONFIG: the error names the option's file.
        via_option("over KSTLIB_CONFIG", "/no/option.yml", &not_found("/no/option.yml"))
            .env("KSTLIB_CONFIG", "/no/env.yml"),
        // Shown as well as it can be; the file is not there either way.
        {
            let mut case = via_option("not UTF-8", "-", &not_found("/tmp/x\u{fffd}.yml"));
            *case.args.last_mut().expect("the path") = OsString::from_vec(b"/tmp/x\xff.yml".into());
            case
        },
        via_env("not UTF-8", "-", &not_found("/tmp/x\u{fffd}.yml"))
            .env("KSTLIB_CONFIG", OsString::from_vec(b"/tmp/x\xff.yml".into())),
        ops("--config: empty", &["start", "bot", "--config", ""]).fails(
            2,
            "error: a value is required for '--config <FILE>' but none was supplied\n\nFor more information, try '--help'.\n",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn odd_homes_tmux_dirs_and_colour_settings_change_no_answer() {
    require_tmux!();
    let env = TestEnv::new();
    let file = env.write(&env.root().join("file"), "x");
    let long = env.root().join("d".repeat(120));
    std::fs::create_dir_all(&long).expect("dir");
    let not_found =
        "error: session 'bot' not found\nhint: `kstlib ops list` shows the sessions that exist\n";
    let status = |what: &str| ops(what, &["status", "bot"]);
    let cases = [
        status("HOME unset").env_remove("HOME").fails(4, not_found),
        status("HOME a file").env("HOME", &file).fails(4, not_found),
        status("HOME relative").env("HOME", "rel").fails(4, not_found),
        status("XDG_CONFIG_DIRS garbage")
            .env("XDG_CONFIG_DIRS", ":::rel:/dev/null")
            .fails(4, not_found),
        // Podman keeps its storage config there: it is podman that breaks, and says so.
        status("XDG_CONFIG_HOME a file").env("XDG_CONFIG_HOME", &file).fails(
            5,
            concat!("error: podman cannot be used: `podman container inspect` failed with exit code 1: stat [ROOT]/file/containers/storage.conf: not a directory\n", doctor_hint!()),
        ),
        status("TMUX_TMPDIR a file")
            .env("TMUX_TMPDIR", &file)
            .fails(4, not_found),
        ops("TMUX_TMPDIR too long for a socket", &["start", "bot", "-c", "sleep 300"])
            .env("TMUX_TMPDIR", &long)
            .fails(
                5,
                &env.redact(&format!(
                    concat!("error: tmux cannot be used: error connecting to {}/tmux-{}/default (File name too long)\n", doctor_hint!()),
                    long.display(),
                    nix::unistd::getuid()
                )),
            ),
        status("NO_COLOR set").env("NO_COLOR", "1").fails(4, not_found),
        status("NO_COLOR empty, not a terminal").env("NO_COLOR", "").fails(4, not_found),
        status("NO_COLOR unset, not a terminal").env_remove("NO_COLOR").fails(4, not_found),
        status("TERM dumb").env("TERM", "dumb").fails(4, not_found),
        case("--color never", &["--color", "never", "ops", "status", "bot"])
            .env_remove("NO_COLOR")
            .fails(4, not_found),
        // Asked for, colours come even with NO_COLOR: the option is the more specific.
        case("--color always", &["--color", "always", "ops", "status", "bot"]).fails(
            4,
            "\\u{1b}[1m\\u{1b}[31merror:\\u{1b}[0m session 'bot' not found\n\\u{1b}[36mhint:\\u{1b}[0m `kstlib ops list` shows the sessions that exist\n",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_stale_tmux_variable_from_another_server_changes_nothing() {
    // Inside tmux, `TMUX` names the client's server: a tmux call without `-L`/`-S` would
    // go there. A stale one must not send kstlib anywhere but the default server.
    require_tmux!();
    let env = TestEnv::new();
    let stale: [(&str, &std::ffi::OsStr); 2] = [
        ("TMUX", "/nonexistent/tmux-0/default,12345,0".as_ref()),
        ("TMUX_PANE", "%99".as_ref()),
    ];
    for (args, stdout) in [
        (
            &["start", "bot", "-c", "sleep 300", "-q"][..],
            "bot: running\n",
        ),
        (&["list", "-b", "tmux", "-q"], "bot\n"),
        (&["status", "bot", "-q"], "bot: running\n"),
    ] {
        let run = env.ops_with_env(&stale, args);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (Some(0), stdout, ""),
            "{args:?}\n{run}"
        );
    }
    assert_eq!(env.tmux_sessions(None), ["bot"]);
    let stop = env.ops_with_env(&stale, &["stop", "bot", "-q"]);
    assert_eq!(stop.stdout, "bot: graceful\n", "{stop}");
}

#[test]
fn a_bad_backend_timeout_is_refused_naming_the_variable() {
    // 1e300 panicked (`Duration::from_secs_f64` overflows) in the thread that asks the
    // tmux server, and the command went on as if the server had no sessions; the other
    // values were ignored without a word, so `5s` meant 30 s.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    let mut cases: Vec<_> = ["1e300", "1e20", "abc", "5s", "-1", "0", "", "NaN", "inf", "86401", "1e-12"]
        .into_iter()
        .map(|value| {
            ops(&format!("KSTLIB_BACKEND_TIMEOUT={value:?}"), &["status", "bot"])
                .env("KSTLIB_BACKEND_TIMEOUT", value)
                .fails(
                    3,
                    &format!(
                        "error: invalid KSTLIB_BACKEND_TIMEOUT '{value}': expected a number of seconds from 0.001 to 86400, e.g. 30\n"
                    ),
                )
        })
        .collect();
    // Refused before any backend is asked: `stop` stops nothing.
    cases.push(
        ops("KSTLIB_BACKEND_TIMEOUT on stop", &["stop", "bot"])
            .env("KSTLIB_BACKEND_TIMEOUT", "soon")
            .fails(
                3,
                "error: invalid KSTLIB_BACKEND_TIMEOUT 'soon': expected a number of seconds from 0.001 to 86400, e.g. 30\n",
            ),
    );
    check_all(&env, &cases);
    // Nothing started, nothing stopped.
    assert_eq!(env.tmux_sessions(None), ["bot"]);
    env.ops(&["status", "bot", "-q"]).success();
}

// ---------------------------------------------------------------------------------------
// Configs.

/// `start bot` with `yaml` as `./kstlib.conf.yml`.
pub fn with_config(what: &str, yaml: impl Into<Vec<u8>>) -> Case {
    ops(&format!("config: {what}"), &["start", "bot"]).config(yaml)
}

/// A YAML document whose aliases expand to 9^9 nodes.
fn billion_laughs(indent: &str) -> String {
    let mut yaml = format!("{indent}l0: &a0 [lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        yaml.push_str(&format!("{indent}l{i}: &a{i} [{refs}]\n"));
    }
    yaml
}

#[test]
fn broken_configs_are_refused_with_file_line_and_column() {
    let env = TestEnv::new();
    let cases = [
        with_config("a tab for indentation", "ops:\n\tsessions: {}\n").fails(
            3,
            "\
error: invalid YAML: tabs disallowed within this context (block indentation)
 --> [ROOT]/work/kstlib.conf.yml:2:2
  |
2 |     sessions: {}
  |     ^
",
        ),
        with_config("an unclosed quote", "ops:\n  sessions:\n    bot: {command: \"sleep\n").fails(
            3,
            "\
error: invalid YAML: while scanning a quoted scalar, found unexpected end of stream
 --> [ROOT]/work/kstlib.conf.yml:3:20
  |
3 |     bot: {command: \"sleep
  |          -         ^
  |          |
  |          while reading the mapping opened here
",
        ),
        with_config("an unclosed list", "ops:\n  sessions:\n    bot: [\n").fails(
            3,
            "\
error: invalid YAML: while parsing a node, did not find expected node content
 --> [ROOT]/work/kstlib.conf.yml:3:11
  |
3 |     bot: [
  |          -^
  |          |
  |          while reading the list opened here
",
        ),
        with_config("bad indentation", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n     image: x\n").fails(
            3,
            "\
error: invalid YAML: while parsing a block mapping, did not find expected key
 --> [ROOT]/work/kstlib.conf.yml:5:6
  |
5 |      image: x
  |      ^
",
        ),
        with_config("an undefined alias", "ops:\n  sessions:\n    bot: *nope\n").fails(
            3,
            "\
error: invalid YAML: while parsing node, found unknown anchor
 --> [ROOT]/work/kstlib.conf.yml:3:10
  |
3 |     bot: *nope
  |          ^
",
        ),
        with_config("a NUL byte", &b"ops:\n  sessions:\n    bot:\n      command: sl\0eep 1\n"[..]).fails(
            3,
            "\
error: invalid YAML: found unprintable character
 --> [ROOT]/work/kstlib.conf.yml:4:18
  |
4 |       command: sl␀eep 1
  |                  ^
",
        ),
        with_config("not UTF-8", &b"ops:\n  sessions:\n    bot:\n      command: \xff\xfe sleep\n"[..]).fails(
            3,
            "\
error: config file is not valid UTF-8
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       command: �� sleep
  |                ^
",
        ),
        with_config("ops is a list", "ops: [1, 2]\n").fails(
            3,
            "\
error: expected a mapping for 'ops', found a list
 --> [ROOT]/work/kstlib.conf.yml:1:6
  |
1 | ops: [1, 2]
  |      ^^^^^^ expected a mapping
",
        ),
        with_config("ops is a scalar", "ops: yes\n").fails(
            3,
            "\
error: expected a mapping for 'ops', found the scalar 'yes'
 --> [ROOT]/work/kstlib.conf.yml:1:6
  |
1 | ops: yes
  |      ^^^ expected a mapping
",
        ),
        with_config("sessions is a list", "ops:\n  sessions: [bot]\n").fails(
            3,
            "\
error: expected a mapping of session names for 'sessions', found a list
 --> [ROOT]/work/kstlib.conf.yml:2:13
  |
2 |   sessions: [bot]
  |             ^^^^^ expected a mapping of session names
  |
  = help: write `sessions:` then one `name:` per session, indented
",
        ),
        with_config("a session is a scalar", "ops:\n  sessions:\n    bot: sleep 1\n").fails(
            3,
            "\
error: expected a mapping for session 'bot', found the scalar 'sleep 1'
 --> [ROOT]/work/kstlib.conf.yml:3:10
  |
3 |     bot: sleep 1
  |          ^^^^^^^ expected a mapping
",
        ),
        with_config("a session is a list", "ops:\n  sessions:\n    bot: [sleep, 1]\n").fails(
            3,
            "\
error: expected a mapping for session 'bot', found a list
 --> [ROOT]/work/kstlib.conf.yml:3:10
  |
3 |     bot: [sleep, 1]
  |          ^^^^^^^^^^ expected a mapping
",
        ),
        with_config("env is a list", "ops:\n  sessions:\n    bot:\n      env: [A=1]\n").fails(
            3,
            "\
error: expected a mapping of variable names to values for 'env', found a list
 --> [ROOT]/work/kstlib.conf.yml:4:12
  |
4 |       env: [A=1]
  |            ^^^^^ expected a mapping of variable names to values
  |
  = help: write one `NAME: value` per line, indented under `env:`
",
        ),
        with_config("an env value is a mapping", "ops:\n  sessions:\n    bot:\n      env: {A: {b: 1}}\n").fails(
            3,
            "\
error: expected a string for env variable 'A' of session 'bot', found a mapping
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       env: {A: {b: 1}}
  |                ^^^^^^ expected a string
",
        ),
        with_config("ports is a mapping", "ops:\n  sessions:\n    bot:\n      ports: {a: 1}\n").fails(
            3,
            "\
error: expected a list of strings for 'ports', found a mapping
 --> [ROOT]/work/kstlib.conf.yml:4:14
  |
4 |       ports: {a: 1}
  |              ^^^^^^ expected a list of strings
  |
  = help: write one `- item` per line, or `[a, b]`
",
        ),
        with_config("volumes is a scalar", "ops:\n  sessions:\n    bot:\n      volumes: /a:/b\n").fails(
            3,
            "\
error: expected a list of strings for 'volumes', found the scalar '/a:/b'
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       volumes: /a:/b
  |                ^^^^^ expected a list of strings
  |
  = help: write a list: `volumes: [\"/a:/b\"]`, or one `- item` per line
",
        ),
        with_config("command is a mapping", "ops:\n  sessions:\n    bot:\n      command: {a: 1}\n").fails(
            3,
            "\
error: expected a string or a list of strings for 'command', found a mapping
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       command: {a: 1}
  |                ^^^^^^ expected a string or a list of strings
",
        ),
        with_config("command is an empty list", "ops:\n  sessions:\n    bot:\n      command: []\n").fails(
            3,
            "\
error: session 'bot': invalid command '[]'
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       command: []
  |                ^^ must not be an empty list; give a program and its arguments
",
        ),
        with_config("command holds a list", "ops:\n  sessions:\n    bot:\n      command: [sleep, [1]]\n").fails(
            3,
            "\
error: expected a string for each item of 'command', found a list
 --> [ROOT]/work/kstlib.conf.yml:4:24
  |
4 |       command: [sleep, [1]]
  |                        ^^^ expected a string
",
        ),
        with_config("command has a newline", "ops:\n  sessions:\n    bot:\n      command: \"sleep 1\\nrm -rf /\"\n").fails(
            3,
            "\
error: session 'bot': invalid command 'sleep 1\\nrm -rf /'
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       command: \"sleep 1\\nrm -rf /\"
  |                ^^^^^^^^^^^^^^^^^^^ contains a newline (U+000A); commands are not shell scripts
",
        ),
        with_config("backend is a number", "ops:\n  sessions:\n    bot:\n      backend: 5\n").fails(
            3,
            "\
error: session 'bot': invalid backend '5'
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       backend: 5
  |                ^ must be 'tmux' or 'container'
",
        ),
        with_config("default_backend docker", "ops:\n  default_backend: docker\n").fails(
            3,
            "\
error: invalid backend 'docker'
 --> [ROOT]/work/kstlib.conf.yml:2:20
  |
2 |   default_backend: docker
  |                    ^^^^^^ must be 'tmux' or 'container'
",
        ),
        with_config("tmux_binary is a list", "ops:\n  tmux_binary: [tmux]\n").fails(
            3,
            "\
error: expected a string for 'tmux_binary', found a list
 --> [ROOT]/work/kstlib.conf.yml:2:16
  |
2 |   tmux_binary: [tmux]
  |                ^^^^^^ expected a string
",
        ),
        with_config("container_runtime rkt", "ops:\n  container_runtime: rkt\n").fails(
            3,
            "\
error: invalid runtime 'rkt'
 --> [ROOT]/work/kstlib.conf.yml:2:22
  |
2 |   container_runtime: rkt
  |                      ^^^ must be 'podman' or 'docker'
",
        ),
        with_config("runtime rkt", "ops:\n  sessions:\n    bot:\n      runtime: rkt\n").fails(
            3,
            "\
error: session 'bot': invalid runtime 'rkt'
 --> [ROOT]/work/kstlib.conf.yml:4:16
  |
4 |       runtime: rkt
  |                ^^^ must be 'podman' or 'docker'
",
        ),
        with_config("log_max_size words", "ops:\n  log_max_size: big\n").fails(
            3,
            "\
error: invalid log file size 'big'
 --> [ROOT]/work/kstlib.conf.yml:2:17
  |
2 |   log_max_size: big
  |                 ^^^ expected a size in bytes between 1KiB and 1TiB: a number, or one with KiB, MiB or GiB (10MiB)
",
        ),
        with_config("log_max_size too small", "ops:\n  log_max_size: 10\n").fails(
            3,
            "\
error: invalid log file size '10'
 --> [ROOT]/work/kstlib.conf.yml:2:17
  |
2 |   log_max_size: 10
  |                 ^^ expected a size in bytes between 1KiB and 1TiB: a number, or one with KiB, MiB or GiB (10MiB)
",
        ),
        with_config("stop_timeout negative", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      stop_timeout: -1\n").fails(
            3,
            "\
error: session 'bot': invalid stop_timeout '-1'
 --> [ROOT]/work/kstlib.conf.yml:5:21
  |
5 |       stop_timeout: -1
  |                     ^^ expected a number of seconds between 0 and 86400
",
        ),
        with_config("stop_timeout words", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      stop_timeout: soon\n").fails(
            3,
            "\
error: session 'bot': invalid stop_timeout 'soon'
 --> [ROOT]/work/kstlib.conf.yml:5:21
  |
5 |       stop_timeout: soon
  |                     ^^^^ expected a number of seconds between 0 and 86400
",
        ),
        with_config("stop_signal unknown", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      stop_signal: SIGNOPE\n").fails(
            3,
            "\
error: session 'bot': invalid stop signal 'SIGNOPE'
 --> [ROOT]/work/kstlib.conf.yml:5:20
  |
5 |       stop_signal: SIGNOPE
  |                    ^^^^^^^ is not a known signal; use a name such as SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGUSR1 (the SIG prefix and case are optional), or a number such as 2 or 15
",
        ),
        with_config("socket_name with a slash", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      socket_name: a/b\n").fails(
            3,
            "\
error: session 'bot': invalid tmux socket name 'a/b'
 --> [ROOT]/work/kstlib.conf.yml:5:20
  |
5 |       socket_name: a/b
  |                    ^^^ contains '/' or '\\'; use a plain file name (a socket path is given separately)
",
        ),
        with_config("socket_path with a newline", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      socket_path: \"/tmp/a\\nb\"\n").fails(
            3,
            "\
error: session 'bot': invalid tmux socket path '/tmp/a\\nb'
 --> [ROOT]/work/kstlib.conf.yml:5:20
  |
5 |       socket_path: \"/tmp/a\\nb\"
  |                    ^^^^^^^^^^^ contains a newline (U+000A)
",
        ),
        with_config("working_dir with an escape", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      working_dir: \"/tmp/\\e[2J\"\n").fails(
            3,
            "\
error: session 'bot': invalid working directory '/tmp/\\u{1b}[2J'
 --> [ROOT]/work/kstlib.conf.yml:5:20
  |
5 |       working_dir: \"/tmp/\\e[2J\"
  |                    ^^^^^^^^^^^^ contains an escape character (U+001B); a path cannot hold control characters here
",
        ),
        with_config("an invalid image", "ops:\n  sessions:\n    bot:\n      backend: container\n      image: \"Bad Image\"\n").fails(
            3,
            "\
error: session 'bot': invalid image 'Bad Image'
 --> [ROOT]/work/kstlib.conf.yml:5:14
  |
5 |       image: \"Bad Image\"
  |              ^^^^^^^^^^^ name part 'Bad Image' must be lowercase letters and digits, with '.', '_' or '-' only between them; expected [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST], e.g. python:3.12-slim or localhost:5000/team/app:1.0
",
        ),
        with_config("a relative container path", "ops:\n  sessions:\n    bot:\n      backend: container\n      image: busybox\n      volumes: [\"/srv:data\"]\n").fails(
            3,
            "\
error: session 'bot': invalid volume '/srv:data'
 --> [ROOT]/work/kstlib.conf.yml:6:17
  |
6 |       volumes: [\"/srv:data\"]
  |                 ^^^^^^^^^^^ container path 'data' is relative; a path inside the container is absolute
",
        ),
        with_config("the container's root", "ops:\n  sessions:\n    bot:\n      backend: container\n      image: busybox\n      volumes: [\"/srv:/\"]\n").fails(
            3,
            "\
error: session 'bot': invalid volume '/srv:/'
 --> [ROOT]/work/kstlib.conf.yml:6:17
  |
6 |       volumes: [\"/srv:/\"]
  |                 ^^^^^^^^ container path is '/', which would hide the whole image; mount a directory
",
        ),
        with_config("log_volume escaping", "ops:\n  sessions:\n    bot:\n      backend: container\n      image: busybox\n      log_volume: \"../logs:/logs\"\n").fails(
            3,
            "\
error: session 'bot': invalid log volume '../logs:/logs'
 --> [ROOT]/work/kstlib.conf.yml:6:19
  |
6 |       log_volume: \"../logs:/logs\"
  |                   ^^^^^^^^^^^^^^^ host path '../logs' contains '..'; use a path without parent-directory steps
",
        ),
        with_config("a denied env key", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      env: {LD_PRELOAD: /x.so}\n").fails(
            3,
            "\
error: session 'bot': invalid environment variable 'LD_PRELOAD'
 --> [ROOT]/work/kstlib.conf.yml:5:13
  |
5 |       env: {LD_PRELOAD: /x.so}
  |             ^^^^^^^^^^ is blocked for security reasons: it makes the loader or interpreter run other code; set it in the program's own start script if it is really needed
",
        ),
        with_config("an env key with a dash", "ops:\n  sessions:\n    bot:\n      command: sleep 1\n      env: {A-B: 1}\n").fails(
            3,
            "\
error: session 'bot': invalid environment variable 'A-B'
 --> [ROOT]/work/kstlib.conf.yml:5:13
  |
5 |       env: {A-B: 1}
  |             ^^^ key must be an ASCII letter or '_' followed by ASCII letters, digits or '_'
",
        ),
        with_config("a port out of range", "ops:\n  sessions:\n    bot:\n      backend: container\n      image: busybox\n      ports: [70000]\n").fails(
            3,
            "\
error: session 'bot': invalid port '70000'
 --> [ROOT]/work/kstlib.conf.yml:6:15
  |
6 |       ports: [70000]
  |               ^^^^^ port number out of range (1-65535): 70000
",
        ),
        with_config("an unknown ops key", "ops:\n  sesions: {}\n").fails(
            3,
            "\
error: unknown key 'sesions' in 'ops'
 --> [ROOT]/work/kstlib.conf.yml:2:3
  |
2 |   sesions: {}
  |   ^^^^^^^ unknown key
  |
  = help: did you mean 'sessions'?
",
        ),
        with_config("an unknown session key", "ops:\n  sessions:\n    bot:\n      comand: sleep 1\n").fails(
            3,
            "\
error: unknown key 'comand' in session 'bot'
 --> [ROOT]/work/kstlib.conf.yml:4:7
  |
4 |       comand: sleep 1
  |       ^^^^^^ unknown key
  |
  = help: did you mean 'command'?
",
        ),
        with_config("an unknown key in bidi", "ops:\n  sessions:\n    bot:\n      comm\u{202e}and: sleep 1\n").fails(
            3,
            "\
error: unknown key 'comm\\u{202e}and' in session 'bot'
 --> [ROOT]/work/kstlib.conf.yml:4:7
  |
4 |       comm�and: sleep 1
  |       ^^^^^^^^ unknown key
  |
  = help: did you mean 'command'?
",
        ),
        with_config("a duplicate session", "ops:\n  sessions:\n    bot: {command: a}\n    bot: {command: b}\n").fails(
            3,
            "\
error: duplicate key 'bot' in 'ops.sessions'
 --> [ROOT]/work/kstlib.conf.yml:4:5
  |
3 |     bot: {command: a}
  |     --- first defined here
4 |     bot: {command: b}
  |     ^^^ defined again here
  |
  = help: keep one of them: YAML would silently drop the first
",
        ),
        with_config("a duplicate key", "ops:\n  sessions:\n    bot:\n      command: a\n      command: b\n").fails(
            3,
            "\
error: duplicate key 'command' in 'ops.sessions.bot'
 --> [ROOT]/work/kstlib.conf.yml:5:7
  |
4 |       command: a
  |       ------- first defined here
5 |       command: b
  |       ^^^^^^^ defined again here
  |
  = help: keep one of them: YAML would silently drop the first
",
        ),
        with_config("a duplicate ops", "ops: {}\nops: {}\n").fails(
            3,
            "\
error: duplicate key 'ops' in the top level
 --> [ROOT]/work/kstlib.conf.yml:2:1
  |
1 | ops: {}
  | --- first defined here
2 | ops: {}
  | ^^^ defined again here
  |
  = help: keep one of them: YAML would silently drop the first
",
        ),
        with_config("a list as a key", "ops:\n  sessions:\n    ? [a]\n    : {command: x}\n").fails(
            3,
            "\
error: mapping keys must be scalars, found a list
 --> [ROOT]/work/kstlib.conf.yml:3:7
  |
3 |     ? [a]
  |       ^^^ used as a key
",
        ),
        with_config("billion laughs in ops", format!("ops:\n{}", billion_laughs("  "))).fails(
            3,
            "\
error: aliases expand to more than 100000 nodes
 --> [ROOT]/work/kstlib.conf.yml:7:36
  |
7 |   l5: &a5 [*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4]
  |                                    ^^^
  |
  = help: a config does not need that many copies; nested aliases multiply
",
        ),
        with_config("billion laughs elsewhere", format!("{}ops: {{}}\n", billion_laughs(""))).fails(
            3,
            "\
error: aliases expand to more than 100000 nodes
 --> [ROOT]/work/kstlib.conf.yml:6:34
  |
6 | l5: &a5 [*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4]
  |                                  ^^^
  |
  = help: a config does not need that many copies; nested aliases multiply
",
        ),
        with_config("nested lists", format!("ops:\n  sessions:\n    bot:\n      command: {}{}\n", "[".repeat(100), "]".repeat(100))).fails(
            3,
            "\
error: lists and mappings nested deeper than 64 levels
 --> [ROOT]/work/kstlib.conf.yml:4:76
  |
4 |       command: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]...
  |                                                                            ^
",
        ),
        with_config("nested mappings", format!("x: {}1{}\n", "{a: ".repeat(50_000), "}".repeat(50_000))).fails(
            3,
            "\
error: lists and mappings nested deeper than 64 levels
 --> [ROOT]/work/kstlib.conf.yml:1:256
  |
1 | ...{a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a...
  |                                                                    ^
",
        ),
        with_config("larger than 10 MiB", format!("ops: {{}}\n#{}\n", "x".repeat(11 << 20))).fails(
            3,
            "\
error: config file is larger than 10 MiB
 --> [ROOT]/work/kstlib.conf.yml
",
        ),
        // Not declared as 'bot': `up` is what acts on it.
        ops("config: a session named in bidi", &["up"])
            .config("ops:\n  sessions:\n    ev\u{202e}il:\n      command: x\n")
            .stdout("ev\\u{202e}il: invalid: its config entry is invalid\n")
            .fails(
            3,
            "\
error: session 'ev\\u{202e}il': invalid session name 'ev\\u{202e}il'
 --> [ROOT]/work/kstlib.conf.yml:3:5
  |
3 |     ev�il:
  |     ^^^^^ contains '\\u{202e}'; use an ASCII letter followed by ASCII letters, digits, '_' or '-'
",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn hostile_includes_are_refused() {
    let env = TestEnv::new();
    let inc = env.cwd.join("inc");
    env.write(&inc.join("a.yml"), "include: b.yml\nops: {}\n");
    env.write(&inc.join("b.yml"), "include: a.yml\n");
    for i in 0..12 {
        env.write(
            &inc.join(format!("d{i}.yml")),
            &format!("include: d{}.yml\n", i + 1),
        );
    }
    env.write(&inc.join("d12.yml"), "ops: {}\n");
    env.write(
        &inc.join("bad.yml"),
        "ops:\n  sessions:\n    bot:\n      comand: x\n",
    );
    env.write(&env.root().join("outside.yml"), "ops: {}\n");
    env.write(&inc.join("x.toml"), "");
    std::os::unix::fs::symlink(env.root().join("outside.yml"), inc.join("link.yml")).expect("link");
    mkfifo(&inc.join("fifo.yml"));
    std::fs::create_dir_all(inc.join("dir.yml")).expect("dir");
    let include = |what: &str, yaml: &str| {
        ops(
            &format!("include: {what}"),
            &["start", "bot", "-c", "sleep 300"],
        )
        .config(yaml)
    };
    let cases = [
        include("itself", "include: kstlib.conf.yml\n").fails(
            3,
            "\
error: include cycle: [ROOT]/work/kstlib.conf.yml -> [ROOT]/work/kstlib.conf.yml
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: kstlib.conf.yml
  |          ^^^^^^^^^^^^^^^ includes a file that includes this one
",
        ),
        include("a cycle of two", "include: inc/a.yml\n").fails(
            3,
            "\
error: include cycle: [ROOT]/work/inc/a.yml -> [ROOT]/work/inc/b.yml -> [ROOT]/work/inc/a.yml
 --> [ROOT]/work/inc/b.yml:1:10
  |
1 | include: a.yml
  |          ^^^^^ includes a file that includes this one
",
        ),
        include("11 levels deep", "include: inc/d0.yml\n").fails(
            3,
            "\
error: includes nested deeper than 10 levels
 --> [ROOT]/work/inc/d9.yml:1:10
  |
1 | include: d10.yml
  |          ^^^^^^^
",
        ),
        include("missing", "include: inc/nope.yml\n").fails(
            3,
            "\
error: included file not found: [ROOT]/work/inc/nope.yml
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: inc/nope.yml
  |          ^^^^^^^^^^^^
",
        ),
        include("the parent directory", "include: ../outside.yml\n").fails(
            3,
            "\
error: include path escapes the config directory: '../outside.yml'
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: ../outside.yml
  |          ^^^^^^^^^^^^^^ outside the including file's directory
  |
  = help: includes must be relative paths inside '[ROOT]/work'
",
        ),
        include("out and back in", "include: inc/../../work/inc/d12.yml\n").fails(
            3,
            "\
error: include path escapes the config directory: 'inc/../../work/inc/d12.yml'
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: inc/../../work/inc/d12.yml
  |          ^^^^^^^^^^^^^^^^^^^^^^^^^^ outside the including file's directory
  |
  = help: includes must be relative paths inside '[ROOT]/work'
",
        ),
        include("an absolute path", "include: /etc/passwd\n").fails(
            3,
            "\
error: include path escapes the config directory: '/etc/passwd'
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: /etc/passwd
  |          ^^^^^^^^^^^ outside the including file's directory
  |
  = help: includes must be relative paths inside '[ROOT]/work'
",
        ),
        include("a symlink", "include: inc/link.yml\n").fails(
            3,
            "\
error: included file is a symlink: [ROOT]/work/inc/link.yml
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: inc/link.yml
  |          ^^^^^^^^^^^^ a symlink
  |
  = help: include the file it points to, by a path inside this directory
",
        ),
        include("a FIFO", "include: inc/fifo.yml\n").fails(
            3,
            "\
error: not a regular file
 --> [ROOT]/work/inc/fifo.yml
",
        ),
        include("a directory", "include: inc/dir.yml\n").fails(
            3,
            "\
error: not a regular file
 --> [ROOT]/work/inc/dir.yml
",
        ),
        include("a directory without extension", "include: inc\n").fails(
            3,
            "\
error: unsupported config file type (a file name without extension)
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: inc
  |          ^^^
  |
  = help: config files are YAML (.yml, .yaml) or JSON (.json)
",
        ),
        include("TOML", "include: inc/x.toml\n").fails(
            3,
            "\
error: unsupported config file type '.toml'
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: inc/x.toml
  |          ^^^^^^^^^^
  |
  = help: config files are YAML (.yml, .yaml) or JSON (.json)
",
        ),
        include("a mapping", "include: {a: 1}\n").fails(
            3,
            "\
error: expected a file name or a list of file names for 'include', found a mapping
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: {a: 1}
  |          ^^^^^^
",
        ),
        include("a list holding a list", "include: [inc/d12.yml, [x]]\n").fails(
            3,
            "\
error: expected a file name or a list of file names for 'include', found a list
 --> [ROOT]/work/kstlib.conf.yml:1:24
  |
1 | include: [inc/d12.yml, [x]]
  |                        ^^^
",
        ),
        include("empty", "include: \"\"\n").fails(
            3,
            "\
error: empty include path
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: \"\"
  |          ^^
",
        ),
        include("an error inside", "include: inc/bad.yml\n").fails(
            3,
            "\
error: unknown key 'comand' in session 'bot'
 --> [ROOT]/work/inc/bad.yml:4:7
  |
4 |       comand: x
  |       ^^^^^^ unknown key
  |
  = help: did you mean 'command'?
",
        ),
        include("a newline in the path", "include: \"inc/d12.yml\\nx\"\n").fails(
            3,
            "\
error: unsupported config file type '.yml\\nx'
 --> [ROOT]/work/kstlib.conf.yml:1:10
  |
1 | include: \"inc/d12.yml\\nx\"
  |          ^^^^^^^^^^^^^^^^
  |
  = help: config files are YAML (.yml, .yaml) or JSON (.json)
",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

// ---------------------------------------------------------------------------------------
// Faults: a live backend, driven where it should not go.

/// The reason of every refused pattern in keys.
fn shell_would(what: &str) -> String {
    format!(
        "contains {what}, which the pane's shell would interpret; keys may not chain, pipe, substitute or redirect commands, nor use eval, source or exec"
    )
}

#[test]
fn send_keys_refuses_what_a_shell_would_run_and_never_leaves_its_session() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "sk", "-c", "cat"]).success();
    env.ops(&["start", "other", "-c", "cat"]).success();
    let keys = |what: &str, keys: &str, shown: &str, reason: &str| {
        ops(&format!("keys: {what}"), &["send-keys", "sk", "--", keys])
            .fails(3, &format!("error: invalid keys '{shown}': {reason}\n"))
    };
    let long = "k".repeat(4097);
    let cases = [
        keys("a separator", "a; b", "a; b", &shell_would("';' (a command separator)")),
        keys("and", "a && b", "a && b", &shell_would("'&&' (command chaining)")),
        keys("or", "a || b", "a || b", &shell_would("'||' (command chaining)")),
        keys("a pipe", "a|b", "a|b", &shell_would("'|' (a pipe)")),
        keys("a substitution", "echo $(id)", "echo $(id)", &shell_would("'$(…)' (command substitution)")),
        keys("backticks", "echo `id`", "echo `id`", &shell_would("'`…`' (command substitution)")),
        keys("a redirection out", "echo > /tmp/x", "echo > /tmp/x", &shell_would("'>' (a redirection)")),
        keys("a redirection in", "cat < /etc/passwd", "cat < /etc/passwd", &shell_would("'<' (a redirection)")),
        keys("eval", "eval x", "eval x", &shell_would("the word 'eval'")),
        keys("source", "source x", "source x", &shell_would("the word 'source'")),
        keys("exec in capitals", "EXEC x", "EXEC x", &shell_would("the word 'exec'")),
        keys(
            "a newline",
            "a\nrm -rf /",
            "a\\nrm -rf /",
            "contains a newline (U+000A); send Enter or another key by name instead",
        ),
        keys(
            "an escape",
            "a\u{1b}[2J",
            "a\\u{1b}[2J",
            "contains an escape character (U+001B); send Enter or another key by name instead",
        ),
        keys(
            "a tab",
            "a\tb",
            "a\\tb",
            "contains a tab (U+0009); send Enter or another key by name instead",
        ),
        keys(
            "empty",
            "",
            "",
            "must not be empty; give text or a key name such as C-c or Enter",
        ),
        keys(
            "4097 characters",
            &long,
            &format!("{}…", &long[..80]),
            "is 4097 characters long, at most 4096 are allowed",
        ),
        ops("keys: to a container session", &["send-keys", "sk", "-b", "container", "--", "x"])
            .fails(4, "error: container session 'sk' not found\nhint: `kstlib ops list` shows the sessions that exist\n"),
        // Keys that read as send-keys' own options: typed into 'sk', as text.
        ops("keys: -t", &["send-keys", "sk", "--", "-t", "=other"]),
        ops("keys: -lt=other:", &["send-keys", "sk", "--", "-lt=other:"]),
        ops("keys: -X", &["send-keys", "sk", "--", "-X"]),
        ops("keys: -R", &["send-keys", "sk", "--", "-R"]),
        ops("keys: --", &["send-keys", "sk", "--", "--"]),
        ops("keys: -l", &["send-keys", "sk", "--", "-l"]),
    ];
    check_all(&env, &cases);
    // What the terminal echoes, then what cat prints back, for each line.
    let typed = ["-t =other", "-lt=other:", "-X", "-R", "--", "-l"];
    let expected: String = typed
        .iter()
        .map(|keys| format!("{keys}\n{keys}\n"))
        .collect();
    env.wait_for_stdout(&["logs", "sk"], &expected);
    let other = env.ops(&["logs", "other"]);
    assert_eq!(other.stdout, "", "nothing reached 'other'\n{other}");
    let mut sessions = env.tmux_sessions(None);
    sessions.sort();
    assert_eq!(sessions, ["other", "sk"]);
}

/// Runs `kstlib ops ARGS…` `n` times at once (each with `env`'s environment).
pub fn at_once(env: &TestEnv, n: usize, args: &[&str]) -> Vec<Outcome> {
    let commands: Vec<Command> = (0..n)
        .map(|_| {
            let mut command = env.command();
            command.arg("ops").args(args);
            command
        })
        .collect();
    std::thread::scope(|scope| {
        let runs: Vec<_> = commands
            .into_iter()
            .map(|command| scope.spawn(move || run_bounded(command)))
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("a run"))
            .collect()
    })
}

impl Outcome {
    pub fn show(&self, env: &TestEnv) -> String {
        format!(
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}[EOF]",
            self.code,
            env.redact(&self.stdout),
            env.redact(&self.stderr)
        )
    }
}

/// Concurrent stops of one session: each says it stopped it, that it had already ended,
/// or that it is gone (4); never a backend's own error, never a warning.
#[track_caller]
pub fn assert_stops_agree(env: &TestEnv, name: &str, runs: &[Outcome]) {
    let gone = format!(
        "error: {{backend}} session '{name}' not found\nhint: `kstlib ops list` shows the sessions that exist\n"
    );
    let shown: Vec<String> = runs.iter().map(|run| run.show(env)).collect();
    let mut stopped = 0;
    for run in runs {
        let ok = match run.code {
            Some(0) => {
                let said =
                    |start: &str| run.stdout.starts_with(&format!("Session '{name}' {start}"));
                stopped += usize::from(said("stopped on "));
                run.stderr.is_empty()
                    && (said("stopped on ")
                        || said("had already exited")
                        || said("was stopped meanwhile, by another command."))
            }
            Some(4) => ["tmux", "podman", "docker"]
                .iter()
                .any(|backend| run.stderr == gone.replace("{backend}", backend)),
            _ => false,
        };
        assert!(
            ok,
            "a stop said something else: {:?}\nall of them:\n{}",
            run.show(env),
            shown.join("\n")
        );
    }
    assert!(stopped >= 1, "none stopped it:\n{}", shown.join("\n"));
}

#[test]
fn concurrent_stops_of_one_tmux_session_agree() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "race", "-c", "sleep 300"]).success();
    let runs = at_once(&env, 4, &["stop", "race"]);
    assert_stops_agree(&env, "race", &runs);
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn up_with_a_name_twice_and_concurrent_ups_start_each_session_once() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(
        "ops:\n  sessions:\n    one:\n      command: sleep 300\n    two:\n      command: sleep 300\n",
    );
    let twice = env.ops(&["up", "one", "one"]);
    assert_eq!(
        (twice.code, twice.stdout.as_str(), twice.stderr.as_str()),
        (Some(0), "one: started\n", ""),
        "{twice}"
    );
    let runs = at_once(&env, 3, &["up"]);
    let shown: Vec<String> = runs.iter().map(|run| run.show(&env)).collect();
    for run in &runs {
        assert!(
            run.code == Some(0) && run.stderr.is_empty(),
            "an up failed:\n{}",
            shown.join("\n")
        );
    }
    let mut sessions = env.tmux_sessions(None);
    sessions.sort();
    assert_eq!(sessions, ["one", "two"], "{}", shown.join("\n"));
}

fn concurrent_ups_of_container_sessions_start_each_once(rt: Rt) {
    let env = TestEnv::on(rt);
    let (one, two) = (env.name("one"), env.name("two"));
    let image = test_image();
    let entry = |name: &str| {
        format!(
            "    {name}:\n      backend: container\n      runtime: {rt}\n      image: {image}\n      command: [sh, -c, 'trap \"exit 0\" TERM; while :; do sleep 1; done']\n"
        )
    };
    env.write_config(&format!(
        "ops:\n  sessions:\n{}{}",
        entry(&one),
        entry(&two)
    ));
    let twice = env.ops(&["up", &one, &one]);
    assert_eq!(
        (twice.code, env.redact(&twice.stdout), twice.stderr.as_str()),
        (Some(0), "[NAME:one]: started\n".to_owned(), ""),
        "{twice}"
    );
    let runs = at_once(&env, 3, &["up"]);
    let shown: Vec<String> = runs.iter().map(|run| run.show(&env)).collect();
    for run in &runs {
        assert!(
            run.code == Some(0) && run.stderr.is_empty(),
            "an up failed:\n{}",
            shown.join("\n")
        );
    }
    for name in [&one, &two] {
        assert!(
            env.inspect(rt, name).is_some(),
            "{name} runs\n{}",
            shown.join("\n")
        );
    }
    env.ops(&["down"]).success();
}

crate::on_both_runtimes!(concurrent_ups_of_container_sessions_start_each_once);

fn concurrent_stops_of_one_container_agree(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("race");
    env.start_container(
        rt,
        &name,
        "sh -c 'trap \"exit 0\" TERM; while :; do sleep 1; done'",
        &[],
    )
    .success();
    let runs = at_once(&env, 4, &["stop", &name]);
    assert_stops_agree(&env, &name, &runs);
    assert_eq!(env.inspect(rt, &name), None, "removed");
}

crate::on_both_runtimes!(concurrent_stops_of_one_container_agree);

// ---------------------------------------------------------------------------------------
// No process left behind.

/// The processes whose parent is `parent`, with their command lines.
fn children_of(parent: u32) -> Vec<(i32, String)> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.split(' ').nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if ppid == Some(parent) {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            children.push((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")));
        }
    }
    children
}

#[test]
fn a_daemon_that_left_the_panes_session_is_not_the_stops_to_kill() {
    // The stop ladder ends every process in the pane's session, whatever its process
    // group (tests/integration/resilience.rs). A program that calls setsid leaves that
    // session on purpose, as daemons do to outlive their terminal: neither tmux nor a
    // closed terminal reaches it, and neither does a stop. What the stop reports is what
    // it did to the pane's program.
    require_tmux!();
    let env = TestEnv::new();
    let pidfile = env.root().join("daemon.pid");
    let script = format!(
        "setsid sh -c 'echo $$ > {}; exec sleep 3141' & exec sleep 300",
        pidfile.display()
    );
    env.ops(&["start", "leaky", "-c", &format!("sh -c \"{script}\"")])
        .success();
    let daemon = pid_in(&env, &pidfile);
    let _guard = KillOnDrop(vec![daemon]);
    let stop = env.ops(&["stop", "leaky", "-t", "1"]);
    assert_eq!(
        (
            stop.code,
            env.redact(&stop.stdout).as_str(),
            stop.stderr.as_str()
        ),
        (
            Some(0),
            "Session 'leaky' stopped on SIGINT in [TIME] (exit code 130).\n",
            ""
        ),
        "{stop}"
    );
    assert!(alive(daemon), "the daemon lives on");
    assert_nothing_started(&env, &[]);
}

fn a_killed_stop_leaves_no_wait_behind(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("stubborn");
    // `sleep` as PID 1 ignores SIGTERM: the stop waits its whole timeout.
    env.start_container(rt, &name, "sleep 300", &[]).success();
    let mut stop = env
        .command()
        .args(["ops", "stop", &name, "-t", "30"])
        // The CLI's `wait`: over Docker's socket, the wait is a request, not a process.
        .env("KSTLIB_ENGINE_API", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn stop");
    let mut waits = Vec::new();
    env.wait_for("the stop's wait", || {
        waits = children_of(stop.id())
            .into_iter()
            .filter(|(_, cmdline)| cmdline.contains(" wait "))
            .map(|(pid, _)| pid)
            .collect();
        !waits.is_empty()
    });
    let _guard = KillOnDrop(waits.clone());
    stop.kill().expect("kill -9");
    let _ = stop.wait();
    env.wait_for("the wait to end with its kstlib", || {
        waits.iter().all(|pid| !alive(*pid))
    });
}

crate::on_both_runtimes!(a_killed_stop_leaves_no_wait_behind);

// ---------------------------------------------------------------------------------------
// Hung backends.

/// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name, which is in parentheses.
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
    })
}

/// The PID a test program wrote to `file`, waiting up to 10 s for it.
#[track_caller]
pub fn pid_in(env: &TestEnv, file: &Path) -> i32 {
    let mut pid = None;
    env.wait_for("the program's PID file", || {
        pid = std::fs::read_to_string(file)
            .ok()
            .and_then(|text| text.trim().parse().ok());
        pid.is_some()
    });
    pid.expect("a PID")
}

/// Kills what a failing test left running (by its PID, which the test made).
pub struct KillOnDrop(pub Vec<i32>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        for pid in &self.0 {
            if alive(*pid) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(*pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
        }
    }
}

/// Kills, when dropped, the processes whose PIDs were written to these files (by
/// programs the test made), pass or fail.
pub struct KillPidsWrittenTo(pub Vec<PathBuf>);

impl Drop for KillPidsWrittenTo {
    fn drop(&mut self) {
        let pids = self
            .0
            .iter()
            .filter_map(|file| std::fs::read_to_string(file).ok()?.trim().parse().ok())
            .collect();
        drop(KillOnDrop(pids));
    }
}

/// A program standing in for tmux or a runtime that hangs: it starts a helper of its own
/// (which writes its PID to `pidfile`), then never answers.
pub fn hanging_program(env: &TestEnv, path: &Path, pidfile: &Path) -> PathBuf {
    let script = env.write(
        path,
        &format!(
            "#!/bin/sh\nsh -c 'echo $$ > {}; exec sleep 2718' &\nexec sleep 1000\n",
            pidfile.display()
        ),
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    script
}

#[test]
fn a_backend_call_that_hangs_is_exit_5_within_its_time_limit() {
    let env = TestEnv::new();
    let bin = env.root().join("bin");
    let tmux_pid = env.root().join("tmux-helper.pid");
    let docker_pid = env.root().join("docker-helper.pid");
    let tmux = hanging_program(&env, &bin.join("hung-tmux"), &tmux_pid);
    hanging_program(&env, &bin.join("docker"), &docker_pid);
    // Should a helper outlive its hung program, the guard ends it, by the PID it wrote.
    let _helpers = KillPidsWrittenTo(vec![tmux_pid.clone(), docker_pid.clone()]);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cases = [
        ops("tmux hangs", &["start", "bot", "-c", "sleep 300"])
            .config(format!("ops:\n  tmux_binary: {}\n", tmux.display()))
            .env("KSTLIB_BACKEND_TIMEOUT", "1")
            .fails(
                5,
                concat!("error: tmux cannot be used: `[ROOT]/bin/hung-tmux -u list-sessions -F …` did not answer within 1 s\n", doctor_hint!()),
            ),
        ops("docker hangs", &["status", "web", "--runtime", "docker"])
            .env("PATH", &path)
            // The CLI, not Docker's socket, which answers.
            .env("KSTLIB_ENGINE_API", "0")
            .env("KSTLIB_BACKEND_TIMEOUT", "1")
            .fails(
                5,
                concat!("error: docker cannot be used: `docker container inspect web` did not answer within 1 s\n", doctor_hint!()),
            ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
    // A call that times out ends the hung program and everything it started: its whole
    // process group.
    let helpers = [pid_in(&env, &tmux_pid), pid_in(&env, &docker_pid)];
    env.wait_for("the hung programs' helpers to end", || {
        helpers.iter().all(|pid| !alive(*pid))
    });
}

// ---------------------------------------------------------------------------------------
// Secrets stay secret.

pub const SECRET: &str = "s3cr3t-7b1f";

#[test]
fn debug_output_never_shows_an_env_value() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(&format!(
        "ops:\n  sessions:\n    sec:\n      command: sleep 300\n      env:\n        API_TOKEN: {SECRET}\n"
    ));
    // (The ad-hoc session first: a restart of a server's only session races with the
    // server's exit, a known kstlib bug that is not this test's subject.)
    for args in [
        &[
            "-vv",
            "ops",
            "start",
            "adhoc",
            "-c",
            "sleep 300",
            "-e",
            &format!("PASSWORD={SECRET}"),
        ][..],
        &["-vv", "ops", "start", "sec"],
        &["-vvv", "ops", "status", "sec", "--json"],
        &["-vvv", "ops", "list", "-b", "tmux", "--json"],
        &["-l", "TRACE", "ops", "restart", "sec"],
        &["-vvv", "ops", "stop", "sec"],
        &["-vvv", "ops", "stop", "adhoc"],
    ] {
        let run = env.run(args);
        run.success();
        assert!(
            !run.stderr.contains(SECRET) && !run.stdout.contains(SECRET),
            "{args:?} shows the secret\n{run}"
        );
    }
}

/// A `docker`/`podman` in front of the real one that writes down each argv, and for an
/// `--env-file` the file's mode and its variables' names, to `log`.
pub fn recording_runtime(env: &TestEnv, rt: Rt, log: &Path) -> String {
    let real = std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(rt.as_str()))
                .find(|candidate| candidate.is_file())
        })
        .expect("the runtime on PATH");
    let bin = env.root().join("recording");
    let script = env.write(
        &bin.join(rt.as_str()),
        &format!(
            "#!/bin/sh\nlog='{log}'\nprintf 'argv:' >> \"$log\"\nprintf ' %s' \"$@\" >> \"$log\"\necho >> \"$log\"\nprev=\nfor arg in \"$@\"; do\n  if [ \"$prev\" = --env-file ]; then\n    stat -c 'env-file mode %a' \"$arg\" >> \"$log\"\n    cut -d= -f1 \"$arg\" | sed 's/^/env-file key /' >> \"$log\"\n  fi\n  prev=$arg\ndone\nexec '{real}' \"$@\"\n",
            log = log.display(),
            real = real.display()
        ),
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn containers_get_env_through_a_private_file_never_argv(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("sec");
    let log = env.root().join("calls.log");
    let path = recording_runtime(&env, rt, &log);
    let image = test_image();
    let run = env.ops_with_env(
        &[("PATH", path.as_ref())],
        &[
            "start",
            &name,
            "-b",
            "container",
            "-i",
            &image,
            "--runtime",
            rt.as_str(),
            "-c",
            "sh -c 'echo $API_TOKEN; exec sleep 300'",
            "-e",
            &format!("API_TOKEN={SECRET}"),
        ],
    );
    run.success();
    let calls = std::fs::read_to_string(&log).expect("the runtime was called");
    assert!(
        !calls.contains(SECRET),
        "a secret on a command line:\n{calls}"
    );
    assert!(
        calls.contains("env-file mode 600\nenv-file key API_TOKEN\n"),
        "{calls}"
    );
    env.wait_for_stdout(&["logs", &name], &format!("{SECRET}\n"));
}

crate::on_both_runtimes!(containers_get_env_through_a_private_file_never_argv);

fn a_multi_line_secret_never_reaches_argv_either(rt: Rt) {
    // A PEM key is the usual secret with newlines, which an env file cannot hold: it goes
    // through the CLI's own environment (`-e TLS_KEY`), and still reaches the program.
    let env = TestEnv::on(rt);
    let name = env.name("pem");
    let log = env.root().join("calls.log");
    let path = recording_runtime(&env, rt, &log);
    let image = test_image();
    let key = format!("-----BEGIN KEY-----\n{SECRET}\n-----END KEY-----");
    let run = env.ops_with_env(
        &[("PATH", path.as_ref())],
        &[
            "start",
            &name,
            "-b",
            "container",
            "-i",
            &image,
            "--runtime",
            rt.as_str(),
            "-c",
            "sh -c 'echo \"$TLS_KEY\"; exec sleep 300'",
            "-e",
            &format!("TLS_KEY={key}"),
        ],
    );
    run.success();
    let calls = std::fs::read_to_string(&log).expect("the runtime was called");
    assert!(
        !calls.contains(SECRET),
        "a secret on a command line:\n{calls}"
    );
    assert!(calls.contains(" -e TLS_KEY "), "{calls}");
    env.wait_for_stdout(&["logs", &name], &format!("{key}\n"));
}

crate::on_both_runtimes!(a_multi_line_secret_never_reaches_argv_either);

// ---------------------------------------------------------------------------------------
// Faults are named.

/// A `docker` and a `podman` that answer every question with `output` and exit 0.
pub fn lying_runtimes(env: &TestEnv, output: &str) -> String {
    let bin = env.root().join("lying");
    for rt in Rt::ALL {
        let script = env.write(
            &bin.join(rt.as_str()),
            &format!("#!/bin/sh\nprintf '%s' '{output}'\n"),
        );
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn malformed_runtime_output_is_exit_5_naming_the_runtime() {
    let env = TestEnv::new();
    let path = lying_runtimes(&env, "[{\"Id\": 12, \"State\": \"nope\"");
    let unreadable = |rt: &str| {
        format!(
            "error: {rt} answered `{rt} container inspect` with output kstlib cannot read: invalid type: integer `12`, expected a string at line 1 column 10\n{}",
            doctor_hint!()
        )
    };
    let mut cases = Vec::new();
    for rt in ["podman", "docker"] {
        for args in [
            vec!["status", "web", "--runtime", rt],
            vec!["stop", "web", "--runtime", rt],
            vec!["attach", "web", "--runtime", rt],
            vec!["exec", "web", "--runtime", rt, "--", "true"],
            vec!["restart", "web", "--runtime", rt],
            vec!["start", "web", "-i", "busybox", "--runtime", rt],
        ] {
            cases.push(
                ops(&format!("{rt}: {}", args[0]), &args)
                    .env("PATH", &path)
                    // The lying CLI, not Docker's socket, which tells the truth.
                    .env("KSTLIB_ENGINE_API", "0")
                    .fails(5, &unreadable(rt)),
            );
        }
        // Through the CLI, `logs NAME` is the lookup: whatever it prints is the log.
        cases.push(
            ops(&format!("{rt}: logs"), &["logs", "web", "--runtime", rt])
                .env("PATH", &path)
                .env("KSTLIB_ENGINE_API", "0")
                .stdout("[{\"Id\": 12, \"State\": \"nope\"\n"),
        );
    }
    check_all(&env, &cases);
    // `list` goes on with what answers, and says what did not.
    let list = env.ops_with_env(
        &[("PATH", path.as_ref()), ("KSTLIB_ENGINE_API", "0".as_ref())],
        &["list", "-b", "container"],
    );
    assert_eq!(
        (list.code, list.stdout.as_str(), list.stderr.as_str()),
        (
            Some(0),
            "No sessions found.\n",
            "warning: podman: podman answered `podman ps` with output kstlib cannot read: invalid type: integer `12`, expected a string at line 1 column 10\n\
             warning: docker: docker answered `docker ps` with output kstlib cannot read: invalid type: map, expected a string at line 1 column 1\n"
        ),
        "{list}"
    );
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_broken_podman_config_is_exit_5_naming_podman() {
    let env = TestEnv::new();
    let conf = env.write(&env.root().join("containers.conf"), "garbage = [\n");
    let broken = format!(
        concat!(
            "error: podman cannot be used: reading system config \"{0}\": decode configuration {0}: toml: line 1 (last key \"garbage\"): unexpected EOF; expected value\n",
            doctor_hint!()
        ),
        conf.display()
    );
    let missing = env.root().join("no-such.conf");
    let mut cases = Vec::new();
    for args in [
        vec!["status", "web", "--runtime", "podman"],
        vec!["status", "web"],
        vec!["stop", "web", "--runtime", "podman"],
        vec!["logs", "web", "--runtime", "podman"],
        vec!["attach", "web", "--runtime", "podman"],
        vec!["exec", "web", "--runtime", "podman", "--", "true"],
        vec!["start", "web", "-i", "busybox", "--runtime", "podman"],
    ] {
        cases.push(
            ops(&format!("broken: {}", args.join(" ")), &args)
                .env("CONTAINERS_CONF", &conf)
                .fails(5, &env.redact(&broken)),
        );
    }
    cases.push(
        ops("missing", &["status", "web", "--runtime", "podman"])
            .env("CONTAINERS_CONF", &missing)
            .fails(
                5,
                &env.redact(&format!(
                    concat!("error: podman cannot be used: `podman container inspect` failed with exit code 1: finding config on system: CONTAINERS_CONF file: stat {}: no such file or directory\n", doctor_hint!()),
                    missing.display()
                )),
            ),
    );
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_hung_tmux_server_is_a_warning_naming_it_within_its_time_limit() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 300\n");
    let dir = env
        .tmux_tmpdir
        .join(format!("tmux-{}", nix::unistd::getuid()));
    let _hung = crate::env::HungEngine::new(&dir);
    let warning = "warning: tmux -L hung.sock cannot be used: `tmux -L hung.sock -u list-sessions -F …` did not answer within 1 s\n";
    // What looks everywhere says what it could not ask (and cannot say "not found" while
    // a server did not answer); a declared session is looked up where the config puts
    // it, which answers.
    let unknown = format!(
        "{}{}",
        warning.replace("warning:", "error:"),
        doctor_hint!()
    );
    for (args, code, stdout, stderr) in [
        (&["list", "-b", "tmux", "-q"][..], 0, "bot\n", warning),
        (&["status", "ghost"], 5, "", unknown.as_str()),
        (&["status", "bot", "-q"], 0, "bot: running\n", ""),
        (&["up"], 0, "bot: running\n", warning),
        (&["down", "-q"], 0, "", warning),
    ] {
        let started = std::time::Instant::now();
        let run = env.ops_with_env(&[("KSTLIB_BACKEND_TIMEOUT", "1".as_ref())], args);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{args:?} took {:?}\n{run}",
            started.elapsed()
        );
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (Some(code), stdout, stderr),
            "{args:?}\n{run}"
        );
    }
    assert!(env.tmux_sessions(None).is_empty(), "down stopped it");
}

#[test]
fn a_tmux_binary_that_fails_is_named() {
    require_tmux!();
    let env = TestEnv::new();
    // A live server, so that there is something to ask.
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    let failing = |what: &str, binary: &str, args: &[&str], code: i32, stderr: &str| {
        ops(&format!("{what}: {}", args.join(" ")), args)
            .config(format!(
                "ops:\n  tmux_binary: {}\n",
                binary.replace("[ROOT]", &env.root().display().to_string())
            ))
            .fails(code, stderr)
    };
    env.write(&env.root().join("not-a-program"), "echo hi\n");
    let false_ = concat!(
        "error: tmux cannot be used: `/bin/false -u list-sessions` failed with exit code 1: '/bin/false' gave no reason\n",
        doctor_hint!()
    );
    let cases = [
        failing("/bin/false", "/bin/false", &["status", "bot"], 5, false_),
        failing("/bin/false", "/bin/false", &["stop", "bot"], 5, false_),
        failing(
            "/bin/false",
            "/bin/false",
            &["send-keys", "bot", "x"],
            5,
            false_,
        ),
        failing(
            "missing",
            "/no/such/tmux",
            &["start", "other", "-c", "sleep 1"],
            5,
            "error: tmux binary '/no/such/tmux' not found in PATH\nhint: install tmux (apt-get install tmux, brew install tmux) or set ops.tmux_binary\n",
        ),
        failing(
            "a directory",
            "/tmp",
            &["start", "other", "-c", "sleep 1"],
            5,
            concat!(
                "error: tmux cannot be used: could not run '/tmp': Permission denied (os error 13)\n",
                doctor_hint!()
            ),
        ),
        failing(
            "not executable",
            "[ROOT]/not-a-program",
            &["status", "bot"],
            5,
            concat!(
                "error: tmux cannot be used: could not run '[ROOT]/not-a-program': Permission denied (os error 13)\n",
                doctor_hint!()
            ),
        ),
    ];
    check_all(&env, &cases);
    assert_eq!(env.tmux_sessions(None), ["bot"], "nothing else started");
}

// ---------------------------------------------------------------------------------------
// The exit-code table is true.

#[test]
fn a_stdout_that_cannot_be_written_is_exit_1_and_a_closed_pipe_is_not_an_error() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "bot", "-c", "sh -c 'echo hello; exec sleep 300'"])
        .success();
    env.wait_for_stdout(&["logs", "bot"], "hello\n");
    let full = "error: cannot write the output: No space left on device (os error 28)\n";
    let outputs: [&[&str]; 12] = [
        // What --help and --version print is their result.
        &["--help"],
        &["--version"],
        &["ops", "--help"],
        &["ops", "start", "--help"],
        &["ops", "list", "-b", "tmux"],
        &["ops", "list", "-b", "tmux", "--json"],
        &["ops", "status", "bot"],
        &["ops", "status", "bot", "--json"],
        &["ops", "logs", "bot"],
        &["ops", "doctor", "--json"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in outputs {
        let dev_full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = env
            .command()
            .args(args)
            .stdout(dev_full)
            .output()
            .expect("run kstlib");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            (out.status.code(), stderr.as_ref()),
            (Some(1), full),
            "{args:?} > /dev/full"
        );
        // A reader that went away (`| head`) is not an error.
        let mut child = env
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kstlib");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).as_ref()
            ),
            (Some(0), ""),
            "{args:?} | (closed)"
        );
    }
}

#[test]
fn the_exit_code_table_holds_for_hostile_input() {
    let env = TestEnv::new();
    let web = env.name("web");
    let cases = [
        ops("a volume's container path relative", &[
            "start", &web, "-b", "container", "-i", "busybox", "-v", "/srv:data",
        ])
        .fails(
            3,
            "error: invalid volume '/srv:data': container path 'data' is relative; a path inside the container is absolute\n",
        ),
        ops("a volume over the container's root", &[
            "start", &web, "-b", "container", "-i", "busybox", "-v", "/srv:/",
        ])
        .fails(
            3,
            "error: invalid volume '/srv:/': container path is '/', which would hide the whole image; mount a directory\n",
        ),
        ops("restart of nothing", &["restart", "nosuch"]).fails(
            4,
            "error: session 'nosuch' not found\nhint: `kstlib ops list` shows the sessions that exist\n",
        ),
        ops("logs of nothing", &["logs", "nosuch"]).fails(
            4,
            "error: session 'nosuch' not found\nhint: `kstlib ops list` shows the sessions that exist\n",
        ),
        ops("exec in nothing", &["exec", "nosuch", "--", "true"]).fails(
            4,
            "error: session 'nosuch' not found\nhint: `kstlib ops list` shows the sessions that exist\n",
        ),
        ops("attach to nothing", &["attach", "nosuch"]).fails(
            4,
            "error: session 'nosuch' not found\nhint: `kstlib ops list` shows the sessions that exist\n",
        ),
        ops("an unknown command", &["frobnicate"]).fails(
            2,
            "error: unrecognized subcommand 'frobnicate'\n\nUsage: kstlib ops [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[web]);
}

#[test]
fn a_missing_working_directory_is_invalid_input() {
    // Exit 1 ("failed to start") before, and a file was said not to exist.
    let env = TestEnv::new();
    let file = env.write(&env.root().join("file"), "x");
    let missing = env.root().join("no-such-dir");
    let (file, missing) = (file.display().to_string(), missing.display().to_string());
    let refused = |what: &str| {
        format!(
            "error: invalid working directory '[ROOT]/{what}': is not a directory on this host\n  |\n  = help: create it first: tmux would silently start the session elsewhere\n"
        )
    };
    let cases = [
        ops(
            "missing",
            &["start", "bot", "-c", "sleep 300", "-w", &missing],
        )
        .fails(3, &refused("no-such-dir")),
        ops("a file", &["start", "bot", "-c", "sleep 300", "-w", &file]).fails(3, &refused("file")),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_container_session_without_an_image_is_invalid_input() {
    // Exit 1 ("failed to start container session") before, without the file position.
    let env = TestEnv::new();
    let web = env.name("web");
    let cli = env.ops(&["start", &web, "-b", "container", "-c", "sleep 1"]);
    assert_eq!(cli.code, Some(3), "{cli}");
    assert!(
        cli.stderr.starts_with("error: ") && cli.stderr.contains("image"),
        "{cli}"
    );
    env.write_config(&format!(
        "ops:\n  sessions:\n    {web}:\n      backend: container\n      command: sleep 1\n"
    ));
    for args in [&["start", web.as_str()][..], &["up"]] {
        let run = env.ops(args);
        assert_eq!(run.code, Some(3), "{args:?}\n{run}");
        assert!(
            env.redact(&run.stderr)
                .contains(" --> [ROOT]/work/kstlib.conf.yml:3:5\n"),
            "{args:?}: the declaring line\n{run}"
        );
    }
    assert_nothing_started(&env, &[web]);
}

#[test]
fn up_and_down_of_an_unknown_name_say_so_first() {
    // `note: declared sessions: …` came before the error line.
    let env = TestEnv::new();
    let config = "ops:\n  sessions:\n    web:\n      command: sleep 300\n";
    let not_found = "error: session 'nosuch' not found\nhint: `kstlib ops list` shows the sessions that exist\nnote: declared sessions: web\n";
    let cases = [
        ops("up", &["up", "nosuch"])
            .config(config)
            .fails(4, not_found),
        ops("down", &["down", "nosuch"])
            .config(config)
            .fails(4, not_found),
        ops("up, one of two", &["up", "web", "nosuch"])
            .config(config)
            .fails(4, not_found),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn starting_with_a_tmux_binary_that_fails_is_unavailable_like_every_other_command() {
    // `status` said "tmux cannot be used" (5); `start` said "… failed" (1).
    require_tmux!();
    let env = TestEnv::new();
    // A live server, so that `status` has one to ask.
    env.ops(&["start", "live", "-c", "sleep 300"]).success();
    let unusable = concat!(
        "error: tmux cannot be used: `/bin/false -u list-sessions` failed with exit code 1: '/bin/false' gave no reason\n",
        doctor_hint!()
    );
    let config = "ops:\n  tmux_binary: /bin/false\n";
    let cases = [
        ops("start", &["start", "bot", "-c", "sleep 300"])
            .config(config)
            .fails(5, unusable),
        ops("status", &["status", "live"])
            .config(config)
            .fails(5, unusable),
    ];
    check_all(&env, &cases);
    assert_eq!(env.tmux_sessions(None), ["live"], "nothing started");
}

// ---------------------------------------------------------------------------------------
// Output that cannot attack the terminal.

#[test]
fn config_file_paths_in_errors_are_escaped() {
    // The ` --> PATH` line printed a right-to-left override raw and dropped an escape
    // sequence (the path shown was not the file's).
    let env = TestEnv::new();
    let dir = env.root().join("ev\u{202e}il\u{1b}[31m");
    let config = env.write(&dir.join("kstlib.conf.yml"), "ops:\n  bogus: 1\n");
    let config = config.to_str().expect("utf-8");
    let missing = format!("{}/missing.yml", dir.display());
    let cases = [
        ops("a bad file", &["start", "bot", "--config", config]).fails(
            3,
            "\
error: unknown key 'bogus' in 'ops'
 --> [ROOT]/ev\\u{202e}il\\u{1b}[31m/kstlib.conf.yml:2:3
  |
2 |   bogus: 1
  |   ^^^^^ unknown key
  |
  = help: known keys: default_backend, tmux_binary, container_runtime, log_dir, log_max_size, start_grace, sessions, hosts
",
        ),
        ops("a missing file", &["start", "bot", "--config", &missing]).fails(
            3,
            "\
error: config file not found
 --> [ROOT]/ev\\u{202e}il\\u{1b}[31m/missing.yml
  = help: check the path given with --config or KSTLIB_CONFIG
",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_c1_control_in_the_config_is_not_printed_raw() {
    // Found by the fuzz target 'config': the snippet under an error showed the file's line
    // with C0 controls as control pictures, C1 controls (the CSI U+009B) raw.
    let env = TestEnv::new();
    let cases = [
        ops("a CSI in a key", &["start", "bot"]).config("ops:\n  bogus\u{9b}2J: 1\n").fails(
            3,
            "\
error: unknown key 'bogus\\u{9b}2J' in 'ops'
 --> [ROOT]/work/kstlib.conf.yml:2:3
  |
2 |   bogus\\u{9b}2J: 1
  |   ^^^^^^^^^^^^^ unknown key
  |
  = help: known keys: default_backend, tmux_binary, container_runtime, log_dir, log_max_size, start_grace, sessions, hosts
",
        ),
        ops("a zero-width space before a value", &["start", "bot"])
            .config("ops:\n  default_backend: \u{200b}tmux\n")
            .fails(
                3,
                "\
error: invalid backend '\\u{200b}tmux'
 --> [ROOT]/work/kstlib.conf.yml:2:20
  |
2 |   default_backend: \\u{200b}tmux
  |                    ^^^^^^^^^^^^ must be 'tmux' or 'container'
",
            ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_log_path_in_a_warning_is_escaped() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  log_dir: \"/proc/x\\u202e\"\n");
    let run = env.ops(&["start", "bot", "-c", "sleep 300"]);
    assert_eq!(
        (run.code, env.redact(&run.stderr)),
        (
            Some(0),
            " WARN no log file for 'bot': /proc/x\\u{202e}/tmux/default/bot.log: No such file or directory (os error 2)\n".to_owned()
        ),
        "{run}"
    );
}

#[test]
fn an_escaped_name_is_never_the_same_text_as_another_name() {
    // A backslash was shown as it is, so the name typed as `a\u{8}b` (six characters) and
    // the name with a real backspace read the same in every message.
    let env = TestEnv::new();
    let cases = [
        ops("a backslash", &["status", "a\\u{8}b"]).fails(
            3,
            &format!("error: invalid session name 'a\\\\u{{8}}b': contains '\\\\'; {NAME_RULE}\n"),
        ),
        ops("a backspace", &["status", "a\u{8}b"]).fails(
            3,
            &format!("error: invalid session name 'a\\u{{8}}b': contains a control character (U+0008); {NAME_RULE}\n"),
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

// ---------------------------------------------------------------------------------------
// doctor tells the truth.

/// A `docker` and a `podman` whose engines are broken: they say so on stderr and fail.
pub fn failing_runtimes(env: &TestEnv) -> String {
    let bin = env.root().join("failing");
    for rt in Rt::ALL {
        let script = env.write(
            &bin.join(rt.as_str()),
            "#!/bin/sh\necho 'Error: the engine is on fire' >&2\nexit 1\n",
        );
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn doctor_fails_and_says_what_to_do_when_an_engine_is_broken() {
    require_tmux!();
    let env = TestEnv::new();
    let path = failing_runtimes(&env);
    let run = env.ops_with_env(&[("PATH", path.as_ref())], &["doctor"]);
    let tmux = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .expect("tmux -V");
    let tmux_path = std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|dir| dir.join("tmux"))
                .find(|candidate| candidate.is_file())
        })
        .expect("tmux on PATH");
    let expected = format!(
        "\
ok  config  no kstlib.conf.yml found: built-in defaults
ok  tmux    {} ({}); live servers in [ROOT]/t/tmux-{}: none
!!  podman  Error: the engine is on fire
    hint: `podman info` shows the whole error
!!  docker  Error: the engine is on fire
    hint: `docker info` shows the whole error
",
        String::from_utf8_lossy(&tmux.stdout).trim(),
        tmux_path.display(),
        nix::unistd::getuid()
    );
    assert_eq!(
        (run.code, env.redact(&run.stdout), run.stderr.as_str()),
        (Some(1), expected, ""),
        "{run}"
    );
}

/// A directory holding `tmux` alone (no docker, no podman), as a PATH.
fn only_tmux(env: &TestEnv) -> String {
    let dir = env.root().join("only-tmux");
    std::fs::create_dir_all(&dir).expect("dir");
    let tmux = std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("tmux"))
                .find(|candidate| candidate.is_file())
        })
        .expect("tmux");
    std::os::unix::fs::symlink(tmux, dir.join("tmux")).expect("link");
    dir.display().to_string()
}

#[test]
fn doctor_fails_when_a_backend_the_config_needs_is_missing() {
    require_tmux!();
    let env = TestEnv::new();
    let path = only_tmux(&env);
    env.write_config(
        "ops:\n  sessions:\n    web:\n      backend: container\n      runtime: podman\n      image: busybox\n",
    );
    let run = env.ops_with_env(&[("PATH", path.as_ref())], &["doctor"]);
    assert_ne!(run.code, Some(0), "{run}");
    assert!(
        run.stdout.contains("hint:") && run.stdout.contains("podman"),
        "says what to do\n{run}"
    );
}

#[test]
fn doctor_fails_when_the_configured_tmux_binary_is_missing_or_fails() {
    let env = TestEnv::new();
    for binary in ["/no/such/tmux", "/bin/false"] {
        env.write_config(&format!("ops:\n  tmux_binary: {binary}\n"));
        let run = env.ops(&["doctor"]);
        assert_ne!(run.code, Some(0), "{binary}\n{run}");
        let line = run
            .stdout
            .lines()
            .position(|line| line.contains(" tmux "))
            .expect("a tmux line");
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert!(lines[line].contains(binary), "names the binary\n{run}");
        assert!(
            lines
                .get(line + 1)
                .is_some_and(|next| next.trim_start().starts_with("hint:")),
            "says what to do\n{run}"
        );
    }
}

#[test]
fn doctor_fails_when_a_runtime_answers_nothing_it_can_read() {
    let env = TestEnv::new();
    let path = lying_runtimes(&env, "what");
    let run = env.ops_with_env(&[("PATH", path.as_ref())], &["doctor"]);
    assert_ne!(run.code, Some(0), "`podman what` is not an answer\n{run}");
}

#[test]
fn doctor_names_a_tmux_server_that_does_not_answer() {
    require_tmux!();
    let env = TestEnv::new();
    let dir = env
        .tmux_tmpdir
        .join(format!("tmux-{}", nix::unistd::getuid()));
    std::fs::create_dir_all(&dir).expect("dir");
    // tmux refuses a socket directory others can enter before it connects at all.
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("chmod");
    let _hung = crate::env::HungEngine::new(&dir);
    let run = env.ops_with_env(&[("KSTLIB_BACKEND_TIMEOUT", "1".as_ref())], &["doctor"]);
    assert_eq!(run.code, Some(1), "a hung server is not a live one\n{run}");
    let tmux: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with("!!  tmux "))
        .take(2)
        .collect();
    assert_eq!(tmux.len(), 2, "{run}");
    assert!(
        tmux[0].ends_with(
            "; not answering: hung.sock (no answer within 1 s); needed by ad-hoc sessions"
        ),
        "{run}"
    );
    assert!(
        tmux[1].trim_start().starts_with("hint: end the process"),
        "{run}"
    );
}
