//! Stopping containers: the signal, the wait, the kill, and what is removed. Every scenario
//! runs on both runtimes.

use crate::env::{Rt, TestEnv, test_image};
use crate::on_both_runtimes;

/// Exits 0 on SIGTERM (the containers' default stop signal).
const POLITE: &str = "sh -c 'trap \"exit 0\" TERM; while :; do sleep 0.1; done'";

on_both_runtimes!(
    graceful_stop_lets_a_program_that_traps_term_exit_zero,
    a_program_that_ignores_term_is_killed_after_the_timeout,
    force_kills_at_once,
    keep_leaves_the_exited_container_and_its_logs,
    foreign_containers_are_stopped_but_removed_only_with_rm,
    the_stop_signal_comes_from_start_or_from_stop,
    stop_timeout_from_the_config_is_honoured,
);

fn graceful_stop_lets_a_program_that_traps_term_exit_zero(rt: Rt) {
    // §11.31: the result says how the program ended.
    let env = TestEnv::on(rt);
    let name = env.name("polite");
    env.start_container(rt, &name, POLITE, &[]).success();
    insta::assert_snapshot!(env.ops(&["stop", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:polite]",
      "backend": "container",
      "method": "graceful",
      "signal": "SIGTERM",
      "exit_code": 0,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    // Ours: removed, so the name is free again.
    assert!(env.inspect(rt, &name).is_none(), "not removed");
    env.ops(&["status", &name]).code(4);
}

fn a_program_that_ignores_term_is_killed_after_the_timeout(rt: Rt) {
    // `sleep` as PID 1 has no handler for SIGTERM, and PID 1 ignores unhandled signals.
    let env = TestEnv::on(rt);
    let name = env.name("stubborn");
    env.start_container(rt, &name, "sleep 300", &[]).success();
    let run = env.ops(&["stop", &name, "--timeout", "1", "--json"]);
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:stubborn]",
      "backend": "container",
      "method": "killed",
      "signal": "SIGTERM",
      "exit_code": 137,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    let report = run.json();
    // It did wait for the timeout before killing (the point of a graceful stop).
    let waited = report["elapsed_ms"].as_u64().expect("elapsed_ms");
    assert!(
        waited >= 900,
        "killed after {waited} ms, before the timeout"
    );
    assert!(env.inspect(rt, &name).is_none(), "not removed");

    let other = env.name("stubborn2");
    env.start_container(rt, &other, "sleep 300", &[]).success();
    insta::assert_snapshot!(env.ops(&["stop", &other, "-t", "1"]), @"
    exit: 0
    --- stdout
    Session '[NAME:stubborn2]' did not stop on SIGTERM within the timeout and was killed ([TIME]).
    --- stderr
    [EOF]
    ");
}

fn force_kills_at_once(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("forced");
    env.start_container(rt, &name, POLITE, &[]).success();
    insta::assert_snapshot!(env.ops(&["stop", &name, "--force", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:forced]",
      "backend": "container",
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
    assert!(env.inspect(rt, &name).is_none(), "not removed");
}

fn keep_leaves_the_exited_container_and_its_logs(rt: Rt) {
    // §11.7: upstream's stop always deleted the container, and its logs with it.
    let env = TestEnv::on(rt);
    let name = env.name("kept");
    env.start_container(rt, &name, "sh -c 'echo last words; exec sleep 300'", &[])
        .success();
    insta::assert_snapshot!(env.ops(&["stop", &name, "--keep", "-t", "0.5"]), @"
    exit: 0
    --- stdout
    Session '[NAME:kept]' did not stop on SIGTERM within the timeout and was killed ([TIME]). Kept, as asked.
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["status", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:kept]",
      "state": "exited",
      "backend": "container",
      "pid": null,
      "created_at": "[TIMESTAMP]",
      "window_count": 0,
      "socket_name": null,
      "image": "[IMAGE]",
      "exit_code": 137,
      "socket_path": null,
      "runtime": "[RT]",
      "id": "[ID]",
      "origin": "managed",
      "exit_signal": "SIGKILL",
      "ports": [],
      "detail": null,
      "drift": null,
      "host": null
    }
    --- stderr
    [EOF]
    "#);
    assert_eq!(env.ops(&["logs", &name]).stdout, "last words\n");
    let inspect = env.inspect(rt, &name).expect("kept");
    assert_eq!(inspect["State"]["Status"], "exited");

    // Stopping it again removes it.
    insta::assert_snapshot!(env.ops(&["stop", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:kept]",
      "backend": "container",
      "method": "already_exited",
      "signal": null,
      "exit_code": 137,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    assert!(env.inspect(rt, &name).is_none(), "not removed");
}

fn foreign_containers_are_stopped_but_removed_only_with_rm(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("foreign");
    env.run_foreign(
        rt,
        &name,
        &[
            "sh",
            "-c",
            "trap 'exit 0' TERM; while :; do sleep 0.1; done",
        ],
    );
    insta::assert_snapshot!(env.ops(&["stop", &name]), @"
    exit: 0
    --- stdout
    Session '[NAME:foreign]' stopped on SIGTERM in [TIME] (exit code 0). Kept: kstlib did not create it (--rm removes it).
    --- stderr
    [EOF]
    ");
    let inspect = env.inspect(rt, &name).expect("not removed");
    assert_eq!(inspect["State"]["Status"], "exited");
    assert_eq!(inspect["State"]["ExitCode"], 0);
    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: exited\n")
    );

    insta::assert_snapshot!(env.ops(&["stop", &name, "--rm", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:foreign]",
      "backend": "container",
      "method": "already_exited",
      "signal": null,
      "exit_code": 0,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    assert!(env.inspect(rt, &name).is_none(), "not removed with --rm");
}

fn the_stop_signal_comes_from_start_or_from_stop(rt: Rt) {
    let env = TestEnv::on(rt);
    // `--stop-signal` at start is the container's own stop signal.
    let name = env.name("onint");
    let on_int = "sh -c 'trap \"exit 4\" INT; while :; do sleep 0.1; done'";
    env.start_container(rt, &name, on_int, &["--stop-signal", "INT"])
        .success();
    insta::assert_snapshot!(env.ops(&["stop", &name, "-t", "5", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:onint]",
      "backend": "container",
      "method": "graceful",
      "signal": "SIGINT",
      "exit_code": 4,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);

    // `--signal` at stop wins over it.
    let name = env.name("onusr1");
    let on_usr1 = "sh -c 'trap \"exit 6\" USR1; while :; do sleep 0.1; done'";
    env.start_container(rt, &name, on_usr1, &["--stop-signal", "INT"])
        .success();
    let run = env.ops(&["stop", &name, "--signal", "USR1", "-t", "5", "--json"]);
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:onusr1]",
      "backend": "container",
      "method": "graceful",
      "signal": "SIGUSR1",
      "exit_code": 6,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
}

fn stop_timeout_from_the_config_is_honoured(rt: Rt) {
    // `stop_timeout` of a declared session is how long a graceful stop waits when
    // `--timeout` is not given (precedence CLI > config > default 10 s).
    let env = TestEnv::on(rt);
    let name = env.name("patience");
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      backend: container\n      image: {image}\n      runtime: {rt}\n      command: sleep 300\n      stop_timeout: 1\n",
        image = test_image()
    ));
    env.ops(&["start", &name]).success();
    let run = env.ops(&["stop", &name, "--json"]);
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:patience]",
      "backend": "container",
      "method": "killed",
      "signal": "SIGTERM",
      "exit_code": 137,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    let report = run.json();
    // Killed after the configured 1 s, not the default 10 s (generous bounds).
    let waited = report["elapsed_ms"].as_u64().expect("elapsed_ms");
    assert!(
        (900..6000).contains(&waited),
        "killed after {waited} ms, not after stop_timeout: 1\n{run}"
    );
}

/// The `wait` helper processes of a runtime for the container `name`, as `pgrep` sees them.
fn waits_for(rt: Rt, name: &str) -> Vec<String> {
    let out = std::process::Command::new("pgrep")
        .args(["-f", &format!("{} wait {name}", rt.as_str())])
        .output()
        .expect("pgrep");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn a_wait_killed_mid_stop_does_not_skip_the_kill(rt: Rt) {
    // Any end of `wait` counted as graceful: kill the `wait` and kstlib skipped SIGKILL,
    // `rm` failed (exit 1) and the container kept running. The CLI path, where `wait` is a
    // process (over the engine's socket it is a request, and no process is left to kill).
    let env = TestEnv::on(rt);
    let name = env.name("stubborn");
    // `sleep` as PID 1 ignores SIGTERM.
    env.start_container(rt, &name, "sleep 300", &[]).success();
    let stop = env
        .command()
        .env("KSTLIB_ENGINE_API", "0")
        .args(["ops", "stop", &name, "-t", "4", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kstlib stop");
    env.wait_for("kstlib's wait", || !waits_for(rt, &name).is_empty());
    for pid in waits_for(rt, &name) {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid])
            .status();
    }
    let run = env.to_run(stop.wait_with_output().expect("kstlib ends"));
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:stubborn]",
      "backend": "container",
      "method": "killed",
      "signal": "SIGTERM",
      "exit_code": 137,
      "removed": true,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    assert_eq!(env.inspect(rt, &name), None, "killed, then removed");
}

fn kstlib_killed_mid_stop_leaves_no_wait_behind(rt: Rt) {
    // `kill -9` of kstlib during a stop left its `docker/podman wait` running (the CLI
    // path: over the engine's socket there is no such process).
    let env = TestEnv::on(rt);
    let name = env.name("orphan");
    env.start_container(rt, &name, "sleep 300", &[]).success();
    let mut stop = env
        .command()
        .env("KSTLIB_ENGINE_API", "0")
        .args(["ops", "stop", &name, "-t", "30"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kstlib stop");
    env.wait_for("kstlib's wait", || !waits_for(rt, &name).is_empty());
    stop.kill().expect("kill -9 kstlib");
    let _ = stop.wait();
    env.wait_for("no wait left", || waits_for(rt, &name).is_empty());
}

fn concurrent_stops_all_succeed(rt: Rt) {
    // Two at once: the second finds the container gone halfway, which is what it wanted.
    let env = TestEnv::on(rt);
    let name = env.name("twice");
    env.start_container(rt, &name, POLITE, &[]).success();
    let stops: Vec<_> = (0..4)
        .map(|_| {
            env.command()
                .args(["ops", "stop", &name, "-q"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("kstlib stop")
        })
        .collect();
    for stop in stops {
        let run = env.to_run(stop.wait_with_output().expect("kstlib ends"));
        // Each either stopped it, found it stopped meanwhile, or came after it was gone.
        let fine = [
            format!("{name}: graceful\n"),
            format!("{name}: already_exited\n"),
            format!("{name}: already_stopped\n"),
        ];
        let gone = run.code == Some(4) && run.stderr.contains("not found");
        assert!(
            (run.code == Some(0) && fine.contains(&run.stdout) && run.stderr.is_empty()) || gone,
            "{run}"
        );
    }
    assert_eq!(env.inspect(rt, &name), None);
}

on_both_runtimes!(
    a_wait_killed_mid_stop_does_not_skip_the_kill,
    kstlib_killed_mid_stop_leaves_no_wait_behind,
    concurrent_stops_all_succeed,
);
