//! `logs --since`: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`) or an RFC
//! 3339 timestamp (`2026-12-02T04:28:15Z`, `2026-12-02T05:28:15+01:00`).

use jiff::{SignedDuration, Timestamp};

use crate::ops::validate::ValidationError;

const FIELD: &str = "since";
const EXPECTED: &str =
    "expected a duration (90s, 10m, 2h, 1d, 1h30m) or an RFC 3339 timestamp (2026-12-02T04:28:15Z)";

/// The moment `text` means, durations counted back from `now`. Both container runtimes
/// and tmux's log files are then asked for the same instant.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, ValidationError> {
    let refuse = || ValidationError::new(FIELD, text, EXPECTED);
    let trimmed = text.trim();
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) && trimmed.contains(['-', ':']) {
        return trimmed.parse::<Timestamp>().map_err(|_| refuse());
    }
    let back = duration(trimmed).ok_or_else(refuse)?;
    now.checked_sub(back).map_err(|_| refuse())
}

/// `1h30m` as a duration: numbers each followed by `s`, `m`, `h` or `d`.
fn duration(text: &str) -> Option<SignedDuration> {
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 {
            return None;
        }
        let number: i64 = rest[..digits].parse().ok()?;
        let unit = match rest[digits..].chars().next()? {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        total = total.checked_add(number.checked_mul(unit)?)?;
        rest = &rest[digits + 1..];
    }
    Some(SignedDuration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_count_back_from_now() {
        let now: Timestamp = "2026-12-02T04:28:15Z".parse().expect("time");
        let since = |text| parse_since(text, now).map(|t| t.to_string());
        assert_eq!(since("90s").as_deref(), Ok("2026-12-02T04:26:45Z"));
        assert_eq!(since("10m").as_deref(), Ok("2026-12-02T04:18:15Z"));
        assert_eq!(since("2h").as_deref(), Ok("2026-12-02T02:28:15Z"));
        assert_eq!(since("1d").as_deref(), Ok("2026-12-01T04:28:15Z"));
        assert_eq!(since("1h30m").as_deref(), Ok("2026-12-02T02:58:15Z"));
        assert_eq!(since("0s").as_deref(), Ok("2026-12-02T04:28:15Z"));
    }

    #[test]
    fn timestamps_are_rfc_3339_with_an_offset() {
        let now = Timestamp::UNIX_EPOCH;
        let since = |text| parse_since(text, now).map(|t| t.to_string());
        assert_eq!(
            since("2026-12-02T05:28:15+01:00").as_deref(),
            Ok("2026-12-02T04:28:15Z")
        );
        assert_eq!(
            since("2026-12-02T04:28:15.5Z").as_deref(),
            Ok("2026-12-02T04:28:15.5Z")
        );
    }

    #[test]
    fn anything_else_is_refused_with_what_is_expected() {
        let now = Timestamp::UNIX_EPOCH;
        for bad in [
            "",
            "10",
            "m",
            "10x",
            "-5m",
            "1.5h",
            "10 m",
            "yesterday",
            "2026-12-02",
            "2026-12-02T04:28:15",
            "99999999999999999999s",
            "9223372036854775807d",
        ] {
            let err = parse_since(bad, now).expect_err(bad);
            assert_eq!(err.field(), "since");
            assert!(err.reason().starts_with("expected a duration"), "{bad}");
        }
    }
}
