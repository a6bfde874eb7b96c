//! What the runtimes say about containers, as [`SessionStatus`]es: `container inspect`
//! (both runtimes, for `status`) and `ps` (each runtime its own shape, for `list`, one call
//! whatever the number of containers). One state table serves them all.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;

use super::{HASH_LABEL, MANAGED_LABEL};
use crate::ops::model::{BackendType, Origin, Runtime, SessionState, SessionStatus};
use crate::ops::sanitize;
use crate::ops::validate::StopSignal;

/// The one state table (DESIGN §2a), for `status` and `list` alike, from the runtime's
/// word for the state (`running`, `exited`, …) and its paused and restarting flags.
fn state_of(word: &str, paused: bool, restarting: bool) -> SessionState {
    match word.to_ascii_lowercase().as_str() {
        _ if restarting => SessionState::Restarting,
        // Docker says `running` with Paused=true in some versions; Podman `paused`.
        _ if paused => SessionState::Paused,
        "running" => SessionState::Running,
        "paused" => SessionState::Paused,
        "restarting" => SessionState::Restarting,
        "exited" => SessionState::Exited,
        "created" | "stopped" | "configured" | "initialized" => SessionState::Stopped,
        _ => SessionState::Unknown,
    }
}

/// What every shape says of a container, on its way to a [`SessionStatus`].
struct Facts<'a> {
    name: &'a str,
    id: &'a str,
    word: &'a str,
    state: SessionState,
    pid: i64,
    exit_code: i64,
    image: &'a str,
    managed: bool,
    config_hash: Option<&'a str>,
}

impl Facts<'_> {
    fn into_status(self, runtime: Runtime) -> SessionStatus {
        let state = self.state;
        let mut status = SessionStatus::new(self.name, state, BackendType::Container);
        status.pid = u32::try_from(self.pid)
            .ok()
            .filter(|&pid| pid > 0 && state.is_alive());
        status.image = Some(self.image.to_owned());
        status.exit_code = (state == SessionState::Exited)
            .then(|| i32::try_from(self.exit_code).ok())
            .flatten();
        // Runtimes report death by signal N as 128 + N.
        if let Some(code) = status.exit_code.filter(|&code| code > 128) {
            status.exit_signal = nix::sys::signal::Signal::try_from(code - 128)
                .ok()
                .map(|signal| signal.as_str().to_owned());
        }
        status.runtime = Some(runtime);
        status.id = Some(self.id.to_owned());
        status.origin = if self.managed {
            Origin::Managed
        } else {
            Origin::Foreign
        };
        status.config_hash = self.config_hash.map(str::to_owned);
        if state == SessionState::Unknown {
            status.detail = Some(sanitize::escape(self.word).into_owned());
        }
        status
    }
}

