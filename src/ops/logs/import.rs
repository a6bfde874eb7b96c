//! A container's output saved into a log file before the container is removed.

use std::io;

use jiff::Timestamp;

use super::paths::LogFile;
use super::sink::LogWriter;

/// Writes a removed container's output to `log` as one run, with the stamps the runtime
/// recorded, and `ending` as its last line.
///
/// The runtime is asked twice: `plain` is `RT logs` (the text, exactly), `stamped` is
/// `RT logs --timestamps` (the time of each line, its first word). The text cannot be
/// taken from `stamped` alone: Podman stamps every piece of a line written in several
/// pieces, so `par2026-12-02T05:18:27.13Z tial` would come back for `partial`. Both have
/// the same lines, so line *n* of `plain` gets the stamp of line *n* of `stamped`; a line
/// without one gets the last stamp seen.
pub(crate) fn import(
    log: &LogFile,
    max_size: u64,
    plain: &[u8],
    stamped: &[u8],
    ending: &str,
) -> io::Result<()> {
    let _lock = log.lock()?;
    let mut writer = LogWriter::open(log, max_size)?;
    let now = Timestamp::now();
    let mut times = stamped.split(|&b| b == b'\n').map(first_word_time);
    let mut last = None;
    let mut started = false;
    for line in plain.split_inclusive(|&b| b == b'\n') {
        let time = times.next().flatten().or(last).unwrap_or(now);
        if !started {
            writer.begin_run(time, None)?;
            started = true;
        }
        last = Some(time);
        writer.write_output(line, time)?;
    }
    if !started {
        writer.begin_run(now, None)?;
    }
    writer.finish()?;
    writer.note(ending, now)
}

/// The RFC 3339 time a line of `logs --timestamps` begins with.
fn first_word_time(line: &[u8]) -> Option<Timestamp> {
    let end = line.iter().position(|&b| b == b' ')?;
    std::str::from_utf8(&line[..end]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn text_comes_from_the_plain_logs_and_times_from_the_stamped_ones() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = LogFile::new(root.path().join("web.log"));
        fs::write(log.path(), "2026-12-01T00:00:00.000000Z#started\n").expect("write");
        let plain = b"one\r\npartial\r\nerr\r\nlast";
        let stamped = b"2026-12-02T05:18:26.130515619Z one\r\n\
            2026-12-02T05:18:26.131501479Z par2026-12-02T05:18:27.132504580Z tial\r\n\
            2026-12-02T05:18:27.5+01:00 err\r\n";
        import(
            &log,
            4096,
            plain,
            stamped,
            "exited with code 4 at 2026-12-02T05:18:28Z",
        )
        .expect("import");
        let text = fs::read_to_string(log.path()).expect("read");
        let mut lines = text.split_terminator('\n');
        assert_eq!(lines.next(), Some("2026-12-02T05:18:26.130515Z#started"));
        assert_eq!(lines.next(), Some("2026-12-02T05:18:26.130515Z one\r"));
        assert_eq!(lines.next(), Some("2026-12-02T05:18:26.131501Z partial\r"));
        assert_eq!(lines.next(), Some("2026-12-02T04:18:27.500000Z err\r"));
        // More plain lines than stamped ones: the last stamp goes on.
        assert_eq!(lines.next(), Some("2026-12-02T04:18:27.500000Z last"));
        let note = lines.next().expect("the ending");
        assert!(
            note.ends_with("Z#exited with code 4 at 2026-12-02T05:18:28Z"),
            "{note}"
        );
        assert_eq!(lines.next(), None);
        // The previous save is kept as the rotated file.
        assert_eq!(
            fs::read_to_string(log.rotated()).expect("read"),
            "2026-12-01T00:00:00.000000Z#started\n"
        );
    }
}
