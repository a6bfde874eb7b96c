//! What the config says about a remote host, validated: [`HostSpec`], and the choice of a
//! session's host, [`HostChoice`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::ops::validate::{HostName, LOCAL_HOST, SshDestination, SshOption, ValidationError};

/// How long ssh may take to connect (and to exchange banners) before the host counts as
/// not answering, unless `connect_timeout` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where kstlib keeps the log files of a remote host's tmux sessions unless its
/// `log_dir` says otherwise: on that host, under the remote user's home.
pub const REMOTE_LOG_DIR: &str = "~/.local/state/kstlib/logs";

/// A remote host as declared under `ops.hosts.NAME`: how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostSpec {
    pub(crate) name: HostName,
    pub(crate) ssh: SshDestination,
    pub(crate) ssh_config: Option<PathBuf>,
    pub(crate) ssh_options: Vec<SshOption>,
    pub(crate) connect_timeout: Duration,
}

impl HostSpec {
    /// A host named `name` reached as `ssh DESTINATION`, with ssh's own configuration and
    /// the default connect timeout.
    pub fn new(name: HostName, ssh: SshDestination) -> Self {
        HostSpec {
            name,
            ssh,
            ssh_config: None,
            ssh_options: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// The host's name in the config.
    pub fn name(&self) -> &HostName {
        &self.name
    }

    /// The ssh destination.
    pub fn ssh(&self) -> &SshDestination {
        &self.ssh
    }

    /// The ssh config file given as `ssh -F`, if any.
    pub fn ssh_config(&self) -> Option<&Path> {
        self.ssh_config.as_deref()
    }

    /// The `ssh -o` options, in order.
    pub fn ssh_options(&self) -> &[SshOption] {
        &self.ssh_options
    }

    /// How long ssh may take to connect.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
}

/// Where a session runs: this machine, or a remote host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum HostChoice {
    /// This machine (`host: local`, `--host local`, or no host at all).
    #[default]
    Local,
    /// A host declared under `ops.hosts`.
    Remote(Arc<HostSpec>),
}

impl HostChoice {
    /// The remote host's spec; `None` for this machine.
    pub fn remote(&self) -> Option<&Arc<HostSpec>> {
        match self {
            HostChoice::Local => None,
            HostChoice::Remote(spec) => Some(spec),
        }
    }

    /// The host's name, `None` for this machine (the JSON `host` of its sessions).
    pub fn name(&self) -> Option<&str> {
        self.remote().map(|spec| spec.name.as_str())
    }

    /// Whether this is another machine.
    pub fn is_remote(&self) -> bool {
        self.remote().is_some()
    }
}

impl fmt::Display for HostChoice {
    /// `local`, or the host's name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name().unwrap_or(LOCAL_HOST))
    }
}

/// A host as a session entry or `--host` names it, before it is looked up in `ops.hosts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostRef {
    /// `local`: this machine.
    Local,
    /// The name of a host of `ops.hosts`.
    Named(HostName),
}

impl HostRef {
    /// `local`, or a valid host name.
    pub fn parse(text: &str) -> Result<HostRef, ValidationError> {
        if text == LOCAL_HOST {
            Ok(HostRef::Local)
        } else {
            HostName::new(text).map(HostRef::Named)
        }
    }
}

impl fmt::Display for HostRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostRef::Local => f.write_str(LOCAL_HOST),
            HostRef::Named(name) => f.write_str(name),
        }
    }
}
