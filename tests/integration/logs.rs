//! Persistent logs: what a program printed outlives it, its tmux server and `stop`, on
//! both backends; files are capped and rotated; `--follow` follows them across a rotation;
//! `--since` filters by the time lines were written.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::env::{Rt, TestEnv};
use crate::{on_both_runtimes, require_tmux};

on_both_runtimes!(
    a_removed_container_leaves_its_output_in_its_log,
    since_asks_the_engine_and_filters_a_saved_log,
);

/// Where this test's tmux logs are: `~/.local/state/kstlib/logs/tmux/<socket key>`.
fn tmux_logs(env: &TestEnv, socket: &str) -> PathBuf {
    env.home.join(".local/state/kstlib/logs/tmux").join(socket)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Waits until `kstlib ops status NAME -q` says `state`.
fn wait_state(env: &TestEnv, name: &str, state: &str) {
    let expected = format!("{name}: {state}\n");
    env.wait_for(state, || {
        env.ops(&["status", name, "-q"]).stdout == expected
    });
}

#[test]
fn a_crashed_program_keeps_its_last_lines_through_stop() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "crash",
        "-c",
        "sh -c 'echo starting; echo working; sleep 1; echo about to fail >&2; exit 3'",
    ])
    .success();
    wait_state(&env, "crash", "exited");
    insta::assert_snapshot!(env.ops_each(&[
        &["logs", "crash"],
        &["stop", "crash"],
        &["logs", "crash"],
        &["logs", "crash", "-n", "2"],
        &["status", "crash"],
    ]), @"
    $ kstlib ops logs crash
    exit: 0
    --- stdout
    starting
    working
    about to fail
    --- stderr
    [EOF]
    $ kstlib ops stop crash
    exit: 0
    --- stdout
    Session 'crash' had already exited (exit code 3).
    --- stderr
    [EOF]
    $ kstlib ops logs crash
    exit: 0
    --- stdout
    starting
    working
    about to fail
    [kstlib] exited with code 3 at [TIMESTAMP]
    --- stderr
    note: session 'crash' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/tmux/default/crash.log), last written [TIMESTAMP].
    [EOF]
    $ kstlib ops logs crash -n 2
    exit: 0
    --- stdout
    about to fail
    [kstlib] exited with code 3 at [TIMESTAMP]
    --- stderr
    note: session 'crash' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/tmux/default/crash.log), last written [TIMESTAMP].
    [EOF]
    $ kstlib ops status crash
    exit: 4
    --- stdout
    --- stderr
    error: session 'crash' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    ");
    // The log is private: a 0700 directory, a 0600 file.
    let dir = tmux_logs(&env, "default");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&env.home.join(".local/state/kstlib/logs")), 0o700);
    assert_eq!(mode(&dir.join("crash.log")), 0o600);
}

#[test]
fn a_stopped_program_keeps_what_it_said_on_its_way_out() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "polite",
        "-c",
        "sh -c 'trap \"echo bye; exit 0\" INT; echo hello; while :; do sleep 0.1; done'",
    ])
    .success();
    env.wait_for("hello", || env.ops(&["logs", "polite"]).stdout == "hello\n");
    insta::assert_snapshot!(env.ops_each(&[&["stop", "polite"], &["logs", "polite"]]), @"
    $ kstlib ops stop polite
    exit: 0
    --- stdout
    Session 'polite' stopped on SIGINT in [TIME] (exit code 0).
    --- stderr
    [EOF]
    $ kstlib ops logs polite
    exit: 0
    --- stdout
    hello
    bye
    [kstlib] exited with code 0 at [TIMESTAMP]
    --- stderr
    note: session 'polite' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/tmux/default/polite.log), last written [TIMESTAMP].
    [EOF]
    ");
}

#[test]
fn a_declared_session_that_is_defined_again_shows_its_last_run() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(
        "ops:\n  sessions:\n    bot:\n      command: sh -c 'echo from the config; exec sleep 300'\n",
    );
    env.ops(&["start", "bot"]).success();
    env.wait_for("output", || {
        env.ops(&["logs", "bot"]).stdout == "from the config\n"
    });
    env.ops(&["stop", "bot"]).success();
    insta::assert_snapshot!(env.ops_each(&[&["status", "bot", "-q"], &["logs", "bot"]]), @"
    $ kstlib ops status bot -q
    exit: 0
    --- stdout
    bot: defined
    --- stderr
    [EOF]
    $ kstlib ops logs bot
    exit: 0
    --- stdout
    from the config
    [kstlib] killed by SIGINT at [TIMESTAMP]
    --- stderr
    note: session 'bot' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/tmux/default/bot.log), last written [TIMESTAMP].
    [EOF]
    ");
}

