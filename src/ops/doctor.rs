//! `doctor`: is everything kstlib needs here, does it answer, and what to do when not.
//!
//! What is needed comes from the config: the backends its sessions run on (the tmux
//! program each one names, the runtime each container uses), or the default backend when
//! it declares none. A missing or broken backend that something needs fails the check; one
//! that nothing needs is only reported. Each remote host of `ops.hosts` is one more check,
//! asked concurrently with the rest: whether ssh reaches it, and whether it has what its
//! sessions need; a host that does not answer is broken, with ssh's first error line.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;
use std::thread;

use serde::Serialize;

use super::config::{Config, ConfigErrors, ConfigSource, Span};
use super::container::ContainerRunner;
use super::error::Reason;
use super::exec::{ExecError, Executor, Invocation, SystemExecutor, find_program};
use super::host::{Host, HostChoice, HostSpec, Probe};
use super::model::{BackendType, Runtime, TmuxSocket, socket_dir};
use super::runtime;
use super::spec::DEFAULT_TMUX_BINARY;
use super::timing;
use super::tmux;

/// How one thing looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Present and answering.
    Ok,
    /// Not installed, and nothing needs it.
    Absent,
    /// Not installed, and the config needs it.
    Missing,
    /// Present but broken: an invalid config, an engine that does not answer or answers
    /// something unreadable.
    Broken,
}

impl Health {
    /// Whether this makes `doctor` fail.
    pub fn is_problem(self) -> bool {
        matches!(self, Health::Missing | Health::Broken)
    }
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
    /// A remote host of `ops.hosts` (which one: [`Check::host`]).
    Host,
}

impl Component {
    /// The lower-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Config => "config",
            Component::Tmux => "tmux",
            Component::Podman => "podman",
            Component::Docker => "docker",
            Component::Host => "host",
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
    /// What needs it: declared sessions by name, `ad-hoc sessions` for the default
    /// backend. Empty when nothing does.
    pub needed_by: Vec<String>,
    /// For a container runtime: `api` when kstlib talks to its engine's socket, `cli`
    /// when it runs the runtime's program for every call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'static str>,
    /// For a remote host: its name in `ops.hosts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Check {
    /// What the check is about, for people: `tmux`, or `host vps1`.
    pub fn label(&self) -> String {
        match &self.host {
            Some(host) => format!("{} {host}", self.name.as_str()),
            None => self.name.as_str().to_owned(),
        }
    }
}

/// Who needs the default backend: sessions started without an entry in the config.
const AD_HOC: &str = "ad-hoc sessions";

/// Checks the config found from `source`, tmux, both container runtimes, and each remote
/// host the config declares.
pub fn check(source: &ConfigSource) -> Vec<Check> {
    let exec = SystemExecutor;
    let loaded = Config::load(source);
    let needs = match &loaded {
        Ok(config) => Needs::of(config),
        Err(_) => Needs::built_in(),
    };
    let config = loaded.as_ref().ok().cloned().unwrap_or_default();
    thread::scope(|scope| {
        // The hosts first: each waits for the network, the checks here meanwhile run.
        let hosts: Vec<_> = config
            .hosts()
            .map(|spec| (spec, scope.spawn(|| check_host(&config, spec))))
            .collect();
        let tmux = check_tmux(&exec, &needs);
        let mut checks = vec![check_config(loaded.clone()), tmux];
        checks.extend(Runtime::ALL.map(|runtime| check_runtime(&exec, runtime, &needs)));
        for (spec, handle) in hosts {
            checks.push(handle.join().unwrap_or_else(|_| {
                let detail = "the check failed (a bug in kstlib)".to_owned();
                host_check(spec, Health::Broken, detail, None, Vec::new())
            }));
        }
        checks
    })
}

