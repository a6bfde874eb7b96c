//! Remote hosts: their names in the config and on the command line, and what is handed to
//! `ssh` to reach them.
//!
//! What reaches `ssh` is an argv, never a shell line, but ssh itself reads its arguments
//! as options until the destination: a destination or option that starts with `-` would
//! be an option of ours (`-oProxyCommand=…` runs a program), so both are refused here.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::Serialize;

use super::{SessionName, ValidationError, describe_control, too_long};
use crate::ops::sanitize::quote;

/// The name that means this machine in `host:` and `--host`.
pub const LOCAL_HOST: &str = "local";

/// The longest ssh destination accepted (a host name has at most 253 characters, a user
/// name and a port fit in the rest).
pub const MAX_SSH_DESTINATION_LENGTH: usize = 320;

/// The longest `ssh_options` entry accepted.
pub const MAX_SSH_OPTION_LENGTH: usize = 1024;

/// How many `ssh_options` a host may have.
pub const MAX_SSH_OPTIONS: usize = 32;

/// The name of a remote host declared under `ops.hosts`, as `host:` and `--host` give it.
///
/// Names follow the rules of session names (a letter, then letters, digits, `_`, `-`), so
/// they fit in messages, tables and file names as they are; `local` is this machine and
/// cannot name a remote host.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct HostName(String);

impl HostName {
    /// Checks `name` as a host name; `local` is refused (it means this machine).
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        let checked = SessionName::new(name)
            .map_err(|err| ValidationError::new("host", name, err.reason()))?;
        if checked.as_str() == LOCAL_HOST {
            return Err(ValidationError::new(
                "host",
                name,
                "'local' means this machine and cannot name a remote host",
            ));
        }
        Ok(HostName(checked.into_string()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Deref for HostName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl FromStr for HostName {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HostName::new(s)
    }
}

/// An ssh destination: `[user@]host`, an alias of `~/.ssh/config`, or
/// `ssh://[user@]host[:port]`, passed to `ssh` as one argument after its options.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SshDestination(String);

impl SshDestination {
    /// Checks a destination: not empty, no whitespace or control characters, no leading `-`
    /// (ssh would read it as an option).
    pub fn new(text: &str) -> Result<Self, ValidationError> {
        check_ssh_word("ssh", text, MAX_SSH_DESTINATION_LENGTH)?;
        if text.starts_with('@') || text.ends_with('@') || text.ends_with(':') {
            return Err(ValidationError::new(
                "ssh",
                text,
                "must be [user@]host, an alias from ~/.ssh/config or ssh://[user@]host[:port]",
            ));
        }
        Ok(SshDestination(text.to_owned()))
    }

    /// The destination as ssh takes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SshDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of a host's `ssh_options`: an ssh `-o` option, `Name=value` (or
/// `Name value`), handed to ssh as `-o` and this text, one argument.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SshOption(String);

impl SshOption {
    /// Checks an option: a name of letters, then `=` or a space and a value; no control
    /// characters; no leading `-`.
    pub fn new(text: &str) -> Result<Self, ValidationError> {
        let refuse = |reason: &str| Err(ValidationError::new("ssh_options", text, reason));
        if text.is_empty() {
            return refuse("must not be empty; write Name=value, e.g. Port=2222");
        }
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return refuse(&format!(
                "contains {}; an ssh option is one line",
                describe_control(c)
            ));
        }
        let len = text.chars().count();
        if len > MAX_SSH_OPTION_LENGTH {
            return refuse(&too_long(len, MAX_SSH_OPTION_LENGTH));
        }
        let name_end = text.find(['=', ' ']).unwrap_or(text.len());
        let name = &text[..name_end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return refuse("must be Name=value, the name made of letters (e.g. Port=2222)");
        }
        Ok(SshOption(text.to_owned()))
    }

    /// The option as `-o` takes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Refuses what ssh could misread: empty, too long, whitespace or control characters, a
/// leading `-`.
fn check_ssh_word(field: &'static str, text: &str, max: usize) -> Result<(), ValidationError> {
    let refuse = |reason: String| Err(ValidationError::new(field, text, reason));
    if text.is_empty() {
        return refuse("must not be empty".to_owned());
    }
    let len = text.chars().count();
    if len > max {
        return refuse(too_long(len, max));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return refuse(format!("contains {}", describe_control(c)));
    }
    if let Some(c) = text.chars().find(|c| c.is_whitespace()) {
        return refuse(format!(
            "contains whitespace ({}): give the port with ssh://host:port or in ~/.ssh/config",
            quote(&c.to_string())
        ));
    }
    if text.starts_with('-') {
        return refuse("must not start with '-': ssh would read it as an option".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn host_names_follow_session_names_and_local_is_reserved() {
        for name in ["vps1", "prod-eu", "a"] {
            assert_eq!(HostName::new(name).expect("valid").as_str(), name);
        }
        for name in ["", "1vps", "vps.example.org", "a b", "vps\n"] {
            let err = HostName::new(name).expect_err(name);
            assert_eq!(err.field(), "host", "{name:?}");
        }
        let err = HostName::new("local").expect_err("reserved");
        assert!(err.reason().contains("this machine"), "{err}");
    }

    #[test]
    fn destinations_take_what_ssh_takes_as_one_argument() {
        for text in [
            "vps1",
            "deploy@vps1.example.org",
            "ssh://deploy@vps1.example.org:2222",
            "root@127.0.0.1",
            "[::1]",
        ] {
            assert_eq!(SshDestination::new(text).expect(text).as_str(), text);
        }
        let reason = |text: &str| SshDestination::new(text).expect_err(text).to_string();
        assert!(reason("-oProxyCommand=id").contains("must not start with '-'"));
        assert!(reason("vps1 -p 22").contains("whitespace"));
        assert!(reason("vps1\n").contains("a newline (U+000A)"));
        assert!(reason("vps\u{1b}[2J").contains("an escape character"));
        assert!(reason("").contains("must not be empty"));
        assert!(reason("user@").contains("[user@]host"));
        assert!(reason(&"a".repeat(321)).contains("at most 320"));
    }

    #[test]
    fn ssh_options_are_name_value_pairs() {
        for text in ["Port=2222", "IdentityFile=/k/id_ed25519", "User deploy"] {
            assert_eq!(SshOption::new(text).expect(text).as_str(), text);
        }
        for text in [
            "",
            "-oProxyCommand=x",
            "=x",
            "Port=1\nProxyCommand=x",
            "Pro-xy=1",
        ] {
            assert!(SshOption::new(text).is_err(), "{text:?} accepted");
        }
    }

    proptest! {
        #[test]
        fn no_accepted_destination_can_be_read_as_an_option_or_split(text in "\\PC{0,40}") {
            if let Ok(dest) = SshDestination::new(&text) {
                prop_assert!(!dest.as_str().starts_with('-'));
                prop_assert!(!dest.as_str().chars().any(|c| c.is_whitespace() || c.is_control()));
            }
        }
    }
}
