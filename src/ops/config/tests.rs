//! End-to-end tests of [`Config`]: what a user sees for a config, good or bad. Rendered
//! errors are insta snapshots (colour off) under `snapshots/`.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

/// Load `text` as `kstlib.conf.yml` in the current directory; a relative path keeps the
/// snapshots free of temporary directory names.
fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_yaml_str(text, Path::new("kstlib.conf.yml"))
}

/// The first error of `text`, whether loading or checking it finds it.
fn error(text: &str) -> ConfigError {
    match load(text).map(|config| config.check()) {
        Ok(Ok(())) => panic!("{text:?} should fail"),
        Ok(Err(errors)) => errors.first().cloned().expect("an error"),
        Err(err) => err,
    }
}

fn settings<'a>(config: &'a Config, name: &str) -> &'a Settings {
    config.find(name).expect("declared").settings()
}

#[test]
fn default_config_has_no_file_and_no_session() {
    let config = Config::default();
    assert!(config.files().is_empty());
    assert!(config.declared().is_empty());
    assert_eq!(config.defaults(), &Settings::default());
}

#[test]
fn log_settings_apply_to_every_session_and_point_at_their_place() {
    let text = "ops:\n  log_dir: ./logs\n  log_max_size: 512KiB\n  sessions:\n    bot: {command: sleep 1}\n";
    let config = Config::from_yaml_str(text, Path::new("/srv/bots/kstlib.conf.yml")).expect("load");
    config.check().expect("valid");
    let logs = config.log_settings();
    assert_eq!(
        logs.dir(),
        Some(Path::new("/srv/bots/logs")),
        "relative to the file"
    );
    assert_eq!(logs.max_size(), 512 * 1024);
    let bot = config.sessions().next().expect("bot");
    assert_eq!(bot.logs(), &logs);
    // Without the keys: the defaults, on declared and ad-hoc sessions alike.
    let plain = load("ops: {}\n").expect("load");
    assert_eq!(
        plain.log_settings().max_size(),
        crate::ops::logs::DEFAULT_MAX_SIZE
    );
    assert_eq!(
        plain.log_settings().dir(),
        crate::ops::logs::paths::default_dir().as_deref()
    );
    let err = error("ops:\n  log_max_size: 100\n");
    assert_eq!(err.location.as_ref().map(|span| span.line), Some(2));
    assert!(
        err.message.contains("invalid log file size '100'"),
        "{}",
        err.message
    );
}

