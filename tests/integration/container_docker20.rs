//! Key scenarios again with Docker CLI 20.10 (`/usr/bin/docker`) first on PATH instead of
//! the newer CLI: both talk to the same engine, and their output differs (20.10 prints the
//! word `json` for `--format json`, DESIGN.md §7).

use crate::env::{Rt, TestEnv};
use crate::require_runtime;

/// This test's environment with Docker CLI 20.10, or `None` (skipped) without it.
fn env_with_docker_cli_20() -> Option<TestEnv> {
    let env = TestEnv::new().with_docker_cli_20()?;
    let version = env.rt(Rt::Docker, &["--version"]);
    // Not a snapshot: the build after `20.10.` is Debian's to choose.
    assert!(
        version.stdout.starts_with("Docker version 20.10."),
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
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    Session '[NAME:cli20]' started (docker, pid [PID]).
    --- stderr
    [EOF]
    ");

    insta::assert_snapshot!(env.ops(&["status", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:cli20]",
      "state": "running",
      "backend": "container",
      "pid": [PID],
      "created_at": "[TIMESTAMP]",
      "window_count": 0,
      "socket_name": null,
      "image": "[IMAGE]",
      "exit_code": null,
      "socket_path": null,
      "runtime": "docker",
      "id": "[ID]",
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

    insta::assert_snapshot!(env.ops(&["stop", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:cli20]",
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
    insta::assert_snapshot!(run, @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start container session '[NAME:boom20]': the program exited right after starting (exit code 3)
    last output:
      | bye
    [EOF]
    ");
    assert!(env.inspect(Rt::Docker, &name).is_none(), "left behind");

    let run = env.ops(&[
        "start",
        &name,
        "-i",
        "kstlib-test/no-such-image:1",
        "--runtime",
        "docker",
    ]);
    insta::assert_snapshot!(run, @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start container session '[NAME:boom20]': image 'kstlib-test/no-such-image:1' not found in docker: it is not a local image and could not be pulled
    [EOF]
    ");

    let foreign = env.name("hand20");
    env.run_foreign(Rt::Docker, &foreign, &["sleep", "300"]);
    insta::assert_snapshot!(env.ops(&["status", &foreign]), @"
    exit: 0
    --- stdout
    Session: [NAME:hand20]
      State    running
      Backend  container
      PID      [PID]
      Created  [TIMESTAMP]
      Runtime  docker
      Image    [IMAGE]
      ID       [ID]
      Origin   foreign
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["stop", &foreign, "-t", "0.5", "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:hand20]",
      "backend": "container",
      "method": "killed",
      "signal": "SIGTERM",
      "exit_code": 137,
      "removed": false,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
}
