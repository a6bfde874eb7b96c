//! Which tmux servers exist: the live sockets in tmux's socket directory.

use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixStream;
use std::path::Path;

use crate::ops::model::{TmuxSocket, socket_dir};
use crate::ops::validate::SocketName;

/// Whether kstlib runs inside a pane of the tmux server at `socket` (per `$TMUX`).
pub(super) fn inside_server(socket: &Path) -> bool {
    let Some(tmux) = std::env::var_os("TMUX") else {
        return false;
    };
    let tmux = tmux.to_string_lossy();
    let current = Path::new(tmux.split(',').next().unwrap_or(""));
    match (current.canonicalize(), socket.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => current == socket,
    }
}

/// The live tmux servers in the socket directory, as sockets to query.
///
/// Upstream listed every entry of a hard-wired `/tmp/tmux-UID`; this honours
/// `TMUX_TMPDIR`, keeps only sockets, and skips dead ones (a server that crashed leaves its
/// socket behind; connecting to it is refused).
pub fn discover_sockets() -> Vec<TmuxSocket> {
    discover_sockets_in(&socket_dir())
}

fn discover_sockets_in(dir: &Path) -> Vec<TmuxSocket> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut sockets: Vec<TmuxSocket> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_socket()))
        .filter(|entry| UnixStream::connect(entry.path()).is_ok())
        .map(|entry| {
            let file_name = entry.file_name();
            let name = file_name.to_string_lossy();
            if name == "default" {
                TmuxSocket::Default
            } else {
                match SocketName::new(&name) {
                    Ok(name) => TmuxSocket::Name(name),
                    Err(_) => TmuxSocket::Path(entry.path()),
                }
            }
        })
        .collect();
    sockets.sort();
    sockets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_keeps_live_sockets_only() {
        use std::os::unix::net::UnixListener;
        let dir = tempfile::tempdir().expect("tempdir");
        let _live = UnixListener::bind(dir.path().join("bots")).expect("bind");
        let _default = UnixListener::bind(dir.path().join("default")).expect("bind");
        drop(UnixListener::bind(dir.path().join("dead")).expect("bind"));
        std::fs::write(dir.path().join("file"), "").expect("write");
        let sockets = discover_sockets_in(dir.path());
        let bots = TmuxSocket::Name(SocketName::new("bots").expect("valid"));
        assert_eq!(sockets, vec![TmuxSocket::Default, bots]);
    }
}
