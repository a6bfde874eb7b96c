//! The `ops:` section as typed but still unvalidated values, each with its place.
//!
//! This layer checks only the *shape*: known keys, a mapping where a mapping belongs, a
//! list where a list belongs. Whether a name, an image or a port is acceptable is the
//! resolver's business (with `crate::ops::validate`), which reports at the spans kept here.
//!
//! Other top-level sections (`logging`, `secrets`, …) belong to other kstlib modules and
//! are never looked at, duplicates included. Inside `ops:` an unknown or repeated key is an
//! error: upstream ignored unknown keys, so `comand:` silently started a shell.

use std::collections::HashSet;

use super::error::ConfigError;
use super::yaml::{Node, NodeKind, Span, Spanned, first_duplicate};
use crate::ops::sanitize::quote;

/// The keys of `ops:`. Adding a key: one line here, one field in [`RawOps`], one arm in
/// [`RawOps::from_root`].
pub const OPS_KEYS: &[&str] = &[
    "default_backend",
    "tmux_binary",
    "container_runtime",
    "sessions",
];

/// The keys of a session entry `ops.sessions.<name>`: upstream's ten, then ours
/// (`socket_path`, `stop_signal`, `stop_timeout`). Adding a key: one line here, one field
/// in [`RawSession`], one arm in its conversion.
pub const SESSION_KEYS: &[&str] = &[
    "backend",
    "command",
    "working_dir",
    "env",
    "image",
    "volumes",
    "ports",
    "log_volume",
    "runtime",
    "socket_name",
    "socket_path",
    "stop_signal",
    "stop_timeout",
];

/// The top-level keys this module reads; repeating one of them is an error even though the
/// top level otherwise tolerates repeats (last wins), because half of `ops` or of the
/// includes would silently vanish.
const OWNED_TOP_LEVEL_KEYS: &[&str] = &["ops", "include"];

/// The `ops:` section, shape-checked. `ops: null` or no `ops` at all gives the default:
/// nothing set, no sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawOps {
    /// `ops.default_backend`: the backend of a declared session without `backend`.
    pub default_backend: Option<Spanned<String>>,
    /// `ops.tmux_binary`: the tmux program, a name or a path.
    pub tmux_binary: Option<Spanned<String>>,
    /// `ops.container_runtime`: `podman` or `docker`; `None` (absent or null) means
    /// auto-detect.
    pub container_runtime: Option<Spanned<String>>,
    /// `ops.sessions`, in order of first appearance across the merged files.
    pub sessions: Vec<RawSession>,
}

/// One entry of `ops.sessions`. Every field is `None` (or empty) when the key is absent
/// or explicitly null.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSession {
    /// The session name: the mapping key.
    pub name: Spanned<String>,
    /// The entry's value node (the session's mapping).
    pub span: Span,
    /// `backend`: `tmux` or `container` (checked by the resolver).
    pub backend: Option<Spanned<String>>,
    /// `command`: a string split into words, or a list taken as the exact argv.
    pub command: Option<Spanned<RawCommand>>,
    /// `working_dir`.
    pub working_dir: Option<Spanned<String>>,
    /// `env`, in file order. Scalars are taken as their text (`DEBUG: 1` is `"1"`).
    pub env: Vec<(Spanned<String>, Spanned<String>)>,
    /// Where `env` was written, when it was (null included).
    pub env_span: Option<Span>,
    /// `image`.
    pub image: Option<Spanned<String>>,
    /// `volumes`; `Some` and empty for `volumes: null` or `[]`.
    pub volumes: Option<Spanned<Vec<Spanned<String>>>>,
    /// `ports`; `Some` and empty for `ports: null` or `[]`. `ports: [8080]` is `"8080"`.
    pub ports: Option<Spanned<Vec<Spanned<String>>>>,
    /// `log_volume`: one more volume, for logs.
    pub log_volume: Option<Spanned<String>>,
    /// `runtime`: `podman` or `docker` for this session.
    pub runtime: Option<Spanned<String>>,
    /// `socket_name`: tmux `-L`.
    pub socket_name: Option<Spanned<String>>,
    /// `socket_path`: tmux `-S` (ours).
    pub socket_path: Option<Spanned<String>>,
    /// `stop_signal`: the signal of a graceful stop (ours).
    pub stop_signal: Option<Spanned<String>>,
    /// `stop_timeout`: how long a graceful stop waits (ours).
    pub stop_timeout: Option<Spanned<String>>,
}

