//! Where an engine's API socket is, as its own CLI would find it.
//!
//! Only local unix sockets are used: an `ssh://` or `tcp://` engine is left to the CLI,
//! which does its remoting better. A socket that is named but does not answer is not an
//! error here: the runner then asks the CLI, which reports it in its own words.

use std::env;
use std::path::{Path, PathBuf};

use crate::ops::model::Runtime;

/// Docker's socket when nothing else is said.
pub(super) const DOCKER_DEFAULT: &str = "/var/run/docker.sock";
/// Podman's socket for root (`podman.socket` of systemd, `podman system service`).
pub(super) const PODMAN_ROOT: &str = "/run/podman/podman.sock";

/// The unix socket of `runtime`'s engine, if its CLI would talk to one: see
/// [`docker_socket`] and [`podman_socket`].
pub(super) fn discover(runtime: Runtime) -> Option<PathBuf> {
    match runtime {
        Runtime::Docker => docker_socket(&Vars::from_env()),
        Runtime::Podman => podman_socket(&Vars::from_env()),
    }
}

/// What discovery reads from the environment, apart so that tests can give their own.
#[derive(Debug, Default, Clone)]
pub(super) struct Vars {
    pub(super) docker_host: Option<String>,
    pub(super) docker_context: Option<String>,
    /// `$DOCKER_CONFIG`, else `~/.docker`.
    pub(super) docker_config: Option<PathBuf>,
    pub(super) container_host: Option<String>,
    pub(super) xdg_runtime_dir: Option<PathBuf>,
    pub(super) root: bool,
}

impl Vars {
    fn from_env() -> Self {
        let var = |key: &str| env::var(key).ok().filter(|value| !value.is_empty());
        Vars {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            docker_config: var("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|home| Path::new(&home).join(".docker"))),
            container_host: var("CONTAINER_HOST"),
            xdg_runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
            root: nix::unistd::geteuid().is_root(),
        }
    }
}

/// The path of a `unix://` URL; `None` for any other scheme (`ssh://`, `tcp://`).
fn unix_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("unix://")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
}

/// Docker's order: `DOCKER_HOST`, else the current context (`DOCKER_CONTEXT`, else
/// `currentContext` of `config.json`), else `/var/run/docker.sock`.
pub(super) fn docker_socket(vars: &Vars) -> Option<PathBuf> {
    if let Some(host) = &vars.docker_host {
        return unix_path(host);
    }
    let config = vars.docker_config.as_deref();
    let context = vars
        .docker_context
        .clone()
        .or_else(|| current_context(config?));
    match context.as_deref() {
        None | Some("default") => Some(PathBuf::from(DOCKER_DEFAULT)),
        Some(name) => unix_path(&context_host(config?, name)?),
    }
}

/// `currentContext` of `DOCKER_CONFIG/config.json`.
fn current_context(config: &Path) -> Option<String> {
    let text = std::fs::read(config.join("config.json")).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&text).ok()?;
    json.get("currentContext")?
        .as_str()
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
}

/// The Docker endpoint of the context `name`. Contexts live in
/// `contexts/meta/<sha256 of the name>/meta.json`; each file also holds its `Name`, which
/// is what is matched here (no hashing needed).
fn context_host(config: &Path, name: &str) -> Option<String> {
    std::fs::read_dir(config.join("contexts/meta"))
        .ok()?
        .flatten()
        .filter_map(|dir| std::fs::read(dir.path().join("meta.json")).ok())
        .filter_map(|text| serde_json::from_slice::<serde_json::Value>(&text).ok())
        .find(|meta| meta.get("Name").and_then(|n| n.as_str()) == Some(name))?
        .pointer("/Endpoints/docker/Host")?
        .as_str()
        .map(str::to_owned)
}

/// Podman's order: `CONTAINER_HOST` (which also puts its CLI in remote mode), else the
/// user's service socket `$XDG_RUNTIME_DIR/podman/podman.sock`, else, for root only,
/// `/run/podman/podman.sock` (another user's CLI works on its own storage, not root's).
/// A default socket that does not exist means no service: the CLI then works without one.
pub(super) fn podman_socket(vars: &Vars) -> Option<PathBuf> {
    if let Some(host) = &vars.container_host {
        return unix_path(host);
    }
    let user = vars
        .xdg_runtime_dir
        .as_ref()
        .map(|dir| dir.join("podman/podman.sock"));
    let root = vars.root.then(|| PathBuf::from(PODMAN_ROOT));
    user.into_iter().chain(root).find(|path| is_socket(path))
}

fn is_socket(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    path.metadata()
        .is_ok_and(|meta| meta.file_type().is_socket())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_host_wins_and_only_unix_urls_are_sockets() {
        let vars = |host: &str| Vars {
            docker_host: Some(host.to_owned()),
            docker_context: Some("other".to_owned()),
            ..Vars::default()
        };
        assert_eq!(
            docker_socket(&vars("unix:///tmp/d.sock")),
            Some(PathBuf::from("/tmp/d.sock"))
        );
        for remote in ["ssh://me@host", "tcp://127.0.0.1:2375", "unix://"] {
            assert_eq!(docker_socket(&vars(remote)), None, "{remote}");
        }
        assert_eq!(
            docker_socket(&Vars::default()),
            Some(PathBuf::from(DOCKER_DEFAULT))
        );
    }

    #[test]
    fn the_current_docker_context_names_the_socket() {
        let dir = tempfile::tempdir().expect("temp dir");
        let meta = dir.path().join("contexts/meta/0123abcd");
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"rootless","Endpoints":{"docker":{"Host":"unix:///run/user/1000/docker.sock"}}}"#,
        )
        .expect("write");
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"rootless"}"#,
        )
        .expect("write");
        let vars = Vars {
            docker_config: Some(dir.path().to_owned()),
            ..Vars::default()
        };
        assert_eq!(
            docker_socket(&vars),
            Some(PathBuf::from("/run/user/1000/docker.sock"))
        );
        // DOCKER_CONTEXT overrides config.json; `default` is the default socket; an
        // unknown context is left to the CLI, which says what is wrong with it.
        for (context, socket) in [
            ("default", Some(PathBuf::from(DOCKER_DEFAULT))),
            ("nosuch", None),
        ] {
            let vars = Vars {
                docker_context: Some(context.to_owned()),
                ..vars.clone()
            };
            assert_eq!(docker_socket(&vars), socket, "{context}");
        }
    }

    #[test]
    fn podman_uses_container_host_else_an_existing_service_socket() {
        let dir = tempfile::tempdir().expect("temp dir");
        let vars = Vars {
            xdg_runtime_dir: Some(dir.path().to_owned()),
            ..Vars::default()
        };
        assert_eq!(podman_socket(&vars), None, "no service: the CLI");
        std::fs::create_dir_all(dir.path().join("podman")).expect("mkdir");
        let path = dir.path().join("podman/podman.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
        assert_eq!(podman_socket(&vars), Some(path));
        let remote = Vars {
            container_host: Some("ssh://me@host/run/podman/podman.sock".to_owned()),
            ..vars
        };
        assert_eq!(podman_socket(&remote), None);
    }
}