/// Whether the remote host `spec` answers through ssh, and has what its sessions need.
fn check_host(config: &Config, spec: &Arc<HostSpec>) -> Check {
    let choice = HostChoice::Remote(Arc::clone(spec));
    let sessions: Vec<_> = config
        .sessions()
        .filter(|session| *session.host() == choice)
        .collect();
    let needed_by: Vec<String> = sessions.iter().map(|s| s.name().to_string()).collect();
    let tmux = config.tmux_binary_on(&choice);
    let probe = match Host::of(&choice).probe(&tmux) {
        Ok(probe) => probe,
        Err(err) => {
            let reason = match err {
                super::error::Error::Unavailable { reason, .. } => reason.line,
                other => other.to_string(),
            };
            let detail = format!("ssh {}: {reason}", spec.ssh());
            let hint = host_hint(spec, &reason);
            return host_check(spec, Health::Broken, detail, Some(hint), needed_by);
        }
    };
    let mut lacking = Vec::new();
    for session in &sessions {
        let has = match (session.backend(), session.runtime()) {
            (BackendType::Tmux, _) => probe.tmux,
            (BackendType::Container, Some(runtime)) => probe.runtimes.contains(&runtime),
            (BackendType::Container, None) => !probe.runtimes.is_empty(),
        };
        let what = match (session.backend(), session.runtime()) {
            (BackendType::Tmux, _) => tmux.clone(),
            (BackendType::Container, Some(runtime)) => runtime.to_string(),
            (BackendType::Container, None) => "podman or docker".to_owned(),
        };
        if !has && !lacking.contains(&what) {
            lacking.push(what);
        }
    }
    if lacking.is_empty() {
        let detail = format!("ssh {}: {}", spec.ssh(), has_text(&probe, &tmux, true));
        return host_check(spec, Health::Ok, detail, None, needed_by);
    }
    let detail = format!(
        "ssh {}: {}; not found there: {}",
        spec.ssh(),
        has_text(&probe, &tmux, false),
        lacking.join(", ")
    );
    let hint = format!("install {} on {}", lacking.join(" and "), spec.name());
    host_check(spec, Health::Missing, detail, Some(hint), needed_by)
}

/// What to do about a host ssh could not use: reach it, or log in to it.
fn host_hint(spec: &HostSpec, reason: &str) -> String {
    let unreached = [
        "timed out",
        "Connection refused",
        "resolve",
        "No route",
        "unreachable",
    ];
    if unreached.iter().any(|words| reason.contains(words)) {
        format!(
            "is the host up, and is this its address? `ssh {} true` should answer within \
             its connect_timeout ({} s)",
            spec.ssh(),
            spec.connect_timeout().as_secs()
        )
    } else {
        format!(
            "check that `ssh {}` logs in without a prompt (kstlib runs it with BatchMode=yes: \
             a key or your agent, and a known host key)",
            spec.ssh()
        )
    }
}

/// `has tmux, podman (no docker)`: what a host's probe found (what it lacks only with
/// `lacks`).
fn has_text(probe: &Probe, tmux: &str, lacks: bool) -> String {
    let mut has = Vec::new();
    let mut not = Vec::new();
    match probe.tmux {
        true => has.push(tmux.to_owned()),
        false => not.push(tmux.to_owned()),
    }
    for runtime in Runtime::ALL {
        match probe.runtimes.contains(&runtime) {
            true => has.push(runtime.to_string()),
            false => not.push(runtime.to_string()),
        }
    }
    let has = match has.is_empty() {
        true => "none of tmux, podman, docker".to_owned(),
        false => format!("has {}", has.join(", ")),
    };
    match !lacks || not.is_empty() || has.starts_with("none") {
        true => has,
        false => format!("{has} (no {})", not.join(", ")),
    }
}

fn host_check(
    spec: &HostSpec,
    health: Health,
    detail: String,
    hint: Option<String>,
    needed_by: Vec<String>,
) -> Check {
    Check {
        name: Component::Host,
        health,
        detail: super::sanitize::escape(&detail).into_owned(),
        hint,
        needed_by,
        path: None,
        host: Some(spec.name().to_string()),
    }
}

/// What the config needs of each backend.
#[derive(Debug)]
struct Needs {
    /// The tmux program (`ops.tmux_binary`, or `tmux`), and where it is configured.
    tmux_binary: String,
    tmux_configured_at: Option<Span>,
    /// The sessions on tmux.
    tmux: Vec<String>,
    /// The sessions pinned to each runtime.
    pinned: BTreeMap<Runtime, Vec<String>>,
    /// The sessions that take whichever runtime is installed, Podman first.
    either: Vec<String>,
}

impl Needs {
    /// With no readable config: the built-in default backend, tmux.
    fn built_in() -> Needs {
        Needs {
            tmux_binary: DEFAULT_TMUX_BINARY.to_owned(),
            tmux_configured_at: None,
            tmux: vec![AD_HOC.to_owned()],
            pinned: BTreeMap::new(),
            either: Vec::new(),
        }
    }

