//! Program output as lines: cut from a stream as it comes, the last N, blank ones. Making
//! them safe to print is [`sanitize`](super::sanitize)'s job.

use std::io::{self, Write};

use super::sanitize::strip_escapes;

/// What takes the lines of a [`LineSplitter`].
pub(crate) trait LineSink {
    /// One line, without its `\n`.
    fn line(&mut self, line: &[u8]) -> io::Result<()>;

    /// Flushes where the lines go.
    fn flush(&mut self) -> io::Result<()>;
}

/// A writer that cuts what is written to it, in pieces of any size, into lines for its
/// sink. The unfinished line is kept as bytes until its end comes (or [`finish`]): a
/// character can be cut between two reads of a pipe, and decoding each read on its own
/// would turn its halves into two U+FFFD.
///
/// [`finish`]: LineSplitter::finish
pub(crate) struct LineSplitter<S> {
    sink: S,
    partial: Vec<u8>,
}

impl<S: LineSink> LineSplitter<S> {
    /// A writer whose lines go to `sink`.
    pub(crate) fn to(sink: S) -> Self {
        LineSplitter {
            sink,
            partial: Vec::new(),
        }
    }

    /// Hands on what is left of an unfinished last line, and flushes.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.sink.line(&line)?;
        }
        self.sink.flush()
    }
}

impl<S: LineSink> Write for LineSplitter<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(end) = self.partial.iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            self.sink.line(&line[..end])?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.flush()
    }
}

/// Whether a line is blank once escape sequences are ignored.
pub(crate) fn is_blank(line: &str) -> bool {
    strip_escapes(line).trim().is_empty()
}

/// The last `n` lines of `text` (fewer if there are fewer), blank lines at the end
/// dropped, each ending in a newline. `\r\n` endings (TTY output) become `\n`.
pub(crate) fn last_lines(text: &str, n: usize, keep_escapes: bool) -> String {
    let text = if keep_escapes {
        text.replace("\r\n", "\n")
    } else {
        strip_escapes(text)
    };
    let mut lines: Vec<&str> = text.lines().collect();
    while lines.last().is_some_and(|line| is_blank(line)) {
        lines.pop();
    }
    let skip = lines.len().saturating_sub(n);
    let mut out = String::new();
    for line in &lines[skip..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_may_hold_escapes() {
        assert!(is_blank("\u{1b}[39m  "));
        assert!(!is_blank("\u{1b}[39m x"));
    }

    #[test]
    fn last_lines_counts_exactly() {
        let text = "a\r\nb\r\n\u{1b}[1mc\u{1b}[0m\r\n\r\n";
        assert_eq!(last_lines(text, 2, false), "b\nc\n");
        assert_eq!(last_lines(text, 2, true), "b\n\u{1b}[1mc\u{1b}[0m\n");
        assert_eq!(last_lines(text, 10, false), "a\nb\nc\n");
        assert_eq!(last_lines(text, 0, false), "");
        assert_eq!(last_lines("", 5, false), "");
        // A sequence that is never terminated does not take the lines after it along.
        let osc = "before\r\n\u{1b}]x\r\n1\r\n2\r\n";
        assert_eq!(last_lines(osc, 2, false), "1\n2\n");
        assert_eq!(last_lines(osc, 9, false), "before\n\n1\n2\n");
    }
}
