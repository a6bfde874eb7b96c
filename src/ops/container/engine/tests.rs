//! The client against fake engines: negotiation, answers, a hung engine, a missing one.

use std::time::{Duration, Instant};

use super::fake::{FakeEngine, answer, docker_ping, podman_ping};
use super::*;

const LIMIT: Duration = Duration::from_secs(5);

fn frame(stream: u8, payload: &str) -> String {
    let mut text = String::from_utf8(vec![stream, 0, 0, 0]).expect("ascii");
    let size = u32::try_from(payload.len()).expect("small").to_be_bytes();
    text.push_str(std::str::from_utf8(&size).expect("a short payload's size is ascii"));
    text.push_str(payload);
    text
}

#[test]
fn docker_is_pinged_once_then_asked_in_its_version() {
    let fake = FakeEngine::new(vec![
        docker_ping(),
        (
            "GET /v1.41/containers/json?all=true ",
            answer(
                "200 OK",
                &[],
                r#"[{"Id":"abc","Names":["/web"],"State":"running"}]"#,
            ),
        ),
        (
            "GET /v1.41/containers/web/json ",
            answer(
                "404 Not Found",
                &[],
                r#"{"message":"No such container: web"}"#,
            ),
        ),
    ]);
    let engine = Engine::at(Runtime::Docker, fake.path().to_owned());
    let list = engine.call(&Verb::List, LIMIT).expect("list");
    assert!(list.success());
    let rows = crate::ops::container::parse::docker_api_ps(&list.stdout).expect("rows");
    assert_eq!(rows[0].name, "web");
    let missing = engine.call(&Verb::Inspect("web"), LIMIT).expect("inspect");
    assert_eq!(missing.code, Some(1));
    assert_eq!(
        missing.stderr_text(),
        "Error response from daemon: No such container: web"
    );
    fake.check();
}

#[test]
fn podman_is_asked_on_its_libpod_endpoints_and_logs_come_out_of_their_frames() {
    let body = [frame(1, "out\r\n"), frame(2, "err\r\n")].concat();
    let fake = FakeEngine::new(vec![
        podman_ping(),
        (
            "GET /v4.3.1/libpod/containers/abc/logs?stdout=true&stderr=true ",
            answer("200 OK", &[], &body),
        ),
    ]);
    let engine = Engine::at(Runtime::Podman, fake.path().to_owned());
    let query = LogQuery {
        id: "abc",
        tty: true,
        tail: Some(10),
        since: None,
        timestamps: false,
        follow: false,
    };
    let logs = engine.call(&Verb::Logs(query), LIMIT).expect("logs");
    assert_eq!(logs.stdout_text(), "out\r\nerr\r\n");
    fake.check();
}

#[test]
fn a_docker_socket_named_as_podmans_is_left_to_the_cli() {
    let fake = FakeEngine::new(vec![docker_ping()]);
    let engine = Engine::at(Runtime::Podman, fake.path().to_owned());
    let err = engine.call(&Verb::List, LIMIT).expect_err("not podman");
    assert!(matches!(err, Failure::Unreachable(_)), "{err:?}");
    assert!(engine.is_gone());
    fake.check();
}

#[test]
fn a_missing_socket_is_unreachable_at_once_and_then_not_tried_again() {
    let engine = Engine::at(Runtime::Docker, "/nonexistent/kstlib.sock".into());
    let started = Instant::now();
    let err = engine.call(&Verb::List, LIMIT).expect_err("missing");
    assert!(matches!(err, Failure::Unreachable(_)), "{err:?}");
    assert!(engine.is_gone());
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[test]
fn a_hung_engine_times_out_at_the_limit() {
    let fake = FakeEngine::hung();
    let engine = Engine::at(Runtime::Docker, fake.path().to_owned());
    let started = Instant::now();
    let err = engine
        .call(&Verb::Inspect("web"), Duration::from_millis(300))
        .expect_err("hung");
    assert!(matches!(err, Failure::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        !engine.is_gone(),
        "a hung engine is an error, not a reason to ask the CLI"
    );
}

#[test]
fn an_answer_that_is_not_http_is_broken() {
    let fake = FakeEngine::new(vec![("GET /_ping ", "SSH-2.0-OpenSSH_9.2\r\n".to_owned())]);
    let engine = Engine::at(Runtime::Docker, fake.path().to_owned());
    let err = engine.call(&Verb::List, LIMIT).expect_err("not http");
    assert!(matches!(err, Failure::Broken(_)), "{err:?}");
}

#[test]
fn following_streams_frames_cut_anywhere_until_the_reader_stops() {
    let body = [frame(1, "one\n"), frame(1, "two\n"), frame(2, "three\n")].concat();
    let fake = FakeEngine::new(vec![
        docker_ping(),
        (
            "GET /v1.41/containers/abc/logs?stdout=true&stderr=true&follow=true&tail=2 ",
            answer("200 OK", &[], &body),
        ),
    ]);
    let engine = Engine::at(Runtime::Docker, fake.path().to_owned());
    let query = LogQuery {
        id: "abc",
        tty: false,
        tail: Some(2),
        since: None,
        timestamps: false,
        follow: true,
    };
    let mut seen = Vec::new();
    let refused = engine
        .follow(&query, LIMIT, &mut |bytes| {
            seen.extend_from_slice(bytes);
            true
        })
        .expect("streamed");
    assert!(refused.is_none());
    assert_eq!(String::from_utf8(seen).expect("utf-8"), "one\ntwo\nthree\n");
    fake.check();
}
