//! Volume mounts (`-v HOST:CONTAINER[:OPTIONS]`).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::{ValidationError, check_control};
use crate::ops::sanitize::quote;

/// Upstream's limit on the number of volumes of one session.
pub const MAX_VOLUMES: usize = 20;

const FIELD: &str = "volumes";
const SHAPE: &str = "expected HOST:CONTAINER or HOST:CONTAINER:OPTIONS";

/// Mount options a session may ask for: read-only/read-write, and the SELinux relabelling
/// flags that Podman on Fedora/RHEL needs (upstream only knew `ro` and `rw`).
const OPTIONS: &[&str] = &["ro", "rw", "z", "Z"];

/// Refuses a list of more than [`MAX_VOLUMES`] volumes (an empty list is fine).
pub fn check_volume_count(n: usize) -> Result<(), ValidationError> {
    match n > MAX_VOLUMES {
        true => Err(ValidationError::too_many(FIELD, n, MAX_VOLUMES)),
        false => Ok(()),
    }
}

/// One volume mount: a host path or named volume, a path in the container, and options.
///
/// `..` is refused as a path component on either side, so a mount cannot climb out of the
/// directory the config names; unlike upstream, names that merely contain two dots
/// (`..cache`, `/b/..x`) are fine.
#[derive(Clone, Debug)]
pub struct Volume {
    host: String,
    container: String,
    options: Option<String>,
    /// The host path as written, when kstlib made it a path of this machine (relative, or
    /// under `~`): meaningless for a container on another host.
    written: Option<String>,
}

impl Volume {
    /// Parses `HOST:CONTAINER[:OPTIONS]`, OPTIONS being a comma-separated list of `ro`, `rw`,
    /// `z`, `Z`.
    pub fn parse(spec: &str) -> Result<Self, ValidationError> {
        let refuse = |reason: String| ValidationError::new(FIELD, spec, reason);
        check_control(FIELD, spec, "volumes are paths and options")?;
        let mut parts = spec.split(':');
        let host = parts.next().unwrap_or_default();
        let Some(container) = parts.next() else {
            return Err(refuse(format!("has no ':'; {SHAPE}")));
        };
        let options = parts.next();
        if parts.next().is_some() {
            return Err(refuse(format!("has more than two ':'; {SHAPE}")));
        }
        if host.is_empty() || container.is_empty() {
            return Err(refuse(format!("has an empty path; {SHAPE}")));
        }
        if let Some(options) = options {
            check_options(options).map_err(refuse)?;
        }
        let volume = Volume {
            host: host.to_owned(),
            container: container.to_owned(),
            options: options.map(str::to_owned),
            written: None,
        };
        volume.check_traversal().map_err(refuse)?;
        // A relative path names nothing inside a container (Docker refuses it at `run`,
        // after kstlib has said the session is valid), and mounting over `/` hides the image.
        if !container.starts_with('/') {
            return Err(refuse(format!(
                "container path {} is relative; a path inside the container is absolute",
                quote(container)
            )));
        }
        if container.trim_end_matches('/').is_empty() {
            return Err(refuse(
                "container path is '/', which would hide the whole image; mount a directory"
                    .to_owned(),
            ));
        }
        Ok(volume)
    }

    /// The host side: a path, or the name of a named volume.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path inside the container.
    pub fn container(&self) -> &str {
        &self.container
    }

    /// The options after the second `:`, as written (`ro`, `rw,Z`, …).
    pub fn options(&self) -> Option<&str> {
        self.options.as_deref()
    }

    /// What is mounted where, which is what makes two volumes the same.
    fn mount(&self) -> (&str, &str, Option<&str>) {
        (&self.host, &self.container, self.options.as_deref())
    }

    /// Whether the host side is a path (to make absolute) rather than a named volume.
    ///
    /// Named volumes must start with a letter or digit, so `/`, `.` and `~` are enough.
    pub fn is_bind_mount(&self) -> bool {
        self.host.starts_with(['/', '.', '~'])
    }

