//! Session names: the one identifier shared by tmux, containers, the config file and the CLI.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::Serialize;

use super::{ValidationError, describe_control, too_long};
use crate::ops::sanitize::quote;

/// Upstream's limit; it keeps names readable in `list` and well under tmux's and Docker's.
pub const MAX_SESSION_NAME_LENGTH: usize = 64;

const FIELD: &str = "name";
const ALLOWED: &str = "use an ASCII letter followed by ASCII letters, digits, '_' or '-'";

/// A session name that tmux and Docker/Podman both keep exactly as given.
///
/// tmux silently turns `.` and `:` into `_`, and Docker refuses most punctuation, so a
/// freer name would not be found again under the name the user typed. The rule is
/// upstream's: one ASCII letter, then ASCII letters, digits, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SessionName(String);

impl SessionName {
    /// Checks `name` and keeps it; the whole string must match, a trailing newline included
    /// (upstream's `$` let `"bot\n"` through).
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        let refuse = |reason: String| Err(ValidationError::new(FIELD, name, reason));
        let mut chars = name.chars();
        let Some(first) = chars.next() else {
            return refuse(format!("must not be empty; {ALLOWED}"));
        };
        let len = name.chars().count();
        if len > MAX_SESSION_NAME_LENGTH {
            return refuse(too_long(len, MAX_SESSION_NAME_LENGTH));
        }
        if !first.is_ascii_alphabetic() {
            return refuse(format!("must start with an ASCII letter; {ALLOWED}"));
        }
        if let Some(bad) = chars.find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
            let shown = match bad.is_control() {
                true => describe_control(bad),
                false => quote(&bad.to_string()),
            };
            return refuse(format!("contains {shown}; {ALLOWED}"));
        }
        Ok(SessionName(name.to_owned()))
    }

    /// Refuses a name Docker would refuse for a container.
    ///
    /// Docker requires `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, that is at least two characters; every
    /// other rule is already implied by [`SessionName::new`], so only the length is checked.
    pub fn check_container_name(&self) -> Result<(), ValidationError> {
        if self.0.len() < 2 {
            return Err(ValidationError::new(
                FIELD,
                self.0.as_str(),
                "is too short for a container: Docker requires at least 2 characters",
            ));
        }
        Ok(())
    }

    /// The name as text, for building argv.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned string, without a copy.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SessionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SessionName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Deref for SessionName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// Lets maps keyed by name be searched with a `&str` (hash and order are the string's).
impl Borrow<str> for SessionName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// For clap's `value_parser!` and `str::parse`.
impl FromStr for SessionName {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SessionName::new(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(name: &str) -> String {
        SessionName::new(name).unwrap_err().reason().to_owned()
    }

    #[test]
    fn upstream_examples_pass() {
        for name in ["a", "MyBot", "my-bot_01", &"a".repeat(64)] {
            assert_eq!(SessionName::new(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn upstream_examples_fail() {
        for name in [
            "", "1bot", "_bot", "-bot", "my bot", "my.bot", "my@bot", "my;bot", "é",
        ] {
            assert!(SessionName::new(name).is_err(), "{name:?} accepted");
        }
    }

    #[test]
    fn trailing_newline_is_refused() {
        // Upstream 11.18: Python's `$` matched before a final newline.
        assert!(reason("bot\n").starts_with("contains a newline (U+000A)"));
    }

    #[test]
    fn too_long_is_refused_with_the_limit() {
        assert_eq!(
            reason(&"a".repeat(65)),
            "is 65 characters long, at most 64 are allowed"
        );
    }

    #[test]
    fn messages_name_the_value_and_the_rule() {
        let err = SessionName::new("my.bot").unwrap_err();
        assert_eq!(err.field(), "name");
        assert_eq!(
            err.to_string(),
            "invalid session name 'my.bot': contains '.'; use an ASCII letter followed by \
             ASCII letters, digits, '_' or '-'"
        );
        assert!(reason("").starts_with("must not be empty"));
        assert!(reason("1bot").starts_with("must start with an ASCII letter"));
    }

    #[test]
    fn one_character_names_are_not_container_names() {
        let err = SessionName::new("a")
            .unwrap()
            .check_container_name()
            .unwrap_err();
        assert!(err.reason().contains("at least 2 characters"));
        assert!(
            SessionName::new("ab")
                .unwrap()
                .check_container_name()
                .is_ok()
        );
    }

    #[test]
    fn serializes_as_a_plain_string() {
        let name = SessionName::new("bot").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"bot\"");
    }

    #[test]
    fn parses_with_from_str() {
        assert_eq!("bot".parse::<SessionName>().unwrap().as_str(), "bot");
        assert!("b t".parse::<SessionName>().is_err());
    }

    /// What tmux and Docker require of an accepted name.
    fn assert_usable(name: &SessionName) {
        let s = name.as_str();
        // tmux: non-empty, and `.`/`:` would be rewritten to `_`.
        assert!(!s.is_empty() && !s.contains(['.', ':']));
        // Docker: [a-zA-Z0-9][a-zA-Z0-9_.-]+ when at least 2 characters long.
        let mut chars = s.chars();
        assert!(chars.next().is_some_and(|c| c.is_ascii_alphanumeric()));
        assert!(chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)));
        assert_eq!(name.check_container_name().is_ok(), s.len() >= 2);
        // Round trip.
        assert_eq!(&SessionName::new(s).unwrap(), name);
        assert_eq!(name.to_string(), s);
    }

    proptest! {
        #[test]
        fn every_valid_looking_name_is_accepted_and_usable(s in "[a-zA-Z][a-zA-Z0-9_-]{0,63}") {
            assert_usable(&SessionName::new(&s).unwrap());
        }

        #[test]
        fn whatever_is_accepted_is_usable(s in "[a-zA-Z0-9_.:@ \n-]{0,70}|\\PC*|.*") {
            if let Ok(name) = SessionName::new(&s) {
                assert_usable(&name);
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = SessionName::new(&s);
        }
    }
}
