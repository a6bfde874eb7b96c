//! Container output: the runtimes' quirks in reading it, and the filter that prints it.

use std::io::{self, Write};

use jiff::Timestamp;

use crate::ops::exec::Invocation;
use crate::ops::model::Runtime;
use crate::ops::sanitize;
use crate::ops::text::{LineSink, LineSplitter};

/// A container's output, both streams in order: on Docker its last `lines` lines, on
/// Podman all of it, for the caller to cut ([`last_lines`](crate::ops::text::last_lines),
/// or the `skip` of [`LineFilter`] when following).
///
/// Podman 4's `--tail` cannot be trusted: a line written in several pieces is stored
/// as partial records, and `--tail` drops the first piece and moves line ends
/// (`printf one; sleep 1; echo " more"` comes back as " more"), TTY or not; without a
/// TTY it also counts stdout and stderr apart. Its plain `logs` is right.
///
/// `since` passes `--since` on, as an RFC 3339 time, which both runtimes take.
pub(super) fn invocation(
    runtime: Runtime,
    id: &str,
    lines: usize,
    follow: bool,
    since: Option<Timestamp>,
) -> Invocation {
    let mut invocation = Invocation::new(runtime.as_str()).arg("logs");
    if follow {
        invocation = invocation.arg("--follow");
    }
    if let Some(since) = since {
        invocation = invocation.arg("--since").arg(since.to_string());
    }
    if runtime == Runtime::Docker {
        invocation = invocation.arg("--tail").arg(lines.to_string());
    }
    invocation.arg(id).merge_stderr()
}

/// All of a container's output, both streams in order, to be saved before it is removed;
/// with `stamped`, each line begins with the time the runtime recorded it (see
/// [`crate::ops::logs`] for why both are asked for).
pub(super) fn saved_invocation(runtime: Runtime, id: &str, stamped: bool) -> Invocation {
    let mut invocation = Invocation::new(runtime.as_str()).arg("logs");
    if stamped {
        invocation = invocation.arg("--timestamps");
    }
    invocation.arg(id).merge_stderr()
}

/// Writes complete lines, each made plain text by [`sanitize::strip_escapes`] (the path
/// `logs` takes) unless `ansi`.
pub(crate) type LineFilter<'a> = LineSplitter<Filter<'a>>;

/// The [`LineSink`] of [`LineFilter`].
pub(crate) struct Filter<'a> {
    out: &'a mut dyn Write,
    ansi: bool,
    /// How many lines to drop first (history already counted, beyond the last N).
    skip: usize,
}

impl<'a> LineFilter<'a> {
    /// A filter writing to `out`, escape sequences kept if `ansi`, the first `skip` lines
    /// dropped.
    pub(crate) fn new(out: &'a mut dyn Write, ansi: bool, skip: usize) -> Self {
        LineSplitter::to(Filter { out, ansi, skip })
    }
}

impl LineSink for Filter<'_> {
    fn line(&mut self, raw: &[u8]) -> io::Result<()> {
        if self.skip > 0 {
            self.skip -= 1;
            return Ok(());
        }
        let line = String::from_utf8_lossy(raw);
        let line = if self.ansi {
            line.trim_end_matches('\r').to_owned()
        } else {
            sanitize::strip_escapes(&line)
        };
        writeln!(self.out, "{line}")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Lines as [`LineFilter`] will see them: one per `\n`, plus an unfinished last one.
pub(crate) fn line_count(bytes: &[u8]) -> usize {
    let ends = bytes.iter().filter(|&&byte| byte == b'\n').count();
    ends + usize::from(bytes.last().is_some_and(|&byte| byte != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_filter_strips_and_joins_partial_lines() {
        let mut out = Vec::new();
        let mut filter = LineFilter::new(&mut out, false, 0);
        filter.write_all(b"\x1b[32mgr").expect("write");
        filter.write_all(b"een\x1b[0m\r\nnext").expect("write");
        filter.finish().expect("finish");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "green\nnext\n");
    }

    #[test]
    fn line_filter_keeps_characters_cut_between_reads() {
        let text = "caf\u{e9} \u{2603}\n".as_bytes();
        let mut out = Vec::new();
        let mut filter = LineFilter::new(&mut out, false, 0);
        let (a, b) = text.split_at(4); // inside the two bytes of 'é'
        filter.write_all(a).expect("write");
        filter.write_all(b).expect("write");
        filter.finish().expect("finish");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "caf\u{e9} \u{2603}\n"
        );
    }

    #[test]
    fn line_filter_skips_the_history_beyond_the_last_lines() {
        let history = b"one\ntwo\nthree";
        assert_eq!(line_count(history), 3);
        assert_eq!(line_count(b"one\ntwo\n"), 2);
        assert_eq!(line_count(b""), 0);
        let mut out = Vec::new();
        let mut filter = LineFilter::new(&mut out, false, line_count(history).saturating_sub(2));
        filter.write_all(b"one\ntw").expect("write");
        filter.write_all(b"o\nthree more\nnew\n").expect("write");
        filter.finish().expect("finish");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "two\nthree more\nnew\n"
        );
    }
}