#[test]
fn upstream_example_config_loads() {
    let text = r#"
logging:
  level: INFO
ops:
  default_backend: tmux
  tmux_binary: tmux
  container_runtime: null
  sessions:
    mybot:
      backend: tmux
      command: "python -m mybot"
      working_dir: "/opt/mybot"
      env:
        BOT_ENV: "dev"
    mybot-prod:
      backend: container
      image: "mybot:latest"
      volumes:
        - "./data:/app/data"
        - "./config:/app/config:rw"
      ports:
        - "8080:80"
      log_volume: "./logs:/app/logs"
"#;
    let config = match load(text) {
        Ok(config) => config,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(config.files(), [PathBuf::from("kstlib.conf.yml")]);
    let names: Vec<_> = config.session_names().collect();
    assert_eq!(names, ["mybot", "mybot-prod"]);
    assert_eq!(config.check(), Ok(()));
    let prod = settings(&config, "mybot-prod");
    assert_eq!(
        prod.log_volume
            .as_ref()
            .and_then(|v| v.span.as_ref())
            .map(ToString::to_string)
            .as_deref(),
        Some("kstlib.conf.yml:23:19")
    );
}

#[test]
fn pyyaml_style_anchors_and_merge_keys_work_in_sessions() {
    let text = "
x-base: &base
  backend: container
  image: app:1
  env: {A: '1'}
ops:
  sessions:
    a:
      <<: *base
      command: run a
    b:
      <<: *base
      image: app:2
";
    let config = match load(text) {
        Ok(config) => config,
        Err(err) => panic!("{err}"),
    };
    let (a, b) = (settings(&config, "a"), settings(&config, "b"));
    assert_eq!(a.image.as_ref().map(|s| s.value.as_str()), Some("app:1"));
    assert_eq!(b.image.as_ref().map(|s| s.value.as_str()), Some("app:2"));
    assert_eq!(
        b.backend
            .as_ref()
            .and_then(|s| s.span.as_ref())
            .map(|s| s.line),
        Some(3),
        "points at the anchor"
    );
}

#[test]
fn files_merge_and_each_value_knows_its_file() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => panic!("{err}"),
    };
    let base = dir.path().join("base.yml");
    std::fs::write(
        &base,
        "ops:\n  sessions:\n    web:\n      image: nginx\n      ports: ['80']\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let main = dir.path().join("kstlib.conf.yml");
    std::fs::write(
        &main,
        "include: base.yml\nops:\n  sessions:\n    web:\n      image: caddy\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = match Config::load(&ConfigSource::File(main.clone())) {
        Ok(config) => config,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(config.files(), [base.clone(), main.clone()]);
    let web = settings(&config, "web");
    let file = |span: &Option<Span>| span.as_ref().map(|s| s.file.path.clone());
    let image = web
        .image
        .as_ref()
        .map(|s| (s.value.as_str(), file(&s.span)));
    assert_eq!(image, Some(("caddy", Some(main))));
    assert_eq!(web.ports.as_ref().map(|s| file(&s.span)), Some(Some(base)));
}

#[test]
fn errors_carry_file_line_and_column() {
    for text in [
        "ops:\n  sessions:\n    web:\n      comand: x\n",
        "ops: [\n",
        "ops:\n  sesions: {}\n",
        "ops:\n  sessions:\n    w: {ports: {a: 1}}\n",
    ] {
        let e = error(text);
        let shown = e.to_string();
        let rendered = e.render(false);
        let location = e
            .location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            location.starts_with("kstlib.conf.yml:"),
            "{text:?}: {shown}"
        );
        assert!(shown.starts_with(&location), "{text:?}: {shown}");
        assert!(
            rendered.contains(&format!("--> {location}")),
            "{text:?}: {rendered}"
        );
    }
}

#[test]
fn snapshot_yaml_syntax_error() {
    let e = error("ops:\n  sessions:\n    web:\n      command: [python, app.py\n      image: x\n");
    insta::assert_snapshot!(e.render(false));
}

#[test]
fn snapshot_unknown_key() {
    let e = error("ops:\n  sessions:\n    web:\n      comand: python app.py\n");
    insta::assert_snapshot!(e.render(false));
}

#[test]
fn snapshot_unknown_ops_key() {
    let e = error("ops:\n  sesions:\n    web: {}\n");
    insta::assert_snapshot!(e.render(false));
}

#[test]
fn snapshot_duplicate_key() {
    let e = error(
        "ops:\n  sessions:\n    web:\n      image: nginx\n      ports: ['80']\n      image: caddy\n",
    );
    insta::assert_snapshot!(e.render(false));
}

#[test]
fn snapshot_shape_error() {
    let e = error(
        "ops:\n  sessions:\n    web:\n      image: nginx\n      volumes:\n        data: /data\n",
    );
    insta::assert_snapshot!(e.render(false));
}

#[test]
fn snapshot_include_escape() {
    let e = match Config::from_yaml_str(
        "include:\n  - ../secrets.yml\n  - common.yml\n",
        Path::new("conf/kstlib.conf.yml"),
    ) {
        Ok(config) => panic!("should fail, got {config:?}"),
        Err(err) => err,
    };
    insta::assert_snapshot!(e.render(false));
}

