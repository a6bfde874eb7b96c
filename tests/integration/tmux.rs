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
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    Session 'dev' started (tmux, pid [PID]).
    --- stderr
    [EOF]
    ");
    assert_eq!(env.tmux_sessions(None), ["dev"]);

    let status = env.ops(&["status", "dev", "--json"]);
    insta::assert_snapshot!(status, @r#"
    exit: 0
    --- stdout
    {
      "name": "dev",
      "state": "running",
      "backend": "tmux",
      "pid": [PID],
      "created_at": "[TIMESTAMP]",
      "window_count": 1,
      "socket_name": null,
      "image": null,
      "exit_code": null,
      "socket_path": "[ROOT]/t/tmux-[UID]/default",
      "runtime": null,
      "id": null,
      "origin": "managed",
      "exit_signal": null,
      "ports": [],
      "detail": null,
      "drift": null,
      "host": null
    }
    --- stderr
    [EOF]
    "#);
    // The program's PID (§11.13): `sleep` exec'd by the shell, not the tmux server.
    crate::env::assert_created_and_program(&status.json(), "sleep");

    env.wait_for("output", || {
        env.ops(&["logs", "dev"]).stdout == "hello from dev\n"
    });
    let quiet = env.ops(&["status", "dev", "-q"]);
    assert_eq!(quiet.stdout, "dev: running\n");

    insta::assert_snapshot!(env.ops(&["status", "dev"]), @"
    exit: 0
    --- stdout
    Session: dev
      State    running
      Backend  tmux
      PID      [PID]
      Created  [TIMESTAMP]
      Windows  1
      Origin   managed
    --- stderr
    [EOF]
    ");

    // sleep dies of SIGINT at once: graceful, exit status 128 + 2.
    insta::assert_snapshot!(env.ops(&["stop", "dev", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "dev",
      "backend": "tmux",
      "method": "graceful",
      "signal": "SIGINT",
      "exit_code": 130,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    assert!(env.tmux_sessions(None).is_empty());
    insta::assert_snapshot!(env.ops(&["status", "dev"]), @"
    exit: 4
    --- stdout
    --- stderr
    error: session 'dev' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    ");
}

#[test]
fn tmux_prefix_match_does_not_stop_other_session() {
    // §11.1: `stop bot` killed `botprod` because tmux prefix-matches bare targets.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "botprod", "-c", "sleep 300"]).success();
    insta::assert_snapshot!(env.ops_each(&[
        &["stop", "bot"],
        &["status", "bot"],
        &["logs", "bot"],
        &["attach", "bot"],
    ]), @"
    $ kstlib ops stop bot
    exit: 4
    --- stdout
    --- stderr
    error: session 'bot' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    $ kstlib ops status bot
    exit: 4
    --- stdout
    --- stderr
    error: session 'bot' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    $ kstlib ops logs bot
    exit: 4
    --- stdout
    --- stderr
    error: session 'bot' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    $ kstlib ops attach bot
    exit: 4
    --- stdout
    --- stderr
    error: session 'bot' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    ");
    assert_eq!(env.tmux_sessions(None), ["botprod"]);
    // And a new `bot` is not mistaken for an existing one.
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    let mut names = env.tmux_sessions(None);
    names.sort();
    assert_eq!(names, ["bot", "botprod"]);
}

/// Without a UTF-8 locale (cron, systemd, `env -i`, a container without `LANG`), tmux
/// writes the tabs of its `-F` output as `_`: every session looked dead, and each start
/// failed with "exited right after starting".
#[test]
fn a_c_locale_does_not_blind_kstlib_to_its_sessions() {
    require_tmux!();
    let env = TestEnv::new();
    let c = std::ffi::OsStr::new("C");
    let ops = |args: &[&str]| env.ops_with_env(&[("LANG", c), ("LC_ALL", c)], args);
    insta::assert_snapshot!(ops(&["start", "plain", "-c", "sleep 300"]), @"
    exit: 0
    --- stdout
    Session 'plain' started (tmux, pid [PID]).
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(ops(&["status", "plain", "-q"]), @"
    exit: 0
    --- stdout
    plain: running
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(ops(&["list", "-q", "-b", "tmux"]), @"
    exit: 0
    --- stdout
    plain
    --- stderr
    [EOF]
    ");
    ops(&["stop", "plain", "-t", "1"]).success();
}

#[test]
fn starting_a_running_session_again_is_refused() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "dup", "-c", "sleep 300"]).success();
    insta::assert_snapshot!(env.ops(&["start", "dup", "-c", "sleep 300"]), @"
    exit: 1
    --- stdout
    --- stderr
    error: tmux session 'dup' already exists
    hint: stop it first with `kstlib ops stop dup`, or attach with `kstlib ops attach dup`
    [EOF]
    ");
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
    insta::assert_snapshot!(run, @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start tmux session 'boom': the program exited right after starting (exit code 3)
    last output:
      | starting
      | cannot open config
    [EOF]
    ");
    // Nothing is left behind.
    assert!(env.tmux_sessions(None).is_empty());
    env.ops(&["status", "boom"]).code(4);
}

#[test]
fn the_start_grace_decides_how_late_an_exit_is_a_failed_start() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(concat!(
        "ops:\n",
        "  start_grace: 4\n",
        "  sessions:\n",
        "    late:\n",
        "      command: sh -c 'sleep 1; echo gave up; exit 3'\n",
        "    unwatched:\n",
        "      start_grace: 0\n",
        "      command: sh -c 'sleep 3; exit 3'\n",
    ));
    // Ends after 1 s, within the 4 s of `ops.start_grace`: a failed start.
    insta::assert_snapshot!(env.ops(&["start", "late"]), @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start tmux session 'late': the program exited right after starting (exit code 3)
    last output:
      | gave up
    [EOF]
    ");
    // Not watched at all: it runs when `start` returns, and ends later.
    insta::assert_snapshot!(env.ops(&["start", "unwatched", "--quiet"]), @"
    exit: 0
    --- stdout
    unwatched: running
    --- stderr
    [EOF]
    ");
    assert!(env.tmux_sessions(None).iter().any(|s| s == "unwatched"));
}

#[test]
fn a_missing_program_is_a_failed_start_that_says_so() {
    require_tmux!();
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops(&["start", "typo", "-c", "pyhton3 app.py"]), @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start tmux session 'typo': the program exited right after starting (exit code 1); 'pyhton3' was not found on PATH
    [EOF]
    ");
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
    insta::assert_snapshot!(env.ops(&["status", "job", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "job",
      "state": "exited",
      "backend": "tmux",
      "pid": null,
      "created_at": "[TIMESTAMP]",
      "window_count": 1,
      "socket_name": null,
      "image": null,
      "exit_code": 7,
      "socket_path": "[ROOT]/t/tmux-[UID]/default",
      "runtime": null,
      "id": null,
      "origin": "managed",
      "exit_signal": null,
      "ports": [],
      "detail": null,
      "drift": null,
      "host": null
    }
    --- stderr
    [EOF]
    "#);
    // Its output outlives it, without tmux's "Pane is dead" line.
    assert_eq!(env.ops(&["logs", "job"]).stdout, "working\ndone\n");
    // Attaching to it makes no sense; the error says where its output is. stop removes it.
    insta::assert_snapshot!(env.ops_each(&[
        &["list", "-b", "tmux"],
        &["attach", "job"],
        &["stop", "job"],
    ]), @"
    $ kstlib ops list -b tmux
    exit: 0
    --- stdout
    NAME  STATE       BACKEND  CREATED  ORIGIN
    job   exited (7)  tmux     [AGO]    managed
    --- stderr
    [EOF]
    $ kstlib ops attach job
    exit: 1
    --- stdout
    --- stderr
    error: tmux session 'job' is not running (exit code 7)
    last output:
      | working
      | done
    hint: `kstlib ops logs job` shows its last output
    [EOF]
    $ kstlib ops stop job
    exit: 0
    --- stdout
    Session 'job' had already exited (exit code 7).
    --- stderr
    [EOF]
    ");
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
    insta::assert_snapshot!(env.ops(&["stop", "slow", "--timeout", "5", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "slow",
      "backend": "tmux",
      "method": "graceful",
      "signal": "SIGINT",
      "exit_code": 0,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
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
    insta::assert_snapshot!(env.ops(&["stop", "stubborn", "--timeout", "0.5"]), @"
    exit: 0
    --- stdout
    Session 'stubborn' did not stop on SIGINT within the timeout and was killed ([TIME]).
    --- stderr
    [EOF]
    ");
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
    env.wait_for_server_exit(None);
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "f",
      "backend": "tmux",
      "method": "forced",
      "signal": "SIGKILL",
      "exit_code": 137,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);

    let term = "sh -c 'trap \"\" INT; trap \"exit 4\" TERM; while :; do sleep 0.1; done'";
    env.ops(&["start", "t", "-c", term, "--stop-signal", "TERM"])
        .success();
    insta::assert_snapshot!(env.ops(&["stop", "t", "--timeout", "5", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "t",
      "backend": "tmux",
      "method": "graceful",
      "signal": "SIGTERM",
      "exit_code": 4,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
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
    let all: String = (1..=60).map(|i| format!("line {i}\n")).collect();
    assert_eq!(env.ops(&["logs", "count"]).stdout, all);
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
    // From the log file, as the program wrote them (`ESC [0m`, where the pane would have
    // tmux's own `ESC [39m`).
    insta::assert_snapshot!(env.ops(&["logs", "wide", "--ansi"]), @r"
    exit: 0
    --- stdout
    \u{1b}[31mred\u{1b}[0m xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    --- stderr
    [EOF]
    ");
}

#[test]
fn commands_are_not_run_by_a_shell() {
    // §11.26: upstream's tmux commands went through `sh -c`, so its blocklist was
    // bypassable with a newline or `&`. Here the words reach the program as they are.
    require_tmux!();
    let env = TestEnv::new();
    let marker = env.root().join("pwned");
    let command = format!("printf '%s|' $HOME '&&' touch {} ';' a;", marker.display());
    let mut run = env.ops(&["start", "lit", "-c", &format!("{command} sleep")]);
    // What follows `last output:` is left out: a program this quick may be gone before
    // tmux has read what it wrote, and then kstlib shows no output (a race, reported).
    run.stderr = run
        .stderr
        .split_inclusive('\n')
        .take_while(|line| *line != "last output:\n")
        .collect();
    insta::assert_snapshot!(run, @r"
    exit: 1
    --- stdout
    --- stderr
    warning: '$HOME' is passed to 'printf' as a plain argument, because commands run without a shell; to use shell syntax, write: sh -c 'printf '\''%s|'\'' $HOME && touch [ROOT]/pwned ; '\''a;'\'' sleep'
    error: failed to start tmux session 'lit': the program exited right after starting (exit code 0)
    [EOF]
    ");
    assert!(!marker.exists());
    env.wait_for_server_exit(None);
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
    // `env` quotes the name as the locale says (LANG is passed through): ‘…’ or '…'.
    env.redact_as("‘sleep;id’", "'sleep;id'");
    insta::assert_snapshot!(env.ops(&["start", "one", "-c", "'sleep;id'"]), @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start tmux session 'one': the program exited right after starting (exit code 127); 'sleep;id' was not found on PATH
    last output:
      | env: 'sleep;id': No such file or directory
    [EOF]
    ");
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
    insta::assert_snapshot!(env.ops_each(&[&["status", "orion"], &["list", "-b", "tmux"]]), @"
    $ kstlib ops status orion
    exit: 0
    --- stdout
    Session: orion
      State    running
      Backend  tmux
      PID      [PID]
      Created  [TIMESTAMP]
      Windows  1
      Socket   orion
      Origin   managed
    --- stderr
    [EOF]
    $ kstlib ops list -b tmux
    exit: 0
    --- stdout
    NAME   STATE    BACKEND  SOCKET  PID    CREATED  ORIGIN
    orion  running  tmux     orion   [PID]  [AGO]    managed
    --- stderr
    [EOF]
    ");
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
    insta::assert_snapshot!(env.ops(&["stop", "twin"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'twin' found in several places: tmux, tmux -L other
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    ");
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
    // No warning for the dead socket.
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 0
    --- stdout
    NAME    STATE    BACKEND  PID    CREATED  ORIGIN
    mine    running  tmux     [PID]  [AGO]    managed
    byhand  running  tmux     [PID]  [AGO]    foreign
    --- stderr
    [EOF]
    ");
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
    insta::assert_snapshot!(run, @"
    exit: 3
    --- stdout
    --- stderr
    error: invalid working directory '/no/such/dir': is not a directory on this host
      |
      = help: create it first: tmux would silently start the session elsewhere
    [EOF]
    ");
}

#[test]
fn follow_prints_new_lines_until_the_session_ends() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::sync::mpsc;
    use wait_timeout::ChildExt;

    require_tmux!();
    let env = TestEnv::new();
    // The program goes on only when the test says so: `--follow` is known to be running
    // before the new lines come, however slow the machine (timed ticks made this flaky).
    let go = env.root().join("go");
    let program = format!(
        "sh -c 'echo tick 1; while [ ! -e {} ]; do sleep 0.1; done; echo tick 2; echo tick 3'",
        go.display()
    );
    env.ops(&["start", "tick", "-c", &program]).success();
    let mut child = env
        .command()
        .args(["ops", "logs", "tick", "--follow", "-n", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn kstlib");
    // Lines arrive through a channel, so that a `--follow` that never ends fails the test
    // instead of hanging it.
    let stdout = child.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.expect("utf-8")).is_err() {
                break;
            }
        }
    });
    let limit = Duration::from_secs(10);
    assert_eq!(received.recv_timeout(limit).as_deref(), Ok("tick 1"));
    assert!(child.try_wait().expect("try_wait").is_none(), "ended early");
    std::fs::write(&go, "").expect("write go");
    assert_eq!(received.recv_timeout(limit).as_deref(), Ok("tick 2"));
    assert_eq!(received.recv_timeout(limit).as_deref(), Ok("tick 3"));
    // Then the program ends, and so does `--follow` (its stdout closes).
    assert_eq!(
        received.recv_timeout(limit),
        Err(mpsc::RecvTimeoutError::Disconnected)
    );
    let status = child.wait_timeout(limit).expect("wait").expect("exited");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn polite_programs_exit_zero_on_stop() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "polite", "-c", POLITE]).success();
    let run = env.ops(&["stop", "polite", "-q"]);
    assert_eq!(run.stdout, "polite: graceful\n");
}

#[test]
fn stop_leaves_no_process_of_the_pane_behind() {
    // A job in a process group of its own (`set -m`) outlived a stop that said "killed":
    // the ladder signalled the program's group only.
    require_tmux!();
    let env = TestEnv::new();
    let pid_of = |tag: &str| {
        let out = std::process::Command::new("pgrep")
            .args(["-f", &format!("sleep {tag}")])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    env.ops(&[
        "start",
        "deaf",
        "-c",
        "sh -c 'set -m; trap \"\" INT TERM; sleep 1041 & wait'",
    ])
    .success();
    env.wait_for("the job", || !pid_of("1041").is_empty());
    insta::assert_snapshot!(env.ops(&["stop", "deaf", "-t", "0.5"]), @"
    exit: 0
    --- stdout
    Session 'deaf' did not stop on SIGINT within the timeout and was killed ([TIME]).
    --- stderr
    [EOF]
    ");
    env.wait_for("the job gone", || pid_of("1041").is_empty());
    // The program ends on its signal, its background job does not: it goes too, and
    // the report says so.
    env.ops(&[
        "start",
        "parent",
        "-c",
        "sh -c 'set -m; sleep 1043 & exec sleep 300'",
    ])
    .success();
    env.wait_for("the job", || !pid_of("1043").is_empty());
    insta::assert_snapshot!(env.ops(&["stop", "parent"]), @"
    exit: 0
    --- stdout
    Session 'parent' stopped on SIGINT in [TIME] (exit code 130). 1 other process of its session was still running and was killed.
    --- stderr
    [EOF]
    ");
    env.wait_for("the job gone", || pid_of("1043").is_empty());
}

#[test]
fn concurrent_stops_of_one_session_never_fail() {
    // 8 at once: 22 of 64 calls exited 1 with tmux's raw "no current target".
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "race", "-c", POLITE]).success();
    let stops: Vec<_> = (0..8)
        .map(|_| {
            env.command()
                .args(["ops", "stop", "race", "-q"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("kstlib stop")
        })
        .collect();
    for stop in stops {
        let run = env.to_run(stop.wait_with_output().expect("kstlib ends"));
        let stopped = run.code == Some(0)
            && [
                "race: graceful\n",
                "race: already_exited\n",
                "race: already_stopped\n",
            ]
            .contains(&run.stdout.as_str())
            && run.stderr.is_empty();
        let gone = run.code == Some(4) && run.stderr.starts_with("error: session 'race' not found");
        assert!(stopped || gone, "{run}");
    }
    assert!(env.tmux_sessions(None).is_empty());
}
