//! The tmux backend through the CLI, against real tmux servers. Tests that pin an upstream
//! bug are named after it (numbers are sections of the upstream reference).

use std::time::{Duration, Instant};

use crate::env::TestEnv;
use crate::require_tmux;

/// A program that runs until it is asked to stop, and exits 0 on SIGINT.
const POLITE: &str = "sh -c 'trap \"exit 0\" INT; while :; do sleep 0.1; done'";

#[test]
fn start_status_logs_stop_round_trip() {
    require_tmux!();
    let env = TestEnv::new();
    let run = env.ops(&[
        "start",
        "dev",
        "-c",
        "sh -c 'echo hello from dev; exec sleep 300'",
    ]);
    run.success();
    assert!(
        run.stdout.starts_with("Session 'dev' started (tmux, pid "),
        "{run}"
    );
    assert_eq!(env.tmux_sessions(None), ["dev"]);

    let status = env.ops(&["status", "dev", "--json"]);
    status.success();
    let json = status.json();
    assert_eq!(json["name"], "dev");
    assert_eq!(json["state"], "running");
    assert_eq!(json["backend"], "tmux");
    assert_eq!(json["window_count"], 1);
    assert_eq!(json["socket_name"], serde_json::Value::Null);
    assert_eq!(json["origin"], "managed");
    // The program's PID (§11.13): `sleep` exec'd by the shell, not the tmux server.
    crate::env::assert_created_and_program(&json, "sleep");

    env.wait_for("output", || {
        env.ops(&["logs", "dev"]).stdout == "hello from dev\n"
    });
    let quiet = env.ops(&["status", "dev", "-q"]);
    assert_eq!(quiet.stdout, "dev: running\n");

    let table = env.ops(&["status", "dev"]);
    assert!(
        table.stdout.starts_with("Session: dev\n  State "),
        "{table}"
    );

    let stop = env.ops(&["stop", "dev", "--json"]);
    stop.success();
    let report = stop.json();
    // sleep dies of SIGINT at once: graceful, exit status 128 + 2.
    assert_eq!(report["method"], "graceful", "{stop}");
    assert_eq!(report["exit_code"], 130, "{stop}");
    assert!(env.tmux_sessions(None).is_empty());
    env.ops(&["status", "dev"]).code(4);
}

#[test]
fn tmux_prefix_match_does_not_stop_other_session() {
    // §11.1: `stop bot` killed `botprod` because tmux prefix-matches bare targets.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "botprod", "-c", "sleep 300"]).success();
    for command in ["stop", "status", "logs", "attach"] {
        let run = env.ops(&[command, "bot"]);
        run.code(4);
        assert!(run.stderr.contains("'bot' not found"), "{command}\n{run}");
    }
    assert_eq!(env.tmux_sessions(None), ["botprod"]);
    // And a new `bot` is not mistaken for an existing one.
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    let mut names = env.tmux_sessions(None);
    names.sort();
    assert_eq!(names, ["bot", "botprod"]);
}

#[test]
fn starting_a_running_session_again_is_refused() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "dup", "-c", "sleep 300"]).success();
    let run = env.ops(&["start", "dup", "-c", "sleep 300"]);
    run.code(1);
    assert!(
        run.stderr.contains("tmux session 'dup' already exists"),
        "{run}"
    );
    assert!(run.stderr.contains("hint: stop it first"), "{run}");
}

#[test]
fn a_program_that_exits_at_once_is_a_failed_start() {
    // §11.5: upstream said "tmux session 'x' not found".
    require_tmux!();
    let env = TestEnv::new();
    let run = env.ops(&[
        "start",
        "boom",
        "-c",
        "sh -c 'echo starting; echo cannot open config >&2; exit 3'",
    ]);
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: failed to start tmux session 'boom': the program exited right after starting (exit code 3)"
        ),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("  | starting\n  | cannot open config\n"),
        "{run}"
    );
    // Nothing is left behind.
    assert!(env.tmux_sessions(None).is_empty());
    env.ops(&["status", "boom"]).code(4);
}

