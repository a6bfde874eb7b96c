//! The command line itself: help, versions, usage errors and exit codes.

use crate::env::TestEnv;

#[test]
fn help_lists_the_six_commands_and_the_exit_codes() {
    let env = TestEnv::new();
    let run = env.ops(&["--help"]);
    run.success();
    for command in ["start", "stop", "attach", "status", "logs", "list"] {
        assert!(run.stdout.contains(command), "{command} missing\n{run}");
    }
    assert!(run.stdout.contains("Exit codes:"), "{run}");
    assert!(run.stdout.contains("4  session not found"), "{run}");
}

#[test]
fn start_help_shows_upstream_options() {
    let env = TestEnv::new();
    let run = env.ops(&["start", "--help"]);
    run.success();
    for option in [
        "--backend",
        "--command",
        "--image",
        "--quiet",
        "--workdir",
        "--env",
        "--volume",
        "--port",
        "--socket",
    ] {
        assert!(run.stdout.contains(option), "{option} missing\n{run}");
    }
}

#[test]
fn version_prints_the_crate_version() {
    let env = TestEnv::new();
    let run = env.run(["--version"]);
    run.success();
    assert_eq!(
        run.stdout,
        format!("kstlib {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    let env = TestEnv::new();
    let run = env.ops(&["list", "--bogus"]);
    run.code(2);
    assert!(run.stdout.is_empty(), "{run}");
}

#[test]
fn an_invalid_backend_names_the_value() {
    let env = TestEnv::new();
    let run = env.ops(&["list", "--backend", "foo"]);
    run.code(2);
    assert!(run.stderr.contains("'foo'"), "{run}");
}

#[test]
fn an_invalid_session_name_is_invalid_input() {
    let env = TestEnv::new();
    for name in ["1bot", "a:b", "=x", "bot\n", "my bot", ""] {
        let run = env.ops(&["start", name, "-c", "sleep 1"]);
        run.code(3);
        assert!(
            run.stderr.starts_with("error: invalid session name"),
            "{run}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "one line\n{run}");
    }
    // Nothing was started.
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn bad_values_on_the_command_line_are_errors_not_tracebacks() {
    // Upstream raised plain ValueErrors with a traceback for each of these (§11.19).
    let env = TestEnv::new();
    let cases: &[&[&str]] = &[
        &["start", "x", "-c", "sleep 1", "-e", "1A=b"],
        &["start", "x", "-c", "sleep 1", "-e", "novalue"],
        &[
            "start",
            "x",
            "-b",
            "container",
            "-i",
            "img",
            "-v",
            "../x:/y",
        ],
        &["start", "x", "-b", "container", "-i", "img", "-p", "99999"],
        &["start", "x", "-c", "sleep 1", "-L", "a/b"],
        &["start", "x", "-c", "sleep 1", "-L", ""],
        &["start", "x", "-c", "python 'unbalanced"],
        &["start", "x", "-c", "sleep 1\nid"],
        &["stop", "x", "--signal", "SIGNOPE"],
    ];
    for args in cases {
        let run = env.ops(args);
        run.code(3);
        assert!(run.stderr.starts_with("error: invalid "), "{args:?}\n{run}");
        assert!(!run.stderr.contains("panicked"), "{run}");
    }
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn status_of_an_unknown_session_is_not_found() {
    let env = TestEnv::new();
    let run = env.ops(&["status", "ghost"]);
    run.code(4);
    assert!(run.stderr.contains("'ghost' not found"), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}

#[test]
fn list_with_nothing_anywhere() {
    let env = TestEnv::new();
    env.ops(&["list", "--backend", "tmux"]).success();
    let run = env.ops(&["list", "--backend", "tmux", "--json"]);
    run.success();
    assert_eq!(run.json(), serde_json::json!([]));
}
