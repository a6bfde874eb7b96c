//! `list` across runtimes, containers started by hand (interop), names found in several
//! places, and a container engine that does not answer.
//!
//! `list` shows every container on the host, including other tests' and other programs':
//! assertions look only at the rows of this test's names.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::time::{Duration, Instant};

use crate::env::{HungEngine, Rt, TestEnv, have_runtime, test_image};
use crate::{on_both_runtimes, require_runtime, require_tmux};

on_both_runtimes!(
    a_container_started_by_hand_can_be_listed_status_logged_and_stopped,
    the_same_name_in_tmux_and_a_container_is_ambiguous,
    a_declared_session_without_a_runtime_is_found_on_either_runtime,
);

/// The rows of `list --json` for `names`, by name; each name must appear at most once.
fn rows(list: &serde_json::Value, names: &[&String]) -> BTreeMap<String, serde_json::Value> {
    let mut rows = BTreeMap::new();
    for row in list.as_array().expect("an array") {
        let name = row["name"].as_str().expect("name");
        if names.iter().any(|wanted| wanted.as_str() == name) {
            let previous = rows.insert(name.to_owned(), row.clone());
            assert!(previous.is_none(), "{name} listed twice: {list}");
        }
    }
    rows
}

/// `(state, runtime, origin)` of a row.
fn summary(row: &serde_json::Value) -> (&str, &str, &str) {
    (
        row["state"].as_str().unwrap_or("?"),
        row["runtime"].as_str().unwrap_or("?"),
        row["origin"].as_str().unwrap_or("?"),
    )
}

