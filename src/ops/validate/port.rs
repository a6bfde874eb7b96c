//! Published ports (`-p [IP:][HOST:]CONTAINER[/PROTOCOL]`).

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::ValidationError;
use crate::ops::sanitize::quote;

/// Upstream's limit on the number of ports of one session.
pub const MAX_PORTS: usize = 50;

const FIELD: &str = "ports";
const SHAPE: &str = "expected [IP:][HOST:]CONTAINER[/tcp|/udp], e.g. 8080:80 or \
                     127.0.0.1:53:53/udp";

/// Refuses a list of more than [`MAX_PORTS`] ports (an empty list is fine).
pub fn check_port_count(n: usize) -> Result<(), ValidationError> {
    match n > MAX_PORTS {
        true => Err(ValidationError::too_many(FIELD, n, MAX_PORTS)),
        false => Ok(()),
    }
}

/// One published port.
///
/// Upstream's grammar plus an IPv4 address to bind on (`127.0.0.1:8080:80`), which upstream
/// refused although it is how a service is kept off the public interface. With an address
/// the host port may be left empty (`127.0.0.1::80`) to let the runtime pick one, as
/// `docker run -p` allows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Port {
    host_ip: Option<String>,
    host: Option<u16>,
    container: u16,
    protocol: Option<String>,
}

impl Port {
    /// Parses a port mapping; numbers are 1 to 65535, leading zeros accepted as upstream.
    pub fn parse(spec: &str) -> Result<Self, ValidationError> {
        let refuse = |reason: String| ValidationError::new(FIELD, spec, reason);
        let (mapping, protocol) = match spec.split_once('/') {
            Some((mapping, protocol @ ("tcp" | "udp"))) => (mapping, Some(protocol.to_owned())),
            Some((_, other)) => {
                return Err(refuse(format!(
                    "has protocol {}; only tcp and udp are allowed",
                    quote(other)
                )));
            }
            None => (spec, None),
        };
        let parts: Vec<&str> = mapping.split(':').collect();
        let (host_ip, host, container) = match parts[..] {
            [container] => (None, None, container),
            [host, container] => (None, Some(host), container),
            [ip, host, container] => {
                let Ok(ip) = ip.parse::<Ipv4Addr>() else {
                    return Err(refuse(format!(
                        "{} is not an IPv4 address; {SHAPE}",
                        quote(ip)
                    )));
                };
                (
                    Some(ip.to_string()),
                    Some(host).filter(|h| !h.is_empty()),
                    container,
                )
            }
            _ => return Err(refuse(format!("has too many ':'; {SHAPE}"))),
        };
        let host = host.map(|h| number(h).map_err(refuse)).transpose()?;
        let container = number(container).map_err(refuse)?;
        Ok(Port {
            host_ip,
            host,
            container,
            protocol,
        })
    }

    /// The IPv4 address the port is bound to on the host, if not all addresses.
    pub fn host_ip(&self) -> Option<&str> {
        self.host_ip.as_deref()
    }

    /// The host port, if given (otherwise the runtime picks one).
    pub fn host(&self) -> Option<u16> {
        self.host
    }

    /// The port inside the container.
    pub fn container(&self) -> u16 {
        self.container
    }

    /// `tcp` or `udp` if written; the runtimes default to tcp.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }
}

/// A port number: decimal digits only (no sign, no spaces), value 1 to 65535.
fn number(digits: &str) -> Result<u16, String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{} is not a port number; {SHAPE}", quote(digits)));
    }
    let value = digits.trim_start_matches('0');
    match value.parse::<u16>() {
        Ok(port) if port >= 1 => Ok(port),
        _ => Err(format!("port number out of range (1-65535): {digits}")),
    }
}

/// The normalised form (no leading zeros), as passed to `docker run -p`.
impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ip) = &self.host_ip {
            write!(f, "{ip}:")?;
            if self.host.is_none() {
                f.write_str(":")?;
            }
        }
        if let Some(host) = self.host {
            write!(f, "{host}:")?;
        }
        write!(f, "{}", self.container)?;
        match &self.protocol {
            Some(protocol) => write!(f, "/{protocol}"),
            None => Ok(()),
        }
    }
}