    /// The host path as written, when it was relative or under `~` and has been made a path
    /// of this machine by [`Self::with_host`].
    pub fn written_host(&self) -> Option<&str> {
        self.written.as_deref()
    }

    /// The same mount with another host side, e.g. a relative path made absolute.
    ///
    /// Returns a `Result`, not a bare `Volume`, because the new path comes from outside
    /// (the current directory, `$HOME`) and may hold a `:` or `..` that would break the
    /// mount; a `Volume` stays valid whatever made it.
    pub fn with_host(&self, host: String) -> Result<Volume, ValidationError> {
        let written = self
            .written
            .clone()
            .or_else(|| (!self.host.starts_with('/')).then(|| self.host.clone()));
        let volume = Volume {
            host,
            written,
            ..self.clone()
        };
        let refuse = |reason: String| ValidationError::new(FIELD, volume.to_string(), reason);
        check_control(FIELD, &volume.host, "volumes are paths and options")?;
        if volume.host.is_empty() || volume.host.contains(':') {
            return Err(refuse(format!(
                "host path {} is empty or holds a ':'",
                quote(&volume.host)
            )));
        }
        volume.check_traversal().map_err(refuse)?;
        Ok(volume)
    }

    /// Refuses `..` as a whole path component, on either side.
    fn check_traversal(&self) -> Result<(), String> {
        for (side, path) in [("host", &self.host), ("container", &self.container)] {
            if path.split('/').any(|part| part == "..") {
                return Err(format!(
                    "{side} path {} contains '..'; use a path without parent-directory steps",
                    quote(path)
                ));
            }
        }
        Ok(())
    }
}

/// Refuses options other than a comma-separated list of [`OPTIONS`] without conflicts.
fn check_options(options: &str) -> Result<(), String> {
    let list: Vec<&str> = options.split(',').collect();
    if let Some(bad) = list.iter().find(|o| !OPTIONS.contains(o)) {
        return Err(format!(
            "has an unknown option {}; options are a comma-separated list of ro, rw, z, Z",
            quote(bad)
        ));
    }
    let count = |group: [&str; 2]| list.iter().filter(|o| group.contains(o)).count();
    if count(["ro", "rw"]) > 1 || count(["z", "Z"]) > 1 {
        return Err(format!(
            "has conflicting options {}; use at most one of ro/rw and one of z/Z",
            quote(options)
        ));
    }
    Ok(())
}

/// The same mount, however its host path was written.
impl PartialEq for Volume {
    fn eq(&self, other: &Self) -> bool {
        self.mount() == other.mount()
    }
}

impl Eq for Volume {}

impl std::hash::Hash for Volume {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.mount().hash(state);
    }
}

/// `host:container[:options]`, the form `docker run -v` takes.
impl fmt::Display for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.container)?;
        match &self.options {
            Some(options) => write!(f, ":{options}"),
            None => Ok(()),
        }
    }
}

/// Serialised as its `-v` string, as written in the config file.
impl Serialize for Volume {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// For clap's `value_parser!` and `str::parse`.
impl FromStr for Volume {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Volume::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(spec: &str) -> String {
        Volume::parse(spec).unwrap_err().reason().to_owned()
    }

    #[test]
    fn upstream_examples_pass() {
        for spec in [
            "./data:/app/data",
            "/a:/b:ro",
            "/a:/b:rw",
            "named_vol:/data",
            "/my dir:/x y",
        ] {
            assert_eq!(Volume::parse(spec).unwrap().to_string(), spec);
        }
    }

    #[test]
    fn upstream_examples_fail() {
        for spec in [
            "nocontainer",
            "host:container:invalid",
            "C:\\x:/a",
            ":/a",
            "/a:",
            "/a:/b:",
        ] {
            assert!(Volume::parse(spec).is_err(), "{spec:?} accepted");
        }
        assert!(reason("/a:/b:ro:x").starts_with("has more than two ':'"));
        assert!(reason("nocontainer").starts_with("has no ':'"));
    }

