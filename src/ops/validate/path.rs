//! Paths and path-like names: tmux sockets, the working directory, the tmux binary.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use super::{ValidationError, check_control, describe_control, too_long};

/// Room for a socket name in tmux's socket directory.
///
/// tmux puts `-L NAME` at `$TMUX_TMPDIR/tmux-UID/NAME`, and a Unix socket path holds at
/// most 107 bytes; `/tmp/tmux-4294967295/` takes 21 of them, so 100 bytes is far enough
/// from the edge without being a practical limit.
pub const MAX_SOCKET_NAME_LENGTH: usize = 100;

/// The longest Unix socket path Linux can bind or connect to (`sun_path` is 108 bytes,
/// one of which is the terminating NUL).
pub const MAX_SOCKET_PATH_LENGTH: usize = 107;

/// The longest working directory or binary path accepted, as for commands: far beyond any
/// real path, short enough to keep messages and argv sane.
pub const MAX_PATH_LENGTH: usize = 4096;

const SOCKET_NAME: &str = "socket_name";

/// A tmux socket name (`tmux -L NAME`): a file name inside tmux's socket directory.
///
/// Upstream refused only `/`, `\` and NUL; control characters are refused too, and so are
/// `.` and `..`, which name directories rather than sockets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SocketName(String);

impl SocketName {
    /// Checks a socket name and keeps it.
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        let refuse = |reason: &str| Err(ValidationError::new(SOCKET_NAME, name, reason));
        if name.is_empty() {
            return refuse("must not be empty; omit it to use tmux's default socket");
        }
        check_control(SOCKET_NAME, name, "a socket name is a plain file name")?;
        if name.contains(['/', '\\']) {
            return refuse(
                "contains '/' or '\\'; use a plain file name (a socket path is given separately)",
            );
        }
        if name == "." || name == ".." {
            return refuse("names a directory; use a plain file name");
        }
        if name.len() > MAX_SOCKET_NAME_LENGTH {
            return refuse(&format!(
                "is {} bytes long, at most {MAX_SOCKET_NAME_LENGTH} are allowed",
                name.len()
            ));
        }
        Ok(SocketName(name.to_owned()))
    }

    /// The name as text, for tmux's argv.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SocketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SocketName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// For clap's `value_parser!` and `str::parse`.
impl FromStr for SocketName {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SocketName::new(s)
    }
}

/// Refuses a tmux socket path (`tmux -S PATH`) that no socket could have.
///
/// Non-UTF-8 paths are checked byte by byte and shown lossily; the length limit is in
/// bytes because that is what the kernel counts.
pub fn check_socket_path(path: &Path) -> Result<(), ValidationError> {
    const FIELD: &str = "socket_path";
    let bytes = path.as_os_str().as_encoded_bytes();
    let shown = path.to_string_lossy();
    let refuse = |reason: String| Err(ValidationError::new(FIELD, shown.as_ref(), reason));
    if bytes.is_empty() {
        return refuse("must not be empty".into());
    }
    if let Some(&b) = bytes.iter().find(|b| b.is_ascii_control()) {
        return refuse(format!("contains {}", describe_control(char::from(b))));
    }
    check_control(FIELD, &shown, "a socket path is a file path")?;
    if bytes.len() > MAX_SOCKET_PATH_LENGTH {
        return refuse(format!(
            "is {} bytes long, but a Unix socket path holds at most {MAX_SOCKET_PATH_LENGTH}",
            bytes.len()
        ));
    }
    Ok(())
}

/// Refuses a path given as text (`working_dir`, `tmux_binary`) that is empty, too long or
/// holds control characters; whether it exists is checked where it is used.
pub fn check_path_text(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::new(field, value, "must not be empty"));
    }
    check_control(field, value, "a path cannot hold control characters here")?;
    let len = value.chars().count();
    if len > MAX_PATH_LENGTH {
        return Err(ValidationError::new(
            field,
            value,
            too_long(len, MAX_PATH_LENGTH),
        ));
    }
    Ok(())
}

/// `~` and `~/…` become the home directory, as a shell would have done for upstream.
pub(crate) fn expand_home(path: &str) -> PathBuf {
    let home = std::env::var_os("HOME").filter(|home| !home.is_empty());
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(home)) => PathBuf::from(home),
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            PathBuf::from(home).join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(path),
    }
}

/// `path` made absolute against the current directory, with `.` components dropped.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn socket_names() {
        for name in ["kstlib", "my socket", "a.b", "..x", &"s".repeat(100)] {
            assert_eq!(SocketName::new(name).unwrap().as_str(), name);
        }
        for name in [
            "",
            "a/b",
            "a\\b",
            "a\0b",
            "a\nb",
            ".",
            "..",
            &"s".repeat(101),
        ] {
            assert!(SocketName::new(name).is_err(), "{name:?} accepted");
        }
        let err = SocketName::new("a/b").unwrap_err();
        assert_eq!(err.field(), "socket_name");
        assert!(
            err.to_string()
                .starts_with("invalid tmux socket name 'a/b': contains '/'")
        );
    }

    #[test]
    fn socket_name_length_counts_bytes() {
        assert!(SocketName::new(&"é".repeat(50)).is_ok());
        assert!(SocketName::new(&"é".repeat(51)).is_err());
    }

    #[test]
    fn socket_paths() {
        assert!(check_socket_path(Path::new("/tmp/tmux-1000/default")).is_ok());
        assert!(check_socket_path(Path::new(&format!("/{}", "s".repeat(106)))).is_ok());
        let err = check_socket_path(Path::new(&format!("/{}", "s".repeat(107)))).unwrap_err();
        assert!(err.reason().contains("at most 107"));
        assert!(check_socket_path(Path::new("")).is_err());
        assert!(check_socket_path(Path::new("/tmp/a\nb")).is_err());
        assert!(check_socket_path(Path::new("/tmp/a\u{85}")).is_err());
    }

    #[test]
    fn non_utf8_socket_paths_are_checked_by_bytes() {
        let path = Path::new(OsStr::from_bytes(b"/tmp/\xff/sock"));
        assert!(check_socket_path(path).is_ok());
        let path = Path::new(OsStr::from_bytes(b"/tmp/\xff\x1b"));
        assert!(
            check_socket_path(path)
                .unwrap_err()
                .reason()
                .contains("U+001B")
        );
    }

    #[test]
    fn path_text() {
        assert!(check_path_text("working_dir", "/srv/app").is_ok());
        assert!(check_path_text("tmux_binary", "tmux").is_ok());
        let err = check_path_text("working_dir", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid working directory '': must not be empty"
        );
        assert!(check_path_text("tmux_binary", "/usr/bin/tmux\n").is_err());
        assert!(check_path_text("working_dir", &"d".repeat(4096)).is_ok());
        assert!(check_path_text("working_dir", &"d".repeat(4097)).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = SocketName::new(&s);
            let _ = check_socket_path(Path::new(&s));
            let _ = check_path_text("working_dir", &s);
        }

        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = check_socket_path(Path::new(OsStr::from_bytes(&b)));
        }
    }
}