    fn of(config: &Config) -> Needs {
        let defaults = config.defaults();
        let mut needs = Needs {
            tmux_binary: config.tmux_binary().to_owned(),
            tmux_configured_at: defaults.tmux_binary.as_ref().and_then(|b| b.span.clone()),
            tmux: Vec::new(),
            pinned: BTreeMap::new(),
            either: Vec::new(),
        };
        // A session on a remote host needs nothing here: its host's check says what it has.
        for session in config.sessions().filter(|s| !s.host().is_remote()) {
            let name = session.name().as_str();
            match session.backend() {
                BackendType::Tmux => needs.tmux.push(name.to_owned()),
                BackendType::Container => needs.add_runtime(session.runtime(), name),
            }
        }
        // Sessions without an entry run on the default backend: needed when it is set, or
        // when nothing is declared (then it is what `start NAME` uses).
        let chosen = defaults.backend.as_ref().map(|backend| backend.value);
        if chosen.is_some() || config.declared().is_empty() {
            match chosen.unwrap_or(BackendType::Tmux) {
                BackendType::Tmux => needs.tmux.push(AD_HOC.to_owned()),
                BackendType::Container => {
                    needs.add_runtime(defaults.runtime.as_ref().map(|r| r.value), AD_HOC);
                }
            }
        }
        needs
    }

    fn add_runtime(&mut self, runtime: Option<Runtime>, who: &str) {
        match runtime {
            Some(runtime) => self.pinned.entry(runtime).or_default().push(who.to_owned()),
            None => self.either.push(who.to_owned()),
        }
    }

    /// Who needs `runtime`: the sessions pinned to it, and those taking either when it is
    /// the one they get (or when neither is installed, so that both lines say so).
    fn of_runtime(&self, runtime: Runtime) -> Vec<String> {
        let mut who = self.pinned.get(&runtime).cloned().unwrap_or_default();
        let taken = runtime::detect(None).ok();
        if taken.is_none_or(|taken| taken == runtime) {
            who.extend(self.either.iter().cloned());
        }
        who
    }
}

fn check_config(loaded: Result<Config, super::config::ConfigError>) -> Check {
    let checked = loaded
        .map_err(ConfigErrors::from)
        .and_then(|config| config.check().map(|()| config));
    match checked {
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
            ok(Component::Config, detail, Vec::new())
        }
        Err(errors) => Check {
            name: Component::Config,
            health: Health::Broken,
            detail: match (errors.first(), errors.iter().count()) {
                (Some(first), 1) => first.headline(),
                (Some(first), n) => format!("{} (and {} more)", first.headline(), n - 1),
                (None, _) => "invalid".to_owned(),
            },
            // What to run to see them all is the CLI's to say.
            hint: None,
            needed_by: Vec::new(),
            path: None,
            host: None,
        },
    }
}

fn check_tmux(exec: &dyn Executor, needs: &Needs) -> Check {
    let binary = needs.tmux_binary.as_str();
    let needed_by = needs.tmux.clone();
    let fix = match &needs.tmux_configured_at {
        Some(span) => format!("install tmux, or fix ops.tmux_binary at {span}"),
        None => "install it: apt-get install tmux".to_owned(),
    };
    let Some(path) = find_program(OsStr::new(binary)) else {
        return absent(
            Component::Tmux,
            format!("'{binary}' not found"),
            fix,
            needed_by,
        );
    };
    let not_tmux = || match &needs.tmux_configured_at {
        Some(span) => format!("point ops.tmux_binary at {span} to tmux"),
        None => format!("'{}' is not tmux: put tmux first on PATH", path.display()),
    };
    match exec.output(&Invocation::new(&path).arg("-V")) {
        Ok(out) if out.success() && out.stdout_text().starts_with("tmux ") => {
            let sockets = tmux::discover_sockets();
            let servers: Vec<String> = sockets.iter().map(ToString::to_string).collect();
            let detail = format!(
                "{} ({}); live servers in {}: {}",
                out.stdout_text().trim(),
                path.display(),
                socket_dir().display(),
                if servers.is_empty() {
                    "none".to_owned()
                } else {
                    servers.join(", ")
                }
            );
            let hung = silent_servers(exec, &path, &sockets);
            if !hung.is_empty() {
                // Every lookup asks every server: one that accepts and never answers
                // costs each command its time limit and a warning.
                return broken(
                    Component::Tmux,
                    format!("{detail}; not answering: {}", hung.join(", ")),
                    "end the process of a server that does not answer (`fuser SOCKET` finds \
                     it), or remove its socket if no process holds it; make a socket \
                     directory this user's alone (mode 0700)"
                        .to_owned(),
                    needed_by,
                );
            }
            ok(Component::Tmux, detail, needed_by)
        }
        Ok(out) if out.success() => broken(
            Component::Tmux,
            format!(
                "'{} -V' answered {}, not a tmux version",
                path.display(),
                quoted_answer(&out.stdout_text())
            ),
            not_tmux(),
            needed_by,
        ),
        Ok(out) => broken(
            Component::Tmux,
            format!(
                "'{} -V' failed{}: {}",
                path.display(),
                out.code
                    .map(|code| format!(" with exit code {code}"))
                    .unwrap_or_default(),
                Reason::stderr(&out.stderr_text(), "it")
            ),
            not_tmux(),
            needed_by,
        ),
        Err(err) => broken(Component::Tmux, err.to_string(), not_tmux(), needed_by),
    }
}

