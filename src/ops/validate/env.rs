//! Environment variables given to a session.

use super::{Item, ValidationError, describe_control, too_long};

/// Upstream's limit on the number of variables of one session.
pub const MAX_ENV_VARS: usize = 100;

/// Upstream's limit on a key, in characters.
pub const MAX_ENV_KEY_LENGTH: usize = 128;

/// Upstream's limit on a value, in characters.
pub const MAX_ENV_VALUE_LENGTH: usize = 32768;

/// Keys that make the dynamic loader or an interpreter run code of the setter's choosing
/// before the program starts.
///
/// Upstream's nine, plus `LD_AUDIT` (loads a library like `LD_PRELOAD`), `BASH_ENV` (a
/// script sourced by every non-interactive bash), `PYTHONHOME` (swaps the standard library)
/// and `JAVA_TOOL_OPTIONS` (`-javaagent:`). Matching is exact and case-sensitive because
/// the loader and interpreters only read these exact names; `ENV` is left out on purpose,
/// as many applications use it for `production`/`staging`.
pub const DANGEROUS_ENV_KEYS: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "NODE_OPTIONS",
    "PERL5OPT",
    "RUBYOPT",
    "LD_AUDIT",
    "BASH_ENV",
    "PYTHONHOME",
    "JAVA_TOOL_OPTIONS",
];

const FIELD: &str = "env";

/// Refuses a map of more than [`MAX_ENV_VARS`] variables (an empty map is fine).
pub fn check_env_count(n: usize) -> Result<(), ValidationError> {
    match n > MAX_ENV_VARS {
        true => Err(ValidationError::too_many(FIELD, n, MAX_ENV_VARS)),
        false => Ok(()),
    }
}

/// One environment variable that can be handed to tmux or a container runtime as
/// `KEY=VALUE`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnvVar {
    key: String,
    value: String,
}

