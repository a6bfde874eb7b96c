//! A container's environment handed over in a file of its own, not on the command line.
//!
//! `docker run -e API_TOKEN=…` shows the token to every user of `ps` for as long as the
//! CLI runs; `--env-file` keeps it in a file only this user can read (0600, in a 0700
//! directory of kstlib's own), removed as soon as `run` has read it. A value the file
//! format cannot hold (a newline ends a line there) still goes as `-e`, shown as `KEY=***`
//! in every log.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::ops::validate::EnvVar;

/// An env file for one `run`; removed when dropped.
#[derive(Debug)]
pub(super) struct EnvFile {
    path: PathBuf,
}

impl EnvFile {
    /// Writes the variables the file format can hold; `None` when there are none.
    pub(super) fn write(vars: &[&EnvVar]) -> io::Result<Option<EnvFile>> {
        if vars.is_empty() {
            return Ok(None);
        }
        let dir = crate::ops::private::dir()?;
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = dir.join(format!(
            "env-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        let file_guard = EnvFile { path };
        for var in vars {
            writeln!(file, "{}={}", var.key(), var.value())?;
        }
        file.sync_all()?;
        Ok(Some(file_guard))
    }

    /// Where it is, for `--env-file`.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for EnvFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// The variables as the lines of an env file, for a runtime that reads them from its stdin
/// (`--env-file /dev/stdin`, on a remote host); `None` when there are none.
pub(super) fn env_lines(vars: &[&EnvVar]) -> Option<Vec<u8>> {
    if vars.is_empty() {
        return None;
    }
    let text: String = vars
        .iter()
        .map(|var| format!("{}={}\n", var.key(), var.value()))
        .collect();
    Some(text.into_bytes())
}

/// Whether `var` fits on one line of an env file.
pub(super) fn fits(var: &EnvVar) -> bool {
    !var.value().contains(['\n', '\r'])
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn the_file_is_private_holds_the_variables_and_goes_away() {
        let vars = [
            EnvVar::new("API_TOKEN", "s3cret").expect("valid"),
            EnvVar::new("EMPTY", "").expect("valid"),
        ];
        let file = EnvFile::write(&vars.iter().collect::<Vec<_>>())
            .expect("written")
            .expect("some");
        let path = file.path().to_path_buf();
        let meta = fs::metadata(&path).expect("exists");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let dir = fs::metadata(path.parent().expect("dir")).expect("dir");
        assert_eq!(dir.permissions().mode() & 0o777, 0o700);
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            "API_TOKEN=s3cret\nEMPTY=\n"
        );
        drop(file);
        assert!(!path.exists());
        assert!(EnvFile::write(&[]).expect("nothing").is_none());
        assert!(!fits(&EnvVar::new("A", "two\nlines").expect("valid")));
    }
}
