//! `logs` of containers: exactly the last N lines, both streams, clean text unless
//! `--ansi`, and `--follow`. Every scenario runs on both runtimes.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::env::{Rt, TestEnv};
use crate::on_both_runtimes;

on_both_runtimes!(
    logs_n_prints_exactly_the_last_n_lines_of_both_streams,
    logs_of_a_tty_container_are_clean_text_unless_ansi,
    follow_streams_until_the_container_exits,
    lines_written_in_pieces_are_whole_lines_in_logs,
);

fn logs_n_prints_exactly_the_last_n_lines_of_both_streams(rt: Rt) {
    // §11.9. A container started by hand, without a TTY: stdout and stderr are two
    // streams (and Podman's own `--tail` counts them apart). The pauses keep the order in
    // which the runtime records the two streams unambiguous.
    let env = TestEnv::new();
    let name = env.name("streams");
    env.run_foreign(
        rt,
        &name,
        &[
            "sh",
            "-c",
            "for i in 1 2 3; do echo out $i; sleep 0.2; echo err $i >&2; sleep 0.2; done; \
             printf 'cr\\r\\n'; exec sleep 300",
        ],
    );
    let all = "out 1\nerr 1\nout 2\nerr 2\nout 3\nerr 3\ncr\n";
    env.wait_for_stdout(&["logs", &name], all);
    for (n, expected) in [
        ("1", "cr\n"),
        ("3", "out 3\nerr 3\ncr\n"),
        ("4", "err 2\nout 3\nerr 3\ncr\n"),
        ("7", all),
        ("50", all),
    ] {
        let run = env.ops(&["logs", &name, "-n", n]);
        run.success();
        assert_eq!(run.stdout, expected, "-n {n}\n{run}");
        assert!(run.stderr.is_empty(), "{run}");
    }
    assert_eq!(
        env.ops(&["logs", &name, "--lines", "2", "--ansi"]).stdout,
        "err 3\ncr\n"
    );
}

fn logs_of_a_tty_container_are_clean_text_unless_ansi(rt: Rt) {
    // kstlib's containers have a TTY: one stream, `\r\n` line ends, colours as written.
    let env = TestEnv::new();
    let name = env.name("tty");
    env.start_container(
        rt,
        &name,
        r#"sh -c 'echo one; printf "\033[31mred\033[0m\n"; echo err >&2; printf "cr\r\n"; exec sleep 300'"#,
        &[],
    )
    .success();
    env.wait_for_stdout(&["logs", &name], "one\nred\nerr\ncr\n");
    assert_eq!(
        env.ops(&["logs", &name, "-n", "3"]).stdout,
        "red\nerr\ncr\n"
    );
    let ansi = env.ops(&["logs", &name, "-n", "3", "--ansi"]).stdout;
    assert_eq!(ansi, "\u{1b}[31mred\u{1b}[0m\nerr\ncr\n", "{ansi:?}");
}

fn follow_streams_until_the_container_exits(rt: Rt) {
    let env = TestEnv::new();
    let name = env.name("follow");
    let data = env.root().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let volume = format!("{}:/data", data.display());
    // Says one line, then waits for the test's go-ahead, says another and exits.
    env.start_container(
        rt,
        &name,
        "sh -c 'echo tick 1; while [ ! -e /data/go ]; do sleep 0.1; done; echo tick 2; exit 0'",
        &["-v", &volume],
    )
    .success();
    let mut child = env
        .command()
        .args(["ops", "logs", &name, "--follow", "-n", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn kstlib");
    // Lines arrive through a channel, so that a `--follow` that never ends fails the test
    // instead of hanging it.
    let stdout = child.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.expect("utf-8")).is_err() {
                break;
            }
        }
    });
    let limit = Duration::from_secs(10);
    assert_eq!(received.recv_timeout(limit).as_deref(), Ok("tick 1"));
    // The program is waiting for the file, so `--follow` must still be waiting too.
    assert!(child.try_wait().expect("try_wait").is_none(), "ended early");
    std::fs::write(data.join("go"), "").expect("write go");
    assert_eq!(received.recv_timeout(limit).as_deref(), Ok("tick 2"));
    // Then the container exits, and so does `--follow` (its stdout closes).
    assert_eq!(
        received.recv_timeout(limit),
        Err(mpsc::RecvTimeoutError::Disconnected)
    );
    let status = child.wait_timeout(limit).expect("wait").expect("exited");
    assert_eq!(status.code(), Some(0));
    // The engine may record the exit a moment after the log stream ends.
    env.wait_for_stdout(&["status", &name, "-q"], &format!("{name}: exited\n"));
    assert_eq!(env.ops(&["status", &name, "--json"]).json()["exit_code"], 0);
}

fn lines_written_in_pieces_are_whole_lines_in_logs(rt: Rt) {
    // A line written in several writes is stored by the runtime as partial records. Podman
    // 4.3's `logs --tail` drops or reorders those (its plain `logs` does not), so a busy
    // program's first line went missing from `logs` at random.
    let env = TestEnv::new();
    let script = "printf one; sleep 0.3; echo \" more\"; echo two; printf three; sleep 0.3; echo; \
                  sleep 1; exit 0";
    let ours = env.name("pieces");
    env.start_container(rt, &ours, &format!("sh -c '{script}'"), &[])
        .success();
    let theirs = env.name("piecesbyhand");
    env.run_foreign(rt, &theirs, &["sh", "-c", script]);
    for name in [&ours, &theirs] {
        env.wait_for_stdout(&["status", name, "-q"], &format!("{name}: exited\n"));
        for (args, expected) in [
            (vec!["logs", name.as_str()], "one more\ntwo\nthree\n"),
            (
                vec!["logs", name.as_str(), "-n", "3"],
                "one more\ntwo\nthree\n",
            ),
            (vec!["logs", name.as_str(), "-n", "2"], "two\nthree\n"),
            (vec!["logs", name.as_str(), "-n", "1"], "three\n"),
            (
                vec!["logs", name.as_str(), "--follow", "-n", "2"],
                "two\nthree\n",
            ),
            (
                vec!["logs", name.as_str(), "--follow", "-n", "3"],
                "one more\ntwo\nthree\n",
            ),
        ] {
            let run = env.ops(&args);
            run.success();
            assert_eq!(run.stdout, expected, "{args:?}\n{run}");
        }
    }
}
