//! Sessions on a second machine: a real sshd on loopback in a mount namespace of its own
//! (see `SshHost`), reached through `ops.hosts`, as a user of several machines drives it.

use std::time::{Duration, Instant};

use std::ffi::OsStr;

use crate::env::{Rt, SshHost, TestEnv, test_image};
use crate::{on_both_runtimes, require_runtime, require_tmux};

/// A test environment with the remote host `vps1` declared (and `more` hosts, from
/// [`SshHost::host_yaml`]), and `sessions`.
fn setup_with(more: &str, sessions: &str) -> Option<(TestEnv, SshHost)> {
    let host = SshHost::start()?;
    let env = TestEnv::new();
    env.redact_as(&host.ssh_config().display().to_string(), "[SSH_CONFIG]");
    let hosts = host.host_yaml("vps1", "kst-remote", "") + &more.replace("{SSH}", "");
    env.write_config(&format!("ops:\n  hosts:\n{hosts}  sessions:\n{sessions}"));
    Some((env, host))
}

/// The config `env` has, with `sessions` added.
fn env_config_with(env: &TestEnv, sessions: &str) -> String {
    let path = env.cwd.join("kstlib.conf.yml");
    std::fs::read_to_string(path).expect("config") + sessions
}

fn setup(sessions: &str) -> Option<(TestEnv, SshHost)> {
    setup_with("", sessions)
}

/// A declared tmux session `name` on `host` running `command`.
fn session(name: &str, host: &str, command: &str) -> String {
    format!(
        "    {name}:\n      host: {host}\n      command: {}\n",
        serde_json::Value::from(command)
    )
}

const TICKER: &str = "sh -c 'echo hello from afar; trap \"echo bye; exit 0\" INT; \
                      while :; do sleep 0.2; done'";

