//! The JSON of every command that has `--json`, from real runs, validated against the
//! published schemas in `docs/schema/v1/` (and the examples there too): what scripts and
//! agents are promised is what they get, errors included.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::env::{Rt, TestEnv, test_image};
use crate::{require_runtime, require_tmux};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/v1")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path:?}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path:?}: {err}"))
}

/// Every schema file, by file name, each with its `$id`.
fn schemas() -> Vec<(String, Value)> {
    let mut schemas: Vec<(String, Value)> = std::fs::read_dir(schema_dir())
        .expect("docs/schema/v1")
        .filter_map(|entry| {
            let path = entry.expect("entry").path();
            let name = path.file_name()?.to_str()?.to_owned();
            name.ends_with(".schema.json")
                .then(|| (name, read_json(&path)))
        })
        .collect();
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas
}

/// Asserts that `instance` is valid against the schema of `command`
/// (`docs/schema/v1/COMMAND.schema.json`), every other schema file resolvable by its `$id`,
/// with formats (`date-time`) checked.
#[track_caller]
fn assert_valid(command: &str, instance: &Value) {
    let errors = errors(command, instance);
    assert!(
        errors.is_empty(),
        "{command} --json does not match its schema:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(instance).unwrap_or_default()
    );
}

/// What is wrong with `instance` against the schema of `command`, one line each.
fn errors(command: &str, instance: &Value) -> Vec<String> {
    let all = schemas();
    let mut registry = jsonschema::Registry::new();
    for (name, schema) in &all {
        let id = schema["$id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no $id"));
        registry = registry.add(id, schema.clone()).expect("a resource");
    }
    let registry = registry.prepare().expect("a registry");
    let file = format!("{command}.schema.json");
    let schema = &all
        .iter()
        .find(|(name, _)| *name == file)
        .unwrap_or_else(|| panic!("no {file}"))
        .1;
    let validator = jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|err| panic!("{file}: {err}"));
    validator
        .iter_errors(instance)
        .map(|err| format!("{}: {err}", err.instance_path()))
        .collect()
}

/// Runs `kstlib ops ARGS…`, checks its exit code, and validates its stdout against the
/// schema of `command`.
#[track_caller]
fn check(env: &TestEnv, command: &str, args: &[&str], code: i32) -> Value {
    let run = env.ops(args);
    run.code(code);
    let json = run.json();
    assert_valid(command, &json);
    json
}

const CONFIG: &str = "\
ops:
  sessions:
    declared:
      command: sleep 300
    broken:
      comand: sleep 300
";

#[test]
fn every_tmux_command_prints_json_of_its_schema() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(CONFIG);
    check(
        &env,
        "start",
        &["start", "adhoc", "-c", "sleep 300", "--json"],
        0,
    );
    check(&env, "status", &["status", "adhoc", "--json"], 0);
    check(&env, "status", &["status", "declared", "--json"], 0);
    let up = check(&env, "up", &["up", "--json"], 3);
    assert_eq!(up[0]["result"], "started", "{up}");
    assert_eq!(up[1]["result"], "invalid", "{up}");
    let rows = check(&env, "list", &["list", "-b", "tmux", "--json"], 3);
    assert_eq!(rows.as_array().map(Vec::len), Some(3), "{rows}");
    check(
        &env,
        "restart",
        &["restart", "adhoc", "-t", "1", "--json"],
        0,
    );
    check(&env, "stop", &["stop", "adhoc", "-t", "1", "--json"], 0);
    check(&env, "down", &["down", "--json"], 0);
    let doctor = env.ops(&["doctor", "--json"]);
    assert_valid("doctor", &doctor.json());
}

#[test]
fn a_failing_command_with_json_prints_an_error_object() {
    require_tmux!();
    let env = TestEnv::new();
    for (args, kind, code) in [
        (&["status", "nosuch", "--json"][..], "not_found", 4),
        (&["start", "1bad", "--json"], "invalid", 3),
        (&["status", "--json"], "usage", 2),
        (&["stop", "nosuch", "--timeout", "x", "--json"], "usage", 2),
        (
            &["start", "dies", "-c", "sh -c 'echo oops; exit 7'", "--json"],
            "failed",
            1,
        ),
    ] {
        let error = check(&env, "error", args, code);
        assert_eq!(error["error"]["kind"], kind, "{args:?}: {error}");
        assert_eq!(error["error"]["exit_code"], code, "{args:?}: {error}");
        if kind == "failed" {
            // A failed start says what the program printed.
            assert_eq!(error["error"]["output"][0], "oops", "{error}");
        }
    }
}

