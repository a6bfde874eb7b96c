//! One HTTP/1.1 exchange with an engine over its unix socket: hyper's client connection on
//! a tokio `UnixStream`, driven by a current-thread runtime of the calling thread.
//!
//! The library is synchronous, so every exchange is a blocking call. The runtime is built
//! the first time a thread needs it (≈ 0.1 ms) and kept for that thread: nothing is built
//! for commands that never reach an engine (`--version`, tmux-only work). One connection
//! per exchange: connecting to a unix socket costs microseconds, and a connection of its
//! own lets threads ask the same engine at once (`save_output` reads two logs together).

use std::cell::OnceCell;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{HOST, HeaderMap};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;

/// A whole answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The status code.
    pub(crate) status: StatusCode,
    /// The headers (`Api-Version` of `/_ping`).
    pub(crate) headers: HeaderMap,
    /// The body, read to its end.
    pub(crate) body: Bytes,
}

/// Why an exchange gave no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing listens on the socket (missing, refused, not ours to open): the runner asks
    /// the CLI instead, which says what is wrong in its own words.
    Unreachable(io::Error),
    /// The engine accepted the connection and did not answer within the time limit.
    Timeout(Duration),
    /// The engine answered something that is not what it should (no HTTP, a connection
    /// cut mid-way, an API it does not speak).
    Broken(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unreachable(err) => write!(f, "cannot connect: {err}"),
            Failure::Timeout(limit) => {
                write!(f, "did not answer within {} s", limit.as_secs_f64())
            }
            Failure::Broken(reason) => f.write_str(reason),
        }
    }
}

fn broken(err: impl fmt::Display) -> Failure {
    Failure::Broken(err.to_string())
}

thread_local! {
    static RUNTIME: OnceCell<tokio::runtime::Runtime> = const { OnceCell::new() };
}

/// Runs `future` to its end on this thread's runtime.
fn block_on<F: Future>(future: F) -> Result<F::Output, Failure> {
    RUNTIME.with(|cell| {
        if cell.get().is_none() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .enable_time()
                .build()
                .map_err(|err| broken(format!("cannot start the I/O runtime: {err}")))?;
            let _ = cell.set(runtime);
        }
        let runtime = cell.get().ok_or_else(|| broken("no I/O runtime"))?;
        Ok(runtime.block_on(future))
    })
}

/// `method path` on the engine at `socket`, its whole answer within `limit`.
pub(crate) fn send(
    socket: &Path,
    method: Method,
    path: &str,
    limit: Duration,
) -> Result<Reply, Failure> {
    tracing::debug!("engine: {method} {path} on {}", socket.display());
    let exchange = async {
        let response = open(socket, method, path).await?;
        let (head, body) = response.into_parts();
        let body = body.collect().await.map_err(broken)?.to_bytes();
        Ok(Reply {
            status: head.status,
            headers: head.headers,
            body,
        })
    };
    let reply = block_on(async {
        tokio::time::timeout(limit, exchange)
            .await
            .unwrap_or(Err(Failure::Timeout(limit)))
    })??;
    tracing::debug!("engine: {} ({} bytes)", reply.status, reply.body.len());
    Ok(reply)
}

/// What a streamed exchange ended with.
#[derive(Debug)]
pub(crate) enum Streamed {
    /// The engine ended the stream, or `sink` did not want more.
    Done,
    /// The engine refused: its whole answer, not streamed.
    Refused(Reply),
}

/// `GET path`, handing each piece of the body to `sink` as it comes, with no time limit
/// once the answer has begun (`logs --follow` lasts as long as the container): `limit`
/// bounds the wait for its head. `sink` returns `false` to stop reading.
pub(crate) fn stream(
    socket: &Path,
    path: &str,
    limit: Duration,
    sink: &mut dyn FnMut(&[u8]) -> bool,
) -> Result<Streamed, Failure> {
    tracing::debug!("engine: GET {path} on {} (streamed)", socket.display());
    block_on(async {
        let response = tokio::time::timeout(limit, open(socket, Method::GET, path))
            .await
            .unwrap_or(Err(Failure::Timeout(limit)))?;
        let (head, mut body) = response.into_parts();
        if !head.status.is_success() {
            let body = tokio::time::timeout(limit, body.collect())
                .await
                .map_err(|_| Failure::Timeout(limit))?
                .map_err(broken)?
                .to_bytes();
            return Ok(Streamed::Refused(Reply {
                status: head.status,
                headers: head.headers,
                body,
            }));
        }
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.map_err(broken)?.into_data()
                && !sink(&data)
            {
                break;
            }
            if body.is_end_stream() {
                break;
            }
        }
        Ok(Streamed::Done)
    })?
}

/// Connects, sends the request and returns the answer's head, its body still to read.
async fn open(socket: &Path, method: Method, path: &str) -> Result<Response<Incoming>, Failure> {
    let stream = UnixStream::connect(socket)
        .await
        .map_err(Failure::Unreachable)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(broken)?;
    // The connection does the I/O while the request waits for its answer; it ends with the
    // body (or with the runtime, for a stream that was left).
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        // HTTP/1.1 needs one, and both engines' servers (Go) refuse a request without it.
        .header(HOST, "localhost")
        .body(Empty::<Bytes>::new())
        .map_err(broken)?;
    sender.send_request(request).await.map_err(broken)
}
