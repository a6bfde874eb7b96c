//! `kstlib ops list` as people and scripts see it: which rows, in which order, and the
//! table that fits the terminal.
//!
//! Declared sessions come first (in the config's order), then what kstlib started, then
//! what others did; `--origin` keeps only the origins asked for. The inventory itself
//! (`ops::inventory`) stays in the order it asked the backends in; ordering is a matter
//! of presentation, so it is done here, for the table and the JSON alike.

use std::fmt::Write as _;

use anstyle::Style;
use jiff::Timestamp;

use crate::ops::config::Config;
use crate::ops::sanitize::escape;
use crate::ops::{BackendType, Origin, SessionState, SessionStatus};

use super::args::OriginFilter;
use super::render::{self, ago, paint, state_style, state_text};
use super::table::{self, Column, Fit};

/// The rows to show: those of the origins asked for (all when none is), declared
/// sessions first in the config's order, then managed, then foreign, each group in the
/// order the backends were asked.
pub(crate) fn arrange(
    config: &Config,
    mut sessions: Vec<SessionStatus>,
    origins: &[OriginFilter],
) -> Vec<SessionStatus> {
    if !origins.is_empty() {
        sessions.retain(|s| origins.iter().any(|o| o.origin() == s.origin));
    }
    let declared: Vec<&str> = config.session_names().collect();
    let rank = |s: &SessionStatus| match s.origin {
        Origin::Config => (0, declared.iter().position(|n| *n == s.name)),
        Origin::Managed => (1, None),
        Origin::Foreign => (2, None),
    };
    sessions.sort_by_key(|s| rank(s));
    sessions
}

/// The size of the terminal the table is for: `COLUMNS` and `LINES` when set (as
/// `ls` and clap honour them), else stdout's terminal; unknown when stdout is not a
/// terminal (a pipe gets every column and every row).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Screen {
    pub(crate) width: Option<usize>,
    pub(crate) height: Option<usize>,
}

impl Screen {
    pub(crate) fn of_stdout() -> Screen {
        let from_env = |key: &str| {
            std::env::var(key)
                .ok()
                .and_then(|value| value.trim().parse::<usize>().ok())
                .filter(|&n| n > 0)
        };
        let size = terminal_size::terminal_size_of(std::io::stdout());
        Screen {
            width: from_env("COLUMNS").or(size.map(|(w, _)| usize::from(w.0))),
            height: from_env("LINES").or(size.map(|(_, h)| usize::from(h.0))),
        }
    }
}

/// Whether a row is a container that neither the config nor kstlib knows.
fn foreign_container(s: &SessionStatus) -> bool {
    s.origin == Origin::Foreign && s.backend == BackendType::Container
}

/// The table for people. Unless `all`, foreign containers that would fill more than the
/// screen are one line that counts them, after the table. With `hosts` (the config
/// declares remote hosts) a HOST column says where each session is, `-` for this machine.
pub(crate) fn table(sessions: &[SessionStatus], screen: Screen, all: bool, hosts: bool) -> String {
    let foreign = sessions.iter().filter(|s| foreign_container(s)).count();
    let folded = !all && screen.height.is_some_and(|height| foreign > height);
    let shown: Vec<&SessionStatus> = sessions
        .iter()
        .filter(|s| !folded || !foreign_container(s))
        .collect();
    let mut out = String::new();
    if !shown.is_empty() {
        out = rows(&shown, screen.width, hosts);
    }
    if folded {
        let line = format!(
            "… and {foreign} foreign containers ({}); --all shows them",
            by_runtime(sessions)
        );
        let line = table::fit(&line, screen.width.unwrap_or(usize::MAX), false);
        let _ = writeln!(out, "{}", paint(Style::new().dimmed(), &line));
    }
    out
}

