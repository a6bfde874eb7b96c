//! The container backend: one Docker or Podman container per session, through their CLIs.
//!
//! What upstream got wrong and this file gets right (reference §6, §11):
//! - lookups use `container inspect`, so an image, network or volume of the session's name
//!   is never mistaken for a container; and the returned `Name` must equal the name asked
//!   for, because both runtimes also match ID prefixes;
//! - one state table for `status` and `list`: `status` reads `container inspect`, `list`
//!   one `ps` per runtime whatever the number of containers (see `parse`), and both go
//!   through the same mapping;
//! - containers kstlib creates carry labels (`io.kstlib.ops.*`), so they are told apart
//!   from foreign ones, and a changed config is noticed;
//! - `stop` runs the ladder itself (signal, `wait` up to the timeout, SIGKILL), so it knows
//!   whether the program ended on the signal or was killed (`docker stop` does not say);
//! - a container that exits right after starting is a failed start, with its exit code
//!   and last lines of output.
//!
//! Facts about the CLIs this relies on are in DESIGN.md §7.

mod cgroup;
pub(crate) mod engine;
mod envfile;
pub(crate) mod logs;
mod mounts;
pub(crate) mod parse;
mod runner;
pub(crate) mod stderr;

pub use engine::ENGINE_API_ENV;
pub use runner::ContainerRunner;

/// Label set on every container kstlib creates.
pub const MANAGED_LABEL: &str = "io.kstlib.ops.managed";
/// Label holding the session name.
pub const SESSION_LABEL: &str = "io.kstlib.ops.session";
/// Label holding [`SessionConfig::config_hash`](crate::ops::SessionConfig::config_hash).
pub const HASH_LABEL: &str = "io.kstlib.ops.config-hash";
