//! One integration test binary (it links once): the `kstlib` CLI end to end against real
//! tmux, real Docker and real Podman. Each test has its own tmux servers, HOME and
//! working directory (see `env`).

// A test binary: its `pub` items are for its own modules, nothing outside.
#![allow(unreachable_pub)]

mod env;

mod attach;
mod cli;
mod completion;
mod config;
mod container;
mod container_attach;
mod container_docker20;
mod container_list;
mod container_logs;
mod container_stop;
mod engine_api;
mod examples;
mod hostile;
mod json_schema;
mod lifecycle;
mod list_table;
mod logs;
mod progress;
mod remote;
mod resilience;
mod sanitize;
mod secrets;
mod tmux;

/// A file in `tests/integration/` that no `mod` line names is never compiled, and its tests
/// never run, silently (jj's `cli/tests/runner.rs` guards against the same).
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration");
    let declared: Vec<&str> = include_str!("main.rs")
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("pub ").unwrap_or(line);
            line.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    let mut forgotten = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("read tests/integration") {
        let path = entry.expect("entry").path();
        let module = if path.is_dir() {
            // A module directory holds `mod.rs`; `snapshots/` holds none.
            path.join("mod.rs").is_file().then(|| path.file_name())
        } else {
            (path.extension().is_some_and(|ext| ext == "rs")).then(|| path.file_stem())
        };
        let Some(module) = module.flatten().and_then(|name| name.to_str()) else {
            continue;
        };
        if module != "main" && !declared.contains(&module) {
            forgotten.push(path.display().to_string());
        }
    }
    assert!(
        forgotten.is_empty(),
        "not compiled into the test binary (add a `mod` line to tests/integration/main.rs): {}",
        forgotten.join(", ")
    );
}
