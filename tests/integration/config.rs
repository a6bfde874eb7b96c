//! kstlib.conf.yml end to end: declared sessions, precedence, errors with file:line:col.

use crate::env::TestEnv;
use crate::require_tmux;

#[test]
fn a_declared_session_starts_from_the_config() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(
        r#"
logging:
  level: DEBUG        # other sections of a kstlib config are ignored
ops:
  default_backend: tmux
  sessions:
    astro-dev:
      backend: tmux
      command: "sh -c 'echo $BOT_MODE $LOG_LEVEL; exec sleep 300'"
      working_dir: "."
      env:
        BOT_MODE: paper
        LOG_LEVEL: 10
"#,
    );
    insta::assert_snapshot!(env.ops_each(&[
        &["list", "-b", "tmux"],
        &["status", "astro-dev", "-q"],
        &["start", "astro-dev"],
    ]), @"
    $ kstlib ops list -b tmux
    exit: 0
    --- stdout
    NAME       STATE    BACKEND  ORIGIN
    astro-dev  defined  tmux     config
    --- stderr
    [EOF]
    $ kstlib ops status astro-dev -q
    exit: 0
    --- stdout
    astro-dev: defined
    --- stderr
    [EOF]
    $ kstlib ops start astro-dev
    exit: 0
    --- stdout
    Session 'astro-dev' started (tmux, pid [PID]).
    --- stderr
    [EOF]
    ");
    env.wait_for("output", || {
        env.ops(&["logs", "astro-dev"]).stdout == "paper 10\n"
    });
    // One row, not duplicated: the declared session is the running one.
    insta::assert_snapshot!(env.ops(&["list", "--json", "-b", "tmux"]), @r#"
    exit: 0
    --- stdout
    [
      {
        "name": "astro-dev",
        "state": "running",
        "backend": "tmux",
        "pid": [PID],
        "image": null,
        "socket_name": null,
        "created_at": "[TIMESTAMP]",
        "window_count": 1,
        "exit_code": null,
        "socket_path": "[ROOT]/t/tmux-[UID]/default",
        "runtime": null,
        "id": null,
        "origin": "config",
        "exit_signal": null,
        "ports": [],
        "detail": null,
        "drift": false,
        "host": null
      }
    ]
    --- stderr
    [EOF]
    "#);
    env.ops(&["stop", "astro-dev"]).success();
    assert_eq!(
        env.ops(&["status", "astro-dev", "-q"]).stdout,
        "astro-dev: defined\n"
    );
}

#[test]
fn relative_paths_resolve_against_the_config_file() {
    require_tmux!();
    let env = TestEnv::new();
    let project = env.root().join("project");
    let config = env.write(
        &project.join("kstlib.conf.yml"),
        "ops:\n  sessions:\n    here:\n      command: [sh, -c, 'pwd; exec sleep 300']\n      working_dir: .\n",
    );
    env.ops(&["start", "here", "--config", config.to_str().expect("utf-8")])
        .success();
    env.wait_for("output", || !env.ops(&["logs", "here"]).stdout.is_empty());
    assert_eq!(
        env.ops(&["logs", "here"]).stdout,
        format!("{}\n", project.display())
    );
}

#[test]
fn invalid_declared_session_is_an_error_not_an_ad_hoc_shell() {
    // §11.3: upstream silently started a bare shell named after the invalid session.
    require_tmux!();
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: python bot.py\n      ports:\n        - \"99999\"\n");
    insta::assert_snapshot!(env.ops(&["start", "bot"]), @r#"
    exit: 3
    --- stdout
    --- stderr
    error: session 'bot': invalid port '99999'
     --> [ROOT]/work/kstlib.conf.yml:6:11
      |
    6 |         - "99999"
      |           ^^^^^^^ port number out of range (1-65535): 99999
    [EOF]
    "#);
    assert!(env.tmux_sessions(None).is_empty());
    // Every command refuses to work from a broken config.
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @r#"
    exit: 3
    --- stdout
    NAME  STATE    BACKEND  ORIGIN
    bot   invalid  tmux     config
    --- stderr
    error: session 'bot': invalid port '99999'
     --> [ROOT]/work/kstlib.conf.yml:6:11
      |
    6 |         - "99999"
      |           ^^^^^^^ port number out of range (1-65535): 99999
    [EOF]
    "#);
}

#[test]
fn config_errors_point_at_file_line_and_column() {
    let env = TestEnv::new();
    let cases = [
        "ops:\n  sessions:\n    bot:\n      comand: sleep 1\n",
        "ops:\n  sesions: {}\n",
        "ops:\n  sessions:\n    bot: {command: a}\n    bot: {command: b}\n",
        "ops:\n  sessions:\n    bot:\n      command: [unclosed\n",
        "ops:\n  sessions:\n    1bot:\n      command: sleep 1\n",
        "ops:\n  default_backend: docker\n",
        "ops:\n  sessions:\n    bot:\n      env: [A]\n",
    ];
    // Each config, then what `list` says of it: one screen, pointing at the line and column.
    // (tmux only: the host's containers are not this test's.)
    let mut out = String::new();
    for yaml in cases {
        env.write_config(yaml);
        out.push_str(&format!(
            "=== kstlib.conf.yml\n{yaml}$ kstlib ops list -b tmux\n{}\n",
            env.ops(&["list", "-b", "tmux"])
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn config_error_snapshot() {
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 1\n      volumes:\n        - ../secrets:/data\n");
    insta::assert_snapshot!(env.ops(&["start", "bot"]), @"
    exit: 3
    --- stdout
    --- stderr
    error: session 'bot': invalid volume '../secrets:/data'
     --> [ROOT]/work/kstlib.conf.yml:6:11
      |
    6 |         - ../secrets:/data
      |           ^^^^^^^^^^^^^^^^ host path '../secrets' contains '..'; use a path without parent-directory steps
    [EOF]
    ");
}

#[test]
fn cli_overrides_keep_the_configured_socket() {
    // §11.4: upstream rebuilt the session without its socket when -c was given, and
    // ignored --socket for declared sessions.
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(
        "ops:\n  sessions:\n    orion:\n      command: sleep 300\n      socket_name: orion\n",
    );
    env.ops(&["start", "orion", "-c", "sleep 200"]).success();
    assert_eq!(env.tmux_sessions(Some("orion")), ["orion"]);
    assert!(env.tmux_sessions(None).is_empty());
    env.ops(&["stop", "orion"]).success();
    env.ops(&["start", "orion", "-L", "elsewhere"]).success();
    assert_eq!(env.tmux_sessions(Some("elsewhere")), ["orion"]);
    assert!(env.tmux_sessions(Some("orion")).is_empty());
}

#[test]
fn defaults_are_honoured_by_list_and_start() {
    // §11.10: upstream ignored ops.tmux_binary outside from_config, `list` included.
    require_tmux!();
    let env = TestEnv::new();
    let log = env.root().join("calls.log");
    let wrapper = env.write(
        &env.root().join("bin/my-tmux"),
        &format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nexec tmux \"$@\"\n",
            log.display()
        ),
    );
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&wrapper)
        .status()
        .expect("chmod");
    env.write_config(&format!(
        "ops:\n  tmux_binary: {}\n  sessions:\n    declared:\n      command: sleep 300\n",
        wrapper.display()
    ));
    env.ops(&["start", "adhoc", "-c", "sleep 300"]).success();
    env.ops(&["start", "declared"]).success();
    std::fs::remove_file(&log).expect("log written by start");
    let list = env.ops(&["list", "--json", "-b", "tmux"]).json();
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    let calls = std::fs::read_to_string(&log).expect("list used the configured binary");
    assert!(calls.contains("list-sessions"), "{calls}");

    env.write_config(
        "ops:\n  tmux_binary: no-such-tmux\n  sessions:\n    d:\n      command: sleep 1\n",
    );
    insta::assert_snapshot!(env.ops(&["start", "d"]), @"
    exit: 5
    --- stdout
    --- stderr
    error: tmux binary 'no-such-tmux' not found in PATH
    hint: install tmux (apt-get install tmux, brew install tmux) or set ops.tmux_binary
    [EOF]
    ");
}

#[test]
fn includes_merge_under_the_including_file() {
    require_tmux!();
    let env = TestEnv::new();
    env.write(
        &env.cwd.join("conf.d/bots.yml"),
        "ops:\n  sessions:\n    inc:\n      command: sleep 300\n      env: {A: from-include, B: kept}\n",
    );
    env.write_config(
        "include: conf.d/bots.yml\nops:\n  sessions:\n    inc:\n      env: {A: from-main}\n",
    );
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 0
    --- stdout
    NAME  STATE    BACKEND  ORIGIN
    inc   defined  tmux     config
    --- stderr
    [EOF]
    ");
    env.write(&env.root().join("outside.yml"), "ops: {}\n");
    env.write_config("include: ../outside.yml\n");
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 3
    --- stdout
    No sessions found.
    --- stderr
    error: include path escapes the config directory: '../outside.yml'
     --> [ROOT]/work/kstlib.conf.yml:1:10
      |
    1 | include: ../outside.yml
      |          ^^^^^^^^^^^^^^ outside the including file's directory
      |
      = help: includes must be relative paths inside '[ROOT]/work'
    [EOF]
    ");
}

#[test]
fn config_search_order_and_explicit_files() {
    let env = TestEnv::new();
    env.write(
        &env.home.join(".config/kstlib.conf.yml"),
        "ops:\n  sessions:\n    a: {command: sleep 1}\n",
    );
    env.write(
        &env.home.join("kstlib.conf.yml"),
        "ops:\n  sessions:\n    b: {command: sleep 1}\n",
    );
    env.write_config("ops:\n  sessions:\n    c: {command: sleep 1}\n");
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 0
    --- stdout
    NAME  STATE    BACKEND  ORIGIN
    a     defined  tmux     config
    b     defined  tmux     config
    c     defined  tmux     config
    --- stderr
    [EOF]
    ");
    let only = env.write(
        &env.root().join("only.yml"),
        "ops:\n  sessions:\n    z: {command: sleep 1}\n",
    );
    let only = only.to_str().expect("utf-8");
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux", "--config", only]), @"
    exit: 0
    --- stdout
    NAME  STATE    BACKEND  ORIGIN
    z     defined  tmux     config
    --- stderr
    [EOF]
    ");
    let run = env.ops_with_env(&[("KSTLIB_CONFIG", only.as_ref())], &["list", "-b", "tmux"]);
    insta::assert_snapshot!(run, @"
    exit: 0
    --- stdout
    NAME  STATE    BACKEND  ORIGIN
    z     defined  tmux     config
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux", "--config", "/no/such/file.yml"]), @"
    exit: 3
    --- stdout
    No sessions found.
    --- stderr
    error: config file not found
     --> /no/such/file.yml
      = help: check the path given with --config or KSTLIB_CONFIG
    [EOF]
    ");
}