/// A session's command as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawCommand {
    /// A string, to be split with POSIX shell-word rules.
    Line(String),
    /// A YAML list: the exact argv, each word with its place.
    Argv(Vec<Spanned<String>>),
}

impl RawOps {
    /// Read the `ops:` section of a (merged) top-level mapping.
    pub fn from_root(root: &Node) -> Result<RawOps, ConfigError> {
        let Some(ops) = root.get("ops") else {
            return Ok(RawOps::default());
        };
        let entries = match &ops.kind {
            NodeKind::Null => return Ok(RawOps::default()),
            NodeKind::Map(entries) => entries,
            _ => return Err(expected(ops, "a mapping", "'ops'")),
        };
        check_duplicates_in(ops, "ops")?;
        let mut raw = RawOps::default();
        for (key, value) in entries {
            match key.value.as_str() {
                "default_backend" => raw.default_backend = string(value, "default_backend")?,
                "tmux_binary" => raw.tmux_binary = string(value, "tmux_binary")?,
                "container_runtime" => raw.container_runtime = string(value, "container_runtime")?,
                "sessions" => raw.sessions = sessions(value)?,
                _ => return Err(unknown_key(key, OPS_KEYS, "'ops'")),
            }
        }
        Ok(raw)
    }
}

/// Reject what a file repeats where a repeat loses something: `ops` and `include` at the
/// top level, and any key inside `ops`. Must run on each file before it is merged, since
/// merging keeps only the last of a repeated key.
pub fn check_duplicates(root: &Node) -> Result<(), ConfigError> {
    if let NodeKind::Map(entries) = &root.kind {
        let owned: Vec<_> = entries
            .iter()
            .filter(|(k, _)| OWNED_TOP_LEVEL_KEYS.contains(&k.value.as_str()))
            .cloned()
            .collect();
        if let Some((first, second)) = first_duplicate(&owned) {
            return Err(duplicate(first, second, "the top level"));
        }
    }
    match root.get("ops") {
        Some(ops) => check_duplicates_in(ops, "ops"),
        None => Ok(()),
    }
}

/// Every mapping at or under `node` (reached as `path`) must have distinct keys.
/// Recursion is bounded by the parser's nesting limit.
fn check_duplicates_in(node: &Node, path: &str) -> Result<(), ConfigError> {
    match &node.kind {
        NodeKind::Map(entries) => {
            if let Some((first, second)) = first_duplicate(entries) {
                return Err(duplicate(first, second, &quote(path)));
            }
            for (key, value) in entries {
                check_duplicates_in(value, &format!("{path}.{}", key.value))?;
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                check_duplicates_in(item, &format!("{path}[{i}]"))?;
            }
        }
        NodeKind::Null | NodeKind::Scalar(_) => {}
    }
    Ok(())
}

/// `place` is ready to print: "the top level" or a key path passed through [`quote`].
fn duplicate(first: &Spanned<String>, second: &Spanned<String>, place: &str) -> ConfigError {
    ConfigError::new(format!("duplicate key {} in {place}", quote(&second.value)))
        .at(second.span.clone())
        .with_label("defined again here")
        .with_note("first defined here", Some(first.span.clone()))
        .with_help("keep one of them: YAML would silently drop the first")
}