/// The servers among `sockets` that do not answer `list-sessions` within the tmux time
/// limit, or that tmux cannot reach (a socket or directory of another user's), each with
/// why: what every lookup warns about. Asked at once, so that the check costs one time
/// limit at most.
fn silent_servers(exec: &dyn Executor, tmux: &Path, sockets: &[TmuxSocket]) -> Vec<String> {
    std::thread::scope(|scope| {
        let asks: Vec<_> = sockets
            .iter()
            .map(|socket| {
                scope.spawn(move || {
                    let ask = Invocation::new(tmux)
                        .args(socket.args())
                        .args(["list-sessions", "-F", "#{session_name}"])
                        .timeout(timing::tmux_timeout());
                    match exec.output(&ask) {
                        Err(ExecError::Timeout { timeout, .. }) => Some(format!(
                            "{socket} (no answer within {} s)",
                            timeout.as_secs_f64()
                        )),
                        Ok(out) if tmux::target::unreachable(&out.stderr_text()) => Some(format!(
                            "{socket} ({})",
                            Reason::stderr(&out.stderr_text(), "tmux")
                        )),
                        // Answered, or gone meanwhile (a server ends with its last session).
                        _ => None,
                    }
                })
            })
            .collect();
        asks.into_iter()
            .filter_map(|ask| ask.join().ok().flatten())
            .collect()
    })
}

fn check_runtime(exec: &dyn Executor, runtime: Runtime, needs: &Needs) -> Check {
    let name = runtime.as_str();
    let component = Component::from(runtime);
    let needed_by = needs.of_runtime(runtime);
    if find_program(OsStr::new(name)).is_none() {
        let package = match runtime {
            Runtime::Podman => "podman",
            Runtime::Docker => "docker.io",
        };
        return absent(
            component,
            "not installed".to_owned(),
            format!("install it: apt-get install {package}"),
            needed_by,
        );
    }
    // `info` asks the engine, not only the client: a Docker CLI without its daemon is the
    // usual way for `docker` to be broken.
    let info = Invocation::new(name).args(["info", "--format", "{{json .}}"]);
    let out = match exec.output(&info) {
        Ok(out) => out,
        Err(err) => {
            let hint = format!("`{name} info` shows what is wrong");
            return broken(component, err.to_string(), hint, needed_by);
        }
    };
    let stderr = out.stderr_text();
    let answer = serde_json::from_str::<serde_json::Value>(&out.stdout_text()).ok();
    // Docker 20.10 exits 0 without its engine, and says so inside the answer.
    let server_error = answer
        .as_ref()
        .and_then(|info| info["ServerErrors"].as_array()?.first()?.as_str());
    if !out.success() || server_error.is_some() {
        let said = server_error.unwrap_or(&stderr);
        let reason = Reason::stderr(said, name);
        return broken(component, reason.line, remedy(runtime, said), needed_by);
    }
    match answer.as_ref().and_then(|info| versions(runtime, info)) {
        Some(versions) => {
            let (path, how, hint) = engine_path(runtime);
            Check {
                path: Some(path),
                hint,
                ..ok(component, format!("{name} {versions}; {how}"), needed_by)
            }
        }
        None => broken(
            component,
            format!(
                "`{name} info --format '{{{{json .}}}}'` answered {}, which kstlib cannot read",
                quoted_answer(&out.stdout_text())
            ),
            format!(
                "check that '{name}' on PATH is {} itself, not a wrapper",
                match runtime {
                    Runtime::Podman => "Podman",
                    Runtime::Docker => "Docker",
                }
            ),
            needed_by,
        ),
    }
}

