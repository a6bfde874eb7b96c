//! Every example in `examples/` runs as its README says, from a clone: the ticker in tmux,
//! the same program in a container built from its Containerfile, the mixed config with
//! an include, and the library example (`cargo run --example library`) against real tmux.
//!
//! Container names are shared by the whole host, so the container examples run on a copy
//! of their files in which the session names (and the image tag) are this test's own;
//! nothing else is changed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::env::{Rt, TestEnv, have};
use crate::{on_both_runtimes, require_tmux};

fn example(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(dir)
}

/// A copy of the example directories `dirs` under the test's root, side by side as in
/// the repository, each file passed through `edit`.
fn copy(env: &TestEnv, dirs: &[&str], edit: impl Fn(&str) -> String) -> PathBuf {
    let root = env.root().join("examples");
    for dir in dirs {
        for entry in std::fs::read_dir(example(dir)).expect("example dir") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("example file");
            let name = path.file_name().expect("a name");
            env.write(&root.join(dir).join(name), &edit(&text));
        }
    }
    root
}

#[test]
fn the_tmux_ticker_starts_logs_and_stops_gracefully() {
    require_tmux!();
    if !have("python3") {
        return;
    }
    let env = TestEnv::new();
    let dir = example("tmux-ticker");
    env.ops_in(&dir, &["start", "astro"]).success();
    env.wait_for("two ticks", || {
        env.ops_in(&dir, &["logs", "astro"])
            .stdout
            .contains("tick 2 (paper)")
    });
    assert_eq!(
        env.ops_in(&dir, &["status", "astro", "-q"]).stdout,
        "astro: running\n"
    );
    let stop = env.ops_in(&dir, &["stop", "astro"]);
    stop.success();
    assert!(stop.stdout.contains("stopped on SIGINT"), "{stop}");
    // Its goodbye is in its log, after the stop.
    let logs = env.ops_in(&dir, &["logs", "astro"]);
    assert!(logs.stdout.contains("astro bot stopping after"), "{logs}");
}

fn the_container_example_builds_its_image_and_runs(rt: Rt) {
    let env = TestEnv::on(rt);
    let name = env.name("box");
    let tag = format!("kstlib-example/{name}:1");
    let dir = copy(&env, &["container"], |text| {
        text.replace("astro-box:\n", &format!("{name}:\n"))
            .replace("kstlib-example/astro-box:1", &tag)
    })
    .join("container");
    // The README's build line.
    let built = Command::new(rt.as_str())
        .args(["build", "-q", "-t", &tag, "-f"])
        .arg(dir.join("Containerfile"))
        .arg(&dir)
        .output()
        .expect("build");
    assert!(built.status.success(), "{built:?}");
    env.remove_on_drop(rt, &["rmi", "-f", &tag]);
    env.ops_in(&dir, &["start", &name, "--runtime", rt.as_str()])
        .success();
    env.wait_for("two ticks", || {
        env.ops_in(&dir, &["logs", &name])
            .stdout
            .contains("tick 2 (live)")
    });
    let stop = env.ops_in(&dir, &["stop", &name]);
    stop.success();
    assert!(stop.stdout.contains("stopped on SIGTERM"), "{stop}");
    let logs = env.ops_in(&dir, &["logs", &name]);
    assert!(logs.stdout.contains("astro bot stopping after"), "{logs}");
}

on_both_runtimes!(the_container_example_builds_its_image_and_runs);

fn the_mixed_config_brings_up_tmux_and_a_container_from_an_include(rt: Rt) {
    require_tmux!();
    let env = TestEnv::on(rt);
    let prod = env.name("prod");
    let root = copy(&env, &["mixed", "container"], |text| {
        text.replace("astro-prod:\n", &format!("{prod}:\n      runtime: {rt}\n"))
    });
    let dir = root.join("mixed");
    let up = env.ops_in(&dir, &["up"]);
    up.success();
    assert_eq!(
        up.stdout,
        // Included files come first: their entries are merged under the including file's.
        format!("{prod}: started\nastro-dev: started\n"),
        "{up}"
    );
    let list = env.ops_in(&dir, &["list", "--origin", "config", "-q"]);
    assert_eq!(list.stdout, format!("{prod}\nastro-dev\n"), "{list}");
    env.wait_for("the dev ticker", || {
        env.ops_in(&dir, &["logs", "astro-dev"])
            .stdout
            .contains("tick 1 (paper)")
    });
    let down = env.ops_in(&dir, &["down"]);
    down.success();
    assert_eq!(
        down.stdout,
        format!("{prod}: stopped\nastro-dev: stopped\n"),
        "{down}"
    );
}

on_both_runtimes!(the_mixed_config_brings_up_tmux_and_a_container_from_an_include);

/// `cargo run --example library`, in this test's environment: built with the cargo that
/// runs the tests (already built by `cargo test`, which builds examples; built here when
/// only this test binary was).
#[test]
fn the_library_example_runs_against_real_tmux() {
    require_tmux!();
    let built = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--example",
            "library",
            "--manifest-path",
        ])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("cargo build --example library");
    assert!(built.status.success(), "{built:?}");
    let program = Path::new(env!("CARGO_BIN_EXE_kstlib"))
        .parent()
        .expect("target dir")
        .join("examples/library");
    let env = TestEnv::new();
    let run = env.run_program(&program, &[]);
    run.success();
    for line in [
        "started ticker on tmux -L kstlib-example",
        "stopped: Graceful on Some(\"SIGINT\")",
        "no session 'ghost', as expected",
        "refused: invalid session name '1-bad-name'",
    ] {
        assert!(run.stdout.contains(line), "no {line:?} in\n{run}");
    }
    if have("python3") {
        assert!(
            run.stdout
                .contains("astro stopped: Graceful, exit code Some(0)"),
            "{run}"
        );
    }
}
