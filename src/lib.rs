//! kstlib: one tool, one config and one habit for long-running sessions on tmux and on
//! Docker/Podman containers.
//!
//! It re-implements the `ops` module of the Python library kstlib (3.8.2), keeping its
//! interface (config file, CLI, JSON keys, names) and fixing its known bugs. The library,
//! [`ops`], holds the domain; [`cli`] is the `kstlib` binary, which parses arguments, calls
//! the library and renders what it returns. The library never prints, never exits and
//! never reads the command line.
//!
//! # Concepts
//!
//! - A **session** is a named long-running program. It runs on a **backend**
//!   ([`ops::BackendType`]): a detached tmux session (on one tmux server, a
//!   [`ops::TmuxSocket`]), or a container of a **runtime** ([`ops::Runtime`], Podman or
//!   Docker).
//! - A session is **declared** in `kstlib.conf.yml` (under `ops.sessions`, see the
//!   [config reference](ops::config)) or started **ad hoc** from options
//!   ([`ops::SessionOptions`]). Either way it is resolved once into a validated
//!   [`ops::SessionConfig`], and a [`ops::SessionManager`] drives it on its backend.
//! - What a backend reports is a [`ops::SessionStatus`]: one state table
//!   ([`ops::SessionState`]) for tmux and containers, the program's PID, RFC 3339 times,
//!   and where the session comes from ([`ops::Origin`]: `config`, `managed` by kstlib, or
//!   `foreign`). [`ops::inventory`] asks every backend at once for `list`.
//! - Errors are typed ([`ops::Error`], mirroring upstream's exceptions; [`ops::ErrorKind`]
//!   is what the CLI turns into its exit code).
//!
//! # The lifecycle
//!
//! Both backends share one lifecycle, and nothing a program printed is lost on the way:
//! its output goes to a log file ([`ops::logs`]) that outlives the session.
//!
//! ```text
//!              start                    the program ends
//!   defined ──────────► running ─────────────────────────► exited (code or signal)
//!      ▲                 │  ▲                                   │
//!      │                 │  └──────── restart ──────────────────┤
//!      │                 │ stop: stop signal, up to --timeout,  │ stop: removes it
//!      │                 ▼ then SIGKILL                         │
//!      └──────────────── (removed; `logs` reads its saved log) ◄┘
//! ```
//!
//! A declared session that is not there is `defined`; an ad-hoc one that is not there is
//! simply not found. Containers add `paused`, `restarting` and `stopped`; a declared
//! session whose entry has errors is `invalid` until it is fixed.
//!
//! # Using the library
//!
//! Starting a session needs tmux or a runtime:
//!
//! ```no_run
//! use std::time::Duration;
//! use kstlib::ops::{BackendType, Error, SessionManager, SessionOptions};
//!
//! # fn main() -> Result<(), Error> {
//! let bot = SessionManager::new(
//!     "astro",
//!     BackendType::Tmux,
//!     SessionOptions::default().command("python astro_bot.py").socket_name("bots"),
//! )?;
//! let status = bot.start(SessionOptions::default())?;
//! println!("{} is {} (pid {:?})", status.name, status.state, status.pid);
//! println!("{}", bot.logs(20)?);
//! match bot.stop(true, Duration::from_secs(10)) {
//!     Ok(report) => println!("stopped: {:?}", report.method),
//!     Err(Error::SessionNotFound { name, .. }) => println!("{name} was already gone"),
//!     Err(err) => return Err(err),
//! }
//! let prod = SessionManager::from_config("astro-prod")?; // declared in kstlib.conf.yml
//! # Ok(())
//! # }
//! ```
//!
//! `examples/library.rs` (`cargo run --example library`) runs the whole tour against real
//! tmux. Reading a config needs no backend:
//!
//! ```
//! use std::path::Path;
//! use kstlib::ops::config::{Config, Settings};
//! use kstlib::ops::validate::SessionName;
//! use kstlib::ops::BackendType;
//!
//! let yaml = "
//! ops:
//!   sessions:
//!     astro-dev:
//!       command: python astro_bot.py --paper
//!     astro-prod:
//!       backend: container
//!       image: astro-bot:1
//! ";
//! let config = Config::from_yaml_str(yaml, Path::new("/srv/bots/kstlib.conf.yml")).unwrap();
//! assert_eq!(config.session_names().collect::<Vec<_>>(), ["astro-dev", "astro-prod"]);
//! let prod = config
//!     .resolve(&SessionName::new("astro-prod").unwrap(), Settings::default())
//!     .unwrap();
//! assert_eq!(prod.backend(), BackendType::Container);
//! assert_eq!(prod.image().map(|image| image.to_string()).as_deref(), Some("astro-bot:1"));
//! ```
//!
//! and a mistake in it is an error that points at its file, line and column:
//!
//! ```
//! use std::path::Path;
//! use kstlib::ops::config::Config;
//!
//! let config = Config::from_yaml_str(
//!     "ops:\n  sessions:\n    bot:\n      comand: sleep 1\n",
//!     Path::new("/srv/kstlib.conf.yml"),
//! )
//! .unwrap();
//! let error = &config.errors()[0];
//! assert!(error.to_string().contains("unknown key 'comand'"), "{error}");
//! ```
//!
//! Names and values are validated newtypes ([`ops::validate`]), with upstream's limits:
//!
//! ```
//! use kstlib::ops::validate::SessionName;
//!
//! assert!(SessionName::new("astro-dev").is_ok());
//! assert!(SessionName::new("1bot").is_err());
//! assert!(SessionName::new("bot\n").is_err()); // anchored at the end, unlike upstream
//! ```
//!
//! A program that wants to show waits (a stop that lasts up to its timeout, an image
//! pull) sets a [`ops::progress::Progress`] reporter; the `kstlib` binary draws a spinner
//! with it.
//!
//! # The command line
//!
//! `kstlib ops start|stop|attach|status|logs|list|restart|up|down|send-keys|exec|doctor`,
//! with upstream's options; `kstlib --help` and `kstlib man DIR` document every command,
//! `kstlib completions SHELL` completes session names. The JSON that `--json` prints is
//! documented in `docs/json.md` with JSON Schemas in `docs/schema/v1/`.

#![warn(missing_docs)]

pub mod cli;
pub mod ops;
