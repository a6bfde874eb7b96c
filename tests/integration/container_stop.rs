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
    let env = TestEnv::new();
    let name = env.name("polite");
    env.start_container(rt, &name, POLITE, &[]).success();
    let run = env.ops(&["stop", &name, "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["name"], name.as_str());
    assert_eq!(report["backend"], "container");
    assert_eq!(report["method"], "graceful", "{run}");
    assert_eq!(report["signal"], "SIGTERM", "{run}");
    assert_eq!(report["exit_code"], 0, "{run}");
    assert_eq!(report["removed"], true, "{run}");
    assert!(run.stderr.is_empty(), "{run}");
    // Ours: removed, so the name is free again.
    assert!(env.inspect(rt, &name).is_none(), "not removed");
    env.ops(&["status", &name]).code(4);
}

fn a_program_that_ignores_term_is_killed_after_the_timeout(rt: Rt) {
    // `sleep` as PID 1 has no handler for SIGTERM, and PID 1 ignores unhandled signals.
    let env = TestEnv::new();
    let name = env.name("stubborn");
    env.start_container(rt, &name, "sleep 300", &[]).success();
    let run = env.ops(&["stop", &name, "--timeout", "1", "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "killed", "{run}");
    assert_eq!(report["signal"], "SIGTERM", "{run}");
    assert_eq!(report["exit_code"], 137, "{run}");
    assert_eq!(report["removed"], true, "{run}");
    // It did wait for the timeout before killing (the point of a graceful stop).
    let waited = report["elapsed_ms"].as_u64().expect("elapsed_ms");
    assert!(
        waited >= 900,
        "killed after {waited} ms, before the timeout"
    );
    assert!(env.inspect(rt, &name).is_none(), "not removed");

    let other = env.name("stubborn2");
    env.start_container(rt, &other, "sleep 300", &[]).success();
    let run = env.ops(&["stop", &other, "-t", "1"]);
    run.success();
    assert!(
        run.stdout.starts_with(&format!(
            "Session '{other}' did not stop on SIGTERM within the timeout and was killed ("
        )),
        "{run}"
    );
}

fn force_kills_at_once(rt: Rt) {
    let env = TestEnv::new();
    let name = env.name("forced");
    env.start_container(rt, &name, POLITE, &[]).success();
    let run = env.ops(&["stop", &name, "--force", "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "forced", "{run}");
    assert_eq!(report["signal"], "SIGKILL", "{run}");
    assert_eq!(report["exit_code"], 137, "{run}");
    assert!(env.inspect(rt, &name).is_none(), "not removed");
}

fn keep_leaves_the_exited_container_and_its_logs(rt: Rt) {
    // §11.7: upstream's stop always deleted the container, and its logs with it.
    let env = TestEnv::new();
    let name = env.name("kept");
    env.start_container(rt, &name, "sh -c 'echo last words; exec sleep 300'", &[])
        .success();
    let run = env.ops(&["stop", &name, "--keep", "-t", "0.5"]);
    run.success();
    assert!(run.stdout.ends_with(" Kept, as asked.\n"), "{run}");
    let json = env.ops(&["status", &name, "--json"]).json();
    assert_eq!(json["state"], "exited");
    assert_eq!(json["exit_code"], 137);
    assert_eq!(json["exit_signal"], "SIGKILL");
    assert_eq!(json["pid"], serde_json::Value::Null);
    assert_eq!(env.ops(&["logs", &name]).stdout, "last words\n");
    let inspect = env.inspect(rt, &name).expect("kept");
    assert_eq!(inspect["State"]["Status"], "exited");

    // Stopping it again removes it.
    let run = env.ops(&["stop", &name, "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "already_exited", "{run}");
    assert_eq!(report["exit_code"], 137, "{run}");
    assert_eq!(report["removed"], true, "{run}");
    assert!(env.inspect(rt, &name).is_none(), "not removed");
}

fn foreign_containers_are_stopped_but_removed_only_with_rm(rt: Rt) {
    let env = TestEnv::new();
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
    let run = env.ops(&["stop", &name]);
    run.success();
    assert!(
        run.stdout
            .ends_with(" Kept: kstlib did not create it (--rm removes it).\n"),
        "{run}"
    );
    assert!(
        run.stdout
            .starts_with(&format!("Session '{name}' stopped on SIGTERM in ")),
        "{run}"
    );
    let inspect = env.inspect(rt, &name).expect("not removed");
    assert_eq!(inspect["State"]["Status"], "exited");
    assert_eq!(inspect["State"]["ExitCode"], 0);
    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: exited\n")
    );

    let run = env.ops(&["stop", &name, "--rm", "--json"]);
    run.success();
    assert_eq!(run.json()["removed"], true, "{run}");
    assert!(env.inspect(rt, &name).is_none(), "not removed with --rm");
}

fn the_stop_signal_comes_from_start_or_from_stop(rt: Rt) {
    let env = TestEnv::new();
    // `--stop-signal` at start is the container's own stop signal.
    let name = env.name("onint");
    let on_int = "sh -c 'trap \"exit 4\" INT; while :; do sleep 0.1; done'";
    env.start_container(rt, &name, on_int, &["--stop-signal", "INT"])
        .success();
    let run = env.ops(&["stop", &name, "-t", "5", "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "graceful", "{run}");
    assert_eq!(report["signal"], "SIGINT", "{run}");
    assert_eq!(report["exit_code"], 4, "{run}");

    // `--signal` at stop wins over it.
    let name = env.name("onusr1");
    let on_usr1 = "sh -c 'trap \"exit 6\" USR1; while :; do sleep 0.1; done'";
    env.start_container(rt, &name, on_usr1, &["--stop-signal", "INT"])
        .success();
    let run = env.ops(&["stop", &name, "--signal", "USR1", "-t", "5", "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "graceful", "{run}");
    assert_eq!(report["signal"], "SIGUSR1", "{run}");
    assert_eq!(report["exit_code"], 6, "{run}");
}

fn stop_timeout_from_the_config_is_honoured(rt: Rt) {
    // `stop_timeout` of a declared session is how long a graceful stop waits when
    // `--timeout` is not given (precedence CLI > config > default 10 s).
    let env = TestEnv::new();
    let name = env.name("patience");
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      backend: container\n      image: {image}\n      runtime: {rt}\n      command: sleep 300\n      stop_timeout: 1\n",
        image = test_image()
    ));
    env.ops(&["start", &name]).success();
    let run = env.ops(&["stop", &name, "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "killed", "{run}");
    // Killed after the configured 1 s, not the default 10 s (generous bounds).
    let waited = report["elapsed_ms"].as_u64().expect("elapsed_ms");
    assert!(
        (900..6000).contains(&waited),
        "killed after {waited} ms, not after stop_timeout: 1\n{run}"
    );
}
