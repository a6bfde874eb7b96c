//! Running kstlib's scripts ([`Script`]) on a host, and what is done with them before a
//! container starts there.

use std::ffi::OsString;
use std::time::Duration;

use super::Host;
use crate::ops::exec::{ExecError, Invocation, Output};
use crate::ops::shell::Script;

impl Host {
    /// Creates the missing host directories of the bind mounts among `volumes` on this
    /// (remote) host, as they are created locally before `run` (Podman refuses a missing
    /// one, Docker makes it).
    pub(crate) fn create_bind_dirs<'a>(
        &self,
        volumes: impl IntoIterator<Item = &'a crate::ops::validate::Volume>,
    ) -> std::io::Result<()> {
        let dirs: Vec<String> = volumes
            .into_iter()
            .filter(|volume| volume.is_bind_mount())
            .map(|volume| volume.host().to_owned())
            .collect();
        if dirs.is_empty() {
            return Ok(());
        }
        let out = self
            .run_script(Script::MKDIRS, dirs, crate::ops::timing::tmux_timeout())
            .map_err(std::io::Error::other)?;
        if out.success() {
            for line in out.stdout_text().lines() {
                tracing::info!("{}", self.describe(line));
            }
            Ok(())
        } else {
            Err(std::io::Error::other(out.stderr_text()))
        }
    }

    /// Runs `script` with `args` on this host, within `timeout`.
    pub(crate) fn run_script<I, S>(
        &self,
        script: Script,
        args: I,
        timeout: Duration,
    ) -> Result<Output, ExecError>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let invocation = Invocation::new("sh")
            .args(script.argv(args))
            .timeout(timeout);
        self.executor().output(&invocation)
    }
}
