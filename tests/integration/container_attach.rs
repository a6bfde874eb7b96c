//! `attach` to containers, through an outer tmux server that plays the user's terminal (as
//! in `attach.rs`): its pane runs `kstlib ops attach`, its screen is what the user sees, and
//! keys are typed into it. Every scenario runs on both runtimes.

use std::time::Duration;

use crate::env::{Rt, TestEnv};
use crate::{on_both_runtimes, require_tmux};

/// Says it is alive, over and over.
const CHATTY: &str = "while :; do echo inner alive; sleep 0.3; done";

on_both_runtimes!(
    attach_shows_the_program_and_detach_keys_leave_it_running,
    attach_without_a_terminal_is_a_clear_error,
    attach_to_an_exited_container_says_it_is_not_running,
);

/// Runs `kstlib ops attach NAME` in a terminal `pane`, checks that the program's output
/// shows, detaches with Ctrl-P Ctrl-Q and waits for the client to end; kstlib's first line
/// says how to detach, and a detach is exit 0 on both runtimes (Docker's CLI says 1).
fn attach_and_detach(env: &TestEnv, name: &str, pane: &str) {
    let script = r#""$0" ops attach "$1"; echo "[kstlib exited with $?]""#;
    let kstlib = env!("CARGO_BIN_EXE_kstlib");
    let terminal = env.terminal(pane, &["sh", "-c", script, kstlib, name]);
    // Not the whole screen: it scrolls on as the program writes.
    env.wait_for("the program's output", || {
        terminal.screen().contains("inner alive")
    });
    // The runtime's detach keys, as two separate key presses: Podman 4.3 ignores them when
    // both arrive in one read.
    for key in ["C-p", "C-q"] {
        terminal.keys(&[key]);
        std::thread::sleep(Duration::from_millis(300));
    }
    env.wait_for("the detach", || terminal.ended());
    let screen = terminal.history();
    let first = screen.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "note: attaching to '{name}'; detach with Ctrl-P Ctrl-Q, the session keeps running"
        ),
        "{screen}"
    );
    // The pane's own "Pane is dead" line, when tmux writes it, is not ours.
    let last = screen
        .lines()
        .rfind(|line| !line.trim().is_empty() && !line.starts_with("Pane is dead"));
    assert_eq!(last, Some("[kstlib exited with 0]"), "{screen}");
}

fn attach_shows_the_program_and_detach_keys_leave_it_running(rt: Rt) {
    require_tmux!();
    let env = TestEnv::on(rt);
    let ours = env.name("inner");
    env.start_container(rt, &ours, &format!("sh -c '{CHATTY}'"), &[])
        .success();
    attach_and_detach(&env, &ours, "mine");
    assert_eq!(
        env.ops(&["status", &ours, "-q"]).stdout,
        format!("{ours}: running\n")
    );

    // A container started by hand with a terminal (`run -dit`) works the same (interop).
    let foreign = env.name("byhand");
    let image = crate::env::test_image();
    env.rt(
        rt,
        &[
            "run", "-dit", "--name", &foreign, &image, "sh", "-c", CHATTY,
        ],
    )
    .success();
    attach_and_detach(&env, &foreign, "theirs");
    assert_eq!(
        env.ops(&["status", &foreign, "-q"]).stdout,
        format!("{foreign}: running\n")
    );
}

fn attach_without_a_terminal_is_a_clear_error(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("noterm");
    env.start_container(rt, &name, "sleep 300", &[]).success();
    insta::assert_snapshot!(env.ops(&["attach", &name]), @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to attach to container session '[NAME:noterm]': stdin is not a terminal; attach needs an interactive terminal
    [EOF]
    ");
    assert_eq!(
        env.ops(&["status", &name, "-q"]).stdout,
        format!("{name}: running\n")
    );
}

fn attach_to_an_exited_container_says_it_is_not_running(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("gone");
    env.start_container(
        rt,
        &name,
        "sh -c 'echo one; echo two; sleep 0.8; exit 5'",
        &[],
    )
    .success();
    env.wait_for_stdout(&["status", &name, "-q"], &format!("{name}: exited\n"));
    insta::assert_snapshot!(env.ops(&["attach", &name]), @"
    exit: 1
    --- stdout
    --- stderr
    error: container session '[NAME:gone]' is not running (exit code 5)
    last output:
      | one
      | two
    hint: `kstlib ops logs [NAME:gone]` shows its last output
    [EOF]
    ");
}
