//! Output that cannot attack the terminal: what programs print and the names of sessions
//! kstlib did not create reach the terminal with their control, bidi and zero-width
//! characters escaped (escape sequences removed from program output unless `--ansi`), no
//! line of output is lost to a sequence that never ends, and tables stay aligned.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kstlib::ops::sanitize::display_width;

use crate::env::{Rt, TestEnv};
use crate::{on_both_runtimes, require_tmux};

on_both_runtimes!(
    logs_keep_every_line_after_an_unterminated_osc,
    logs_escape_c1_bidi_and_zero_width_characters_unless_ansi,
    list_aligns_a_container_with_foreign_tmux_sessions_named_in_bidi_and_cjk,
);

/// The issue's program: one line, then an OSC (`ESC ]`) that is never terminated, then 50
/// lines. A terminal would swallow those 50 lines; `logs` printed none of them.
const UNTERMINATED_OSC: &str = r#"echo before; printf "\033]x\n"; seq 1 50; sleep 600"#;

/// C1 CSI (U+009B) that a UTF-8 terminal may obey, backspaces that hide "evil" and a
/// bell; then a right-to-left override, a zero-width space, a BOM, a tab and a form feed.
const TRICKY: &str = r#"printf "csi:\302\2332J bs:evil\b\b\b\bgood bel:\a\n"; printf "bidi:\342\200\256txt zw:a\342\200\213b bom:\357\273\277x tab:\tff:\014y\n"; sleep 600"#;

/// What `logs` prints for [`TRICKY`]: the C1 control and the invisible characters escaped,
/// the backspaces and the bell gone with the other terminal controls, the tab kept.
const TRICKY_CLEAN: &str = "csi:\\u{9b}2J bs:evilgood bel:\n\
                            bidi:\\u{202e}txt zw:a\\u{200b}b bom:\\u{feff}x tab:\tff:\\u{c}y\n";

/// The same with `--ansi`: as the program wrote it.
const TRICKY_RAW: &str = "csi:\u{9b}2J bs:evil\u{8}\u{8}\u{8}\u{8}good bel:\u{7}\n\
                          bidi:\u{202e}txt zw:a\u{200b}b bom:\u{feff}x tab:\tff:\u{c}y\n";

