//! Sessions on tmux and on Docker/Podman containers: the library behind `kstlib ops`.

pub mod config;
pub mod model;
pub mod validate;

pub use model::{BackendType, Origin, Runtime, SessionState, SessionStatus, StopMethod, StopReport};