#[test]
fn a_missing_program_is_a_failed_start_that_says_so() {
    require_tmux!();
    let env = TestEnv::new();
    let run = env.ops(&["start", "typo", "-c", "pyhton3 app.py"]);
    run.code(1);
    assert!(
        run.stderr.contains("'pyhton3' was not found on PATH"),
        "{run}"
    );
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn a_program_that_ends_later_stays_as_exited_with_its_code() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "job",
        "-c",
        "sh -c 'echo working; sleep 2; echo done; exit 7'",
    ])
    .success();
    env.wait_for("exit", || {
        env.ops(&["status", "job", "-q"]).stdout == "job: exited\n"
    });
    let json = env.ops(&["status", "job", "--json"]).json();
    assert_eq!(json["exit_code"], 7);
    assert_eq!(json["pid"], serde_json::Value::Null);
    // Its output outlives it, without tmux's "Pane is dead" line.
    assert_eq!(env.ops(&["logs", "job"]).stdout, "working\ndone\n");
    let list = env.ops(&["list", "--json", "-b", "tmux"]).json();
    assert_eq!(list[0]["state"], "exited");
    assert_eq!(list[0]["exit_code"], 7);
    // Attaching to it makes no sense; the error says where its output is.
    let attach = env.ops(&["attach", "job"]);
    attach.code(1);
    assert!(
        attach.stderr.contains("not running (exit code 7)"),
        "{attach}"
    );
    // stop removes it.
    let stop = env.ops(&["stop", "job"]);
    stop.success();
    assert_eq!(
        stop.stdout,
        "Session 'job' had already exited (exit code 7).\n"
    );
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn starting_an_exited_session_starts_it_again() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "again", "-c", "sh -c 'sleep 2; exit 1'"])
        .success();
    env.wait_for("exit", || {
        env.ops(&["status", "again", "-q"]).stdout == "again: exited\n"
    });
    env.ops(&["start", "again", "-c", "sleep 300"]).success();
    assert_eq!(
        env.ops(&["status", "again", "-q"]).stdout,
        "again: running\n"
    );
}

#[test]
fn graceful_stop_waits_for_the_program() {
    // §11.6: upstream sent C-c and killed the session at once, ignoring the timeout.
    require_tmux!();
    let env = TestEnv::new();
    let slow = "sh -c 'trap \"sleep 1; echo bye; exit 0\" INT; while :; do sleep 0.1; done'";
    env.ops(&["start", "slow", "-c", slow]).success();
    let started = Instant::now();
    let run = env.ops(&["stop", "slow", "--timeout", "5", "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "graceful", "{run}");
    assert_eq!(report["signal"], "SIGINT");
    assert_eq!(report["exit_code"], 0);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "it waited for the trap"
    );
}

#[test]
fn a_program_that_ignores_the_signal_is_killed_after_the_timeout() {
    require_tmux!();
    let env = TestEnv::new();
    // An ignored signal stays ignored across exec, so `sleep` ignores SIGINT too.
    env.ops(&[
        "start",
        "stubborn",
        "-c",
        "sh -c 'trap \"\" INT; sleep 300'",
    ])
    .success();
    let pid = env.ops(&["status", "stubborn", "--json"]).json()["pid"]
        .as_u64()
        .expect("pid");
    let run = env.ops(&["stop", "stubborn", "--timeout", "0.5"]);
    run.success();
    assert!(
        run.stdout
            .contains("did not stop on SIGINT within the timeout and was killed"),
        "{run}"
    );
    // No orphan survives (kill-session alone only sends SIGHUP): the program is gone, or
    // a zombie that tmux has not reaped yet.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat
        .rsplit(')')
        .next()
        .and_then(|rest| rest.split_whitespace().next());
    assert!(matches!(state, None | Some("Z")), "still running: {stat}");
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn force_kills_at_once_and_stop_signal_is_configurable() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "f", "-c", "sh -c 'trap \"\" INT TERM; sleep 300'"])
        .success();
    let run = env.ops(&["stop", "f", "--force", "--json"]);
    run.success();
    assert_eq!(run.json()["method"], "forced");

    let term = "sh -c 'trap \"\" INT; trap \"exit 4\" TERM; while :; do sleep 0.1; done'";
    env.ops(&["start", "t", "-c", term, "--stop-signal", "TERM"])
        .success();
    let run = env.ops(&["stop", "t", "--timeout", "5", "--json"]);
    let report = run.json();
    assert_eq!(report["method"], "graceful", "{run}");
    assert_eq!(report["signal"], "SIGTERM");
    assert_eq!(report["exit_code"], 4);
}

#[test]
fn logs_n_prints_exactly_the_last_n_lines() {
    // §11.9: upstream printed N history lines plus the whole 24-row screen.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "count",
        "-c",
        "sh -c 'i=1; while [ $i -le 60 ]; do echo line $i; i=$((i+1)); done; exec sleep 300'",
    ])
    .success();
    env.wait_for("output", || {
        env.ops(&["logs", "count", "-n", "1"]).stdout == "line 60\n"
    });
    assert_eq!(
        env.ops(&["logs", "count", "-n", "3"]).stdout,
        "line 58\nline 59\nline 60\n"
    );
    let all = env.ops(&["logs", "count"]).stdout;
    assert_eq!(all.lines().count(), 60);
    assert!(all.starts_with("line 1\n"));
}

