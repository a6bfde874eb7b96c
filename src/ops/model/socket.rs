//! Where a tmux session lives: the default server, a named socket (`-L`) or a socket
//! path (`-S`); the one place that knows how tmux turns each into a path and how to name
//! it in a message.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::ops::validate::{self, SocketName, ValidationError};

/// The tmux server a session lives on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TmuxSocket {
    /// tmux's default socket.
    Default,
    /// A named socket in tmux's socket directory (`tmux -L NAME`).
    Name(SocketName),
    /// A socket anywhere (`tmux -S PATH`).
    Path(PathBuf),
}

impl TmuxSocket {
    /// The server named by a socket name (`-L`) or a socket path (`-S`, `~` expanded, made
    /// absolute), or the default one; not both.
    pub fn new(name: Option<&str>, path: Option<&str>) -> Result<TmuxSocket, ValidationError> {
        match (name, path) {
            (Some(_), Some(path)) => Err(ValidationError::new(
                "socket_path",
                path,
                "socket_name and socket_path cannot both be set",
            )),
            (Some(name), None) => Ok(TmuxSocket::Name(SocketName::new(name)?)),
            (None, Some(path)) => {
                TmuxSocket::at_path(validate::absolute(&validate::expand_home(path)))
            }
            (None, None) => Ok(TmuxSocket::Default),
        }
    }

    /// The server whose socket is at `path` (`-S`), already made absolute.
    pub fn at_path(path: PathBuf) -> Result<TmuxSocket, ValidationError> {
        validate::check_socket_path(&path)?;
        Ok(TmuxSocket::Path(path))
    }

    /// The path of the server's socket, as tmux computes it.
    pub fn path(&self) -> PathBuf {
        match self {
            TmuxSocket::Default => socket_dir().join("default"),
            TmuxSocket::Name(name) => socket_dir().join(name.as_str()),
            TmuxSocket::Path(path) => path.clone(),
        }
    }

    /// `tmux`, `tmux -L bots` or `tmux -S /path`, for messages.
    pub fn describe(&self) -> String {
        match self {
            TmuxSocket::Default => "tmux".to_owned(),
            TmuxSocket::Name(name) => format!("tmux -L {name}"),
            TmuxSocket::Path(path) => format!("tmux -S {}", path.display()),
        }
    }

    /// The `-L NAME` / `-S PATH` arguments that select this server.
    pub fn args(&self) -> Vec<std::ffi::OsString> {
        match self {
            TmuxSocket::Default => Vec::new(),
            TmuxSocket::Name(name) => vec!["-L".into(), name.as_str().into()],
            TmuxSocket::Path(path) => vec!["-S".into(), path.clone().into_os_string()],
        }
    }

    /// Whether this is tmux's default server, as a name or as the path of its socket.
    pub fn is_default(&self) -> bool {
        match self {
            TmuxSocket::Default => true,
            TmuxSocket::Name(_) => false,
            TmuxSocket::Path(path) => path.file_name().is_some_and(|name| name == "default"),
        }
    }

    /// The socket name for `SessionStatus::socket_name` (upstream's field).
    pub fn name(&self) -> Option<&str> {
        match self {
            TmuxSocket::Name(name) => Some(name.as_str()),
            _ => None,
        }
    }
}

impl fmt::Display for TmuxSocket {
    /// `default`, the `-L` name, or the `-S` path: how a table names the server.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TmuxSocket::Default => f.write_str("default"),
            TmuxSocket::Name(name) => f.write_str(name.as_str()),
            TmuxSocket::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// tmux's socket directory: `$TMUX_TMPDIR/tmux-UID`, `/tmp/tmux-UID` by default.
pub fn socket_dir() -> PathBuf {
    let base = std::env::var_os("TMUX_TMPDIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    base.join(format!("tmux-{}", nix::unistd::getuid()))
}
