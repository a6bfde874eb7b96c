//! A broken config never locks anyone out, and a config edit never hides what runs or
//! makes a second copy of it. On real tmux (and both runtimes where a backend changes).

use crate::env::{Rt, TestEnv};
use crate::{on_both_runtimes, require_tmux};

/// Two invalid entries among valid ones.
const MIXED: &str = "ops:
  sessions:
    good:
      command: sleep 300
    bad1:
      command: sleep 300
      ports: ['99999']
    bad2:
      comand: sleep 300
    also-good:
      command: sleep 300
      socket_name: side
";

#[test]
fn two_invalid_entries_cost_those_sessions_alone() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(MIXED);
    // Both errors at once, in file order; every session listed; exit 3 until it is clean.
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 3
    --- stdout
    NAME       STATE    BACKEND  SOCKET  ORIGIN
    good       defined  tmux     -       config
    bad1       invalid  tmux     -       config
    bad2       invalid  tmux     -       config
    also-good  defined  tmux     side    config
    --- stderr
    error: session 'bad1': invalid port '99999'
     --> [ROOT]/work/kstlib.conf.yml:7:15
      |
    7 |       ports: ['99999']
      |               ^^^^^^^ port number out of range (1-65535): 99999
    error: unknown key 'comand' in session 'bad2'
     --> [ROOT]/work/kstlib.conf.yml:9:7
      |
    9 |       comand: sleep 300
      |       ^^^^^^ unknown key
      |
      = help: did you mean 'command'?
    [EOF]
    ");
    // The valid ones start; the invalid ones start nothing and say why.
    env.ops(&["start", "good"]).success();
    insta::assert_snapshot!(env.ops(&["start", "bad1"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'bad1': invalid port '99999'
     --> [ROOT]/work/kstlib.conf.yml:7:15
      |
    7 |       ports: ['99999']
      |               ^^^^^^^ port number out of range (1-65535): 99999
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["up"]), @"
    exit: 3
    --- stdout
    good: running
    bad1: invalid: its config entry is invalid
    bad2: invalid: its config entry is invalid
    also-good: started
    --- stderr
    error: session 'bad1': invalid port '99999'
     --> [ROOT]/work/kstlib.conf.yml:7:15
      |
    7 |       ports: ['99999']
      |               ^^^^^^^ port number out of range (1-65535): 99999
    error: unknown key 'comand' in session 'bad2'
     --> [ROOT]/work/kstlib.conf.yml:9:7
      |
    9 |       comand: sleep 300
      |       ^^^^^^ unknown key
      |
      = help: did you mean 'command'?
    [EOF]
    ");
    assert_eq!(env.tmux_sessions(None), ["good"]);
    assert_eq!(env.tmux_sessions(Some("side")), ["also-good"]);
    // A running one stops, whatever is wrong elsewhere in the file.
    insta::assert_snapshot!(env.ops(&["stop", "good", "-q"]), @"
    exit: 0
    --- stdout
    good: graceful
    --- stderr
    [EOF]
    ");
}

#[test]
fn what_runs_under_an_invalid_entry_is_still_seen_and_stopped() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 300\n");
    env.ops(&["start", "bot"]).success();
    // A typo while it runs in production.
    env.write_config(
        "ops:\n  sessions:\n    bot:\n      command: sleep 300\n      ports: [http]\n",
    );
    let warning = "\
warning: the config entry of session 'bot' is invalid: acting on what runs under that name
warning: session 'bot': invalid port 'http'
 --> [ROOT]/work/kstlib.conf.yml:5:15
  |
5 |       ports: [http]
  |               ^^^^ 'http' is not a port number; expected [IP:][HOST:]CONTAINER[/tcp|/udp], e.g. 8080:80 or 127.0.0.1:53:53/udp
";
    let status = env.ops(&["status", "bot", "-q"]);
    assert_eq!(
        (
            status.code,
            status.stdout.as_str(),
            env.redact(&status.stderr)
        ),
        (Some(0), "bot: running\n", warning.to_owned()),
        "{status}"
    );
    let stop = env.ops(&["stop", "bot", "-q"]);
    assert_eq!(
        (stop.code, stop.stdout.as_str(), env.redact(&stop.stderr)),
        (Some(0), "bot: graceful\n", warning.to_owned()),
        "{stop}"
    );
    assert!(env.tmux_sessions(None).is_empty());
    // Nothing runs: the entry's errors are the answer.
    insta::assert_snapshot!(env.ops(&["status", "bot"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'bot': invalid port 'http'
     --> [ROOT]/work/kstlib.conf.yml:5:15
      |
    5 |       ports: [http]
      |               ^^^^ 'http' is not a port number; expected [IP:][HOST:]CONTAINER[/tcp|/udp], e.g. 8080:80 or 127.0.0.1:53:53/udp
    [EOF]
    ");
}

#[test]
fn yaml_that_does_not_parse_leaves_read_only_commands_and_stop_working() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 300\n");
    env.ops(&["start", "bot"]).success();
    env.write_config("ops:\n  sessions:\n    bot: [\n");
    let warning = "\
warning: the config cannot be used: acting on what runs, with built-in defaults
warning: invalid YAML: while parsing a node, did not find expected node content
 --> [ROOT]/work/kstlib.conf.yml:3:11
  |
3 |     bot: [
  |          -^
  |          |
  |          while reading the list opened here
";
    let status = env.ops(&["status", "bot", "-q"]);
    assert_eq!(
        (
            status.code,
            status.stdout.as_str(),
            env.redact(&status.stderr)
        ),
        (Some(0), "bot: running\n", warning.to_owned()),
        "{status}"
    );
    let logs = env.ops(&["logs", "bot"]);
    assert_eq!(logs.code, Some(0), "{logs}");
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 3
    --- stdout
    NAME  STATE    BACKEND  PID    CREATED  ORIGIN
    bot   running  tmux     [PID]  [AGO]    managed
    --- stderr
    error: invalid YAML: while parsing a node, did not find expected node content
     --> [ROOT]/work/kstlib.conf.yml:3:11
      |
    3 |     bot: [
      |          -^
      |          |
      |          while reading the list opened here
    [EOF]
    ");
    // Starting anything is refused: what is declared cannot be known.
    for args in [
        &["start", "bot"][..],
        &["start", "other", "-c", "sleep 300"],
        &["up"],
    ] {
        let run = env.ops(args);
        assert_eq!(run.code, Some(3), "{args:?}\n{run}");
        assert!(run.stdout.is_empty(), "{args:?}\n{run}");
    }
    assert_eq!(env.tmux_sessions(None), ["bot"]);
    let stop = env.ops(&["stop", "bot", "-q"]);
    assert_eq!(
        (stop.code, stop.stdout.as_str(), env.redact(&stop.stderr)),
        (Some(0), "bot: graceful\n", warning.to_owned()),
        "{stop}"
    );
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn drift_appears_after_an_edit_and_goes_after_restart() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 300\n");
    env.ops(&["start", "bot"]).success();
    let drift = |env: &TestEnv| {
        let status = env.ops(&["status", "bot", "--json"]).json();
        let list = env.ops(&["list", "-b", "tmux", "--json"]).json();
        (status["drift"].clone(), list[0]["drift"].clone())
    };
    assert_eq!(drift(&env), (false.into(), false.into()));
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 301\n");
    assert_eq!(drift(&env), (true.into(), true.into()));
    insta::assert_snapshot!(env.ops_each(&[&["list", "-b", "tmux"], &["up"]]), @"
    $ kstlib ops list -b tmux
    exit: 0
    --- stdout
    NAME  STATE            BACKEND  PID    CREATED  ORIGIN
    bot   running (drift)  tmux     [PID]  [AGO]    config
    --- stderr
    [EOF]
    $ kstlib ops up
    exit: 0
    --- stdout
    bot: running, drifted from its config entry (`kstlib ops restart bot` applies it)
    --- stderr
    [EOF]
    ");
    env.ops(&["restart", "bot"]).success();
    assert_eq!(drift(&env), (false.into(), false.into()));
    let pid = env.ops(&["status", "bot", "--json"]).json()["pid"].clone();
    let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).expect("running");
    assert_eq!(cmdline, "sleep\u{0}301\u{0}", "the new command runs");
}

#[test]
fn a_socket_edit_under_a_running_session_never_makes_a_second_copy() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 300\n");
    env.ops(&["start", "bot"]).success();
    env.write_config(
        "ops:\n  sessions:\n    bot:\n      command: sleep 300\n      socket_name: side\n",
    );
    insta::assert_snapshot!(env.ops_each(&[&["status", "bot"], &["up"], &["start", "bot"]]), @"
    $ kstlib ops status bot
    exit: 0
    --- stdout
    Session: bot
      State    running (drift)
      Backend  tmux
      PID      [PID]
      Created  [TIMESTAMP]
      Windows  1
      Origin   config
      Drift    it no longer matches its config entry; `kstlib ops restart bot` applies it
      Detail   the config says it runs on tmux -L side
    --- stderr
    [EOF]
    $ kstlib ops up
    exit: 0
    --- stdout
    bot: running, drifted from its config entry (`kstlib ops restart bot` applies it)
    --- stderr
    [EOF]
    $ kstlib ops start bot
    exit: 1
    --- stdout
    --- stderr
    error: tmux session 'bot' already exists
    hint: stop it first with `kstlib ops stop bot`, or attach with `kstlib ops attach bot`
    [EOF]
    ");
    assert_eq!(env.tmux_sessions(None), ["bot"]);
    assert!(env.tmux_sessions(Some("side")).is_empty(), "no second copy");
    env.ops(&["stop", "bot"]).success();
    env.wait_for_server_exit(None);
    assert!(env.tmux_sessions(None).is_empty());
    // Now it starts where the entry says.
    env.ops(&["up"]).success();
    assert_eq!(env.tmux_sessions(Some("side")), ["bot"]);
}

fn a_backend_edit_under_a_running_session_never_makes_a_second_copy(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("moved");
    let image = crate::env::test_image();
    let rt_name = rt.as_str();
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      backend: container\n      runtime: {rt_name}\n      image: {image}\n      command: [sh, -c, 'trap \"exit 0\" TERM; while :; do sleep 1; done']\n"
    ));
    env.ops(&["start", &name]).success();
    // Moved to tmux in the file while the container runs.
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      command: sleep 300\n"
    ));
    let status = env.ops(&["status", &name, "--json"]).json();
    assert_eq!(
        (&status["backend"], &status["runtime"], &status["drift"]),
        (&"container".into(), &rt_name.into(), &true.into()),
        "{status}"
    );
    insta::assert_snapshot!(env.ops_each(&[&["start", &name], &["up"]]), @"
    $ kstlib ops start [NAME:moved]
    exit: 1
    --- stdout
    --- stderr
    error: [RT] session '[NAME:moved]' already exists
    hint: stop it first with `kstlib ops stop [NAME:moved]`, or attach with `kstlib ops attach [NAME:moved]`
    [EOF]
    $ kstlib ops up
    exit: 0
    --- stdout
    [NAME:moved]: running, drifted from its config entry (`kstlib ops restart [NAME:moved]` applies it)
    --- stderr
    [EOF]
    ");
    assert!(env.tmux_sessions(None).is_empty(), "no second copy on tmux");
    insta::assert_snapshot!(env.ops(&["stop", &name, "-q"]), @"
    exit: 0
    --- stdout
    [NAME:moved]: graceful
    --- stderr
    [EOF]
    ");
    assert_eq!(env.inspect(rt, &name), None, "ours, so removed");
}

on_both_runtimes!(a_backend_edit_under_a_running_session_never_makes_a_second_copy);

#[test]
fn backend_overrides_leave_out_what_means_nothing_on_the_other_backend() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(
        "ops:\n  sessions:\n    astro:\n      command: sleep 300\n      working_dir: /opt/astro\n      socket_name: bots\n",
    );
    // Container-only options for a tmux session are an error, not silently ignored.
    insta::assert_snapshot!(env.ops_each(&[
        &["start", "astro", "-b", "tmux", "-p", "8080:80"],
        &["start", "adhoc", "-c", "sleep 1", "-b", "tmux", "-i", "nginx", "-v", "/a:/b"],
        &["start", "box", "-i", "nginx", "-L", "bots"],
    ]), @"
    $ kstlib ops start astro -b tmux -p 8080:80
    exit: 3
    --- stdout
    --- stderr
    error: ports given for 'astro', which runs on tmux: that is only for containers
    [EOF]
    $ kstlib ops start adhoc -c 'sleep 1' -b tmux -i nginx -v /a:/b
    exit: 3
    --- stdout
    --- stderr
    error: an image, volumes given for 'adhoc', which runs on tmux: those are only for containers
    [EOF]
    $ kstlib ops start box -i nginx -L bots
    exit: 3
    --- stdout
    --- stderr
    error: a tmux socket given for 'box', which runs on container: that is only for tmux
    [EOF]
    ");
    assert!(env.tmux_sessions(Some("bots")).is_empty());
}

fn a_tmux_session_started_as_a_container_drops_its_host_settings(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("astro");
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      command: [sh, -c, 'pwd; exec sleep 300']\n      working_dir: /opt/astro\n      socket_name: bots\n"
    ));
    let image = crate::env::test_image();
    let run = env.ops(&[
        "start",
        &name,
        "--backend",
        "container",
        "--image",
        &image,
        "--runtime",
        rt.as_str(),
        "-q",
    ]);
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    [NAME:astro]: running
    --- stderr
    warning: session '[NAME:astro]' is declared for another backend: its working_dir and socket_name are left out
    [EOF]
    ");
    env.wait_for_stdout(&["logs", &name], "/\n");
}

on_both_runtimes!(a_tmux_session_started_as_a_container_drops_its_host_settings);

fn the_seed_container_example_runs_from_an_empty_directory(rt: Rt) {
    // Podman refuses a bind mount whose host directory is missing; Docker creates it.
    let env = TestEnv::on(rt);
    let name = env.name("astro-prod");
    let image = crate::env::test_image();
    let project = env.root().join("project");
    env.write(
        &project.join("kstlib.conf.yml"),
        &format!(
            "ops:\n  default_backend: container\n  container_runtime: {rt}\n  sessions:\n    {name}:\n      image: {image}\n      command: [sh, -c, 'echo up > /app/data/ready; echo bot > /app/logs/bot.log; exec sleep 300']\n      volumes: [\"./data:/app/data\"]\n      log_volume: \"./logs/astro:/app/logs\"\n"
        ),
    );
    let config = project.join("kstlib.conf.yml");
    let config = config.to_str().expect("utf-8");
    let run = env.run(["-v", "ops", "--config", config, "start", &name, "-q"]);
    assert_eq!(run.code, Some(0), "{run}");
    let created: Vec<String> = env
        .redact(&run.stderr)
        .lines()
        .filter(|line| line.contains("created host directory"))
        .map(|line| line.trim_start_matches(" INFO ").to_owned())
        .collect();
    assert_eq!(
        created,
        [
            "created host directory [ROOT]/project/data for volume [ROOT]/project/data:/app/data",
            "created host directory [ROOT]/project/logs/astro for volume [ROOT]/project/logs/astro:/app/logs",
        ],
        "{run}"
    );
    env.wait_for("the program's files", || {
        project.join("data/ready").is_file() && project.join("logs/astro/bot.log").is_file()
    });
    env.ops(&["--config", config, "stop", &name]).success();
}

on_both_runtimes!(the_seed_container_example_runs_from_an_empty_directory);

#[test]
fn a_hung_tmux_server_is_a_warning_naming_it_not_a_silent_wait() {
    // One tmux server that accepts and never answers made every `status` wait the full
    // backend timeout (30 s), without a word.
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "bot", "-c", "sleep 300"]).success();
    let dir = env
        .tmux_tmpdir
        .join(format!("tmux-{}", nix::unistd::getuid()));
    let _hung = crate::env::HungEngine::new(&dir);
    let timeout: &std::ffi::OsStr = "1".as_ref();
    let vars = [("KSTLIB_BACKEND_TIMEOUT", timeout)];
    let runs = [
        env.ops_with_env(&vars, &["status", "bot", "-q"]),
        env.ops_with_env(&vars, &["list", "-b", "tmux"]),
        env.ops_with_env(&vars, &["status", "nosuch"]),
    ];
    let shown: Vec<String> = runs
        .iter()
        .map(|run| env.redact(&run.to_string()))
        .collect();
    insta::assert_snapshot!(shown.join("\n"), @"
    exit: 0
    --- stdout
    bot: running
    --- stderr
    warning: tmux -L hung.sock cannot be used: `tmux -L hung.sock -u list-sessions -F …` did not answer within 1 s
    [EOF]
    exit: 0
    --- stdout
    NAME  STATE    BACKEND  PID    CREATED  ORIGIN
    bot   running  tmux     [PID]  [AGO]    managed
    --- stderr
    warning: tmux -L hung.sock cannot be used: `tmux -L hung.sock -u list-sessions -F …` did not answer within 1 s
    [EOF]
    exit: 5
    --- stdout
    --- stderr
    error: tmux -L hung.sock cannot be used: `tmux -L hung.sock -u list-sessions -F …` did not answer within 1 s
    hint: `kstlib ops doctor` checks every backend and says what to do
    [EOF]
    ");
}

