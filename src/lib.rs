//! kstlib: one tool, one config and one habit for long-running sessions on tmux and on
//! Docker/Podman containers.
//!
//! The library ([`ops`]) holds the domain: configuration, validation, the tmux and container
//! backends and the [`ops::SessionManager`] that drives them. The [`cli`] module is the
//! `kstlib` binary; it parses arguments, calls the library and renders the results.
//!
//! It re-implements the `ops` module of the Python library kstlib (3.8.2), keeping its
//! interface (config file, CLI, JSON keys) and fixing its known bugs.
//!
//! ```no_run
//! use kstlib::ops::{BackendType, SessionManager, SessionOptions};
//!
//! # fn main() -> Result<(), kstlib::ops::Error> {
//! let bot = SessionManager::new(
//!     "astro",
//!     BackendType::Tmux,
//!     SessionOptions::default().command("python astro_bot.py"),
//! )?;
//! let status = bot.start(Default::default())?;
//! println!("{} is {} (pid {:?})", status.name, status.state, status.pid);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod cli;
pub mod ops;
