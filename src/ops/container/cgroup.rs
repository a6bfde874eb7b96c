//! The PID of a Docker container's program, read from its cgroup on this machine.
//!
//! Docker's `ps` has no PID, in the CLI and the API alike, and asking `inspect` for each
//! container would cost `list` one request per session. A container's processes are the
//! members of its cgroup, which the kernel lists in `cgroup.procs`: a few small reads per
//! running container, no backend call. Only for an engine on this machine; elsewhere (and
//! under a layout not listed here, such as rootless Docker) the PID stays unknown, as before.

use std::path::PathBuf;

use crate::ops::process;

/// Where Docker puts the cgroup of container `id`: by cgroup version and cgroup driver.
fn candidates(id: &str) -> [PathBuf; 5] {
    let root = "/sys/fs/cgroup";
    [
        // v2, systemd driver (Docker's default on systemd hosts).
        format!("{root}/system.slice/docker-{id}.scope"),
        // v2, cgroupfs driver.
        format!("{root}/docker/{id}"),
        // v1 with the v2 hierarchy mounted beside it (hybrid), cgroupfs driver.
        format!("{root}/unified/docker/{id}"),
        // v1, cgroupfs driver, then systemd driver.
        format!("{root}/pids/docker/{id}"),
        format!("{root}/pids/system.slice/docker-{id}.scope"),
    ]
    .map(PathBuf::from)
}

/// The PID of container `id`'s first process, if its cgroup is on this machine.
pub(super) fn init_pid(id: &str) -> Option<u32> {
    // An ID is hex; anything else would make a path of its own.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let procs = candidates(id)
        .iter()
        .find_map(|dir| std::fs::read_to_string(dir.join("cgroup.procs")).ok())?;
    first_process(&procs, process::parent_and_start)
}

/// Of the members listed in `procs`, the container's first process: one whose parent (the
/// runtime's shim) is outside the cgroup, the earliest started of them (`docker exec`
/// adds processes with the same parent, later).
fn first_process(procs: &str, parent_and_start: impl Fn(u32) -> Option<(u32, u64)>) -> Option<u32> {
    let members: Vec<u32> = procs
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    members
        .iter()
        .filter_map(|&pid| Some((pid, parent_and_start(pid)?)))
        .filter(|(_, (parent, _))| !members.contains(parent))
        .min_by_key(|&(_, (_, started))| started)
        .map(|(pid, _)| pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_process_is_the_earliest_whose_parent_is_outside() {
        // 10 is the program (parent 1, the shim), 11 its child, 20 a `docker exec` (also
        // the shim's child, started later).
        let table = |pid| match pid {
            10 => Some((1, 500)),
            11 => Some((10, 501)),
            20 => Some((1, 900)),
            _ => None,
        };
        assert_eq!(first_process("11\n20\n10\n", table), Some(10));
        assert_eq!(first_process("", table), None);
        // Gone between the list and the read: not a PID to show.
        assert_eq!(first_process("99\n", table), None);
    }

    #[test]
    fn only_hex_ids_make_a_path() {
        assert_eq!(init_pid("../../etc"), None);
        assert_eq!(init_pid(""), None);
    }
}
