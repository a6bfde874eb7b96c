//! Writing a log file: stamps at line starts, rotation at the cap, and the sink program
//! that tmux pipes a pane into.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use nix::sys::signal::{SigHandler, Signal, signal};

use super::line::{PREFIX_LEN, STARTED, note_prefix, output_prefix};
use super::paths::LogFile;
use crate::ops::validate::MIN_MAX_SIZE;

/// Appends to a log file, rotating it to `….1` (replacing the old one) before it would
/// grow past its cap.
///
/// A line is moved whole to the next file when it does not fit; only a line longer than
/// the cap itself is split, its continuation starting the new file without a stamp. Read
/// one after the other, `….1` then the current file give back exactly what was written.
pub(super) struct LogWriter<'a> {
    log: &'a LogFile,
    file: File,
    size: u64,
    max: u64,
    /// Whether the next byte begins a line (and so gets a stamp).
    at_line_start: bool,
    /// What is to be written with the next system call.
    pending: Vec<u8>,
}

impl<'a> LogWriter<'a> {
    /// Opens `log` for appending, capped at `max` bytes.
    pub(super) fn open(log: &'a LogFile, max: u64) -> io::Result<Self> {
        log.create_dir()?;
        let file = log.open_append()?;
        let size = file.metadata()?.len();
        let at_line_start = size == 0 || last_byte(&file, size)? == b'\n';
        Ok(LogWriter {
            log,
            file,
            size,
            max: max.max(MIN_MAX_SIZE),
            at_line_start,
            pending: Vec::with_capacity(64 * 1024),
        })
    }

    /// Begins a run: a file that holds an earlier run gets `ending` (how that run ended)
    /// as its last line and is rotated away (kept as `….1`, not erased), and the new one
    /// starts with kstlib's `started` line.
    pub(super) fn begin_run(&mut self, now: Timestamp, ending: Option<&str>) -> io::Result<()> {
        if self.size > 0 {
            match ending {
                Some(ending) => self.note(ending, now)?,
                None => self.end_line(),
            }
            self.rotate()?;
        }
        self.note(STARTED, now)
    }

