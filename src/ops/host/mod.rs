//! Remote hosts: sessions on other machines, reached through the system `ssh`, with
//! nothing of kstlib's installed there.
//!
//! A host declared under `ops.hosts` ([`HostSpec`]) is where a session's backend runs
//! ([`HostChoice`]); both are plain validated data and live with the session's spec
//! (`spec::host`), re-exported here. A [`Host`] is that choice at work: the executor that
//! runs programs there, and what kstlib does there without tmux or a runtime (process
//! states and signals, files). On a remote host every program runs through `ssh`, one
//! reused connection per host ([`SshExecutor`]); what is sent to the remote shell is an
//! argv joined by one quoting function, and the few scripts kstlib runs there are
//! constants of its source, their data passed as arguments (both in `ops::shell`).

mod backend;
mod probe;
mod process;
mod run;
mod ssh;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use crate::ops::spec::host::{
    DEFAULT_CONNECT_TIMEOUT, HostChoice, HostRef, HostSpec, REMOTE_LOG_DIR,
};
pub use backend::OnHost;
pub use probe::Probe;
pub use ssh::SshExecutor;

use crate::ops::exec::{Executor, SystemExecutor};

/// Where programs run for a backend: this machine, or a remote host through ssh.
#[derive(Debug, Clone)]
pub struct Host {
    choice: HostChoice,
    exec: Arc<dyn Executor>,
    /// What was found on a remote host, asked once per process and host.
    probes: Arc<Mutex<HashMap<String, Probe>>>,
}

impl Host {
    /// This machine.
    pub fn local() -> Host {
        Host {
            choice: HostChoice::Local,
            exec: Arc::new(SystemExecutor),
            probes: Arc::default(),
        }
    }

    /// The host `choice` names. Every `Host` of one remote host in a process shares its
    /// executor and what was found there.
    pub fn of(choice: &HostChoice) -> Host {
        let Some(spec) = choice.remote() else {
            return Host::local();
        };
        static HOSTS: OnceLock<Mutex<HashMap<Arc<HostSpec>, Host>>> = OnceLock::new();
        let mut hosts = HOSTS
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts
            .entry(Arc::clone(spec))
            .or_insert_with(|| {
                Host::remote_with(
                    Arc::clone(spec),
                    Arc::new(SshExecutor::new(Arc::clone(spec), Arc::new(SystemExecutor))),
                )
            })
            .clone()
    }

    /// The remote host `spec`, its programs run through `exec` (an [`SshExecutor`], or a
    /// fake one in tests).
    pub fn remote_with(spec: Arc<HostSpec>, exec: Arc<dyn Executor>) -> Host {
        Host {
            choice: HostChoice::Remote(spec),
            exec,
            probes: Arc::default(),
        }
    }

    /// Which host this is.
    pub fn choice(&self) -> &HostChoice {
        &self.choice
    }

    /// The host's name; `None` for this machine.
    pub fn name(&self) -> Option<&str> {
        self.choice.name()
    }

    /// Whether this is another machine.
    pub fn is_remote(&self) -> bool {
        self.choice.is_remote()
    }

    /// What runs programs there.
    pub fn executor(&self) -> Arc<dyn Executor> {
        Arc::clone(&self.exec)
    }

    /// `what`, and on a remote host where: `tmux -L bots` or `tmux -L bots on vps1`.
    pub fn describe(&self, what: &str) -> String {
        match self.name() {
            Some(name) => format!("{what} on {name}"),
            None => what.to_owned(),
        }
    }
}

impl Default for Host {
    fn default() -> Self {
        Host::local()
    }
}
