//! The last lines of a log, read backwards from the end: the time it takes grows with the
//! number of lines asked for, not with the size of the file.

use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};

use super::LogOptions;
use super::line::Line;
use super::paths::LogFile;
use crate::ops::text::is_blank;

/// How much is read at a time, going backwards.
const BLOCK: u64 = 64 * 1024;

/// The log's two files, the rotated one first, as one stream of bytes: a line split by a
/// rotation is whole again.
pub(super) struct Stream {
    files: Vec<(File, u64)>,
}

impl Stream {
    /// Opens `log` as it is now; its current file ends at `end` when given (what follows
    /// is left for a follower). `None` when there is no current file.
    pub(super) fn open(log: &LogFile, end: Option<u64>) -> io::Result<Option<Stream>> {
        // The current file first, then the rotated one; if a rotation came in between, the
        // rotated one is the current one just opened: open both again.
        for _ in 0..3 {
            let current = match File::open(log.path()) {
                Ok(file) => file,
                Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(err) => return Err(err),
            };
            let rotated = File::open(log.rotated()).ok();
            let inode = current.metadata()?.ino();
            if std::fs::metadata(log.path()).is_ok_and(|now| now.ino() != inode) {
                continue;
            }
            let len = end.unwrap_or(current.metadata()?.len());
            let mut files = Vec::with_capacity(2);
            if let Some(rotated) = rotated {
                let len = rotated.metadata()?.len();
                files.push((rotated, len));
            }
            files.push((current, len));
            return Ok(Some(Stream { files }));
        }
        Err(io::Error::other("the log kept rotating while it was read"))
    }

    /// The inode of the current file.
    pub(super) fn current_ino(&self) -> Option<u64> {
        let (file, _) = self.files.last()?;
        file.metadata().ok().map(|metadata| metadata.ino())
    }

    fn len(&self) -> u64 {
        self.files.iter().map(|(_, len)| len).sum()
    }

    /// Fills `buf` from the stream's offset `at`, across the two files.
    fn read_at(&self, buf: &mut [u8], mut at: u64) -> io::Result<()> {
        let mut filled = 0;
        for (file, len) in &self.files {
            if filled == buf.len() {
                break;
            }
            if at >= *len {
                at -= len;
                continue;
            }
            let n =
                usize::try_from((len - at).min((buf.len() - filled) as u64)).unwrap_or(usize::MAX);
            file.read_exact_at(&mut buf[filled..filled + n], at)?;
            filled += n;
            at = 0;
        }
        Ok(())
    }

    /// The stream's lines from the last to the first.
    pub(super) fn backwards(&self) -> Backwards<'_> {
        Backwards {
            stream: self,
            pos: self.len(),
            block: Vec::new(),
            cursor: 0,
            pieces: Vec::new(),
            started: false,
            done: false,
        }
    }
}

/// Lines (without their `\n`) from the end of a [`Stream`] to its start.
pub(super) struct Backwards<'a> {
    stream: &'a Stream,
    /// Everything before `pos` is still unread.
    pos: u64,
    /// The last block read; `block[..cursor]` is not returned yet.
    block: Vec<u8>,
    cursor: usize,
    /// The end of the line being assembled, read from later blocks, latest first.
    pieces: Vec<Vec<u8>>,
    started: bool,
    /// The first line was returned.
    done: bool,
}

impl Backwards<'_> {
    /// The line before the ones already returned; `None` at the start of the stream.
    pub(super) fn prev_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        if !self.started {
            self.started = true;
            // The `\n` that ends the stream ends its last line; it starts no empty one.
            if self.pos == 0 {
                self.done = true;
            } else {
                let mut last = [0u8; 1];
                self.stream.read_at(&mut last, self.pos - 1)?;
                if last[0] == b'\n' {
                    self.pos -= 1;
                }
            }
        }
        loop {
            if let Some(i) = self.block[..self.cursor].iter().rposition(|&b| b == b'\n') {
                let line = self.take_line(i + 1);
                self.cursor = i;
                return Ok(Some(line));
            }
            if self.pos == 0 {
                if self.done {
                    return Ok(None);
                }
                // What is left before the first `\n` is the first line.
                self.done = true;
                let line = self.take_line(0);
                self.cursor = 0;
                return Ok(Some(line));
            }
            if self.cursor > 0 {
                self.pieces.push(self.block[..self.cursor].to_vec());
            }
            let start = self.pos.saturating_sub(BLOCK);
            let mut block = vec![0u8; usize::try_from(self.pos - start).unwrap_or(usize::MAX)];
            self.stream.read_at(&mut block, start)?;
            self.pos = start;
            self.cursor = block.len();
            self.block = block;
        }
    }

    /// The line made of `block[from..cursor]` and the pieces after it.
    fn take_line(&mut self, from: usize) -> Vec<u8> {
        let mut line = self.block[from..self.cursor].to_vec();
        for piece in self.pieces.drain(..).rev() {
            line.extend_from_slice(&piece);
        }
        line
    }
}