/// Serialised in its normalised `-p` form.
impl Serialize for Port {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// For clap's `value_parser!` and `str::parse`.
impl FromStr for Port {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Port::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(spec: &str) -> String {
        Port::parse(spec).unwrap_err().reason().to_owned()
    }

    fn norm(spec: &str) -> String {
        Port::parse(spec).unwrap().to_string()
    }

    #[test]
    fn upstream_examples_pass() {
        for spec in ["80", "8080:80", "5353:53/udp", "65535/udp", "1/tcp"] {
            assert_eq!(norm(spec), spec);
        }
        assert_eq!(norm("00080:80"), "80:80");
    }

    #[test]
    fn upstream_examples_fail() {
        for spec in [
            "",
            "abc:80",
            "80:80:80",
            "8080-8090:80-90",
            "80/sctp",
            "80/TCP",
            ":80",
            "80:",
        ] {
            assert!(Port::parse(spec).is_err(), "{spec:?} accepted");
        }
    }

    #[test]
    fn out_of_range_keeps_upstream_reason() {
        for (spec, digits) in [
            ("0", "0"),
            ("0:80", "0"),
            ("65536:80", "65536"),
            ("80:70000", "70000"),
        ] {
            assert_eq!(
                reason(spec),
                format!("port number out of range (1-65535): {digits}")
            );
        }
        assert!(reason("123456789012345678901234567890").starts_with("port number out of range"));
    }

    #[test]
    fn ipv4_binding_passes() {
        // Upstream refused any host IP.
        let p = Port::parse("127.0.0.1:8080:80").unwrap();
        assert_eq!(p.host_ip(), Some("127.0.0.1"));
        assert_eq!(
            (p.host(), p.container(), p.protocol()),
            (Some(8080), 80, None)
        );
        assert_eq!(norm("0.0.0.0:53:53/udp"), "0.0.0.0:53:53/udp");
        assert_eq!(norm("127.0.0.1::80"), "127.0.0.1::80");
        assert_eq!(Port::parse("127.0.0.1::80").unwrap().host(), None);
    }

    #[test]
    fn bad_ips_fail() {
        for spec in [
            "256.0.0.1:80:80",
            "1.2.3:80:80",
            "localhost:80:80",
            "::1:80:80",
            "[::1]:80:80",
        ] {
            assert!(Port::parse(spec).is_err(), "{spec:?} accepted");
        }
        assert!(reason("a.b.c.d:1:1").starts_with("'a.b.c.d' is not an IPv4 address"));
    }

    #[test]
    fn trailing_newline_is_refused() {
        // Upstream 11.18: `"80\n"` passed.
        assert!(reason("80\n").starts_with("'80\\n' is not a port number"));
        assert!(Port::parse("80/udp\n").is_err());
        assert!(Port::parse(" 80").is_err());
    }

    #[test]
    fn message_shows_the_value_and_the_shape() {
        assert_eq!(
            Port::parse("x").unwrap_err().to_string(),
            "invalid port 'x': 'x' is not a port number; expected [IP:][HOST:]CONTAINER\
             [/tcp|/udp], e.g. 8080:80 or 127.0.0.1:53:53/udp"
        );
    }

    #[test]
    fn counts() {
        assert!(check_port_count(50).is_ok());
        assert_eq!(
            check_port_count(51).unwrap_err().to_string(),
            "too many ports: 51 given, at most 50 are allowed"
        );
    }

    #[test]
    fn serializes_normalised() {
        let p = Port::parse("08080:080/tcp").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"8080:80/tcp\"");
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Port::parse(&s);
        }

        #[test]
        fn accepted_ports_round_trip(s in "[0-9.:/tcpud]{0,24}") {
            if let Ok(p) = Port::parse(&s) {
                prop_assert_eq!(Port::parse(&p.to_string()).unwrap(), p);
            }
        }

        #[test]
        fn every_number_in_range_is_accepted(host in 1u16.., container in 1u16..) {
            let p = Port::parse(&format!("{host}:{container}")).unwrap();
            prop_assert_eq!((p.host(), p.container()), (Some(host), container));
        }
    }
}
