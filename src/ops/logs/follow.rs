//! `logs --follow` on a log file: the last lines, then every line the sink writes, across
//! rotations, woken by inotify rather than by polling.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};

use super::LogOptions;
use super::line::StampedLines;
use super::paths::LogFile;
use super::tail::{Stream, tail_of};

/// The longest wait for news: also how soon the end of the session is noticed when the
/// file is quiet.
const WAKE: Duration = Duration::from_millis(200);

/// After the program has ended, how long output may still arrive: tmux reads what the
/// program wrote last from its terminal and hands it to the sink after the program is
/// gone.
const LAST_WORDS: Duration = Duration::from_millis(300);

/// Prints the last lines of `log`, then each new line as it is written, until
/// `running()` says that the program has ended (and its last output is in), the sink has
/// gone, or `out` is closed. The file rotating to `….1` is followed to the new file.
/// `Ok(false)` when there is no log file to follow.
pub(crate) fn follow(
    log: &LogFile,
    options: &LogOptions,
    out: &mut dyn Write,
    running: &dyn Fn() -> bool,
) -> io::Result<bool> {
    let Some(dir) = log.path().parent() else {
        return Ok(false);
    };
    // Watching first: nothing written between the tail and the watch can be missed.
    let inotify =
        Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC).map_err(io::Error::from)?;
    inotify
        .add_watch(
            dir,
            AddWatchFlags::IN_MODIFY
                | AddWatchFlags::IN_CREATE
                | AddWatchFlags::IN_MOVED_TO
                | AddWatchFlags::IN_MOVED_FROM
                | AddWatchFlags::IN_CLOSE_WRITE,
        )
        .map_err(io::Error::from)?;
    let Some((mut file, end, stream)) = open(log)? else {
        return Ok(false);
    };
    for line in tail_of(&stream, options)? {
        if writeln!(out, "{line}").is_err() {
            return Ok(true);
        }
    }
    if out.flush().is_err() {
        return Ok(true);
    }
    let mut printer = StampedLines::new(out, options.ansi, options.since);
    drop(stream);
    file.seek(SeekFrom::Start(end))?;
    let mut ended_at: Option<Instant> = None;
    loop {
        if copy(&mut printer, &mut file).is_err() {
            return Ok(true);
        }
        if rotated(log, &file) {
            // Everything the old file will get is in it once it has been renamed.
            if copy(&mut printer, &mut file).is_err() {
                return Ok(true);
            }
            // Rotated twice since: the file in between is `….1` now.
            if let Ok(mut between) = File::open(log.rotated())
                && !same_file(&between, &file)
                && copy(&mut printer, &mut between).is_err()
            {
                return Ok(true);
            }
            match File::open(log.path()) {
                Ok(next) => {
                    file = next;
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
        match ended_at {
            Some(at) if at.elapsed() >= LAST_WORDS => break,
            Some(_) => {}
            None if !running() || !log.has_writer() => ended_at = Some(Instant::now()),
            None => {}
        }
        wait(&inotify, WAKE)?;
    }
    let _ = printer.finish();
    Ok(true)
}

/// The current file, where its last complete line ends (the tail stops there, the
/// follower goes on from there), and the stream of the tail; `None` without a file.
fn open(log: &LogFile) -> io::Result<Option<(File, u64, Stream)>> {
    loop {
        let Ok(mut file) = File::open(log.path()) else {
            return Ok(None);
        };
        let end = complete_end(&mut file)?;
        let Some(stream) = Stream::open(log, Some(end))? else {
            return Ok(None);
        };
        // A rotation in between would make `end` an offset in another file.
        if stream.current_ino() == Some(file.metadata()?.ino()) {
            return Ok(Some((file, end, stream)));
        }
    }
}

/// Where the last complete line of `file` ends (0 if it has none).
fn complete_end(file: &mut File) -> io::Result<u64> {
    let len = file.metadata()?.len();
    let mut end = len;
    let mut block = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let chunk = &mut block[..usize::try_from(end - start).unwrap_or(0)];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// Whether the log's path now names another file than `file` (it was rotated away).
fn rotated(log: &LogFile, file: &File) -> bool {
    match (std::fs::metadata(log.path()), file.metadata()) {
        (Ok(now), Ok(ours)) => !same(&now, &ours),
        (Err(_), _) => true,
        (_, Err(_)) => false,
    }
}

fn same_file(a: &File, b: &File) -> bool {
    matches!((a.metadata(), b.metadata()), (Ok(a), Ok(b)) if same(&a, &b))
}

fn same(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.ino() == b.ino() && a.dev() == b.dev()
}

/// Sleeps until the log directory changes, or `limit`.
fn wait(inotify: &Inotify, limit: Duration) -> io::Result<()> {
    let timeout = PollTimeout::try_from(limit).unwrap_or(PollTimeout::MAX);
    let mut fds = [PollFd::new(inotify.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, timeout) {
        Ok(_) | Err(nix::errno::Errno::EINTR) => {}
        Err(errno) => return Err(errno.into()),
    }
    // The events only say that something changed; reading the file says what.
    while inotify.read_events().is_ok_and(|events| !events.is_empty()) {}
    Ok(())
}

/// Prints what `file` holds past its position, line by line as the log's reader shows
/// them.
fn copy(printer: &mut StampedLines<'_>, file: &mut File) -> io::Result<()> {
    if io::copy(file, printer)? > 0 {
        printer.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;

    use jiff::Timestamp;

    use super::super::sink::LogWriter;
    use super::*;

    #[test]
    fn following_goes_on_across_a_rotation_until_the_program_ends() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("dev.log"));
        let mut writer = LogWriter::open(&log, 1024).expect("open");
        writer.begin_run(Timestamp::now(), None).expect("begin");
        writer
            .write_output(b"before 1\nbefore 2\n", Timestamp::now())
            .expect("write");
        let running = Arc::new(AtomicBool::new(true));
        let lock = log.lock().expect("lock");
        let writing = {
            let running = Arc::clone(&running);
            let path = log.path().to_owned();
            thread::spawn(move || {
                let log = LogFile::new(path);
                let mut writer = LogWriter::open(&log, 1024).expect("open");
                thread::sleep(Duration::from_millis(100));
                // Enough lines to rotate the file several times.
                for i in 0..100 {
                    writer
                        .write_output(format!("new {i}\n").as_bytes(), Timestamp::now())
                        .expect("write");
                    if i % 5 == 0 {
                        thread::sleep(Duration::from_millis(5));
                    }
                }
                writer
                    .write_output(b"no newline", Timestamp::now())
                    .expect("write");
                running.store(false, Ordering::SeqCst);
                drop(lock);
            })
        };
        let mut out = Vec::new();
        let options = LogOptions {
            lines: 1,
            ..LogOptions::default()
        };
        let followed =
            follow(&log, &options, &mut out, &|| running.load(Ordering::SeqCst)).expect("follow");
        writing.join().expect("writer");
        assert!(followed);
        let expected: String = std::iter::once("before 2".to_owned())
            .chain((0..100).map(|i| format!("new {i}")))
            .chain(std::iter::once("no newline".to_owned()))
            .map(|line| line + "\n")
            .collect();
        assert_eq!(String::from_utf8(out).expect("utf-8"), expected);
        assert!(fs::metadata(log.rotated()).expect("rotated").len() <= 1024);
    }

    #[test]
    fn there_is_nothing_to_follow_without_a_file() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("none.log"));
        let mut out = Vec::new();
        assert!(!follow(&log, &LogOptions::default(), &mut out, &|| true).expect("follow"));
    }
}
