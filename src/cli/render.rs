//! How results look: tables and sentences for people, JSON for programs, one line with
//! `--quiet`. Everything here returns text; `mod.rs` writes it.
//!
//! Colours are written as ANSI codes and stripped by `anstream` when the output is not a
//! terminal, `NO_COLOR` is set or `--color never` was given.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use jiff::Timestamp;
use serde::Serialize;

use crate::ops::sanitize::{display_width, escape};

use super::table::pad;
use crate::ops::{
    Error, SessionState, SessionStatus, StopMethod, StopReport,
    model::{ListRow, exit_description},
};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const GREEN: Style = AnsiColor::Green.on_default();
const CYAN: Style = AnsiColor::Cyan.on_default();

/// `text` in `style`, reset after it.
pub(crate) fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// The colour of a state, in tables and `status`.
pub(crate) fn state_style(state: SessionState) -> Style {
    match state {
        SessionState::Running => GREEN,
        SessionState::Defined => DIM,
        SessionState::Exited | SessionState::Stopped | SessionState::Paused => YELLOW,
        SessionState::Restarting => CYAN,
        SessionState::Unknown | SessionState::Invalid => RED,
    }
}

/// The state as shown to people: `exited (1)`, `exited (SIGKILL)`, `running (drift)` for a
/// declared session that no longer matches its config entry.
pub(crate) fn state_text(status: &SessionStatus) -> String {
    let state = match (status.state, &status.exit_signal, status.exit_code) {
        (SessionState::Exited, Some(signal), _) => format!("exited ({signal})"),
        (SessionState::Exited, None, Some(code)) => format!("exited ({code})"),
        (state, _, _) => state.to_string(),
    };
    match status.drift {
        Some(true) => format!("{state} (drift)"),
        _ => state,
    }
}

/// `2026-11-26 11:17:59 UTC (3 min ago)`.
fn created_text(created: Timestamp) -> String {
    let ago = match Timestamp::now().duration_since(created).as_secs() {
        ..0 => String::new(),
        _ => format!(" ({})", ago(created, Timestamp::now())),
    };
    format!("{}{ago}", created.strftime("%Y-%m-%d %H:%M:%S UTC"))
}

/// `12 s ago`, `3 min ago`, `5 h ago`, `2 days ago`: how long before `now`.
pub(crate) fn ago(time: Timestamp, now: Timestamp) -> String {
    match now.duration_since(time).as_secs() {
        ..0 => "just now".to_owned(),
        age @ 0..60 => format!("{age} s ago"),
        age @ 60..3600 => format!("{} min ago", age / 60),
        age @ 3600..86_400 => format!("{} h ago", age / 3600),
        age => format!("{} days ago", age / 86_400),
    }
}

/// The tmux server, when it is not the default one: its `-L` name, else its `-S` path.
pub(crate) fn socket_text(status: &SessionStatus) -> Option<String> {
    status
        .socket
        .as_ref()
        .filter(|socket| !socket.is_default())
        .map(ToString::to_string)
}

/// `kstlib ops status` for people.
pub fn status_table(status: &SessionStatus) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        ("State", state_text(status)),
        ("Backend", status.backend.to_string()),
    ];
    if let Some(host) = &status.host {
        rows.push(("Host", host.clone()));
    }
    if let Some(pid) = status.pid.filter(|&pid| pid != 0) {
        rows.push(("PID", pid.to_string()));
    }
    if let Some(created) = status.created_at {
        rows.push(("Created", created_text(created)));
    }
    if status.window_count > 0 {
        rows.push(("Windows", status.window_count.to_string()));
    }
    if let Some(socket) = socket_text(status) {
        rows.push(("Socket", socket));
    }
    if let Some(runtime) = status.runtime {
        rows.push(("Runtime", runtime.to_string()));
    }
    if let Some(image) = status.image.as_deref().filter(|image| !image.is_empty()) {
        rows.push(("Image", image.to_owned()));
    }
    if let Some(id) = &status.id {
        rows.push(("ID", id.chars().take(12).collect()));
    }
    if !status.ports.is_empty() {
        rows.push(("Ports", status.ports.join(", ")));
    }
    if let Some(code) = status.exit_code {
        rows.push(("Exit Code", code.to_string()));
    }
    if let Some(signal) = &status.exit_signal {
        rows.push(("Signal", signal.clone()));
    }
    rows.push(("Origin", status.origin.to_string()));
    if status.drift == Some(true) {
        rows.push((
            "Drift",
            format!(
                "it no longer matches its config entry; `kstlib ops restart {}` applies it",
                status.name
            ),
        ));
    }
    if let Some(detail) = &status.detail {
        rows.push(("Detail", detail.clone()));
    }
    let width = rows
        .iter()
        .map(|(key, _)| display_width(key))
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "{}\n",
        paint(BOLD, &format!("Session: {}", escape(&status.name)))
    );
    for (key, value) in rows {
        let value = match key {
            "State" => paint(state_style(status.state), &value),
            _ => escape(&value).into_owned(),
        };
        let _ = writeln!(out, "  {}  {value}", paint(CYAN, &pad(key, width)));
    }
    out
}

