//! Golden values of [`SessionConfig::config_hash`].
//!
//! The hash is not private to one run of kstlib: it is written into the label
//! `io.kstlib.ops.config-hash` of every container kstlib creates, and read back by every
//! later kstlib, of any version, on the same host. `start` recreates a stopped container
//! whose label differs from the hash of the config, and starts it again as it is when they
//! match. So if the hash of an unchanged config ever changes (another hash function,
//! another field order, another separator, another spelling of a value), every user's
//! stopped containers are silently recreated on their next `start` after an upgrade; and
//! if two different configs hash alike, an edit is silently ignored and the old definition
//! comes back (upstream §11.8).
//!
//! These values are what kstlib computed when they were pinned, checked by hand against
//! FNV-1a 64 of the documented parts (`image=kstlib-test/busybox:1`, then `arg=…`,
//! `workdir=…`, `env=K=V`, `volume=…`, `log_volume=…`, `port=…`, `stop_signal=…`, joined
//! by NUL bytes). A test that fails here means the hash changed: that must be a decision,
//! with a migration (accept the old labels too) and a line in the release notes, not a side
//! effect. Do not "fix" the test by pasting the new values.

use super::SessionConfig;
use crate::ops::{BackendType, Error, SessionManager, SessionOptions};

const IMAGE: &str = "kstlib-test/busybox:1";

/// The session `name` as the library's users build it: `SessionManager::new` on the
/// container backend.
fn config(options: SessionOptions) -> SessionConfig {
    match SessionManager::new("web", BackendType::Container, options.clone()) {
        Ok(manager) => manager.config().clone(),
        // No runtime on this machine: the manager refuses before it is built, but the
        // config it would have built is the same one (`SessionManager::new` is this).
        Err(Error::ContainerRuntimeNotFound { .. }) => without_runtime(&options),
        Err(err) => panic!("a valid session: {err}"),
    }
}

/// What `SessionManager::new` builds, before it looks for the runtime.
fn without_runtime(options: &SessionOptions) -> SessionConfig {
    use crate::ops::config::{Given, Settings, build};
    let name = crate::ops::validate::SessionName::new("web").expect("a valid name");
    let mut settings = Settings::from_options(options).expect("valid options");
    settings.backend = Some(Given::new(BackendType::Container));
    build(&name, None, false, settings).expect("a valid session")
}

fn hash(options: SessionOptions) -> String {
    config(options).config_hash()
}

fn image() -> SessionOptions {
    SessionOptions::default().image(IMAGE)
}

#[test]
fn config_hash_of_each_field_is_pinned() {
    let cases = [
        ("image", image(), "37bb6ff7d069201b"),
        (
            "command line",
            image().command("python bot.py --live"),
            "468740ccee71b678",
        ),
        (
            "command argv",
            image().argv(["sh", "-c", "echo hi; exec sleep 1"]),
            "1ad2935c5f450f0b",
        ),
        (
            "workdir",
            image().working_dir("/srv/app"),
            "e7db257e1abaf358",
        ),
        (
            "env",
            image().env("MODE", "live").env("GREETING", "hello world"),
            "314b8e9639bafe3b",
        ),
        (
            "volumes",
            image()
                .volume("/srv/data:/data:ro")
                .volume("/srv/cache:/cache"),
            "7aed217f666c6d28",
        ),
        (
            "log_volume",
            image().log_volume("/var/log/web:/logs"),
            "2eda79eca120ca21",
        ),
        (
            "ports",
            image().port("8080:80").port("127.0.0.1:9000:9000/udp"),
            "8b34c627de322fce",
        ),
        (
            "stop_signal",
            image().stop_signal("SIGTERM"),
            "8890c4732f7578e8",
        ),
        (
            "everything",
            image()
                .argv(["python", "bot.py", "--live"])
                .working_dir("/srv/app")
                .env("MODE", "live")
                .volume("/srv/data:/data:ro")
                .log_volume("/var/log/web:/logs")
                .port("8080:80")
                .stop_signal("SIGINT"),
            "097d82b1da6750d3",
        ),
    ];
    for (what, options, golden) in cases {
        assert_eq!(hash(options), golden, "config_hash of {what} changed");
    }
}

#[test]
fn config_hash_ignores_what_a_container_does_not_run() {
    // How a value was written, and the settings that are not the container's definition,
    // leave the hash alone: changing them must not recreate anything.
    let base = hash(image().command("sleep 600").stop_signal("SIGTERM"));
    for options in [
        image().argv(["sleep", "600"]).stop_signal("SIGTERM"),
        image().command("sleep 600").stop_signal("TERM"),
        image().command("sleep 600").stop_signal("15"),
        SessionOptions {
            stop_timeout: Some(std::time::Duration::from_secs(3)),
            ..image()
                .command("sleep 600")
                .stop_signal("SIGTERM")
                .runtime("docker")
                .socket_name("elsewhere")
        },
    ] {
        assert_eq!(hash(options), base);
    }
}

#[test]
fn config_hash_tells_apart_what_only_moved() {
    // The separators keep a value from sliding into its neighbour.
    let pairs = [
        (image().argv(["a b"]), image().argv(["a", "b"])),
        (
            image().env("A", "1=B=2"),
            image().env("A", "1").env("B", "2"),
        ),
        (
            image().volume("/a:/a").volume("/b:/b"),
            image().volume("/a:/a").log_volume("/b:/b"),
        ),
    ];
    for (one, other) in pairs {
        assert_ne!(hash(one), hash(other));
    }
}
