//! Validation of every value a user can give: one file per kind of value.
//!
//! Each kind has a type that can only be built from a valid value (parse, don't validate
//! twice): backends only ever see [`SessionName`], [`Command`], [`Image`], … never strings.
//! Every pattern is anchored at the true end of the string (upstream's `$` let a trailing
//! newline through) and control characters are rejected everywhere.

use std::fmt;

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

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {}: {}",
            field_label(self.field),
            quote(&self.value),
            self.reason
        )
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
        "keys" => "keys",
        other => other,
    }
}

/// Quotes a value for a one-line message: control characters escaped, long values cut.
///
/// Values come from users and backends; printing them raw could move the cursor or change
/// the terminal's colours (fd's `sanitize` habit).
pub fn quote(value: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::with_capacity(value.len().min(MAX) + 2);
    out.push('\'');
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out.push('\'');
    out
}

/// `value` with its control characters escaped (`\n`, `\u{1b}`), safe to print.
pub fn escape_control(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    if c.is_control() {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// The first control character in `value`, if any (tab and newline included).
pub(crate) fn find_control(value: &str) -> Option<char> {
    value.chars().find(|c| c.is_control())
}
