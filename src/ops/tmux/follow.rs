//! `logs --follow` on tmux: new lines of the pane's history, as they come.

use std::io::{self, Write};
use std::thread;

use super::list::last;
use super::runner::TmuxRunner;
use crate::ops::backend::LogOptions;
use crate::ops::error::{Error, Result};
use crate::ops::timing::FOLLOW_POLL;
use crate::ops::validate::SessionName;

/// Prints the last lines, then every new complete line, until the session ends or the
/// reader goes away. tmux keeps no log of its own, so this compares successive captures of
/// the pane's history: new lines are what follows the previous capture's tail.
pub(super) fn follow_capture(
    runner: &TmuxRunner,
    name: &SessionName,
    options: &LogOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let mut seen = runner.capture(name, options.ansi)?;
    if write_lines(out, &last(seen.clone(), options.lines)).is_err() {
        return Ok(());
    }
    loop {
        thread::sleep(FOLLOW_POLL);
        let row = runner.find(name)?;
        let current = match runner.capture(name, options.ansi) {
            Ok(lines) => lines,
            Err(Error::SessionNotFound { .. }) => return Ok(()),
            Err(err) => return Err(err),
        };
        let fresh = new_lines(&seen, &current);
        if write_lines(out, fresh).is_err() {
            return Ok(());
        }
        seen = current;
        if row.is_none_or(|row| row.dead) {
            return Ok(());
        }
    }
}

/// The lines of `current` that come after the part it shares with `previous`.
///
/// The pane's history is a window: lines are appended at the bottom and, past the history
/// limit, dropped at the top. So `current` starts with some suffix of `previous`; the
/// longest such suffix is the overlap. The last line may still be growing (a line without
/// its newline yet), so it counts as shared when `previous` had its beginning.
fn new_lines<'a>(previous: &[String], current: &'a [String]) -> &'a [String] {
    for start in 0..previous.len() {
        let tail = &previous[start..];
        if tail.len() > current.len() {
            continue;
        }
        let Some((last, body)) = tail.split_last() else {
            break;
        };
        let head = &current[..tail.len()];
        if head[..body.len()] == *body && head[body.len()].starts_with(last.as_str()) {
            // A growing last line is printed again in full once it has grown.
            return if head[body.len()] == *last {
                &current[tail.len()..]
            } else {
                &current[body.len()..]
            };
        }
    }
    current
}

fn write_lines(out: &mut dyn Write, lines: &[String]) -> io::Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn new_lines_finds_what_follows_the_overlap() {
        let before = strings(&["a", "b", "c"]);
        assert_eq!(new_lines(&before, &strings(&["a", "b", "c", "d"])), ["d"]);
        // The history limit dropped "a" and "b".
        assert_eq!(new_lines(&before, &strings(&["c", "d", "e"])), ["d", "e"]);
        // The last line grew: it is printed again, whole.
        assert_eq!(
            new_lines(&before, &strings(&["a", "b", "cc", "d"])),
            ["cc", "d"]
        );
        assert!(new_lines(&before, &before).is_empty());
        assert_eq!(new_lines(&[], &strings(&["x"])), ["x"]);
    }
}
