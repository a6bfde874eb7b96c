//! Key scenarios again with Docker CLI 20.10 (`/usr/bin/docker`) first on PATH instead of
//! the newer CLI: both talk to the same engine, and their output differs (20.10 prints the
//! word `json` for `--format json`, DESIGN.md §7).

use crate::env::{Rt, TestEnv};
use crate::require_runtime;

/// This test's environment with Docker CLI 20.10, or `None` (skipped) without it.
fn env_with_docker_cli_20() -> Option<TestEnv> {
    let env = TestEnv::new().with_docker_cli_20()?;
    let version = env.rt(Rt::Docker, &["--version"]);
    assert!(
        version.stdout.starts_with("Docker version 20.10"),
        "{version}"
    );
    Some(env)
}

#[test]
fn docker_cli_20_start_status_logs_list_stop() {
    require_runtime!(Rt::Docker);
    let Some(env) = env_with_docker_cli_20() else {
        return;
    };
    let name = env.name("cli20");
    let run = env.start_container(
        Rt::Docker,
        &name,
        "sh -c 'echo out; echo err >&2; trap \"exit 0\" TERM; while :; do sleep 0.1; done'",
        &["-e", "MODE=old"],
    );
    run.success();
    assert!(
        run.stdout
            .starts_with(&format!("Session '{name}' started (docker, pid ")),
        "{run}"
    );

    let json = env.ops(&["status", &name, "--json"]).json();
    assert_eq!(json["state"], "running");
    assert_eq!(json["runtime"], "docker");
    assert_eq!(json["origin"], "managed");
    assert_eq!(json["image"], Rt::Docker.image_as_reported().as_str());
    assert!(json["pid"].is_u64(), "{json}");
    assert!(
        json["created_at"]
            .as_str()
            .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
        "{json}"
    );

    env.wait_for_stdout(&["logs", &name], "out\nerr\n");
    assert_eq!(env.ops(&["logs", &name, "-n", "1"]).stdout, "err\n");

    let list = env
        .ops(&[
            "list",
            "--backend",
            "container",
            "--runtime",
            "docker",
            "--json",
        ])
        .json();
    let row = list
        .as_array()
        .expect("an array")
        .iter()
        .find(|row| row["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} missing: {list}"));
    assert_eq!(row["state"], "running");
    assert_eq!(row["origin"], "managed");

    let run = env.ops(&["stop", &name, "--json"]);
    run.success();
    let report = run.json();
    assert_eq!(report["method"], "graceful", "{run}");
    assert_eq!(report["exit_code"], 0, "{run}");
    assert!(env.inspect(Rt::Docker, &name).is_none(), "not removed");
    env.ops(&["status", &name]).code(4);
}

#[test]
fn docker_cli_20_failed_starts_and_foreign_containers() {
    require_runtime!(Rt::Docker);
    let Some(env) = env_with_docker_cli_20() else {
        return;
    };
    let name = env.name("boom20");
    let run = env.start_container(Rt::Docker, &name, "sh -c 'echo bye; exit 3'", &[]);
    run.code(1);
    assert!(
        run.stderr.starts_with(&format!(
            "error: failed to start container session '{name}': the program exited right after starting (exit code 3)\nlast output:\n  | bye\n"
        )),
        "{run}"
    );
    assert!(env.inspect(Rt::Docker, &name).is_none(), "left behind");

    let run = env.ops(&[
        "start",
        &name,
        "-i",
        "kstlib-test/no-such-image:1",
        "--runtime",
        "docker",
    ]);
    run.code(1);
    assert!(
        run.stderr.contains(
            "image 'kstlib-test/no-such-image:1' not found in docker: it is not a local image"
        ),
        "{run}"
    );

    let foreign = env.name("hand20");
    env.run_foreign(Rt::Docker, &foreign, &["sleep", "300"]);
    let json = env.ops(&["status", &foreign, "--json"]).json();
    assert_eq!(json["origin"], "foreign");
    assert_eq!(json["state"], "running");
    let run = env.ops(&["stop", &foreign, "-t", "0.5", "--json"]);
    run.success();
    assert_eq!(run.json()["method"], "killed", "{run}");
    assert_eq!(run.json()["removed"], false, "{run}");
}
