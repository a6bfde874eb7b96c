//! The few things kstlib does on a remote host without tmux or a runtime, as POSIX shell
//! scripts: constants of kstlib's source, run as `sh -c SCRIPT NAME ARGS…`, their data
//! only ever in the arguments (never pasted into the text).
//!
//! Locally kstlib reads `/proc`, sends signals and writes log files itself; on a remote
//! host, where nothing of kstlib's is installed, these scripts do the same with what every
//! Linux host has: `sh`, `cat`, `sed`, `tail`, `kill`, `mkdir`, `mv`, `date`, `awk`. They run
//! under any POSIX `sh` (dash, bash, busybox); each is tested by running it here.

use std::ffi::OsString;

/// A script and its name (its `$0`, which shows in `ps` on the host).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Script {
    name: &'static str,
    text: &'static str,
}

/// `~` and `~/…` at the start of `$f` become the home directory, as a shell would have
/// done for a path typed there (the path comes from kstlib, quoted, so no shell did).
macro_rules! home {
    () => {
        r#"case $f in "~") f=$HOME;; "~/"*) f=$HOME/${f#"~/"};; esac
"#
    };
}

/// `s=`: the state letter of process `$pid` (empty when it is gone), its stat read as one
/// line (a command name may hold a newline).
macro_rules! state_of_pid {
    () => {
        r#"  s=$(tr '\n' ' ' 2>/dev/null <"/proc/$pid/stat" | sed -n 's/^.*) \([A-Za-z]\).*$/\1/p')
"#
    };
}

impl Script {
    /// Which of the programs named in the arguments are on the host's `PATH`, the live
    /// tmux sockets' names in its socket directory (as tmux computes it there), and
    /// the user's ID.
    pub(crate) const PROBE: Script = Script {
        name: "kstlib-probe",
        text: r#"for p in "$@"; do
  command -v "$p" >/dev/null 2>&1 && printf 'program %s\n' "$p"
done
d=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)
for s in "$d"/*; do
  [ -S "$s" ] && printf 'socket %s\n' "${s##*/}"
