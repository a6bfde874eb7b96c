//! Looking at and signalling the program of a tmux pane.
//!
//! tmux 3.3a sometimes misses the SIGCHLD of a pane's program (seen on these machines
//! about once in 25 deaths): the program stays a zombie, tmux marks the pane dead (its
//! terminal closed) but never learns the exit status. A zombie still answers `kill(pid, 0)`,
//! so "is it alive" must read the process state, and the exit status can be read from
//! `/proc/PID/stat` while the zombie lasts.

use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;

/// What became of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProcessState {
    /// Running (or stopped, sleeping: anything but finished).
    Alive,
    /// Finished but not yet reaped by its parent; how it ended, when known.
    Zombie(Option<Ending>),
    /// No such process (reaped, or never existed).
    Gone,
}

/// How a process ended, as `waitpid` would report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ending {
    /// The exit code; 128 + N when killed by signal N, as shells and runtimes report it.
    pub code: i32,
    /// The signal that killed it, if one did.
    pub signal: Option<Signal>,
}

impl Ending {
    /// Decodes a raw wait status (`WIFEXITED`/`WIFSIGNALED`).
    pub(crate) fn from_wait_status(status: i32) -> Ending {
        let signal = status & 0x7f;
        if signal == 0 {
            Ending {
                code: (status >> 8) & 0xff,
                signal: None,
            }
        } else {
            Ending {
                code: 128 + signal,
                signal: Signal::try_from(signal).ok(),
            }
        }
    }
}

/// The state of process `pid`.
pub(crate) fn state(pid: u32) -> ProcessState {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => state_of_stat(&stat),
        // Without /proc (not Linux), signal 0 tells existence; zombies count as alive.
        Err(_) if !std::path::Path::new("/proc/self/stat").exists() => {
            let Ok(raw) = i32::try_from(pid) else {
                return ProcessState::Gone;
            };
            match signal::kill(Pid::from_raw(raw), None) {
                Err(nix::errno::Errno::ESRCH) => ProcessState::Gone,
                _ => ProcessState::Alive,
            }
        }
        Err(_) => ProcessState::Gone,
    }
}

/// Whether `pid` is still running.
pub(crate) fn alive(pid: u32) -> bool {
    state(pid) == ProcessState::Alive
}

/// The state letter and, for a finished process, its exit status (field 52).
pub(crate) fn parse_stat(stat: &str) -> Option<(char, Option<Ending>)> {
    // The command name, in parentheses, may contain spaces and parentheses itself.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let ending = fields
        .get(49)
        .and_then(|raw| raw.parse::<i32>().ok())
        .map(Ending::from_wait_status);
    Some((state, ending))
}

/// Field `n` of `/proc/PID/stat` counted after the command name (0 is the state).
fn stat_field(pid: i32, n: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_line_field(&stat, n)
}

/// Field `n` of a `/proc/PID/stat` line counted after the command name.
fn stat_line_field(stat: &str, n: usize) -> Option<String> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(n).map(str::to_owned)
}

/// The parent of process `pid` and when it started (fields 4 and 22, `ppid` and
/// `starttime`, in clock ticks since boot).
pub(crate) fn parent_and_start(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some((
        stat_line_field(&stat, 1)?.parse().ok()?,
        stat_line_field(&stat, 19)?.parse().ok()?,
    ))
}

/// The `tpgid` field of a `/proc/PID/stat` line (read on another host).
pub(crate) fn stat_foreground_group(stat: &str) -> Option<i32> {
    stat_line_field(stat, 5)?.parse().ok()
}

/// The foreground process group of the process's terminal (`tpgid`, field 8).
fn foreground_group(pid: i32) -> Option<i32> {
    stat_field(pid, 5)?.parse().ok()
}