/// `list --json`: an array, as upstream, of rows in upstream's key order.
pub fn list_json(sessions: &[SessionStatus]) -> String {
    let rows: Vec<ListRow<'_>> = sessions.iter().map(ListRow).collect();
    json(&rows)
}

/// Any value as pretty JSON (2-space indent, as upstream) with a final newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising our own plain data cannot fail; an empty object is a safe fallback.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// The error object that `--json` prints on stdout when a command fails:
/// `{"error": {"kind", "message", "exit_code"}}`, with the error's details, the program's
/// last output and a hint when there are any. `source` is what it comes from.
pub fn error_json(kind: &str, message: &str, exit_code: u8, source: &dyn ErrorSource) -> String {
    #[derive(Serialize)]
    struct Object<'a> {
        error: Body<'a>,
    }
    #[derive(Serialize)]
    struct Body<'a> {
        kind: &'a str,
        message: &'a str,
        exit_code: u8,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        details: Vec<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        output: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
    }
    json(&Object {
        error: Body {
            kind,
            message: message.trim_end(),
            exit_code,
            details: source.details(),
            output: source.output(),
            hint: source.hint(),
        },
    })
}

/// What an error object says beyond its message.
pub trait ErrorSource {
    /// Lines of detail under the message.
    fn details(&self) -> Vec<String> {
        Vec::new()
    }
    /// The last lines the session's program printed.
    fn output(&self) -> Vec<String> {
        Vec::new()
    }
    /// What to do next.
    fn hint(&self) -> Option<String> {
        None
    }
}

impl ErrorSource for Error {
    fn details(&self) -> Vec<String> {
        Error::details(self).to_vec()
    }
    fn output(&self) -> Vec<String> {
        Error::output(self).to_vec()
    }
    fn hint(&self) -> Option<String> {
        super::hint::hint(self)
    }
}

/// A usage error says nothing more than its message.
impl ErrorSource for clap::Error {}

/// `start` and `restart` for people: `Session 'web' started (podman, pid 42).`
pub fn started(status: &SessionStatus, verb: &str) -> String {
    let pid = status
        .pid
        .map(|pid| format!(", pid {pid}"))
        .unwrap_or_default();
    format!(
        "Session '{}' {verb} ({}{pid}).\n",
        escape(&status.name),
        escape(&status.location())
    )
}

/// `stop` for people. `keep` says whether `--keep` was given.
pub fn stopped(report: &StopReport, keep: bool) -> String {
    let name = escape(&report.name);
    let took = match report.elapsed_ms {
        ms @ 0..1000 => format!("{ms} ms"),
        ms => format!("{:.1} s", ms as f64 / 1000.0),
    };
    let exit = exit_description(report.exit_code, None);
    let signal = report.signal.as_deref().unwrap_or("its stop signal");
    let what = match report.method {
        StopMethod::Graceful => {
            format!("Session '{name}' stopped on {signal} in {took} ({exit}).")
        }
        StopMethod::Killed => format!(
            "Session '{name}' did not stop on {signal} within the timeout and was killed ({took})."
        ),
        StopMethod::Forced => format!("Session '{name}' killed (--force)."),
        StopMethod::AlreadyExited => format!("Session '{name}' had already exited ({exit})."),
        StopMethod::AlreadyStopped => {
            format!("Session '{name}' was stopped meanwhile, by another command.")
        }
    };
    let leftovers = match report.leftovers_killed {
        0 => String::new(),
        1 => " 1 other process of its session was still running and was killed.".to_owned(),
        n => format!(" {n} other processes of its session were still running and were killed."),
    };
    let kept = match (report.removed, keep, report.method) {
        (true, _, _) | (false, _, StopMethod::AlreadyStopped) => "",
        (false, true, _) => " Kept, as asked.",
        (false, false, _) => " Kept: kstlib did not create it (--rm removes it).",
    };
    format!("{what}{leftovers}{kept}\n")
}

