//! The log of a session that is not there any more: stopped, its tmux server killed, the
//! machine rebooted.

use std::fs;
use std::io;
use std::path::PathBuf;

use jiff::Timestamp;

use super::LogOptions;
use super::paths::{LogFile, LogSettings};
use super::tail::read_tail;
use crate::ops::model::{Runtime, TmuxSocket};
use crate::ops::validate::SessionName;

/// Where to look for a saved log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogPlace {
    /// The logs of this tmux server, or of every tmux server that has logs.
    Tmux(Option<TmuxSocket>),
    /// The saved logs of this runtime's containers, or of both runtimes'.
    Container(Option<Runtime>),
}

/// A log of a session that is not running, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLog {
    /// Its last lines, as `logs` prints them.
    pub lines: Vec<String>,
    /// The file they come from.
    pub path: PathBuf,
    /// When it was last written.
    pub written: Option<Timestamp>,
    /// The remote host the file is on; `None`: this machine.
    pub host: Option<String>,
}

/// A log file that is there but cannot be read.
#[derive(Debug)]
pub struct Unreadable {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub source: io::Error,
}

impl SavedLog {
    /// The lines, each ending in a newline.
    pub fn text(&self) -> String {
        self.lines.iter().map(|line| format!("{line}\n")).collect()
    }
}

/// The most recently written log of `name` in `places`, read as `options` ask; `None`
/// when there is none.
pub fn find_saved(
    settings: &LogSettings,
    name: &SessionName,
    places: &[LogPlace],
    options: &LogOptions,
) -> Result<Option<SavedLog>, Unreadable> {
    let newest = places
        .iter()
        .flat_map(|place| candidates(settings, name, place))
        .filter(LogFile::exists)
        .max_by_key(LogFile::modified);
    let Some(log) = newest else {
        return Ok(None);
    };
    let written = log.modified();
    let lines = read_tail(&log, options).map_err(|source| Unreadable {
        path: log.path().to_owned(),
        source,
    })?;
    Ok(lines.map(|lines| SavedLog {
        lines,
        path: log.path().to_owned(),
        written,
        host: None,
    }))
}

/// The files `place` may hold for `name`.
fn candidates(settings: &LogSettings, name: &SessionName, place: &LogPlace) -> Vec<LogFile> {
    match place {
        LogPlace::Tmux(Some(socket)) => settings.tmux_log(socket, name).into_iter().collect(),
        LogPlace::Tmux(None) => {
            let Some(dir) = settings.tmux_dir() else {
                return Vec::new();
            };
            let Ok(servers) = fs::read_dir(dir) else {
                return Vec::new();
            };
            servers
                .flatten()
                .map(|server| LogFile::new(server.path().join(format!("{name}.log"))))
                .collect()
        }
        LogPlace::Container(Some(runtime)) => {
            settings.container_log(*runtime, name).into_iter().collect()
        }
        LogPlace::Container(None) => Runtime::ALL
            .iter()
            .filter_map(|runtime| settings.container_log(*runtime, name))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    #[test]
    fn the_newest_log_of_the_name_is_the_saved_one() {
        let root = tempfile::tempdir().expect("temp dir");
        let settings = LogSettings::new(Some(root.path().to_owned()), 4096);
        let name = SessionName::new("web").expect("name");
        let write = |log: &LogFile, text: &str, age: u64| {
            log.create_dir().expect("dir");
            fs::write(log.path(), text).expect("write");
            let file = fs::File::options()
                .append(true)
                .open(log.path())
                .expect("open");
            file.set_modified(SystemTime::now() - Duration::from_secs(age))
                .expect("touch");
        };
        let bots = TmuxSocket::new(Some("bots"), None).expect("socket");
        write(&settings.tmux_log(&bots, &name).expect("log"), "tmux\n", 60);
        write(
            &settings.container_log(Runtime::Podman, &name).expect("log"),
            "podman\n",
            10,
        );
        let find = |places: &[LogPlace]| {
            find_saved(&settings, &name, places, &LogOptions::default())
                .expect("read")
                .map(|saved| saved.lines)
        };
        let everywhere = [LogPlace::Tmux(None), LogPlace::Container(None)];
        assert_eq!(find(&everywhere), Some(vec!["podman".to_owned()]));
        assert_eq!(find(&[LogPlace::Tmux(None)]), Some(vec!["tmux".to_owned()]));
        assert_eq!(
            find(&[LogPlace::Tmux(Some(bots))]),
            Some(vec!["tmux".to_owned()])
        );
        assert_eq!(find(&[LogPlace::Tmux(Some(TmuxSocket::Default))]), None);
        assert_eq!(find(&[LogPlace::Container(Some(Runtime::Docker))]), None);
        let other = SessionName::new("other").expect("name");
        assert!(
            find_saved(&settings, &other, &everywhere, &LogOptions::default())
                .expect("read")
                .is_none()
        );
    }
}
