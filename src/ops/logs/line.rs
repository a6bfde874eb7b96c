//! The line format of a log file: a fixed-width UTC stamp, a mark, the text.
//!
//! ```text
//! 2026-12-02T04:28:15.123456Z hello        what the program wrote (mark ' ')
//! 2026-12-02T04:28:15.123456Z#started      kstlib's own line (mark '#'): a run begins
//! ```
//!
//! Only the sink and kstlib write line starts, so a program cannot forge a `#` line: its
//! text always follows a stamp and a space. A line without a stamp (the continuation of
//! a line longer than the cap, split by a rotation, read without its first part) is shown
//! as it is.

use std::io::{self, Write};

use jiff::Timestamp;
use jiff::tz::Offset;

use crate::ops::sanitize;
use crate::ops::text::{LineSink, LineSplitter};

/// `2026-12-02T04:28:15.123456Z`: the stamp's length.
pub(super) const STAMP_LEN: usize = 27;
/// The stamp and its mark.
pub(super) const PREFIX_LEN: usize = STAMP_LEN + 1;
/// The mark of program output.
const OUTPUT: u8 = b' ';
/// The mark of kstlib's own lines.
const NOTE: u8 = b'#';
/// kstlib's line that begins a run: `logs` never reads past it into the older file.
pub(super) const STARTED: &str = "started";

/// The prefix of a line written at `time`: the stamp and the mark of program output.
pub(super) fn output_prefix(time: Timestamp) -> [u8; PREFIX_LEN] {
    prefix(time, OUTPUT)
}

/// The prefix of one of kstlib's own lines written at `time`.
pub(super) fn note_prefix(time: Timestamp) -> [u8; PREFIX_LEN] {
    prefix(time, NOTE)
}

fn prefix(time: Timestamp, mark: u8) -> [u8; PREFIX_LEN] {
    let mut out = [0u8; PREFIX_LEN];
    out[..STAMP_LEN].copy_from_slice(stamp(time).as_bytes());
    out[STAMP_LEN] = mark;
    out
}

/// `time` as RFC 3339 in UTC with microseconds: always [`STAMP_LEN`] characters, so that
/// a reader finds the text at a fixed offset. A time outside years 0–9999 (a broken clock)
/// is written as the epoch.
pub(super) fn stamp(time: Timestamp) -> String {
    let dt = Offset::UTC.to_datetime(time);
    let dt = if (0..=9999).contains(&dt.year()) {
        dt
    } else {
        Offset::UTC.to_datetime(Timestamp::UNIX_EPOCH)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1000
    )
}

/// What a line of a log file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// What the program wrote.
    Output,
    /// One of kstlib's own lines.
    Note,
}

/// A line of a log file (without its `\n`), split into its stamp and text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    stamp: Option<&'a [u8]>,
    kind: Kind,
    text: &'a [u8],
}

impl<'a> Line<'a> {
    /// Splits `raw`; a line without a well-formed stamp is all text.
    pub(super) fn parse(raw: &'a [u8]) -> Self {
        match raw.get(..PREFIX_LEN) {
            Some(head)
                if is_stamp(&head[..STAMP_LEN]) && matches!(head[STAMP_LEN], OUTPUT | NOTE) =>
            {
                Line {
                    stamp: Some(&head[..STAMP_LEN]),
                    kind: if head[STAMP_LEN] == NOTE {
                        Kind::Note
                    } else {
                        Kind::Output
                    },
                    text: &raw[PREFIX_LEN..],
                }
            }
            _ => Line {
                stamp: None,
                kind: Kind::Output,
                text: raw,
            },
        }
    }

    /// When the line was written, if it says.
    pub(super) fn time(&self) -> Option<Timestamp> {
        std::str::from_utf8(self.stamp?).ok()?.parse().ok()
    }

    /// Whether this is one of kstlib's own lines rather than the program's.
    pub(super) fn is_note(&self) -> bool {
        self.kind == Kind::Note
    }

    /// Whether this line begins a run.
    pub(super) fn is_start(&self) -> bool {
        self.kind == Kind::Note && self.text == STARTED.as_bytes()
    }

    /// The line as `logs` prints it, or `None` for a line that is not shown (a run's
    /// start). Program output goes through [`sanitize::strip_escapes`] unless `ansi`
    /// (then only the `\r` of a TTY's `\r\n` goes); kstlib's lines read
    /// `[kstlib] exited with code 7 at …`.
    pub(super) fn display(&self, ansi: bool) -> Option<String> {
        let text = String::from_utf8_lossy(self.text);
        match self.kind {
            Kind::Note if self.is_start() => None,
            Kind::Note => Some(format!("[kstlib] {}", sanitize::escape(&text))),
            Kind::Output if ansi => Some(text.strip_suffix('\r').unwrap_or(&text).to_owned()),
            Kind::Output => Some(sanitize::strip_escapes(&text)),
        }
    }
}

