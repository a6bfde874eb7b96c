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
    let list = env.ops(&["list", "--json", "-b", "tmux"]).json();
    assert_eq!(list[0]["name"], "astro-dev");
    assert_eq!(list[0]["state"], "defined");
    assert_eq!(list[0]["origin"], "config");
    assert_eq!(
        env.ops(&["status", "astro-dev", "-q"]).stdout,
        "astro-dev: defined\n"
    );

    env.ops(&["start", "astro-dev"]).success();
    env.wait_for("output", || {
        env.ops(&["logs", "astro-dev"]).stdout == "paper 10\n"
    });
    let list = env.ops(&["list", "--json", "-b", "tmux"]).json();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "not duplicated: {list}"
    );
    assert_eq!(list[0]["state"], "running");
    assert_eq!(list[0]["origin"], "config");
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
    let run = env.ops(&["start", "bot"]);
    run.code(3);
    assert!(run.stderr.contains("kstlib.conf.yml:6:11"), "{run}");
    assert!(
        run.stderr.contains("session 'bot': invalid port '99999'"),
        "{run}"
    );
    assert!(env.tmux_sessions(None).is_empty());
    // Every command refuses to work from a broken config.
    env.ops(&["list"]).code(3);
}

#[test]
fn config_errors_point_at_file_line_and_column() {
    let env = TestEnv::new();
    let cases = [
        (
            "ops:\n  sessions:\n    bot:\n      comand: sleep 1\n",
            "kstlib.conf.yml:4:7",
            "did you mean 'command'",
        ),
        (
            "ops:\n  sesions: {}\n",
            "kstlib.conf.yml:2:3",
            "did you mean 'sessions'",
        ),
        (
            "ops:\n  sessions:\n    bot: {command: a}\n    bot: {command: b}\n",
            "kstlib.conf.yml:4:5",
            "duplicate",
        ),
        (
            "ops:\n  sessions:\n    bot:\n      command: [unclosed\n",
            "kstlib.conf.yml:",
            "error",
        ),
        (
            "ops:\n  sessions:\n    1bot:\n      command: sleep 1\n",
            "kstlib.conf.yml:3:5",
            "invalid session name '1bot'",
        ),
        (
            "ops:\n  default_backend: docker\n",
            "kstlib.conf.yml:2:20",
            "must be 'tmux' or 'container'",
        ),
        (
            "ops:\n  sessions:\n    bot:\n      env: [A]\n",
            "kstlib.conf.yml:4:12",
            "expected",
        ),
    ];
    for (yaml, location, message) in cases {
        env.write_config(yaml);
        let run = env.ops(&["list"]);
        run.code(3);
        assert!(run.stderr.contains(location), "{yaml}\n{run}");
        assert!(run.stderr.contains(message), "{yaml}\n{run}");
        assert!(run.stderr.lines().count() < 25, "one screen\n{run}");
    }
}

#[test]
fn config_error_snapshot() {
    let env = TestEnv::new();
    env.write_config("ops:\n  sessions:\n    bot:\n      command: sleep 1\n      volumes:\n        - ../secrets:/data\n");
    let run = env.ops(&["start", "bot"]);
    run.code(3);
    insta::assert_snapshot!(env.redact(&run.stderr));
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
    let run = env.ops(&["start", "d"]);
    run.code(5);
    assert!(
        run.stderr.contains("tmux binary 'no-such-tmux' not found"),
        "{run}"
    );
    assert!(run.stderr.contains("hint: install tmux"), "{run}");
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
    let run = env.ops(&["list", "--json", "-b", "tmux"]);
    assert_eq!(run.json()[0]["name"], "inc");
    env.write(&env.root().join("outside.yml"), "ops: {}\n");
    env.write_config("include: ../outside.yml\n");
    let run = env.ops(&["list"]);
    run.code(3);
    assert!(run.stderr.contains("escapes"), "{run}");
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
    let names = |run: crate::env::Run| -> Vec<String> {
        run.json()
            .as_array()
            .expect("array")
            .iter()
            .map(|row| row["name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(
        names(env.ops(&["list", "--json", "-b", "tmux"])),
        ["a", "b", "c"]
    );
    let only = env.write(
        &env.root().join("only.yml"),
        "ops:\n  sessions:\n    z: {command: sleep 1}\n",
    );
    let only = only.to_str().expect("utf-8");
    assert_eq!(
        names(env.ops(&["list", "--json", "-b", "tmux", "--config", only])),
        ["z"]
    );
    let run = env
        .command()
        .args(["ops", "list", "--json", "-b", "tmux"])
        .env("KSTLIB_CONFIG", only)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    assert_eq!(json[0]["name"], "z");
    let run = env.ops(&["list", "--config", "/no/such/file.yml"]);
    run.code(3);
    assert!(run.stderr.contains("/no/such/file.yml"), "{run}");
}