#[test]
fn snapshot_display_of_a_duplicate_for_logs() {
    let e = error("ops:\n  sessions:\n    web: {}\n    web: {}\n");
    insta::assert_snapshot!(e.to_string());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Nothing a user can write makes the loader panic (upstream let tracebacks escape).
    #[test]
    fn never_panics_on_any_text(text in ".{0,300}") {
        check_no_panic(&text);
    }

    /// The same with text made of YAML's own punctuation, which reaches deeper into the
    /// parser than random characters.
    #[test]
    fn never_panics_on_yaml_like_text(
        text in "[ \\n\\t:\\-\\[\\]{}&*!|>'\"#,?%@`a-c0-1~<.é]{0,200}",
    ) {
        check_no_panic(&text);
    }

    /// Known keys in random shapes: exercises the raw conversion rather than the parser.
    #[test]
    fn never_panics_on_ops_shaped_text(
        lines in proptest::collection::vec(
            (0usize..4, prop_oneof![
                Just("ops:"), Just("sessions:"), Just("web:"), Just("env:"), Just("ports:"),
                Just("volumes:"), Just("command:"), Just("- a"), Just("- [1]"), Just("A: 1"),
                Just("<<: *x"), Just("&x"), Just("{}"), Just("~"), Just("include: x.yml"),
                Just("image: a"), Just("comand: b"), Just("- {a: b}"),
            ]),
            0..12,
        ),
    ) {
        let text: String = lines
            .iter()
            .map(|(indent, line)| format!("{}{line}\n", "  ".repeat(*indent)))
            .collect();
        check_no_panic(&text);
    }
}

fn check_no_panic(text: &str) {
    // A directory that does not exist: includes in random text resolve to nothing.
    let path = Path::new("/nonexistent-kstlib-proptest/kstlib.conf.yml");
    let errors = match Config::from_yaml_str(text, path) {
        Err(err) => vec![err],
        Ok(config) => config.errors().into_iter().cloned().collect(),
    };
    for err in errors {
        let _ = err.to_string();
        let _ = err.render(false);
        let _ = err.render(true);
    }
}

/// The hosts of the issue's example, and what each session gets from them.
const HOSTS: &str = "ops:
  container_runtime: podman
  tmux_binary: /usr/bin/tmux
  log_dir: ./logs
  hosts:
    vps1: {ssh: deploy@vps1.example.org}
    vps2:
      ssh: vps2
      container_runtime: docker
      tmux_binary: /opt/tmux
      log_dir: /var/log/kstlib
      ssh_config: ssh/config
      ssh_options: [Port=2222, 'User deploy']
      connect_timeout: 2
  sessions:
    astro-prod: {host: vps1, backend: container, image: 'astro-bot:1'}
    astro-eu: {host: vps2, backend: container, image: 'astro-bot:1', runtime: podman}
    dev: {command: python bot.py, working_dir: bots}
    dev-vps: {host: vps2, command: python bot.py, working_dir: '~/bots'}
    here: {host: local, command: sleep 1}
";

#[test]
fn hosts_are_read_and_their_defaults_sit_between_ops_and_the_entry() {
    use crate::ops::host::HostChoice;
    use crate::ops::model::Runtime;
    let config = Config::from_yaml_str(HOSTS, Path::new("/srv/k/kstlib.conf.yml")).expect("load");
    config.check().expect("valid");
    let names: Vec<&str> = config.hosts().map(|h| h.name().as_str()).collect();
    assert_eq!(names, ["vps1", "vps2"]);
    let vps2 = config.hosts().nth(1).expect("vps2");
    assert_eq!(vps2.ssh().as_str(), "vps2");
    assert_eq!(vps2.ssh_config(), Some(Path::new("/srv/k/ssh/config")));
    assert_eq!(vps2.ssh_options().len(), 2);
    assert_eq!(vps2.connect_timeout().as_secs(), 2);
    let session = |name: &str| {
        config
            .sessions()
            .find(|s| s.name().as_str() == name)
            .expect(name)
            .clone()
    };
    let prod = session("astro-prod");
    assert_eq!(prod.host().name(), Some("vps1"));
    assert_eq!(
        prod.runtime(),
        Some(Runtime::Podman),
        "ops.* when the host says nothing"
    );
    assert_eq!(
        prod.logs().dir(),
        Some(Path::new(crate::ops::host::REMOTE_LOG_DIR)),
        "ops.log_dir is this machine's"
    );
    let eu = session("astro-eu");
    assert_eq!(
        eu.runtime(),
        Some(Runtime::Podman),
        "the entry over the host"
    );
    let dev_vps = session("dev-vps");
    assert_eq!(dev_vps.tmux_binary(), "/opt/tmux", "the host over ops.*");
    assert_eq!(dev_vps.logs().dir(), Some(Path::new("/var/log/kstlib")));
    assert_eq!(
        dev_vps.working_dir(),
        Some(Path::new("~/bots")),
        "a path there"
    );
    let dev = session("dev");
    assert_eq!(dev.host(), &HostChoice::Local);
    assert_eq!(dev.working_dir(), Some(Path::new("/srv/k/bots")));
    assert_eq!(dev.logs().dir(), Some(Path::new("/srv/k/logs")));
    assert_eq!(session("here").host(), &HostChoice::Local);
    // --host overrides the entry's host, and its defaults come along.
    let name = crate::ops::validate::SessionName::new("astro-prod").expect("name");
    let top = Settings {
        host: Some(Given::new(config.host("vps2").expect("declared"))),
        ..Settings::default()
    };
    let moved = config.resolve(&name, top).expect("valid");
    assert_eq!(moved.host().name(), Some("vps2"));
    assert_eq!(moved.runtime(), Some(Runtime::Docker));
    let top = Settings {
        host: Some(Given::new(config.host("local").expect("local"))),
        ..Settings::default()
    };
    assert_eq!(
        config.resolve(&name, top).expect("valid").host(),
        &HostChoice::Local
    );
}

