//! `kstlib.conf.yml`: discovery, includes, merge, and the shape-checked `ops:` section.
//!
//! Loading goes: find the files ([`ConfigSource`], [`SearchPaths`]) → parse each into a
//! spanned tree ([`yaml`]) → resolve its `include:`s → deep-merge everything → read the
//! `ops:` section ([`RawOps`]). Every value keeps the file, line and column it was written
//! at, so that any later error (the resolver's validation included) can point at it with a
//! [`ConfigError`].

pub mod discover;
pub mod error;
mod merge;
pub mod raw;
mod resolve;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use discover::{
    CONFIG_ENV_VAR, CONFIG_FILE_NAME, ConfigSource, MAX_FILE_SIZE, MAX_INCLUDE_DEPTH, SearchPaths,
};
pub use error::{ConfigError, Diagnostic};
pub use merge::MAX_MERGE_DEPTH;
pub use raw::{OPS_KEYS, RawCommand, RawOps, RawSession, SESSION_KEYS};
pub use resolve::{Defaults, Overrides};
pub use yaml::{Node, NodeKind, SourceFile, Span, Spanned};

/// The loaded configuration: which files it came from and its `ops:` section.
///
/// [`Config::default`] is the built-in configuration (no file, no sessions): what a user
/// without any `kstlib.conf.yml` gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    files: Vec<PathBuf>,
    ops: RawOps,
}

impl Config {
    /// Load from `source`: discovery merges every file found (none found is the default
    /// configuration); an explicit file must exist.
    pub fn load(source: &ConfigSource) -> Result<Config, ConfigError> {
        Config::from_loaded(discover::load(source)?)
    }

    /// Load one in-memory file as if it were at `path`: errors name `path`, and its
    /// includes are resolved against `path`'s directory.
    pub fn from_yaml_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Config::from_loaded(discover::load_str(text, path)?)
    }

    fn from_loaded(loaded: discover::Loaded) -> Result<Config, ConfigError> {
        let ops = match &loaded.root {
            Some(root) => RawOps::from_root(root)?,
            None => RawOps::default(),
        };
        Ok(Config {
            files: loaded.files,
            ops,
        })
    }

    /// Every file read, in merge order (a file's includes come before it); empty for the
    /// default configuration.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The `ops:` section, shape-checked but not validated.
    pub fn raw(&self) -> &RawOps {
        &self.ops
    }
}

#[cfg(test)]
mod tests;
