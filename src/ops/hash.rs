//! A stable hash: the same bytes give the same value in every run and version, so that it
//! can be stored (a config hash on a session, a socket's key in a log path) and compared
//! later.

/// FNV-1a, 64 bits: stable across runs and versions (unlike `DefaultHasher`), and enough
/// to tell a changed config from an unchanged one.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
