//! Remote hosts: sessions on other machines, reached through the system `ssh`, with
//! nothing of kstlib's installed there.
//!
//! A host declared under `ops.hosts` ([`HostSpec`]) is where a session's backend runs
//! ([`HostChoice`]).

mod spec;

pub use spec::{DEFAULT_CONNECT_TIMEOUT, HostChoice, HostRef, HostSpec, REMOTE_LOG_DIR};