/// What `container inspect` says of one container (both runtimes' shapes).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Inspect {
    pub(super) id: String,
    name: String,
    created: Option<String>,
    pub(super) state: InspectState,
    pub(super) config: InspectConfig,
    network_settings: Option<NetworkSettings>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct InspectState {
    pub(super) status: String,
    running: bool,
    paused: bool,
    restarting: bool,
    pid: i64,
    exit_code: i64,
    finished_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct InspectConfig {
    image: String,
    labels: Option<BTreeMap<String, String>>,
    pub(super) tty: bool,
    /// A name on Docker (`SIGTERM`), sometimes a number on Podman.
    stop_signal: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NetworkSettings {
    ports: Option<BTreeMap<String, Option<Vec<PortBinding>>>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PortBinding {
    host_ip: String,
    host_port: String,
}

/// Every container of a `container inspect` array; one that cannot be read is an error,
/// not a container left out.
pub(crate) fn inspect(json: &[u8]) -> Result<Vec<Inspect>, serde_json::Error> {
    serde_json::from_slice(json)
}

impl Inspect {
    /// The name without Docker's leading `/`.
    pub(crate) fn name(&self) -> &str {
        self.name.trim_start_matches('/')
    }

    pub(super) fn label(&self, key: &str) -> Option<&str> {
        self.config.labels.as_ref()?.get(key).map(String::as_str)
    }

    /// When the program last ended, if it ever did (Docker says year 1 when it did not).
    pub(super) fn finished_at(&self) -> Option<Timestamp> {
        self.state
            .finished_at
            .as_deref()?
            .parse::<Timestamp>()
            .ok()
            .filter(|time| *time > Timestamp::UNIX_EPOCH)
    }

    pub(super) fn is_managed(&self) -> bool {
        self.label(MANAGED_LABEL) == Some("1")
    }

    /// The state, from the one table.
    pub(super) fn state(&self) -> SessionState {
        state_of(&self.state.status, self.state.paused, self.state.restarting)
    }

    pub(crate) fn stop_signal(&self) -> Option<StopSignal> {
        match self.config.stop_signal.as_ref()? {
            serde_json::Value::String(name) => StopSignal::parse(name).ok(),
            serde_json::Value::Number(n) => StopSignal::parse(&n.to_string()).ok(),
            _ => None,
        }
    }

    pub(crate) fn to_status(&self, runtime: Runtime) -> SessionStatus {
        let mut status = Facts {
            name: self.name(),
            id: &self.id,
            word: &self.state.status,
            state: self.state(),
            pid: self.state.pid,
            exit_code: self.state.exit_code,
            image: &self.config.image,
            managed: self.is_managed(),
            config_hash: self.label(HASH_LABEL),
        }
        .into_status(runtime);
        status.created_at = self
            .created
            .as_deref()
            .and_then(|created| created.parse::<Timestamp>().ok());
        status.ports = self.ports();
        status
    }

    /// `0.0.0.0:8080->80/tcp`, as `docker ps` shows them.
    fn ports(&self) -> Vec<String> {
        let mut ports: Vec<String> = self
            .network_settings
            .iter()
            .flat_map(|settings| settings.ports.iter().flatten())
            .flat_map(|(container, bindings)| {
                bindings.iter().flatten().map(move |binding| {
                    let ip = match binding.host_ip.as_str() {
                        "" => "0.0.0.0",
                        ip => ip,
                    };
                    format!("{ip}:{}->{container}", binding.host_port)
                })
            })
            .collect();
        ports.sort();
        ports.dedup();
        ports
    }
}

/// One container in `podman ps -a --format json` (one array, with PIDs and exit codes).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PodmanPs {
    id: String,
    names: Vec<String>,
    image: String,
    state: String,
    exit_code: i64,
    pid: i64,
    labels: Option<BTreeMap<String, String>>,
    /// Seconds since the epoch (the CLI), or an RFC 3339 time (the libpod API).
    created: Option<serde_json::Value>,
    ports: Option<Vec<PodmanPort>>,
}

/// `Created` of a Podman list row, to the second as the CLI gives it: the API's RFC 3339
/// time has nanoseconds, which would make the two paths' JSON differ.
fn podman_created(created: Option<&serde_json::Value>) -> Option<Timestamp> {
    match created? {
        serde_json::Value::Number(seconds) => Timestamp::from_second(seconds.as_i64()?).ok(),
        serde_json::Value::String(text) => {
            Timestamp::from_second(text.parse::<Timestamp>().ok()?.as_second()).ok()
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct PodmanPort {
    host_ip: String,
    container_port: u32,
    host_port: u32,
    protocol: String,
}

/// Every container of `podman ps -a --format json`.
pub(crate) fn podman_ps(json: &[u8]) -> Result<Vec<SessionStatus>, serde_json::Error> {
    let rows: Vec<PodmanPs> = serde_json::from_slice(json)?;
    Ok(rows
        .into_iter()
        .map(|ps| {
            let label = |key: &str| ps.labels.as_ref()?.get(key).map(String::as_str);
            let managed = label(MANAGED_LABEL) == Some("1");
            let mut status = Facts {
                name: ps.names.first().map_or("", String::as_str),
                id: &ps.id,
                word: &ps.state,
                state: state_of(&ps.state, false, false),
                pid: ps.pid,
                exit_code: ps.exit_code,
                image: &ps.image,
                managed,
                config_hash: label(HASH_LABEL),
            }
            .into_status(Runtime::Podman);
            status.created_at = podman_created(ps.created.as_ref());
            status.ports = ps
                .ports
                .iter()
                .flatten()
                .map(|port| {
                    let ip = if port.host_ip.is_empty() {
                        "0.0.0.0"
                    } else {
                        &port.host_ip
                    };
                    format!(
                        "{ip}:{}->{}/{}",
                        port.host_port, port.container_port, port.protocol
                    )
                })
                .collect();
            status
        })
        .collect())
}

/// The `docker ps` template: the fields `list` needs and no more. (`{{json .}}` would make
/// the engine compute every container's size.) Docker's `ps` has no PID; `status` has it.
pub(super) const DOCKER_PS_FORMAT: &str = "{\"ID\":{{json .ID}},\"Names\":{{json .Names}},\
\"Image\":{{json .Image}},\"State\":{{json .State}},\"Status\":{{json .Status}},\
\"Labels\":{{json .Labels}},\"CreatedAt\":{{json .CreatedAt}},\"Ports\":{{json .Ports}}}";

/// One line of `docker ps` with [`DOCKER_PS_FORMAT`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DockerPs {
    #[serde(rename = "ID")]
    id: String,
    names: String,
    image: String,
    state: String,
    /// `Exited (3) 2 minutes ago`, `Up 5 seconds (Paused)`.
    status: String,
    /// `a=b,c=d`.
    labels: String,
    /// `2026-11-26 11:37:07 +0000 UTC`.
    created_at: String,
    /// `0.0.0.0:8080->80/tcp, :::8080->80/tcp`.
    ports: String,
}

/// Every container of `docker ps -a --no-trunc --format DOCKER_PS_FORMAT`, one per line.
pub(crate) fn docker_ps(text: &str) -> Result<Vec<SessionStatus>, serde_json::Error> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<DockerPs>(line).map(docker_row))
        .collect()
}

/// One line of `docker ps` as a status.
fn docker_row(ps: DockerPs) -> SessionStatus {
    // Only our own labels matter here, and their values never hold a comma.
    let label = |key: &str| {
        ps.labels
            .split(',')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
    };
    let managed = label(MANAGED_LABEL) == Some("1");
    // A container with links lists several names; its own comes first.
    let name = ps.names.split(',').next().unwrap_or_default();
    let mut status = Facts {
        name,
        id: &ps.id,
        word: &ps.state,
        state: state_of(&ps.state, false, false),
        pid: 0,
        exit_code: exit_code_of(&ps.status).unwrap_or_default(),
        image: &ps.image,
        managed,
        config_hash: label(HASH_LABEL),
    }
    .into_status(Runtime::Docker);
    status.created_at = docker_time(&ps.created_at);
    status.ports = ps
        .ports
        .split(", ")
        .filter(|port| !port.is_empty())
        // Docker 28 writes IPv6 addresses in brackets, 20.10 and `inspect` do not.
        .map(|port| port.replacen("[::]", "::", 1))
        .collect();
    status
}

/// The code in `Exited (3) 2 minutes ago`.
fn exit_code_of(status: &str) -> Option<i64> {
    let rest = status.strip_prefix("Exited (")?;
    rest[..rest.find(')')?].parse().ok()
}

/// One container of Docker's `GET /containers/json?all=1` (the Engine API's list).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DockerApiPs {
    id: String,
    /// `["/web"]`: its own name first, then link names.
    names: Vec<String>,
    image: String,
    state: String,
    /// `Exited (3) 2 minutes ago`, as in the CLI's `ps`.
    status: String,
    labels: Option<BTreeMap<String, String>>,
    /// Seconds since the epoch.
    created: i64,
    ports: Vec<DockerApiPort>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DockerApiPort {
    #[serde(rename = "IP")]
    ip: String,
    private_port: u16,
    public_port: u16,
    #[serde(rename = "Type")]
    kind: String,
}

/// Every container of Docker's `GET /containers/json?all=1`, read as [`docker_ps`] reads
/// the CLI's: same rows, same ports text, same times (to the second).
pub(crate) fn docker_api_ps(json: &[u8]) -> Result<Vec<SessionStatus>, serde_json::Error> {
    let rows: Vec<DockerApiPs> = serde_json::from_slice(json)?;
    Ok(rows
        .into_iter()
        .map(|ps| {
            let label = |key: &str| ps.labels.as_ref()?.get(key).map(String::as_str);
            let name = ps
                .names
                .first()
                .map_or("", |name| name.trim_start_matches('/'));
            let mut status = Facts {
                name,
                id: &ps.id,
                word: &ps.state,
                state: state_of(&ps.state, false, false),
                pid: 0,
                exit_code: exit_code_of(&ps.status).unwrap_or_default(),
                image: &ps.image,
                managed: label(MANAGED_LABEL) == Some("1"),
                config_hash: label(HASH_LABEL),
            }
            .into_status(Runtime::Docker);
            status.created_at = Timestamp::from_second(ps.created).ok();
            status.ports = displayable_ports(ps.ports);
            status
        })
        .collect())
}

/// The ports as the Docker CLI's `ps` shows them (its `DisplayablePorts`): sorted, runs of
/// ports published on the same port number joined (`0.0.0.0:80-81->80-81/tcp`), other
/// mappings last (`127.0.0.1:8080->80/tcp`); IPv6 addresses without brackets, as 20.10
/// writes them and [`docker_row`] reads them.
fn displayable_ports(mut ports: Vec<DockerApiPort>) -> Vec<String> {
    ports.sort_by(|a, b| {
        (a.private_port, &a.ip, a.public_port, &a.kind).cmp(&(
            b.private_port,
            &b.ip,
            b.public_port,
            &b.kind,
        ))
    });
    let mut groups: Vec<(String, u16, u16)> = Vec::new();
    let mut done = Vec::new();
    let mut mappings = Vec::new();
    for port in ports {
        let current = port.private_port;
        let key = if port.ip.is_empty() {
            port.kind.clone()
        } else if port.public_port != current {
            mappings.push(format!(
                "{}:{}->{}/{}",
                port.ip, port.public_port, port.private_port, port.kind
            ));
            continue;
        } else {
            format!("{}/{}", port.ip, port.kind)
        };
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            None => groups.push((key, current, current)),
            Some(group) if current == group.2.wrapping_add(1) => group.2 = current,
            Some(group) => {
                done.push(port_group(&group.0, group.1, group.2));
                *group = (key, current, current);
            }
        }
    }
    done.extend(
        groups
            .iter()
            .map(|(key, first, last)| port_group(key, *first, *last)),
    );
    done.extend(mappings);
    done
}

/// `80/tcp`, `80-81/tcp`, `0.0.0.0:80-81->80-81/tcp`.
fn port_group(key: &str, first: u16, last: u16) -> String {
    let range = if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    };
    match key.rsplit_once('/') {
        Some((ip, kind)) => format!("{ip}:{range}->{range}/{kind}"),
        None => format!("{range}/{key}"),
    }
}