#[test]
fn container_commands_print_json_of_their_schema() {
    require_runtime!(Rt::Docker);
    let env = TestEnv::new();
    let name = env.name("schema");
    let image = test_image();
    check(
        &env,
        "start",
        &[
            "start",
            &name,
            "--runtime",
            "docker",
            "-i",
            &image,
            "-c",
            "sleep 300",
            "--json",
        ],
        0,
    );
    check(&env, "status", &["status", &name, "--json"], 0);
    let rows = check(&env, "list", &["list", "--runtime", "docker", "--json"], 0);
    assert!(
        rows.as_array()
            .is_some_and(|rows| rows.iter().any(|row| row["name"] == name.as_str())),
        "{rows}"
    );
    check(&env, "stop", &["stop", &name, "-t", "1", "--json"], 0);
}

#[test]
fn sessions_on_a_remote_host_print_json_of_their_schema_with_their_host() {
    require_tmux!();
    let Some(host) = crate::env::SshHost::start() else {
        return;
    };
    let env = TestEnv::new();
    env.write_config(&format!(
        "ops:\n  hosts:\n{}  sessions:\n    far:\n      host: vps1\n      \
         command: sleep 300\n    near:\n      command: sleep 300\n",
        host.host_yaml("vps1", "kst-remote", "")
    ));
    let up = check(&env, "up", &["up", "--json"], 0);
    assert_eq!(up[0]["status"]["host"], "vps1", "{up}");
    assert_eq!(up[1]["status"]["host"], Value::Null, "{up}");
    let far = check(&env, "status", &["status", "far", "--json"], 0);
    assert_eq!(far["host"], "vps1", "{far}");
    let rows = check(&env, "list", &["list", "-b", "tmux", "--json"], 0);
    let host_of = |name: &str| {
        rows.as_array()
            .and_then(|rows| rows.iter().find(|row| row["name"] == name))
            .map(|row| row["host"].clone())
    };
    assert_eq!(host_of("far"), Some("vps1".into()), "{rows}");
    assert_eq!(host_of("near"), Some(Value::Null), "{rows}");
    check(&env, "restart", &["restart", "far", "-t", "1", "--json"], 0);
    check(&env, "stop", &["stop", "far", "-t", "1", "--json"], 0);
    check(&env, "down", &["down", "--json"], 0);
    let doctor = env.ops(&["doctor", "--json"]).json();
    assert_valid("doctor", &doctor);
    assert!(
        doctor
            .as_array()
            .is_some_and(|checks| checks.iter().any(|c| c["host"] == "vps1")),
        "{doctor}"
    );
}

#[test]
fn every_schema_has_an_example_and_every_example_matches_its_schema() {
    let examples = schema_dir().join("examples");
    let mut covered = Vec::new();
    for entry in std::fs::read_dir(&examples).expect("docs/schema/v1/examples") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("a name");
        // `status.json`, `error-not-found.json`: the schema is the part before any `-`.
        let command = stem.split('-').next().unwrap_or(stem).to_owned();
        assert_valid(&command, &read_json(&path));
        covered.push(command);
    }
    // The schemas do refuse: a renamed key, a state that does not exist, a bad timestamp.
    let mut status = read_json(&examples.join("status.json"));
    status["created_at"] = "yesterday".into();
    status["state"] = "sleeping".into();
    assert_eq!(errors("status", &status).len(), 2, "{status}");
    let mut row = read_json(&examples.join("list.json"))[0].clone();
    row.as_object_mut().map(|row| row.remove("socket_name"));
    assert_eq!(errors("list", &Value::Array(vec![row])).len(), 1);
    for (name, _) in schemas() {
        let command = name.trim_end_matches(".schema.json");
        if !["session", "outcomes"].contains(&command) {
            assert!(
                covered.iter().any(|c| c == command),
                "docs/schema/v1/examples has no example of {name}"
            );
        }
    }
}