/// Every live process of the session `sid`, kstlib itself excepted (it may run in that
/// very pane). tmux starts each pane's program as the leader of a session of its own, so
/// this is everything the pane started, whatever process group a job put itself in.
pub(crate) fn session_members(sid: u32) -> Vec<u32> {
    let own = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != own)
        .filter(|&pid| {
            let Ok(raw) = i32::try_from(pid) else {
                return false;
            };
            stat_field(raw, 3).and_then(|s| s.parse::<u32>().ok()) == Some(sid) && alive(pid)
        })
        .collect()
}

/// Sends `sig` to every live process of the session `sid`; how many there were.
pub(crate) fn signal_session(sid: u32, sig: Signal) -> u32 {
    let members = session_members(sid);
    for &pid in &members {
        if let Ok(raw) = i32::try_from(pid) {
            let _ = signal::kill(Pid::from_raw(raw), sig);
        }
    }
    u32::try_from(members.len()).unwrap_or(u32::MAX)
}

/// What a `/proc/PID/stat` line says of the process's state.
pub(crate) fn state_of_stat(stat: &str) -> ProcessState {
    parse_stat(stat).map_or(ProcessState::Alive, |(state, ending)| match state {
        'Z' | 'X' => ProcessState::Zombie(ending),
        _ => ProcessState::Alive,
    })
}

/// Sends `signal` as the terminal would: to the program's process group and to the
/// terminal's foreground process group (a job started from a shell in the pane).
pub(crate) fn send_signal(pid: u32, sig: Signal) {
    let Ok(pid) = i32::try_from(pid) else {
        return;
    };
    let mut groups = vec![pid];
    if let Some(foreground) = foreground_group(pid).filter(|&group| group > 0 && group != pid) {
        groups.push(foreground);
    }
    for group in groups {
        if signal::kill(Pid::from_raw(-group), sig).is_err() {
            let _ = signal::kill(Pid::from_raw(group), sig);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_every_process_in_it_whatever_its_group() {
        use std::os::unix::process::CommandExt;
        use std::process::{Command, Stdio};
        // A leader of a session of its own, with a job in a process group of its own.
        let mut leader = Command::new("sh");
        leader
            .args(["-c", "set -m; sleep 1042 & wait"])
            .stdout(Stdio::null());
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            leader.pre_exec(|| {
                nix::unistd::setsid()
                    .map(drop)
                    .map_err(std::io::Error::from)
            });
        }
        let mut child = leader.spawn().expect("sh");
        let sid = child.id();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while session_members(sid).len() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(session_members(sid).len(), 2, "sh and its job");
        assert_eq!(signal_session(sid, Signal::SIGKILL), 2);
        let _ = child.wait();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while !session_members(sid).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(session_members(sid).is_empty());
    }

    #[test]
    fn wait_statuses_decode_like_waitpid() {
        assert_eq!(
            Ending::from_wait_status(3 << 8),
            Ending {
                code: 3,
                signal: None
            }
        );
        assert_eq!(
            Ending::from_wait_status(2),
            Ending {
                code: 130,
                signal: Some(Signal::SIGINT)
            }
        );
    }

    #[test]
    fn stat_lines_parse_even_with_odd_command_names() {
        let mut line = String::from("42 (a) b (c)) Z 1 42 42 0 -1");
        for _ in 0..43 {
            line.push_str(" 0");
        }
        line.push_str(" 768");
        assert_eq!(
            parse_stat(&line),
            Some((
                'Z',
                Some(Ending {
                    code: 3,
                    signal: None
                })
            ))
        );
    }

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_gone() {
        assert_eq!(state(std::process::id()), ProcessState::Alive);
        assert!(foreground_group(std::process::id() as i32).is_some());
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let pid = child.id();
        child.wait().expect("wait");
        assert_eq!(state(pid), ProcessState::Gone);
    }

    #[test]
    fn an_unreaped_child_is_a_zombie_with_its_exit_status() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "exit 5"])
            .spawn()
            .expect("spawn");
        let pid = child.id();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while alive(pid) {
            assert!(std::time::Instant::now() < deadline, "child never exited");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(
            state(pid),
            ProcessState::Zombie(Some(Ending {
                code: 5,
                signal: None
            }))
        );
        child.wait().expect("reap");
    }
}
