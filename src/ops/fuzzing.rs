//! Doors into the private readers of what tmux, Docker and Podman print (their CLIs and
//! their engines' logs streams), for the fuzz
//! target `parsers` (`fuzz/fuzz_targets/parsers.rs`), which builds this library as it is.
//!
//! Not part of the API: hidden from the docs, and changed whenever the readers change. Each
//! function runs one reader the way its runner does, on text that did not come from the
//! backend, and returns what the runner would go on with.

use std::io::Write;

use super::container::engine::frames::{self, Frames};
use super::container::logs::{LineFilter, line_count};
use super::container::parse;
use super::container::stderr;
use super::error::Reason;
use super::model::{Runtime, SessionStatus};
use super::text;
use super::tmux::{list, target};

/// Each line of `tmux list-sessions -F LIST_FORMAT` that parses, as its `Debug` text (not
/// settled against `/proc`: that reads the machine, not the input).
pub fn tmux_rows(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(list::parse_row)
        .map(|row| format!("{row:?}"))
        .collect()
}

/// A `capture-pane` as the lines `logs` shows: tmux's dead-pane line and blank rows gone.
pub fn tmux_screen_lines(text: &str) -> Vec<String> {
    list::screen_lines(text)
}

/// How tmux's stderr is read: (no server, no such session).
pub fn tmux_stderr(text: &str) -> (bool, bool) {
    (target::no_server(text), target::missing_session(text))
}

/// `container inspect` output as `status` reads it: each container as a status, on both
/// runtimes, with the stop signal it declares. `Err` where the runner gives "unreadable
/// output".
pub fn container_inspect(json: &[u8]) -> Result<Vec<SessionStatus>, serde_json::Error> {
    Ok(parse::inspect(json)?
        .into_iter()
        .flat_map(|found| {
            let _ = (found.name(), found.stop_signal());
            Runtime::ALL.map(|runtime| found.to_status(runtime))
        })
        .collect())
}

/// `podman ps -a --format json`, as `list` reads it.
pub fn podman_ps(json: &[u8]) -> Result<Vec<SessionStatus>, serde_json::Error> {
    parse::podman_ps(json)
}

/// `docker ps -a --no-trunc --format DOCKER_PS_FORMAT`, as `list` reads it.
pub fn docker_ps(text: &str) -> Result<Vec<SessionStatus>, serde_json::Error> {
    parse::docker_ps(text)
}

/// How a runtime's stderr is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeStderr {
    /// The summary and the other lines of a failed `run` or `start`.
    pub complaint: Reason,
    /// The engine is not answering.
    pub unavailable: bool,
    /// Another container holds the name.
    pub name_in_use: bool,
    /// No such container.
    pub missing: bool,
    /// The container is not running.
    pub not_running: bool,
}

/// Every classifier of a runtime's stderr, on `text`.
pub fn runtime_stderr(text: &str) -> RuntimeStderr {
    RuntimeStderr {
        complaint: stderr::complaint(text),
        unavailable: stderr::unavailable(text),
        name_in_use: stderr::name_in_use(text),
        missing: stderr::is_missing(text),
        not_running: stderr::not_running(text),
    }
}

/// What `logs --follow` prints of a container's output arriving in `chunks`, dropping the
/// first `skip` lines; and how many lines the history count (`line_count`) sees in it all.
pub fn follow_lines(chunks: &[&[u8]], ansi: bool, skip: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut filter = LineFilter::new(&mut out, ansi, skip);
    for chunk in chunks {
        // Writing into a Vec cannot fail.
        let _ = filter.write_all(chunk);
    }
    let _ = filter.finish();
    (out, line_count(&chunks.concat()))
}

/// An engine's answer to a logs request (`/containers/NAME/logs`) arriving in `chunks`,
/// as the engine client reads it: in frames (`framed`, as Docker sends the output of a
/// container without a TTY and Podman's libpod endpoint always does) or raw. The output
/// of both streams, or the decoder's complaint; then the same for the whole answer at once.
pub fn engine_logs(
    chunks: &[&[u8]],
    framed: bool,
) -> (Result<Vec<u8>, String>, Result<Vec<u8>, String>) {
    let mut decoder = Frames::new(framed);
    let mut out = Vec::new();
    let streamed = chunks
        .iter()
        .try_for_each(|chunk| decoder.feed(chunk, &mut out))
        .and_then(|()| decoder.finish())
        .map(|()| out)
        .map_err(|err| err.to_string());
    let whole = frames::decode(&chunks.concat(), framed).map_err(|err| err.to_string());
    (streamed, whole)
}

/// The last `n` lines of a container's output, as `logs` prints them.
pub fn last_lines(text: &str, n: usize, keep_escapes: bool) -> String {
    text::last_lines(text, n, keep_escapes)
}

/// Whether a line counts as blank (escape sequences ignored), as the readers decide it.
pub fn is_blank(line: &str) -> bool {
    text::is_blank(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_door_reads_what_its_backend_prints() {
        let rows = tmux_rows("4039\t1\t3\t\t1796188528\t1\t\t\t\treplay-dead\ngarbage\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            tmux_screen_lines("bye\n\n\nPane is dead (status 3, Wed Dec  2 05:15:28 2026)\n"),
            ["bye"]
        );
        assert_eq!(tmux_stderr("can't find session: replay-web"), (false, true));
        let inspect = br#"[{"Id":"a","Name":"/web","State":{"Status":"running","Pid":7}}]"#;
        let statuses = container_inspect(inspect).expect("json");
        assert_eq!(statuses.len(), Runtime::ALL.len());
        assert!(container_inspect(b"not json").is_err());
        assert_eq!(
            podman_ps(br#"[{"Names":["web"],"State":"exited"}]"#)
                .map(|s| s.len())
                .ok(),
            Some(1)
        );
        let rows = docker_ps(r#"{"Names":"web","State":"running"}"#).expect("readable");
        assert_eq!(rows.len(), 1);
        let read = runtime_stderr("Error: no container with name or ID \"web\" found");
        assert!(read.missing && !read.unavailable && !read.name_in_use && !read.not_running);
        assert_eq!(
            follow_lines(&[b"one\ntw", b"o\nthree"], false, 1),
            (b"two\nthree\n".to_vec(), 3)
        );
        assert_eq!(last_lines("a\nb\n\n", 1, false), "b\n");
        let frame = [&[1, 0, 0, 0, 0, 0, 0, 3][..], b"hi\n"].concat();
        let (streamed, whole) = engine_logs(&[&frame[..5], &frame[5..]], true);
        assert_eq!(
            (streamed.as_deref(), whole.as_deref()),
            (Ok(&b"hi\n"[..]), Ok(&b"hi\n"[..]))
        );
        assert!(engine_logs(&[b"hi\n"], true).0.is_err());
        assert!(is_blank("\u{1b}[0m "));
    }
}