#[test]
fn a_remote_containers_host_paths_must_be_absolute_there() {
    // Made absolute against this machine's config directory or home, they named
    // directories here, and the engine there mounted whatever it had at those paths.
    let text = "ops:
  hosts:
    vps1: {ssh: x}
  sessions:
    far:
      host: vps1
      backend: container
      image: busybox
      volumes: ['/srv/data:/data', './cache:/cache', 'named:/named']
    logged: {host: vps1, backend: container, image: busybox, log_volume: '~/logs:/logs'}
    near: {backend: container, image: busybox, volumes: ['./cache:/cache', '~/x:/x']}
";
    let config = Config::from_yaml_str(text, Path::new("/srv/k/kstlib.conf.yml")).expect("load");
    let errors: Vec<String> = config.errors().iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "/srv/k/kstlib.conf.yml:9:16: session 'far': invalid volume './cache' (names a \
             directory of this machine, not of host 'vps1' where the session runs: write it as \
             an absolute path there)",
            "/srv/k/kstlib.conf.yml:10:74: session 'logged': invalid log volume '~/logs' (names \
             a directory of this machine, not of host 'vps1' where the session runs: write it \
             as an absolute path there)",
        ],
        "the local session's paths are fine"
    );
}

#[test]
fn host_mistakes_are_errors_at_their_place() {
    let cases = [
        (
            "ops:\n  hosts:\n    vps1: {ssh: -oProxyCommand=id}\n",
            "invalid ssh destination '-oProxyCommand=id'",
        ),
        (
            "ops:\n  hosts:\n    vps1: {ssh: 'vps1 -p 22'}\n",
            "invalid ssh destination 'vps1 -p 22'",
        ),
        (
            "ops:\n  hosts:\n    local: {ssh: x}\n",
            "invalid host name 'local'",
        ),
        (
            "ops:\n  hosts:\n    vps1: {}\n",
            "host 'vps1' has no ssh destination",
        ),
        (
            "ops:\n  hosts:\n    vps1: {ssh: x, shh: y}\n",
            "unknown key 'shh' in host 'vps1'",
        ),
        (
            "ops:\n  hosts:\n    vps1: {ssh: x, ssh_options: ['-F/x']}\n",
            "invalid ssh option '-F/x'",
        ),
        (
            "ops:\n  hosts:\n    vps1: {ssh: x}\n  sessions:\n    bot: {host: vps9}\n",
            "unknown host 'vps9'",
        ),
        (
            "ops:\n  sessions:\n    bot: {host: 'a b'}\n",
            "session 'bot': invalid host name 'a b'",
        ),
    ];
    for (text, message) in cases {
        let err = error(text);
        assert_eq!(err.message, message, "{text:?}");
        assert!(err.location.is_some(), "{text:?}");
    }
    let err = error("ops:\n  hosts:\n    vps1: {ssh: x}\n  sessions:\n    bot: {host: vps2}\n");
    assert_eq!(err.help.as_deref(), Some("did you mean 'vps1'?"));
    let config = load("ops: {}\n").expect("load");
    let err = config.host("vps1").expect_err("none declared");
    assert!(
        err.help.as_deref().is_some_and(|h| h.contains("ops.hosts")),
        "{err}"
    );
}