#[test]
fn logs_join_wrapped_lines_and_keep_colours_on_request() {
    require_tmux!();
    let env = TestEnv::new();
    let long = "x".repeat(200);
    let script = format!("printf '\\033[31mred\\033[0m {long}\\n'; exec sleep 300");
    env.ops(&["start", "wide", "-c", &format!("sh -c \"{script}\"")])
        .success();
    env.wait_for("output", || !env.ops(&["logs", "wide"]).stdout.is_empty());
    assert_eq!(env.ops(&["logs", "wide"]).stdout, format!("red {long}\n"));
    let ansi = env.ops(&["logs", "wide", "--ansi"]).stdout;
    assert!(ansi.contains("\u{1b}[31mred"), "{ansi:?}");
}

#[test]
fn commands_are_not_run_by_a_shell() {
    // §11.26: upstream's tmux commands went through `sh -c`, so its blocklist was
    // bypassable with a newline or `&`. Here the words reach the program as they are.
    require_tmux!();
    let env = TestEnv::new();
    let marker = env.root().join("pwned");
    let command = format!("printf '%s|' $HOME '&&' touch {} ';' a;", marker.display());
    env.ops(&["start", "lit", "-c", &format!("{command} sleep")])
        .code(1);
    assert!(!marker.exists());
    let run = env.ops(&[
        "start",
        "lit",
        "-c",
        &format!(
            "sh -c 'printf \"%s|\" \"$@\"; exec sleep 300' sh $HOME '&&' touch {} ';' a;",
            marker.display()
        ),
    ]);
    run.success();
    env.wait_for("output", || !env.ops(&["logs", "lit"]).stdout.is_empty());
    assert_eq!(
        env.ops(&["logs", "lit"]).stdout,
        format!("$HOME|&&|touch|{}|;|a;|\n", marker.display())
    );
    assert!(!marker.exists());
}

#[test]
fn one_word_commands_run_without_a_shell_too() {
    require_tmux!();
    let env = TestEnv::new();
    // As one argument, tmux would hand `sleep;id` to `sh -c`.
    let run = env.ops(&["start", "one", "-c", "'sleep;id'"]);
    run.code(1);
    assert!(
        run.stderr.contains("'sleep;id' was not found on PATH"),
        "{run}"
    );
}

#[test]
fn socket_option_targets_that_server_everywhere() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "orion", "-L", "orion", "-c", "sleep 300"])
        .success();
    assert_eq!(env.tmux_sessions(Some("orion")), ["orion"]);
    assert!(env.tmux_sessions(None).is_empty());
    // Found without --socket: every live socket is searched.
    let json = env.ops(&["status", "orion", "--json"]).json();
    assert_eq!(json["socket_name"], "orion");
    let list = env.ops(&["list", "--json", "-b", "tmux"]).json();
    assert_eq!(list[0]["socket_name"], "orion");
    env.ops(&["stop", "orion", "-L", "orion"]).success();
    assert!(env.tmux_sessions(Some("orion")).is_empty());
}

#[test]
fn socket_paths_work_like_socket_names() {
    require_tmux!();
    let env = TestEnv::new();
    let socket = env.root().join("s.sock");
    let socket = socket.to_str().expect("utf-8");
    env.ops(&["start", "p", "-S", socket, "-c", "sleep 300"])
        .success();
    let out = env.tmux(&["-S", socket, "has-session", "-t", "=p"]);
    assert!(out.status.success());
    assert_eq!(
        env.ops(&["status", "p", "-S", socket, "-q"]).stdout,
        "p: running\n"
    );
    env.ops(&["stop", "p", "-S", socket]).success();
}

#[test]
fn the_same_name_on_two_servers_is_ambiguous() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "twin", "-c", "sleep 300"]).success();
    env.ops(&["start", "twin", "-L", "other", "-c", "sleep 300"])
        .success();
    let run = env.ops(&["stop", "twin"]);
    run.code(3);
    assert!(
        run.stderr
            .contains("session 'twin' found in several places: tmux, tmux -L other"),
        "{run}"
    );
    env.ops(&["stop", "twin", "-L", "other"]).success();
    env.ops(&["stop", "twin"]).success();
}

