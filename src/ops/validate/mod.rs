//! Validation of every value a user can give: one file per kind of value.
//!
//! Each kind has a type that can only be built from a valid value (parse, don't validate
//! twice): backends only ever see [`SessionName`], [`Command`], [`Image`], … never strings.
//! Every pattern is anchored at the true end of the string (upstream's `$` let a trailing
//! newline through) and control characters are rejected everywhere.

use std::fmt;

use super::sanitize::quote;

mod command;
mod duration;
mod env;
mod host;
mod image;
mod keys;
mod name;
mod path;
mod port;
mod signal;
mod size;
mod volume;

pub use command::{Command, MAX_COMMAND_LENGTH};
pub use duration::seconds;
pub use env::{
    DANGEROUS_ENV_KEYS, EnvVar, MAX_ENV_KEY_LENGTH, MAX_ENV_VALUE_LENGTH, MAX_ENV_VARS,
    check_env_count,
};
pub use host::{
    HostName, LOCAL_HOST, MAX_SSH_DESTINATION_LENGTH, MAX_SSH_OPTION_LENGTH, MAX_SSH_OPTIONS,
    SshDestination, SshOption,
};
pub use image::{Image, MAX_IMAGE_NAME_LENGTH};
pub use keys::{MAX_SEND_KEYS_LENGTH, validate_send_keys};
pub use name::{MAX_SESSION_NAME_LENGTH, SessionName};
pub use path::{MAX_PATH_LENGTH, MAX_SOCKET_NAME_LENGTH, MAX_SOCKET_PATH_LENGTH, SocketName};
pub(crate) use path::{absolute, expand_home};
pub use path::{check_path_text, check_socket_path};
pub use port::{MAX_PORTS, Port, check_port_count};
pub use signal::StopSignal;
pub use size::{MIN_MAX_SIZE, byte_size};
pub use volume::{MAX_VOLUMES, Volume, check_volume_count};

/// Why a value was refused, and which value.
///
/// `field` is the config key the value belongs to (`name`, `volumes`, `env`, …) and `item`
/// the element of a list or map, so that the config loader can point at the exact place
/// in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: &'static str,
    item: Option<Item>,
    value: String,
    reason: String,
    kind: Kind,
}

/// Whether the error is about one value or about how many values a list holds; the two
/// read differently ("invalid port '0'" vs "too many ports: 51 given").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Value,
    Count,
}

/// The element of a list or map that a [`ValidationError`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The n-th element of a list (0-based).
    Index(usize),
    /// The entry of a map with this key.
    Key(String),
}

impl ValidationError {
    /// A refusal of `value` for the config key `field`.
    pub fn new(field: &'static str, value: impl Into<String>, reason: impl Into<String>) -> Self {
        ValidationError {
            field,
            item: None,
            value: value.into(),
            reason: reason.into(),
            kind: Kind::Value,
        }
    }

    /// A refusal of a list or map for the config key `field` because it holds `given`
    /// entries and at most `max` are allowed; [`value`](Self::value) is then `given`.
    pub fn too_many(field: &'static str, given: usize, max: usize) -> Self {
        ValidationError {
            kind: Kind::Count,
            ..ValidationError::new(
                field,
                given.to_string(),
                format!("at most {max} are allowed"),
            )
        }
    }

    /// The same error, about one element of a list or map.
    pub fn at(mut self, item: Item) -> Self {
        self.item = Some(item);
        self
    }

    /// The config key the value belongs to.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The element of a list or map, if the value is one.
    pub fn item(&self) -> Option<&Item> {
        self.item.as_ref()
    }

    /// The refused value, as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Why it was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl ValidationError {
    /// What was refused, without why: `invalid port '0'`, `too many ports: 51 given`.
    /// A config error shows this as its title and the reason under the value.
    pub fn summary(&self) -> String {
        match self.kind {
            Kind::Count => format!(
                "too many {}: {} given",
                plural_label(self.field),
                self.value
            ),
            Kind::Value => format!("invalid {} {}", field_label(self.field), quote(&self.value)),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let separator = match self.kind {
            Kind::Count => ", ",
            Kind::Value => ": ",
        };
        write!(f, "{}{separator}{}", self.summary(), self.reason)
    }
}

impl std::error::Error for ValidationError {}

/// How a config key is named in messages.
fn field_label(field: &str) -> &str {
    match field {
        "name" => "session name",
        "env" => "environment variable",
        "volumes" => "volume",
        "ports" => "port",
        "working_dir" => "working directory",
        "log_volume" => "log volume",
        "socket_name" => "tmux socket name",
        "socket_path" => "tmux socket path",
        "tmux_binary" => "tmux binary",
        "stop_signal" => "stop signal",
        "start_grace" => "start grace",
        "keys" => "keys",
        "log_dir" => "log directory",
        "log_max_size" => "log file size",
        "since" => "--since value",
        "host" => "host name",
        "ssh" => "ssh destination",
        "ssh_options" => "ssh option",
        "ssh_config" => "ssh config file",
        "connect_timeout" => "connect timeout",
        other => other,
    }
}

/// How a config key holding a list or map is named in "too many" messages.
fn plural_label(field: &str) -> &str {
    match field {
        "env" => "environment variables",
        other => other,
    }
}

/// The first control character in `value`, if any (tab and newline included).
pub(crate) fn find_control(value: &str) -> Option<char> {
    value.chars().find(|c| c.is_control())
}

/// Names a control character for a message, with its code point so that an invisible
/// character can be found in the file ("a newline (U+000A)").
pub(crate) fn describe_control(c: char) -> String {
    let name = match c {
        '\0' => "a NUL byte",
        '\t' => "a tab",
        '\n' => "a newline",
        '\r' => "a carriage return",
        '\u{1b}' => "an escape character",
        '\u{7f}' => "a delete character",
        _ => "a control character",
    };
    format!("{name} (U+{:04X})", u32::from(c))
}

/// Refuses `value` if it holds a control character; `why` ends the reason with what the
/// character would break for this kind of value.
pub(crate) fn check_control(
    field: &'static str,
    value: &str,
    why: &str,
) -> Result<(), ValidationError> {
    match find_control(value) {
        Some(c) => Err(ValidationError::new(
            field,
            value,
            format!("contains {}; {why}", describe_control(c)),
        )),
        None => Ok(()),
    }
}

/// The reason for a value longer than allowed; lengths count characters, as upstream does
/// (Python's `len`), so that a config valid there is valid here.
pub(crate) fn too_long(len: usize, max: usize) -> String {
    format!("is {len} characters long, at most {max} are allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_value_and_reason() {
        let err = ValidationError::new("name", "1bot", "must start with a letter");
        assert_eq!(
            err.to_string(),
            "invalid session name '1bot': must start with a letter"
        );
    }

    #[test]
    fn too_many_reads_as_a_count() {
        let err = ValidationError::too_many("env", 101, 100);
        assert_eq!(err.value(), "101");
        assert_eq!(
            err.to_string(),
            "too many environment variables: 101 given, at most 100 are allowed"
        );
    }

    #[test]
    fn describe_control_gives_name_and_code_point() {
        assert_eq!(describe_control('\n'), "a newline (U+000A)");
        assert_eq!(describe_control('\u{85}'), "a control character (U+0085)");
    }
}