/// Runs `kstlib ops logs ARGS… --follow` until it has printed `n` lines (at most 10 s),
/// then ends it: the programs here never exit, so neither would `--follow`.
fn follow(env: &TestEnv, args: &[&str], n: usize) -> String {
    let mut child = env
        .command()
        .args(["ops", "logs", "--follow"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn kstlib");
    let stdout = child.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).split(b'\n') {
            let line = String::from_utf8(line.expect("read")).expect("utf-8");
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut text = String::new();
    for _ in 0..n {
        let left = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(left) {
            Ok(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    text
}

fn logs_keep_every_line_after_an_unterminated_osc(rt: Rt) {
    // Started by kstlib (a TTY: `\r\n` line ends) and by hand (no TTY).
    let env = TestEnv::new();
    let ours = env.name("osc");
    env.start_container(rt, &ours, &format!("sh -c '{UNTERMINATED_OSC}'"), &[])
        .success();
    let theirs = env.name("oscbyhand");
    env.run_foreign(rt, &theirs, &["sh", "-c", UNTERMINATED_OSC]);
    // The sequence ends at its line: that line is empty, the 50 after it are all there.
    let numbers: String = (1..=50).map(|i| format!("{i}\n")).collect();
    let all = format!("before\n\n{numbers}");
    for name in [&ours, &theirs] {
        env.wait_for_stdout(&["logs", name], &all);
        let run = env.ops(&["logs", name, "-n", "51"]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (Some(0), &all[7..]),
            "{run}"
        );
        assert_eq!(follow(&env, &[name, "-n", "52"], 52), all, "{name}");
    }
}

fn logs_escape_c1_bidi_and_zero_width_characters_unless_ansi(rt: Rt) {
    let env = TestEnv::new();
    let ours = env.name("tricky");
    env.start_container(rt, &ours, &format!("sh -c '{TRICKY}'"), &[])
        .success();
    let theirs = env.name("trickybyhand");
    env.run_foreign(rt, &theirs, &["sh", "-c", TRICKY]);
    for name in [&ours, &theirs] {
        env.wait_for_stdout(&["logs", name], TRICKY_CLEAN);
        let run = env.ops(&["logs", name, "-n", "1"]);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (
                Some(0),
                &TRICKY_CLEAN[TRICKY_CLEAN.find("bidi").unwrap_or(0)..],
                ""
            ),
            "{run}"
        );
        let ansi = env.ops(&["logs", name, "--ansi"]);
        assert_eq!(ansi.stdout, TRICKY_RAW, "{ansi}");
        assert_eq!(follow(&env, &[name, "-n", "2"], 2), TRICKY_CLEAN, "{name}");
        assert_eq!(
            follow(&env, &[name, "-n", "2", "--ansi"], 2),
            TRICKY_RAW,
            "{name}"
        );
    }
}

/// Starts a session on this test's default tmux server by hand (as a user would, without
/// kstlib) running `script` through tmux's shell; the session stays once it has ended.
fn tmux_by_hand(env: &TestEnv, name: &str, script: &str) {
    // tmux turns `.` into `_` in names; `=` + the name as tmux keeps it targets it exactly.
    let target = format!("={}:", name.replace('.', "_"));
    let out = env.tmux(&[
        "new-session",
        "-d",
        "-s",
        name,
        script,
        ";",
        "set-option",
        "-w",
        "-t",
        &target,
        "remain-on-exit",
        "on",
    ]);
    assert!(out.status.success(), "{out:?}");
}

/// Waits until every tmux session of this test has ended.
fn wait_all_exited(env: &TestEnv) {
    env.wait_for("the sessions to end", || {
        let list = env.ops(&["list", "-b", "tmux", "--json"]).json();
        list.as_array()
            .is_some_and(|rows| rows.iter().all(|row| row["state"] == "exited"))
    });
}

/// A name that reads `evilexe.txt` on a terminal that obeys the right-to-left override.
const BIDI_NAME: &str = "evil\u{202e}txt.exe";

#[test]
fn list_escapes_and_aligns_foreign_tmux_sessions_named_in_bidi_zero_width_and_cjk() {
    require_tmux!();
    let env = TestEnv::new();
    tmux_by_hand(&env, BIDI_NAME, "exit 3");
    tmux_by_hand(&env, "zw\u{200b}x", "true");
    tmux_by_hand(&env, "plain", "true");
    tmux_by_hand(&env, "漢字", "true");
    wait_all_exited(&env);
    let run = env.ops(&["list", "-b", "tmux"]);
    // Only the creation times are redacted (`[AGO]`), and the table aligned again.
    assert_eq!(
        (
            run.code,
            env.redact(&run.stdout).as_str(),
            run.stderr.as_str()
        ),
        (
            Some(0),
            "\
NAME                 STATE       BACKEND  CREATED  ORIGIN
evil\\u{202e}txt_exe  exited (3)  tmux     [AGO]    foreign
plain                exited (0)  tmux     [AGO]    foreign
zw\\u{200b}x          exited (0)  tmux     [AGO]    foreign
漢字                 exited (0)  tmux     [AGO]    foreign
",
            ""
        ),
        "{run}"
    );
    let quiet = env.ops(&["list", "-b", "tmux", "-q"]);
    assert_eq!(
        quiet.stdout, "evil\\u{202e}txt_exe\nplain\nzw\\u{200b}x\n漢字\n",
        "{quiet}"
    );
    // JSON is for programs: the names as tmux has them.
    let json = env.ops(&["list", "-b", "tmux", "--json"]).json();
    let names: Vec<String> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| row["name"].as_str().unwrap_or("?").to_owned())
        .collect();
    assert_eq!(
        names,
        ["evil\u{202e}txt_exe", "plain", "zw\u{200b}x", "漢字"]
    );
}

#[test]
fn an_error_naming_a_foreign_tmux_session_escapes_its_bidi_override() {
    require_tmux!();
    let env = TestEnv::new();
    tmux_by_hand(&env, BIDI_NAME, "exit 3");
    wait_all_exited(&env);
    for command in ["status", "logs", "stop"] {
        let run = env.ops(&[command, "evil\u{202e}txt_exe"]);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (
                Some(3),
                "",
                "error: invalid session name 'evil\\u{202e}txt_exe': contains '\\u{202e}'; use \
                 an ASCII letter followed by ASCII letters, digits, '_' or '-'\n"
            ),
            "{command}\n{run}"
        );
    }
}

#[test]
fn tmux_logs_escape_bidi_and_zero_width_characters_unless_ansi() {
    require_tmux!();
    let env = TestEnv::new();
    let script = r#"printf "csi:\302\2332J bs:evil\b\b\b\bgood bel:\a\n"; printf "bidi:\342\200\256txt zw:a\342\200\213b bom:\357\273\277x\n"; sleep 1"#;
    // Started by kstlib: its log file has the bytes as the program wrote them, and they
    // go through the same filter as a container's.
    env.ops(&["start", "tricky", "-c", &format!("sh -c '{script}'")])
        .success();
    // Started by hand: no log file, so its pane is read. tmux's own terminal has already
    // obeyed the controls (the backspaces moved its cursor, it dropped the C1 CSI), but
    // keeps the invisible characters in its cells.
    tmux_by_hand(&env, "hand", &format!("sh -c '{script}'"));
    wait_all_exited(&env);
    let file_clean =
        "csi:\\u{9b}2J bs:evilgood bel:\nbidi:\\u{202e}txt zw:a\\u{200b}b bom:\\u{feff}x\n";
    let file_raw = "csi:\u{9b}2J bs:evil\u{8}\u{8}\u{8}\u{8}good bel:\u{7}\nbidi:\u{202e}txt zw:a\u{200b}b bom:\u{feff}x\n";
    let pane_clean = "csi:2J bs:good bel:\nbidi:\\u{202e}txt zw:a\\u{200b}b bom:\\u{feff}x\n";
    let pane_raw = "csi:2J bs:good bel:\nbidi:\u{202e}txt zw:a\u{200b}b bom:\u{feff}x\n";
    for (name, clean, raw) in [
        ("tricky", file_clean, file_raw),
        ("hand", pane_clean, pane_raw),
    ] {
        for (args, expected) in [
            (vec!["logs", name], clean),
            (vec!["logs", name, "--follow"], clean),
            (vec!["logs", name, "--ansi"], raw),
            (vec!["logs", name, "--follow", "--ansi"], raw),
        ] {
            let run = env.ops(&args);
            assert_eq!(
                (run.code, run.stdout.as_str(), run.stderr.as_str()),
                (Some(0), expected, ""),
                "{args:?}\n{run}"
            );
        }
    }
}

/// The cells of a table row: each starts in the display column of its header word.
fn cells_under(header: &str, line: &str) -> Vec<String> {
    let starts: Vec<usize> = header
        .match_indices(|c: char| c != ' ')
        .filter(|(i, _)| *i == 0 || header.as_bytes()[i - 1] == b' ')
        .map(|(i, _)| i)
        .collect();
    let mut cells = vec![String::new(); starts.len()];
    let mut column = 0;
    for c in line.chars() {
        let index = starts
            .iter()
            .rposition(|&start| start <= column)
            .unwrap_or(0);
        cells[index].push(c);
        column += display_width(c.encode_utf8(&mut [0; 4]));
    }
    cells
        .iter()
        .map(|cell| cell.trim_end().to_owned())
        .collect()
}

fn list_aligns_a_container_with_foreign_tmux_sessions_named_in_bidi_and_cjk(rt: Rt) {
    // `list` shows every container on the host, other tests' too: the rows of this test's
    // names are checked, each cell in its header's column.
    let env = TestEnv::new();
    tmux_by_hand(&env, BIDI_NAME, "exit 3");
    tmux_by_hand(&env, "漢字", "true");
    wait_all_exited(&env);
    let hand = env.name("hand");
    env.run_foreign(rt, &hand, &["sleep", "300"]);
    let json = env.ops(&["list", "--json"]).json();
    let pid = json
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == hand.as_str()))
        .and_then(|row| row["pid"].as_u64())
        .map_or("-".to_owned(), |pid| pid.to_string());
    let run = env.ops(&["list"]);
    run.success();
    let mut lines = run.stdout.lines();
    let header = lines.next().expect("a header");
    let rows: Vec<Vec<String>> = lines
        .map(|line| {
            // Creation times vary: `[AGO]`, as the snapshots show them.
            let mut cells = cells_under(header, line);
            for cell in &mut cells {
                if cell.ends_with(" ago") {
                    *cell = "[AGO]".to_owned();
                }
            }
            cells
        })
        .filter(|cells| {
            // The name raw too: a row that shows it unescaped must fail, not go unseen.
            [
                "evil\u{202e}txt_exe",
                "evil\\u{202e}txt_exe",
                "漢字",
                hand.as_str(),
            ]
            .contains(&cells[0].as_str())
        })
        .collect();
    let image = rt.image_as_reported();
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "evil\\u{202e}txt_exe",
            "exited (3)",
            "tmux",
            "-",
            "[AGO]",
            "foreign",
        ],
        vec![&hand, "running", rt.as_str(), &image, "[AGO]", "foreign"],
        vec!["漢字", "exited (0)", "tmux", "-", "[AGO]", "foreign"],
    ];
    // The PID column is there when some row on the host has a PID.
    let expected: Vec<Vec<&str>> = match header.contains("  PID  ") {
        true => expected
            .into_iter()
            .map(|mut row| {
                let pid_cell = if row[0] == hand.as_str() {
                    pid.as_str()
                } else {
                    "-"
                };
                row.insert(3, pid_cell);
                row
            })
            .collect(),
        false => expected,
    };
    let mut rows = rows;
    rows.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(rows, expected, "{run}");
}