    /// Appends program output read at `now`: each line that starts in it is stamped
    /// `now`, a partial line is written as it is and continued by the next call.
    pub(super) fn write_output(&mut self, mut bytes: &[u8], now: Timestamp) -> io::Result<()> {
        let prefix = output_prefix(now);
        while !bytes.is_empty() {
            let line_len = bytes
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| i + 1);
            let (mut line, rest) = bytes.split_at(line_len);
            bytes = rest;
            let ends_line = line.last() == Some(&b'\n');
            if self.at_line_start {
                if self.size > 0 && self.size + (PREFIX_LEN + line.len()) as u64 > self.max {
                    self.rotate()?;
                }
                self.push(&prefix);
                self.at_line_start = false;
            }
            // Only a line longer than the cap gets here without room: it is split.
            while !line.is_empty() {
                let room =
                    usize::try_from(self.max.saturating_sub(self.size)).unwrap_or(usize::MAX);
                if room == 0 {
                    self.rotate()?;
                    continue;
                }
                let (piece, more) = line.split_at(room.min(line.len()));
                self.push(piece);
                line = more;
            }
            self.at_line_start = ends_line;
        }
        self.flush()
    }

    /// Appends one of kstlib's own lines, on a line of its own.
    pub(super) fn note(&mut self, text: &str, now: Timestamp) -> io::Result<()> {
        self.end_line();
        let line_len = (PREFIX_LEN + text.len() + 1) as u64;
        if self.size > 0 && self.size + line_len > self.max {
            self.rotate()?;
        }
        self.push(&note_prefix(now));
        self.push(text.as_bytes());
        self.push(b"\n");
        self.at_line_start = true;
        self.flush()
    }

    /// Ends a partial last line, so that whatever comes next starts a line.
    pub(super) fn finish(&mut self) -> io::Result<()> {
        self.end_line();
        self.flush()
    }

    fn end_line(&mut self) {
        if !self.at_line_start {
            self.push(b"\n");
            self.at_line_start = true;
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        self.size += bytes.len() as u64;
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.file.write_all(&self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    /// `….log` becomes `….log.1` (the old `.1` goes), and a new `….log` begins.
    fn rotate(&mut self) -> io::Result<()> {
        // What was pushed so far belongs to the old file: `size` counted it there.
        self.flush()?;
        fs::rename(self.log.path(), self.log.rotated())?;
        self.file = self.log.open_append()?;
        self.size = 0;
        Ok(())
    }
}

fn last_byte(file: &File, size: u64) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    file.read_exact_at(&mut byte, size - 1)?;
    Ok(byte[0])
}

/// The sink: reads a pane's output from stdin until tmux closes the pipe (the pane is
/// gone: the session was killed, or its server), and appends it to `path` with stamps,
/// rotating at `max_size`. Returns when stdin ends.
///
/// tmux forks the sink from its server, so it is in the server's process group, not the
/// pane's: the signals of `stop` never reach it. SIGHUP and SIGINT are ignored anyway, so
/// that nothing but the end of its input ends it before it has written everything. It
/// holds the file's lock throughout: a second sink of the same file (the next run's) and
/// kstlib's own notes wait for it. `ending`, how the previous run ended, becomes that
/// run's last line once the previous sink has finished, just before the file is rotated.
pub fn run_sink(path: &Path, max_size: u64, ending: Option<&str>) -> io::Result<()> {
    for sig in [Signal::SIGHUP, Signal::SIGINT] {
        // SAFETY: SIG_IGN installs no handler; nothing runs on delivery.
        unsafe {
            let _ = signal(sig, SigHandler::SigIgn);
        }
    }
    let log = LogFile::new(path);
    let _lock = log.lock()?;
    let mut writer = LogWriter::open(&log, max_size)?;
    writer.begin_run(Timestamp::now(), ending)?;
    let mut stdin = io::stdin().lock();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match stdin.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => writer.write_output(&buffer[..n], Timestamp::now())?,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                writer.finish()?;
                return Err(err);
            }
        }
    }
    writer.finish()
}

/// How long kstlib waits for a sink to finish writing before it appends a note: a sink
/// whose pane is gone ends as soon as it has written what was still in its pipe.
const SINK_DRAIN: Duration = Duration::from_secs(2);

/// Appends one of kstlib's own lines to `log` (an existing one only), once its sink has
/// finished. `Ok(false)` when there is no log, or its sink did not finish in time.
pub(crate) fn append_note(log: &LogFile, max_size: u64, text: &str) -> io::Result<bool> {
    if !log.exists() {
        return Ok(false);
    }
    let Some(_lock) = log.lock_within(SINK_DRAIN)? else {
        tracing::debug!("{}: its writer still runs; no note", log.path().display());
        return Ok(false);
    };
    LogWriter::open(log, max_size)?.note(text, Timestamp::now())?;
    Ok(true)
}

