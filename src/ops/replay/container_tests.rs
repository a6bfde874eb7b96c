//! Docker 20.10's, Docker 28's and Podman 4's recorded answers through the real
//! [`ContainerRunner`], verb by verb, with the exact message each CLI's words make.

use std::sync::Arc;

use super::recordings::*;
use super::{Recording, Replay, failure, name, no_log_files, session};
use crate::cli::exit;
use crate::ops::backend::{LogOptions, Removal, SessionBackend, StopOptions};
use crate::ops::error::{Error, Result};
use crate::ops::model::{BackendType, Origin, Runtime, SessionState, StopMethod};
use crate::ops::validate::{Command, SessionName};
use crate::ops::{ContainerRunner, SessionOptions};

/// What one CLI answered, situation by situation.
struct Cli {
    /// `docker20`, `docker28`, `podman`: also the middle of the container names.
    tag: &'static str,
    runtime: Runtime,
    down_inspect: &'static Recording,
    down_ps: &'static Recording,
    down_run: &'static Recording,
    denied_inspect: &'static Recording,
    denied_ps: &'static Recording,
    down_logs: &'static Recording,
    denied_logs: &'static Recording,
    missing_logs: &'static Recording,
    missing_inspect: &'static Recording,
    ambiguous_inspect: &'static Recording,
    missing_rm: &'static Recording,
    running_inspect: &'static Recording,
    running_ps: &'static Recording,
    name_in_use_run: &'static Recording,
    port_foreign: [&'static Recording; 3],
    port_container: [&'static Recording; 3],
    image_inspect: &'static Recording,
    exited_inspect: &'static Recording,
    not_running_kill: &'static Recording,
    killed: [&'static Recording; 3],
}

const DOCKER20: Cli = Cli {
    tag: "docker20",
    runtime: Runtime::Docker,
    down_inspect: &DOCKER20_DOWN_INSPECT,
    down_ps: &DOCKER20_DOWN_PS,
    down_run: &DOCKER20_DOWN_RUN,
    denied_inspect: &DOCKER20_DENIED_INSPECT,
    denied_ps: &DOCKER20_DENIED_PS,
    down_logs: &DOCKER20_DOWN_LOGS,
    denied_logs: &DOCKER20_DENIED_LOGS,
    missing_logs: &DOCKER20_MISSING_LOGS,
    missing_inspect: &DOCKER20_MISSING_INSPECT,
    ambiguous_inspect: &DOCKER20_AMBIGUOUS_INSPECT,
    missing_rm: &DOCKER20_MISSING_RM,
    running_inspect: &DOCKER20_RUNNING_INSPECT,
    running_ps: &DOCKER20_RUNNING_PS,
    name_in_use_run: &DOCKER20_NAME_IN_USE_RUN,
    port_foreign: [
        &DOCKER20_PORT_FOREIGN_RUN,
        &DOCKER20_PORT_FOREIGN_INSPECT,
        &DOCKER20_PORT_FOREIGN_RM,
    ],
    port_container: [
        &DOCKER20_PORT_CONTAINER_RUN,
        &DOCKER20_PORT_CONTAINER_INSPECT,
        &DOCKER20_PORT_CONTAINER_RM,
    ],
    image_inspect: &DOCKER20_IMAGE_INSPECT,
    exited_inspect: &DOCKER20_EXITED_INSPECT,
    not_running_kill: &DOCKER20_NOT_RUNNING_KILL,
    killed: [
        &DOCKER20_KILLED_WAIT,
        &DOCKER20_KILLED_INSPECT,
        &DOCKER20_KILLED_RM,
    ],
};

const DOCKER28: Cli = Cli {
    tag: "docker28",
    runtime: Runtime::Docker,
    down_inspect: &DOCKER28_DOWN_INSPECT,
    down_ps: &DOCKER28_DOWN_PS,
    down_run: &DOCKER28_DOWN_RUN,
    denied_inspect: &DOCKER28_DENIED_INSPECT,
    denied_ps: &DOCKER28_DENIED_PS,
    down_logs: &DOCKER28_DOWN_LOGS,
    denied_logs: &DOCKER28_DENIED_LOGS,
    missing_logs: &DOCKER28_MISSING_LOGS,
    missing_inspect: &DOCKER28_MISSING_INSPECT,
    ambiguous_inspect: &DOCKER28_AMBIGUOUS_INSPECT,
    missing_rm: &DOCKER28_MISSING_RM,
    running_inspect: &DOCKER28_RUNNING_INSPECT,
    running_ps: &DOCKER28_RUNNING_PS,
    name_in_use_run: &DOCKER28_NAME_IN_USE_RUN,
    port_foreign: [
        &DOCKER28_PORT_FOREIGN_RUN,
        &DOCKER28_PORT_FOREIGN_INSPECT,
        &DOCKER28_PORT_FOREIGN_RM,
    ],
    port_container: [
        &DOCKER28_PORT_CONTAINER_RUN,
        &DOCKER28_PORT_CONTAINER_INSPECT,
        &DOCKER28_PORT_CONTAINER_RM,
    ],
    image_inspect: &DOCKER28_IMAGE_INSPECT,
    exited_inspect: &DOCKER28_EXITED_INSPECT,
    not_running_kill: &DOCKER28_NOT_RUNNING_KILL,
    killed: [
        &DOCKER28_KILLED_WAIT,
        &DOCKER28_KILLED_INSPECT,
        &DOCKER28_KILLED_RM,
    ],
};

const PODMAN: Cli = Cli {
    tag: "podman",
    runtime: Runtime::Podman,
    down_inspect: &PODMAN_DOWN_INSPECT,
    down_ps: &PODMAN_DOWN_PS,
    down_run: &PODMAN_DOWN_RUN,
    denied_inspect: &PODMAN_DENIED_INSPECT,
    denied_ps: &PODMAN_DENIED_PS,
    down_logs: &PODMAN_DOWN_LOGS,
    denied_logs: &PODMAN_DENIED_LOGS,
    missing_logs: &PODMAN_MISSING_LOGS,
    missing_inspect: &PODMAN_MISSING_INSPECT,
    ambiguous_inspect: &PODMAN_AMBIGUOUS_INSPECT,
    missing_rm: &PODMAN_MISSING_RM,
    running_inspect: &PODMAN_RUNNING_INSPECT,
    running_ps: &PODMAN_RUNNING_PS,
    name_in_use_run: &PODMAN_NAME_IN_USE_RUN,
    port_foreign: [
        &PODMAN_PORT_FOREIGN_RUN,
        &PODMAN_PORT_FOREIGN_INSPECT,
        &PODMAN_PORT_FOREIGN_RM,
    ],
    port_container: [
        &PODMAN_PORT_CONTAINER_RUN,
        &PODMAN_PORT_CONTAINER_INSPECT,
        &PODMAN_PORT_CONTAINER_RM,
    ],
    image_inspect: &PODMAN_IMAGE_INSPECT,
    exited_inspect: &PODMAN_EXITED_INSPECT,
    not_running_kill: &PODMAN_NOT_RUNNING_KILL,
    killed: [
        &PODMAN_KILLED_WAIT,
        &PODMAN_KILLED_INSPECT,
        &PODMAN_KILLED_RM,
    ],
};

const ALL: [&Cli; 3] = [&DOCKER20, &DOCKER28, &PODMAN];

impl Cli {
    fn program(&self) -> &'static str {
        self.runtime.as_str()
    }

    /// The name the recordings used for the container `what` (`web`, `port`, …).
    fn container(&self, what: &str) -> String {
        format!("replay-{}-{what}", self.tag)
    }

    /// A runner on the replay, without log files: the recordings are the engine's answers
    /// alone.
    fn runner(&self, replay: &Arc<Replay>) -> ContainerRunner {
        ContainerRunner::with_executor(self.runtime, replay.clone()).with_logs(no_log_files())
    }
}

/// The container arguments the replay checks are names made at run time; the replay wants
/// `&'static str` (it outlives any one test), so they are leaked: a few bytes per test.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The verbs that begin with `container inspect NAME`, to find the container.
type Verb = fn(&dyn SessionBackend, &SessionName) -> Result<()>;
/// `logs` of a container that printed nothing: exit 0, no output (what both runtimes answer
/// then; not a recording).
const NO_OUTPUT: Recording = Recording {
    code: Some(0),
    stdout: b"",
    stderr: b"",
};

const VERBS_THAT_INSPECT_FIRST: [(&str, Verb); 6] = [
    ("status", |b, n| b.status(n).map(drop)),
    ("start", |b, n| b.start(&web_config(n.as_str())).map(drop)),
    ("stop", |b, n| b.stop(n, &StopOptions::default()).map(drop)),
    ("follow", |b, n| {
        b.follow(n, &LogOptions::default(), &mut Vec::new())
    }),
    ("attach", |b, n| b.attach(n)),
    ("exec", |b, n| {
        b.exec(n, &Command::parse("echo hi").expect("a valid command"))
    }),
];

/// `logs` through a CLI: of a name that cannot be an ID prefix it asks `logs NAME` at once,
/// the lookup and the lines in one call; of any other name it inspects first.
const LOGS: Verb = |b, n| b.logs(n, &LogOptions::default()).map(drop);

fn web_config(name: &str) -> crate::ops::SessionConfig {
    session(
        name,
        BackendType::Container,
        SessionOptions::default()
            .image("kstlib-test/busybox:1")
            .command("sleep 600"),
    )
}

/// Every verb, with `inspect` (`logs`: its `logs NAME`) answered by `answer` (`logs`),
/// fails with `message` and `code`; `variant` checks the error's type.
fn every_verb_fails(
    cli: &Cli,
    answers: [&'static Recording; 2],
    target: &str,
    message: &str,
    code: u8,
    variant: fn(&Error) -> bool,
) {
    let [inspect, logs] = answers;
    for (verb, call) in VERBS_THAT_INSPECT_FIRST {
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", leak(target.to_owned())],
                inspect,
            )
            .shared();
        let err = failure(call(&cli.runner(&replay), &name(target)), message, code);
        assert!(variant(&err), "{} {verb}: {err:?}", cli.tag);
    }
    let replay = Replay::new().then(cli.program(), &["logs"], logs).shared();
    let err = failure(LOGS(&cli.runner(&replay), &name(target)), message, code);
    assert!(variant(&err), "{} logs: {err:?}", cli.tag);
}

const DOCKER_DOWN: &str = "docker cannot be used: Cannot connect to the Docker daemon at \
                           unix:///nonexistent.sock. Is the docker daemon running?";
const PODMAN_DOWN: &str = "podman cannot be used: Cannot connect to Podman. Please verify \
                           your connection to the Linux system using `podman system connection \
                           list`, or try `podman machine init` and `podman machine start` to \
                           manage a new Linux VM";

#[test]
fn engine_down_is_unavailable_for_every_verb() {
    for (cli, message) in [
        (&DOCKER20, DOCKER_DOWN),
        (&DOCKER28, DOCKER_DOWN),
        (&PODMAN, PODMAN_DOWN),
    ] {
        // Docker prints `[]` on stdout even then: stderr must decide.
        every_verb_fails(
            cli,
            [cli.down_inspect, cli.down_logs],
            &cli.container("web"),
            message,
            exit::UNAVAILABLE,
            |err| matches!(err, Error::Unavailable { .. }),
        );
        let replay = Replay::new()
            .then(cli.program(), &["ps", "-a"], cli.down_ps)
            .shared();
        let err = failure(
            cli.runner(&replay).list_sessions(),
            message,
            exit::UNAVAILABLE,
        );
        assert!(
            matches!(err, Error::Unavailable { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
}

#[test]
fn podman_engine_down_keeps_the_reason_under_the_message() {
    let replay = Replay::new()
        .then("podman", &["ps", "-a"], PODMAN.down_ps)
        .shared();
    let err = PODMAN.runner(&replay).list_sessions().expect_err("down");
    assert_eq!(
        err.details(),
        [
            "Error: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": \
          dial unix /nonexistent.sock: connect: no such file or directory"
        ]
    );
}

#[test]
fn engine_gone_between_inspect_and_run_is_unavailable() {
    for (cli, message, details) in [
        (
            &DOCKER20,
            "docker cannot be used: docker: Cannot connect to the Docker daemon at \
             unix:///nonexistent.sock. Is the docker daemon running?.",
            "See 'docker run --help'.",
        ),
        (
            &DOCKER28,
            "docker cannot be used: docker: Cannot connect to the Docker daemon at \
             unix:///nonexistent.sock. Is the docker daemon running?",
            "Run 'docker run --help' for more information",
        ),
        (
            &PODMAN,
            PODMAN_DOWN,
            "Error: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": \
             dial unix /nonexistent.sock: connect: no such file or directory",
        ),
    ] {
        let web = leak(cli.container("web"));
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", web],
                cli.missing_inspect,
            )
            .then(
                cli.program(),
                &["run", "-d", "-it", "--name", web],
                cli.down_run,
            )
            .shared();
        let err = failure(
            cli.runner(&replay).start(&web_config(web)),
            message,
            exit::UNAVAILABLE,
        );
        assert!(
            matches!(err, Error::Unavailable { .. }),
            "{}: {err:?}",
            cli.tag
        );
        assert_eq!(err.details(), [details], "{}", cli.tag);
    }
}

#[test]
fn permission_denied_on_the_engine_socket_is_unavailable_for_every_verb() {
    // Docker's words name the API version it tried first: 1.24 for 20.10, 1.50 for 28.
    let docker = |version: &str, path: &str| {
        format!(
            "docker cannot be used: permission denied while trying to connect to the Docker \
             daemon socket at unix:///var/run/docker.sock: Get \
             \"http://%2Fvar%2Frun%2Fdocker.sock/v{version}/{path}\": dial unix \
             /var/run/docker.sock: connect: permission denied"
        )
    };
    for (cli, inspect, ps) in [
        (
            &DOCKER20,
            docker("1.24", "containers/replay-docker20-web/json"),
            docker("1.24", "containers/json?all=1"),
        ),
        (
            &DOCKER28,
            docker("1.50", "containers/replay-docker28-web/json"),
            docker("1.50", "containers/json?all=1"),
        ),
        (&PODMAN, PODMAN_DOWN.to_owned(), PODMAN_DOWN.to_owned()),
    ] {
        every_verb_fails(
            cli,
            [cli.denied_inspect, cli.denied_logs],
            &cli.container("web"),
            &inspect,
            exit::UNAVAILABLE,
            |err| matches!(err, Error::Unavailable { .. }),
        );
        let replay = Replay::new()
            .then(cli.program(), &["ps", "-a"], cli.denied_ps)
            .shared();
        let err = failure(cli.runner(&replay).list_sessions(), &ps, exit::UNAVAILABLE);
        assert!(
            matches!(err, Error::Unavailable { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
    // Podman's first line is the same as when its service is down; the next one says why.
    let replay = Replay::new()
        .then("podman", &["ps", "-a"], PODMAN.denied_ps)
        .shared();
    let err = PODMAN.runner(&replay).list_sessions().expect_err("denied");
    assert_eq!(
        err.details(),
        [
            "Error: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": \
          dial unix /tmp/replay-rec/podman.sock: connect: permission denied"
        ]
    );
}

#[test]
fn no_such_container_is_session_not_found_for_every_verb_but_start() {
    for cli in ALL {
        let nosuch = cli.container("nosuch");
        let inspected = VERBS_THAT_INSPECT_FIRST.into_iter().map(|(verb, call)| {
            let answer = (["container", "inspect"], cli.missing_inspect);
            (verb, call, answer)
        });
        let logged = [("logs", LOGS, (["logs", "--tail"], cli.missing_logs))];
        for (verb, call, (args, answer)) in inspected.chain(logged) {
            if verb == "start" {
                continue;
            }
            let args = match cli.runtime {
                // Podman's `logs` has no `--tail` here: its tail counts the streams apart.
                Runtime::Podman if verb == "logs" => &args[..1],
                _ => &args[..],
            };
            let replay = Replay::new().then(cli.program(), args, answer).shared();
            let err = failure(
                call(&cli.runner(&replay), &name(&nosuch)),
                &format!("container session '{nosuch}' not found"),
                exit::NOT_FOUND,
            );
            assert!(
                matches!(
                    err,
                    Error::SessionNotFound {
                        backend: Some(BackendType::Container),
                        ..
                    }
                ),
                "{} {verb}: {err:?}",
                cli.tag
            );
        }
    }
}

#[test]
fn logs_of_a_container_found_then_removed_is_session_not_found() {
    // The lookup found it, so `logs` asks for its ID at once (one CLI process, not an
    // inspect first); removed meanwhile, it is not found, which sends `kstlib ops logs`
    // to the output it saved.
    let gone = [
        (&DOCKER20, &DOCKER20_GONE_LOGS),
        (&DOCKER28, &DOCKER28_GONE_LOGS),
        (&PODMAN, &PODMAN_GONE_LOGS),
    ];
    for (cli, answer) in gone {
        let name = cli.container("gone");
        let id = leak(format!("{name}-id"));
        let mut found =
            crate::ops::SessionStatus::new(&name, SessionState::Running, BackendType::Container);
        found.id = Some(id.to_owned());
        let replay = Replay::new()
            .then(cli.program(), &["logs"], answer)
            .shared();
        let err = failure(
            cli.runner(&replay)
                .logs_of_found(&found, &LogOptions::default()),
            &format!("container session '{name}' not found"),
            exit::NOT_FOUND,
        );
        assert!(
            matches!(err, Error::SessionNotFound { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
}

#[test]
fn an_id_prefix_of_several_containers_is_no_container_of_that_name() {
    // A tmux session `a` is looked for among containers too; Podman failed the lookup
    // ("more than one result") and every command warned that Podman could not be used.
    for cli in ALL {
        // `a` may be an ID prefix: `logs` looks it up first too.
        let verbs = VERBS_THAT_INSPECT_FIRST.into_iter().chain([("logs", LOGS)]);
        for (verb, call) in verbs {
            if verb == "start" {
                continue;
            }
            let replay = Replay::new()
                .then(
                    cli.program(),
                    &["container", "inspect", "a"],
                    cli.ambiguous_inspect,
                )
                .shared();
            let err = failure(
                call(&cli.runner(&replay), &name("a")),
                "container session 'a' not found",
                exit::NOT_FOUND,
            );
            assert!(
                matches!(err, Error::SessionNotFound { .. }),
                "{} {verb}: {err:?}",
                cli.tag
            );
        }
    }
}

#[test]
fn stop_with_rm_of_a_container_removed_meanwhile_succeeds() {
    // `rm` says "No such container": it is gone, which is what stop --rm wants.
    for cli in ALL {
        let exited = leak(cli.container("exited"));
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", exited],
                cli.exited_inspect,
            )
            .then(cli.program(), &["rm", exited], cli.missing_rm)
            .shared();
        let options = StopOptions {
            removal: Removal::Remove,
            ..StopOptions::default()
        };
        let report = cli
            .runner(&replay)
            .stop(&name(exited), &options)
            .expect("stopped");
        assert_eq!(
            (report.method, report.exit_code, report.removed),
            (StopMethod::AlreadyExited, Some(3), true),
            "{}",
            cli.tag
        );
    }
}

#[test]
fn name_in_use_at_run_is_session_exists() {
    // The name was free when kstlib looked, and taken when the runtime created it (a race).
    for cli in ALL {
        let dup = leak(cli.container("dup"));
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", dup],
                cli.missing_inspect,
            )
            .then(
                cli.program(),
                &["run", "-d", "-it", "--name", dup],
                cli.name_in_use_run,
            )
            .shared();
        let err = failure(
            cli.runner(&replay).start(&web_config(dup)),
            &format!("{} session '{dup}' already exists", cli.runtime),
            exit::FAILED,
        );
        assert!(
            matches!(err, Error::SessionExists { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
}

#[test]
fn a_running_container_of_that_name_is_session_exists_before_run() {
    for cli in ALL {
        let web = leak(cli.container("web"));
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", web],
                cli.running_inspect,
            )
            .shared();
        let err = failure(
            cli.runner(&replay).start(&web_config(web)),
            &format!("{} session '{web}' already exists", cli.runtime),
            exit::FAILED,
        );
        assert!(
            matches!(err, Error::SessionExists { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
}

/// `start` of a session publishing `port`, whose `run` fails with `answers[0]`; the
/// container left behind (`answers[1]`) is removed (`answers[2]`).
fn start_with_port_taken(cli: &Cli, port: &str, answers: [&'static Recording; 3]) -> Error {
    let name = leak(cli.container("port"));
    let replay = Replay::new()
        .then(
            cli.program(),
            &["container", "inspect", name],
            cli.missing_inspect,
        )
        .then(
            cli.program(),
            &["run", "-d", "-it", "--name", name],
            answers[0],
        )
        .then(cli.program(), &["container", "inspect", name], answers[1])
        .then(cli.program(), &["rm", name], answers[2])
        .then(
            cli.program(),
            &["image", "inspect", "kstlib-test/busybox:1"],
            cli.image_inspect,
        )
        .shared();
    let config = session(
        name,
        BackendType::Container,
        SessionOptions::default()
            .image("kstlib-test/busybox:1")
            .command("sleep 600")
            .port(port),
    );
    cli.runner(&replay)
        .start(&config)
        .expect_err("the port is taken")
}

#[test]
fn port_in_use_is_a_failed_start_with_the_runtime_words() {
    let start = "failed to start container session";
    for (cli, port, answers, message) in [
        (
            &DOCKER20,
            "127.0.0.1:18931:80",
            DOCKER20.port_foreign,
            format!(
                "{start} 'replay-docker20-port': docker: Error response from daemon: driver \
                 failed programming external connectivity on endpoint replay-docker20-port \
                 (c2c11d93d5ce0fad5e322ad2128d1ee0e394bc487cba6d7360074bdd8a4cbf79): Error \
                 starting userland proxy: listen tcp4 127.0.0.1:18931: bind: address already \
                 in use."
            ),
        ),
        (
            &DOCKER20,
            "127.0.0.1:18932:80",
            DOCKER20.port_container,
            format!(
                "{start} 'replay-docker20-port': docker: Error response from daemon: driver \
                 failed programming external connectivity on endpoint replay-docker20-port \
                 (3b1ca435f71bf3aefd20208cb9d0b619e02301cee85b50abe93a6ea4ba031d05): Bind for \
                 127.0.0.1:18932 failed: port is already allocated."
            ),
        ),
        (
            &DOCKER28,
            "127.0.0.1:18931:80",
            DOCKER28.port_foreign,
            format!(
                "{start} 'replay-docker28-port': docker: Error response from daemon: driver \
                 failed programming external connectivity on endpoint replay-docker28-port \
                 (c41a5c994de1a97cdb00ba483f9a7c5713f3b5f8085e061bd3bb7db870b39b50): Error \
                 starting userland proxy: listen tcp4 127.0.0.1:18931: bind: address already \
                 in use"
            ),
        ),
        (
            &DOCKER28,
            "127.0.0.1:18932:80",
            DOCKER28.port_container,
            format!(
                "{start} 'replay-docker28-port': docker: Error response from daemon: driver \
                 failed programming external connectivity on endpoint replay-docker28-port \
                 (69b3213857324edf1a747e23448498c61cf53b8212c4b9f03080e2fdd807da93): Bind for \
                 127.0.0.1:18932 failed: port is already allocated"
            ),
        ),
        (
            &PODMAN,
            "127.0.0.1:18931:80",
            PODMAN.port_foreign,
            format!(
                "{start} 'replay-podman-port': Error: cannot listen on the TCP port: listen \
                 tcp4 127.0.0.1:18931: bind: address already in use"
            ),
        ),
        (
            &PODMAN,
            "127.0.0.1:18932:80",
            PODMAN.port_container,
            format!(
                "{start} 'replay-podman-port': Error: cannot listen on the TCP port: listen \
                 tcp4 127.0.0.1:18932: bind: address already in use"
            ),
        ),
    ] {
        let err = start_with_port_taken(cli, port, answers);
        assert_eq!(err.to_string(), message, "{}", cli.tag);
        assert_eq!(exit::code(err.kind()), exit::FAILED, "{}", cli.tag);
        // Not a taken name: the container this `run` created was removed, not reported.
        assert!(
            matches!(err, Error::SessionStart { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
}

#[test]
fn attach_and_exec_on_an_exited_container_are_not_running() {
    for cli in ALL {
        let exited = cli.container("exited");
        for (verb, call) in [
            ("attach", VERBS_THAT_INSPECT_FIRST[4].1),
            ("exec", VERBS_THAT_INSPECT_FIRST[5].1),
        ] {
            let mut replay = Replay::new().then(
                cli.program(),
                &["container", "inspect", leak(exited.clone())],
                cli.exited_inspect,
            );
            // Attach reports the last lines of what ended.
            if verb == "attach" {
                replay = replay.then(cli.program(), &["logs"], &NO_OUTPUT);
            }
            let replay = replay.shared();
            let err = failure(
                call(&cli.runner(&replay), &name(&exited)),
                &format!("container session '{exited}' is not running (exit code 3)"),
                exit::FAILED,
            );
            assert!(
                matches!(err, Error::NotRunning { .. }),
                "{} {verb}: {err:?}",
                cli.tag
            );
        }
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", leak(exited.clone())],
                cli.exited_inspect,
            )
            .shared();
        let command = Command::parse("echo hi").expect("a valid command");
        let err = failure(
            cli.runner(&replay).exec_output(&name(&exited), &command),
            &format!("container session '{exited}' is not running (exit code 3)"),
            exit::FAILED,
        );
        assert!(
            matches!(err, Error::NotRunning { .. }),
            "{}: {err:?}",
            cli.tag
        );
    }
}

#[test]
fn stop_of_a_container_that_exits_before_the_kill_is_graceful() {
    // The program ended between kstlib's inspect and its kill: "is not running" (Docker),
    // "can only kill running containers" (Podman) is what stop wanted, not a failure.
    for cli in ALL {
        let web = leak(cli.container("web"));
        let [wait, inspect, rm] = cli.killed;
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", web],
                cli.running_inspect,
            )
            .then(
                cli.program(),
                &["kill", "--signal", "SIGTERM", web],
                cli.not_running_kill,
            )
            .then(cli.program(), &["wait", web], wait)
            .then(cli.program(), &["container", "inspect", web], inspect)
            .then(cli.program(), &["rm", web], rm)
            .shared();
        let report = cli
            .runner(&replay)
            .stop(&name(web), &StopOptions::default())
            .expect("stopped");
        assert_eq!(
            (
                report.method,
                report.signal.as_deref(),
                report.exit_code,
                report.removed
            ),
            (StopMethod::Graceful, Some("SIGTERM"), Some(137), true),
            "{}",
            cli.tag
        );
    }
}

#[test]
fn a_running_container_reads_the_same_in_status_and_list() {
    for cli in ALL {
        let web = leak(cli.container("web"));
        let replay = Replay::new()
            .then(
                cli.program(),
                &["container", "inspect", web],
                cli.running_inspect,
            )
            .then(cli.program(), &["ps", "-a"], cli.running_ps)
            .shared();
        let runner = cli.runner(&replay);
        let status = runner.status(&name(web)).expect("status");
        let listed = runner.list_sessions().expect("list");
        assert_eq!(listed.len(), 1, "{}", cli.tag);
        for found in [&status, &listed[0]] {
            assert_eq!(
                (
                    found.name.as_str(),
                    found.state,
                    found.origin,
                    found.runtime
                ),
                (
                    web,
                    SessionState::Running,
                    Origin::Managed,
                    Some(cli.runtime)
                ),
                "{}",
                cli.tag
            );
            assert_eq!(found.id, status.id, "{}", cli.tag);
        }
        assert!(status.pid.is_some(), "{}: inspect has the PID", cli.tag);
    }
}

#[test]
fn runtime_missing_is_runtime_not_found_for_every_verb() {
    for runtime in Runtime::ALL {
        let inspected = VERBS_THAT_INSPECT_FIRST
            .into_iter()
            .map(|(verb, call)| (verb, call, &["container", "inspect", "replay-web"][..]));
        for (verb, call, args) in inspected.chain([("logs", LOGS, &["logs"][..])]) {
            let replay = Replay::new().then_missing(runtime.as_str(), args).shared();
            let runner = ContainerRunner::with_executor(runtime, replay.clone());
            let err = failure(
                call(&runner, &name("replay-web")),
                &format!("container runtime '{runtime}' not found in PATH"),
                exit::UNAVAILABLE,
            );
            assert!(
                matches!(err, Error::ContainerRuntimeNotFound { .. }),
                "{runtime} {verb}: {err:?}"
            );
        }
    }
}

#[test]
fn a_hung_engine_is_unavailable() {
    for runtime in Runtime::ALL {
        let replay = Replay::new()
            .then_hung(runtime.as_str(), &["container", "inspect", "replay-web"])
            .shared();
        let runner = ContainerRunner::with_executor(runtime, replay.clone());
        let err = runner.status(&name("replay-web")).expect_err("hung");
        assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
        assert_eq!(exit::code(err.kind()), exit::UNAVAILABLE);
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "{runtime} cannot be used: `{runtime} container inspect replay-web` did not \
                 answer within "
            )),
            "{message}"
        );
    }
}

#[test]
fn podman_without_access_to_its_storage_is_unavailable() {
    let replay = Replay::new()
        .then("podman", &["ps", "-a"], &PODMAN_DENIED_LOCAL_PS)
        .shared();
    let runner = ContainerRunner::with_executor(Runtime::Podman, replay.clone());
    let err = failure(
        runner.list_sessions(),
        "podman cannot be used: Error: creating runtime static files directory: mkdir /var/lib/containers/storage: permission denied",
        exit::UNAVAILABLE,
    );
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
}
