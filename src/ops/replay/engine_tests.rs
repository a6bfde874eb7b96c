//! The runner on the engine's API path, against a fake engine answering what the real
//! ones answered (recorded bodies), next to the CLI path: the same statuses, errors and
//! exit codes on both. The real engines are in the integration tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::recordings::*;
use super::{Recording, Replay, failure, name, no_log_files};
use crate::cli::exit;
use crate::ops::backend::{LogOptions, SessionBackend, StopOptions};
use crate::ops::container::engine::fake::{Exchange, FakeEngine, answer, docker_ping, podman_ping};
use crate::ops::error::Error;
use crate::ops::model::{Runtime, StopMethod};
use crate::ops::{ContainerRunner, SessionStatus};

/// The body the API answers for `container inspect`: the one object of the CLI's array.
fn api_body(recording: &Recording) -> String {
    let text = String::from_utf8_lossy(recording.stdout);
    let text = text.trim();
    text.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .expect("an inspect array")
        .trim()
        .to_owned()
}

fn prefix(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Docker => "/v1.41",
        Runtime::Podman => "/v4.3.1/libpod",
    }
}

fn ping(runtime: Runtime) -> Exchange {
    match runtime {
        Runtime::Docker => docker_ping(),
        Runtime::Podman => podman_ping(),
    }
}

/// `METHOD /vX/containers/REST ` as the fake engine expects it.
fn request(runtime: Runtime, method: &str, rest: &str) -> &'static str {
    Box::leak(format!("{method} {}/containers/{rest} ", prefix(runtime)).into_boxed_str())
}

fn json(status: &str, body: &str) -> String {
    answer(status, &[("Content-Type", "application/json")], body)
}

/// A runner whose CLI expects `cli` and whose engine is `engine`.
fn runner(runtime: Runtime, cli: Replay, engine: &FakeEngine) -> (ContainerRunner, Arc<Replay>) {
    let replay = cli.shared();
    let runner = ContainerRunner::with_executor(runtime, replay.clone())
        .with_logs(no_log_files())
        .with_engine_at(engine.path().to_owned());
    (runner, replay)
}

const RUNNING: [(Runtime, &str, &Recording); 3] = [
    (
        Runtime::Docker,
        "replay-docker20-web",
        &DOCKER20_RUNNING_INSPECT,
    ),
    (
        Runtime::Docker,
        "replay-docker28-web",
        &DOCKER28_RUNNING_INSPECT,
    ),
    (
        Runtime::Podman,
        "replay-podman-web",
        &PODMAN_RUNNING_INSPECT,
    ),
];

#[test]
fn a_running_container_reads_the_same_through_the_api_and_the_cli() {
    for (runtime, web, recording) in RUNNING {
        let path = format!("{web}/json");
        let engine = FakeEngine::new(vec![
            ping(runtime),
            (
                request(runtime, "GET", &path),
                json("200 OK", &api_body(recording)),
            ),
        ]);
        let (api, _) = runner(runtime, Replay::new(), &engine);
        let through_api = api.status(&name(web)).expect("status");
        engine.check();
        let leaked: &'static str = Box::leak(web.to_owned().into_boxed_str());
        let replay = Replay::new()
            .then(
                runtime.as_str(),
                &["container", "inspect", leaked],
                recording,
            )
            .shared();
        let cli = ContainerRunner::with_executor(runtime, replay.clone()).with_logs(no_log_files());
        let through_cli = cli.status(&name(web)).expect("status");
        let as_json = |status: &SessionStatus| serde_json::to_value(status).expect("json");
        assert_eq!(as_json(&through_api), as_json(&through_cli), "{web}");
    }
}

#[test]
fn no_such_container_is_session_not_found_on_the_api_path_too() {
    // Recorded 404 bodies of Docker 20.10 and Podman 4.3.
    for (runtime, body) in [
        (
            Runtime::Docker,
            r#"{"message":"No such container: replay-web"}"#,
        ),
        (
            Runtime::Podman,
            r#"{"cause":"no such container","message":"no container with name or ID \"replay-web\" found: no such container","response":404}"#,
        ),
    ] {
        type Call = fn(&ContainerRunner) -> crate::ops::Result<()>;
        let verbs: [Call; 3] = [
            |r| r.status(&name("replay-web")).map(drop),
            |r| {
                r.logs(&name("replay-web"), &LogOptions::default())
                    .map(drop)
            },
            |r| {
                r.stop(&name("replay-web"), &StopOptions::default())
                    .map(drop)
            },
        ];
        for verb in verbs {
            let engine = FakeEngine::new(vec![
                ping(runtime),
                (
                    request(runtime, "GET", "replay-web/json"),
                    json("404 Not Found", body),
                ),
            ]);
            let (runner, _) = runner(runtime, Replay::new(), &engine);
            let err = failure(
                verb(&runner),
                "container session 'replay-web' not found",
                exit::NOT_FOUND,
            );
            assert!(matches!(err, Error::SessionNotFound { .. }), "{err:?}");
            engine.check();
        }
    }
}