fn sessions(node: &Node) -> Result<Vec<RawSession>, ConfigError> {
    let entries = match &node.kind {
        NodeKind::Null => return Ok(Vec::new()),
        NodeKind::Map(entries) => entries,
        _ => {
            return Err(expected(node, "a mapping of session names", "'sessions'")
                .with_help("write `sessions:` then one `name:` per session, indented"));
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    let mut seen = HashSet::with_capacity(entries.len());
    for (name, value) in entries {
        // Only reachable on a tree that skipped `check_duplicates`; still never silent.
        if !seen.insert(name.value.as_str()) {
            return Err(
                ConfigError::new(format!("duplicate session {}", quote(&name.value)))
                    .at(name.span.clone()),
            );
        }
        out.push(session(name, value)?);
    }
    Ok(out)
}

fn session(name: &Spanned<String>, node: &Node) -> Result<RawSession, ConfigError> {
    let what = format!("session {}", quote(&name.value));
    let entries = match &node.kind {
        NodeKind::Map(entries) => entries,
        NodeKind::Null => {
            return Err(expected(node, "a mapping", &what)
                .at(name.span.clone())
                .with_help(format!(
                    "write `{}: {{}}` for a session with default settings, or indent its keys under it",
                    name.value
                )));
        }
        _ => return Err(expected(node, "a mapping", &what)),
    };
    let mut s = RawSession {
        name: name.clone(),
        span: node.span.clone(),
        backend: None,
        command: None,
        working_dir: None,
        env: Vec::new(),
        env_span: None,
        image: None,
        volumes: None,
        ports: None,
        log_volume: None,
        runtime: None,
        socket_name: None,
        socket_path: None,
        stop_signal: None,
        stop_timeout: None,
    };
    for (key, value) in entries {
        let k = key.value.as_str();
        match k {
            "backend" => s.backend = string(value, k)?,
            "command" => s.command = command(value)?,
            "working_dir" => s.working_dir = string(value, k)?,
            "env" => {
                s.env = env(value, &name.value)?;
                s.env_span = Some(value.span.clone());
            }
            "image" => s.image = string(value, k)?,
            "volumes" => s.volumes = Some(strings(value, k)?),
            "ports" => s.ports = Some(strings(value, k)?),
            "log_volume" => s.log_volume = string(value, k)?,
            "runtime" => s.runtime = string(value, k)?,
            "socket_name" => s.socket_name = string(value, k)?,
            "socket_path" => s.socket_path = string(value, k)?,
            "stop_signal" => s.stop_signal = string(value, k)?,
            "stop_timeout" => s.stop_timeout = string(value, k)?,
            _ => return Err(unknown_key(key, SESSION_KEYS, &what)),
        }
    }
    Ok(s)
}

/// A scalar as its text; null is "not set". Upstream required real strings and crashed on
/// `ports: [8080]` or `DEBUG: 1`; any scalar is taken as written here.
fn string(node: &Node, key: &str) -> Result<Option<Spanned<String>>, ConfigError> {
    match &node.kind {
        NodeKind::Null => Ok(None),
        NodeKind::Scalar(s) => Ok(Some(Spanned::new(s.clone(), node.span.clone()))),
        _ => Err(expected(node, "a string", &format!("'{key}'"))),
    }
}

fn command(node: &Node) -> Result<Option<Spanned<RawCommand>>, ConfigError> {
    let value = match &node.kind {
        NodeKind::Null => return Ok(None),
        NodeKind::Scalar(s) => RawCommand::Line(s.clone()),
        NodeKind::Seq(items) => RawCommand::Argv(
            items
                .iter()
                .map(|item| item_string(item, "command"))
                .collect::<Result<_, _>>()?,
        ),
        NodeKind::Map(_) => {
            return Err(expected(node, "a string or a list of strings", "'command'"));
        }
    };
    Ok(Some(Spanned::new(value, node.span.clone())))
}

/// A list of scalars; null is the empty list (upstream passed `None` on and crashed).
fn strings(node: &Node, key: &str) -> Result<Spanned<Vec<Spanned<String>>>, ConfigError> {
    let items = match &node.kind {
        NodeKind::Null => Vec::new(),
        NodeKind::Seq(items) => items
            .iter()
            .map(|item| item_string(item, key))
            .collect::<Result<_, _>>()?,
        NodeKind::Scalar(s) => {
            return Err(
                expected(node, "a list of strings", &format!("'{key}'")).with_help(format!(
                    "write a list: `{key}: [{}]`, or one `- item` per line",
                    yaml_quote(s)
                )),
            );
        }
        NodeKind::Map(_) => {
            return Err(expected(node, "a list of strings", &format!("'{key}'"))
                .with_help("write one `- item` per line, or `[a, b]`"));
        }
    };
    Ok(Spanned::new(items, node.span.clone()))
}

/// One element of a list of strings: a scalar, never null (an empty `- ` is a mistake,
/// not an intent).
fn item_string(node: &Node, key: &str) -> Result<Spanned<String>, ConfigError> {
    match &node.kind {
        NodeKind::Scalar(s) => Ok(Spanned::new(s.clone(), node.span.clone())),
        _ => Err(expected(node, "a string", &format!("each item of '{key}'"))),
    }
}

/// Environment variables as written: name and value, each with its place.
type EnvVars = Vec<(Spanned<String>, Spanned<String>)>;

/// `env`: a mapping of scalars; null is empty.
fn env(node: &Node, session: &str) -> Result<EnvVars, ConfigError> {
    let entries = match &node.kind {
        NodeKind::Null => return Ok(Vec::new()),
        NodeKind::Map(entries) => entries,
        _ => {
            return Err(
                expected(node, "a mapping of variable names to values", "'env'")
                    .with_help("write one `NAME: value` per line, indented under `env:`"),
            );
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let what = format!(
            "env variable {} of session {}",
            quote(&key.value),
            quote(session)
        );
        let text = match &value.kind {
            NodeKind::Scalar(s) => s.clone(),
            NodeKind::Null => {
                return Err(expected(value, "a string", &what)
                    .at(key.span.clone())
                    .with_help(format!("write `{}: \"\"` for an empty value", key.value)));
            }
            _ => return Err(expected(value, "a string", &what)),
        };
        out.push((key.clone(), Spanned::new(text, value.span.clone())));
    }
    Ok(out)
}

/// "expected X for Y, found Z", at the node.
fn expected(node: &Node, what: &str, key: &str) -> ConfigError {
    let found = match &node.kind {
        NodeKind::Scalar(s) => format!("the scalar {}", quote(s)),
        _ => node.kind_name().to_owned(),
    };
    ConfigError::new(format!("expected {what} for {key}, found {found}"))
        .at(node.span.clone())
        .with_label(format!("expected {what}"))
}

/// An unknown key, with the closest known one when it is close enough to be a typo.
fn unknown_key(key: &Spanned<String>, known: &[&str], place: &str) -> ConfigError {
    let err = ConfigError::new(format!("unknown key {} in {place}", quote(&key.value)))
        .at(key.span.clone())
        .with_label("unknown key");
    match did_you_mean(&key.value, known) {
        Some(best) => err.with_help(format!("did you mean '{best}'?")),
        None => err.with_help(format!("known keys: {}", known.join(", "))),
    }
}

/// The known key nearest to `key` by edit distance (case-insensitive), if within about a
/// third of its length: `comand` → `command`, `sesions` → `sessions`, `xyz` → nothing.
pub fn did_you_mean<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(lower.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// A scalar as a YAML double-quoted string, for hints that show how to write it.
fn yaml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars().take(60) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::ops::config::yaml::{SourceFile, parse};

    fn root(text: &str) -> Node {
        match parse(Arc::new(SourceFile {
            path: PathBuf::from("k.yml"),
            text: text.to_owned(),
        })) {
            Ok(node) => node,
            Err(err) => panic!("parse failed: {err}"),
        }
    }

    fn ops(text: &str) -> RawOps {
        let root = root(text);
        if let Err(err) = check_duplicates(&root) {
            panic!("duplicates: {err}");
        }
        match RawOps::from_root(&root) {
            Ok(raw) => raw,
            Err(err) => panic!("{text:?} should convert: {err}"),
        }
    }

    fn ops_err(text: &str) -> ConfigError {
        let root = root(text);
        match check_duplicates(&root).and_then(|()| RawOps::from_root(&root)) {
            Ok(raw) => panic!("{text:?} should fail, got {raw:?}"),
            Err(err) => err,
        }
    }

    fn values(list: &Option<Spanned<Vec<Spanned<String>>>>) -> Option<Vec<&str>> {
        list.as_ref()
            .map(|l| l.value.iter().map(|s| s.value.as_str()).collect())
    }

    #[test]
    fn missing_or_null_ops_gives_defaults() {
        assert_eq!(ops("logging: {level: debug}\n"), RawOps::default());
        assert_eq!(ops("ops:\n"), RawOps::default());
        assert_eq!(ops("ops: null\n"), RawOps::default());
        assert_eq!(ops(""), RawOps::default());
        assert!(ops("ops:\n  sessions:\n").sessions.is_empty());
    }

    #[test]
    fn reads_every_key_with_its_place() {
        let raw = ops(concat!(
            "ops:\n",
            "  default_backend: container\n",
            "  tmux_binary: /usr/bin/tmux\n",
            "  container_runtime: ~\n",
            "  sessions:\n",
            "    bot:\n",
            "      backend: tmux\n",
            "      command: python bot.py\n",
            "      working_dir: /srv\n",
            "      env: {DEBUG: 1, NAME: x}\n",
            "      socket_name: bots\n",
            "      socket_path: /tmp/s\n",
            "      stop_signal: SIGINT\n",
            "      stop_timeout: 30\n",
            "    web:\n",
            "      image: nginx\n",
            "      volumes: [\"./d:/d\"]\n",
            "      ports: [8080, \"80:80\"]\n",
            "      log_volume: ./logs:/logs\n",
            "      runtime: podman\n",
            "      command: [nginx, -g, daemon off;]\n",
        ));
        assert_eq!(
            raw.default_backend.as_ref().map(|s| s.value.as_str()),
            Some("container")
        );
        assert_eq!(raw.default_backend.as_ref().map(|s| s.span.line), Some(2));
        assert_eq!(
            raw.tmux_binary.as_ref().map(|s| s.value.as_str()),
            Some("/usr/bin/tmux")
        );
        assert_eq!(raw.container_runtime, None, "null means auto-detect");
        let names: Vec<_> = raw.sessions.iter().map(|s| s.name.value.as_str()).collect();
        assert_eq!(names, ["bot", "web"]);
        let bot = &raw.sessions[0];
        assert_eq!(
            bot.command.as_ref().map(|c| &c.value),
            Some(&RawCommand::Line("python bot.py".into()))
        );
        let env: Vec<_> = bot
            .env
            .iter()
            .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(env, [("DEBUG", "1"), ("NAME", "x")]);
        assert_eq!(bot.env_span.as_ref().map(|s| s.line), Some(10));
        assert_eq!(
            bot.stop_timeout.as_ref().map(|s| s.value.as_str()),
            Some("30")
        );
        assert_eq!(
            bot.socket_path.as_ref().map(|s| s.value.as_str()),
            Some("/tmp/s")
        );
        assert_eq!(bot.span.line, 7);
        assert_eq!(bot.name.span.line, 6);
        let web = &raw.sessions[1];
        assert_eq!(values(&web.ports), Some(vec!["8080", "80:80"]));
        assert_eq!(values(&web.volumes), Some(vec!["./d:/d"]));
        let Some(Spanned {
            value: RawCommand::Argv(argv),
            ..
        }) = &web.command
        else {
            panic!("argv command");
        };
        let argv: Vec<_> = argv.iter().map(|a| a.value.as_str()).collect();
        assert_eq!(argv, ["nginx", "-g", "daemon off;"]);
        assert_eq!(
            web.runtime.as_ref().map(|s| s.value.as_str()),
            Some("podman")
        );
        assert_eq!(web.ports.as_ref().map(|p| p.value[0].span.column), Some(15));
    }

    #[test]
    fn null_means_not_set_or_empty() {
        let raw = ops(concat!(
            "ops:\n  sessions:\n    s:\n",
            "      command: ~\n      image:\n      working_dir: null\n",
            "      env: ~\n      volumes: ~\n      ports:\n",
        ));
        let s = &raw.sessions[0];
        assert_eq!(s.command, None);
        assert_eq!(s.image, None);
        assert_eq!(s.working_dir, None);
        assert!(s.env.is_empty());
        assert!(s.env_span.is_some());
        assert_eq!(values(&s.volumes), Some(vec![]));
        assert_eq!(values(&s.ports), Some(vec![]));
        let unset = &ops("ops: {sessions: {t: {}}}\n").sessions[0];
        assert_eq!(unset.volumes, None);
        assert_eq!(unset.env_span, None);
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_known_one() {
        let e = ops_err("ops:\n  sessions:\n    web:\n      comand: x\n");
        assert_eq!(e.message, "unknown key 'comand' in session 'web'");
        assert_eq!(e.help.as_deref(), Some("did you mean 'command'?"));
        assert_eq!(
            e.location.as_ref().map(|s| (s.line, s.column)),
            Some((4, 7))
        );
        let e = ops_err("ops:\n  sesions: {}\n");
        assert_eq!(e.message, "unknown key 'sesions' in 'ops'");
        assert_eq!(e.help.as_deref(), Some("did you mean 'sessions'?"));
        let e = ops_err("ops:\n  zzz: 1\n");
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.starts_with("known keys: default_backend"))
        );
    }

    #[test]
    fn did_you_mean_is_case_insensitive_and_conservative() {
        assert_eq!(did_you_mean("Command", SESSION_KEYS), Some("command"));
        assert_eq!(did_you_mean("workdir", SESSION_KEYS), None);
        assert_eq!(
            did_you_mean("working-dir", SESSION_KEYS),
            Some("working_dir")
        );
        assert_eq!(did_you_mean("enviroment", SESSION_KEYS), None);
        assert_eq!(did_you_mean("envv", SESSION_KEYS), Some("env"));
        assert_eq!(did_you_mean("port", SESSION_KEYS), Some("ports"));
        assert_eq!(did_you_mean("xyz", OPS_KEYS), None);
    }

    #[test]
    fn duplicates_inside_ops_are_errors_naming_the_first() {
        let e = ops_err("ops:\n  sessions:\n    web:\n      image: a\n      image: b\n");
        assert_eq!(e.message, "duplicate key 'image' in 'ops.sessions.web'");
        assert!(
            e.to_string()
                .contains("k.yml:4:7: note: first defined here"),
            "{e}"
        );
        assert_eq!(e.location.as_ref().map(|s| s.line), Some(5));
        assert_eq!(e.notes[0].1.as_ref().map(|s| s.line), Some(4));
        let e = ops_err("ops:\n  sessions:\n    a: {}\n    a: {}\n");
        assert!(e.message.contains("'ops.sessions'"), "{e}");
        let e = ops_err("ops: {}\nops: {}\n");
        assert!(e.message.contains("the top level"), "{e}");
        let e = ops_err("include: a.yml\ninclude: b.yml\n");
        assert!(e.message.contains("'include'"), "{e}");
    }

    #[test]
    fn duplicates_outside_ops_are_tolerated() {
        let raw = ops("logging: 1\nlogging: 2\nsecrets: {a: 1, a: 2}\nops: {}\n");
        assert_eq!(raw, RawOps::default());
    }

    #[test]
    fn shape_errors_say_what_was_expected_and_found() {
        let cases = [
            ("ops: [a]\n", "expected a mapping for 'ops', found a list"),
            (
                "ops:\n  sessions: [a]\n",
                "expected a mapping of session names for 'sessions', found a list",
            ),
            (
                "ops:\n  sessions:\n    web: nginx\n",
                "expected a mapping for session 'web', found the scalar 'nginx'",
            ),
            (
                "ops:\n  sessions:\n    web:\n",
                "expected a mapping for session 'web', found null",
            ),
            (
                "ops: {sessions: {w: {volumes: {a: b}}}}\n",
                "expected a list of strings for 'volumes', found a mapping",
            ),
            (
                "ops: {sessions: {w: {ports: \"80\"}}}\n",
                "expected a list of strings for 'ports', found the scalar '80'",
            ),
            (
                "ops: {sessions: {w: {ports: [[1]]}}}\n",
                "expected a string for each item of 'ports', found a list",
            ),
            (
                "ops: {sessions: {w: {volumes: [~]}}}\n",
                "expected a string for each item of 'volumes', found null",
            ),
            (
                "ops: {sessions: {w: {env: [A=1]}}}\n",
                "expected a mapping of variable names to values for 'env', found a list",
            ),
            (
                "ops: {sessions: {w: {env: {A: [1]}}}}\n",
                "expected a string for env variable 'A' of session 'w', found a list",
            ),
            (
                "ops: {sessions: {w: {env: {A: }}}}\n",
                "expected a string for env variable 'A' of session 'w', found null",
            ),
            (
                "ops: {sessions: {w: {command: {a: b}}}}\n",
                "expected a string or a list of strings for 'command', found a mapping",
            ),
            (
                "ops: {sessions: {w: {command: [a, {b: c}]}}}\n",
                "expected a string for each item of 'command', found a mapping",
            ),
            (
                "ops: {sessions: {w: {image: [a]}}}\n",
                "expected a string for 'image', found a list",
            ),
            (
                "ops: {tmux_binary: {a: b}}\n",
                "expected a string for 'tmux_binary', found a mapping",
            ),
        ];
        for (text, message) in cases {
            let e = ops_err(text);
            assert_eq!(e.message, message, "{text:?}");
            assert!(e.location.is_some(), "{text:?}");
        }
    }

    #[test]
    fn shape_errors_point_at_the_offending_node() {
        let e = ops_err("ops:\n  sessions:\n    w:\n      volumes:\n        a: b\n");
        let span = e.location.clone().expect("a place");
        assert_eq!((span.line, span.column), (5, 9));
        assert_eq!(e.label.as_deref(), Some("expected a list of strings"));
    }

    #[test]
    fn control_characters_in_keys_are_escaped_in_messages() {
        let e = ops_err("ops:\n  \"bad\\e[31m\": 1\n");
        assert!(!e.message.contains('\u{1b}'), "{e:?}");
        assert!(e.message.contains("\\u{1b}"), "{e:?}");
    }
}
