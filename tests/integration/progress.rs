//! The spinner on waits: seen in a real terminal (a pane of an outer tmux server), never
//! in `--json`, `--quiet` or when stderr is not a terminal.

use crate::env::TestEnv;
use crate::require_tmux;

/// A program that ignores SIGINT, so that a stop waits its whole timeout.
const STUBBORN: &str = "sh -c 'trap \"\" INT; while :; do sleep 1; done'";

#[test]
fn a_slow_stop_shows_what_it_waits_for_then_clears_it() {
    require_tmux!();
    let env = TestEnv::new();
    env.ops(&["start", "stubborn", "-c", STUBBORN]).success();
    let kstlib = env!("CARGO_BIN_EXE_kstlib");
    let terminal = env.terminal(
        "harness",
        &[kstlib, "ops", "stop", "stubborn", "--timeout", "3"],
    );
    env.wait_for("the spinner", || {
        terminal
            .screen()
            .contains("waiting for stubborn to exit after SIGINT (up to 3 s)")
    });
    // The result is printed once the spinner is cleared: nothing of it is left above.
    // The history: tmux's "Pane is dead" line may scroll the result off the screen.
    env.wait_for("the result", || {
        terminal
            .history()
            .contains("Session 'stubborn' did not stop on SIGINT within the timeout")
    });
    let history = terminal.history();
    assert!(!history.contains("waiting for"), "{history}");
}

#[test]
fn json_and_quiet_never_show_a_spinner_even_on_a_terminal() {
    require_tmux!();
    let env = TestEnv::new();
    let kstlib = env!("CARGO_BIN_EXE_kstlib");
    for (pane, flag) in [("json", "--json"), ("quiet", "--quiet")] {
        env.ops(&["start", pane, "-c", STUBBORN]).success();
        // stderr alone on the terminal: stdout goes to a file.
        let out = env.root().join(format!("{pane}.out"));
        let line = format!(
            "{kstlib} ops stop {pane} --timeout 2 {flag} > {}",
            out.display()
        );
        let terminal = env.terminal(&format!("term-{pane}"), &["sh", "-c", &line]);
        // Past the spinner's delay, before the end of the wait.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let screen = terminal.screen();
        assert_eq!(screen.trim(), "", "{flag}: {screen}");
        env.wait_for("the stop", || terminal.ended());
    }
}
