//! Tests of the bugs the hostile suite found, kept out of the suite until kstlib is fixed:
//! each asserts the right behaviour and fails today. Merge this file (and its `mod` line)
//! into the suite as the fixes land; the report of the `hostile` branch describes each
//! bug with its repro. Where the right wording is not decided yet, a test checks the
//! properties (exit code, what the first line names) rather than the whole message.

use std::process::Stdio;

use crate::env::{Rt, TestEnv, test_image};
use crate::hostile::{
    KillOnDrop, KillPidsWrittenTo, SECRET, alive, assert_nothing_started, assert_stops_agree,
    at_once, check_all, hanging_program, ops, pid_in, recording_runtime,
};
use crate::{doctor_hint, require_tmux};

// ---------------------------------------------------------------------------------------
// Stop honest under races (the stop ladders, being fixed on main).

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
fn stop_leaves_no_process_that_left_the_programs_group() {
    require_tmux!();
    let env = TestEnv::new();
    let pidfile = env.root().join("escaped.pid");
    // A daemon of the program's own: a new session, so another process group.
    let script = format!(
        "setsid sh -c 'echo $$ > {}; exec sleep 3141' & exec sleep 300",
        pidfile.display()
    );
    env.ops(&["start", "leaky", "-c", &format!("sh -c \"{script}\"")])
        .success();
    let escaped = pid_in(&env, &pidfile);
    let _guard = KillOnDrop(vec![escaped]);
    assert!(alive(escaped));
    env.ops(&["stop", "leaky"]).success();
    env.wait_for("the escaped process to end", || !alive(escaped));
}

#[test]
fn a_backend_call_that_times_out_leaves_no_process_behind() {
    let env = TestEnv::new();
    let bin = env.root().join("bin");
    let tmux_pid = env.root().join("tmux-helper.pid");
    let docker_pid = env.root().join("docker-helper.pid");
    let tmux = hanging_program(&env, &bin.join("hung-tmux"), &tmux_pid);
    hanging_program(&env, &bin.join("docker"), &docker_pid);
    let _guard = KillPidsWrittenTo(vec![tmux_pid.clone(), docker_pid.clone()]);
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
                concat!("error: tmux cannot be used: `[ROOT]/bin/hung-tmux list-sessions -F …` did not answer within 1 s\n", doctor_hint!()),
            ),
        ops("docker hangs", &["status", "web", "--runtime", "docker"])
            .env("PATH", &path)
            .env("KSTLIB_BACKEND_TIMEOUT", "1")
            .fails(
                5,
                concat!("error: docker cannot be used: `docker container inspect web` did not answer within 1 s\n", doctor_hint!()),
            ),
    ];
    check_all(&env, &cases);
    let helpers = [pid_in(&env, &tmux_pid), pid_in(&env, &docker_pid)];
    // The program that hung and everything it started: its whole process group.
    env.wait_for("the hung programs' helpers to end", || {
        helpers.iter().all(|pid| !alive(*pid))
    });
}

fn a_killed_stop_leaves_no_wait_behind(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("stubborn");
    // `sleep` as PID 1 ignores SIGTERM: the stop waits its whole timeout.
    env.start_container(rt, &name, "sleep 300", &[]).success();
    let mut stop = env
        .command()
        .args(["ops", "stop", &name, "-t", "30"])
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
// Secrets stay secret.

fn a_multi_line_secret_never_reaches_argv_either(rt: Rt) {
    // A PEM key is the usual secret with newlines, which an env file cannot hold.
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
            "sleep 300",
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
}

crate::on_both_runtimes!(a_multi_line_secret_never_reaches_argv_either);

// ---------------------------------------------------------------------------------------
// Bad input in the environment.

#[test]
fn a_bad_backend_timeout_is_refused_naming_the_variable() {
    // 1e300 panicked (`Duration::from_secs_f64` overflows) in the thread that asks the
    // tmux server, and the command went on as if the server had no sessions; the other
    // values were ignored without a word, so `5s` meant 30 s.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    let cases: Vec<_> = ["1e300", "1e20", "abc", "5s", "-1", "0", "", "NaN", "inf"]
        .into_iter()
        .map(|value| {
            ops(&format!("KSTLIB_BACKEND_TIMEOUT={value:?}"), &["status", "bot"])
                .env("KSTLIB_BACKEND_TIMEOUT", value)
                .fails(
                    3,
                    &format!(
                        "error: invalid KSTLIB_BACKEND_TIMEOUT '{value}': expected a number of seconds greater than 0, e.g. 30\n"
                    ),
                )
        })
        .collect();
    check_all(&env, &cases);
}

// ---------------------------------------------------------------------------------------
// The exit-code table: invalid input is 3, with the value.

#[test]
fn a_missing_working_directory_is_invalid_input() {
    // Exit 1 ("failed to start") today, and a file is said not to exist.
    let env = TestEnv::new();
    let file = env.write(&env.root().join("file"), "x");
    let missing = env.root().join("no-such-dir");
    let (file, missing) = (file.display().to_string(), missing.display().to_string());
    let cases = [
        ops(
            "missing",
            &["start", "bot", "-c", "sleep 300", "-w", &missing],
        )
        .fails(
            3,
            "error: invalid working directory '[ROOT]/no-such-dir': does not exist\n",
        ),
        ops("a file", &["start", "bot", "-c", "sleep 300", "-w", &file]).fails(
            3,
            "error: invalid working directory '[ROOT]/file': is not a directory\n",
        ),
    ];
    check_all(&env, &cases);
    assert_nothing_started(&env, &[]);
}

#[test]
fn a_container_session_without_an_image_is_invalid_input() {
    // Exit 1 ("failed to start container session") today, without the file position.
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
    env.write_config("ops:\n  sessions:\n    web:\n      command: sleep 300\n");
    let not_found = "error: session 'nosuch' not found\nhint: `kstlib ops list` shows the sessions that exist\n";
    for args in [&["up", "nosuch"][..], &["down", "nosuch"]] {
        let run = env.ops(args);
        assert_eq!(run.code, Some(4), "{args:?}\n{run}");
        assert!(run.stderr.starts_with(not_found), "{args:?}\n{run}");
    }
    assert_nothing_started(&env, &[]);
}

#[test]
fn help_and_version_that_cannot_be_written_are_exit_1() {
    let env = TestEnv::new();
    for args in [
        &["--help"][..],
        &["--version"],
        &["ops", "--help"],
        &["ops", "start", "--help"],
    ] {
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
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).as_ref()
            ),
            (
                Some(1),
                "error: cannot write the output: No space left on device (os error 28)\n"
            ),
            "{args:?} > /dev/full"
        );
    }
}

