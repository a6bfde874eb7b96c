//! Durations given in seconds: `--timeout`, `stop_timeout`.

use std::time::Duration;

use super::ValidationError;

/// A number of seconds (`30`, `2.5`) between 0 and a day, as `--timeout` and
/// `stop_timeout` take it.
pub fn seconds(field: &'static str, text: &str) -> Result<Duration, ValidationError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && (0.0..=86_400.0).contains(secs))
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            ValidationError::new(
                field,
                text,
                "expected a number of seconds between 0 and 86400",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_numbers_within_a_day() {
        assert_eq!(seconds("t", "30").ok(), Some(Duration::from_secs(30)));
        assert_eq!(
            seconds("t", " 2.5 ").ok(),
            Some(Duration::from_millis(2500))
        );
        for bad in ["-1", "86401", "NaN", "inf", "ten", ""] {
            assert!(seconds("t", bad).is_err(), "{bad}");
        }
    }
}
