//! `attach`, through an outer tmux server that plays the user's terminal: its pane runs
//! `kstlib ops attach`, its screen is what the user would see, and keys are typed into it.

use crate::env::TestEnv;
use crate::require_tmux;

#[test]
fn attach_shows_the_program_and_detach_leaves_it_running() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&[
        "start",
        "inner",
        "-c",
        "sh -c 'while :; do echo inner alive; sleep 0.3; done'",
    ])
    .success();
    let terminal = env.terminal(
        "harness",
        &[env!("CARGO_BIN_EXE_kstlib"), "ops", "attach", "inner"],
    );
    // Not the whole screen: it scrolls on as the program writes.
    env.wait_for("the program's output", || {
        terminal.screen().contains("inner alive")
    });
    // The prefix and `d`, typed into the attached client: detach, and kstlib (replaced by
    // tmux) is gone from the terminal.
    terminal.keys(&["C-b", "d"]);
    env.wait_for("the detach", || terminal.ended());
    assert_eq!(
        env.ops(&["status", "inner", "-q"]).stdout,
        "inner: running\n"
    );
}

#[test]
fn attach_without_a_terminal_is_a_clear_error() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "noterm", "-c", "sleep 300"]).success();
    insta::assert_snapshot!(env.ops(&["attach", "noterm"]), @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to attach to tmux session 'noterm': stdin is not a terminal; attach needs an interactive terminal
    [EOF]
    ");
}

#[test]
fn attach_from_inside_the_same_server_switches_the_client() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "target", "-c", "sleep 300"]).success();
    // A shell session on the same (default) server, with a client attached to it: the
    // client lives in a pane of the outer server, as a user's terminal would.
    env.ops(&["start", "home", "-c", "sh"]).success();
    // Without -L/-S, tmux would use the outer server named in $TMUX.
    env.terminal(
        "harness",
        &["env", "-u", "TMUX", "tmux", "attach-session", "-t", "=home"],
    );
    let client_session = || {
        let out = env.tmux(&["list-clients", "-F", "#{client_session}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    env.wait_for("the client", || client_session() == "home");
    let kstlib = env!("CARGO_BIN_EXE_kstlib");
    env.ops(&["send-keys", "home", &format!("{kstlib} ops attach target")])
        .success();
    env.wait_for("the switch", || client_session() == "target");
    // Nothing was nested: the outer pane still runs the one client.
    assert_eq!(env.ops(&["status", "home", "-q"]).stdout, "home: running\n");
}
