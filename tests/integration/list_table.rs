//! The `list` table as a user sees it: declared sessions first, `--origin` filters, the
//! table fits `COLUMNS`, and more foreign containers than `LINES` are one line.

use std::ffi::OsStr;

use crate::env::{Rt, TestEnv};
use crate::{require_runtime, require_tmux};

const CONFIG: &str = "\
ops:
  sessions:
    zeta-declared-with-a-rather-long-name:
      command: sleep 300
    alpha:
      command: sleep 300
";

#[test]
fn declared_first_then_managed_then_foreign_and_origin_filters() {
    require_tmux!();
    let env = TestEnv::new();
    env.write_config(CONFIG);
    env.tmux(&["new-session", "-d", "-s", "byhand", "sleep", "300"]);
    env.ops(&["start", "adhoc", "-c", "sleep 300"]).success();
    env.ops(&["start", "alpha"]).success();
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux"]), @"
    exit: 0
    --- stdout
    NAME                                   STATE    BACKEND  PID    CREATED  ORIGIN
    zeta-declared-with-a-rather-long-name  defined  tmux     -      -        config
    alpha                                  running  tmux     [PID]  [AGO]    config
    adhoc                                  running  tmux     [PID]  [AGO]    managed
    byhand                                 running  tmux     [PID]  [AGO]    foreign
    --- stderr
    [EOF]
    ");
    insta::assert_snapshot!(env.ops(&["list", "-b", "tmux", "--origin", "foreign", "--origin", "managed", "-q"]), @"
    exit: 0
    --- stdout
    adhoc
    byhand
    --- stderr
    [EOF]
    ");
    let json = env
        .ops(&["list", "-b", "tmux", "--origin", "config", "--json"])
        .json();
    let names: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|row| row["name"].as_str())
        .collect();
    assert_eq!(names, ["zeta-declared-with-a-rather-long-name", "alpha"]);
}

#[test]
fn the_table_fits_columns_and_shortens_names_with_an_ellipsis() {
    require_tmux!();
    let env = TestEnv::new();
    // Declared sessions only: no PID or creation time whose width varies from run to run.
    env.write_config(CONFIG);
    let narrow = env.ops_with_env(&[("COLUMNS", OsStr::new("40"))], &["list", "-b", "tmux"]);
    narrow.success();
    for line in narrow.stdout.lines() {
        assert!(
            kstlib::ops::sanitize::display_width(line) <= 40,
            "wider than 40: {line:?}\n{narrow}"
        );
    }
    insta::assert_snapshot!(narrow, @"
    exit: 0
    --- stdout
    NAME            STATE    BACKEND  ORIGIN
    zeta-declared…  defined  tmux     config
    alpha           defined  tmux     config
    --- stderr
    [EOF]
    ");
    // A pipe without COLUMNS gets every column at full width.
    let piped = env.ops(&["list", "-b", "tmux"]);
    assert!(
        piped
            .stdout
            .contains("zeta-declared-with-a-rather-long-name"),
        "{piped}"
    );
}

#[test]
fn more_foreign_containers_than_a_screen_are_counted_on_one_line() {
    require_tmux!();
    require_runtime!(Rt::Docker);
    let env = TestEnv::new();
    // Two foreign containers at least (the host may have more), one line of screen.
    let hand = env.name("hand");
    env.run_foreign(Rt::Docker, &hand, &["sleep", "300"]);
    let other = env.name("other");
    env.run_foreign(Rt::Docker, &other, &["sleep", "300"]);
    let lines = [("LINES", OsStr::new("1"))];
    let folded = env.ops_with_env(&lines, &["list"]);
    folded.success();
    assert!(!folded.stdout.contains(&hand), "{folded}");
    let summary = folded.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("… and ")
            && summary.contains(" foreign containers (")
            && summary.ends_with("; --all shows them"),
        "{folded}"
    );
    let all = env.ops_with_env(&lines, &["list", "--all"]);
    assert!(all.stdout.contains(&hand), "{all}");
    // JSON always has every row.
    let json = env.ops_with_env(&lines, &["list", "--json"]);
    assert!(json.stdout.contains(&hand), "{json}");
}