/// `2026-11-26 11:37:07 +0000 UTC` (Go's default time format, in the CLI's time zone).
fn docker_time(text: &str) -> Option<Timestamp> {
    let without_zone_name = text.rsplit_once(' ').map_or(text, |(time, _)| time);
    jiff::fmt::strtime::parse("%Y-%m-%d %H:%M:%S %z", without_zone_name)
        .and_then(|parsed| parsed.to_timestamp())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCKER_PAUSED: &str = r#"[{"Id":"abc","Created":"2026-11-26T11:37:07.123456789Z",
        "Name":"/web","State":{"Status":"paused","Running":true,"Paused":true,
        "Restarting":false,"Pid":4242,"ExitCode":0},
        "Config":{"Image":"nginx:1","Labels":{"io.kstlib.ops.managed":"1"},"Tty":true},
        "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},
        {"HostIp":"::","HostPort":"8080"}],"443/tcp":null}}}]"#;

    const PODMAN_EXITED: &str = r#"[{"Id":"def","Created":"2026-11-26T12:37:30.380523098+01:00",
        "Name":"job","State":{"Status":"exited","Running":false,"Paused":false,"Pid":0,
        "ExitCode":137},"Config":{"Image":"localhost/job:1","Labels":null,"StopSignal":15}}]"#;

    fn parse(json: &str) -> Inspect {
        let values: Vec<serde_json::Value> = serde_json::from_str(json).expect("json");
        serde_json::from_value(values[0].clone()).expect("inspect")
    }

    #[test]
    fn docker_paused_is_paused_not_running() {
        let found = parse(DOCKER_PAUSED);
        assert_eq!(found.name(), "web");
        let status = found.to_status(Runtime::Docker);
        assert_eq!(status.state, SessionState::Paused);
        assert_eq!(status.pid, Some(4242));
        assert_eq!(status.origin, Origin::Managed);
        assert_eq!(status.ports, ["0.0.0.0:8080->80/tcp", ":::8080->80/tcp"]);
        assert_eq!(
            status.created_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-26T11:37:07.123456789Z")
        );
    }

    #[test]
    fn podman_exited_keeps_code_signal_and_time_zone() {
        let found = parse(PODMAN_EXITED);
        let status = found.to_status(Runtime::Podman);
        assert_eq!(status.state, SessionState::Exited);
        assert_eq!(status.exit_code, Some(137));
        assert_eq!(status.exit_signal.as_deref(), Some("SIGKILL"));
        assert_eq!(status.pid, None);
        assert_eq!(status.origin, Origin::Foreign);
        assert_eq!(
            status.created_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-26T11:37:30.380523098Z")
        );
        assert_eq!(found.stop_signal(), StopSignal::parse("TERM").ok());
    }

    #[test]
    fn unknown_states_keep_the_runtime_word() {
        let mut found = parse(PODMAN_EXITED);
        found.state.status = "removing".to_owned();
        let status = found.to_status(Runtime::Podman);
        assert_eq!(status.state, SessionState::Unknown);
        assert_eq!(status.detail.as_deref(), Some("removing"));
        found.state.status = "created".to_owned();
        assert_eq!(found.state(), SessionState::Stopped);
    }

    #[test]
    fn odd_json_never_panics() {
        for json in [
            "[{}]",
            r#"[{"State":null}]"#,
            r#"[{"State":{"Pid":"x"}}]"#,
            r#"[{"Config":{"Labels":{"a":1}}}]"#,
        ] {
            let values: Vec<serde_json::Value> = serde_json::from_str(json).expect("json");
            let _ = serde_json::from_value::<Inspect>(values[0].clone())
                .map(|found| found.to_status(Runtime::Docker));
        }
    }

    #[test]
    fn podman_ps_has_pids_codes_labels_and_ports() {
        let json = br#"[{"Id":"e73a","Names":["web"],"Image":"localhost/app:1","State":"running",
            "ExitCode":0,"Pid":24044,"Labels":{"io.kstlib.ops.managed":"1"},"Created":1795698917,
            "Ports":[{"host_ip":"127.0.0.1","container_port":80,"host_port":18999,"range":1,
            "protocol":"tcp"}]},
            {"Id":"f00","Names":["job"],"Image":"x","State":"exited","ExitCode":137,"Pid":0,
            "Labels":null,"Created":1795698917,"Ports":null}]"#;
        let rows = podman_ps(json).expect("json");
        assert_eq!(rows.len(), 2);
        // A malformed entry is an error, not a container silently left out.
        let malformed = br#"[{"Id":"e73a","Names":["web"]},{"Id":"bad","Names":"not a list"}]"#;
        assert!(podman_ps(malformed).is_err());
        assert_eq!(rows[0].state, SessionState::Running);
        assert_eq!(rows[0].pid, Some(24044));
        assert_eq!(rows[0].origin, Origin::Managed);
        assert_eq!(rows[0].ports, ["127.0.0.1:18999->80/tcp"]);
        assert_eq!(
            rows[0].created_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-26T13:15:17Z")
        );
        assert_eq!(
            (rows[1].exit_code, rows[1].exit_signal.as_deref()),
            (Some(137), Some("SIGKILL"))
        );
        assert_eq!(rows[1].origin, Origin::Foreign);
    }

    #[test]
    fn docker_ps_lines_parse_on_both_clis() {
        let text = concat!(
            r#"{"ID":"fdc7","Names":"job","Image":"kstlib-test/busybox:1","State":"exited","#,
            r#""Status":"Exited (3) Less than a second ago","Labels":"a=b,io.kstlib.ops.managed=1","#,
            r#""CreatedAt":"2026-11-26 13:15:18 +0000 UTC","Ports":""}"#,
            "\n",
            r#"{"ID":"abc","Names":"web","Image":"nginx","State":"paused","Status":"Up 5 seconds (Paused)","#,
            r#""Labels":"","CreatedAt":"2026-11-26 14:15:18 +0100 CET","#,
            r#""Ports":"0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"}"#,
            "\n"
        );
        let rows = docker_ps(text).expect("readable");
        assert_eq!(rows.len(), 2);
        // A line that cannot be read is an error, not a container silently left out.
        assert!(docker_ps(&format!("{text}not json\n")).is_err());
        assert_eq!(
            (rows[0].state, rows[0].exit_code),
            (SessionState::Exited, Some(3))
        );
        assert_eq!(rows[0].origin, Origin::Managed);
        assert_eq!(rows[0].pid, None);
        assert_eq!(rows[1].state, SessionState::Paused);
        assert_eq!(rows[1].ports, ["0.0.0.0:8080->80/tcp", ":::8080->80/tcp"]);
        assert_eq!(
            rows[1].created_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-26T13:15:18Z")
        );
    }

    #[test]
    fn docker_api_list_reads_as_the_cli_list() {
        // The same two containers, as `docker ps` (CLI 20.10) and the Engine API list them.
        let cli = concat!(
            r#"{"ID":"c647","Names":"web","Image":"kstlib-test/busybox:1","State":"running","#,
            r#""Status":"Up 5 seconds","Labels":"io.kstlib.ops.managed=1,io.kstlib.ops.config-hash=ab","#,
            r#""CreatedAt":"2026-12-02 06:24:58 +0000 UTC","#,
            r#""Ports":"127.0.0.1:18771->80/tcp, 127.0.0.1:18772->81/tcp, 0.0.0.0:18773->82/tcp, :::18773->82/tcp"}"#,
            "\n",
            r#"{"ID":"0068","Names":"job","Image":"x","State":"exited","Status":"Exited (3) 1 second ago","#,
            r#""Labels":"","CreatedAt":"2026-12-02 06:24:57 +0000 UTC","Ports":""}"#,
        );
        let api = br#"[{"Id":"c647","Names":["/web"],"Image":"kstlib-test/busybox:1",
            "Created":1796192698,"State":"running","Status":"Up 5 seconds",
            "Labels":{"io.kstlib.ops.managed":"1","io.kstlib.ops.config-hash":"ab"},
            "Ports":[{"IP":"127.0.0.1","PrivatePort":80,"PublicPort":18771,"Type":"tcp"},
            {"IP":"127.0.0.1","PrivatePort":81,"PublicPort":18772,"Type":"tcp"},
            {"IP":"0.0.0.0","PrivatePort":82,"PublicPort":18773,"Type":"tcp"},
            {"IP":"::","PrivatePort":82,"PublicPort":18773,"Type":"tcp"}]},
            {"Id":"0068","Names":["/job"],"Image":"x","Created":1796192697,"State":"exited",
            "Status":"Exited (3) 1 second ago","Labels":{},"Ports":[]}]"#;
        let from_cli = docker_ps(cli).expect("cli");
        let from_api = docker_api_ps(api).expect("api");
        assert_eq!(
            serde_json::to_value(&from_api).expect("json"),
            serde_json::to_value(&from_cli).expect("json")
        );
        assert!(docker_api_ps(br#"[{"Names":"not a list"}]"#).is_err());
    }

    #[test]
    fn docker_ports_read_as_the_cli_shows_them() {
        let port = |ip: &str, private_port, public_port| DockerApiPort {
            ip: ip.to_owned(),
            private_port,
            public_port,
            kind: "tcp".to_owned(),
        };
        assert_eq!(
            displayable_ports(vec![
                port("", 443, 0),
                port("0.0.0.0", 81, 81),
                port("0.0.0.0", 80, 80),
                port("", 444, 0),
                port("", 9000, 0),
                port("127.0.0.1", 22, 2222),
            ]),
            // Go's order: a run closed early comes first, then the open runs in the order
            // they began, then the other mappings.
            [
                "443-444/tcp",
                "0.0.0.0:80-81->80-81/tcp",
                "9000/tcp",
                "127.0.0.1:2222->22/tcp"
            ]
        );
    }

    #[test]
    fn podman_list_times_read_the_same_from_the_cli_and_the_api() {
        let cli = br#"[{"Id":"a","Names":["web"],"State":"running","Created":1796192662}]"#;
        let api = br#"[{"Id":"a","Names":["web"],"State":"running",
            "Created":"2026-12-02T06:24:22.70280985Z"}]"#;
        assert_eq!(
            podman_ps(cli).expect("cli")[0].created_at,
            podman_ps(api).expect("api")[0].created_at
        );
    }

    #[test]
    fn ps_of_every_state_maps_like_inspect() {
        for (word, state) in [
            ("running", SessionState::Running),
            ("paused", SessionState::Paused),
            ("restarting", SessionState::Restarting),
            ("exited", SessionState::Exited),
            ("created", SessionState::Stopped),
            ("dead", SessionState::Unknown),
        ] {
            let line = format!(r#"{{"ID":"i","Names":"n","State":"{word}","Status":""}}"#);
            assert_eq!(
                docker_ps(&line).expect("readable")[0].state,
                state,
                "{word}"
            );
        }
    }
}
