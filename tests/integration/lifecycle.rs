//! Beyond upstream: restart, up, down, send-keys, doctor, completions, man.

use crate::env::TestEnv;
use crate::require_tmux;
use std::ffi::OsStr;

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
    insta::assert_snapshot!(env.ops(&["down", "two", "--json"]), @r#"
    exit: 0
    --- stdout
    [
      {
        "name": "two",
        "result": "stopped"
      }
    ]
    --- stderr
    [EOF]
    "#);
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
    // Then again, quiet: failures only.
    insta::assert_snapshot!(env.ops_each(&[&["up"], &["up", "-q"], &["up", "ghost"]]), @"
    $ kstlib ops up
    exit: 1
    --- stdout
    good: started
    bad: failed: failed to start tmux session 'bad': the program exited right after starting (exit code 2)
    --- stderr
    [EOF]
    $ kstlib ops up -q
    exit: 1
    --- stdout
    bad: failed: failed to start tmux session 'bad': the program exited right after starting (exit code 2)
    --- stderr
    [EOF]
    $ kstlib ops up ghost
    exit: 4
    --- stdout
    --- stderr
    error: session 'ghost' not found
    hint: `kstlib ops list` shows the sessions that exist
    note: declared sessions: good, bad
    [EOF]
    ");
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
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "r",
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
    insta::assert_snapshot!(env.ops(&["stop", "slow", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "slow",
      "backend": "tmux",
      "method": "killed",
      "signal": "SIGINT",
      "exit_code": 137,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
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
    // Not the whole screen: the shell's prompt differs from user to user.
    env.wait_for("the echo", || {
        env.ops(&["logs", "shell"])
            .stdout
            .contains("typed-ok\ntyped-ok")
    });
    insta::assert_snapshot!(env.ops(&["send-keys", "shell", "ls | sh"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: invalid keys 'ls | sh': contains '|' (a pipe), which the pane's shell would interpret; keys may not chain, pipe, substitute or redirect commands, nor use eval, source or exec
    [EOF]
    ");
    env.ops(&["send-keys", "shell", "C-d", "--no-enter"])
        .success();
}

#[test]
fn send_keys_that_start_with_a_dash_stay_in_their_session() {
    // `-lt=other:` was read as send-keys' own `-l -t =other:` and typed into another
    // session; `-1` was an unknown flag.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "rel-sk", "-c", "cat"]).success();
    env.ops(&["start", "rel-sk2", "-c", "cat"]).success();
    for keys in ["-lt=rel-sk2:", "-1"] {
        env.ops(&["send-keys", "rel-sk", "--", keys]).success();
    }
    // What the terminal echoes, then what cat prints back, for each line.
    env.wait_for_stdout(&["logs", "rel-sk"], "-lt=rel-sk2:\n-lt=rel-sk2:\n-1\n-1\n");
    insta::assert_snapshot!(env.ops(&["logs", "rel-sk2"]), @"
    exit: 0
    --- stdout
    --- stderr
    No logs available for session 'rel-sk2'.
    [EOF]
    ");
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
    // Only the config's lines: the backends' (and a healthy Podman's hint about its
    // socket) show this machine's versions, paths and setup.
    let run = env
        .ops(&["doctor"])
        .stdout_lines(|line| !line.starts_with("ok  ") && !line.contains("podman.socket"));
    insta::assert_snapshot!(run, @"
    exit: 1
    --- stdout
    !!  config  [ROOT]/work/kstlib.conf.yml:2:3: unknown key 'sesions' in 'ops' (unknown key); help: did you mean 'sessions'?
        hint: `kstlib ops list` shows each error with its context
    --- stderr
    [EOF]
    ");
}

#[test]
fn doctor_fails_when_what_the_config_needs_is_missing_or_broken() {
    require_tmux!();
    let env = TestEnv::new();
    // Every backend healthy, each needed by a session: exit 0, and who needs what in JSON.
    let image = crate::env::test_image();
    env.write_config(&format!(
        "ops:\n  sessions:\n    bot:\n      command: sleep 9\n    web:\n      backend: container\n      runtime: docker\n      image: {image}\n    api:\n      backend: container\n      runtime: podman\n      image: {image}\n"
    ));
    let run = env.ops(&["doctor", "--json"]);
    let needed: Vec<(String, String, String)> = run
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|check| {
            (
                check["name"].as_str().unwrap_or_default().to_owned(),
                check["health"].as_str().unwrap_or_default().to_owned(),
                check["needed_by"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        (run.code, needed),
        (
            Some(0),
            [
                ("config", "ok", "[]"),
                ("tmux", "ok", r#"["bot"]"#),
                ("podman", "ok", r#"["api"]"#),
                ("docker", "ok", r#"["web"]"#),
            ]
            .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
            .to_vec()
        ),
        "{run}"
    );
    // Each broken for real: a tmux_binary that is not tmux, Docker's engine not where
    // DOCKER_HOST says, a Podman config that does not parse.
    env.write_config(
        "ops:\n  tmux_binary: /bin/false\n  sessions:\n    bot:\n      command: sleep 9\n    web:\n      backend: container\n      runtime: docker\n      image: x\n",
    );
    let bad_conf = env.write(&env.root().join("bad.conf"), "[engine\nbad");
    let nowhere = format!("unix://{}", env.root().join("no.sock").display());
    let run = env.ops_with_env(
        &[
            ("DOCKER_HOST", nowhere.as_ref()),
            ("CONTAINERS_CONF", bad_conf.as_ref()),
        ],
        &["doctor"],
    );
    insta::assert_snapshot!(run.stdout_lines(|line| !line.starts_with("ok  ")), @r#"
    exit: 1
    --- stdout
    !!  tmux    '/bin/false -V' failed with exit code 1: it gave no reason; needed by bot
        hint: point ops.tmux_binary at [ROOT]/work/kstlib.conf.yml:2:16 to tmux
    !!  podman  reading system config "[ROOT]/bad.conf": decode configuration [ROOT]/bad.conf: toml: line 2: expected '.' or ']' to end table name, but got '\n' instead
        hint: fix the containers.conf it names (or move it aside): `podman info` shows the whole error
    !!  docker  Cannot connect to the Docker daemon at unix://[ROOT]/no.sock. Is the docker daemon running?; needed by web
        hint: start the engine, or fix DOCKER_HOST ('unix://[ROOT]/no.sock'): is the engine there?
    --- stderr
    [EOF]
    "#);
    // What cannot be broken for real: a `podman` that answers what kstlib cannot read.
    // Alone on PATH, so tmux is missing too (the built-in default needs it) and Docker
    // is only absent (nothing needs it: Podman is the runtime kstlib would take).
    std::fs::remove_file(env.root().join("work").join("kstlib.conf.yml")).expect("rm config");
    let bin = env.root().join("bin");
    let fake = env.write(&bin.join("podman"), "#!/bin/sh\necho 'hello there'\n");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    insta::assert_snapshot!(env.ops_with_env(&[("PATH", bin.as_ref())], &["doctor"]), @"
    exit: 1
    --- stdout
    ok  config  no kstlib.conf.yml found: built-in defaults
    !!  tmux    'tmux' not found; needed by ad-hoc sessions
        hint: install it: apt-get install tmux
    !!  podman  `podman info --format '{{json .}}'` answered 'hello there', which kstlib cannot read
        hint: check that 'podman' on PATH is Podman itself, not a wrapper
    --  docker  not installed
    --- stderr
    [EOF]
    ");
}

#[test]
fn man_page() {
    let env = TestEnv::new();
    env.redact_as(env!("CARGO_PKG_VERSION"), "[VERSION]");
    insta::assert_snapshot!("man", env.run(["man"]));
    // With a directory: a page for kstlib and each of its commands, listed on stdout.
    let dir = env.root().join("man1");
    let run = env.run([OsStr::new("man"), dir.as_os_str()]);
    run.success();
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .expect("the pages")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    written.sort();
    insta::assert_snapshot!(written.join(" "), @"kstlib-completions.1 kstlib-man.1 kstlib-ops-attach.1 kstlib-ops-doctor.1 kstlib-ops-down.1 kstlib-ops-exec.1 kstlib-ops-list.1 kstlib-ops-logs.1 kstlib-ops-restart.1 kstlib-ops-send-keys.1 kstlib-ops-start.1 kstlib-ops-status.1 kstlib-ops-stop.1 kstlib-ops-up.1 kstlib-ops.1 kstlib.1");
    assert_eq!(run.stdout.lines().count(), written.len(), "{run}");
    let start = std::fs::read_to_string(dir.join("kstlib-ops-start.1")).expect("a page");
    assert!(start.contains("kstlib ops start dev"), "{start}");
}

#[test]
fn exec_is_for_containers() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "t", "-c", "sleep 300"]).success();
    insta::assert_snapshot!(env.ops(&["exec", "t", "--", "ls"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: exec needs a container session; 't' is a tmux session
    hint: type into a tmux session with `kstlib ops send-keys t …` or `kstlib ops attach t`
    [EOF]
    ");
}
