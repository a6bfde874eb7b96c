//! `kstlib.conf.yml`: discovery, includes, merge, and the shape-checked `ops:` section.

pub mod error;
pub mod raw;
pub mod yaml;

pub use error::{ConfigError, Diagnostic};
pub use raw::{OPS_KEYS, RawCommand, RawOps, RawSession, SESSION_KEYS};
pub use yaml::{Node, NodeKind, SourceFile, Span, Spanned};