#[test]
fn a_hung_engine_is_unavailable_in_the_clis_words() {
    // The same message as `a_hung_engine_is_unavailable` of the CLI path: the command
    // named is the one the CLI would have run. (The runner's fake engine gives up after
    // 0.5 s; the real limit is the backend timeout.)
    for runtime in Runtime::ALL {
        let engine = FakeEngine::hung();
        let (runner, _) = runner(runtime, Replay::new(), &engine);
        let started = Instant::now();
        let err = runner.status(&name("replay-web")).expect_err("hung");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "bounded by the time limit"
        );
        assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
        assert_eq!(exit::code(err.kind()), exit::UNAVAILABLE);
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "{runtime} cannot be used: `{runtime} container inspect replay-web` did not \
                 answer within "
            )),
            "{message}"
        );
    }
}

#[test]
fn a_socket_that_does_not_answer_leaves_every_verb_to_the_cli() {
    // Nobody listens (a stale socket file, a stopped service): the CLI answers, in its own
    // words, once for each call; the socket is not tried again.
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("gone.sock");
    drop(std::os::unix::net::UnixListener::bind(&socket).expect("bind"));
    let replay = Replay::new()
        .then(
            "docker",
            &["container", "inspect", "replay-web"],
            &DOCKER20_DOWN_INSPECT,
        )
        .then("docker", &["ps", "-a"], &DOCKER20_DOWN_PS)
        .shared();
    let runner = ContainerRunner::with_executor(Runtime::Docker, replay.clone())
        .with_logs(no_log_files())
        .with_engine_at(socket);
    let message = "docker cannot be used: Cannot connect to the Docker daemon at \
                   unix:///nonexistent.sock. Is the docker daemon running?";
    failure(
        runner.status(&name("replay-web")),
        message,
        exit::UNAVAILABLE,
    );
    failure(runner.list_sessions(), message, exit::UNAVAILABLE);
}

#[test]
fn stop_of_a_container_that_exits_before_the_kill_is_graceful_on_the_api_path_too() {
    // The kill's refusal ("is not running", "can only kill running containers") is read
    // as on the CLI path: what stop wanted.
    for (runtime, web, running, refusal, exited) in [
        (
            Runtime::Docker,
            "replay-docker20-web",
            &DOCKER20_RUNNING_INSPECT,
            (
                "409 Conflict",
                r#"{"message":"Cannot kill container: replay-docker20-web: Container 6d5a is not running"}"#,
            ),
            &DOCKER20_KILLED_INSPECT,
        ),
        (
            Runtime::Podman,
            "replay-podman-web",
            &PODMAN_RUNNING_INSPECT,
            (
                "500 Internal Server Error",
                r#"{"cause":"container state improper","message":"can only kill running containers. 6d5a is in state exited: container state improper","response":500}"#,
            ),
            &PODMAN_KILLED_INSPECT,
        ),
    ] {
        let inspect = format!("{web}/json");
        let wait = match runtime {
            Runtime::Docker => format!("{web}/wait?condition=not-running"),
            Runtime::Podman => format!("{web}/wait?condition=stopped&condition=exited"),
        };
        let engine = FakeEngine::new(vec![
            ping(runtime),
            (
                request(runtime, "GET", &inspect),
                json("200 OK", &api_body(running)),
            ),
            (
                request(runtime, "POST", &format!("{web}/kill?signal=SIGTERM")),
                json(refusal.0, refusal.1),
            ),
            (
                request(runtime, "POST", &wait),
                json("200 OK", r#"{"StatusCode":137}"#),
            ),
            (
                request(runtime, "GET", &inspect),
                json("200 OK", &api_body(exited)),
            ),
            (
                request(runtime, "DELETE", web),
                answer("204 No Content", &[], ""),
            ),
        ]);
        let (runner, _) = runner(runtime, Replay::new(), &engine);
        let report = runner
            .stop(&name(web), &StopOptions::default())
            .expect("stopped");
        assert_eq!(
            (
                report.method,
                report.signal.as_deref(),
                report.exit_code,
                report.removed
            ),
            (StopMethod::Graceful, Some("SIGTERM"), Some(137), true),
            "{web}"
        );
        engine.check();
    }
}
