//! Log files on a remote host: the writer tmux runs there (no kstlib is installed there, so
//! it is a script of `sh` and `awk`, see `shell::Script::LOG_SINK`), and the printing of
//! what is read from there. The files have the format of the ones here (see `line`), so
//! one reader serves both ([`super::tail_of_bytes`]).

use std::io::{self, Write};
use std::path::Path;

use jiff::Timestamp;

use super::line::Line;
use crate::ops::shell::Script;
use crate::ops::shell::quote;

/// The shell text tmux runs on a remote host at the other end of a session's pipe: the
/// sink script with the log `file`, its cap and how the previous run in it ended, every
/// word quoted for `sh` by the one quoting function, then escaped for tmux (see
/// [`super::escape_for_tmux`]). `None` for a path that is not UTF-8.
pub(crate) fn remote_sink_command(
    file: &Path,
    max_size: u64,
    ending: Option<&str>,
) -> Option<String> {
    let max_size = max_size.to_string();
    let args = [file.to_str()?, &max_size, ending.unwrap_or("")];
    let words: Vec<String> = std::iter::once("sh".to_owned())
        .chain(
            Script::LOG_SINK
                .argv(args)
                .iter()
                .map(|word| quote(&word.to_string_lossy())),
        )
        .map(|word| super::escape_for_tmux(&word))
        .collect();
    Some(format!("exec {}", words.join(" ")))
}

/// Prints the lines of a log file as they are read (from a remote host's `tail -F`): the
/// stamps removed, kstlib's own lines as `[kstlib] …`, a run's start hidden, escape
/// sequences removed unless `ansi`, lines older than `since` left out.
pub(crate) struct StampedLines<'a> {
    out: &'a mut dyn Write,
    ansi: bool,
    since: Option<Timestamp>,
    partial: Vec<u8>,
}

impl<'a> StampedLines<'a> {
    /// A printer to `out`.
    pub(crate) fn new(out: &'a mut dyn Write, ansi: bool, since: Option<Timestamp>) -> Self {
        StampedLines {
            out,
            ansi,
            since,
            partial: Vec::new(),
        }
    }

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

    /// Prints what is left of an unfinished last line.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line)?;
        }
        self.out.flush()
    }
}

impl Write for StampedLines<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(end) = self.partial.iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            self.line(&line[..end])?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remote_sink_command_is_one_quoted_argv_for_sh() {
        let command = remote_sink_command(Path::new("~/l o'g/#{x}.log"), 4096, Some("exited 1"))
            .expect("utf-8");
        // What sh makes of it, once tmux has turned `##` and `%%` back.
        let words =
            shell_words::split(&command.replace("##", "#").replace("%%", "%")).expect("split");
        assert_eq!(words[..3], ["exec", "sh", "-c"]);
        assert_eq!(words[3], Script::LOG_SINK.text());
        assert_eq!(
            words[4..],
            ["kstlib-log-sink", "~/l o'g/#{x}.log", "4096", "exited 1"]
        );
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