/// The last `options.lines` lines of `log`'s current run as `logs` prints them (see
/// [`Line::display`]): never older than `options.since`, trailing blank lines dropped, and
/// never past the line that began the run into an earlier one. `None` when there is no
/// log file.
pub(crate) fn read_tail(log: &LogFile, options: &LogOptions) -> io::Result<Option<Vec<String>>> {
    match Stream::open(log, None)? {
        Some(stream) => tail_of(&stream, options).map(Some),
        None => Ok(None),
    }
}

/// The last `lines` lines that the program wrote in `log`'s current run, without kstlib's
/// own: what a failed start reports. The file has them even when tmux had not drawn them
/// on the pane yet when the program was found dead.
pub(crate) fn read_program_tail(log: &LogFile, lines: usize) -> io::Result<Option<Vec<String>>> {
    let options = LogOptions {
        lines,
        ..LogOptions::default()
    };
    match Stream::open(log, None)? {
        Some(stream) => tail_with(&stream, &options, false).map(Some),
        None => Ok(None),
    }
}

/// [`read_tail`] of an open stream.
pub(super) fn tail_of(stream: &Stream, options: &LogOptions) -> io::Result<Vec<String>> {
    tail_with(stream, options, true)
}

/// The tail, with or without kstlib's own lines (`notes`).
fn tail_with(stream: &Stream, options: &LogOptions, notes: bool) -> io::Result<Vec<String>> {
    let mut backwards = stream.backwards();
    tail_lines(|| backwards.prev_line(), options, notes)
}

/// The tail of a log's bytes already read (the end of a log on a remote host), as
/// [`read_tail`] reads a file: with or without kstlib's own lines (`notes`).
pub(crate) fn tail_of_bytes(bytes: &[u8], options: &LogOptions, notes: bool) -> Vec<String> {
    if bytes.is_empty() {
        return Vec::new();
    }
    // The `\n` that ends the last line starts no empty one.
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let mut lines = body.rsplit(|&byte| byte == b'\n');
    let prev = || Ok(lines.next().map(<[u8]>::to_vec));
    tail_lines(prev, options, notes).unwrap_or_default()
}

