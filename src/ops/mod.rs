//! Sessions on tmux and on Docker/Podman containers: the library behind `kstlib ops`.
//!
//! Data flows one way: command-line arguments and config files are resolved into a
//! validated [`SessionConfig`]; a [`SessionManager`] hands it to its backend
//! ([`TmuxRunner`], or the container runner), which runs programs through [`exec`], the only
//! place that spawns anything. [`inventory`] asks every backend at once for `list`.
//!
//! ```no_run
//! use kstlib::ops::{BackendType, SessionManager, SessionOptions, SessionState};
//!
//! # fn main() -> Result<(), kstlib::ops::Error> {
//! let bot = SessionManager::new(
//!     "orion",
//!     BackendType::Tmux,
//!     SessionOptions::default().command("python bot.py").socket_name("orion"),
//! )?;
//! let status = bot.start(SessionOptions::default())?;
//! assert_eq!(status.state, SessionState::Running);
//! let report = bot.stop(true, std::time::Duration::from_secs(10))?;
//! println!("stopped: {:?}", report.method);
//! # Ok(())
//! # }
//! ```

pub mod backend;
pub mod config;
pub mod container;
pub mod doctor;
pub mod error;
pub mod exec;
#[doc(hidden)]
pub mod fuzzing;
mod hash;
pub mod host;
pub mod inventory;
#[cfg(test)]
#[path = "layers_tests.rs"]
mod layers;
pub mod logs;
pub mod manager;
pub mod model;
mod private;
mod process;
pub mod progress;
#[cfg(test)]
mod replay;
pub mod runtime;
pub mod sanitize;
pub(crate) mod shell;
pub mod span;
pub mod spec;
pub(crate) mod text;
pub mod timing;
pub mod tmux;
pub mod validate;

pub use backend::{LogOptions, Removal, SessionBackend, StopOptions};
pub use config::{
    CommandSource, Config, ConfigError, ConfigErrors, ConfigSource, SessionOptions, Settings,
};
pub use container::ContainerRunner;
pub use error::{Ending, Error, ErrorKind, Operation, Reason, Result};
pub use inventory::{Inventory, Located, Scope};
pub use manager::SessionManager;
pub use model::{
    BackendType, Origin, Runtime, SessionState, SessionStatus, StopMethod, StopReport, TmuxSocket,
};
pub use spec::SessionConfig;
pub use tmux::TmuxRunner;