#[test]
fn starting_with_a_tmux_binary_that_fails_is_unavailable_like_every_other_command() {
    // `status` says "tmux cannot be used" (5); `start` said "… failed" (1).
    let env = TestEnv::new();
    let cases = [ops("start", &["start", "bot", "-c", "sleep 300"])
        .config("ops:\n  tmux_binary: /bin/false\n")
        .fails(
            5,
            "error: tmux cannot be used: `/bin/false list-sessions` failed with exit code 1: '/bin/false' gave no reason\n",
        )];
    check_all(&env, &cases);
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
    for (args, shown) in [
        (
            vec!["ops", "start", "bot", "--config", config],
            " --> [ROOT]/ev\\u{202e}il\\u{1b}[31m/kstlib.conf.yml:2:3\n",
        ),
        (
            vec!["ops", "start", "bot", "--config", &missing],
            " --> [ROOT]/ev\\u{202e}il\\u{1b}[31m/missing.yml\n",
        ),
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, Some(3), "{run}");
        assert!(
            !run.stderr.contains(['\u{202e}', '\u{1b}']),
            "raw controls: {:?}",
            run.stderr
        );
        assert!(env.redact(&run.stderr).contains(shown), "{run}");
    }
}

#[test]
fn a_c1_control_in_the_config_is_not_printed_raw() {
    // Found by the fuzz target 'config': the snippet under an error shows the file's line
    // with C0 controls as control pictures, C1 controls (the CSI U+009B) raw.
    let env = TestEnv::new();
    env.write_config("ops:\n  bogus\u{9b}2J: 1\n");
    let run = env.ops(&["start", "bot"]);
    assert_eq!(run.code, Some(3), "{run}");
    assert!(
        !run.stderr.contains('\u{9b}'),
        "a raw CSI: {:?}",
        run.stderr
    );
}

#[test]
fn a_log_path_in_a_warning_is_escaped() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  log_dir: \"/proc/x\\u202e\"\n");
    let run = env.ops(&["start", "bot", "-c", "sleep 300"]);
    assert!(
        !run.stderr.contains('\u{202e}'),
        "a raw right-to-left override: {:?}",
        run.stderr
    );
}

#[test]
fn an_escaped_name_is_never_the_same_text_as_another_name() {
    // A backslash is shown as it is, so the name typed as `a\u{8}b` (six characters) and
    // the name with a real backspace look the same in every message and table.
    let env = TestEnv::new();
    let literal = env.ops(&["status", "a\\u{8}b"]);
    let control = env.ops(&["status", "a\u{8}b"]);
    let shown = |stderr: &str| stderr.split('\'').nth(1).unwrap_or("").to_owned();
    assert_ne!(
        shown(&literal.stderr),
        shown(&control.stderr),
        "{literal}\n{control}"
    );
}

// ---------------------------------------------------------------------------------------
// doctor tells the truth.

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
    let path = crate::hostile::lying_runtimes(&env, "what");
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
    let _hung = crate::env::HungEngine::new(&dir);
    let run = env.ops_with_env(&[("KSTLIB_BACKEND_TIMEOUT", "1".as_ref())], &["doctor"]);
    assert_ne!(run.code, Some(0), "a hung server is not a live one\n{run}");
    assert!(run.stdout.contains("hung.sock"), "{run}");
}
