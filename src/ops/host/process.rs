//! The processes of a host: their state, their signals, waiting for their end. Locally
//! through `/proc` and `kill(2)` (`crate::ops::process`); on a remote host through the
//! same `/proc` files and `kill`, read and sent there by the scripts of `script.rs`, so that
//! a PID is always looked up on the machine it belongs to.

use std::collections::HashMap;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::Host;
use crate::ops::process::{self, ProcessState};
use crate::ops::shell::Script;
use crate::ops::timing::{self, POLL};

impl Host {
    /// The state of each of `pids`; a PID that cannot be asked about (the host did not
    /// answer) is left out.
    pub(crate) fn process_states(&self, pids: &[u32]) -> HashMap<u32, ProcessState> {
        if !self.is_remote() {
            return pids.iter().map(|&pid| (pid, process::state(pid))).collect();
        }
        if pids.is_empty() {
            return HashMap::new();
        }
        let args = pids.iter().map(u32::to_string);
        match self.run_script(Script::STAT, args, timing::tmux_timeout()) {
            Ok(out) if out.success() => parse_stats(&out.stdout_text()),
            _ => HashMap::new(),
        }
    }

    /// Whether `pid` still runs; on a remote host that does not answer, it is taken to (so
    /// that nothing is killed on a guess).
    pub(crate) fn alive(&self, pid: u32) -> bool {
        if !self.is_remote() {
            return process::alive(pid);
        }
        self.process_states(&[pid])
            .get(&pid)
            .is_none_or(|state| *state == ProcessState::Alive)
    }

    /// Sends `signal` to every live process of the session `sid` (see
    /// [`process::signal_session`]); how many there were.
    pub(crate) fn signal_session(&self, sid: u32, signal: Signal) -> u32 {
        if !self.is_remote() {
            return process::signal_session(sid, signal);
        }
        let name = signal.as_str().trim_start_matches("SIG").to_owned();
        match self.run_script(
            Script::SIGNAL_SESSION,
            [sid.to_string(), name],
            timing::tmux_timeout(),
        ) {
            Ok(out) => out.stdout_text().trim().parse().unwrap_or(0),
            Err(err) => {
                tracing::warn!("{signal} to the session of {sid}: {err}");
                0
            }
        }
    }

    /// Sends `signal` as the terminal would: to the program's process group and to the
    /// foreground group of its terminal (see [`process::send_signal`]).
    pub(crate) fn send_signal(&self, pid: u32, signal: Signal) {
        if !self.is_remote() {
            return process::send_signal(pid, signal);
        }
        let mut groups = vec![pid.to_string()];
        let stat = self.run_script(Script::STAT, [pid.to_string()], timing::tmux_timeout());
        if let Some(foreground) = stat
            .ok()
            .and_then(|out| stat_line(&out.stdout_text(), pid))
            .and_then(|line| process::stat_foreground_group(&line))
            .filter(|&group| group > 0 && u32::try_from(group).ok() != Some(pid))
        {
            groups.push(foreground.to_string());
        }
        let name = signal.as_str().trim_start_matches("SIG").to_owned();
        let args = std::iter::once(name).chain(groups);
        if let Err(err) = self.run_script(Script::SIGNAL, args, timing::tmux_timeout()) {
            tracing::warn!("{signal} to {pid}: {err}");
        }
    }

    /// Waits for `pid` to end, up to `limit`; true if it did.
    pub(crate) fn wait_gone(&self, pid: u32, limit: Duration) -> bool {
        if self.is_remote() {
            // One call that waits there, rather than a call per poll.
            let tenths = (limit.as_millis() / 100).to_string();
            let timeout = limit + timing::tmux_timeout();
            return self
                .run_script(Script::WAIT_GONE, [pid.to_string(), tenths], timeout)
                .is_ok_and(|out| out.success());
        }
        let deadline = Instant::now() + limit;
        loop {
            if !process::alive(pid) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(POLL);
        }
    }
}

/// The output of [`Script::STAT`]: each PID's state (gone when it printed no stat line).
fn parse_stats(text: &str) -> HashMap<u32, ProcessState> {
    let mut states = HashMap::new();
    let mut current: Option<u32> = None;
    for line in text.lines() {
        if let Some(pid) = line.strip_prefix("pid ") {
            current = pid.trim().parse().ok();
            if let Some(pid) = current {
                states.insert(pid, ProcessState::Gone);
            }
        } else if let Some(pid) = current
            && !line.trim().is_empty()
        {
            states.insert(pid, process::state_of_stat(line));
        }
    }
    states
}

/// The stat line of `pid` in the output of [`Script::STAT`].
fn stat_line(text: &str, pid: u32) -> Option<String> {
    let marker = format!("pid {pid}");
    let mut lines = text.lines();
    lines.find(|line| *line == marker)?;
    lines
        .next()
        .filter(|line| !line.starts_with("pid "))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_parse_into_states() {
        let text = "pid 42\n42 (sleep) S 1 42 42 0 -1 4194560\npid 43\n42 (x) Z 1\npid 44\n";
        let states = parse_stats(text.replace("42 (x)", "43 (x)").as_str());
        assert_eq!(states.get(&42), Some(&ProcessState::Alive));
        assert!(matches!(states.get(&43), Some(ProcessState::Zombie(_))));
        assert_eq!(states.get(&44), Some(&ProcessState::Gone));
        assert_eq!(
            stat_line(text, 42).as_deref(),
            Some("42 (sleep) S 1 42 42 0 -1 4194560")
        );
        assert_eq!(stat_line(text, 44), None);
    }
}
