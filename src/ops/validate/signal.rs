//! The signal that starts a graceful stop.

use std::fmt;
use std::str::FromStr;

use nix::sys::signal::Signal;
use serde::{Serialize, Serializer};

use super::ValidationError;

const FIELD: &str = "stop_signal";

/// The first signal of the stop ladder (signal, wait, kill).
///
/// Defaults to SIGINT, the Ctrl-C that interactive programs such as bots and dev servers
/// treat as "finish and exit"; containers whose program wants SIGTERM say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StopSignal(Signal);

impl StopSignal {
    /// Accepts what people write for a signal: `SIGTERM`, `TERM`, `term`, `sigterm`, or a
    /// number such as `15`; the whole string must be the signal (no spaces).
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let signal = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<i32>()
                .ok()
                .and_then(|n| Signal::try_from(n).ok())
        } else {
            let upper = text.to_ascii_uppercase();
            let name = match upper.starts_with("SIG") {
                true => upper,
                false => format!("SIG{upper}"),
            };
            name.parse::<Signal>().ok()
        };
        signal.map(StopSignal).ok_or_else(|| {
            ValidationError::new(
                FIELD,
                text,
                "is not a known signal; use a name such as SIGINT, SIGTERM, SIGHUP, SIGQUIT \
                 or SIGUSR1 (the SIG prefix and case are optional), or a number such as 2 or 15",
            )
        })
    }

    /// The signal to send.
    pub fn signal(&self) -> Signal {
        self.0
    }
}

impl From<Signal> for StopSignal {
    fn from(signal: Signal) -> Self {
        StopSignal(signal)
    }
}

impl Default for StopSignal {
    fn default() -> Self {
        StopSignal(Signal::SIGINT)
    }
}

/// The canonical name (`SIGTERM`), which `docker run --stop-signal` and people both read.
impl fmt::Display for StopSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Serialised by its canonical name.
impl Serialize for StopSignal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

/// For clap's `value_parser!` and `str::parse`.
impl FromStr for StopSignal {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StopSignal::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parsed(text: &str) -> Signal {
        StopSignal::parse(text).unwrap().signal()
    }

    #[test]
    fn names_in_any_case_with_or_without_prefix() {
        for text in ["SIGINT", "INT", "int", "SigInt", "2", "02"] {
            assert_eq!(parsed(text), Signal::SIGINT, "{text}");
        }
        for text in ["sigterm", "TERM", "15"] {
            assert_eq!(parsed(text), Signal::SIGTERM, "{text}");
        }
        assert_eq!(parsed("SIGWINCH"), Signal::SIGWINCH);
        assert_eq!(parsed("9"), Signal::SIGKILL);
    }

    #[test]
    fn unknown_signals_list_valid_ones() {
        for text in [
            "",
            "SIG",
            "FOO",
            "0",
            "65",
            "99999999999",
            " INT",
            "INT\n",
            "-2",
            "+2",
            "SIGSIGINT",
        ] {
            let err = StopSignal::parse(text).unwrap_err();
            assert!(err.reason().contains("SIGINT, SIGTERM"), "{text:?}");
            assert_eq!(err.field(), "stop_signal");
        }
    }

    #[test]
    fn default_display_and_serialisation() {
        let default = StopSignal::default();
        assert_eq!(default.signal(), Signal::SIGINT);
        assert_eq!(default.to_string(), "SIGINT");
        assert_eq!(StopSignal::parse("term").unwrap().to_string(), "SIGTERM");
        assert_eq!(serde_json::to_string(&default).unwrap(), "\"SIGINT\"");
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = StopSignal::parse(&s);
        }

        #[test]
        fn accepted_signals_round_trip(s in "(sig|SIG)?[a-zA-Z0-9]{1,6}") {
            if let Ok(signal) = StopSignal::parse(&s) {
                prop_assert_eq!(StopSignal::parse(&signal.to_string()).unwrap(), signal);
            }
        }
    }
}
