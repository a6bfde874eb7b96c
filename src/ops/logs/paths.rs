//! Where log files live, how big they may grow, and the permissions they get.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use nix::fcntl::{Flock, FlockArg};

use crate::ops::hash::fnv1a;
use crate::ops::model::{Runtime, TmuxSocket, socket_dir};
use crate::ops::timing::POLL;
use crate::ops::validate::{MIN_MAX_SIZE, SessionName};

/// The cap of a log file unless `ops.log_max_size` says otherwise: 10 MiB. One rotated
/// file is kept besides, so a session's log takes at most twice this.
pub const DEFAULT_MAX_SIZE: u64 = 10 * 1024 * 1024;

/// Log files' own permissions: what programs print may hold secrets.
const FILE_MODE: u32 = 0o600;
/// The mode of the directories kstlib creates for them.
const DIR_MODE: u32 = 0o700;

/// Where logs go and how big each file may grow (`ops.log_dir`, `ops.log_max_size`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    dir: Option<PathBuf>,
    max_size: u64,
}

impl LogSettings {
    /// Logs in `dir` (none: no log files at all), each file capped at `max_size` bytes.
    pub fn new(dir: Option<PathBuf>, max_size: u64) -> Self {
        LogSettings {
            dir,
            max_size: max_size.max(MIN_MAX_SIZE),
        }
    }

    /// The defaults: [`default_dir`] and [`DEFAULT_MAX_SIZE`].
    pub fn from_env() -> Self {
        Self::new(default_dir(), DEFAULT_MAX_SIZE)
    }

    /// The log directory, when there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The cap of one file, in bytes.
    pub fn max_size(&self) -> u64 {
        self.max_size
    }

    /// The log of the tmux session `name` on `socket`: `LOGDIR/tmux/<socket key>/NAME.log`.
    pub fn tmux_log(&self, socket: &TmuxSocket, name: &SessionName) -> Option<LogFile> {
        let dir = self.tmux_dir()?.join(socket_key(socket));
        Some(LogFile::in_dir(&dir, name))
    }

    /// Where the logs of every tmux server are: `LOGDIR/tmux`.
    pub(crate) fn tmux_dir(&self) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join("tmux"))
    }

    /// The saved log of the container `name` of `runtime`: `LOGDIR/<runtime>/NAME.log`.
    pub fn container_log(&self, runtime: Runtime, name: &SessionName) -> Option<LogFile> {
        let dir = self.dir.as_ref()?.join(runtime.as_str());
        Some(LogFile::in_dir(&dir, name))
    }
}

/// The log settings of a remote host's containers: what they printed is saved on this
/// machine when `stop` removes them, in the default log directory under `hosts/HOST`
/// (`LOGDIR/hosts/vps1/podman/NAME.log`), capped as the session's logs are.
pub fn remote_container_settings(host: &str, session: &LogSettings) -> LogSettings {
    LogSettings::new(
        default_dir().map(|dir| dir.join("hosts").join(host)),
        session.max_size(),
    )
}

impl Default for LogSettings {
    fn default() -> Self {
        Self::from_env()
    }
}

/// `$XDG_STATE_HOME/kstlib/logs`, else `~/.local/state/kstlib/logs`; none without a home.
/// A relative `XDG_STATE_HOME` is ignored, as the XDG spec asks.
pub fn default_dir() -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    let state = absolute("XDG_STATE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".local/state")))?;
    Some(state.join("kstlib").join("logs"))
}

/// The directory name of a tmux server's logs: `default`, the `-L` name, or for a `-S`
/// socket elsewhere `S-` and a hash of its path (a path does not fit in a file name). A
/// `-S` path in tmux's own socket directory is the server `-L` would name, so it gets that
/// name.
pub(crate) fn socket_key(socket: &TmuxSocket) -> String {
    let path = socket.path();
    let name = path.file_name().and_then(|name| name.to_str());
    match (socket, name) {
        (TmuxSocket::Default, _) => "default".to_owned(),
        (TmuxSocket::Name(name), _) => name.as_str().to_owned(),
        (TmuxSocket::Path(path), Some(name)) if path.parent() == Some(&socket_dir()) => {
            name.to_owned()
        }
        (TmuxSocket::Path(path), _) => {
            format!("S-{:016x}", fnv1a(path.as_os_str().as_encoded_bytes()))
        }
    }
}

/// One session's log: `NAME.log`, the rotated `NAME.log.1`, and the lock `NAME.lock`
/// that the writer holds, so that whoever appends waits for the writer to finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    path: PathBuf,
}