/// Whether `bytes` has the shape of a stamp: `dddd-dd-ddTdd:dd:dd.ddddddZ`. Cheap, so that
/// stripping a stamp needs no date parsing; [`Line::time`] parses it when it is needed.
fn is_stamp(bytes: &[u8]) -> bool {
    const SHAPE: &[u8; STAMP_LEN] = b"dddd-dd-ddTdd:dd:dd.ddddddZ";
    bytes.len() == STAMP_LEN
        && bytes.iter().zip(SHAPE).all(|(&byte, &shape)| match shape {
            b'd' => byte.is_ascii_digit(),
            shape => byte == shape,
        })
}

/// Prints the lines of a log file as they are read (followed here, or from a remote
/// host's `tail -F`): the stamps removed, kstlib's own lines as `[kstlib] …`, a run's start
/// hidden, escape sequences removed unless `ansi`, lines older than `since` left out.
pub(crate) type StampedLines<'a> = LineSplitter<Stamped<'a>>;

/// The [`LineSink`] of [`StampedLines`].
pub(crate) struct Stamped<'a> {
    out: &'a mut dyn Write,
    ansi: bool,
    since: Option<Timestamp>,
}

impl<'a> StampedLines<'a> {
    /// A printer to `out`.
    pub(crate) fn new(out: &'a mut dyn Write, ansi: bool, since: Option<Timestamp>) -> Self {
        LineSplitter::to(Stamped { out, ansi, since })
    }
}

impl LineSink for Stamped<'_> {
    fn line(&mut self, raw: &[u8]) -> io::Result<()> {
        let line = Line::parse(raw);
        if let (Some(since), Some(time)) = (self.since, line.time())
            && time < since
        {
            return Ok(());
        }
        match line.display(self.ansi) {
            Some(text) => writeln!(self.out, "{text}"),
            None => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    #[test]
    fn stamps_have_a_fixed_width() {
        assert_eq!(
            stamp(at("2026-12-02T04:28:15.123456789Z")),
            "2026-12-02T04:28:15.123456Z"
        );
        assert_eq!(
            stamp(at("2026-01-02T03:04:05Z")),
            "2026-01-02T03:04:05.000000Z"
        );
        assert_eq!(stamp(at("2026-12-02T05:28:15+01:00")).len(), STAMP_LEN);
        let prefix = output_prefix(at("2026-12-02T04:28:15Z"));
        assert_eq!(&prefix, b"2026-12-02T04:28:15.000000Z ");
        assert_eq!(note_prefix(at("2026-12-02T04:28:15Z"))[STAMP_LEN], b'#');
    }

    #[test]
    fn lines_split_into_stamp_and_text() {
        let line = Line::parse(b"2026-12-02T04:28:15.123456Z \x1b[31mred\x1b[0m\r");
        assert_eq!(line.time(), Some(at("2026-12-02T04:28:15.123456Z")));
        assert_eq!(line.display(false).as_deref(), Some("red"));
        assert_eq!(
            line.display(true).as_deref(),
            Some("\u{1b}[31mred\u{1b}[0m")
        );
        let start = Line::parse(b"2026-12-02T04:28:15.123456Z#started");
        assert!(start.is_start());
        assert_eq!(start.display(false), None);
        let note = Line::parse(b"2026-12-02T04:28:15.123456Z#exited with code 7");
        assert!(!note.is_start());
        assert_eq!(
            note.display(true).as_deref(),
            Some("[kstlib] exited with code 7")
        );
        // A program cannot write kstlib's lines: its text always follows a stamp and a space.
        let forged =
            Line::parse(b"2026-12-02T04:28:15.123456Z 2026-12-02T04:28:15.123456Z#started");
        assert!(!forged.is_start());
        // No stamp: all text, no time.
        for raw in [&b"plain"[..], b"", b"2026-12-02T04:28:15Z hello"] {
            let line = Line::parse(raw);
            assert_eq!(line.time(), None);
            assert_eq!(
                line.display(false).as_deref(),
                std::str::from_utf8(raw).ok()
            );
        }
    }

    #[test]
    fn stamped_lines_print_as_logs_prints_them() {
        let mut out = Vec::new();
        let mut printer = StampedLines::new(&mut out, false, None);
        printer
            .write_all(
                b"2026-12-02T04:00:00.000000Z#started\n2026-12-02T04:00:01.000000Z \x1b[31mre",
            )
            .expect("write");
        printer
            .write_all(b"d\x1b[0m\n2026-12-02T04:00:02.000000Z#exited with code 1\nlast")
            .expect("write");
        printer.finish().expect("finish");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "red\n[kstlib] exited with code 1\nlast\n"
        );
    }
}