/// How a program ended, as the last line of its log: `exited with code 7 at …`,
/// `killed by SIGTERM at …`.
pub(crate) fn ending_note(code: Option<i32>, signal: Option<&str>, at: Timestamp) -> String {
    let how = match (signal, code) {
        (Some(signal), _) => format!("killed by {signal}"),
        (None, Some(code)) => format!("exited with code {code}"),
        (None, None) => "ended".to_owned(),
    };
    // To the second: this line is for people; the stamp before it has the microseconds.
    let second = Timestamp::from_second(at.as_second()).unwrap_or(at);
    format!("{how} at {second}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn lines_are_stamped_when_they_start() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let mut writer = LogWriter::open(&log, 4096).expect("open");
        writer
            .write_output(b"one\r\npar", at("2026-12-02T04:28:15Z"))
            .expect("write");
        writer
            .write_output(b"tial\r\ntwo", at("2026-12-02T04:28:16Z"))
            .expect("write");
        writer.finish().expect("finish");
        writer
            .note("exited with code 7", at("2026-12-02T04:28:17Z"))
            .expect("note");
        assert_eq!(
            read(log.path()),
            "2026-12-02T04:28:15.000000Z one\r\n\
             2026-12-02T04:28:15.000000Z partial\r\n\
             2026-12-02T04:28:16.000000Z two\n\
             2026-12-02T04:28:17.000000Z#exited with code 7\n"
        );
        // Opened again, it knows that the file ends a line.
        let mut again = LogWriter::open(&log, 4096).expect("open");
        again
            .write_output(b"x", at("2026-12-02T04:28:18Z"))
            .expect("write");
        assert!(read(log.path()).ends_with("code 7\n2026-12-02T04:28:18.000000Z x"));
    }

    #[test]
    fn a_new_run_rotates_the_old_one_away() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let mut first = LogWriter::open(&log, 4096).expect("open");
        first
            .begin_run(at("2026-12-02T04:00:00Z"), None)
            .expect("begin");
        first
            .write_output(b"unfinished", at("2026-12-02T04:00:01Z"))
            .expect("write");
        drop(first);
        let mut second = LogWriter::open(&log, 4096).expect("open");
        second
            .begin_run(at("2026-12-02T05:00:00Z"), Some("exited with code 1"))
            .expect("begin");
        assert_eq!(
            read(&log.rotated()),
            "2026-12-02T04:00:00.000000Z#started\n2026-12-02T04:00:01.000000Z unfinished\n\
             2026-12-02T05:00:00.000000Z#exited with code 1\n"
        );
        assert_eq!(read(log.path()), "2026-12-02T05:00:00.000000Z#started\n");
    }

    #[test]
    fn rotation_keeps_the_cap_and_moves_whole_lines() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let cap = 1024;
        let mut writer = LogWriter::open(&log, cap).expect("open");
        let now = at("2026-12-02T04:28:15Z");
        for i in 0..200 {
            writer
                .write_output(format!("line {i:03}\n").as_bytes(), now)
                .expect("write");
        }
        let current = read(log.path());
        let rotated = read(&log.rotated());
        assert!(current.len() as u64 <= cap && rotated.len() as u64 <= cap);
        assert!(current.ends_with(" line 199\n"), "{current}");
        // Whole lines in each file, and the two together end the stream without a gap.
        for text in [&current, &rotated] {
            assert!(text.lines().all(|l| l.len() == PREFIX_LEN + 8), "{text}");
        }
        let first = current.lines().next().expect("a line");
        let last_rotated = rotated.lines().last().expect("a line");
        let number = |line: &str| line[PREFIX_LEN + 5..].parse::<u32>().expect("number");
        assert_eq!(number(last_rotated) + 1, number(first));
    }

    #[test]
    fn a_line_longer_than_the_cap_is_split_across_files() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let mut writer = LogWriter::open(&log, 1024).expect("open");
        let long = "x".repeat(1500) + "\n";
        writer
            .write_output(long.as_bytes(), at("2026-12-02T04:28:15Z"))
            .expect("write");
        let joined = read(&log.rotated()) + &read(log.path());
        assert_eq!(joined, format!("2026-12-02T04:28:15.000000Z {long}"));
        assert_eq!(fs::metadata(log.rotated()).expect("stat").len(), 1024);
    }

    #[test]
    fn endings_read_like_sentences() {
        let now = at("2026-12-02T04:28:15Z");
        assert_eq!(
            ending_note(Some(7), None, now),
            "exited with code 7 at 2026-12-02T04:28:15Z"
        );
        assert_eq!(
            ending_note(Some(143), Some("SIGTERM"), now),
            "killed by SIGTERM at 2026-12-02T04:28:15Z"
        );
        assert_eq!(
            ending_note(None, None, now),
            "ended at 2026-12-02T04:28:15Z"
        );
    }
}