/// An error for people: `error: …` in one line, then details and a hint. `color` says
/// whether the config snippet renderer may colour its output.
pub fn error(err: &Error, color: bool) -> String {
    let mut out = match err {
        // A config error has its own report: one title line, then its place, notes and
        // help each on a line of its own.
        Error::Config(errors) => errors
            .iter()
            .map(|config_error| ending_in_newline(config_error.render(color)))
            .collect(),
        _ => error_line(&err.to_string()),
    };
    let output = err.output();
    if !output.is_empty() {
        let _ = writeln!(out, "last output:");
        for line in output {
            let _ = writeln!(out, "  | {}", escape(line));
        }
    }
    for line in err.details() {
        let _ = writeln!(out, "  {}", escape(line));
    }
    if let Some(hint) = super::hint::hint(err) {
        let _ = writeln!(out, "{} {}", paint(CYAN, "hint:"), escape(&hint));
    }
    out
}

/// `doctor` for people: one line per check, a hint under what needs one.
pub fn doctor(checks: &[crate::ops::doctor::Check]) -> String {
    use crate::ops::doctor::Health;
    let width = checks
        .iter()
        .map(|c| display_width(&escape(&c.label())))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for check in checks {
        let (mark, style) = match check.health {
            Health::Ok => ("ok", GREEN),
            Health::Absent => ("--", DIM),
            Health::Missing | Health::Broken => ("!!", RED),
        };
        let needed = match check.needed_by.as_slice() {
            [] => String::new(),
            // What is fine needs no list of who uses it, unless it is missing or broken.
            _ if !check.health.is_problem() => String::new(),
            who => format!("; needed by {}", who.join(", ")),
        };
        let _ = writeln!(
            out,
            "{}  {}  {}{}",
            paint(style, mark),
            pad(&escape(&check.label()), width),
            escape(&check.detail),
            escape(&needed)
        );
        // What is absent and not needed gets no advice; everything else does, a problem's
        // remedy or a healthy engine's faster path.
        if let (Some(hint), false) = (&check.hint, check.health == Health::Absent) {
            let _ = writeln!(out, "    {} {}", paint(CYAN, "hint:"), escape(hint));
        }
    }
    out
}

/// `--quiet`: `NAME: WORD`, one line.
pub fn quiet(name: &str, word: impl std::fmt::Display) -> String {
    format!("{}: {}\n", escape(name), escape(&word.to_string()))
}

/// `working_dir and socket_name are`, `image is`: session keys in a sentence.
pub fn keys_are(keys: &[crate::ops::config::SessionKey]) -> String {
    let names: Vec<&str> = keys.iter().map(|key| key.as_str()).collect();
    match names.as_slice() {
        [one] => format!("{one} is"),
        [rest @ .., last] => format!("{} and {last} are", rest.join(", ")),
        [] => String::new(),
    }
}

/// The line `attach` prints before it attaches: how to detach.
pub fn detach_hint(manager: &crate::ops::SessionManager) -> String {
    let keys = match manager.backend() {
        crate::ops::BackendType::Tmux => "Ctrl-B D",
        crate::ops::BackendType::Container => "Ctrl-P Ctrl-Q",
    };
    format!(
        "{} attaching to '{}'; detach with {keys}, the session keeps running\n",
        paint(CYAN, "note:"),
        escape(manager.name())
    )
}

/// What a spinner says while the library waits:
/// `waiting for astro to exit after SIGTERM (up to 10 s)`.
pub fn waiting(wait: &crate::ops::progress::Wait) -> String {
    use crate::ops::progress::Wait;
    let name = escape(wait.session());
    let up_to = wait
        .limit()
        .map(|limit| format!(" (up to {})", duration_text(limit)))
        .unwrap_or_default();
    match wait {
        Wait::Exit { signal, .. } => {
            format!("waiting for {name} to exit after {}{up_to}", escape(signal))
        }
        Wait::Create { image, runtime, .. } => format!(
            "starting {name} on {runtime} from {}, pulling it if it is not local{up_to}",
            escape(image)
        ),
        Wait::Start { .. } => format!("watching {name} start{up_to}"),
    }
}

/// `10 s`, `2.5 s`, `10 min`, `2 h`: a time limit for people.
pub fn duration_text(duration: std::time::Duration) -> String {
    let secs = duration.as_secs_f64();
    match duration.as_secs() {
        0..60 if duration.subsec_millis() == 0 => format!("{} s", duration.as_secs()),
        0..60 => format!("{secs:.1} s"),
        60..3600 if duration.as_secs().is_multiple_of(60) => {
            format!("{} min", duration.as_secs() / 60)
        }
        60..3600 => format!("{:.1} min", secs / 60.0),
        _ if duration.as_secs().is_multiple_of(3600) => format!("{} h", duration.as_secs() / 3600),
        _ => format!("{:.1} h", secs / 3600.0),
    }
}

/// `note: TEXT`, one line for stderr.
pub fn note(text: &str) -> String {
    format!("{} {}\n", paint(CYAN, "note:"), escape(text))
}

