//! `kstlib.conf.yml`: discovery, includes, merge, and the `ops:` section as typed settings.
//!
//! Loading goes: find the files ([`ConfigSource`], [`SearchPaths`]) → parse each into a
//! spanned tree (`yaml.rs`) → resolve its `include:`s and deep-merge everything
//! (`discover.rs`, `merge.rs`) → read the `ops:` section into typed [`Settings`], each value
//! parsed where it was written (`schema.rs`) → resolve every declared session once
//! (`resolve.rs`). Command-line and API options are parsed into the same [`Settings`]
//! (`settings.rs`) and overlaid on top. Every value keeps the file, line and column it was
//! written at, so that any error can point at it with a [`ConfigError`].
//!
//! What follows is the reference of the file, as users write it (`docs/config.md`, the
//! README's Configuration section).
//!
#![doc = include_str!("../../../docs/config.md")]

pub mod discover;
pub mod error;
mod merge;
mod options;
mod resolve;
mod schema;
mod settings;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use crate::ops::span::{SourceFile, Span, Spanned};
pub use discover::{
    CONFIG_ENV_VAR, CONFIG_FILE_NAME, ConfigSource, MAX_FILE_SIZE, MAX_INCLUDE_DEPTH, SearchPaths,
};
pub use error::{ConfigError, ConfigErrors, Diagnostic};
pub use merge::MAX_MERGE_DEPTH;
pub use options::{CommandSource, SessionOptions};
pub use resolve::Declared;
pub(crate) use resolve::{build, refusal};
pub use schema::{HostKey, OpsKey, SessionKey, did_you_mean};
pub use settings::{Given, Settings, WorkingDir};
pub use yaml::{Node, NodeKind};

/// The loaded configuration: which files it came from, the `ops.*` defaults and the
/// declared sessions, each resolved or with what is wrong with it.
///
/// [`Config::default`] is the built-in configuration (no file, no sessions): what a user
/// without any `kstlib.conf.yml` gets.
#[derive(Debug, Clone, Default)]
pub struct Config {
    files: Vec<PathBuf>,
    defaults: Settings,
    /// `ops.hosts`, the entries that could be read.
    hosts: Vec<schema::HostEntry>,
    declared: Vec<Declared>,
    /// What is wrong outside the session entries.
    errors: Vec<ConfigError>,
}

impl Config {
    /// Load from `source`: discovery merges every file found (none found is the default
    /// configuration); an explicit file must exist. A file that cannot be read or parsed
    /// is an error; a mistake inside `ops:` is kept in the config ([`Config::check`]).
    pub fn load(source: &ConfigSource) -> Result<Config, ConfigError> {
        Ok(Config::from_loaded(discover::load(source)?))
    }

    /// Load one in-memory file as if it were at `path`: errors name `path`, and its
    /// includes are resolved against `path`'s directory.
    pub fn from_yaml_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Ok(Config::from_loaded(discover::load_str(text, path)?))
    }

    fn from_loaded(loaded: discover::Loaded) -> Config {
        let ops = match &loaded.root {
            Some(root) => schema::Ops::read(root),
            None => schema::Ops::default(),
        };
        let declared = ops
            .sessions
            .into_iter()
            .map(|entry| Declared::new(entry, &ops.defaults, &ops.hosts))
            .collect();
        Config {
            files: loaded.files,
            defaults: ops.defaults,
            hosts: ops.hosts,
            declared,
            errors: ops.errors,
        }
    }

    /// Every file read, in merge order (a file's includes come before it); empty for the
    /// default configuration.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

#[cfg(test)]
mod tests;

/// `docs/config.md` (shown in this module's documentation) is the README's Configuration
/// section, word for word: one reference, two places to read it.
#[cfg(test)]
#[test]
fn the_config_reference_is_the_readme_section() {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("## Configuration\n")
        .expect("a Configuration section");
    let end = readme
        .find("## How sessions are run")
        .expect("the next section");
    let section = &readme[start + "## Configuration\n".len()..end];
    let reference = include_str!("../../../docs/config.md");
    let body = reference
        .split_once("-->\n")
        .map_or(reference, |(_, body)| body);
    assert_eq!(
        body.trim(),
        section.trim(),
        "docs/config.md differs from the README"
    );
}
