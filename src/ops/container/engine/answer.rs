//! An engine's answers in the form the runner reads its CLI's: exit code, stdout, stderr.
//!
//! The runner's readers (`parse`, `stderr`) and its error mapping stay one: an answer of
//! the API becomes what the CLI would have printed for the same request, so that `status`,
//! `list`, `stop` … give the same JSON, exit codes and messages on both paths. The CLIs
//! print the API's error `message` after a prefix of their own (Docker's "Error response
//! from daemon: ", Podman's "Error: "), and exit 1 (Docker) or 125 (Podman).

use serde::Deserialize;

use super::frames::{self, FrameError};
use super::http::Reply;
use crate::ops::exec::Output;
use crate::ops::model::Runtime;

#[derive(Deserialize)]
struct Message {
    message: Option<String>,
}

/// The CLI's exit code for a refused request.
fn refused_code(runtime: Runtime) -> i32 {
    match runtime {
        Runtime::Docker => 1,
        Runtime::Podman => 125,
    }
}

/// What the CLI prints on stderr for the refused `reply`: the engine's message after the
/// CLI's prefix; the status line when the body has no message.
pub(super) fn refusal(runtime: Runtime, reply: &Reply) -> String {
    let message = serde_json::from_slice::<Message>(&reply.body)
        .ok()
        .and_then(|m| m.message)
        .unwrap_or_else(|| {
            let body = String::from_utf8_lossy(&reply.body).trim().to_owned();
            if body.is_empty() {
                reply.status.to_string()
            } else {
                body
            }
        });
    match runtime {
        Runtime::Docker => format!("Error response from daemon: {message}"),
        Runtime::Podman => format!("Error: {message}"),
    }
}

/// Whether the engine did what was asked: any 2xx, and 304 (already started, already
/// stopped), which the CLIs take as success too.
fn done(reply: &Reply) -> bool {
    reply.status.is_success() || reply.status.as_u16() == 304
}

/// `reply` as the CLI's answer, the body as its stdout.
pub(super) fn output(runtime: Runtime, reply: Reply) -> Output {
    if done(&reply) {
        Output {
            code: Some(0),
            stdout: reply.body.to_vec(),
            stderr: Vec::new(),
        }
    } else {
        refused(runtime, &reply)
    }
}

fn refused(runtime: Runtime, reply: &Reply) -> Output {
    Output {
        code: Some(refused_code(runtime)),
        stdout: Vec::new(),
        stderr: refusal(runtime, reply).into_bytes(),
    }
}

/// `GET /containers/NAME/json` as `container inspect NAME` prints it: an array of one.
pub(super) fn inspect(runtime: Runtime, reply: Reply) -> Output {
    if !reply.status.is_success() {
        return refused(runtime, &reply);
    }
    let mut stdout = Vec::with_capacity(reply.body.len() + 2);
    stdout.push(b'[');
    stdout.extend_from_slice(&reply.body);
    stdout.push(b']');
    Output {
        code: Some(0),
        stdout,
        stderr: Vec::new(),
    }
}

/// A logs answer as `logs` prints it: both streams as one, out of their frames.
pub(super) fn logs(runtime: Runtime, reply: Reply, framed: bool) -> Result<Output, FrameError> {
    if !reply.status.is_success() {
        return Ok(refused(runtime, &reply));
    }
    Ok(Output {
        code: Some(0),
        stdout: frames::decode(&reply.body, framed)?,
        stderr: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::container::stderr::{is_missing, not_running};
    use hyper::StatusCode;
    use hyper::body::Bytes;
    use hyper::header::HeaderMap;

    fn reply(status: u16, body: &'static str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).expect("a status"),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn refusals_read_as_the_clis_words() {
        // Recorded from Docker 20.10's and Podman 4.3's APIs.
        let docker = output(
            Runtime::Docker,
            reply(
                409,
                r#"{"message":"Cannot kill container: web: Container 0068 is not running"}"#,
            ),
        );
        assert_eq!(docker.code, Some(1));
        assert_eq!(
            docker.stderr_text(),
            "Error response from daemon: Cannot kill container: web: Container 0068 is not running"
        );
        assert!(not_running(&docker.stderr_text()));
        let podman = output(
            Runtime::Podman,
            reply(
                500,
                r#"{"cause":"container state improper","message":"can only kill running containers. 9cda is in state exited: container state improper","response":500}"#,
            ),
        );
        assert_eq!(podman.code, Some(125));
        assert!(not_running(&podman.stderr_text()));
        let missing = inspect(
            Runtime::Podman,
            reply(
                404,
                r#"{"cause":"no such container","message":"no container with name or ID \"web\" found: no such container","response":404}"#,
            ),
        );
        assert!(is_missing(&missing.stderr_text()), "{missing:?}");
        assert!(is_missing(
            &inspect(
                Runtime::Docker,
                reply(404, r#"{"message":"No such container: web"}"#)
            )
            .stderr_text()
        ));
        // No JSON message: the body, else the status.
        assert_eq!(
            output(Runtime::Docker, reply(500, "")).stderr_text(),
            "Error response from daemon: 500 Internal Server Error"
        );
        assert_eq!(output(Runtime::Docker, reply(304, "")).code, Some(0));
    }

    #[test]
    fn inspect_is_an_array_of_one_as_the_cli_prints_it() {
        let out = inspect(Runtime::Docker, reply(200, r#"{"Id":"abc","Name":"/web"}"#));
        let found = crate::ops::container::parse::inspect(&out.stdout).expect("json");
        assert_eq!(found[0].name(), "web");
    }
}