    #[test]
    fn selinux_labels_and_option_lists_pass() {
        // Upstream refused `/a:/b:z` and `/a:/b:rw,z`, which Podman users need.
        for spec in ["/a:/b:z", "/a:/b:Z", "/a:/b:rw,z", "/a:/b:Z,ro"] {
            assert!(Volume::parse(spec).is_ok(), "{spec:?} refused");
        }
    }

    #[test]
    fn bad_options_fail() {
        assert!(reason("/a:/b:rx").starts_with("has an unknown option 'rx'"));
        assert!(reason("/a:/b:ro,").starts_with("has an unknown option ''"));
        for spec in ["/a:/b:ro,rw", "/a:/b:z,Z", "/a:/b:ro,ro", "/a:/b:ro,z,z"] {
            assert!(
                reason(spec).starts_with("has conflicting options"),
                "{spec:?}"
            );
        }
    }

    #[test]
    fn parent_components_are_refused() {
        for spec in [
            "../x:/y",
            "/a/../b:/c",
            "..:/c",
            "/a:/b/..",
            "/a:../b",
            "./a/..:/b",
        ] {
            assert!(reason(spec).contains("contains '..'"), "{spec:?}");
        }
    }

    #[test]
    fn container_paths_are_absolute_and_not_the_root() {
        assert!(reason("/host:data").contains("container path 'data' is relative"));
        assert!(reason("./d:/").contains("container path is '/'"));
        assert!(reason("./d://").contains("container path is '/'"));
    }

    #[test]
    fn names_with_two_dots_pass() {
        // Upstream refused any `..` substring.
        for spec in ["..foo:/x", "/a:/b/..x", "/a/x..y:/b", "/a/...:/b"] {
            assert!(Volume::parse(spec).is_ok(), "{spec:?} refused");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        // Upstream 11.18: `/a:/b\n` passed.
        assert!(reason("/a:/b\n").contains("a newline (U+000A)"));
        assert!(Volume::parse("/a\t:/b").is_err());
    }

    #[test]
    fn accessors_and_bind_mounts() {
        let v = Volume::parse("./data:/app:ro").unwrap();
        assert_eq!(
            (v.host(), v.container(), v.options()),
            ("./data", "/app", Some("ro"))
        );
        assert!(v.is_bind_mount());
        assert!(Volume::parse("/d:/a").unwrap().is_bind_mount());
        assert!(Volume::parse("~/d:/a").unwrap().is_bind_mount());
        assert!(!Volume::parse("cache:/a").unwrap().is_bind_mount());
    }

    #[test]
    fn with_host_keeps_the_rest_and_checks_the_path() {
        let v = Volume::parse("./data:/app:ro").unwrap();
        let abs = v.with_host("/home/me/data".into()).unwrap();
        assert_eq!(abs.to_string(), "/home/me/data:/app:ro");
        assert!(v.with_host("/home/a:b/data".into()).is_err());
        assert!(v.with_host("/home/../data".into()).is_err());
        assert!(v.with_host(String::new()).is_err());
        assert!(v.with_host("/x\n".into()).is_err());
    }

    #[test]
    fn counts() {
        assert!(check_volume_count(0).is_ok());
        assert!(check_volume_count(20).is_ok());
        assert_eq!(
            check_volume_count(21).unwrap_err().to_string(),
            "too many volumes: 21 given, at most 20 are allowed"
        );
    }

    #[test]
    fn serializes_as_its_spec() {
        let v = Volume::parse("/a:/b:Z").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"/a:/b:Z\"");
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Volume::parse(&s);
        }

        #[test]
        fn accepted_volumes_round_trip(s in "[a-z./~ :,rwzZ]{0,20}") {
            if let Ok(v) = Volume::parse(&s) {
                prop_assert_eq!(v.to_string(), s.clone());
                prop_assert_eq!(Volume::parse(&v.to_string()).unwrap(), v);
            }
        }
    }
}