/// `4.3.1, OCI runtime runc` (Podman) or `engine 20.10.24, client 28.2.2, OCI runtime
/// runc` (Docker), from `info`'s JSON; `None` when it is not what the runtime writes.
fn versions(runtime: Runtime, info: &serde_json::Value) -> Option<String> {
    let text = |value: &serde_json::Value| {
        value
            .as_str()
            .filter(|text| !text.is_empty())
            .map(|text| super::sanitize::escape(text).into_owned())
    };
    match runtime {
        Runtime::Podman => {
            let version = text(&info["version"]["Version"])?;
            let oci = text(&info["host"]["ociRuntime"]["name"]).unwrap_or_else(|| "?".into());
            Some(format!("{version}, OCI runtime {oci}"))
        }
        Runtime::Docker => {
            let engine = text(&info["ServerVersion"])?;
            let client = text(&info["ClientInfo"]["Version"])
                .map(|client| format!(", client {client}"))
                .unwrap_or_default();
            let oci = text(&info["DefaultRuntime"]).unwrap_or_else(|| "?".into());
            Some(format!("engine {engine}{client}, OCI runtime {oci}"))
        }
    }
}

/// What to do about what an engine said when it failed.
fn remedy(runtime: Runtime, said: &str) -> String {
    let name = runtime.as_str();
    let remedy = if said.contains("permission denied while trying to connect") {
        "let your user reach the engine: `sudo usermod -aG docker $USER`, then log in again"
    } else if said.contains("Cannot connect to the Docker daemon")
        || said.contains("Is the docker daemon running")
    {
        match std::env::var("DOCKER_HOST") {
            Ok(host) => {
                return format!(
                    "start the engine, or fix DOCKER_HOST ({}): is the engine there?",
                    super::sanitize::quote(&host)
                );
            }
            Err(_) => {
                "start the engine: `sudo systemctl start docker` (or `sudo dockerd &` without systemd)"
            }
        }
    } else if said.contains("Cannot connect to Podman") {
        "start Podman's service (`systemctl --user start podman.socket`), or unset CONTAINER_HOST"
    } else if said.contains("reading system config") || said.contains("decode configuration") {
        "fix the containers.conf it names (or move it aside): `podman info` shows the whole error"
    } else if said.contains("storage") || said.contains("runtime static files directory") {
        "fix Podman's storage (storage.conf, or its directories): `podman info` shows the whole error"
    } else {
        return format!("`{name} info` shows the whole error");
    };
    remedy.to_owned()
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
        // Each Podman call through the CLI costs ≈ 40 ms, through the socket ≈ 3.
        _ => match runtime {
            Runtime::Podman => (
                "cli",
                "kstlib uses the CLI (no API socket)".to_owned(),
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

/// An answer quoted for a one-line detail: its first line, or `nothing`.
fn quoted_answer(text: &str) -> String {
    match text.lines().map(str::trim).find(|line| !line.is_empty()) {
        Some(line) => super::sanitize::quote(line),
        None => "nothing".to_owned(),
    }
}

fn ok(name: Component, detail: String, needed_by: Vec<String>) -> Check {
    Check {
        name,
        health: Health::Ok,
        detail,
        hint: None,
        needed_by,
        path: None,
        host: None,
    }
}

/// Not installed: missing when something needs it, else only absent.
fn absent(name: Component, detail: String, fix: String, needed_by: Vec<String>) -> Check {
    Check {
        name,
        health: if needed_by.is_empty() {
            Health::Absent
        } else {
            Health::Missing
        },
        detail,
        hint: Some(fix),
        needed_by,
        path: None,
        host: None,
    }
}

fn broken(name: Component, detail: String, hint: String, needed_by: Vec<String>) -> Check {
    Check {
        name,
        health: Health::Broken,
        detail: super::sanitize::escape(&detail).into_owned(),
        hint: Some(hint),
        needed_by,
        path: None,
        host: None,
    }
}
