//! [`OnHost`]: a backend on a remote host, as the rest of kstlib sees it: every status it
//! reports says which host it is on, and every message that names where a session lives
//! names the host too.

use std::io::Write;

use super::Host;
use crate::ops::backend::{LogOptions, SessionBackend, StopOptions};
use crate::ops::error::{Error, Result};
use crate::ops::model::{BackendType, SessionStatus, StopReport};
use crate::ops::spec::SessionConfig;
use crate::ops::validate::{Command, SessionName};

/// A backend (a tmux server or a runtime) that runs on `host`.
#[derive(Debug)]
pub struct OnHost {
    host: Host,
    inner: Box<dyn SessionBackend>,
}

impl OnHost {
    /// `inner`, which runs its programs on `host`.
    pub fn new(host: Host, inner: Box<dyn SessionBackend>) -> Self {
        OnHost { host, inner }
    }

    fn status(&self, mut status: SessionStatus) -> SessionStatus {
        self.host.tag(&mut status);
        status
    }

    fn error(&self, err: Error) -> Error {
        self.host.qualify(err)
    }
}

impl Host {
    /// Marks `status` as a session of this host.
    pub fn tag(&self, status: &mut SessionStatus) {
        status.host = self.name().map(str::to_owned);
    }

    /// `err` with the host named where it says where a session lives (`tmux -L bots on
    /// vps1`, `podman on vps1`); errors about the host itself already name it.
    pub fn qualify(&self, err: Error) -> Error {
        let Some(host) = self.name() else {
            return err;
        };
        let on = |what: String| {
            if what.starts_with("host '") || what.ends_with(&format!(" on {host}")) {
                what
            } else {
                format!("{what} on {host}")
            }
        };
        match err {
            Error::SessionExists { name, where_ } => Error::SessionExists {
                name,
                where_: on(where_),
            },
            Error::Unavailable { what, reason } => Error::Unavailable {
                what: on(what),
                reason,
            },
            Error::Unreadable {
                what,
                command,
                reason,
            } => Error::Unreadable {
                what: on(what),
                command,
                reason,
            },
            other => other,
        }
    }
}

impl SessionBackend for OnHost {
    fn backend_type(&self) -> BackendType {
        self.inner.backend_type()
    }

    fn start(&self, config: &SessionConfig) -> Result<SessionStatus> {
        self.inner
            .start(config)
            .map(|s| self.status(s))
            .map_err(|e| self.error(e))
    }

    fn stop(&self, name: &SessionName, options: &StopOptions) -> Result<StopReport> {
        self.inner.stop(name, options).map_err(|e| self.error(e))
    }

    fn restart(&self, name: &SessionName, options: &StopOptions) -> Result<SessionStatus> {
        self.inner
            .restart(name, options)
            .map(|s| self.status(s))
            .map_err(|e| self.error(e))
    }

    fn attach(&self, name: &SessionName) -> Result<()> {
        self.inner.attach(name).map_err(|e| self.error(e))
    }

    fn status(&self, name: &SessionName) -> Result<SessionStatus> {
        self.inner
            .status(name)
            .map(|s| self.status(s))
            .map_err(|e| self.error(e))
    }

    fn logs(&self, name: &SessionName, options: &LogOptions) -> Result<String> {
        self.inner.logs(name, options).map_err(|e| self.error(e))
    }

    fn follow(&self, name: &SessionName, options: &LogOptions, out: &mut dyn Write) -> Result<()> {
        self.inner
            .follow(name, options, out)
            .map_err(|e| self.error(e))
    }

    fn exists(&self, name: &SessionName) -> Result<bool> {
        self.inner.exists(name).map_err(|e| self.error(e))
    }

    fn list_sessions(&self) -> Result<Vec<SessionStatus>> {
        self.inner
            .list_sessions()
            .map(|rows| rows.into_iter().map(|s| self.status(s)).collect())
            .map_err(|e| self.error(e))
    }

    fn send_keys(&self, name: &SessionName, keys: &str, enter: bool) -> Result<()> {
        self.inner
            .send_keys(name, keys, enter)
            .map_err(|e| self.error(e))
    }

    fn exec(&self, name: &SessionName, command: &Command) -> Result<()> {
        self.inner.exec(name, command).map_err(|e| self.error(e))
    }
}
