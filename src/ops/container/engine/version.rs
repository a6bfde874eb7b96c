//! Which API version to speak, from one `GET /_ping`.
//!
//! `/_ping` answers in ≈ 0.1 ms and carries the engine's own version in its headers
//! (`Api-Version`, and `Libpod-Api-Version` on Podman), where `/version` costs ≈ 5 ms on
//! Docker and ≈ 500 ms on Podman 4.3 (bollard's `negotiate_version` asks `/version`).
//! Versions must be negotiated: Docker 20.10 refuses anything above 1.41, Docker 29
//! anything below 1.44.

use hyper::header::HeaderMap;

use crate::ops::model::Runtime;

/// The newest Docker API version whose answers this client was checked against; an engine
/// that speaks a newer one is asked in this one.
pub(super) const DOCKER_MAX: (u32, u32) = (1, 51);

/// The path prefix of every request to an engine, once negotiated: `/v1.41` (Docker) or
/// `/v4.3.1/libpod` (Podman's own endpoints, faster than its Docker-compatible ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Api {
    pub(crate) prefix: String,
}

/// The API to speak with `runtime`'s engine, from the headers of its `/_ping`; `None` when
/// the engine is not of that kind (a Docker socket named in `CONTAINER_HOST`) or names no
/// version, which leaves it to the CLI.
pub(super) fn negotiate(runtime: Runtime, ping: &HeaderMap) -> Option<Api> {
    let header = |name: &str| ping.get(name)?.to_str().ok().map(str::trim);
    match runtime {
        Runtime::Docker => {
            let (major, minor) = parse(header("Api-Version")?)?;
            let (major, minor) = (major, minor).min(DOCKER_MAX);
            Some(Api {
                prefix: format!("/v{major}.{minor}"),
            })
        }
        Runtime::Podman => {
            let version = header("Libpod-Api-Version")?;
            let plain = version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
            (plain && version.starts_with(|c: char| c.is_ascii_digit())).then(|| Api {
                prefix: format!("/v{version}/libpod"),
            })
        }
    }
}

/// `1.41` as `(1, 41)`.
fn parse(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (key, value) in pairs {
            map.insert(*key, value.parse().expect("a header value"));
        }
        map
    }

    #[test]
    fn docker_speaks_its_own_version_up_to_ours() {
        let api = |version| negotiate(Runtime::Docker, &headers(&[("Api-Version", version)]));
        assert_eq!(api("1.41").map(|a| a.prefix).as_deref(), Some("/v1.41"));
        assert_eq!(api("1.52").map(|a| a.prefix).as_deref(), Some("/v1.51"));
        assert_eq!(api("2.3").map(|a| a.prefix).as_deref(), Some("/v1.51"));
        assert_eq!(api("x"), None);
        assert_eq!(negotiate(Runtime::Docker, &HeaderMap::new()), None);
    }

    #[test]
    fn podman_speaks_libpod_and_a_docker_socket_is_not_podman() {
        let podman = headers(&[("Api-Version", "1.41"), ("Libpod-Api-Version", "4.3.1")]);
        assert_eq!(
            negotiate(Runtime::Podman, &podman)
                .map(|a| a.prefix)
                .as_deref(),
            Some("/v4.3.1/libpod")
        );
        let docker = headers(&[("Api-Version", "1.41")]);
        assert_eq!(negotiate(Runtime::Podman, &docker), None);
        let odd = headers(&[("Libpod-Api-Version", "4/../../x")]);
        assert_eq!(negotiate(Runtime::Podman, &odd), None);
    }
}
