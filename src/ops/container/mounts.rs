//! Host directories of bind mounts, created before `run` as Docker does.
//!
//! Docker creates a missing host directory of a bind mount; Podman refuses it (`statfs …:
//! no such file or directory`), so `volumes: ["./data:/app/data"]` worked on one runtime
//! only. kstlib creates them on both, parents included, and says so at `-v`.

use std::io;
use std::path::{Path, PathBuf};

use crate::ops::validate::Volume;

/// The host directories kstlib created for one `run`, deepest last, so that a `run` that
/// fails leaves nothing of its own behind.
#[derive(Debug, Default)]
pub(crate) struct Created(Vec<PathBuf>);

impl Created {
    /// Removes what was created, deepest first; a directory something was put in stays.
    pub(super) fn undo(self) {
        for dir in self.0.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Creates the missing host directories of the bind mounts among `volumes`.
pub(super) fn create<'a>(volumes: impl IntoIterator<Item = &'a Volume>) -> io::Result<Created> {
    let mut created = Created::default();
    for volume in volumes.into_iter().filter(|v| v.is_bind_mount()) {
        let host = Path::new(volume.host());
        if host.exists() {
            continue;
        }
        let missing: Vec<PathBuf> = host
            .ancestors()
            .take_while(|dir| !dir.exists())
            .map(Path::to_path_buf)
            .collect();
        if let Err(err) = std::fs::create_dir_all(host) {
            created.undo();
            return Err(io::Error::new(
                err.kind(),
                format!("cannot create '{}': {err}", host.display()),
            ));
        }
        tracing::info!(
            "created host directory {} for volume {volume}",
            host.display()
        );
        created.0.extend(missing.into_iter().rev());
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_host_directories_are_created_and_undone() {
        let root = tempfile::tempdir().expect("tempdir");
        let deep = root.path().join("a/b/c");
        let existing = root.path().join("here");
        std::fs::create_dir(&existing).expect("mkdir");
        let volumes = [
            Volume::parse(&format!("{}:/data", deep.display())).expect("valid"),
            Volume::parse(&format!("{}:/here", existing.display())).expect("valid"),
            Volume::parse("named:/named").expect("valid"),
        ];
        let created = create(&volumes).expect("created");
        assert!(deep.is_dir());
        created.undo();
        assert!(!root.path().join("a").exists(), "all three levels removed");
        assert!(existing.is_dir(), "what was there stays");
    }
}
