//! Container image references.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::{ValidationError, too_long};
use crate::ops::sanitize::quote;

/// Upstream's limit.
pub const MAX_IMAGE_NAME_LENGTH: usize = 256;

const FIELD: &str = "image";
const SHAPE: &str = "expected [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST], e.g. python:3.12-slim \
                     or localhost:5000/team/app:1.0";

/// An image reference that Docker and Podman both accept.
///
/// The grammar is upstream's (lowercase path components, an optional tag, an optional
/// `sha256` digest), anchored at the true end, plus a registry host with a port as first
/// component (`localhost:5000/app`), which upstream wrongly refused although it is the
/// usual way to name a local registry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Image(String);

impl Image {
    /// Checks a reference and keeps it as written (no normalisation: the runtime does it).
    pub fn new(image: &str) -> Result<Self, ValidationError> {
        let refuse = |reason: String| Err(ValidationError::new(FIELD, image, reason));
        if image.is_empty() {
            return refuse(format!("must not be empty; {SHAPE}"));
        }
        let len = image.chars().count();
        if len > MAX_IMAGE_NAME_LENGTH {
            return refuse(too_long(len, MAX_IMAGE_NAME_LENGTH));
        }
        match check(image) {
            Ok(()) => Ok(Image(image.to_owned())),
            Err(problem) => refuse(format!("{problem}; {SHAPE}")),
        }
    }

    /// The reference as text, for the runtime's argv.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Finds the first part of `image` that breaks the grammar, and says which.
fn check(image: &str) -> Result<(), String> {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let hex = digest.strip_prefix("sha256:").unwrap_or_default();
        if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(format!(
                "digest {} is not sha256: and 64 lowercase hex digits",
                quote(digest)
            ));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    let last = components.len() - 1;
    if let Some((path, tag)) = components[last].split_once(':') {
        if tag.is_empty()
            || !tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(format!(
                "tag {} may only hold letters, digits, '.', '_', '-'",
                quote(tag)
            ));
        }
        components[last] = path;
    }
    let registry = components[0].split_once(':').filter(|_| last > 0);
    if let Some((host, port)) = registry {
        if !is_host(host) || !is_port(port) {
            return Err(format!(
                "registry {} is not a lowercase host name with a port from 1 to 65535",
                quote(components[0])
            ));
        }
        components.remove(0);
    }
    match components.into_iter().find(|c| !is_component(c)) {
        Some(bad) => Err(format!(
            "name part {} must be lowercase letters and digits, with '.', '_' or '-' only \
             between them",
            quote(bad)
        )),
        None => Ok(()),
    }
}

/// One `/`-separated part of a repository name: lowercase letters and digits, with `.`,
/// `_` and `-` allowed only inside (upstream's rule; `a..b` passes, `a.` does not).
fn is_component(c: &str) -> bool {
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = c.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            edge(first)
                && edge(last)
                && bytes
                    .iter()
                    .all(|&b| edge(b) || matches!(b, b'.' | b'_' | b'-'))
        }
        _ => false,
    }
}

/// A registry host name: dot-separated labels of lowercase letters, digits and inner `-`.
fn is_host(host: &str) -> bool {
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    host.split('.').all(|label| {
        let bytes = label.as_bytes();
        matches!((bytes.first(), bytes.last()), (Some(&f), Some(&l)) if edge(f) && edge(l))
            && bytes.iter().all(|&b| edge(b) || b == b'-')
    })
}

/// A TCP port number written in decimal, 1 to 65535.
fn is_port(port: &str) -> bool {
    port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p))
}

impl fmt::Display for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Image {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// For clap's `value_parser!` and `str::parse`.
impl FromStr for Image {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Image::new(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn reason(image: &str) -> String {
        Image::new(image).unwrap_err().reason().to_owned()
    }

    #[test]
    fn upstream_examples_pass() {
        let pinned = format!("python@{DIGEST}");
        let both = format!("python:3.12@{DIGEST}");
        for image in [
            "python",
            "python:3.10-slim",
            "ghcr.io/user/image:tag",
            "a..b",
            "a__b",
            "library/python:Latest",
            "x:TAG_1.0-rc",
            &pinned,
            &both,
        ] {
            assert_eq!(Image::new(image).unwrap().as_str(), image);
        }
    }

    #[test]
    fn upstream_examples_fail() {
        for image in [
            "",
            "Python",
            "ghcr.io/User/x",
            "my image",
            "image;rm -rf",
            "a.",
            "-a",
            "a//b",
            "/a",
            "a/",
            "a:",
            "a:b:c",
            "a@sha256:abc",
            "a@md5:0123",
        ] {
            assert!(Image::new(image).is_err(), "{image:?} accepted");
        }
        assert!(Image::new(&format!("a@{}", DIGEST.to_uppercase())).is_err());
    }

    #[test]
    fn registry_with_port_passes() {
        // Upstream refused every registry with a port (reference §4.2).
        for image in [
            "localhost:5000/img:tag",
            "registry.example.com:443/a/b",
            "10.0.0.1:5000/app",
            "localhost/app",
            "my-registry:65535/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(Image::new(image).is_ok(), "{image:?} refused");
        }
    }

    #[test]
    fn bad_registries_fail() {
        for image in [
            "localhost:0/x",
            "localhost:65536/x",
            "localhost:abc/x",
            "Local:5000/x",
        ] {
            assert!(reason(image).starts_with("registry"), "{image:?}");
        }
        assert!(reason("a/localhost:5000/x").starts_with("name part 'localhost:5000'"));
    }

    #[test]
    fn trailing_newline_is_refused() {
        // Upstream 11.18.
        assert!(Image::new("python\n").is_err());
        assert!(Image::new("python:3\n").is_err());
    }

    #[test]
    fn length_limit() {
        assert!(Image::new(&"a".repeat(256)).is_ok());
        assert_eq!(
            reason(&"a".repeat(257)),
            "is 257 characters long, at most 256 are allowed"
        );
    }

    #[test]
    fn message_names_the_bad_part_and_the_shape() {
        let err = Image::new("ghcr.io/User/x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid image 'ghcr.io/User/x': name part 'User' must be lowercase letters and \
             digits, with '.', '_' or '-' only between them; expected \
             [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST], e.g. python:3.12-slim or \
             localhost:5000/team/app:1.0"
        );
        assert!(reason("a:b c").starts_with("tag 'b c'"));
        assert!(reason("a@sha256:12").starts_with("digest 'sha256:12'"));
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Image::new(&s);
        }

        #[test]
        fn image_like_strings_never_panic(s in "[a-zA-Z0-9:/@._ -]{0,30}") {
            if let Ok(image) = Image::new(&s) {
                prop_assert_eq!(image.to_string(), s);
            }
        }
    }
}
