//! A fake engine for unit tests: a unix socket that answers a list of expected requests
//! with recorded answers, byte for byte, or accepts and never answers (a hung engine).
//!
//! It reads a request's head up to its blank line and compares its first line with the
//! one expected; it parses nothing else (the requests have no body). Integration tests use
//! the real engines.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// One expected request (`GET /_ping`, matched as the start of the request line) and the
/// raw answer to it (status line, headers, body).
pub(crate) type Exchange = (&'static str, String);

/// The fake engine; it stops when dropped.
pub(crate) struct FakeEngine {
    pub(crate) socket: PathBuf,
    /// Requests that came and were not expected, or expected and never came.
    unexpected: Arc<Mutex<Vec<String>>>,
    left: Arc<Mutex<Vec<Exchange>>>,
    _dir: tempfile::TempDir,
}

/// A raw HTTP/1.1 answer with a JSON (or any) body.
pub(crate) fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\n");
    for (key, value) in headers {
        text.push_str(&format!("{key}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    text
}

/// The `/_ping` of Docker 20.10, as recorded.
pub(crate) fn docker_ping() -> Exchange {
    (
        "GET /_ping ",
        answer("200 OK", &[("Api-Version", "1.41")], "OK"),
    )
}

/// The `/_ping` of Podman 4.3's service, as recorded.
pub(crate) fn podman_ping() -> Exchange {
    (
        "GET /_ping ",
        answer(
            "200 OK",
            &[("Api-Version", "1.41"), ("Libpod-Api-Version", "4.3.1")],
            "OK",
        ),
    )
}

impl FakeEngine {
    /// An engine that answers `exchanges` in order, one connection each.
    pub(crate) fn new(exchanges: Vec<Exchange>) -> FakeEngine {
        Self::start(exchanges, false)
    }

    /// An engine that accepts connections and never answers.
    pub(crate) fn hung() -> FakeEngine {
        Self::start(Vec::new(), true)
    }

    fn start(exchanges: Vec<Exchange>, hung: bool) -> FakeEngine {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("engine.sock");
        let listener = UnixListener::bind(&socket).expect("bind");
        let unexpected = Arc::new(Mutex::new(Vec::new()));
        let left = Arc::new(Mutex::new(exchanges));
        let (seen, queue) = (Arc::clone(&unexpected), Arc::clone(&left));
        thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                if hung {
                    held.push(stream);
                    continue;
                }
                let mut reader = BufReader::new(stream);
                let mut head = Vec::new();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    head.push(std::mem::take(&mut line));
                }
                let request = head.first().cloned().unwrap_or_default();
                let next = {
                    let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
                    (!queue.is_empty()).then(|| queue.remove(0))
                };
                let mut stream = reader.into_inner();
                match next {
                    Some((expected, reply)) if request.starts_with(expected) => {
                        let _ = stream.write_all(reply.as_bytes());
                    }
                    other => {
                        let wanted = other.map_or("nothing", |(e, _)| e);
                        seen.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(format!("{} (expected {wanted})", request.trim()));
                        let _ = stream.write_all(answer("500 Unexpected", &[], "").as_bytes());
                    }
                }
            }
        });
        FakeEngine {
            socket,
            unexpected,
            left,
            _dir: dir,
        }
    }

    /// The socket's path.
    pub(crate) fn path(&self) -> &Path {
        &self.socket
    }

    /// Fails the test on any request that was not expected, or expected and not made.
    #[track_caller]
    pub(crate) fn check(&self) {
        let unexpected = self
            .unexpected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        assert!(unexpected.is_empty(), "unexpected requests: {unexpected:?}");
        let left = self.left.lock().unwrap_or_else(PoisonError::into_inner);
        let left: Vec<&str> = left.iter().map(|(request, _)| *request).collect();
        assert!(left.is_empty(), "expected requests never made: {left:?}");
    }
}

impl Drop for FakeEngine {
    fn drop(&mut self) {
        // Wakes the accept loop; the thread ends with the process (tests are short).
        let _ = std::os::unix::net::UnixStream::connect(&self.socket);
    }
}