/// Whether stderr takes colours (a terminal, `NO_COLOR` unset, `--color` not `never`).
pub fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// A config error shown as a warning: the command goes on.
pub fn config_warning(err: &crate::ops::ConfigError, color: bool) -> String {
    ending_in_newline(err.render_warning(color))
}

fn ending_in_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// `error: TEXT`, one line for stderr.
pub fn error_line(text: &str) -> String {
    format!("{} {}\n", paint(RED, "error:"), escape(text))
}

/// A warning line for stderr.
pub fn warning(text: &str) -> String {
    format!("{} {}\n", paint(YELLOW, "warning:"), escape(text))
}

/// `list --quiet`: the names, one a line.
pub fn names(sessions: &[SessionStatus]) -> String {
    sessions
        .iter()
        .map(|s| format!("{}\n", escape(&s.name)))
        .collect()
}

/// The note above the log of a session that is not running: where it comes from and
/// when it was last written.
pub fn saved_log(name: &str, saved: &crate::ops::logs::SavedLog) -> String {
    let written = saved
        .written
        .map(|time| format!(", last written {}", created_text(time)))
        .unwrap_or_default();
    let on = saved
        .host
        .as_ref()
        .map(|host| format!(" on {}", escape(host)))
        .unwrap_or_default();
    format!(
        "note: session '{}' is not running; this is its log{on} ({}){written}.\n",
        escape(name),
        escape(&saved.path.display().to_string())
    )
}

/// What `logs` says on stderr when a session has printed nothing yet.
pub fn no_logs(name: &str) -> String {
    format!("No logs available for session '{}'.\n", escape(name))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ops::{BackendType, Origin};

    /// `text` as a terminal without colours shows it.
    pub(crate) fn plain(text: &str) -> String {
        let mut out = Vec::new();
        let mut stream = anstream::StripStream::new(&mut out);
        let _ = std::io::Write::write_all(&mut stream, text.as_bytes());
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn time_limits_read_in_the_unit_that_fits() {
        let text = |ms| duration_text(std::time::Duration::from_millis(ms));
        assert_eq!(text(10_000), "10 s");
        assert_eq!(text(2_500), "2.5 s");
        assert_eq!(text(600_000), "10 min");
        assert_eq!(text(90_000), "1.5 min");
        assert_eq!(text(7_200_000), "2 h");
        assert_eq!(text(5_400_000), "1.5 h");
    }

    fn sample() -> Vec<SessionStatus> {
        let mut running = SessionStatus::new("astro", SessionState::Running, BackendType::Tmux);
        running.pid = Some(4242);
        running.window_count = 1;
        running.origin = Origin::Config;
        let mut exited = SessionStatus::new("orion", SessionState::Exited, BackendType::Tmux);
        exited.socket = crate::ops::TmuxSocket::new(Some("orion"), None).ok();
        exited.exit_code = Some(1);
        exited.origin = Origin::Managed;
        let mut defined = SessionStatus::new("web", SessionState::Defined, BackendType::Container);
        defined.image = Some("nginx:1".to_owned());
        defined.origin = Origin::Config;
        vec![running, exited, defined]
    }

    #[test]
    fn status_table_colours_the_state_and_escapes_the_rest() {
        let mut status = sample().remove(1);
        status.created_at = None;
        let text = status_table(&status);
        assert!(text.contains(&paint(YELLOW, "exited (1)")), "{text:?}");
        insta::assert_snapshot!(plain(&text), @r"
        Session: orion
          State      exited (1)
          Backend    tmux
          Socket     orion
          Exit Code  1
          Origin     managed
        ");
    }

    #[test]
    fn list_json_keeps_upstream_keys_first() {
        let text = list_json(&sample()[..1]);
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|line| line.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(
            &keys[..6],
            ["name", "state", "backend", "pid", "image", "socket_name"]
        );
    }

    #[test]
    fn status_json_keeps_upstream_keys_first() {
        let text = json(&sample()[0]);
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|line| line.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(
            &keys[..9],
            [
                "name",
                "state",
                "backend",
                "pid",
                "created_at",
                "window_count",
                "socket_name",
                "image",
                "exit_code"
            ]
        );
    }

    #[test]
    fn messages_escape_names_from_outside() {
        let status = SessionStatus::new("a\u{202e}b", SessionState::Running, BackendType::Tmux);
        assert_eq!(
            plain(&status_table(&status)),
            "Session: a\\u{202e}b\n  State    running\n  Backend  tmux\n  Origin   foreign\n"
        );
        assert_eq!(quiet("a\u{200b}b", "running"), "a\\u{200b}b: running\n");
        assert_eq!(names(&[status]), "a\\u{202e}b\n");
        assert_eq!(plain(&warning("x\u{1b}[2Jy")), "warning: x\\u{1b}[2Jy\n");
    }
}
