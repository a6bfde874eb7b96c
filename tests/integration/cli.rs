//! The command line itself: help, versions, usage errors and exit codes.

use crate::env::TestEnv;

#[test]
fn help_lists_the_six_commands_and_the_exit_codes() {
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops(&["--help"]));
}

#[test]
fn start_help_shows_upstream_options() {
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops(&["start", "--help"]));
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
    insta::assert_snapshot!(env.ops(&["list", "--bogus"]), @"
    exit: 2
    --- stdout
    --- stderr
    error: unexpected argument '--bogus' found

    Usage: kstlib ops list [OPTIONS]

    For more information, try '--help'.
    [EOF]
    ");
}

#[test]
fn an_invalid_backend_names_the_value() {
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops(&["list", "--backend", "foo"]), @"
    exit: 2
    --- stdout
    --- stderr
    error: invalid value 'foo' for '--backend <BACKEND>': must be 'tmux' or 'container'

    For more information, try '--help'.
    [EOF]
    ");
}

#[test]
fn an_invalid_session_name_is_invalid_input() {
    let env = TestEnv::new();
    let cases: Vec<[&str; 4]> = ["1bot", "a:b", "=x", "bot\n", "my bot", ""]
        .into_iter()
        .map(|name| ["start", name, "-c", "sleep 1"])
        .collect();
    let cases: Vec<&[&str]> = cases.iter().map(|args| &args[..]).collect();
    insta::assert_snapshot!(env.ops_each(&cases), @r"
    $ kstlib ops start 1bot -c 'sleep 1'
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name '1bot': must start with an ASCII letter; use an ASCII letter followed by ASCII letters, digits, '_' or '-'
    [EOF]
    $ kstlib ops start a:b -c 'sleep 1'
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name 'a:b': contains ':'; use an ASCII letter followed by ASCII letters, digits, '_' or '-'
    [EOF]
    $ kstlib ops start '=x' -c 'sleep 1'
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name '=x': must start with an ASCII letter; use an ASCII letter followed by ASCII letters, digits, '_' or '-'
    [EOF]
    $ kstlib ops start 'bot\n' -c 'sleep 1'
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name 'bot\n': contains a newline (U+000A); use an ASCII letter followed by ASCII letters, digits, '_' or '-'
    [EOF]
    $ kstlib ops start 'my bot' -c 'sleep 1'
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name 'my bot': contains ' '; use an ASCII letter followed by ASCII letters, digits, '_' or '-'
    [EOF]
    $ kstlib ops start '' -c 'sleep 1'
    exit: 3
    --- stdout
    --- stderr
    error: invalid session name '': must not be empty; use an ASCII letter followed by ASCII letters, digits, '_' or '-'
    [EOF]
    ");
    // Nothing was started.
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn bad_values_on_the_command_line_are_errors_not_tracebacks() {
    // Upstream raised plain ValueErrors with a traceback for each of these (§11.19).
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops_each(&[
        &["start", "x", "-c", "sleep 1", "-e", "1A=b"],
        &["start", "x", "-c", "sleep 1", "-e", "novalue"],
        // (Container names need 2 characters: `x` would be refused first.)
        &["start", "web", "-b", "container", "-i", "img", "-v", "../x:/y"],
        &["start", "web", "-b", "container", "-i", "img", "-p", "99999"],
        &["start", "x", "-c", "sleep 1", "-L", "a/b"],
        &["start", "x", "-c", "sleep 1", "-L", ""],
        &["start", "x", "-c", "python 'unbalanced"],
        &["start", "x", "-c", "sleep 1\nid"],
        &["stop", "x", "--signal", "SIGNOPE"],
    ]), @r#"
    $ kstlib ops start x -c 'sleep 1' -e '1A=b'
    exit: 3
    --- stdout
    --- stderr
    error: invalid environment variable '1A': key must be an ASCII letter or '_' followed by ASCII letters, digits or '_'
    [EOF]
    $ kstlib ops start x -c 'sleep 1' -e novalue
    exit: 3
    --- stdout
    --- stderr
    error: invalid environment variable 'novalue': expected KEY=VALUE, e.g. -e LOG_LEVEL=debug
    [EOF]
    $ kstlib ops start web -b container -i img -v ../x:/y
    exit: 3
    --- stdout
    --- stderr
    error: invalid volume '../x:/y': host path '../x' contains '..'; use a path without parent-directory steps
    [EOF]
    $ kstlib ops start web -b container -i img -p 99999
    exit: 3
    --- stdout
    --- stderr
    error: invalid port '99999': port number out of range (1-65535): 99999
    [EOF]
    $ kstlib ops start x -c 'sleep 1' -L a/b
    exit: 3
    --- stdout
    --- stderr
    error: invalid tmux socket name 'a/b': contains '/' or '\'; use a plain file name (a socket path is given separately)
    [EOF]
    $ kstlib ops start x -c 'sleep 1' -L ''
    exit: 3
    --- stdout
    --- stderr
    error: invalid tmux socket name '': must not be empty; omit it to use tmux's default socket
    [EOF]
    $ kstlib ops start x -c 'python '\''unbalanced'
    exit: 3
    --- stdout
    --- stderr
    error: invalid command 'python \'unbalanced': has a quote (' or ") that is never closed; close it, or escape it with '\'
    [EOF]
    $ kstlib ops start x -c 'sleep 1\nid'
    exit: 3
    --- stdout
    --- stderr
    error: invalid command 'sleep 1\nid': contains a newline (U+000A); commands are not shell scripts
    [EOF]
    $ kstlib ops stop x --signal SIGNOPE
    exit: 3
    --- stdout
    --- stderr
    error: invalid stop signal 'SIGNOPE': is not a known signal; use a name such as SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGUSR1 (the SIG prefix and case are optional), or a number such as 2 or 15
    [EOF]
    "#);
    assert!(env.tmux_sessions(None).is_empty());
}

#[test]
fn status_of_an_unknown_session_is_not_found() {
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops(&["status", "ghost"]), @"
    exit: 4
    --- stdout
    --- stderr
    error: session 'ghost' not found
    hint: `kstlib ops list` shows the sessions that exist
    [EOF]
    ");
}

#[test]
fn list_with_nothing_anywhere() {
    let env = TestEnv::new();
    insta::assert_snapshot!(env.ops_each(&[
        &["list", "--backend", "tmux"],
        &["list", "--backend", "tmux", "--json"],
    ]), @"
    $ kstlib ops list --backend tmux
    exit: 0
    --- stdout
    No sessions found.
    --- stderr
    [EOF]
    $ kstlib ops list --backend tmux --json
    exit: 0
    --- stdout
    []
    --- stderr
    [EOF]
    ");
}
