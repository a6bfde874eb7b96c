//! `doctor`: is everything kstlib needs here, and does it answer?

use std::ffi::OsStr;

use serde::Serialize;

use super::config::{Config, ConfigErrors, ConfigSource};
use super::container::ContainerRunner;
use super::exec::{Executor, Invocation, SystemExecutor, find_program};
use super::model::Runtime;
use super::model::socket_dir;
use super::spec::DEFAULT_TMUX_BINARY;
use super::tmux;

/// How one thing looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Present and answering.
    Ok,
    /// Not installed; fine unless it is needed.
    Absent,
    /// Present but broken: an invalid config, an engine that does not answer.
    Broken,
}

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    /// The config files.
    Config,
    /// tmux.
    Tmux,
    /// Podman.
    Podman,
    /// Docker.
    Docker,
}

impl Component {
    /// The lower-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Config => "config",
            Component::Tmux => "tmux",
            Component::Podman => "podman",
            Component::Docker => "docker",
        }
    }
}

impl From<Runtime> for Component {
    fn from(runtime: Runtime) -> Self {
        match runtime {
            Runtime::Podman => Component::Podman,
            Runtime::Docker => Component::Docker,
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked.
    pub name: Component,
    /// How it looks.
    pub health: Health,
    /// What was found, in one line.
    pub detail: String,
    /// What to do about it, if anything.
    pub hint: Option<String>,
    /// For a container runtime: `api` when kstlib talks to its engine's socket, `cli`
    /// when it runs the runtime's program for every call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'static str>,
}

/// Checks the config found from `source`, tmux, and both container runtimes.
pub fn check(source: &ConfigSource) -> Vec<Check> {
    let exec = SystemExecutor;
    let (config_check, tmux_binary) = check_config(source);
    let mut checks = vec![config_check, check_tmux(&exec, &tmux_binary)];
    checks.extend(Runtime::ALL.map(|runtime| check_runtime(&exec, runtime)));
    checks
}

fn check_config(source: &ConfigSource) -> (Check, String) {
    let loaded = Config::load(source)
        .map_err(ConfigErrors::from)
        .and_then(|config| config.check().map(|()| config));
    match loaded {
        Ok(config) => {
            let sessions = config.session_names().count();
            let files: Vec<String> = config
                .files()
                .iter()
                .map(|f| f.display().to_string())
                .collect();
            let detail = if files.is_empty() {
                "no kstlib.conf.yml found: built-in defaults".to_owned()
            } else {
                format!(
                    "{} file(s), {sessions} declared session(s): {}",
                    files.len(),
                    files.join(", ")
                )
            };
            let binary = config.tmux_binary().to_owned();
            (ok(Component::Config, detail), binary)
        }
        Err(errors) => (
            Check {
                name: Component::Config,
                health: Health::Broken,
                detail: match (errors.first(), errors.iter().count()) {
                    (Some(first), 1) => first.headline(),
                    (Some(first), n) => format!("{} (and {} more)", first.headline(), n - 1),
                    (None, _) => "invalid".to_owned(),
                },
                hint: None,
                path: None,
            },
            DEFAULT_TMUX_BINARY.to_owned(),
        ),
    }
}

fn check_tmux(exec: &dyn Executor, binary: &str) -> Check {
    let Some(path) = find_program(OsStr::new(binary)) else {
        return absent(
            Component::Tmux,
            &format!("'{binary}' not found"),
            "apt-get install tmux",
        );
    };
    match exec.output(&Invocation::new(&path).arg("-V")) {
        Ok(out) if out.success() => {
            let servers: Vec<String> = tmux::discover_sockets()
                .iter()
                .map(ToString::to_string)
                .collect();
            ok(
                Component::Tmux,
                format!(
                    "{} ({}); live servers in {}: {}",
                    out.stdout_text().trim(),
                    path.display(),
                    socket_dir().display(),
                    if servers.is_empty() {
                        "none".to_owned()
                    } else {
                        servers.join(", ")
                    }
                ),
            )
        }
        Ok(out) => broken(Component::Tmux, &out.stderr_text(), None),
        Err(err) => broken(Component::Tmux, &err.to_string(), None),
    }
}

fn check_runtime(exec: &dyn Executor, runtime: Runtime) -> Check {
    let name = runtime.as_str();
    let component = Component::from(runtime);
    if find_program(OsStr::new(name)).is_none() {
        return absent(
            component,
            "not installed",
            &format!(
                "apt-get install {}",
                match runtime {
                    Runtime::Podman => "podman",
                    Runtime::Docker => "docker.io",
                }
            ),
        );
    }
    // Both ask the engine, not only the client: a Docker CLI without its daemon is the
    // usual way for `docker` to be broken.
    let args: &[&str] = match runtime {
        Runtime::Podman => &[
            "info",
            "--format",
            "{{.Version.Version}}, OCI runtime {{.Host.OCIRuntime.Name}}",
        ],
        Runtime::Docker => &[
            "version",
            "--format",
            "client {{.Client.Version}}, engine {{.Server.Version}}",
        ],
    };
    match exec.output(&Invocation::new(name).args(args)) {
        Ok(out) if out.success() => {
            let (path, how, hint) = engine_path(runtime);
            Check {
                path: Some(path),
                hint,
                ..ok(
                    component,
                    format!("{name} {}; {how}", out.stdout_text().trim()),
                )
            }
        }
        Ok(out) => broken(
            component,
            &out.stderr_text(),
            Some(match runtime {
                Runtime::Podman => "podman info shows the whole error",
                Runtime::Docker => "start the engine: systemctl start docker (or dockerd &)",
            }),
        ),
        Err(err) => broken(component, &err.to_string(), None),
    }
}

/// Which path kstlib takes to `runtime`'s engine: (`api` or `cli`, in words, a hint).
fn engine_path(runtime: Runtime) -> (&'static str, String, Option<String>) {
    let runner = ContainerRunner::new(runtime);
    let socket = runner
        .engine_socket()
        .map(|path| format!("unix://{}", path.display()));
    match (runner.ping(), socket) {
        (Some(Ok(prefix)), Some(socket)) => (
            "api",
            format!("kstlib uses its API at {socket} ({prefix})"),
            None,
        ),
        (Some(Err(reason)), Some(socket)) => (
            "cli",
            format!("kstlib uses the CLI: the API socket {socket} does not answer ({reason})"),
            None,
        ),
        // Each Podman call through the CLI costs ≈ 40 ms, through the socket ≈ 3: said in
        // the line itself, since `doctor` shows hints only under what is broken.
        _ => match runtime {
            Runtime::Podman => (
                "cli",
                format!(
                    "kstlib uses the CLI (no API socket; {})",
                    podman_socket_hint()
                ),
                Some(podman_socket_hint()),
            ),
            Runtime::Docker => (
                "cli",
                "kstlib uses the CLI (no API socket)".to_owned(),
                None,
            ),
        },
    }
}

/// How to turn Podman's API socket on, for root or for the user.
fn podman_socket_hint() -> String {
    let user = if nix::unistd::geteuid().is_root() {
        ""
    } else {
        "--user "
    };
    format!(
        "faster with Podman's API socket: `systemctl {user}enable --now podman.socket`, \
         which kstlib never starts itself"
    )
}

fn ok(name: Component, detail: String) -> Check {
    Check {
        name,
        health: Health::Ok,
        detail,
        hint: None,
        path: None,
    }
}

fn absent(name: Component, detail: &str, install: &str) -> Check {
    Check {
        name,
        health: Health::Absent,
        detail: detail.to_owned(),
        hint: Some(format!("install it if you need it: {install}")),
        path: None,
    }
}

fn broken(name: Component, stderr: &str, hint: Option<&str>) -> Check {
    Check {
        name,
        health: Health::Broken,
        detail: super::sanitize::escape(stderr.lines().next().unwrap_or("no answer").trim())
            .into_owned(),
        hint: hint.map(str::to_owned),
        path: None,
    }
}