#[test]
fn a_tmux_session_runs_on_the_remote_host_and_keeps_its_log_there() {
    require_tmux!();
    let Some((env, host)) = setup(&session("far", "vps1", TICKER)) else {
        return;
    };
    let started = env.ops(&["start", "far"]);
    insta::assert_snapshot!(started, @"
    exit: 0
    --- stdout
    Session 'far' started (tmux on vps1, pid [PID]).
    --- stderr
    [EOF]
    ");
    // On the remote host's own tmux server, not on this machine's.
    assert_eq!(host.tmux_sessions("default"), ["far"]);
    assert!(env.tmux_sessions(None).is_empty());
    let status = env.ops(&["status", "far", "--json"]);
    status.success();
    let json = status.json();
    assert_eq!(json["host"], "vps1");
    assert_eq!(json["state"], "running");
    assert_eq!(json["socket_path"], serde_json::Value::Null);
    env.wait_for("the first line in the log", || {
        env.ops(&["logs", "far"]).stdout.contains("hello from afar")
    });
    insta::assert_snapshot!(env.ops(&["logs", "far", "-n", "1"]), @"
    exit: 0
    --- stdout
    hello from afar
    --- stderr
    [EOF]
    ");
    // The log file is on the remote host.
    let log = host
        .home()
        .join(".local/state/kstlib/logs/tmux/default/far.log");
    assert!(log.is_file(), "{}", log.display());
    insta::assert_snapshot!(env.ops(&["stop", "far"]), @"
    exit: 0
    --- stdout
    Session 'far' stopped on SIGINT in [TIME] (exit code 0).
    --- stderr
    [EOF]
    ");
    assert!(host.tmux_sessions("default").is_empty());
    // Gone, and its log still read there.
    insta::assert_snapshot!(env.ops(&["logs", "far"]), @"
    exit: 0
    --- stdout
    hello from afar
    bye
    [kstlib] exited with code 0 at [TIMESTAMP]
    --- stderr
    note: session 'far' is not running; this is its log on vps1 (~/.local/state/kstlib/logs/tmux/default/far.log), last written [TIMESTAMP].
    [EOF]
    ");
}

#[test]
fn logs_follow_streams_from_the_remote_host_until_the_program_ends() {
    require_tmux!();
    let command = "sh -c 'for i in 1 2 3; do echo line $i; sleep 0.4; done; exit 4'";
    let Some((env, _host)) = setup(&session("talker", "vps1", command)) else {
        return;
    };
    env.ops(&["start", "talker"]).success();
    let started = Instant::now();
    let followed = env.ops(&["logs", "talker", "--follow"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it ended with the program"
    );
    insta::assert_snapshot!(followed, @"
    exit: 0
    --- stdout
    line 1
    line 2
    line 3
    --- stderr
    [EOF]
    ");
    // Exactly the last -n lines, then what comes.
    let command = "sh -c 'echo old1; echo old2; echo old3; sleep 2; echo new'";
    env.write_config(&env_config_with(&env, &session("later", "vps1", command)));
    env.ops(&["start", "later"]).success();
    env.wait_for("the old lines", || {
        env.ops(&["logs", "later"]).stdout.contains("old3")
    });
    insta::assert_snapshot!(env.ops(&["logs", "later", "-f", "-n", "1"]), @"
    exit: 0
    --- stdout
    old3
    new
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["status", "talker", "-q"]), @"
    exit: 0
    --- stdout
    talker: exited
    --- stderr
    [EOF]
    ");
}

#[test]
fn attach_reaches_the_remote_session_through_ssh_with_a_terminal() {
    require_tmux!();
    let command = "sh -c 'while :; do echo far and alive; sleep 0.3; done'";
    let Some((env, _host)) = setup(&session("inner", "vps1", command)) else {
        return;
    };
    env.ops(&["start", "inner"]).success();
    let terminal = env.terminal(
        "harness",
        &[env!("CARGO_BIN_EXE_kstlib"), "ops", "attach", "inner"],
    );
    env.wait_for("the program's output", || {
        terminal.screen().contains("far and alive")
    });
    terminal.keys(&["C-b", "d"]);
    env.wait_for("the detach", || terminal.ended());
    assert_eq!(
        env.ops(&["status", "inner", "-q"]).stdout,
        "inner: running\n"
    );
}

fn containers_run_on_the_remote_host(rt: Rt) {
    let Some(host) = SshHost::start() else {
        return;
    };
    let env = TestEnv::on(rt);
    let name = env.name("farweb");
    env.write_config(&format!(
        "ops:\n  hosts:\n{}  sessions:\n    {name}:\n      host: vps1\n      backend: container\n      \
         runtime: {rt}\n      image: {}\n      env: {{API_TOKEN: s3cret}}\n      \
         command: [sh, -c, 'echo token=$API_TOKEN; trap \"exit 0\" TERM; while :; do sleep 0.2; done']\n",
        host.host_yaml("vps1", "kst-remote", ""),
        test_image()
    ));
    insta::assert_snapshot!(env.ops(&["start", &name]), @"
    exit: 0
    --- stdout
    Session '[NAME:farweb]' started ([RT] on vps1, pid [PID]).
    --- stderr
    [EOF]
    ");
    let status = env.ops(&["status", &name, "--json"]);
    let json = status.json();
    assert_eq!(json["host"], "vps1");
    assert_eq!(json["runtime"], rt.as_str());
    // The secret went through ssh's stdin, never on a command line: it is in the container.
    let inspect = env.inspect(rt, &name).expect("the container exists");
    let vars = inspect["Config"]["Env"].to_string();
    assert!(vars.contains("API_TOKEN=s3cret"), "{vars}");
    env.wait_for("its output", || {
        env.ops(&["logs", &name]).stdout.contains("token=s3cret")
    });
    insta::assert_snapshot!(env.ops(&["stop", &name]), @"
    exit: 0
    --- stdout
    Session '[NAME:farweb]' stopped on SIGTERM in [TIME] (exit code 0).
    --- stderr
    [EOF]
    ");
    assert!(env.inspect(rt, &name).is_none(), "removed");
}

fn container_logs_follow_and_exec_go_through_ssh(rt: Rt) {
    let Some(host) = SshHost::start() else {
        return;
    };
    let env = TestEnv::on(rt);
    let name = env.name("fartalk");
    env.write_config(&format!(
        "ops:\n  hosts:\n{}  sessions:\n    {name}:\n      host: vps1\n      backend: container\n      \
         runtime: {rt}\n      image: {}\n      \
         command: [sh, -c, 'for i in 1 2 3; do echo c$i; sleep 0.4; done; sleep 1']\n",
        host.host_yaml("vps1", "kst-remote", ""),
        test_image()
    ));
    env.ops(&["start", &name]).success();
    insta::assert_snapshot!(env.ops(&["exec", &name, "--", "echo", "it's", "$HOME"]), @"
    exit: 0
    --- stdout
    it's $HOME
    --- stderr
    [EOF]
    ");
    let started = Instant::now();
    let followed = env.ops(&["logs", &name, "--follow"]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "it ended with the container"
    );
    insta::assert_snapshot!(followed, @"
    exit: 0
    --- stdout
    c1
    c2
    c3
    --- stderr
    [EOF]
    ");
}

on_both_runtimes!(
    containers_run_on_the_remote_host,
    container_logs_follow_and_exec_go_through_ssh
);

#[test]
fn list_asks_every_host_and_says_where_each_session_is() {
    require_tmux!();
    let sessions = session("here", "local", "sleep 300") + &session("there", "vps1", "sleep 300");
    let Some((env, _host)) = setup(&sessions) else {
        return;
    };
    env.ops(&["up"]).success();
    let ours = |line: &str| {
        ["NAME", "here", "there"]
            .iter()
            .any(|w| line.starts_with(w))
    };
    insta::assert_snapshot!(env.ops(&["list", "--backend", "tmux"]).stdout_lines(ours), @"
    exit: 0
    --- stdout
    NAME   HOST  STATE    BACKEND  PID    CREATED  ORIGIN
    here   -     running  tmux     [PID]  [AGO]    config
    there  vps1  running  tmux     [PID]  [AGO]    config
    --- stderr
    [EOF]
    ");
    let json = env.ops(&["list", "--json", "--backend", "tmux"]).json();
    let hosts: Vec<(String, serde_json::Value)> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| {
            (
                row["name"].as_str().unwrap_or("").to_owned(),
                row["host"].clone(),
            )
        })
        .collect();
    assert!(
        hosts.contains(&("here".to_owned(), serde_json::Value::Null)),
        "{hosts:?}"
    );
    assert!(
        hosts.contains(&("there".to_owned(), "vps1".into())),
        "{hosts:?}"
    );
    insta::assert_snapshot!(env.ops(&["list", "--host", "vps1", "-q", "--backend", "tmux"]), @"
    exit: 0
    --- stdout
    there
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["list", "--host", "local", "-q", "--backend", "tmux"]), @"
    exit: 0
    --- stdout
    here
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["down", "--host", "vps1"]), @"
    exit: 0
    --- stdout
    there: stopped
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["list", "-q", "--backend", "tmux"]), @"
    exit: 0
    --- stdout
    here
    there
    --- stderr
    [EOF]
    ");
}

#[test]
fn a_host_that_does_not_answer_or_refuses_the_key_is_a_warning_in_list_and_exit_5_elsewhere() {
    require_tmux!();
    let Some(host) = SshHost::start() else {
        return;
    };
    let env = TestEnv::new();
    env.redact_as(&format!("port {}:", host.closed_port), "port [PORT]:");
    env.write_config(&format!(
        "ops:\n  hosts:\n{}{}{}{}{}  sessions:\n{}{}{}",
        host.host_yaml("vps1", "kst-remote", ""),
        host.host_yaml("badkey", "kst-wrongkey", ""),
        host.host_yaml("hung", "kst-hung", ""),
        host.host_yaml("closed", "kst-closed", ""),
        host.host_yaml("loud", "kst-loud", ""),
        session("there", "vps1", "sleep 300"),
        session("here", "local", "sleep 300"),
        session("far", "closed", "sleep 300"),
    ));
    env.ops(&["start", "there"]).success();
    // up and down ask only the hosts of their sessions: a host that is down elsewhere
    // neither slows them nor warns.
    insta::assert_snapshot!(env.ops(&["up", "here", "there"]), @"
    exit: 0
    --- stdout
    here: started
    there: running
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["down", "here"]), @"
    exit: 0
    --- stdout
    here: stopped
    --- stderr
    [EOF]
    ");
    // A session whose host does not answer is not said to be down.
    insta::assert_snapshot!(env.ops(&["down", "far"]), @"
    exit: 1
    --- stdout
    far: failed: host 'closed' cannot be used: ssh: connect to host 127.0.0.1 port [PORT]: Connection refused
    --- stderr
    warning: host 'closed' cannot be used: ssh: connect to host 127.0.0.1 port [PORT]: Connection refused
    [EOF]
    ");
    // --host: the sessions declared there; one declared elsewhere is refused by name.
    insta::assert_snapshot!(env.ops(&["up", "--host", "vps1"]), @"
    exit: 0
    --- stdout
    there: running
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["down", "--host", "vps1", "here"]), @"
    exit: 4
    --- stdout
    --- stderr
    error: session 'here' not found
    hint: `kstlib ops list` shows the sessions that exist
    note: 'here' is declared on host 'local', not 'vps1'; up and down act where a session is declared
    [EOF]
    ");
    let started = Instant::now();
    let list = env.ops(&["list", "--backend", "tmux"]);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(6),
        "bounded by the connect timeout: {took:?}"
    );
    insta::assert_snapshot!(list, @"
    exit: 0
    --- stdout
    NAME   HOST    STATE    BACKEND  PID    CREATED  ORIGIN
    there  vps1    running  tmux     [PID]  [AGO]    config
    here   -       defined  tmux     -      -        config
    far    closed  defined  tmux     -      -        config
    --- stderr
    warning: host 'badkey' cannot be used: root@127.0.0.1: Permission denied (publickey).
    warning: host 'hung' cannot be used: Connection timed out during banner exchange
    warning: host 'closed' cannot be used: ssh: connect to host 127.0.0.1 port [PORT]: Connection refused
    warning: host 'loud' cannot be used: root@127.0.0.1: Permission denied (publickey).
    [EOF]
    ");
    // Every backend of a host fails alike: one warning per host, not one per backend.
    let all = env.ops(&["list", "-q"]);
    for host in ["badkey", "hung", "closed"] {
        let warned = all.stderr.matches(&format!("host '{host}'")).count();
        assert_eq!(warned, 1, "{}", all.stderr);
    }
    insta::assert_snapshot!(env.ops(&["status", "x", "--host", "hung"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: host 'hung' cannot be used: Connection timed out during banner exchange
    hint: check that `ssh` reaches it as this user, without a prompt (keys, agent, ~/.ssh/config); kstlib runs ssh with BatchMode=yes
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["status", "x", "--host", "badkey"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: host 'badkey' cannot be used: root@127.0.0.1: Permission denied (publickey).
    hint: check that `ssh` reaches it as this user, without a prompt (keys, agent, ~/.ssh/config); kstlib runs ssh with BatchMode=yes
    [EOF]
    ");
    // The server's banner is not ssh's error.
    insta::assert_snapshot!(env.ops(&["status", "x", "--host", "loud"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: host 'loud' cannot be used: root@127.0.0.1: Permission denied (publickey).
    hint: check that `ssh` reaches it as this user, without a prompt (keys, agent, ~/.ssh/config); kstlib runs ssh with BatchMode=yes
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["status", "x", "--host", "closed"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: host 'closed' cannot be used: ssh: connect to host 127.0.0.1 port [PORT]: Connection refused
    hint: check that `ssh` reaches it as this user, without a prompt (keys, agent, ~/.ssh/config); kstlib runs ssh with BatchMode=yes
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["start", "y", "--host", "hung", "-c", "sleep 1"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: host 'hung' cannot be used: Connection timed out during banner exchange
    hint: check that `ssh` reaches it as this user, without a prompt (keys, agent, ~/.ssh/config); kstlib runs ssh with BatchMode=yes
    [EOF]
    ");
}

#[test]
fn a_name_on_two_hosts_is_ambiguous_and_host_chooses() {
    require_tmux!();
    let Some((env, host)) = setup("") else {
        return;
    };
    env.ops(&["start", "twin", "-c", "sleep 300"]).success();
    env.ops(&["start", "twin", "-c", "sleep 300", "--host", "vps1"])
        .success();
    assert_eq!(host.tmux_sessions("default"), ["twin"]);
    insta::assert_snapshot!(env.ops(&["status", "twin"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'twin' found in several places: tmux, tmux on vps1
    hint: choose one with --host (`--host local`: this machine), --backend, --runtime or --socket
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["stop", "twin", "--host", "vps1"]), @"
    exit: 0
    --- stdout
    Session 'twin' stopped on SIGINT in [TIME] (exit code 130).
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["status", "twin", "-q"]), @"
    exit: 0
    --- stdout
    twin: running
    --- stderr
    [EOF]
    ");
}

#[test]
fn host_on_the_command_line_overrides_the_session_s_host() {
    require_tmux!();
    let Some((env, host)) = setup(&session("bot", "vps1", "sleep 300")) else {
        return;
    };
    insta::assert_snapshot!(env.ops(&["start", "bot", "--host", "local"]), @"
    exit: 0
    --- stdout
    Session 'bot' started (tmux, pid [PID]).
    --- stderr
    [EOF]
    ");
    assert_eq!(env.tmux_sessions(None), ["bot"]);
    assert!(host.tmux_sessions("default").is_empty());
    insta::assert_snapshot!(env.ops(&["start", "bot", "--host", "vps9"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: unknown host 'vps9'
      |
      = help: did you mean 'vps1'?
    [EOF]
    ");
}

#[test]
fn doctor_says_of_each_host_what_it_has_or_ssh_s_first_error() {
    let Some(host) = SshHost::start() else {
        return;
    };
    let env = TestEnv::new();
    env.redact_as(&format!("port {}:", host.closed_port), "port [PORT]:");
    env.write_config(&format!(
        "ops:\n  hosts:\n{}{}{}{}  sessions:\n{}{}",
        host.host_yaml("vps1", "kst-remote", ""),
        host.host_yaml("notmux", "kst-remote", ", tmux_binary: /opt/no-tmux/tmux"),
        host.host_yaml("badkey", "kst-wrongkey", ""),
        host.host_yaml("hung", "kst-hung", ""),
        session("there", "vps1", "sleep 300"),
        session("bot", "notmux", "sleep 300"),
    ));
    let started = Instant::now();
    let doctor = env.ops(&["doctor", "--json"]);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the hosts are asked at once, each bounded by its connect timeout"
    );
    doctor.code(1);
    let checks = doctor.json();
    let hosts: Vec<String> = checks
        .as_array()
        .expect("an array")
        .iter()
        .filter(|check| check["name"] == "host")
        .map(|check| {
            format!(
                "{} {}: {}\n  hint: {}\n  needed by: {}",
                check["health"].as_str().unwrap_or("?"),
                check["host"].as_str().unwrap_or("?"),
                check["detail"].as_str().unwrap_or("?"),
                check["hint"].as_str().unwrap_or("-"),
                check["needed_by"]
            )
        })
        .collect();
    // A session on a remote host needs nothing of this machine's.
    let local_tmux = checks
        .as_array()
        .and_then(|checks| checks.iter().find(|check| check["name"] == "tmux"))
        .map(|check| check["needed_by"].clone());
    assert_eq!(local_tmux, Some(serde_json::json!([])), "{checks}");
    insta::assert_snapshot!(env.redact(&hosts.join("\n")), @r#"
    ok vps1: ssh kst-remote: has tmux, podman, docker
      hint: -
      needed by: ["there"]
    missing notmux: ssh kst-remote: has podman, docker; not found there: /opt/no-tmux/tmux
      hint: install /opt/no-tmux/tmux on notmux
      needed by: ["bot"]
    broken badkey: ssh kst-wrongkey: root@127.0.0.1: Permission denied (publickey).
      hint: check that `ssh kst-wrongkey` logs in without a prompt (kstlib runs it with BatchMode=yes: a key or your agent, and a known host key)
      needed by: []
    broken hung: ssh kst-hung: Connection timed out during banner exchange
      hint: is the host up, and is this its address? `ssh kst-hung true` should answer within its connect_timeout (2 s)
      needed by: []
    "#);
    // The people's form names each host.
    let text = env
        .ops(&["doctor"])
        .stdout_lines(|line| line.contains("host "));
    insta::assert_snapshot!(text, @"
    exit: 1
    --- stdout
    ok  host vps1    ssh kst-remote: has tmux, podman, docker
    !!  host notmux  ssh kst-remote: has podman, docker; not found there: /opt/no-tmux/tmux; needed by bot
    !!  host badkey  ssh kst-wrongkey: root@127.0.0.1: Permission denied (publickey).
        hint: check that `ssh kst-wrongkey` logs in without a prompt (kstlib runs it with BatchMode=yes: a key or your agent, and a known host key)
    !!  host hung    ssh kst-hung: Connection timed out during banner exchange
        hint: is the host up, and is this its address? `ssh kst-hung true` should answer within its connect_timeout (2 s)
    --- stderr
    [EOF]
    ");
}

#[test]
fn tmux_missing_on_the_host_is_exit_5_naming_it() {
    require_tmux!();
    let Some(host) = SshHost::start() else {
        return;
    };
    let env = TestEnv::new();
    env.write_config(&format!(
        "ops:\n  hosts:\n{}  sessions:\n{}",
        host.host_yaml("vps1", "kst-remote", ", tmux_binary: /opt/no-tmux/tmux"),
        session("bot", "vps1", "sleep 300"),
    ));
    insta::assert_snapshot!(env.ops(&["start", "bot"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: host 'vps1' cannot be used: '/opt/no-tmux/tmux' is not installed there (not found on its PATH)
    hint: install it on that host, or name another program with the host's `tmux_binary` or `container_runtime` in ops.hosts
    [EOF]
    ");
}

#[test]
fn docker_host_pointing_at_another_machine_is_honoured() {
    require_runtime!(Rt::Docker);
    let Some(host) = SshHost::start() else {
        return;
    };
    // Docker's CLI runs ssh itself; this one reads the test host's client config.
    let env = TestEnv::on(Rt::Docker).with_path_prefix(host.ssh_wrapper());
    let name = env.name("viaengine");
    let engine = [("DOCKER_HOST", OsStr::new("ssh://kst-remote"))];
    let image = test_image();
    let args = [
        "start",
        &name,
        "-i",
        &image,
        "-c",
        "sleep 300",
        "--runtime",
        "docker",
    ];
    insta::assert_snapshot!(env.ops_with_env(&engine, &args), @"
    exit: 0
    --- stdout
    Session '[NAME:viaengine]' started ([RT], pid [PID]).
    --- stderr
    [EOF]
    ");
    let status = env.ops_with_env(&engine, &["status", &name, "--json"]);
    let json = status.json();
    assert_eq!(json["state"], "running");
    assert_eq!(json["host"], serde_json::Value::Null, "this machine's CLI");
    assert!(
        host.log().contains("Accepted publickey"),
        "through ssh: {}",
        host.log()
    );
    insta::assert_snapshot!(env.ops_with_env(&engine, &["stop", &name, "-t", "1"]), @"
    exit: 0
    --- stdout
    Session '[NAME:viaengine]' did not stop on SIGTERM within the timeout and was killed ([TIME]).
    --- stderr
    [EOF]
    ");
}

#[test]
fn a_remote_working_dir_is_resolved_and_checked_there() {
    require_tmux!();
    let sessions = "    home:\n      host: vps1\n      working_dir: '~'\n      command: sh -c 'pwd; sleep 300'\n    \
                    nodir:\n      host: vps1\n      working_dir: '~/no/such/dir'\n      command: sleep 300\n";
    let Some((env, host)) = setup(sessions) else {
        return;
    };
    env.ops(&["start", "home"]).success();
    // `~` is the home there (`/root`, bind-mounted from the test's directory).
    env.wait_for("its first line", || {
        env.ops(&["logs", "home"]).stdout == "/root\n"
    });
    insta::assert_snapshot!(env.ops(&["start", "nodir"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'nodir': invalid working directory '~/no/such/dir'
      --> [ROOT]/work/kstlib.conf.yml:11:20
       |
    11 |       working_dir: '~/no/such/dir'
       |                    ^^^^^^^^^^^^^^^ is not a directory on vps1
       |
       = help: create it first: tmux would silently start the session elsewhere
    [EOF]
    ");
    assert_eq!(host.tmux_sessions("default"), ["home"]);
}

#[test]
fn a_remote_container_s_relative_host_path_is_refused_at_its_line() {
    // Made absolute against this machine's config directory, it named a directory here,
    // and the engine there mounted whatever it had at that path.
    let sessions = "    far:\n      host: vps1\n      backend: container\n      image: busybox\n      \
                    volumes: ['/srv/data:/data', './cache:/cache']\n";
    let Some((env, _host)) = setup(sessions) else {
        return;
    };
    insta::assert_snapshot!(env.ops(&["start", "far"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'far': invalid volume './cache'
     --> [ROOT]/work/kstlib.conf.yml:9:16
      |
    9 |       volumes: ['/srv/data:/data', './cache:/cache']
      |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ names a directory of this machine, not of host 'vps1' where the session runs: write it as an absolute path there
    [EOF]
    ");
    insta::assert_snapshot!(
        env.ops(&["start", "adhoc", "-b", "container", "-i", "busybox", "-v", "~/d:/d", "--host", "vps1"]),
        @"
    exit: 3
    --- stdout
    --- stderr
    error: invalid volume '~/d': names a directory of this machine, not of host 'vps1' where the session runs: write it as an absolute path there
    [EOF]
    "
    );
}