#[test]
fn list_shows_foreign_sessions_and_skips_dead_sockets() {
    // §11.22: discovery honours TMUX_TMPDIR and ignores stale sockets.
    require_tmux!();
    let env = TestEnv::new();
    assert!(
        env.tmux(&["new-session", "-d", "-s", "byhand", "sleep 300"])
            .status
            .success()
    );
    assert!(
        env.tmux(&["-L", "gone", "new-session", "-d", "-s", "x", "sleep 300"])
            .status
            .success()
    );
    // Kill the server hard: its socket file stays behind.
    let pid = String::from_utf8_lossy(
        &env.tmux(&["-L", "gone", "display-message", "-p", "#{pid}"])
            .stdout,
    )
    .trim()
    .to_owned();
    assert!(
        std::process::Command::new("kill")
            .args(["-9", &pid])
            .status()
            .expect("kill")
            .success()
    );
    env.ops(&["start", "mine", "-c", "sleep 300"]).success();
    let run = env.ops(&["list", "-b", "tmux"]);
    run.success();
    assert!(run.stderr.is_empty(), "no warning for a dead socket\n{run}");
    let list = env.ops(&["list", "--json", "-b", "tmux"]).json();
    let rows: Vec<(String, String)> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|row| {
            (
                row["name"].as_str().unwrap_or("").to_owned(),
                row["origin"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("byhand".to_owned(), "foreign".to_owned()),
            ("mine".to_owned(), "managed".to_owned())
        ]
    );
}

#[test]
fn foreign_sessions_can_be_stopped_and_logged() {
    require_tmux!();
    let env = TestEnv::new();
    assert!(
        env.tmux(&[
            "new-session",
            "-d",
            "-s",
            "hand",
            "sh -c 'echo by hand; exec sleep 300'"
        ])
        .status
        .success()
    );
    env.wait_for("output", || {
        env.ops(&["logs", "hand"]).stdout == "by hand\n"
    });
    env.ops(&["stop", "hand"]).success();
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn piping_into_head_is_not_an_error() {
    require_tmux!();
    let env = TestEnv::new();
    for i in 0..3 {
        env.ops(&[
            "start",
            &format!("s{i}"),
            "-c",
            "sh -c 'echo hi; exec sleep 300'",
        ])
        .success();
    }
    let mut child = env
        .command()
        .args(["ops", "logs", "s0", "--follow"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Once its first line is read, the follower has found the session: stopping it now
    // cannot race the follower's own lookup (which would end in "not found", exit 4).
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 3];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("first line");
    assert_eq!(&first, b"hi\n");
    drop(stdout);
    env.ops(&["stop", "s0"]).success();
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' ops list | head -1",
            env!("CARGO_BIN_EXE_kstlib")
        ))
        .env("TMUX_TMPDIR", &env.tmux_tmpdir)
        .env("HOME", &env.home)
        .current_dir(&env.cwd)
        .output()
        .expect("sh");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}

#[test]
fn the_environment_and_working_directory_reach_the_program() {
    require_tmux!();
    let env = TestEnv::new();
    let dir = env.root().join("bots");
    std::fs::create_dir_all(&dir).expect("mkdir");
    env.ops(&[
        "start",
        "envy",
        "-w",
        dir.to_str().expect("utf-8"),
        "-e",
        "BOT_MODE=paper",
        "-e",
        "MULTI=a b",
        "-c",
        "sh -c 'echo $BOT_MODE/$MULTI/$(pwd); exec sleep 300'",
    ])
    .success();
    env.wait_for("output", || !env.ops(&["logs", "envy"]).stdout.is_empty());
    assert_eq!(
        env.ops(&["logs", "envy"]).stdout,
        format!("paper/a b/{}\n", dir.display())
    );
    let run = env.ops(&["start", "nowhere", "-w", "/no/such/dir", "-c", "sleep 1"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("working directory '/no/such/dir' does not exist"),
        "{run}"
    );
}

#[test]
fn follow_prints_new_lines_until_the_session_ends() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "tick",
        "-c",
        "sh -c 'for i in 1 2 3 4; do echo tick $i; sleep 0.4; done'",
    ])
    .success();
    let run = env.ops(&["logs", "tick", "--follow", "-n", "1"]);
    run.success();
    assert!(run.stdout.ends_with("tick 3\ntick 4\n"), "{run}");
    assert!(
        run.stdout.starts_with("tick 1\n") || run.stdout.starts_with("tick 2\n"),
        "{run}"
    );
}

#[test]
fn polite_programs_exit_zero_on_stop() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "polite", "-c", POLITE]).success();
    let run = env.ops(&["stop", "polite", "-q"]);
    assert_eq!(run.stdout, "polite: graceful\n");
}
