//! Secrets stay secret: environment values never reach a log line in full, and containers
//! get theirs through a private env file rather than the command line (`ps` shows argv).

use crate::env::{Rt, TestEnv};
use crate::{on_both_runtimes, require_tmux};

const TOKEN: &str = "tok-5f3a9c";

/// The lines of a `-vv` run's stderr that show a command kstlib ran.
fn commands_run(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.contains("running: "))
        .collect()
}

#[test]
fn tmux_env_values_are_masked_at_debug_level() {
    require_tmux!();
    let env = TestEnv::new();
    let run = env.run([
        "-vv",
        "ops",
        "start",
        "sec",
        "-c",
        "sh -c 'echo $API_TOKEN; exec sleep 300'",
        "-e",
        &format!("API_TOKEN={TOKEN}"),
    ]);
    run.success();
    assert!(!run.stderr.contains(TOKEN), "{run}");
    let new_session = commands_run(&run.stderr)
        .into_iter()
        .find(|line| line.contains("new-session"))
        .unwrap_or_default();
    assert!(new_session.contains("-e 'API_TOKEN=***'"), "{run}");
    // The program has it all the same.
    env.wait_for_stdout(&["logs", "sec"], &format!("{TOKEN}\n"));
}

fn container_env_goes_through_a_private_file(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("sec");
    let run = env.run([
        "-vv",
        "ops",
        "start",
        &name,
        "-b",
        "container",
        "-i",
        &crate::env::test_image(),
        "--runtime",
        rt.as_str(),
        "-c",
        "sh -c 'echo $API_TOKEN; exec sleep 300'",
        "-e",
        &format!("API_TOKEN={TOKEN}"),
    ]);
    run.success();
    assert!(!run.stderr.contains(TOKEN), "{run}");
    let line = commands_run(&run.stderr)
        .into_iter()
        .find(|line| line.contains(" run "))
        .unwrap_or_default();
    assert!(line.contains("--env-file "), "{run}");
    assert!(
        !line.contains("API_TOKEN="),
        "not on the command line at all: {run}"
    );
    env.wait_for_stdout(&["logs", &name], &format!("{TOKEN}\n"));
}

on_both_runtimes!(container_env_goes_through_a_private_file);