/// The tail of the lines `prev` gives from the last to the first.
fn tail_lines(
    mut prev: impl FnMut() -> io::Result<Option<Vec<u8>>>,
    options: &LogOptions,
    notes: bool,
) -> io::Result<Vec<String>> {
    let mut lines = Vec::new();
    while lines.len() < options.lines {
        let Some(raw) = prev()? else {
            break;
        };
        let line = Line::parse(&raw);
        if line.is_start() {
            break;
        }
        if line.is_note() && !notes {
            continue;
        }
        if let (Some(since), Some(time)) = (options.since, line.time())
            && time < since
        {
            break;
        }
        match line.display(options.ansi) {
            // Blank lines at the end are the program's cursor, not its output.
            Some(text) if lines.is_empty() && is_blank(&text) => {}
            Some(text) => lines.push(text),
            None => {}
        }
    }
    lines.reverse();
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io::Write;
    use std::time::Instant;

    use super::*;

    fn options(lines: usize) -> LogOptions {
        LogOptions {
            lines,
            ..LogOptions::default()
        }
    }

    fn stamped(i: usize) -> String {
        format!(
            "2026-12-02T04:{:02}:{:02}.000000Z line {i}\r\n",
            (i / 60) % 60,
            i % 60
        )
    }

    #[test]
    fn the_last_lines_come_from_the_end_across_the_rotation() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let old: String =
            (0..5).map(stamped).collect::<String>() + "2026-12-02T04:00:05.000000Z spl";
        fs::write(log.rotated(), old).expect("write");
        let current = "it\r\n".to_owned() + &(6..9).map(stamped).collect::<String>() + "\n\n";
        fs::write(log.path(), current).expect("write");
        let tail = |n| read_tail(&log, &options(n)).expect("read").expect("a log");
        assert_eq!(tail(2), ["line 7", "line 8"]);
        assert_eq!(tail(4), ["split", "line 6", "line 7", "line 8"]);
        assert_eq!(tail(100).len(), 9);
        assert_eq!(tail(100)[0], "line 0");
        assert!(tail(0).is_empty());
    }

    #[test]
    fn a_run_begins_where_its_started_line_is() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        fs::write(
            log.rotated(),
            "2026-12-02T04:00:00.000000Z#started\n2026-12-02T04:00:01.000000Z old run\n",
        )
        .expect("write");
        fs::write(
            log.path(),
            "2026-12-02T05:00:00.000000Z#started\n2026-12-02T05:00:01.000000Z new run\n\
             2026-12-02T05:00:02.000000Z#exited with code 3 at 2026-12-02T05:00:02Z\n",
        )
        .expect("write");
        assert_eq!(
            read_tail(&log, &options(100))
                .expect("read")
                .expect("a log"),
            [
                "new run",
                "[kstlib] exited with code 3 at 2026-12-02T05:00:02Z"
            ]
        );
        assert_eq!(
            read_program_tail(&log, 100).expect("read").expect("a log"),
            ["new run"]
        );
    }

    #[test]
    fn since_stops_at_the_first_older_line() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        fs::write(log.path(), (0..10).map(stamped).collect::<String>()).expect("write");
        let since = LogOptions {
            since: Some("2026-12-02T04:00:07Z".parse().expect("time")),
            ..options(100)
        };
        assert_eq!(
            read_tail(&log, &since).expect("read").expect("a log"),
            ["line 7", "line 8", "line 9"]
        );
        assert!(
            read_tail(&LogFile::new(root.path().join("none.log")), &since)
                .expect("read")
                .is_none()
        );
    }

    #[test]
    fn reading_the_end_of_a_big_file_does_not_read_the_file() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("big.log"));
        let file = fs::File::create(log.path()).expect("create");
        // 1 GiB of zeros nobody wrote (a sparse file), then a few lines: reading all of it
        // would take seconds, reading from the end takes microseconds.
        file.set_len(1 << 30).expect("grow");
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .expect("open");
        file.write_all(b"\n").expect("write");
        for i in 0..200 {
            file.write_all(stamped(i).as_bytes()).expect("write");
        }
        let started = Instant::now();
        let tail = read_tail(&log, &options(100))
            .expect("read")
            .expect("a log");
        let took = started.elapsed();
        assert_eq!(tail.len(), 100);
        assert_eq!(tail[99], "line 199");
        assert!(took.as_millis() < 200, "took {took:?}");
    }

    #[test]
    fn bytes_read_elsewhere_give_the_same_tail_as_the_file() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let text = "2026-12-02T04:00:00.000000Z#started\n".to_owned()
            + &(0..5).map(stamped).collect::<String>()
            + "2026-12-02T04:00:09.000000Z#exited with code 3 at 2026-12-02T04:00:09Z\n\n";
        fs::write(log.path(), &text).expect("write");
        for n in [0, 2, 6, 100] {
            let from_file = read_tail(&log, &options(n)).expect("read").expect("a log");
            assert_eq!(
                tail_of_bytes(text.as_bytes(), &options(n), true),
                from_file,
                "{n}"
            );
        }
        assert_eq!(
            tail_of_bytes(text.as_bytes(), &options(2), false),
            ["line 3", "line 4"]
        );
        assert!(tail_of_bytes(b"", &options(5), true).is_empty());
    }

    #[test]
    fn a_line_longer_than_a_block_is_read_whole() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let long = "y".repeat(3 * BLOCK as usize + 17);
        fs::write(log.path(), format!("first\n{long}\nlast")).expect("write");
        assert_eq!(
            read_tail(&log, &options(3)).expect("read").expect("a log"),
            ["first".to_owned(), long, "last".to_owned()]
        );
    }
}
