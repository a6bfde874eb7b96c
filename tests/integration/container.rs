//! The container backend through the CLI, against the real Docker engine and Podman:
//! starting (ad hoc and declared), options, existing containers and failed starts. Every
//! scenario runs on both runtimes (`NAME::podman`, `NAME::docker`). Tests that pin an
//! upstream bug are named after it (numbers are sections of the upstream reference).

use crate::env::{Rt, TestEnv, test_image};
use crate::on_both_runtimes;

/// A program that runs until it is stopped.
const FOREVER: &str = "sleep 300";

/// A TCP port that was free a moment ago, for `-p 127.0.0.1:PORT:80`.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// Waits until `path` exists and holds a complete line, and returns its text.
#[track_caller]
pub fn wait_for_file(env: &TestEnv, path: &std::path::Path) -> String {
    env.wait_for(&format!("{}", path.display()), || {
        std::fs::read_to_string(path).is_ok_and(|text| text.ends_with('\n'))
    });
    std::fs::read_to_string(path).expect("read")
}

on_both_runtimes!(
    exec_runs_a_command_in_the_container_with_its_exit_code,
    start_ad_hoc_reports_a_running_labelled_container,
    options_from_the_command_line_reach_the_container,
    a_declared_session_runs_with_paths_relative_to_its_config_file,
    runtime_precedence_cli_then_session_then_container_runtime,
    default_backend_container_makes_ad_hoc_sessions_containers,
    a_running_container_is_not_started_twice,
    a_stopped_container_of_ours_is_started_again_or_recreated,
    a_stopped_foreign_container_is_started_as_it_is,
    a_program_that_exits_at_once_is_a_failed_start_and_leaves_nothing,
    a_missing_image_is_one_clear_line,
    a_port_in_use_is_a_failed_start_not_an_existing_session,
    one_character_names_are_refused_for_containers,
    inspect_matches_only_containers_not_images_volumes_or_networks,
    a_name_that_is_a_prefix_of_a_container_id_is_not_that_container,
    created_and_paused_containers_have_one_state_in_status_and_list,
);

