//! A container's environment handed over in a file of its own, not on the command line.
//!
//! `docker run -e API_TOKEN=…` shows the token to every user of `ps` for as long as the
//! CLI runs; `--env-file` keeps it in a file only this user can read (0600, in a 0700
//! directory of kstlib's own), removed as soon as `run` has read it. A value the file
//! format cannot hold (a newline ends a line there, and a PEM key has several) goes
//! through the CLI's own environment instead: `-e KEY` without a value makes the CLI copy
//! the variable from there, and a process's environment is readable by its user alone.
//! Only a variable the CLI would itself obey (`PATH`, `DOCKER_HOST`, …) still goes as
//! `-e KEY=VALUE`, shown as `KEY=***` in every log.

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

/// Whether `var`, which does not [fit](fits) in the file, may reach the CLI through its own
/// environment (`-e KEY`): not when the CLI itself reads that variable, since the value
/// meant for the container would change how `docker` or `podman` runs (where it looks
/// for programs, which engine it talks to, its proxy, its locale). Go programs read the
/// proxy variables in either case, so the names are compared ignoring case.
pub(super) fn inherits(var: &EnvVar) -> bool {
    const CLI_READS: &[&str] = &[
        "PATH",
        "HOME",
        "USER",
        "TMPDIR",
        "TERM",
        "SHELL",
        "TZ",
        "LANG",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "ALL_PROXY",
        // What the Go runtime of the CLIs reads; not every GO… name (GOOGLE_CREDENTIALS).
        "GOGC",
        "GOMEMLIMIT",
        "GOMAXPROCS",
        "GODEBUG",
        "GOTRACEBACK",
        "GORACE",
    ];
    const CLI_READS_PREFIX: &[&str] = &[
        "DOCKER",
        "CONTAINER",
        "PODMAN",
        "BUILDAH",
        "REGISTRY",
        "XDG_",
        "LC_",
        "LD_",
        "SSL_",
        "KSTLIB",
    ];
    let key = var.key().to_ascii_uppercase();
    !CLI_READS.contains(&key.as_str()) && !CLI_READS_PREFIX.iter().any(|p| key.starts_with(p))
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

    #[test]
    fn only_what_the_cli_does_not_read_goes_through_its_environment() {
        let var = |key: &str| EnvVar::new(key, "a\nb").expect("valid");
        assert!(inherits(&var("TLS_KEY")));
        assert!(inherits(&var("API_TOKEN")));
        assert!(inherits(&var("GOOGLE_CREDENTIALS")));
        for key in [
            "GODEBUG",
            "PATH",
            "DOCKER_HOST",
            "CONTAINER_HOST",
            "https_proxy",
            "XDG_RUNTIME_DIR",
        ] {
            assert!(!inherits(&var(key)), "{key}");
        }
    }
}