/// `podman 40, docker 17`: the foreign containers of each runtime.
fn by_runtime(sessions: &[SessionStatus]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in sessions.iter().filter(|s| foreign_container(s)) {
        let runtime = s
            .runtime
            .map_or("container".to_owned(), |rt| rt.to_string());
        match counts.iter_mut().find(|(name, _)| *name == runtime) {
            Some((_, n)) => *n += 1,
            None => counts.push((runtime, 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(rt, n)| format!("{rt} {n}")).collect();
    parts.join(", ")
}

/// `tmux`, `podman`, `docker`: the backend, named by its runtime for containers.
fn backend_text(s: &SessionStatus) -> String {
    match (s.backend, s.runtime) {
        (BackendType::Container, Some(runtime)) => runtime.to_string(),
        (backend, _) => backend.to_string(),
    }
}

/// The columns, each shortened or left out as the terminal needs: images and names shrink
/// first, socket paths next; the creation time goes before the PID. HOST (with `hosts`)
/// is kept whole: a host name is short, and where a session runs is what tells two rows
/// of one name apart.
fn columns(sessions: &[&SessionStatus], now: Timestamp, hosts: bool) -> Vec<Column> {
    let dash = || "-".to_owned();
    let cells = |f: &dyn Fn(&SessionStatus) -> String| -> Vec<String> {
        sessions
            .iter()
            .map(|s| escape(&f(s)).into_owned())
            .collect()
    };
    let mut columns = vec![
        Column {
            header: "NAME",
            cells: cells(&|s| s.name.clone()),
            fit: Fit::Shrink {
                min: 10,
                from_start: false,
                rank: 1,
            },
        },
        Column {
            header: "STATE",
            cells: cells(&state_text),
            fit: Fit::Keep,
        },
        Column {
            header: "BACKEND",
            cells: cells(&backend_text),
            fit: Fit::Keep,
        },
        Column {
            header: "SOCKET",
            cells: cells(&|s| render::socket_text(s).unwrap_or_else(dash)),
            fit: Fit::Shrink {
                min: 8,
                from_start: true,
                rank: 2,
            },
        },
        Column {
            header: "PID",
            cells: cells(&|s| s.pid.map_or_else(dash, |pid| pid.to_string())),
            fit: Fit::Drop { rank: 1 },
        },
        Column {
            header: "IMAGE",
            cells: cells(&|s| {
                s.image
                    .clone()
                    .filter(|i| !i.is_empty())
                    .unwrap_or_else(dash)
            }),
            fit: Fit::Shrink {
                min: 10,
                from_start: true,
                rank: 0,
            },
        },
        Column {
            header: "CREATED",
            cells: cells(&|s| s.created_at.map_or_else(dash, |t| ago(t, now))),
            fit: Fit::Drop { rank: 0 },
        },
        Column {
            header: "ORIGIN",
            cells: cells(&|s| s.origin.to_string()),
            fit: Fit::Keep,
        },
    ];
    if hosts {
        let host = Column {
            header: "HOST",
            cells: cells(&|s| s.host.clone().unwrap_or_else(dash)),
            fit: Fit::Keep,
        };
        columns.insert(1, host);
    }
    // A column with nothing to say in any row (no socket but the default, no image) is
    // left out, whatever the width.
    columns
        .into_iter()
        .filter(|c| c.fit == Fit::Keep || c.header == "NAME" || c.cells.iter().any(|v| v != "-"))
        .collect()
}

/// The header and one line per session, `defined` rows dim, states coloured.
fn rows(sessions: &[&SessionStatus], width: Option<usize>, hosts: bool) -> String {
    let layout = table::layout(columns(sessions, Timestamp::now(), hosts), width);
    let mut out = String::new();
    let header = layout.line(None, |_, cell| cell);
    let _ = writeln!(out, "{}", paint(Style::new().bold(), &header));
    for (i, s) in sessions.iter().enumerate() {
        let line = layout.line(Some(i), |header, cell| match header {
            "STATE" => paint(state_style(s.state), &cell),
            _ => cell,
        });
        if s.state == SessionState::Defined {
            let _ = writeln!(out, "{}", paint(Style::new().dimmed(), &line));
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::tests::plain;
    use crate::ops::{Runtime, TmuxSocket};

    fn row(name: &str, state: SessionState, backend: BackendType, origin: Origin) -> SessionStatus {
        let mut status = SessionStatus::new(name, state, backend);
        status.origin = origin;
        status
    }

    fn sample() -> Vec<SessionStatus> {
        let mut running = row(
            "astro",
            SessionState::Running,
            BackendType::Tmux,
            Origin::Config,
        );
        running.pid = Some(4242);
        let mut exited = row(
            "orion",
            SessionState::Exited,
            BackendType::Tmux,
            Origin::Managed,
        );
        exited.socket = TmuxSocket::new(Some("orion"), None).ok();
        exited.exit_code = Some(1);
        let mut defined = row(
            "web",
            SessionState::Defined,
            BackendType::Container,
            Origin::Config,
        );
        defined.image = Some("nginx:1".to_owned());
        vec![running, exited, defined]
    }

    fn shown(sessions: &[SessionStatus], width: Option<usize>) -> String {
        plain(&table(
            sessions,
            Screen {
                width,
                height: None,
            },
            false,
            false,
        ))
    }

    #[test]
    fn list_table_aligns_columns() {
        insta::assert_snapshot!(shown(&sample(), None), @r"
        NAME   STATE       BACKEND    SOCKET  PID   IMAGE    ORIGIN
        astro  running     tmux       -       4242  -        config
        orion  exited (1)  tmux       orion   -     -        managed
        web    defined     container  -       -     nginx:1  config
        ");
    }

    #[test]
    fn declared_hosts_add_a_host_column_dash_for_this_machine() {
        let mut sessions = sample();
        sessions[1].host = Some("vps1".to_owned());
        let screen = Screen {
            width: Some(80),
            height: None,
        };
        insta::assert_snapshot!(plain(&table(&sessions, screen, false, true)), @"
        NAME   HOST  STATE       BACKEND    SOCKET  PID   IMAGE    ORIGIN
        astro  -     running     tmux       -       4242  -        config
        orion  vps1  exited (1)  tmux       orion   -     -        managed
        web    -     defined     container  -       -     nginx:1  config
        ");
        // Declared hosts and every row on this machine: the column still says so.
        let local = plain(&table(&sample(), screen, false, true));
        assert!(local.starts_with("NAME   HOST  STATE"), "{local}");
    }

    #[test]
    fn wide_and_escaped_names_stay_aligned() {
        let mut sessions = sample();
        for name in [
            "漢字",
            "evil\u{202e}txt.exe",
            "zw\u{200b}x",
            "evil\u{1b}[2J",
        ] {
            let mut foreign = row(
                name,
                SessionState::Running,
                BackendType::Tmux,
                Origin::Foreign,
            );
            foreign.pid = Some(7);
            sessions.push(foreign);
        }
        insta::assert_snapshot!(shown(&sessions, None), @r"
        NAME                 STATE       BACKEND    SOCKET  PID   IMAGE    ORIGIN
        astro                running     tmux       -       4242  -        config
        orion                exited (1)  tmux       orion   -     -        managed
        web                  defined     container  -       -     nginx:1  config
        漢字                 running     tmux       -       7     -        foreign
        evil\u{202e}txt.exe  running     tmux       -       7     -        foreign
        zw\u{200b}x          running     tmux       -       7     -        foreign
        evil\u{1b}[2J        running     tmux       -       7     -        foreign
        ");
    }

    fn crowded() -> Vec<SessionStatus> {
        let created = Timestamp::now() - jiff::SignedDuration::from_secs(200);
        let mut rows = sample();
        let mut bot = row(
            "astro-bot-production-eu-west",
            SessionState::Running,
            BackendType::Container,
            Origin::Managed,
        );
        bot.runtime = Some(Runtime::Podman);
        bot.image = Some("registry.example.com:5000/trading/astro-bot:2.14.1".to_owned());
        bot.created_at = Some(created);
        bot.drift = Some(true);
        bot.pid = Some(31337);
        rows.push(bot);
        rows
    }

    #[test]
    fn a_narrow_terminal_shortens_images_and_names_and_never_wraps() {
        let wide = shown(&crowded(), Some(200));
        insta::assert_snapshot!(wide, @r"
        NAME                          STATE            BACKEND    SOCKET  PID    IMAGE                                               CREATED    ORIGIN
        astro                         running          tmux       -       4242   -                                                   -          config
        orion                         exited (1)       tmux       orion   -      -                                                   -          managed
        web                           defined          container  -       -      nginx:1                                             -          config
        astro-bot-production-eu-west  running (drift)  podman     -       31337  registry.example.com:5000/trading/astro-bot:2.14.1  3 min ago  managed
        ");
        let narrow = shown(&crowded(), Some(80));
        insta::assert_snapshot!(narrow, @"
        NAME              STATE            BACKEND    SOCKET  PID    IMAGE       ORIGIN
        astro             running          tmux       -       4242   -           config
        orion             exited (1)       tmux       orion   -      -           managed
        web               defined          container  -       -      nginx:1     config
        astro-bot-produ…  running (drift)  podman     -       31337  …ot:2.14.1  managed
        ");
        for line in narrow.lines() {
            assert!(crate::ops::sanitize::display_width(line) <= 80, "{line}");
        }
    }

    #[test]
    fn more_foreign_containers_than_a_screen_are_one_line() {
        let mut rows = sample();
        for (i, runtime) in [Runtime::Podman, Runtime::Podman, Runtime::Docker]
            .iter()
            .enumerate()
        {
            let mut c = row(
                &format!("c{i}"),
                SessionState::Running,
                BackendType::Container,
                Origin::Foreign,
            );
            c.runtime = Some(*runtime);
            rows.push(c);
        }
        let screen = Screen {
            width: None,
            height: Some(2),
        };
        insta::assert_snapshot!(plain(&table(&rows, screen, false, false)), @r"
        NAME   STATE       BACKEND    SOCKET  PID   IMAGE    ORIGIN
        astro  running     tmux       -       4242  -        config
        orion  exited (1)  tmux       orion   -     -        managed
        web    defined     container  -       -     nginx:1  config
        … and 3 foreign containers (podman 2, docker 1); --all shows them
        ");
        let all = plain(&table(&rows, screen, true, false));
        assert_eq!(all.lines().count(), 7, "{all}");
    }

    #[test]
    fn declared_sessions_come_first_then_managed_then_foreign() {
        let config = Config::from_yaml_str(
            "ops:\n  sessions:\n    web: {backend: container, image: 'nginx:1'}\n    astro: {command: sleep 1}\n",
            std::path::Path::new("/etc/kstlib.conf.yml"),
        )
        .expect("config");
        let mut rows = vec![row(
            "x",
            SessionState::Running,
            BackendType::Tmux,
            Origin::Foreign,
        )];
        rows.extend(sample());
        let names =
            |rows: &[SessionStatus]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&arrange(&config, rows.clone(), &[])),
            ["web", "astro", "orion", "x"]
        );
        let only = arrange(
            &config,
            rows,
            &[OriginFilter::Managed, OriginFilter::Foreign],
        );
        assert_eq!(names(&only), ["orion", "x"]);
    }
}