impl EnvVar {
    /// Checks a variable in upstream's order (key length, value length, key format, deny
    /// list), then that the value has no NUL, which no process environment can hold.
    ///
    /// Errors name the key (never the value, which may be a secret) and carry
    /// [`Item::Key`] so the config loader can point at the entry.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Result<Self, ValidationError> {
        let (key, value) = (key.into(), value.into());
        let refuse = |reason: String| {
            Err(ValidationError::new(FIELD, &key, reason).at(Item::Key(key.clone())))
        };
        let key_len = key.chars().count();
        if key_len > MAX_ENV_KEY_LENGTH {
            return refuse(format!("key {}", too_long(key_len, MAX_ENV_KEY_LENGTH)));
        }
        let value_len = value.chars().count();
        if value_len > MAX_ENV_VALUE_LENGTH {
            return refuse(format!(
                "value {}",
                too_long(value_len, MAX_ENV_VALUE_LENGTH)
            ));
        }
        if !is_key(&key) {
            return refuse(
                "key must be an ASCII letter or '_' followed by ASCII letters, digits or '_'"
                    .into(),
            );
        }
        if DANGEROUS_ENV_KEYS.contains(&key.as_str()) {
            return refuse(
                "is blocked for security reasons: it makes the loader or interpreter run other \
                 code; set it in the program's own start script if it is really needed"
                    .into(),
            );
        }
        if value.contains('\0') {
            return refuse(format!(
                "value contains {}, which no process environment can hold",
                describe_control('\0')
            ));
        }
        Ok(EnvVar { key, value })
    }

    /// Parses the `KEY=VALUE` of the CLI's `-e`, splitting at the first `=` so that values
    /// may contain `=` (`-e OPTS=a=b`).
    pub fn parse_assignment(assignment: &str) -> Result<Self, ValidationError> {
        match assignment.split_once('=') {
            Some((key, value)) => EnvVar::new(key, value),
            None => Err(ValidationError::new(
                FIELD,
                assignment,
                "expected KEY=VALUE, e.g. -e LOG_LEVEL=debug",
            )),
        }
    }

    /// The variable's name.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The variable's value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Both parts, without copies.
    pub fn into_parts(self) -> (String, String) {
        (self.key, self.value)
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`, the names POSIX shells and `env` accept.
fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(key: &str, value: &str) -> String {
        EnvVar::new(key, value).unwrap_err().reason().to_owned()
    }

    #[test]
    fn plain_variables_pass() {
        for key in [
            "A",
            "_",
            "_x",
            "LOG_LEVEL",
            "a1",
            "PATH",
            "ENV",
            "ld_preload",
        ] {
            let var = EnvVar::new(key, "v").unwrap();
            assert_eq!((var.key(), var.value()), (key, "v"));
        }
        // Values are free text: newlines (PEM keys), '=', anything but NUL.
        assert!(EnvVar::new("CERT", "-----BEGIN\nabc\n-----END\n").is_ok());
        assert!(EnvVar::new("E", "").is_ok());
    }

    #[test]
    fn bad_keys_fail() {
        for key in ["", "1A", "A-B", "A B", "A=B", "É", "A\n"] {
            assert!(reason(key, "v").starts_with("key must be"), "{key:?}");
        }
    }

    #[test]
    fn deny_list_is_exact() {
        for key in DANGEROUS_ENV_KEYS {
            assert!(reason(key, "x").starts_with("is blocked"), "{key}");
        }
        assert_eq!(DANGEROUS_ENV_KEYS.len(), 13);
        for key in ["BASH_ENV", "LD_AUDIT", "PYTHONHOME", "JAVA_TOOL_OPTIONS"] {
            assert!(EnvVar::new(key, "x").is_err(), "{key}");
        }
        assert!(EnvVar::new("ld_preload", "x").is_ok());
    }

    #[test]
    fn checks_run_in_upstream_order() {
        let long_key = "1".repeat(129);
        let long_value = "v".repeat(32769);
        assert!(reason(&long_key, &long_value).starts_with("key is 129 characters"));
        assert!(reason("1A", &long_value).starts_with("value is 32769 characters"));
        assert!(reason("LD_PRELOAD", "\0").starts_with("is blocked"));
        assert!(EnvVar::new("A".repeat(128), "v".repeat(32768)).is_ok());
    }

    #[test]
    fn nul_in_value_fails() {
        assert_eq!(
            reason("A", "a\0b"),
            "value contains a NUL byte (U+0000), which no process environment can hold"
        );
    }

    #[test]
    fn errors_point_at_the_key_and_hide_the_value() {
        let err = EnvVar::new("LD_PRELOAD", "/tmp/secret.so").unwrap_err();
        assert_eq!(err.item(), Some(&Item::Key("LD_PRELOAD".into())));
        assert_eq!(err.value(), "LD_PRELOAD");
        assert!(!err.to_string().contains("secret"));
        assert!(
            err.to_string()
                .starts_with("invalid environment variable 'LD_PRELOAD': is blocked")
        );
    }

    #[test]
    fn assignments_split_at_the_first_equals() {
        let var = EnvVar::parse_assignment("OPTS=a=b").unwrap();
        assert_eq!(var.into_parts(), ("OPTS".into(), "a=b".into()));
        assert_eq!(EnvVar::parse_assignment("E=").unwrap().value(), "");
        let err = EnvVar::parse_assignment("NOVALUE").unwrap_err();
        assert!(err.reason().starts_with("expected KEY=VALUE"));
        assert!(EnvVar::parse_assignment("=v").is_err());
        // Upstream 11.19: `-e 1A=b` escaped the CLI as a traceback.
        assert!(EnvVar::parse_assignment("1A=b").is_err());
    }

    #[test]
    fn counts() {
        assert!(check_env_count(100).is_ok());
        assert!(check_env_count(101).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_pairs_never_panic(key in any::<String>(), value in any::<String>()) {
            let _ = EnvVar::new(key, value);
        }

        #[test]
        fn arbitrary_assignments_never_panic(s in any::<String>()) {
            let _ = EnvVar::parse_assignment(&s);
        }

        #[test]
        fn valid_keys_pass(key in "[A-Za-z_][A-Za-z0-9_]{0,127}") {
            prop_assume!(!DANGEROUS_ENV_KEYS.contains(&key.as_str()));
            prop_assert!(EnvVar::new(key, "v").is_ok());
        }
    }
}