#[test]
fn logs_survive_tmux_kill_server() {
    require_tmux!();
    let env = TestEnv::new();
    // A program that crashes, on a server of its own, then the whole server goes.
    env.ops(&[
        "start",
        "bot",
        "-L",
        "bots",
        "-c",
        "sh -c 'echo trade 1; echo trade 2; sleep 1; kill -SEGV $$'",
    ])
    .success();
    wait_state(&env, "bot", "exited");
    assert!(env.tmux(&["-L", "bots", "kill-server"]).status.success());
    // Found without --socket (every server's logs are looked at) and with it; not on
    // another server.
    insta::assert_snapshot!(env.ops_each(&[
        &["logs", "bot"],
        &["logs", "bot", "-L", "bots", "-n", "1"],
        &["logs", "bot", "-L", "other"],
        &["status", "bot"],
    ]), @"
    $ kstlib ops logs bot
    exit: 0
    --- stdout
    trade 1
    trade 2
    --- stderr
    note: session 'bot' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/tmux/bots/bot.log), last written [TIMESTAMP].
    [EOF]
    $ kstlib ops logs bot -L bots -n 1
    exit: 0
    --- stdout
    trade 2
    --- stderr
    note: session 'bot' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/tmux/bots/bot.log), last written [TIMESTAMP].
    [EOF]
    $ kstlib ops logs bot -L other
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
    ");
}

#[test]
fn rotation_keeps_the_cap_and_the_newest_lines() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  log_max_size: 4KiB\n");
    // 400 lines of 40 bytes with their stamps: four times the cap.
    env.ops(&[
        "start",
        "chatty",
        "-c",
        "sh -c 'i=100; while [ $i -lt 500 ]; do echo line $i; i=$((i+1)); done; exec sleep 300'",
    ])
    .success();
    env.wait_for("the last line", || {
        env.ops(&["logs", "chatty", "-n", "1"]).stdout == "line 499\n"
    });
    let dir = tmux_logs(&env, "default");
    for file in ["chatty.log", "chatty.log.1"] {
        let size = std::fs::metadata(dir.join(file)).expect(file).len();
        assert!(size <= 4096, "{file}: {size} bytes");
    }
    assert_eq!(
        env.ops(&["logs", "chatty", "-n", "3"]).stdout,
        "line 497\nline 498\nline 499\n"
    );
    // All that is kept: the newest lines, none missing, across both files.
    let kept = env.ops(&["logs", "chatty", "-n", "1000"]).stdout;
    let numbers: Vec<u32> = kept
        .lines()
        .map(|line| line["line ".len()..].parse().expect("a number"))
        .collect();
    assert!(numbers.len() > 100 && numbers.len() < 400, "{kept}");
    assert!(
        numbers.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "{kept}"
    );
    assert_eq!(numbers.last(), Some(&499));
}

#[test]
fn follow_sees_new_lines_across_a_rotation() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  log_max_size: 1KiB\n");
    // 30 lines a second for 3 seconds, about 1 KiB a second: the file rotates while
    // `--follow` reads it.
    env.ops(&[
        "start",
        "ticker",
        "-c",
        "sh -c 'echo first; i=0; while [ $i -lt 90 ]; do echo tick $i; i=$((i+1)); \
         sleep 0.033; done; echo last'",
    ])
    .success();
    let started = Instant::now();
    let run = env.ops(&["logs", "ticker", "--follow", "-n", "1"]);
    run.success();
    assert!(started.elapsed() < Duration::from_secs(10), "{run}");
    assert!(run.stderr.is_empty(), "{run}");
    // Whatever line it started at, every line after it came, in order, up to the end.
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.last(), Some(&"last"), "{run}");
    let ticks: Vec<u32> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("tick ")?.parse().ok())
        .collect();
    assert!(ticks.len() >= 60, "followed too little: {run}");
    assert_eq!(ticks.last(), Some(&89), "{run}");
    assert!(ticks.windows(2).all(|pair| pair[1] == pair[0] + 1), "{run}");
    assert!(
        std::fs::metadata(tmux_logs(&env, "default").join("ticker.log.1")).is_ok(),
        "the file never rotated"
    );
}

#[test]
fn an_exited_session_started_again_keeps_the_earlier_run() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "job",
        "-c",
        // Longer than the start grace even on a loaded machine: this start succeeds.
        "sh -c 'echo run one; sleep 2; exit 7'",
    ])
    .success();
    wait_state(&env, "job", "exited");
    env.ops(&["start", "job", "-c", "sh -c 'echo run two; exec sleep 300'"])
        .success();
    env.wait_for("output", || env.ops(&["logs", "job"]).stdout == "run two\n");
    // The earlier run, with its exit code, is the rotated file.
    let dir = tmux_logs(&env, "default");
    let earlier = std::fs::read_to_string(dir.join("job.log.1")).expect("job.log.1");
    let texts: Vec<&str> = earlier
        .split_terminator('\n')
        .map(|line| &line[27..])
        .collect();
    assert_eq!(texts[..2], ["#started", " run one\r"], "{earlier}");
    assert!(texts[2].starts_with("#exited with code 7 at "), "{earlier}");
    assert_eq!(texts.len(), 3, "{earlier}");
    insta::assert_snapshot!(env.ops_each(&[&["logs", "job"]]), @"
    $ kstlib ops logs job
    exit: 0
    --- stdout
    run two
    --- stderr
    [EOF]
    ");
}