#[test]
fn list_shows_both_runtimes_each_row_with_its_runtime_and_origin() {
    // §11.11: with both installed, upstream only ever looked at Podman.
    require_runtime!(Rt::Podman);
    require_runtime!(Rt::Docker);
    let env = TestEnv::new();
    let image = test_image();
    let [cfg_p, cfg_d, idle, ours_p, ours_d, hand_p, hand_d] =
        ["cfgp", "cfgd", "idle", "oursp", "oursd", "handp", "handd"].map(|b| env.name(b));
    env.write_config(&format!(
        r#"
ops:
  sessions:
    {cfg_p}:
      backend: container
      image: {image}
      command: sleep 300
      runtime: podman
    {cfg_d}:
      backend: container
      image: {image}
      command: sleep 300
      runtime: docker
    {idle}:
      backend: container
      image: {image}
      runtime: docker
"#
    ));
    env.ops(&["start", &cfg_p]).success();
    env.ops(&["start", &cfg_d]).success();
    env.start_container(Rt::Podman, &ours_p, "sleep 300", &[])
        .success();
    env.start_container(Rt::Docker, &ours_d, "sleep 300", &[])
        .success();
    env.run_foreign(Rt::Podman, &hand_p, &["sleep", "300"]);
    env.run_foreign(Rt::Docker, &hand_d, &["sleep", "300"]);
    let names = [&cfg_p, &cfg_d, &idle, &ours_p, &ours_d, &hand_p, &hand_d];

    let run = env.ops(&["list", "--json"]);
    run.success();
    let list = run.json();
    let found = rows(&list, &names);
    let expected = [
        (&cfg_p, ("running", "podman", "config")),
        (&cfg_d, ("running", "docker", "config")),
        (&idle, ("defined", "docker", "config")),
        (&ours_p, ("running", "podman", "managed")),
        (&ours_d, ("running", "docker", "managed")),
        (&hand_p, ("running", "podman", "foreign")),
        (&hand_d, ("running", "docker", "foreign")),
    ];
    for (name, want) in expected {
        let row = found
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{name} missing\n{run}"));
        assert_eq!(summary(row), want, "{row}");
        assert_eq!(row["backend"], "container", "{row}");
        // Podman's `ps` has the PID; Docker's has none, and kstlib reads it from the
        // container's cgroup: the very PID `inspect` reports.
        assert_eq!(row["pid"].is_u64(), want.0 == "running", "{row}");
        if want.0 == "running" && row["runtime"] == "docker" {
            let inspected = env.inspect(Rt::Docker, name).expect("docker inspect");
            assert_eq!(row["pid"], inspected["State"]["Pid"], "{row}");
        }
        assert_eq!(row["socket_name"], serde_json::Value::Null, "{row}");
        if want.0 == "running" {
            let created = row["created_at"].as_str().expect("created_at");
            assert!(
                created.parse::<jiff::Timestamp>().is_ok(),
                "RFC 3339: {row}"
            );
        }
    }
    assert_eq!(found[idle.as_str()]["image"], image.as_str());
    assert_eq!(
        found[hand_p.as_str()]["image"],
        Rt::Podman.image_as_reported().as_str()
    );

    // The table says the same, in words: its header and this test's rows (Podman's, then
    // Docker's, each by name, then the one only declared).
    let table = env.ops(&["list"]).stdout_lines(|line| {
        line.starts_with("NAME ")
            || names
                .iter()
                .any(|name| line.starts_with(&format!("{name} ")))
    });
    insta::assert_snapshot!(table, @"
    exit: 0
    --- stdout
    NAME          STATE    BACKEND  PID    IMAGE              CREATED  ORIGIN
    [NAME:cfgp]   running  podman   [PID]  localhost/[IMAGE]  [AGO]    config
    [NAME:cfgd]   running  docker   [PID]  [IMAGE]            [AGO]    config
    [NAME:idle]   defined  docker   -      [IMAGE]            -        config
    [NAME:oursp]  running  podman   [PID]  localhost/[IMAGE]  [AGO]    managed
    [NAME:oursd]  running  docker   [PID]  [IMAGE]            [AGO]    managed
    [NAME:handp]  running  podman   [PID]  localhost/[IMAGE]  [AGO]    foreign
    [NAME:handd]  running  docker   [PID]  [IMAGE]            [AGO]    foreign
    --- stderr
    [EOF]
    ");

    // --backend container: valid JSON, upstream's keys first, only containers.
    let run = env.ops(&["list", "--backend", "container", "--json"]);
    run.success();
    let list = run.json();
    assert!(
        list.as_array()
            .expect("an array")
            .iter()
            .all(|row| row["backend"] == "container"),
        "{run}"
    );
    assert_eq!(rows(&list, &names).len(), names.len(), "{run}");
    let keys: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .take_while(|line| line.trim() != "}," && line.trim() != "}")
        .filter_map(|line| line.trim().strip_prefix('"')?.split('"').next())
        .collect();
    assert_eq!(
        keys[..6],
        ["name", "state", "backend", "pid", "image", "socket_name"],
        "{run}"
    );

    // --runtime: that runtime's containers, and the sessions declared for it.
    let list = env.ops(&["list", "--runtime", "podman", "--json"]).json();
    let podman_only: Vec<String> = rows(&list, &names).into_keys().collect();
    let mut want = vec![cfg_p.clone(), ours_p.clone(), hand_p.clone()];
    want.sort();
    assert_eq!(podman_only, want, "{list}");
}

fn a_container_started_by_hand_can_be_listed_status_logged_and_stopped(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("byhand");
    let id = env.run_foreign(
        rt,
        &name,
        &[
            "sh",
            "-c",
            "echo by hand; trap 'exit 0' TERM; while :; do sleep 0.1; done",
        ],
    );
    let status = env.ops(&["status", &name, "--json"]);
    insta::assert_snapshot!(status, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:byhand]",
      "state": "running",
      "backend": "container",
      "pid": [PID],
      "created_at": "[TIMESTAMP]",
      "window_count": 0,
      "socket_name": null,
      "image": "[IMAGE]",
      "exit_code": null,
      "socket_path": null,
      "runtime": "[RT]",
      "id": "[ID]",
      "origin": "foreign",
      "exit_signal": null,
      "ports": [],
      "detail": null,
      "drift": null,
      "host": null
    }
    --- stderr
    [EOF]
    "#);
    let json = status.json();
    assert_eq!(json["id"], id.as_str());

    let list = env.ops(&["list", "--json"]).json();
    let row = &rows(&list, &[&name])[name.as_str()];
    assert_eq!(summary(row), ("running", rt.as_str(), "foreign"));
    if rt == Rt::Podman {
        assert_eq!(row["pid"], json["pid"]);
    }
    assert_eq!(row["image"], rt.image_as_reported().as_str());

    env.wait_for_stdout(&["logs", &name], "by hand\n");
    insta::assert_snapshot!(env.ops(&["stop", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:byhand]",
      "backend": "container",
      "method": "graceful",
      "signal": "SIGTERM",
      "exit_code": 0,
      "removed": false,
      "leftovers_killed": 0,
      "elapsed_ms": [TIME]
    }
    --- stderr
    [EOF]
    "#);
    assert_eq!(
        env.inspect(rt, &name).expect("not removed")["State"]["Status"],
        "exited"
    );
}

fn the_same_name_in_tmux_and_a_container_is_ambiguous(rt: Rt) {
    // §11.17: upstream listed duplicates and acted on whichever it found first.
    require_tmux!();
    let env = TestEnv::on(rt);
    let name = env.name("twin");
    env.ops(&["start", &name, "-c", "sleep 300"]).success();
    env.start_container(rt, &name, "sleep 300", &[]).success();
    insta::assert_snapshot!(env.ops_each(&[
        &["stop", &name],
        &["status", &name],
        &["logs", &name],
        &["attach", &name],
    ]), @"
    $ kstlib ops stop [NAME:twin]
    exit: 3
    --- stdout
    --- stderr
    error: session '[NAME:twin]' found in several places: tmux, [RT]
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    $ kstlib ops status [NAME:twin]
    exit: 3
    --- stdout
    --- stderr
    error: session '[NAME:twin]' found in several places: tmux, [RT]
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    $ kstlib ops logs [NAME:twin]
    exit: 3
    --- stdout
    --- stderr
    error: session '[NAME:twin]' found in several places: tmux, [RT]
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    $ kstlib ops attach [NAME:twin]
    exit: 3
    --- stdout
    --- stderr
    error: session '[NAME:twin]' found in several places: tmux, [RT]
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    ");
    let json = env
        .ops(&["status", &name, "--backend", "container", "--json"])
        .json();
    assert_eq!(json["runtime"], rt.as_str());
    assert_eq!(
        env.ops(&["status", &name, "-b", "tmux", "--json"]).json()["backend"],
        "tmux"
    );
    env.ops(&["stop", &name, "--backend", "tmux"]).success();
    assert!(env.tmux_sessions(None).is_empty());
    assert_eq!(
        env.inspect(rt, &name).expect("untouched")["State"]["Running"],
        true
    );
    // Now only one is left: no option needed.
    env.ops(&["stop", &name, "-f"]).success();
    assert!(env.inspect(rt, &name).is_none());
}

#[test]
fn the_same_name_in_both_runtimes_is_ambiguous() {
    require_runtime!(Rt::Podman);
    require_runtime!(Rt::Docker);
    let env = TestEnv::new();
    let name = env.name("twin");
    for rt in Rt::ALL {
        env.start_container(rt, &name, "sleep 300", &[]).success();
    }
    insta::assert_snapshot!(env.ops_each(&[
        &["status", &name],
        &["stop", &name, "--backend", "container"],
    ]), @"
    $ kstlib ops status [NAME:twin]
    exit: 3
    --- stdout
    --- stderr
    error: session '[NAME:twin]' found in several places: podman, docker
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    $ kstlib ops stop [NAME:twin] --backend container
    exit: 3
    --- stdout
    --- stderr
    error: session '[NAME:twin]' found in several places: podman, docker
    hint: choose one with --backend, --runtime or --socket
    [EOF]
    ");
    for rt in Rt::ALL {
        let json = env
            .ops(&["status", &name, "--runtime", rt.as_str(), "--json"])
            .json();
        assert_eq!(json["runtime"], rt.as_str(), "{json}");
    }
    env.ops(&["stop", &name, "--runtime", "docker", "-f"])
        .success();
    assert!(env.inspect(Rt::Docker, &name).is_none());
    assert!(env.inspect(Rt::Podman, &name).is_some());
    assert_eq!(
        env.ops(&["status", &name, "--json"]).json()["runtime"],
        "podman"
    );
}

#[test]
fn a_hung_docker_engine_is_an_error_not_a_hang() {
    // §11.20: upstream had no timeouts; a wedged daemon hung every command.
    require_tmux!();
    if !crate::env::have("docker") {
        return;
    }
    let env = TestEnv::new();
    let session = env.name("tmuxside");
    env.ops(&["start", &session, "-c", "sleep 300"]).success();
    let engine = HungEngine::new(env.root());
    let host = engine.docker_host();
    let vars = [
        ("DOCKER_HOST", OsStr::new(&host)),
        ("KSTLIB_BACKEND_TIMEOUT", OsStr::new("1")),
    ];
    let name = env.name("hung");
    let image = test_image();
    // Generous: the point is that it ends, with a clear error, not that it is quick.
    let limit = Duration::from_secs(15);
    let mut out = String::new();
    for args in [
        vec!["status", &name, "--runtime", "docker"],
        vec!["logs", &name, "--runtime", "docker"],
        vec!["stop", &name, "--runtime", "docker"],
        vec!["attach", &name, "--runtime", "docker"],
        vec!["start", &name, "-i", &image, "--runtime", "docker"],
    ] {
        let started = Instant::now();
        let run = env.ops_with_env(&vars, &args);
        assert!(started.elapsed() < limit, "{args:?} took too long\n{run}");
        out.push_str(&format!(
            "$ kstlib ops {}\n{run}\n",
            env.redact(&args.join(" "))
        ));
    }
    insta::assert_snapshot!(out, @"
    $ kstlib ops status [NAME:hung] --runtime docker
    exit: 5
    --- stdout
    --- stderr
    error: docker cannot be used: `docker container inspect [NAME:hung]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    $ kstlib ops logs [NAME:hung] --runtime docker
    exit: 5
    --- stdout
    --- stderr
    error: docker cannot be used: `docker container inspect [NAME:hung]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    $ kstlib ops stop [NAME:hung] --runtime docker
    exit: 5
    --- stdout
    --- stderr
    error: docker cannot be used: `docker container inspect [NAME:hung]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    $ kstlib ops attach [NAME:hung] --runtime docker
    exit: 5
    --- stdout
    --- stderr
    error: docker cannot be used: `docker container inspect [NAME:hung]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    $ kstlib ops start [NAME:hung] -i [IMAGE] --runtime docker
    exit: 5
    --- stdout
    --- stderr
    error: docker cannot be used: `docker container inspect [NAME:hung]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    ");

    // `list` still lists everything else and says what it could not ask.
    // (Only the header and this test's row, without IMAGE: `list` shows every Podman
    // container too, and their IMAGE column when there are any.)
    let started = Instant::now();
    let run = env.ops_with_env(&vars, &["list"]);
    assert!(started.elapsed() < limit, "list took too long\n{run}");
    let run = run
        .stdout_lines(|line| line.starts_with("NAME ") || line.starts_with(&format!("{session} ")))
        .without_column("IMAGE");
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    NAME             STATE    BACKEND  PID    CREATED  ORIGIN
    [NAME:tmuxside]  running  tmux     [PID]  [AGO]    managed
    --- stderr
    warning: docker cannot be used: `docker ps -a --no-trunc --format …` did not answer within 1 s
    [EOF]
    ");
    let started = Instant::now();
    let json = env.ops_with_env(&vars, &["list", "--json"]);
    assert!(started.elapsed() < limit, "list took too long\n{json}");
    json.success();
    let list = json.json();
    let row = &rows(&list, &[&session])[session.as_str()];
    assert_eq!(row["backend"], "tmux");
    assert_eq!(row["state"], "running");
    assert_eq!(json.stderr, run.stderr, "the same warning");
    // Podman, which does not use DOCKER_HOST, is still asked.
    if have_runtime(Rt::Podman) {
        let podman = env.name("stillthere");
        env.run_foreign(Rt::Podman, &podman, &["sleep", "300"]);
        let list = env.ops_with_env(&vars, &["list", "--json"]).json();
        assert_eq!(rows(&list, &[&podman]).len(), 1, "{list}");
    }
}

fn a_declared_session_without_a_runtime_is_found_on_either_runtime(rt: Rt) {
    // §11.11 and DESIGN §2a: one answer for `status` and `list`. A declared session that
    // names no runtime may run on either (here: put on one with --runtime); every command
    // must find it where `list` shows it.
    let env = TestEnv::on(rt);
    let name = env.name("anyrt");
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      backend: container\n      image: {image}\n      command: sleep 300\n",
        image = test_image()
    ));
    env.ops(&["start", &name, "--runtime", rt.as_str()])
        .success();
    let list = env.ops(&["list", "--json"]).json();
    let row = &rows(&list, &[&name])[name.as_str()];
    assert_eq!(summary(row), ("running", rt.as_str(), "config"), "{row}");

    // `list` says running on rt: so does `status`.
    insta::assert_snapshot!(env.ops(&["status", &name]), @"
    exit: 0
    --- stdout
    Session: [NAME:anyrt]
      State    running
      Backend  container
      PID      [PID]
      Created  [TIMESTAMP]
      Runtime  [RT]
      Image    [IMAGE]
      ID       [ID]
      Origin   config
    --- stderr
    [EOF]
    ");
    let logs = env.ops(&["logs", &name]);
    logs.success();
    let stop = env.ops(&["stop", &name, "--force"]);
    stop.success();
    assert!(env.inspect(rt, &name).is_none(), "not stopped\n{stop}");
}

#[test]
fn a_docker_engine_that_is_down_is_exit_5_and_list_warns() {
    if !crate::env::have("docker") {
        return;
    }
    let env = TestEnv::new();
    let host = format!("unix://{}", env.root().join("no-engine.sock").display());
    let vars = [("DOCKER_HOST", OsStr::new(&host))];
    let run = env.ops_with_env(&vars, &["status", "web", "--runtime", "docker"]);
    insta::assert_snapshot!(run, @"
    exit: 5
    --- stdout
    --- stderr
    error: docker cannot be used: Cannot connect to the Docker daemon at unix://[ROOT]/no-engine.sock. Is the docker daemon running?
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    ");
    let run = env.ops_with_env(&vars, &["list", "--runtime", "docker", "--json"]);
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    []
    --- stderr
    warning: docker cannot be used: Cannot connect to the Docker daemon at unix://[ROOT]/no-engine.sock. Is the docker daemon running?
    [EOF]
    ");
}