#[test]
fn a_missing_working_directory_is_refused_where_it_is_written_and_keeps_the_exited_run() {
    require_tmux!();
    let env = TestEnv::new();
    let work = env.root().join("work").join("bot");
    std::fs::create_dir_all(&work).expect("mkdir");
    let config = |dir: &str| {
        format!(
            "ops:\n  sessions:\n    bot:\n      command: sh -c 'sleep 2; exit 7'\n      working_dir: {dir}\n"
        )
    };
    env.write_config(&config("bot"));
    env.ops(&["start", "bot"]).success();
    env.wait_for("exit", || {
        env.ops(&["status", "bot", "-q"]).stdout == "bot: exited\n"
    });
    // The directory goes away: tmux would start the next run in $HOME without a word.
    std::fs::remove_dir(&work).expect("rmdir");
    insta::assert_snapshot!(env.ops_each(&[&["start", "bot"], &["up"], &["list", "-b", "tmux"]]), @"
    $ kstlib ops start bot
    exit: 3
    --- stdout
    --- stderr
    error: session 'bot': invalid working directory '[ROOT]/work/bot'
     --> [ROOT]/work/kstlib.conf.yml:5:20
      |
    5 |       working_dir: bot
      |                    ^^^ is not a directory on this host
      |
      = help: create it first: tmux would silently start the session elsewhere
    [EOF]
    $ kstlib ops up
    exit: 3
    --- stdout
    bot: invalid: session 'bot': invalid working directory '[ROOT]/work/bot'
    --- stderr
    error: session 'bot': invalid working directory '[ROOT]/work/bot'
     --> [ROOT]/work/kstlib.conf.yml:5:20
      |
    5 |       working_dir: bot
      |                    ^^^ is not a directory on this host
      |
      = help: create it first: tmux would silently start the session elsewhere
    [EOF]
    $ kstlib ops list -b tmux
    exit: 0
    --- stdout
    NAME  STATE       BACKEND  CREATED  ORIGIN
    bot   exited (7)  tmux     [AGO]    config
    --- stderr
    [EOF]
    ");
    // An ad-hoc session has no file to point at: the value is named instead.
    insta::assert_snapshot!(env.ops(&["start", "adhoc", "-c", "sleep 300", "-w", "/no/such/dir"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: invalid working directory '/no/such/dir': is not a directory on this host
      |
      = help: create it first: tmux would silently start the session elsewhere
    [EOF]
    ");
    assert_eq!(
        env.tmux_sessions(None),
        ["bot"],
        "nothing started, nothing removed"
    );
}

fn a_container_without_an_image_is_refused_at_its_entry_unless_it_exists(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("noimage");
    let rt_name = rt.as_str();
    env.write_config(&format!(
        "ops:\n  sessions:\n    {name}:\n      backend: container\n      runtime: {rt_name}\n      command: sleep 300\n"
    ));
    insta::assert_snapshot!(env.ops_each(&[&["start", &name], &["up"]]), @"
    $ kstlib ops start [NAME:noimage]
    exit: 3
    --- stdout
    --- stderr
    error: container session '[NAME:noimage]' has no image
     --> [ROOT]/work/kstlib.conf.yml:3:5
      |
    3 |     [NAME:noimage]:
      |     ^^^^^^^^^^^^^^ a container needs an image
      |
      = help: give its entry an `image:`, or pass --image
    [EOF]
    $ kstlib ops up
    exit: 3
    --- stdout
    [NAME:noimage]: invalid: container session '[NAME:noimage]' has no image
    --- stderr
    error: container session '[NAME:noimage]' has no image
     --> [ROOT]/work/kstlib.conf.yml:3:5
      |
    3 |     [NAME:noimage]:
      |     ^^^^^^^^^^^^^^ a container needs an image
      |
      = help: give its entry an `image:`, or pass --image
    [EOF]
    ");
    assert_eq!(env.inspect(rt, &name), None, "nothing created");
    // Once a container of that name exists, starting it needs no image.
    env.run_foreign(rt, &name, &["sleep", "300"]);
    env.rt(rt, &["stop", "-t", "0", &name]).success();
    env.ops(&["start", &name]).success();
    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: running\n")
    );
}

on_both_runtimes!(a_container_without_an_image_is_refused_at_its_entry_unless_it_exists);