#[test]
fn restart_gives_the_new_run_a_log_of_its_own() {
    require_tmux!();
    let env = TestEnv::new();
    let marker = env.root().join("runs");
    let script = format!(
        "sh -c 'echo run $(cat {0} 2>/dev/null); echo x >> {0}; exec sleep 300'",
        marker.display()
    );
    env.ops(&["start", "again", "-c", &script]).success();
    env.wait_for("output", || env.ops(&["logs", "again"]).stdout == "run\n");
    env.ops(&["restart", "again", "-t", "2"]).success();
    env.wait_for("output", || env.ops(&["logs", "again"]).stdout == "run x\n");
    let earlier =
        std::fs::read_to_string(tmux_logs(&env, "default").join("again.log.1")).expect("log.1");
    assert!(
        earlier.contains(" run\r\n") && earlier.contains("#killed by SIGINT at "),
        "{earlier}"
    );
}

#[test]
fn since_filters_by_when_lines_were_written() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "slow",
        "-c",
        "sh -c 'echo early; sleep 2; echo late; exec sleep 300'",
    ])
    .success();
    env.wait_for("early", || env.ops(&["logs", "slow"]).stdout == "early\n");
    let between = Timestamp::now().to_string();
    env.wait_for("late", || {
        env.ops(&["logs", "slow"]).stdout == "early\nlate\n"
    });
    assert_eq!(
        env.ops(&["logs", "slow", "--since", &between]).stdout,
        "late\n"
    );
    assert_eq!(
        env.ops(&["logs", "slow", "--since", "1h"]).stdout,
        "early\nlate\n"
    );
    // A session started by hand has no log file: its pane has no times.
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
    insta::assert_snapshot!(env.ops_each(&[
        &["logs", "slow", "--since", "90x"],
        &["logs", "hand", "--since", "10m"],
        &["logs", "hand", "--since", "1d", "--follow"],
    ]), @"
    $ kstlib ops logs slow --since 90x
    exit: 3
    --- stdout
    --- stderr
    error: invalid --since value '90x': expected a duration (90s, 10m, 2h, 1d, 1h30m) or an RFC 3339 timestamp ([TIMESTAMP])
    [EOF]
    $ kstlib ops logs hand --since 10m
    exit: 3
    --- stdout
    --- stderr
    error: tmux session 'hand' has no log file, so its output has no times for --since
    hint: kstlib keeps log files of the sessions it starts; `kstlib ops logs hand` shows its screen
    [EOF]
    $ kstlib ops logs hand --since 1d --follow
    exit: 3
    --- stdout
    --- stderr
    error: tmux session 'hand' has no log file, so its output has no times for --since
    hint: kstlib keeps log files of the sessions it starts; `kstlib ops logs hand` shows its screen
    [EOF]
    ");
}

#[test]
fn a_broken_log_setting_is_a_config_error() {
    let env = TestEnv::new();
    env.write_config("ops:\n  log_max_size: 10MB\n  log_dir: \"\"\n");
    // tmux only: the host's containers are not this test's.
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @r#"
    exit: 3
    --- stdout
    No sessions found.
    --- stderr
    error: invalid log file size '10MB'
     --> [ROOT]/work/kstlib.conf.yml:2:17
      |
    2 |   log_max_size: 10MB
      |                 ^^^^ expected a size in bytes between 1KiB and 1TiB: a number, or one with KiB, MiB or GiB (10MiB)
    error: invalid log directory ''
     --> [ROOT]/work/kstlib.conf.yml:3:12
      |
    3 |   log_dir: ""
      |            ^^ must not be empty
    [EOF]
    "#);
}

#[test]
fn log_dir_is_relative_to_the_config_file() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  log_dir: ./my-logs\n");
    env.ops(&["start", "dev", "-c", "sh -c 'echo here; exec sleep 300'"])
        .success();
    env.wait_for("output", || env.ops(&["logs", "dev"]).stdout == "here\n");
    let log = env.cwd.join("my-logs/tmux/default/dev.log");
    assert!(log.is_file(), "{}", log.display());
    assert_eq!(mode(&env.cwd.join("my-logs")), 0o700);
}

