//! Which container runtime to use: the one asked for, else Podman, else Docker.

use std::ffi::OsStr;

use super::error::{Error, Result};
use super::exec::find_program;
use super::model::Runtime;

/// The runtime to use: `preferred` if given (it must be installed), else the first
/// installed of Podman and Docker (upstream's order); `ContainerRuntimeNotFound` otherwise.
///
/// Unlike upstream, which fell back to "podman" and failed later, a missing runtime is an
/// error here, at once, with an install hint.
pub fn detect(preferred: Option<Runtime>) -> Result<Runtime> {
    match preferred {
        Some(runtime) if is_installed(runtime) => Ok(runtime),
        Some(runtime) => Err(Error::ContainerRuntimeNotFound {
            runtime: Some(runtime.to_string()),
        }),
        None => installed()
            .into_iter()
            .next()
            .ok_or(Error::ContainerRuntimeNotFound { runtime: None }),
    }
}

/// Every runtime on `PATH`, Podman first. `list` asks all of them: with both installed,
/// upstream only ever looked at Podman and missed every Docker container.
pub fn installed() -> Vec<Runtime> {
    Runtime::ALL
        .into_iter()
        .filter(|&runtime| is_installed(runtime))
        .collect()
}

/// Whether the runtime's program is on `PATH`.
pub fn is_installed(runtime: Runtime) -> bool {
    find_program(OsStr::new(runtime.as_str())).is_some()
}

/// The engine of another machine that the user pointed the runtime's CLI at, if any:
/// `DOCKER_HOST` for Docker, `CONTAINER_HOST` for Podman, when it is `ssh://` or `tcp://`.
///
/// kstlib passes these variables (and `DOCKER_CONTEXT`, `CONTAINER_CONNECTION`) on to the
/// CLIs untouched, so their engine is the one used; what kstlib would do on this machine's
/// files for a container (create its bind-mount directories) is then left to that engine.
pub fn engine_elsewhere(runtime: Runtime) -> Option<String> {
    let var = match runtime {
        Runtime::Docker => "DOCKER_HOST",
        Runtime::Podman => "CONTAINER_HOST",
    };
    std::env::var(var)
        .ok()
        .filter(|value| value.starts_with("ssh://") || value.starts_with("tcp://"))
}
