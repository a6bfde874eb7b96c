//! Sizes in bytes: `ops.log_max_size`.

use super::ValidationError;

/// The smallest cap `ops.log_max_size` accepts: below it, every line would rotate the file.
pub const MIN_MAX_SIZE: u64 = 1024;

/// The largest size accepted: 1 TiB, far beyond any log file worth keeping.
const MAX_BYTES: u64 = 1 << 40;

/// A size in bytes: a whole number (`1048576`), or one with a binary unit (`512KiB`,
/// `10MiB`, `1GiB`; `K`, `M`, `G` mean the same). Between 1 KiB and 1 TiB.
pub fn byte_size(field: &'static str, text: &str) -> Result<u64, ValidationError> {
    let refuse = || {
        ValidationError::new(
            field,
            text,
            "expected a size in bytes between 1KiB and 1TiB: a number, or one with KiB, MiB or GiB (10MiB)",
        )
    };
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    if digits == 0 {
        return Err(refuse());
    }
    let number: u64 = trimmed[..digits].parse().map_err(|_| refuse())?;
    let unit: u64 = match trimmed[digits..].trim_start() {
        "" | "B" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return Err(refuse()),
    };
    number
        .checked_mul(unit)
        .filter(|bytes| (MIN_MAX_SIZE..=MAX_BYTES).contains(bytes))
        .ok_or_else(refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_bytes_or_binary_units() {
        let size = |text| byte_size("log_max_size", text).ok();
        assert_eq!(size("1048576"), Some(1 << 20));
        assert_eq!(size("10MiB"), Some(10 << 20));
        assert_eq!(size("10 MiB"), Some(10 << 20));
        assert_eq!(size("512KiB"), Some(512 << 10));
        assert_eq!(size("4K"), Some(4096));
        assert_eq!(size("1G"), Some(1 << 30));
        assert_eq!(size("1024B"), Some(1024));
        for bad in [
            "",
            "MiB",
            "10MB",
            "10mib",
            "1.5MiB",
            "-1",
            "100",
            "2TiB",
            "99999999999GiB",
        ] {
            assert_eq!(size(bad), None, "{bad}");
        }
    }
}
