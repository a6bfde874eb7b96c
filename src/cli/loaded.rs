//! The config as a command sees it, and what a command does when it is wrong.
//!
//! A mistake in the config never locks anyone out of what runs: commands that look at or
//! stop sessions go on with a warning, acting on what runs; commands that start sessions
//! refuse what is invalid (exit 3) and start nothing of it.

use std::io::Write;

use crate::ops::Error;
use crate::ops::config::{Config, ConfigError, ConfigErrors, ConfigSource};

use super::render;

/// A config, loaded as far as it could be.
pub(crate) struct Loaded {
    config: Config,
    /// Why no file could be read or parsed: nothing declared is known then.
    unreadable: Option<ConfigError>,
}

impl Loaded {
    /// Loads the config from `source`; a file that cannot be read or parsed leaves the
    /// built-in defaults, and the reason.
    pub(crate) fn load(source: &ConfigSource) -> Loaded {
        match Config::load(source) {
            Ok(config) => {
                tracing::debug!("config files: {:?}", config.files());
                Loaded {
                    config,
                    unreadable: None,
                }
            }
            Err(err) => Loaded {
                config: Config::default(),
                unreadable: Some(err),
            },
        }
    }

    /// What is wrong with the config as a whole: an unreadable file, or `ops.*` values that
    /// every session depends on.
    fn global_errors(&self) -> Vec<ConfigError> {
        match &self.unreadable {
            Some(err) => vec![err.clone()],
            None => self.config.global_errors().to_vec(),
        }
    }

    /// Every error, in file order.
    pub(crate) fn errors(&self) -> Vec<ConfigError> {
        match &self.unreadable {
            Some(err) => vec![err.clone()],
            None => self.config.errors().into_iter().cloned().collect(),
        }
    }

    /// The config for a command that starts sessions: refused when it cannot be trusted as
    /// a whole. (An invalid entry is refused when that session is resolved.)
    pub(crate) fn to_start(&self) -> Result<&Config, Error> {
        match self.global_errors() {
            errors if errors.is_empty() => Ok(&self.config),
            errors => Err(ConfigErrors::new(errors).into()),
        }
    }

    /// The config for a command that acts on what runs: what is wrong with the config as a
    /// whole is a warning. (An invalid entry is warned about once its session is found.)
    pub(crate) fn to_act_on(&self) -> &Config {
        let warnings = self.global_errors();
        if !warnings.is_empty() {
            note(&render::warning(
                "the config cannot be used: acting on what runs, with built-in defaults",
            ));
            warn(&warnings);
        }
        &self.config
    }

    /// The config, whatever is wrong with it: for `list` and `doctor`, which report it.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}

/// Each of `errors` as a warning on stderr.
pub(crate) fn warn(errors: &[ConfigError]) {
    let color = render::stderr_color();
    for err in errors {
        note(&render::config_warning(err, color));
    }
}

fn note(text: &str) {
    let _ = write!(anstream::stderr(), "{text}");
}