/// Runs `kstlib ops logs ARGS… --follow` until it has printed `n` lines, then ends it.
fn follow_lines(env: &TestEnv, args: &[&str], n: usize) -> Vec<String> {
    let mut child = env
        .command()
        .args(["ops", "logs", "--follow"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn kstlib");
    let stdout = child.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(n)
        .map(|line| line.expect("a line"))
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[test]
fn follow_reads_the_file_not_the_pane() {
    require_tmux!();
    let env = TestEnv::new();
    // A line longer than the pane is wide comes back whole; a line sent in two pieces
    // comes once, complete.
    let long = "w".repeat(300);
    env.ops(&[
        "start",
        "pieces",
        "-c",
        &format!("sh -c 'echo {long}; printf half; sleep 0.5; echo \" and half\"; exec sleep 300'"),
    ])
    .success();
    let lines = follow_lines(&env, &["pieces", "-n", "5"], 2);
    assert_eq!(lines, [long, "half and half".to_owned()]);
}

fn a_removed_container_leaves_its_output_in_its_log(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("saved");
    env.start_container(
        rt,
        &name,
        "sh -c 'echo one; echo two >&2; trap \"echo bye; exit 3\" TERM; \
         while :; do sleep 0.1; done'",
        &[],
    )
    .success();
    env.wait_for_stdout(&["logs", &name], "one\ntwo\n");
    insta::assert_snapshot!(env.ops_each(&[
        &["stop", &name, "-t", "5"],
        &["logs", &name],
        &["logs", &name, "-n", "1"],
        &["status", &name],
    ]), @"
    $ kstlib ops stop [NAME:saved] -t 5
    exit: 0
    --- stdout
    Session '[NAME:saved]' stopped on SIGTERM in [TIME] (exit code 3).
    --- stderr
    [EOF]
    $ kstlib ops logs [NAME:saved]
    exit: 0
    --- stdout
    one
    two
    bye
    [kstlib] exited with code 3 at [TIMESTAMP]
    --- stderr
    note: session '[NAME:saved]' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/[RT]/[NAME:saved].log), last written [TIMESTAMP].
    [EOF]
    $ kstlib ops logs [NAME:saved] -n 1
    exit: 0
    --- stdout
    [kstlib] exited with code 3 at [TIMESTAMP]
    --- stderr
    note: session '[NAME:saved]' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/[RT]/[NAME:saved].log), last written [TIMESTAMP].
    [EOF]
    $ kstlib ops status [NAME:saved]
    exit: 4
    --- stdout
    --- stderr
    error: session '[NAME:saved]' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    ");
    let log = env
        .home
        .join(".local/state/kstlib/logs")
        .join(rt.as_str())
        .join(format!("{name}.log"));
    assert_eq!(mode(&log), 0o600);
    // Started again and stopped again: the new run is the log, the old one is kept.
    env.start_container(rt, &name, "sh -c 'echo second run; sleep 1'", &[])
        .success();
    env.wait_for("exit", || {
        env.ops(&["status", &name, "-q"]).stdout == format!("{name}: exited\n")
    });
    env.ops(&["stop", &name]).success();
    insta::assert_snapshot!(env.ops_each(&[&["logs", &name]]), @"
    $ kstlib ops logs [NAME:saved]
    exit: 0
    --- stdout
    second run
    [kstlib] exited with code 0 at [TIMESTAMP]
    --- stderr
    note: session '[NAME:saved]' is not running; this is its log ([ROOT]/home/.local/state/kstlib/logs/[RT]/[NAME:saved].log), last written [TIMESTAMP].
    [EOF]
    ");
    let earlier = std::fs::read_to_string(log.with_extension("log.1")).expect("log.1");
    assert!(earlier.contains(" bye\r\n"), "{earlier}");
}

fn since_asks_the_engine_and_filters_a_saved_log(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("since");
    env.start_container(
        rt,
        &name,
        "sh -c 'echo early; sleep 2; echo late; exec sleep 300'",
        &[],
    )
    .success();
    env.wait_for_stdout(&["logs", &name], "early\n");
    let between = Timestamp::now().to_string();
    env.wait_for_stdout(&["logs", &name], "early\nlate\n");
    // Running: the engine filters.
    assert_eq!(
        env.ops(&["logs", &name, "--since", &between]).stdout,
        "late\n"
    );
    env.ops(&["stop", &name, "-f"]).success();
    // Removed: its saved log is filtered by the times the engine recorded.
    let run = env.ops(&["logs", &name, "--since", &between]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run}");
    assert_eq!(lines[0], "late", "{run}");
    assert!(lines[1].starts_with("[kstlib] "), "{run}");
    assert_eq!(
        env.ops(&["logs", &name, "--since", "1h"])
            .stdout
            .lines()
            .next(),
        Some("early")
    );
}
