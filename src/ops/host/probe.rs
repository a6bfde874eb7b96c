//! What a remote host has: which of tmux, Podman and Docker, and which tmux servers. One
//! call, asked once per process and host, and the first to reach the host, so that it also
//! starts the connection the calls after it reuse.

use std::time::Duration;

use super::Host;
use crate::ops::error::{Error, Result};
use crate::ops::model::{Runtime, TmuxSocket};
use crate::ops::shell::Script;
use crate::ops::timing;
use crate::ops::validate::SocketName;

/// What a host has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// Whether its tmux program is on its `PATH`.
    pub tmux: bool,
    /// The container runtimes on its `PATH`, Podman first.
    pub runtimes: Vec<Runtime>,
    /// The sockets in its tmux socket directory (servers that may be running).
    pub sockets: Vec<TmuxSocket>,
}

impl Probe {
    /// Reads the output of [`Script::PROBE`] run with `tmux` and both runtimes.
    fn parse(text: &str, tmux: &str) -> Probe {
        let mut probe = Probe::default();
        for line in text.lines() {
            if let Some(program) = line.strip_prefix("program ") {
                if program == tmux {
                    probe.tmux = true;
                }
                if let Some(runtime) = Runtime::ALL.into_iter().find(|rt| rt.as_str() == program)
                    && !probe.runtimes.contains(&runtime)
                {
                    probe.runtimes.push(runtime);
                }
            } else if let Some(name) = line.strip_prefix("socket ") {
                probe.sockets.push(match name {
                    "default" => TmuxSocket::Default,
                    name => match SocketName::new(name) {
                        Ok(name) => TmuxSocket::Name(name),
                        Err(_) => continue,
                    },
                });
            }
        }
        probe.runtimes.sort();
        probe.sockets.sort();
        probe
    }
}

impl Host {
    /// What the host has, `tmux` being its tmux program; asked once per process. On this
    /// machine nothing is asked (each backend looks for itself).
    pub fn probe(&self, tmux: &str) -> Result<Probe> {
        if let Some(probe) = self.probes_lock().get(tmux) {
            return Ok(probe.clone());
        }
        let timeout = self.probe_timeout();
        let args = [tmux, Runtime::Podman.as_str(), Runtime::Docker.as_str()];
        let out = self
            .run_script(Script::PROBE, args, timeout)
            .map_err(|err| Error::from_exec(err, &self.describe("the probe"), unreachable_host))?;
        if !out.success() {
            return Err(Error::Unavailable {
                what: self.describe("the shell"),
                reason: crate::ops::error::Reason::stderr(&out.stderr_text(), "sh"),
            });
        }
        let probe = Probe::parse(&out.stdout_text(), tmux);
        self.probes_lock().insert(tmux.to_owned(), probe.clone());
        Ok(probe)
    }

    /// The runtime to use on this host: `preferred` if it has it, else the first it has.
    pub fn detect_runtime(&self, preferred: Option<Runtime>) -> Result<Runtime> {
        if !self.is_remote() {
            return crate::ops::runtime::detect(preferred);
        }
        // Asked for by name: no round trip to check it is there; if it is not, the first
        // call says so (a program missing there is an error naming the host).
        if let Some(runtime) = preferred {
            return Ok(runtime);
        }
        let runtimes = self.probe(crate::ops::spec::DEFAULT_TMUX_BINARY)?.runtimes;
        let missing = |runtime: Option<Runtime>| Error::Unavailable {
            what: self.describe("containers"),
            reason: match runtime {
                Some(runtime) => {
                    format!("'{runtime}' is not installed there (not found on its PATH)")
                }
                None => "neither podman nor docker is installed there".to_owned(),
            }
            .into(),
        };
        runtimes.first().copied().ok_or_else(|| missing(None))
    }

    /// The runtimes on this host, Podman first.
    pub fn installed_runtimes(&self) -> Result<Vec<Runtime>> {
        if !self.is_remote() {
            return Ok(crate::ops::runtime::installed());
        }
        Ok(self.probe(crate::ops::spec::DEFAULT_TMUX_BINARY)?.runtimes)
    }

    /// How long the probe may take: a connection (bounded by ssh's connect timeout, the
    /// banner exchange of a host that accepts and never answers included) and one call.
    fn probe_timeout(&self) -> Duration {
        let connect = self
            .choice()
            .remote()
            .map_or(Duration::ZERO, |spec| spec.connect_timeout());
        connect + timing::tmux_timeout()
    }

    fn probes_lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Probe>> {
        self.probes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Never built: the probe runs `sh`, whose absence on a host is reported by ssh.
fn unreachable_host() -> Error {
    Error::Unavailable {
        what: "the remote shell".to_owned(),
        reason: "sh not found".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_output_says_what_the_host_has() {
        let text = "program tmux\nprogram docker\nsocket default\nsocket bots\n";
        let probe = Probe::parse(text, "tmux");
        assert!(probe.tmux);
        assert_eq!(probe.runtimes, [Runtime::Docker]);
        let bots = TmuxSocket::Name(SocketName::new("bots").expect("name"));
        assert_eq!(probe.sockets, [TmuxSocket::Default, bots]);
        assert!(!Probe::parse("program docker\n", "/opt/tmux").tmux);
    }
}
