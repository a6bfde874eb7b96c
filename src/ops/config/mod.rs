//! `kstlib.conf.yml`: discovery, includes, merge, and the shape-checked `ops:` section.

pub mod error;
pub mod yaml;

pub use error::{ConfigError, Diagnostic};
pub use yaml::{Node, NodeKind, SourceFile, Span, Spanned};