fn start_ad_hoc_reports_a_running_labelled_container(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("adhoc");
    insta::assert_snapshot!(env.start_container(rt, &name, FOREVER, &[]), @"
    exit: 0
    --- stdout
    Session '[NAME:adhoc]' started ([RT], pid [PID]).
    --- stderr
    [EOF]
    ");

    let status = env.ops(&["status", &name, "--json"]);
    insta::assert_snapshot!(status, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:adhoc]",
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
    let json = status.json();
    assert_eq!(json["image"], rt.image_as_reported().as_str());
    // The host PID of the container's main process, not the runtime's or a shim's.
    crate::env::assert_created_and_program(&json, "sleep");

    // What the runtime itself says: the same container, with kstlib's labels on it.
    let inspect = env.inspect(rt, &name).expect("the container exists");
    assert_eq!(json["id"], inspect["Id"]);
    let labels = &inspect["Config"]["Labels"];
    assert_eq!(labels["io.kstlib.ops.managed"], "1", "{labels}");
    assert_eq!(labels["io.kstlib.ops.session"], name.as_str(), "{labels}");
    let hash = labels["io.kstlib.ops.config-hash"]
        .as_str()
        .expect("config-hash label");
    assert!(
        hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{hash}"
    );

    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: running\n")
    );
    insta::assert_snapshot!(env.ops(&["status", &name]), @"
    exit: 0
    --- stdout
    Session: [NAME:adhoc]
      State    running
      Backend  container
      PID      [PID]
      Created  [TIMESTAMP]
      Runtime  [RT]
      Image    [IMAGE]
      ID       [ID]
      Origin   managed
    --- stderr
    [EOF]
    ");
}

fn options_from_the_command_line_reach_the_container(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("opts");
    let data = env.root().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let port = free_port();
    let volume = format!("{}:/data", data.display());
    let publish = format!("127.0.0.1:{port}:80");
    env.start_container(
        rt,
        &name,
        "sh -c 'pwd > where; echo \"$MODE/$MULTI\" >> where; exec sleep 300'",
        &[
            "-v",
            &volume,
            "-w",
            "/data",
            "-e",
            "MODE=paper",
            "-e",
            "MULTI=a b",
            "-p",
            &publish,
        ],
    )
    .success();
    // The program ran in /data (the volume), saw its environment, and wrote on the host.
    assert_eq!(
        wait_for_file(&env, &data.join("where")),
        "/data\npaper/a b\n"
    );
    let json = env.ops(&["status", &name, "--json"]).json();
    assert_eq!(
        json["ports"],
        serde_json::json!([format!("127.0.0.1:{port}->80/tcp")])
    );

    // A container's working directory is a path inside it: a relative one is refused.
    let other = env.name("relwd");
    let run = env.start_container(rt, &other, FOREVER, &["-w", "data"]);
    insta::assert_snapshot!(run, @"
    exit: 3
    --- stdout
    --- stderr
    error: invalid working directory 'data': a container's working directory must be an absolute path inside the container
    [EOF]
    ");
    assert!(env.inspect(rt, &other).is_none());
}

fn a_declared_session_runs_with_paths_relative_to_its_config_file(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("declared");
    let project = env.root().join("project");
    for dir in ["data", "logs"] {
        std::fs::create_dir_all(project.join(dir)).expect("mkdir");
    }
    let port = free_port();
    env.redact_as(&format!("127.0.0.1:{port}"), "127.0.0.1:[PORT]");
    let config = env.write(
        &project.join("kstlib.conf.yml"),
        &format!(
            r#"
ops:
  sessions:
    {name}:
      backend: container
      image: {image}
      runtime: {rt}
      command: [sh, -c, 'pwd > where; echo "$MODE" >> where; echo started > /logs/app.log; exec sleep 300']
      working_dir: /data
      env:
        MODE: live
      volumes:
        - ./data:/data
      log_volume: ./logs:/logs
      ports:
        - "127.0.0.1:{port}:80"
"#,
            image = test_image()
        ),
    );
    let config = config.to_str().expect("utf-8");
    // Run from elsewhere: `./data` means next to the config file, not the working directory.
    let ops = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--config", config]);
        env.ops(&args)
    };
    assert_eq!(
        ops(&["status", &name, "-q"]).stdout,
        format!("{name}: defined\n")
    );
    insta::assert_snapshot!(ops(&["start", &name]), @"
    exit: 0
    --- stdout
    Session '[NAME:declared]' started ([RT], pid [PID]).
    --- stderr
    [EOF]
    ");
    assert_eq!(
        wait_for_file(&env, &project.join("data/where")),
        "/data\nlive\n"
    );
    assert_eq!(
        wait_for_file(&env, &project.join("logs/app.log")),
        "started\n"
    );
    assert!(!env.cwd.join("data").exists());

    insta::assert_snapshot!(ops(&["status", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:declared]",
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
      "origin": "config",
      "exit_signal": null,
      "ports": [
        "127.0.0.1:[PORT]->80/tcp"
      ],
      "detail": null,
      "drift": false,
      "host": null
    }
    --- stderr
    [EOF]
    "#);
    let labels = &env.inspect(rt, &name).expect("exists")["Config"]["Labels"];
    assert_eq!(labels["io.kstlib.ops.session"], name.as_str());

    // Stopped, it is gone from the runtime and back to `defined`.
    ops(&["stop", &name, "-t", "0.5"]).success();
    assert!(env.inspect(rt, &name).is_none());
    assert_eq!(
        ops(&["status", &name, "-q"]).stdout,
        format!("{name}: defined\n")
    );
}

fn runtime_precedence_cli_then_session_then_container_runtime(rt: Rt) {
    // §11.10: upstream ignored `container_runtime` for ad-hoc sessions, and had no
    // `--runtime` at all.
    crate::require_runtime!(rt.other());
    let env = TestEnv::on(rt);
    let other = rt.other();
    let [adhoc, pinned, overridden, cli] = ["adhoc", "pinned", "over", "cli"].map(|b| env.name(b));
    let image = test_image();
    env.write_config(&format!(
        "ops:\n  container_runtime: {other}\n  sessions:\n    {pinned}:\n      backend: container\n      image: {image}\n      command: {FOREVER}\n      runtime: {rt}\n    {overridden}:\n      backend: container\n      image: {image}\n      command: {FOREVER}\n      runtime: {other}\n"
    ));
    // Ad hoc: ops.container_runtime. Declared: the session's own `runtime`, over
    // ops.container_runtime. --runtime over the session's `runtime`, and over
    // ops.container_runtime.
    insta::assert_snapshot!(env.ops_each(&[
        &["start", &adhoc, "-i", &image, "-c", FOREVER],
        &["start", &pinned],
        &["start", &overridden, "--runtime", rt.as_str()],
        &["start", &cli, "-i", &image, "-c", FOREVER, "--runtime", rt.as_str()],
    ]), @"
    $ kstlib ops start [NAME:adhoc] -i [IMAGE] -c 'sleep 300'
    exit: 0
    --- stdout
    Session '[NAME:adhoc]' started ([OTHER], pid [PID]).
    --- stderr
    [EOF]
    $ kstlib ops start [NAME:pinned]
    exit: 0
    --- stdout
    Session '[NAME:pinned]' started ([RT], pid [PID]).
    --- stderr
    [EOF]
    $ kstlib ops start [NAME:over] --runtime [RT]
    exit: 0
    --- stdout
    Session '[NAME:over]' started ([RT], pid [PID]).
    --- stderr
    [EOF]
    $ kstlib ops start [NAME:cli] -i [IMAGE] -c 'sleep 300' --runtime [RT]
    exit: 0
    --- stdout
    Session '[NAME:cli]' started ([RT], pid [PID]).
    --- stderr
    [EOF]
    ");
    for (name, expected) in [
        (&adhoc, other),
        (&pinned, rt),
        (&overridden, rt),
        (&cli, rt),
    ] {
        assert!(
            env.inspect(expected, name).is_some(),
            "{name} on {expected}"
        );
        assert!(
            env.inspect(expected.other(), name).is_none(),
            "{name} not on {}",
            expected.other()
        );
    }
    // A declared session started elsewhere with --runtime is found there with --runtime.
    let run = env.ops(&["status", &overridden, "--runtime", rt.as_str(), "--json"]);
    insta::assert_snapshot!(run, @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:over]",
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
      "origin": "config",
      "exit_signal": null,
      "ports": [],
      "detail": null,
      "drift": false,
      "host": null
    }
    --- stderr
    [EOF]
    "#);
}

fn default_backend_container_makes_ad_hoc_sessions_containers(rt: Rt) {
    let env = TestEnv::on(rt);
    let [adhoc, declared] = ["adhoc", "decl"].map(|b| env.name(b));
    env.write_config(&format!(
        "ops:\n  default_backend: container\n  container_runtime: {rt}\n  sessions:\n    {declared}:\n      image: {image}\n      command: {FOREVER}\n",
        image = test_image()
    ));
    // A container needs an image: without one the start says so (tmux would need none).
    insta::assert_snapshot!(env.ops(&["start", &adhoc, "-c", FOREVER]), @"
    exit: 3
    --- stdout
    --- stderr
    error: container session '[NAME:adhoc]' has no image
      |
      = help: pass --image, or declare '[NAME:adhoc]' with an `image:` in kstlib.conf.yml
    [EOF]
    ");
    env.ops(&["start", &adhoc, "-i", &test_image(), "-c", FOREVER])
        .success();
    env.ops(&["start", &declared]).success();
    for name in [&adhoc, &declared] {
        let json = env.ops(&["status", name, "--json"]).json();
        assert_eq!(json["backend"], "container", "{json}");
        assert_eq!(json["runtime"], rt.as_str(), "{json}");
        assert_eq!(json["state"], "running", "{json}");
    }
    assert!(env.tmux_sessions(None).is_empty());
}

fn a_running_container_is_not_started_twice(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("dup");
    env.start_container(rt, &name, FOREVER, &[]).success();
    let id = env.inspect(rt, &name).expect("exists")["Id"].clone();
    insta::assert_snapshot!(env.start_container(rt, &name, FOREVER, &[]), @"
    exit: 1
    --- stdout
    --- stderr
    error: [RT] session '[NAME:dup]' already exists
    hint: stop it first with `kstlib ops stop [NAME:dup]`, or attach with `kstlib ops attach [NAME:dup]`
    [EOF]
    ");
    let after = env.inspect(rt, &name).expect("still there");
    assert_eq!(after["Id"], id);
    assert_eq!(after["State"]["Running"], true);
}

fn a_stopped_container_of_ours_is_started_again_or_recreated(rt: Rt) {
    // §11.8: upstream restarted an old container as it was, whatever the config said.
    let env = TestEnv::on(rt);
    let name = env.name("again");
    let command = "sh -c 'echo X=$X; exec sleep 300'";
    let id = |env: &TestEnv| {
        env.ops(&["status", &name, "--json"]).json()["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    env.start_container(rt, &name, command, &["-e", "X=1"])
        .success();
    let first = id(&env);
    env.ops(&["stop", &name, "--force", "--keep"]).success();
    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: exited\n")
    );

    // Same config: the same container, started again (its old output is still there).
    env.start_container(rt, &name, command, &["-e", "X=1"])
        .success();
    assert_eq!(id(&env), first);
    env.wait_for_stdout(&["logs", &name], "X=1\nX=1\n");

    // Another config: a new container with the new config.
    env.ops(&["stop", &name, "--force", "--keep"]).success();
    env.start_container(rt, &name, command, &["-e", "X=2"])
        .success();
    assert_ne!(id(&env), first);
    env.wait_for_stdout(&["logs", &name], "X=2\n");
    let inspect = env.inspect(rt, &name).expect("exists");
    let env_vars = inspect["Config"]["Env"].to_string();
    assert!(env_vars.contains("\"X=2\""), "{env_vars}");
}

fn a_stopped_foreign_container_is_started_as_it_is(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("byhand");
    let id = env.run_foreign(rt, &name, &["sh", "-c", "echo by hand; exec sleep 300"]);
    // Killed once it has spoken: its first words are part of what `logs` shows later.
    env.wait_for_stdout(&["logs", &name], "by hand\n");
    env.rt(rt, &["kill", &name]).success();
    env.wait_for_stdout(&["status", &name, "-q"], &format!("{name}: exited\n"));
    // Neither the image nor the command given here replace what it was created with.
    let run = env.start_container(rt, &name, "sh -c 'echo replaced; exec sleep 300'", &[]);
    run.success();
    let json = env.ops(&["status", &name, "--json"]).json();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["state"], "running");
    assert_eq!(json["origin"], "foreign");
    env.wait_for_stdout(&["logs", &name], "by hand\nby hand\n");
    let labels = &env.inspect(rt, &name).expect("exists")["Config"]["Labels"];
    assert!(
        labels.get("io.kstlib.ops.managed").is_none(),
        "not labelled as ours: {labels}"
    );
}

fn a_program_that_exits_at_once_is_a_failed_start_and_leaves_nothing(rt: Rt) {
    // §11.5: upstream reported such a start as a success.
    let env = TestEnv::on(rt);
    let name = env.name("boom");
    let run = env.start_container(
        rt,
        &name,
        "sh -c 'echo starting; echo cannot open config >&2; exit 3'",
        &[],
    );
    insta::assert_snapshot!(run, @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start container session '[NAME:boom]': the program exited right after starting (exit code 3)
    last output:
      | starting
      | cannot open config
    [EOF]
    ");
    assert!(env.inspect(rt, &name).is_none(), "left behind");
    env.ops(&["status", &name]).code(4);
}

fn a_missing_image_is_one_clear_line(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("noimg");
    let run = env.ops(&[
        "start",
        &name,
        "-i",
        "kstlib-test/no-such-image:1",
        "-c",
        FOREVER,
        "--runtime",
        rt.as_str(),
    ]);
    insta::assert_snapshot!(run, @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to start container session '[NAME:noimg]': image 'kstlib-test/no-such-image:1' not found in [RT]: it is not a local image and could not be pulled
    [EOF]
    ");
    assert!(env.inspect(rt, &name).is_none(), "left behind");
}

fn a_port_in_use_is_a_failed_start_not_an_existing_session(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("busyport");
    // Held by the test for the whole run.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    env.redact_as(&format!("127.0.0.1:{port}"), "127.0.0.1:[PORT]");
    let publish = format!("127.0.0.1:{port}:80");
    let run = env.start_container(rt, &name, FOREVER, &["-p", &publish]);
    // Each runtime says it in its own words.
    match rt {
        Rt::Podman => insta::assert_snapshot!(run, @r#"
        exit: 1
        --- stdout
        --- stderr
        error: failed to start container session '[NAME:busyport]': Error: cannot listen on the TCP port: listen tcp4 127.0.0.1:[PORT]: bind: address already in use
          time="[TIMESTAMP]" level=warning msg="The input device is not a TTY. The --tty and --interactive flags might not work properly"
        [EOF]
        "#),
        Rt::Docker => insta::assert_snapshot!(run, @"
        exit: 1
        --- stdout
        --- stderr
        error: failed to start container session '[NAME:busyport]': [RT]: Error response from daemon: driver failed programming external connectivity on endpoint [NAME:busyport] ([ID]): Error starting userland proxy: listen tcp4 127.0.0.1:[PORT]: bind: address already in use
          Run '[RT] run --help' for more information
        [EOF]
        "),
    }
    // The runtime created the container before failing to publish the port: removed.
    assert!(env.inspect(rt, &name).is_none(), "left behind");
    drop(taken);
}

fn one_character_names_are_refused_for_containers(rt: Rt) {
    // Docker refuses them and Podman accepts them: refused on both, before running anything.
    let env = TestEnv::on(rt);
    insta::assert_snapshot!(env.start_container(rt, "x", FOREVER, &[]), @"
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name 'x': is too short for a container: Docker requires at least 2 characters
    [EOF]
    ");
}

fn inspect_matches_only_containers_not_images_volumes_or_networks(rt: Rt) {
    // §11.2: upstream's bare `inspect` took an image, volume or network of the session's name
    // for a stopped container, and `start` then failed with "Failed to restart".
    let env = TestEnv::on(rt);
    let name = env.name("obj");
    env.rt(rt, &["tag", &test_image(), &name]).success();
    env.remove_on_drop(rt, &["rmi", &name]);
    env.rt(rt, &["volume", "create", &name]).success();
    env.remove_on_drop(rt, &["volume", "rm", "-f", &name]);
    // Podman's network setup sometimes fails while other tests create and remove
    // containers ("route ip+net: no such network interface"); that is not what this tests.
    let created = (0..5).any(|_| env.rt(rt, &["network", "create", &name]).code == Some(0));
    assert!(created, "could not create the network {name}");
    env.remove_on_drop(rt, &["network", "rm", &name]);

    insta::assert_snapshot!(env.ops_each(&[
        &["status", &name],
        &["status", &name, "--runtime", rt.as_str()],
        &["logs", &name, "--runtime", rt.as_str()],
        &["stop", &name, "--runtime", rt.as_str()],
    ]), @"
    $ kstlib ops status [NAME:obj]
    exit: 4
    --- stdout
    --- stderr
    error: session '[NAME:obj]' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    $ kstlib ops status [NAME:obj] --runtime [RT]
    exit: 4
    --- stdout
    --- stderr
    error: session '[NAME:obj]' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    $ kstlib ops logs [NAME:obj] --runtime [RT]
    exit: 4
    --- stdout
    --- stderr
    error: session '[NAME:obj]' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    $ kstlib ops stop [NAME:obj] --runtime [RT]
    exit: 4
    --- stdout
    --- stderr
    error: session '[NAME:obj]' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    ");
    // The runtimes' default networks are not containers either (upstream: `status podman`
    // and `status bridge` reported a stopped container).
    let network = match rt {
        Rt::Podman => "podman",
        Rt::Docker => "bridge",
    };
    env.ops(&["status", network, "--runtime", rt.as_str()])
        .code(4);

    env.start_container(rt, &name, FOREVER, &[]).success();
    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: running\n")
    );
}

fn a_name_that_is_a_prefix_of_a_container_id_is_not_that_container(rt: Rt) {
    // Both runtimes' `inspect` also match ID prefixes: a session name that happens to be
    // the start of another container's ID must not find that container.
    let env = TestEnv::on(rt);
    let image = test_image();
    // Session names start with a letter: create (never start) containers until one's ID
    // starts with a-f (6 IDs in 16 do; 40 misses in a row happen once in 10^8).
    let id = (0..40)
        .map(|_| {
            let name = env.name("idsrc");
            env.rt(rt, &["create", "--name", &name, &image, "sleep", "300"])
                .stdout
                .trim()
                .to_owned()
        })
        .find(|id| id.starts_with(|c: char| matches!(c, 'a'..='f')))
        .expect("an ID starting with a letter");
    let prefix = &id[..12];
    env.adopt(prefix);
    env.ops(&["status", prefix, "--runtime", rt.as_str()])
        .code(4);
    env.ops(&["stop", prefix, "--runtime", rt.as_str()]).code(4);
    env.start_container(rt, prefix, FOREVER, &[]).success();
    let json = env.ops(&["status", prefix, "--json"]).json();
    assert_eq!(json["name"], prefix);
    assert_ne!(json["id"], id.as_str());
    env.ops(&["stop", prefix, "-f"]).success();
    assert!(
        env.inspect(rt, &id).is_some(),
        "the other container was touched"
    );
}

fn created_and_paused_containers_have_one_state_in_status_and_list(rt: Rt) {
    // §11.12: upstream's `status` and `list` disagreed on `created`, and a paused container
    // was `running` on Docker but `stopped` on Podman.
    let env = TestEnv::on(rt);
    let name = env.name("states");
    let image = test_image();
    env.rt(
        rt,
        &[
            "create",
            "--name",
            &name,
            &image,
            "sh",
            "-c",
            "trap 'exit 0' TERM; while :; do sleep 0.1; done",
        ],
    )
    .success();
    let state_everywhere = |env: &TestEnv| {
        let status = env.ops(&["status", &name, "--json"]).json();
        let list = env.ops(&["list", "--json"]).json();
        let row = list
            .as_array()
            .expect("an array")
            .iter()
            .find(|row| row["name"] == name.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing: {list}"));
        assert_eq!(row["state"], status["state"], "list {row}\nstatus {status}");
        // Docker's `ps` has no PIDs: only Podman's rows can be compared.
        if rt == Rt::Podman {
            assert_eq!(row["pid"], status["pid"], "list {row}\nstatus {status}");
        }
        status["state"].as_str().expect("state").to_owned()
    };
    // Created, never started.
    assert_eq!(state_everywhere(&env), "stopped");
    // Started as it is (it is not ours: `-b container` says where to look, no image needed).
    env.ops(&["start", &name, "-b", "container", "--runtime", rt.as_str()])
        .success();
    assert_eq!(state_everywhere(&env), "running");
    env.rt(rt, &["pause", &name]).success();
    assert_eq!(state_everywhere(&env), "paused");
    assert!(
        env.ops(&["status", &name, "--json"]).json()["pid"].is_u64(),
        "a paused program is still there"
    );
    // A paused program cannot handle its stop signal: it is resumed first.
    insta::assert_snapshot!(env.ops(&["stop", &name, "--json"]), @r#"
    exit: 0
    --- stdout
    {
      "name": "[NAME:states]",
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
    assert_eq!(state_everywhere(&env), "exited");
}

#[test]
fn a_missing_runtime_is_exit_5_with_a_hint() {
    let env = TestEnv::new();
    // A PATH with neither podman nor docker on it.
    let empty = env.root().join("empty-path");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let path = [("PATH", empty.as_os_str())];
    let run = env.ops_with_env(&path, &["status", "web", "--runtime", "docker"]);
    insta::assert_snapshot!(run, @"
    exit: 5
    --- stdout
    --- stderr
    error: container runtime 'docker' not found in PATH
    hint: install podman or docker (apt-get install podman), or set ops.container_runtime
    [EOF]
    ");
    let run = env.ops_with_env(&path, &["start", "web", "-i", &test_image()]);
    insta::assert_snapshot!(run, @"
    exit: 5
    --- stdout
    --- stderr
    error: no container runtime found: neither podman nor docker is in PATH
    hint: install podman or docker (apt-get install podman), or set ops.container_runtime
    [EOF]
    ");
    // `list` has nothing to ask and nothing to complain about.
    let run = env.ops_with_env(&path, &["list", "--json"]);
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    []
    --- stderr
    [EOF]
    ");
}

fn exec_runs_a_command_in_the_container_with_its_exit_code(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("ex");
    env.start_container(rt, &name, FOREVER, &["-e", "GREETING=hi there"])
        .success();
    let run = env.ops(&["exec", &name, "--", "sh", "-c", "echo \"$GREETING\""]);
    run.success();
    assert_eq!(run.stdout, "hi there\n");
    // kstlib is replaced by the runtime's exec: the command's exit code is the answer.
    env.ops(&["exec", &name, "--", "sh", "-c", "exit 3"])
        .code(3);
    // No shell in between: `;` and `$HOME` reach the program as they are.
    let run = env.ops(&["exec", &name, "--", "echo", "a;", "$HOME"]);
    assert_eq!(run.stdout, "a; $HOME\n");
}