impl LogFile {
    /// The log at `path` (`….log`).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LogFile { path: path.into() }
    }

    fn in_dir(dir: &Path, name: &SessionName) -> Self {
        Self::new(dir.join(format!("{name}.log")))
    }

    /// The current file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file rotated away: `….log.1`.
    pub fn rotated(&self) -> PathBuf {
        let mut path = self.path.clone().into_os_string();
        path.push(".1");
        PathBuf::from(path)
    }

    /// The lock file: `….lock` (session names have no dots, so it cannot be a log).
    pub(crate) fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }

    /// Whether the current file exists.
    pub fn exists(&self) -> bool {
        self.path.is_file()
    }

    /// When the current file was last written.
    pub fn modified(&self) -> Option<Timestamp> {
        let modified = fs::metadata(&self.path).ok()?.modified().ok()?;
        Timestamp::try_from(modified).ok()
    }

    /// Creates the file's directory (and its parents) as `0700`, if missing. An existing
    /// directory is left as it is: an administrator may share a `log_dir` on purpose, and
    /// the files themselves are `0600`.
    pub fn create_dir(&self) -> io::Result<()> {
        match self.path.parent() {
            Some(dir) => DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir),
            None => Ok(()),
        }
    }

    /// Opens the current file for appending, creating it `0600`; an existing file with
    /// wider permissions is narrowed.
    pub(crate) fn open_append(&self) -> io::Result<File> {
        open_private(&self.path)
    }

    /// Takes the writer's lock, waiting as long as another writer holds it: a sink that
    /// starts while the previous run's sink still drains its pipe writes after it.
    pub(crate) fn lock(&self) -> io::Result<Flock<File>> {
        self.create_dir()?;
        Flock::lock(open_private(&self.lock_path())?, FlockArg::LockExclusive)
            .map_err(|(_, errno)| io::Error::from(errno))
    }

    /// Takes the writer's lock within `limit`; `None` if the writer still holds it then.
    pub(crate) fn lock_within(&self, limit: Duration) -> io::Result<Option<Flock<File>>> {
        let deadline = Instant::now() + limit;
        let mut file = open_private(&self.lock_path())?;
        loop {
            match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                Ok(lock) => return Ok(Some(lock)),
                Err((_, errno)) if errno != nix::errno::Errno::EWOULDBLOCK => {
                    return Err(io::Error::from(errno));
                }
                Err((back, _)) if Instant::now() < deadline => {
                    file = back;
                    thread::sleep(POLL);
                }
                Err(_) => return Ok(None),
            }
        }
    }

    /// Whether a writer holds the lock now (a sink is running for this file).
    pub(crate) fn has_writer(&self) -> bool {
        let Ok(file) = File::open(self.lock_path()) else {
            return false;
        };
        Flock::lock(file, FlockArg::LockSharedNonblock).is_err()
    }
}

/// Opens `path` for appending (and reading its last byte), creating it `0600`, and
/// narrows a wider existing file.
fn open_private(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .mode(FILE_MODE)
        .open(path)?;
    let metadata = file.metadata()?;
    if metadata.mode() & 0o077 != 0 {
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_private_and_directories_are_created_private() {
        let root = tempfile::tempdir().expect("temp dir");
        let settings = LogSettings::new(Some(root.path().join("logs")), DEFAULT_MAX_SIZE);
        let name = SessionName::new("dev").expect("name");
        let file = settings
            .tmux_log(&TmuxSocket::Default, &name)
            .expect("a file");
        assert_eq!(
            file.path(),
            root.path().join("logs/tmux/default/dev.log").as_path()
        );
        assert_eq!(
            file.rotated(),
            root.path().join("logs/tmux/default/dev.log.1")
        );
        assert_eq!(
            file.lock_path(),
            root.path().join("logs/tmux/default/dev.lock")
        );
        file.create_dir().expect("create");
        drop(file.open_append().expect("open"));
        let mode = |path: &Path| fs::metadata(path).expect("stat").mode() & 0o777;
        for dir in ["logs", "logs/tmux", "logs/tmux/default"] {
            assert_eq!(mode(&root.path().join(dir)), 0o700, "{dir}");
        }
        assert_eq!(mode(file.path()), 0o600);
        // A file made readable by others is narrowed again when it is opened.
        fs::set_permissions(file.path(), fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(file.open_append().expect("open"));
        assert_eq!(mode(file.path()), 0o600);
    }

    #[test]
    fn each_tmux_server_has_its_own_directory() {
        let name = |text: &str| TmuxSocket::new(Some(text), None).expect("socket");
        assert_eq!(socket_key(&TmuxSocket::Default), "default");
        assert_eq!(socket_key(&name("bots")), "bots");
        let inside = TmuxSocket::at_path(socket_dir().join("bots")).expect("path");
        assert_eq!(socket_key(&inside), "bots");
        let elsewhere = TmuxSocket::at_path(PathBuf::from("/run/bots.sock")).expect("path");
        let key = socket_key(&elsewhere);
        assert!(key.starts_with("S-") && key.len() == 18, "{key}");
        // Stable: the same path gives the same directory in every run and version.
        assert_eq!(key, socket_key(&elsewhere.clone()));
        let other = TmuxSocket::at_path(PathBuf::from("/run/bots2.sock")).expect("path");
        assert_ne!(key, socket_key(&other));
    }

    #[test]
    fn the_lock_tells_whether_a_writer_runs() {
        let root = tempfile::tempdir().expect("temp dir");
        let file = LogFile::new(root.path().join("dev.log"));
        assert!(!file.has_writer());
        let held = file.lock().expect("lock");
        assert!(file.has_writer());
        assert!(
            file.lock_within(Duration::from_millis(50))
                .expect("try")
                .is_none()
        );
        drop(held);
        assert!(!file.has_writer());
        assert!(
            file.lock_within(Duration::from_millis(50))
                .expect("try")
                .is_some()
        );
    }
}
