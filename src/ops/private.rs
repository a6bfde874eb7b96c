//! kstlib's private runtime directory: where it keeps what no other user may read or
//! swap (containers' env files, the sockets of ssh master connections).

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// `$XDG_RUNTIME_DIR/kstlib`, else `/tmp/kstlib-UID`: created 0700, and refused unless it
/// is this user's and no one else's (another user could otherwise read or swap a file).
pub(crate) fn dir() -> io::Result<PathBuf> {
    let uid = nix::unistd::getuid().as_raw();
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|dir| !dir.is_empty()) {
        Some(runtime) => PathBuf::from(runtime).join("kstlib"),
        None => std::env::temp_dir().join(format!("kstlib-{uid}")),
    };
    ensure(&dir)?;
    Ok(dir)
}

/// The directory `name` inside [`dir`], as private as it.
pub(crate) fn subdir(name: &str) -> io::Result<PathBuf> {
    let dir = dir()?.join(name);
    ensure(&dir)?;
    Ok(dir)
}

/// Creates `dir` 0700 if missing; an error unless it is a directory of this user's alone.
fn ensure(dir: &Path) -> io::Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
        Err(err) => {
            return Err(io::Error::new(
                err.kind(),
                format!("cannot create '{}': {err}", dir.display()),
            ));
        }
    }
    let meta = fs::symlink_metadata(dir)?;
    let uid = nix::unistd::getuid().as_raw();
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "'{}' is not a directory of this user's alone (mode 0700)",
                dir.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_others_can_read_is_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let open = tmp.path().join("open");
        fs::create_dir(&open).expect("mkdir");
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).expect("chmod");
        assert!(ensure(&open).is_err());
        let made = tmp.path().join("made");
        ensure(&made).expect("created");
        let mode = fs::metadata(&made).expect("exists").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
