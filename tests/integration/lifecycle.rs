//! Beyond upstream: restart, up, down, send-keys, doctor, completions, man.

use crate::env::TestEnv;
use crate::require_tmux;

const CONFIG: &str = "ops:
  sessions:
    one:
      command: [sh, -c, 'echo one; exec sleep 300']
    two:
      command: [sh, -c, 'echo two; exec sleep 300']
      socket_name: side
      stop_timeout: 0.5
";

#[test]
fn up_starts_every_declared_session_and_down_stops_them() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(CONFIG);
    let run = env.ops(&["up"]);
    run.success();
    assert_eq!(run.stdout, "one: started\ntwo: started\n");
    assert_eq!(env.tmux_sessions(None), ["one"]);
    assert_eq!(env.tmux_sessions(Some("side")), ["two"]);
    // Again: nothing to do.
    assert_eq!(env.ops(&["up"]).stdout, "one: running\ntwo: running\n");
    let run = env.ops(&["down", "two", "--json"]);
    run.success();
    assert_eq!(run.json()[0]["result"], "stopped");
    assert_eq!(
        env.ops(&["down"]).stdout,
        "one: stopped\ntwo: not running\n"
    );
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn up_reports_each_failure_and_exits_1() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    good: {command: sleep 300}\n    bad: {command: [sh, -c, 'exit 2']}\n");
    let run = env.ops(&["up"]);
    run.code(1);
    assert!(run.stdout.contains("good: started\n"), "{run}");
    assert!(
        run.stdout
            .contains("bad: failed: failed to start tmux session 'bad'"),
        "{run}"
    );
    assert_eq!(
        env.ops(&["up", "-q"]).stdout.lines().count(),
        1,
        "quiet shows failures only"
    );
    let run = env.ops(&["up", "ghost"]);
    run.code(3);
    assert!(
        run.stderr.contains("session 'ghost' not found in config"),
        "{run}"
    );
}

#[test]
fn restart_runs_the_same_command_again() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "r",
        "-c",
        "sh -c 'echo run $X; exec sleep 300'",
        "-e",
        "X=kept",
    ])
    .success();
    let before = env.ops(&["status", "r", "--json"]).json()["pid"].clone();
    let run = env.ops(&["restart", "r", "--json"]);
    run.success();
    assert_eq!(run.json()["state"], "running");
    assert_ne!(run.json()["pid"], before);
    // tmux clears the pane's screen when it respawns it: what was on it may be gone.
    env.wait_for("second run", || {
        env.ops(&["logs", "r", "-n", "1"]).stdout == "run kept\n"
    });
    // A declared session restarts from the config as it is now.
    env.write_config(
        "ops:\n  sessions:\n    d: {command: [sh, -c, 'echo first; exec sleep 300']}\n",
    );
    env.ops(&["start", "d"]).success();
    env.write_config(
        "ops:\n  sessions:\n    d: {command: [sh, -c, 'echo second; exec sleep 300']}\n",
    );
    env.ops(&["restart", "d"]).success();
    env.wait_for("new command", || {
        env.ops(&["logs", "d"]).stdout == "second\n"
    });
}

#[test]
fn stop_timeout_from_the_config_is_the_default() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    slow:\n      command: [sh, -c, 'trap \"\" INT; sleep 300']\n      stop_timeout: 0.5\n");
    env.ops(&["start", "slow"]).success();
    let started = std::time::Instant::now();
    let run = env.ops(&["stop", "slow", "--json"]);
    assert_eq!(run.json()["method"], "killed", "{run}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "did not wait 10 s"
    );
}

#[test]
fn send_keys_types_into_the_pane() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "shell", "-c", "sh"]).success();
    env.ops(&["send-keys", "shell", "echo", "typed-ok"])
        .success();
    env.wait_for("the echo", || {
        env.ops(&["logs", "shell"])
            .stdout
            .contains("typed-ok\ntyped-ok")
    });
    let run = env.ops(&["send-keys", "shell", "ls | sh"]);
    run.code(3);
    assert!(run.stderr.contains("invalid keys"), "{run}");
    env.ops(&["send-keys", "shell", "C-d", "--no-enter"])
        .success();
}

#[test]
fn doctor_reports_a_broken_config_without_failing_to_run() {
    require_tmux!();
    let env = TestEnv::new();
    let run = env.ops(&["doctor", "--json"]);
    let checks = run.json();
    let names: Vec<&str> = checks
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["config", "tmux", "podman", "docker"]);
    assert_eq!(checks[1]["health"], "ok");
    env.write_config("ops:\n  sesions: {}\n");
    let run = env.ops(&["doctor"]);
    run.code(1);
    assert!(run.stdout.starts_with("!!  config"), "{run}");
    assert!(run.stdout.contains("did you mean"), "{run}");
}

#[test]
fn completions_and_man_page() {
    let env = TestEnv::new();
    let run = env.run(["completions", "bash"]);
    run.success();
    assert!(run.stdout.contains("complete -F _kstlib"), "{run}");
    let run = env.run(["man"]);
    run.success();
    assert!(run.stdout.contains(".TH kstlib 1"), "{run}");
}

#[test]
fn exec_is_for_containers() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "t", "-c", "sleep 300"]).success();
    let run = env.ops(&["exec", "t", "--", "ls"]);
    run.code(3);
    assert_eq!(
        run.stderr,
        "error: exec needs a container session; 't' is a tmux session\n\
         hint: type into a tmux session with `kstlib ops send-keys t …` or `kstlib ops attach t`\n",
        "{run}"
    );
}