done
exit 0
"#,
    };

    /// `/proc/PID/stat` of each PID given, each after a line `pid PID` (nothing when the
    /// process is gone), on one line: a command name may hold a newline.
    pub(crate) const STAT: Script = Script {
        name: "kstlib-stat",
        text: r#"for p in "$@"; do
  printf 'pid %s\n' "$p"
  [ -r "/proc/$p/stat" ] && tr '\n' ' ' 2>/dev/null <"/proc/$p/stat" && echo
done
exit 0
"#,
    };

    /// Sends signal `$1` (a name without `SIG`) to each process group given, or to the
    /// process of that number when it leads no group. (dash's `kill` needs `--` before a
    /// negative PID, busybox's refuses it: both forms are tried.)
    pub(crate) const SIGNAL: Script = Script {
        name: "kstlib-signal",
        text: r#"sig=$1
shift
for g in "$@"; do
  kill -s "$sig" -- "-$g" 2>/dev/null || kill -s "$sig" "-$g" 2>/dev/null ||
    kill -s "$sig" "$g" 2>/dev/null
done
exit 0
"#,
    };

    /// Sends signal `$2` (a name without `SIG`) to every live process of the session `$1`
    /// (field 6 of `/proc/PID/stat`), whatever its process group; prints how many there
    /// were.
    pub(crate) const SIGNAL_SESSION: Script = Script {
        name: "kstlib-signal-session",
        text: r#"sid=$1 sig=$2
n=0
# grep names each line's file: the PID comes from there, and a command name holding a
# newline (or a fake ") ") cannot make another process look like a member.
for p in $(grep -Hs '' /proc/[0-9]*/stat | awk -v sid="$sid" '
  { i = index($0, ":"); f = substr($0, 1, i - 1); s[f] = s[f] substr($0, i + 1) " " }
  END {
    for (f in s) {
      t = s[f]; sub(/^.*\) /, "", t); split(t, a, " ")
      if (a[4] == sid && a[1] != "Z" && a[1] != "X") { split(f, q, "/"); print q[3] }
    }
  }'); do
  kill -s "$sig" "$p" 2>/dev/null && n=$((n + 1))
done
echo "$n"
"#,
    };

    /// Waits until process `$1` has ended (gone, or a zombie), polling every 0.1 s up to
    /// `$2` times: exit 0 when it has, 1 when it still runs.
    pub(crate) const WAIT_GONE: Script = Script {
        name: "kstlib-wait",
        text: concat!(
            "pid=$1 n=$2 i=0\nwhile :; do\n",
            state_of_pid!(),
            r#"  case $s in ''|Z|X) exit 0;; esac
  [ "$i" -ge "$n" ] && exit 1
  i=$((i + 1))
  sleep 0.1
done
"#
        ),
    };

    /// The absolute path of directory `$1` (`~` is the home there), exit 1 if it is not
    /// one.
    pub(crate) const DIRECTORY: Script = Script {
        name: "kstlib-dir",
        text: concat!(
            "f=$1\n",
            home!(),
            // An exported CDPATH would send a relative path elsewhere, and `cd -` is
            // `cd $OLDPWD`.
            r#"case $f in -*) f=./$f;; esac
CDPATH= cd -P -- "$f" 2>/dev/null || exit 1
pwd
"#
        ),
    };

    /// Creates each directory given (and its parents), as `mkdir -p`.
    pub(crate) const MKDIRS: Script = Script {
        name: "kstlib-mkdirs",
        text: r#"for f in "$@"; do
  [ -d "$f" ] || { mkdir -p -- "$f" && printf 'created %s\n' "$f"; } || exit 1
done
"#,
    };

    /// The log `$1` and its rotated `$1.1`, as one stream, after a first line saying
    /// `log MTIME SIZE` (seconds since the epoch, and the size of `$1` the stream stops at)
    /// or `none`: all of it when `$2` is `all`, else its last `$2` lines.
    pub(crate) const LOG_TAIL: Script = Script {
        name: "kstlib-log-tail",
        text: concat!(
            "f=$1 n=$2\n",
            home!(),
            r#"[ -f "$f" ] || { echo none; exit 0; }
size=$(wc -c <"$f" | tr -d ' ')
printf 'log %s %s\n' "$(date -r "$f" +%s 2>/dev/null || echo -)" "$size"
if [ "$n" = all ]; then
  { cat -- "$f.1" 2>/dev/null; head -c "$size" -- "$f"; }
else
  { cat -- "$f.1" 2>/dev/null; head -c "$size" -- "$f"; } | tail -n "$n"
fi
"#
        ),
    };

    /// Appends kstlib's line `$2` to the log `$1` (if there is one), once its writer has
    /// let go of it (up to 1 s): how the run ended.
    pub(crate) const LOG_NOTE: Script = Script {
        name: "kstlib-log-note",
        text: concat!(
            "f=$1 note=$2\n",
            home!(),
            r#"[ -f "$f" ] || exit 0
i=0
while [ -d "$f.lock" ] && [ "$i" -lt 10 ]; do i=$((i + 1)); sleep 0.1; done
[ -n "$(tail -c 1 -- "$f")" ] && echo >>"$f"
printf '%s#%s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" "$note" >>"$f"
"#
        ),
    };

    /// Prints what the log `$1` holds from byte `$2` on, then each line written to it
    /// (across rotations) until process `$3` has ended (an empty `$3`: at once), or the
    /// reader has gone. Exit 3 when there is no log.
    pub(crate) const LOG_FOLLOW: Script = Script {
        name: "kstlib-log-follow",
        text: concat!(
            "f=$1 from=$2 pid=$3\n",
            home!(),
            r#"[ -f "$f" ] || exit 3
from=$((from + 1))
if [ -z "$pid" ]; then exec tail -c "+$from" -- "$f"; fi
tail -c "+$from" -F -- "$f" 2>/dev/null &
t=$!
while kill -0 "$t" 2>/dev/null; do
"#,
            state_of_pid!(),
            r#"  case $s in
  '' | Z | X)
    sleep 1
    { kill "$t" && wait "$t"; } 2>/dev/null
    exit 0
    ;;
  esac
  sleep 0.5
done
"#
        ),
    };

    /// The writer at the other end of a remote tmux session's pipe: what `kstlib ops
    /// __log-sink` does here, in `sh` and `awk`. `$1` is the log, `$2` its cap in bytes,
    /// `$3` how the previous run in it ended (or empty). A previous run is ended and
    /// rotated to `….1`; the new run starts with kstlib's `started` line; each line the
    /// program writes is stamped with the time (to the second: POSIX awk has no finer
    /// clock, `srand()` is its clock) and the file rotates before it would grow past its
    /// cap. Each line is written as soon as it is read. A directory `….lock` is held
    /// while it writes.
    pub(crate) const LOG_SINK: Script = Script {
        name: "kstlib-log-sink",
        text: concat!(
            "f=$1 max=$2 end=$3\n",
            home!(),
            r##"umask 077
mkdir -p -- "${f%/*}" || exit 1
# The lock (a directory: flock(1) is not everywhere) is held while the run writes, and
# let go however the sink ends but SIGKILL; a sink that finds one left behind waits 2 s,
# then writes anyway and clears it at its end.
i=0
while ! mkdir -- "$f.lock" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -ge 20 ] && break
  sleep 0.1
done
trap 'rmdir -- "$f.lock" 2>/dev/null' EXIT
trap 'exit 1' HUP INT TERM
if [ -s "$f" ]; then
  if [ -n "$end" ]; then
    [ -n "$(tail -c 1 -- "$f")" ] && echo >>"$f"
    printf '%s#%s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" "$end" >>"$f"
  fi
  mv -f -- "$f" "$f.1"
fi
KSTLIB_LOG=$f
export KSTLIB_LOG
# mawk (Debian's awk) reads a pipe in blocks unless told otherwise: a line would wait in
# its buffer until more come.
set --
awk -W version 2>/dev/null | head -n 1 | grep -q mawk && set -- -W interactive
LC_ALL=C awk "$@" '
function civil(t,   days, secs, z, era, doe, yoe, y, doy, mp, d, m) {
  days = int(t / 86400); secs = t - days * 86400
  z = days + 719468; era = int(z / 146097); doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
  mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
  m = mp < 10 ? mp + 3 : mp - 9
  if (m <= 2) y++
  return sprintf("%04d-%02d-%02dT%02d:%02d:%02d.000000Z", y, m, d,
    int(secs / 3600), int((secs % 3600) / 60), secs % 60)
}
function now(   t) {
  srand(); t = srand()
  if (t != last) { last = t; stamp = civil(t) }
  return stamp
}
function put(line) {
  if (size > 0 && size + length(line) + 1 > max) {
    close(file); system("mv -f -- \"$KSTLIB_LOG\" \"$KSTLIB_LOG.1\""); size = 0
  }
  printf "%s\n", line >> file; fflush(file); size += length(line) + 1
}
BEGIN { file = ARGV[1]; max = ARGV[2] + 0; ARGV[1] = ""; ARGV[2] = ""; put(now() "#started") }
{ put(now() " " $0) }
' "$f" "$max"
exit 0
"##
        ),
    };

    /// The script's text.
    #[cfg(test)]
    pub(crate) fn text(&self) -> &'static str {
        self.text
    }

    /// The argv that runs it with `args`: `sh -c SCRIPT NAME ARGS…`.
    pub(crate) fn argv<I, S>(&self, args: I) -> Vec<OsString>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let mut argv: Vec<OsString> = vec!["-c".into(), self.text.into(), self.name.into()];
        argv.extend(args.into_iter().map(Into::into));
        argv
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use std::time::Duration;

    use super::*;
    use crate::ops::exec::{Executor, Invocation, Output, SystemExecutor};

    const LIMIT: Duration = Duration::from_secs(10);

    /// Runs a script here, under the `sh` of this machine (dash on Debian).
    fn run(script: Script, args: &[&str]) -> Output {
        SystemExecutor
            .output(&Invocation::new("sh").args(script.argv(args)).timeout(LIMIT))
            .expect("sh runs")
    }

    #[test]
    fn the_probe_says_which_programs_exist() {
        let out = run(Script::PROBE, &["sh", "kstlib-no-such-program"]);
        assert!(out.success(), "{out:?}");
        let text = out.stdout_text();
        assert!(text.contains("program sh\n"), "{text}");
        assert!(!text.contains("kstlib-no-such-program"), "{text}");
    }

    #[test]
    fn stat_gives_each_process_or_nothing() {
        let me = std::process::id().to_string();
        let out = run(Script::STAT, &[&me, "999999999"]);
        let text = out.stdout_text();
        assert!(text.starts_with(&format!("pid {me}\n{me} (")), "{text}");
        assert!(text.ends_with("pid 999999999\n"), "{text}");
    }

    #[test]
    fn wait_gone_tells_a_running_process_from_a_gone_one() {
        let me = std::process::id().to_string();
        assert_eq!(run(Script::WAIT_GONE, &[&me, "1"]).code, Some(1));
        let gone = run(Script::WAIT_GONE, &["999999999", "1"]);
        assert_eq!((gone.code, gone.stderr_text().as_ref()), (Some(0), ""));
        let gone = run(Script::STAT, &["999999999"]);
        assert_eq!(
            (gone.stdout_text().as_ref(), gone.stderr_text().as_ref()),
            ("pid 999999999\n", "")
        );
    }

    #[test]
    fn a_session_is_signalled_whatever_the_groups_of_its_processes() {
        use std::os::unix::process::CommandExt;
        // One member's command name holds a newline and what reads as another stat line:
        // "1 (y) S …" must not make PID 1 a member, nor leave this one out.
        let dir = tempfile::tempdir().expect("temp dir");
        let odd = dir.path().join("z\n1 (y");
        let sleep = ["/bin/sleep", "/usr/bin/sleep"]
            .into_iter()
            .find(|path| std::path::Path::new(path).exists())
            .expect("sleep");
        std::fs::copy(sleep, &odd).expect("copy sleep");
        let mut leader = std::process::Command::new("sh");
        leader
            .args(["-c", "set -m; sleep 1043 & sleep 1044 & \"$0\" 1045 & wait"])
            .arg(&odd)
            .stdout(std::process::Stdio::null());
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            leader.pre_exec(|| {
                nix::unistd::setsid()
                    .map(|_| ())
                    .map_err(std::io::Error::from)
            });
        }
        let mut leader = leader.spawn().expect("spawn");
        let sid = leader.id().to_string();
        let deadline = std::time::Instant::now() + LIMIT;
        let count = || run(Script::SIGNAL_SESSION, &[&sid, "0"]).stdout_text();
        while count().trim() != "4" {
            assert!(std::time::Instant::now() < deadline, "{}", count());
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            run(Script::SIGNAL_SESSION, &[&sid, "KILL"]).stdout_text(),
            "4\n"
        );
        let _ = leader.wait();
        assert_eq!(
            run(Script::SIGNAL_SESSION, &[&sid, "KILL"]).stdout_text(),
            "0\n"
        );
    }

    #[test]
    fn directories_resolve_against_home_and_missing_ones_fail() {
        let out = run(Script::DIRECTORY, &["/"]);
        assert_eq!(out.stdout_text(), "/\n");
        assert_eq!(
            run(Script::DIRECTORY, &["/kstlib-no-such-dir"]).code,
            Some(1)
        );
        // Relative to where the script runs, whatever CDPATH says; `-` is a name.
        let with_cdpath = Invocation::new("sh")
            .args(Script::DIRECTORY.argv(["usr"]))
            .env("CDPATH", "/")
            .timeout(LIMIT);
        let out = SystemExecutor.output(&with_cdpath).expect("sh runs");
        assert_eq!(out.code, Some(1), "{out:?}");
        assert_eq!(run(Script::DIRECTORY, &["-"]).code, Some(1));
        let home = std::env::var("HOME").unwrap_or_default();
        if !home.is_empty() && std::path::Path::new(&home).is_dir() {
            let out = run(Script::DIRECTORY, &["~"]);
            assert_eq!(out.stdout_text().trim_end(), home);
        }
    }

    #[test]
    fn the_sink_stamps_lines_rotates_and_ends_the_previous_run() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = root.path().join("d/dev.log");
        let file = log.display().to_string();
        let sink = |input: &str, max: &str, end: &str| {
            SystemExecutor
                .output(
                    &Invocation::new("sh")
                        .args(Script::LOG_SINK.argv([file.as_str(), max, end]))
                        .stdin(input.as_bytes().to_vec())
                        .timeout(LIMIT),
                )
                .expect("sink runs")
        };
        let out = sink("one\nit's $(id)\n", "1024", "");
        assert!(out.success(), "{out:?}");
        let text = fs::read_to_string(&log).expect("log");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].ends_with("Z#started"), "{text}");
        assert_eq!(&lines[1][27..], " one");
        assert_eq!(&lines[2][27..], " it's $(id)");
        let stamp: jiff::Timestamp = lines[1][..27].parse().expect("an RFC 3339 stamp");
        let age = jiff::Timestamp::now().duration_since(stamp);
        assert!(age.as_secs() < 60, "stamped now: {stamp}");
        assert!(
            !root.path().join("d/dev.log.lock").exists(),
            "lock released"
        );
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&log).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // The next run ends this one and rotates it away.
        sink(
            "two\n",
            "1024",
            "exited with code 3 at 2026-12-02T04:28:16Z",
        )
        .success();
        let old = fs::read_to_string(root.path().join("d/dev.log.1")).expect("rotated");
        assert!(
            old.ends_with("Z#exited with code 3 at 2026-12-02T04:28:16Z\n"),
            "{old}"
        );
        // A small cap rotates within a run.
        let many: String = (0..40).map(|i| format!("line {i:02}\n")).collect();
        sink(&many, "1024", "").success();
        let current = fs::read_to_string(&log).expect("log");
        let rotated = fs::read_to_string(root.path().join("d/dev.log.1")).expect("rotated");
        assert!(current.len() <= 1024 && rotated.len() <= 1024);
        assert!(
            rotated.contains("#started") && current.ends_with(" line 39\n"),
            "{current}"
        );
    }

    #[test]
    fn the_sink_writes_each_line_as_it_comes() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = root.path().join("dev.log");
        let mut child = std::process::Command::new("sh")
            .args(Script::LOG_SINK.argv([log.display().to_string().as_str(), "4096", ""]))
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("sink");
        let mut input = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut input, b"first\n").expect("write");
        let deadline = std::time::Instant::now() + LIMIT;
        while !fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(" first")
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the line stayed in a buffer"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(input);
        assert!(child.wait().expect("wait").success());
    }

    #[test]
    fn follow_prints_from_an_offset_and_ends_at_once_without_a_program() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = root.path().join("dev.log");
        fs::write(&log, "old\nnew\n").expect("write");
        let file = log.display().to_string();
        let out = run(Script::LOG_FOLLOW, &[&file, "4", ""]);
        assert_eq!(out.stdout_text(), "new\n");
        let none = root.path().join("none.log").display().to_string();
        assert_eq!(run(Script::LOG_FOLLOW, &[&none, "0", ""]).code, Some(3));
    }

    #[test]
    fn the_tail_reads_both_files_and_notes_are_appended() {
        let root = tempfile::tempdir().expect("temp dir");
        let log = root.path().join("dev.log");
        fs::write(root.path().join("dev.log.1"), "a\nb\n").expect("write");
        fs::write(&log, "c\nd").expect("write");
        let file = log.display().to_string();
        let out = run(Script::LOG_NOTE, &[&file, "exited with code 1 at x"]);
        assert!(out.success(), "{out:?}");
        let out = run(Script::LOG_TAIL, &[&file, "3"]);
        let text = out.stdout_text();
        let (head, body) = text.split_once('\n').expect("a first line");
        let size = fs::metadata(&log).expect("stat").len();
        assert!(
            head.starts_with("log ") && head.ends_with(&format!(" {size}")),
            "{text}"
        );
        assert!(body.starts_with("c\nd\n"), "{text}");
        assert!(body.ends_with("Z#exited with code 1 at x\n"), "{text}");
        let all = run(Script::LOG_TAIL, &[&file, "all"]).stdout_text();
        assert!(all.contains("a\nb\nc\nd\n"), "{all}");
        let none = root.path().join("none.log").display().to_string();
        assert_eq!(run(Script::LOG_TAIL, &[&none, "3"]).stdout_text(), "none\n");
    }
}
