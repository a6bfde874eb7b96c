//! The engines' API path against the CLI path, on the real engines: the same JSON, tables,
//! exit codes and errors whichever path kstlib takes. Podman with and without its API
//! service (on a socket of the test's own); Docker over its socket and through both of
//! its CLIs (`KSTLIB_ENGINE_API=0`).

use std::ffi::OsStr;

use crate::env::{HungEngine, PodmanService, Rt, TestEnv, test_image};

/// Keeps what a run printed about this test's own containers (`list` shows the host's,
/// which come and go with other tests), cells joined by one space: the columns' widths
/// follow the other rows.
fn own_lines(text: &str, names: &[&str]) -> String {
    text.lines()
        .filter(|line| line.starts_with("NAME ") || names.iter().any(|n| line.starts_with(n)))
        .map(|line| {
            format!(
                "{}\n",
                line.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect()
}

/// `kstlib -vv ops ARGS…` with `vars`: its stderr, every request and program it made.
fn verbose(env: &TestEnv, vars: &[(&str, &OsStr)], args: &[&str]) -> String {
    let mut command = env.command();
    command.args(["-vv", "ops"]).args(args);
    for (key, value) in vars {
        command.env(key, value);
    }
    let out = command.output().expect("run kstlib");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `list --json` reduced to this test's rows.
fn own_rows(json: &serde_json::Value, names: &[&str]) -> Vec<serde_json::Value> {
    json.as_array()
        .expect("an array")
        .iter()
        .filter(|row| names.iter().any(|n| row["name"] == *n))
        .cloned()
        .collect()
}

/// Runs each command on both paths and asserts that they printed the same.
#[track_caller]
fn same_on_both_paths(
    env: &TestEnv,
    api: &[(&str, &OsStr)],
    cli: &[(&str, &OsStr)],
    names: &[&str],
    cases: &[&[&str]],
) {
    for args in cases {
        let (a, c) = (env.ops_with_env(api, args), env.ops_with_env(cli, args));
        assert_eq!(a.code, c.code, "{args:?}\napi: {a}\ncli: {c}");
        if args.contains(&"--json") && args[0] == "list" {
            assert_eq!(
                own_rows(&a.json(), names),
                own_rows(&c.json(), names),
                "{args:?}"
            );
        } else {
            // Redacted: `Created … (5 s ago)` may tick between the two runs.
            let (a_out, c_out) = (
                env.redact(&own_or_all(&a.stdout, args, names)),
                env.redact(&own_or_all(&c.stdout, args, names)),
            );
            assert_eq!(a_out, c_out, "{args:?}\napi: {a}\ncli: {c}");
        }
        assert_eq!(env.redact(&a.stderr), env.redact(&c.stderr), "{args:?}");
    }
}

fn own_or_all(stdout: &str, args: &[&str], names: &[&str]) -> String {
    if args[0] == "list" {
        own_lines(stdout, names)
    } else {
        stdout.to_owned()
    }
}

/// Containers of every kind for `rt`: a running one of kstlib's, a foreign one that
/// exited with 3 after printing, a foreign one that runs with a published port.
fn containers(env: &TestEnv, rt: Rt) -> [String; 3] {
    let (web, job, port) = (env.name("web"), env.name("job"), env.name("port"));
    env.start_container(rt, &web, "sh -c 'echo ready; exec sleep 300'", &[])
        .success();
    env.run_foreign(rt, &job, &["sh", "-c", "echo one; echo two >&2; exit 3"]);
    let image = test_image();
    // A free port, not a fixed one: other checkouts run this test at the same time.
    let published = format!("127.0.0.1:{}:80", crate::container::free_port());
    env.rt(
        rt,
        &[
            "run", "-d", "--name", &port, "-p", &published, &image, "sleep", "300",
        ],
    )
    .success();
    env.wait_for("the job to exit", || {
        env.inspect(rt, &job)
            .is_some_and(|found| found["State"]["Status"] == "exited")
    });
    [web, job, port]
}

fn cases(names: &[String; 3], rt: Rt) -> Vec<Vec<&str>> {
    let [web, job, port] = names;
    let rt = rt.as_str();
    vec![
        vec!["status", web.as_str(), "--json"],
        vec!["status", job.as_str(), "--json"],
        vec!["status", port.as_str()],
        vec!["status", job.as_str(), "--runtime", rt, "-q"],
        vec!["list", "--backend", "container", "--json"],
        vec!["list", "--backend", "container"],
        vec!["logs", job.as_str(), "-n", "1"],
        vec!["logs", job.as_str()],
        vec!["logs", web.as_str(), "-n", "5"],
        vec!["status", "nosuch-container", "--runtime", rt],
        vec!["logs", "nosuch-container", "--runtime", rt],
        vec!["stop", "nosuch-container", "--runtime", rt],
    ]
}

#[test]
fn podman_with_and_without_its_socket_gives_the_same_results() {
    crate::require_runtime!(Rt::Podman);
    let env = TestEnv::on(Rt::Podman);
    let service = PodmanService::start(env.root());
    let names = containers(&env, Rt::Podman);
    let host = service.container_host();
    let api = [("CONTAINER_HOST", OsStr::new(&host))];
    let own: Vec<&str> = names.iter().map(String::as_str).collect();
    let cases = cases(&names, Rt::Podman);
    let cases: Vec<&[&str]> = cases.iter().map(Vec::as_slice).collect();
    same_on_both_paths(&env, &api, &[], &own, &cases);
    // It did take the API: one list request, no `podman ps`.
    let stderr = verbose(
        &env,
        &api,
        &["list", "--backend", "container", "--runtime", "podman"],
    );
    assert_eq!(
        stderr.matches("/libpod/containers/json").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("running: podman"), "{stderr}");
    // Without the socket, `logs` of a name is one Podman process, not a lookup and then
    // the logs: `logs NAME` finds it.
    let stderr = verbose(&env, &[], &["logs", &names[1], "-n", "1"]);
    let spawned: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("running: podman"))
        .collect();
    assert_eq!(spawned.len(), 1, "{stderr}");
    assert!(spawned[0].contains(" logs "), "{stderr}");
    // A stop through the API climbs the same ladder as one through the CLI: `sleep` as
    // PID 1 ignores SIGTERM, so the kill follows the timeout.
    let stopped = env.ops_with_env(&api, &["stop", &names[0], "-t", "1", "--json"]);
    let report = stopped.success().json();
    assert_eq!(
        (
            report["method"].as_str(),
            report["exit_code"].as_i64(),
            report["removed"].as_bool()
        ),
        (Some("killed"), Some(137), Some(true)),
        "{stopped}"
    );
    let gone = env.ops_with_env(&api, &["logs", &names[0]]);
    assert!(
        gone.success().stdout.contains("ready"),
        "the saved log: {gone}"
    );
}

#[test]
fn a_down_or_hung_podman_socket_gives_the_clis_errors() {
    crate::require_runtime!(Rt::Podman);
    let env = TestEnv::on(Rt::Podman);
    let name = env.name("web");
    let hung = HungEngine::new(env.root());
    let down = format!("unix://{}/nonexistent.sock", env.root().display());
    let hung_host = hung.docker_host();
    let timeout = OsStr::new("1");
    for host in [down.as_str(), hung_host.as_str()] {
        let api = [
            ("CONTAINER_HOST", OsStr::new(host)),
            ("KSTLIB_BACKEND_TIMEOUT", timeout),
        ];
        let cli = [
            ("CONTAINER_HOST", OsStr::new(host)),
            ("KSTLIB_BACKEND_TIMEOUT", timeout),
            ("KSTLIB_ENGINE_API", OsStr::new("0")),
        ];
        for args in [
            vec!["status", name.as_str(), "--runtime", "podman"],
            vec!["logs", name.as_str(), "--runtime", "podman"],
            vec![
                "list",
                "--backend",
                "container",
                "--runtime",
                "podman",
                "--json",
            ],
        ] {
            let (a, c) = (env.ops_with_env(&api, &args), env.ops_with_env(&cli, &args));
            let (a_text, mut c_text) = (env.redact(&a.to_string()), env.redact(&c.to_string()));
            if args[0] == "logs" {
                // The CLI path's one call is `logs NAME` (the lookup and the lines at
                // once); the API path, its engine gone, falls back to the CLI's lookup.
                c_text = c_text.replace("`[RT] logs ", "`[RT] container inspect ");
            }
            assert_eq!(a_text, c_text, "{host} {args:?}");
            if args[0] != "list" {
                a.code(5);
            }
        }
    }
    let api = [
        ("CONTAINER_HOST", OsStr::new(&hung_host)),
        ("KSTLIB_BACKEND_TIMEOUT", timeout),
    ];
    insta::assert_snapshot!(env.ops_with_env(&api, &["status", &name, "--runtime", "podman"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: [RT] cannot be used: `[RT] container inspect [NAME:web]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    ");
    let cli = [
        ("CONTAINER_HOST", OsStr::new(&hung_host)),
        ("KSTLIB_BACKEND_TIMEOUT", timeout),
        ("KSTLIB_ENGINE_API", OsStr::new("0")),
    ];
    insta::assert_snapshot!(env.ops_with_env(&cli, &["logs", &name, "--runtime", "podman"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: [RT] cannot be used: `[RT] logs [NAME:web]` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    ");
}

#[test]
fn docker_over_its_socket_and_through_both_clis_gives_the_same_results() {
    crate::require_runtime!(Rt::Docker);
    let Some(env) = TestEnv::on(Rt::Docker).with_docker_cli_20() else {
        return;
    };
    let names = containers(&env, Rt::Docker);
    let own: Vec<&str> = names.iter().map(String::as_str).collect();
    let cases = cases(&names, Rt::Docker);
    let cases: Vec<&[&str]> = cases.iter().map(Vec::as_slice).collect();
    let cli = [("KSTLIB_ENGINE_API", OsStr::new("0"))];
    // CLI 20.10 first on PATH here; CLI 28 at /usr/local/bin for the second round.
    same_on_both_paths(&env, &[], &cli, &own, &cases);
    let cli28 = TestEnv::on(Rt::Docker);
    for name in &names {
        cli28.adopt(name);
    }
    same_on_both_paths(&cli28, &[], &cli, &own, &cases);
    let stderr = verbose(
        &env,
        &[],
        &["list", "--backend", "container", "--runtime", "docker"],
    );
    assert_eq!(
        stderr.matches("/containers/json?all=true").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("running: docker"), "{stderr}");
}
