//! Which files make up the configuration, and how they are read: the search order, an
//! explicit `--config FILE`, `include:`, and the safety limits on each file.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::error::ConfigError;
use super::merge::merge;
use super::schema::check_duplicates;
use super::yaml::{Node, NodeKind, parse};
use crate::ops::sanitize::quote;
use crate::ops::span::{SourceFile, Span, Spanned};

/// The name looked for in every search directory.
pub const CONFIG_FILE_NAME: &str = "kstlib.conf.yml";

/// The environment variable naming a config file to use instead of discovery.
pub const CONFIG_ENV_VAR: &str = "KSTLIB_CONFIG";

/// Largest config file read (upstream's limit): a config is a few kilobytes, anything
/// near this is a mistake (a log file given by error) or an attack.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Deepest chain of includes (upstream's limit): the top file is level 0.
pub const MAX_INCLUDE_DEPTH: usize = 10;

/// The system config directories when `XDG_CONFIG_DIRS` is unset or empty.
const DEFAULT_XDG_CONFIG_DIRS: &str = "/etc/xdg";

/// The directories searched for `kstlib.conf.yml`. Built from the environment by
/// [`SearchPaths::from_env`], or by hand (tests use temporary directories and never read
/// the real home).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPaths {
    /// The user's home (`$HOME`); `None` skips the two per-user files.
    pub home: Option<PathBuf>,
    /// The directory `./kstlib.conf.yml` is relative to.
    pub cwd: PathBuf,
    /// System config directories, most important first (the order of
    /// `XDG_CONFIG_DIRS`).
    pub xdg_config_dirs: Vec<PathBuf>,
}

impl SearchPaths {
    /// From `HOME`, the current directory and `XDG_CONFIG_DIRS` (default `/etc/xdg`).
    pub fn from_env() -> SearchPaths {
        let home = std::env::var_os("HOME");
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let xdg = std::env::var_os("XDG_CONFIG_DIRS");
        SearchPaths::from_vars(home, cwd, xdg)
    }

    /// [`from_env`](Self::from_env) with the values given: an empty `HOME` is no home, and
    /// relative `XDG_CONFIG_DIRS` entries are ignored, as the XDG spec requires.
    fn from_vars(home: Option<OsString>, cwd: PathBuf, xdg: Option<OsString>) -> SearchPaths {
        let home = home.filter(|h| !h.is_empty()).map(PathBuf::from);
        let xdg = xdg.filter(|x| !x.is_empty());
        let mut xdg_config_dirs: Vec<PathBuf> = match &xdg {
            Some(dirs) => std::env::split_paths(dirs)
                .filter(|p| p.is_absolute())
                .collect(),
            None => Vec::new(),
        };
        if xdg_config_dirs.is_empty() {
            xdg_config_dirs.push(PathBuf::from(DEFAULT_XDG_CONFIG_DIRS));
        }
        SearchPaths {
            home,
            cwd,
            xdg_config_dirs,
        }
    }

    /// The files to look for, lowest priority first (each is merged over the ones before
    /// it): every system directory's `kstlib/kstlib.conf.yml`, the first XDG entry last so
    /// that it wins; `~/.config/kstlib.conf.yml`; `~/kstlib.conf.yml`;
    /// `./kstlib.conf.yml`.
    pub fn candidates(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .xdg_config_dirs
            .iter()
            .rev()
            .map(|dir| dir.join("kstlib").join(CONFIG_FILE_NAME))
            .collect();
        if let Some(home) = &self.home {
            out.push(home.join(".config").join(CONFIG_FILE_NAME));
            out.push(home.join(CONFIG_FILE_NAME));
        }
        out.push(self.cwd.join(CONFIG_FILE_NAME));
        out
    }
}

/// Where the configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// Search the usual places and merge every file found.
    Discover(SearchPaths),
    /// Exactly this file (and what it includes); it must exist.
    File(PathBuf),
}

impl ConfigSource {
    /// The source the CLI uses: `explicit` (`--config FILE`) if given, else a non-empty
    /// `KSTLIB_CONFIG`, else discovery.
    pub fn from_env(explicit: Option<PathBuf>) -> ConfigSource {
        ConfigSource::choose(
            explicit,
            std::env::var_os(CONFIG_ENV_VAR),
            SearchPaths::from_env,
        )
    }

    fn choose(
        explicit: Option<PathBuf>,
        env: Option<OsString>,
        search: impl FnOnce() -> SearchPaths,
    ) -> ConfigSource {
        match (explicit, env) {
            (Some(path), _) => ConfigSource::File(path),
            (None, Some(path)) if !path.is_empty() => ConfigSource::File(PathBuf::from(path)),
            _ => ConfigSource::Discover(search()),
        }
    }
}

/// The merged top-level mapping and the files it was made of, in merge order.
pub(crate) struct Loaded {
    pub files: Vec<PathBuf>,
    /// `None` when no file was found at all.
    pub root: Option<Node>,
}

/// Read and merge everything `source` names.
pub(crate) fn load(source: &ConfigSource) -> Result<Loaded, ConfigError> {
    let mut loader = Loader::default();
    let mut root: Option<Node> = None;
    match source {
        ConfigSource::File(path) => {
            check_extension(path).map_err(|e| e.in_file(path))?;
            match std::fs::metadata(path) {
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => {
                    return Err(ConfigError::new("config file not found")
                        .in_file(path)
                        .with_help("check the path given with --config or KSTLIB_CONFIG"));
                }
                Err(err) => return Err(io_error(path, &err)),
            }
            root = Some(loader.load_path(path, 0)?);
        }
        ConfigSource::Discover(search) => {
            // The same file can be reached twice (`~` as the working directory): read once.
            let mut seen: HashSet<PathBuf> = HashSet::new();
            for path in search.candidates() {
                match std::fs::metadata(&path) {
                    Ok(_) => {}
                    Err(err)
                        if matches!(
                            err.kind(),
                            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                        ) =>
                    {
                        continue;
                    }
                    Err(err) => return Err(io_error(&path, &err)),
                }
                let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if !seen.insert(canonical) {
                    continue;
                }
                let node = loader.load_path(&path, 0)?;
                root = Some(match root {
                    Some(base) => merge(base, node)?,
                    None => node,
                });
            }
        }
    }
    Ok(Loaded {
        files: loader.files,
        root,
    })
}

/// One in-memory file at `path` (which need not exist), its includes resolved against
/// `path`'s directory.
pub(crate) fn load_str(text: &str, path: &Path) -> Result<Loaded, ConfigError> {
    if text.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(path));
    }
    let file = Arc::new(SourceFile {
        path: path.to_path_buf(),
        text: text.to_owned(),
    });
    let identity = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut loader = Loader::default();
    let root = loader.load_source(file, identity, 0)?;
    Ok(Loaded {
        files: loader.files,
        root: Some(root),
    })
}

/// Reads files and follows includes, remembering what it read.
#[derive(Default)]
struct Loader {
    /// Every file read, in merge order: a file's includes before the file itself.
    files: Vec<PathBuf>,
    /// The files being loaded, outermost first, as (identity, shown path): an include of
    /// one of them is a cycle.
    chain: Vec<(PathBuf, PathBuf)>,
}

impl Loader {
    fn load_path(&mut self, path: &Path, depth: usize) -> Result<Node, ConfigError> {
        let file = read(path)?;
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.load_source(file, identity, depth)
    }

    /// Parse `file`, load its includes, and merge: includes first, in list order, then the
    /// file's own keys on top.
    fn load_source(
        &mut self,
        file: Arc<SourceFile>,
        identity: PathBuf,
        depth: usize,
    ) -> Result<Node, ConfigError> {
        let mut root = parse(file.clone())?;
        if !matches!(root.kind, NodeKind::Map(_)) {
            return Err(ConfigError::new(format!(
                "the top level of a config file must be a mapping, found {}",
                root.kind_name()
            ))
            .at(root.span.clone())
            .with_help("start with `ops:`, its keys indented below it"));
        }
        check_duplicates(&root)?;
        let includes = take_includes(&mut root)?;
        self.chain.push((identity, file.path.clone()));
        let mut merged: Option<Node> = None;
        for include in includes {
            let node = self.load_include(&file.path, &include, depth)?;
            merged = Some(match merged {
                Some(base) => merge(base, node)?,
                None => node,
            });
        }
        self.chain.pop();
        self.files.push(file.path.clone());
        match merged {
            Some(base) => merge(base, root),
            None => Ok(root),
        }
    }

    /// Check and load one `include:` entry of the file at `including`.
    fn load_include(
        &mut self,
        including: &Path,
        include: &Spanned<String>,
        depth: usize,
    ) -> Result<Node, ConfigError> {
        let at = |message: String| ConfigError::new(message).at(include.span.clone());
        let dir = match including.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let escape = || {
            at(format!(
                "include path escapes the config directory: {}",
                quote(&include.value)
            ))
            .with_label("outside the including file's directory")
            .with_help(format!(
                "includes must be relative paths inside {}",
                quote(&dir.display().to_string())
            ))
        };
        if include.value.is_empty() {
            return Err(at("empty include path".to_owned()));
        }
        let relative = normalize(Path::new(&include.value)).ok_or_else(escape)?;
        let path = dir.join(&relative);
        check_extension(&path).map_err(|e| e.at(include.span.clone()))?;
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(
                    at(format!("included file is a symlink: {}", path.display()))
                        .with_label("a symlink")
                        .with_help(
                            "include the file it points to, by a path inside this directory",
                        ),
                );
            }
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(at(format!("included file not found: {}", path.display())));
            }
            Err(err) => return Err(at(format!("cannot read {}: {err}", path.display()))),
        }
        // A symlinked directory on the way can still lead outside: compare real paths.
        let real = std::fs::canonicalize(&path)
            .map_err(|err| at(format!("cannot read {}: {err}", path.display())))?;
        let real_dir = std::fs::canonicalize(&dir)
            .map_err(|err| at(format!("cannot read {}: {err}", dir.display())))?;
        if !real.starts_with(&real_dir) {
            return Err(escape());
        }
        if let Some(i) = self.chain.iter().position(|(id, _)| *id == real) {
            let cycle: Vec<String> = self.chain[i..]
                .iter()
                .map(|(_, shown)| shown.display().to_string())
                .chain(std::iter::once(path.display().to_string()))
                .collect();
            return Err(at(format!("include cycle: {}", cycle.join(" -> ")))
                .with_label("includes a file that includes this one"));
        }
        if depth + 1 > MAX_INCLUDE_DEPTH {
            return Err(at(format!(
                "includes nested deeper than {MAX_INCLUDE_DEPTH} levels"
            )));
        }
        self.load_path(&path, depth + 1)
    }
}

/// Remove the top-level `include` key and return its entries: a string, a list of
/// strings, or null/empty for none.
fn take_includes(root: &mut Node) -> Result<Vec<Spanned<String>>, ConfigError> {
    let NodeKind::Map(entries) = &mut root.kind else {
        return Ok(Vec::new());
    };
    let Some(i) = entries.iter().position(|(k, _)| k.value == "include") else {
        return Ok(Vec::new());
    };
    let (_, value) = entries.remove(i);
    let expected = |node: &Node| {
        ConfigError::new(format!(
            "expected a file name or a list of file names for 'include', found {}",
            node.kind_name()
        ))
        .at(node.span.clone())
    };
    match value.kind {
        NodeKind::Null => Ok(Vec::new()),
        NodeKind::Scalar(s) => Ok(vec![Spanned::new(s, value.span)]),
        NodeKind::Seq(items) => items
            .into_iter()
            .map(|item| match item.kind {
                NodeKind::Scalar(s) => Ok(Spanned::new(s, item.span)),
                _ => Err(expected(&item)),
            })
            .collect(),
        NodeKind::Map(_) => Err(expected(&value)),
    }
}

/// `path` without `.` and with `..` applied, if it stays inside its base: `None` for an
/// absolute path or one that climbs out (`../x`, `a/../../x`).
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if out.as_os_str().is_empty() {
        None
    } else {
        Some(out)
    }
}

/// Only YAML is read (JSON too, being a YAML subset). Upstream also read TOML and INI;
/// saying so beats misreading them as YAML.
fn check_extension(path: &Path) -> Result<(), ConfigError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("yml" | "yaml" | "json") => Ok(()),
        // The path itself is the error's location; the message names what is wrong with it.
        Some(other) => Err(unsupported(&quote(&format!(".{other}")))),
        None => Err(unsupported("(a file name without extension)")),
    }
}

fn unsupported(kind: &str) -> ConfigError {
    ConfigError::new(format!("unsupported config file type {kind}"))
        .with_help("config files are YAML (.yml, .yaml) or JSON (.json)")
}

/// Read a whole file as UTF-8, at most [`MAX_FILE_SIZE`] bytes.
fn read(path: &Path) -> Result<Arc<SourceFile>, ConfigError> {
    use std::os::unix::fs::OpenOptionsExt;
    let not_regular = || ConfigError::new("not a regular file").in_file(path);
    // Opening a FIFO for reading waits for a writer, forever: look before opening, and
    // open without blocking in case it was swapped in between.
    let meta = std::fs::metadata(path).map_err(|err| io_error(path, &err))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
        .map_err(|err| io_error(path, &err))?;
    let meta = file.metadata().map_err(|err| io_error(path, &err))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_large(path));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // `take` guards against a file that grows between the size check and the read.
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| io_error(path, &err))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(path));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::new(SourceFile {
            path: path.to_path_buf(),
            text,
        })),
        Err(err) => {
            let bad = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let file = Arc::new(SourceFile {
                path: path.to_path_buf(),
                text,
            });
            // The lossy text is identical up to the first bad byte, so `bad` is a valid
            // offset into it.
            Err(ConfigError::new("config file is not valid UTF-8")
                .at(Span::from_offsets(file, bad, bad)))
        }
    }
}

fn too_large(path: &Path) -> ConfigError {
    ConfigError::new(format!(
        "config file is larger than {} MiB",
        MAX_FILE_SIZE / (1024 * 1024)
    ))
    .in_file(path)
}

fn io_error(path: &Path, err: &io::Error) -> ConfigError {
    ConfigError::new(format!("cannot read config file: {err}")).in_file(path)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use tempfile::TempDir;

    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&path, text).expect("write");
        path
    }

    fn tmp() -> TempDir {
        tempfile::tempdir().expect("tempdir")
    }

    fn ok(source: &ConfigSource) -> Loaded {
        match load(source) {
            Ok(loaded) => loaded,
            Err(err) => panic!("load failed: {err}"),
        }
    }

    fn fails(source: &ConfigSource) -> ConfigError {
        match load(source) {
            Ok(loaded) => panic!("should fail, loaded {:?}", loaded.files),
            Err(err) => err,
        }
    }

    fn value<'a>(root: Option<&'a Node>, key: &str) -> Option<&'a str> {
        root?.get(key)?.as_scalar()
    }

    /// A home, a working directory and two system dirs, all under one temp dir.
    struct Layout {
        _tmp: TempDir,
        search: SearchPaths,
        home: PathBuf,
        cwd: PathBuf,
        sys1: PathBuf,
        sys2: PathBuf,
    }

    fn layout() -> Layout {
        let tmp = tmp();
        let root = tmp.path().to_path_buf();
        let (home, cwd, sys1, sys2) = (
            root.join("home"),
            root.join("work"),
            root.join("sys1"),
            root.join("sys2"),
        );
        for dir in [&home, &cwd, &sys1, &sys2] {
            fs::create_dir_all(dir).expect("mkdir");
        }
        Layout {
            search: SearchPaths {
                home: Some(home.clone()),
                cwd: cwd.clone(),
                xdg_config_dirs: vec![sys1.clone(), sys2.clone()],
            },
            _tmp: tmp,
            home,
            cwd,
            sys1,
            sys2,
        }
    }

    #[test]
    fn candidates_are_in_priority_order_lowest_first() {
        let search = SearchPaths {
            home: Some(PathBuf::from("/h")),
            cwd: PathBuf::from("/w"),
            xdg_config_dirs: vec![PathBuf::from("/x1"), PathBuf::from("/x2")],
        };
        assert_eq!(
            search.candidates(),
            [
                "/x2/kstlib/kstlib.conf.yml",
                "/x1/kstlib/kstlib.conf.yml",
                "/h/.config/kstlib.conf.yml",
                "/h/kstlib.conf.yml",
                "/w/kstlib.conf.yml",
            ]
            .map(PathBuf::from)
        );
        let homeless = SearchPaths {
            home: None,
            ..search
        };
        assert_eq!(homeless.candidates().len(), 3);
    }

    #[test]
    fn search_paths_from_vars() {
        let s = SearchPaths::from_vars(None, PathBuf::from("/w"), None);
        assert_eq!(s.home, None);
        assert_eq!(s.xdg_config_dirs, [PathBuf::from("/etc/xdg")]);
        let s = SearchPaths::from_vars(
            Some("".into()),
            PathBuf::from("/w"),
            Some("/a::rel:/b".into()),
        );
        assert_eq!(s.home, None, "empty HOME is no home");
        assert_eq!(
            s.xdg_config_dirs,
            [PathBuf::from("/a"), PathBuf::from("/b")]
        );
        let s = SearchPaths::from_vars(Some("/h".into()), PathBuf::from("/w"), Some("".into()));
        assert_eq!(s.home, Some(PathBuf::from("/h")));
        assert_eq!(s.xdg_config_dirs, [PathBuf::from("/etc/xdg")]);
    }

    #[test]
    fn source_precedence_explicit_then_env_then_discovery() {
        let search = || SearchPaths::from_vars(None, PathBuf::from("/w"), None);
        assert_eq!(
            ConfigSource::choose(Some("a.yml".into()), Some("b.yml".into()), search),
            ConfigSource::File("a.yml".into())
        );
        assert_eq!(
            ConfigSource::choose(None, Some("b.yml".into()), search),
            ConfigSource::File("b.yml".into())
        );
        assert_eq!(
            ConfigSource::choose(None, Some("".into()), search),
            ConfigSource::Discover(search())
        );
        assert_eq!(
            ConfigSource::choose(None, None, search),
            ConfigSource::Discover(search())
        );
    }

    #[test]
    fn discovery_merges_every_file_later_wins() {
        let l = layout();
        write(
            &l.sys2,
            "kstlib/kstlib.conf.yml",
            "a: sys2\nb: sys2\nc: sys2\nd: sys2\ne: sys2\n",
        );
        write(
            &l.sys1,
            "kstlib/kstlib.conf.yml",
            "b: sys1\nc: sys1\nd: sys1\ne: sys1\n",
        );
        write(
            &l.home,
            ".config/kstlib.conf.yml",
            "c: dotconfig\nd: dotconfig\ne: dotconfig\n",
        );
        write(&l.home, "kstlib.conf.yml", "d: home\ne: home\n");
        write(&l.cwd, "kstlib.conf.yml", "e: cwd\n");
        let loaded = ok(&ConfigSource::Discover(l.search.clone()));
        assert_eq!(value(loaded.root.as_ref(), "a"), Some("sys2"));
        assert_eq!(
            value(loaded.root.as_ref(), "b"),
            Some("sys1"),
            "first XDG entry wins"
        );
        assert_eq!(value(loaded.root.as_ref(), "c"), Some("dotconfig"));
        assert_eq!(value(loaded.root.as_ref(), "d"), Some("home"));
        assert_eq!(value(loaded.root.as_ref(), "e"), Some("cwd"));
        assert_eq!(loaded.files, l.search.candidates());
    }

    #[test]
    fn discovery_skips_missing_files_and_may_find_none() {
        let l = layout();
        let loaded = ok(&ConfigSource::Discover(l.search.clone()));
        assert!(loaded.root.is_none());
        assert!(loaded.files.is_empty());
        write(&l.home, "kstlib.conf.yml", "a: 1\n");
        let loaded = ok(&ConfigSource::Discover(l.search.clone()));
        assert_eq!(loaded.files, [l.home.join("kstlib.conf.yml")]);
    }

    #[test]
    fn discovery_reads_a_file_reached_twice_once() {
        let l = layout();
        write(&l.home, "kstlib.conf.yml", "a: 1\n");
        let search = SearchPaths {
            cwd: l.home.clone(),
            ..l.search.clone()
        };
        assert_eq!(ok(&ConfigSource::Discover(search)).files.len(), 1);
    }

    #[test]
    fn discovery_reports_a_directory_in_place_of_a_file() {
        let l = layout();
        fs::create_dir_all(l.cwd.join("kstlib.conf.yml")).expect("mkdir");
        let e = fails(&ConfigSource::Discover(l.search.clone()));
        assert!(e.to_string().contains("kstlib.conf.yml"), "{e}");
    }

    #[test]
    fn an_explicit_file_replaces_discovery_and_must_exist() {
        let l = layout();
        write(&l.cwd, "kstlib.conf.yml", "a: cwd\n");
        let other = write(&l.cwd, "other.yaml", "b: other\n");
        let loaded = ok(&ConfigSource::File(other.clone()));
        assert_eq!(loaded.files, [other]);
        assert_eq!(value(loaded.root.as_ref(), "a"), None);
        let missing = l.cwd.join("missing.yml");
        let e = fails(&ConfigSource::File(missing.clone()));
        assert_eq!(e.path(), Some(missing.as_path()));
        assert!(e.to_string().contains("config file not found"), "{e}");
    }

    #[test]
    fn other_formats_are_refused_clearly() {
        let l = layout();
        let toml = write(&l.cwd, "kstlib.conf.toml", "a = 1\n");
        let e = fails(&ConfigSource::File(toml));
        assert_eq!(e.message, "unsupported config file type '.toml'");
        assert!(
            e.to_string()
                .starts_with(&l.cwd.join("kstlib.conf.toml").display().to_string())
        );
        let bare = write(&l.cwd, "kstlibrc", "a: 1\n");
        let e = fails(&ConfigSource::File(bare));
        assert!(e.message.contains("without extension"), "{e}");
        let json = write(&l.cwd, "c.json", "{\"ops\": {\"tmux_binary\": \"t\"}}");
        let loaded = ok(&ConfigSource::File(json));
        assert!(loaded.root.is_some_and(|r| r.get("ops").is_some()));
    }

    #[test]
    fn too_large_files_are_refused() {
        let l = layout();
        let big = l.cwd.join("big.yml");
        let f = std::fs::File::create(&big).expect("create");
        f.set_len(MAX_FILE_SIZE + 1).expect("set_len");
        let e = fails(&ConfigSource::File(big));
        assert!(e.message.contains("larger than 10 MiB"), "{e}");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let l = layout();
        let path = l.cwd.join("bad.yml");
        fs::write(&path, b"a: 1\nb: \xff\n").expect("write");
        let e = fails(&ConfigSource::File(path));
        assert!(
            e.to_string()
                .ends_with("bad.yml:2:4: config file is not valid UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn a_top_level_that_is_not_a_mapping_is_an_error() {
        let l = layout();
        let path = write(&l.cwd, "k.yml", "- a\n- b\n");
        let e = fails(&ConfigSource::File(path));
        assert!(e.message.contains("must be a mapping, found a list"), "{e}");
    }

    #[test]
    fn includes_merge_first_in_list_order_then_the_file_itself() {
        let l = layout();
        write(&l.cwd, "a.yml", "x: a\ny: a\nz: a\n");
        write(&l.cwd, "sub/b.yml", "y: b\nz: b\n");
        let main = write(
            &l.cwd,
            "main.yml",
            "include: [a.yml, ./sub/b.yml]\nz: main\n",
        );
        let loaded = ok(&ConfigSource::File(main.clone()));
        assert_eq!(value(loaded.root.as_ref(), "x"), Some("a"));
        assert_eq!(value(loaded.root.as_ref(), "y"), Some("b"));
        assert_eq!(value(loaded.root.as_ref(), "z"), Some("main"));
        assert!(
            loaded
                .root
                .as_ref()
                .and_then(|r| r.get("include"))
                .is_none()
        );
        assert_eq!(
            loaded.files,
            [l.cwd.join("a.yml"), l.cwd.join("sub/b.yml"), main]
        );
    }

    #[test]
    fn a_single_include_string_and_null_include_work() {
        let l = layout();
        write(&l.cwd, "a.yml", "x: a\n");
        let main = write(&l.cwd, "main.yml", "include: a.yml\n");
        assert_eq!(
            value(ok(&ConfigSource::File(main)).root.as_ref(), "x"),
            Some("a")
        );
        for none in ["include:\n", "include: []\n", "include: ~\n"] {
            let main = write(&l.cwd, "main.yml", none);
            assert_eq!(ok(&ConfigSource::File(main)).files.len(), 1, "{none:?}");
        }
    }

    #[test]
    fn includes_are_resolved_against_the_including_file() {
        let l = layout();
        write(&l.cwd, "conf/parts/p.yml", "x: p\n");
        write(&l.cwd, "conf/parts/q.yml", "include: p.yml\n");
        let main = write(&l.cwd, "conf/main.yml", "include: parts/q.yml\n");
        assert_eq!(
            value(ok(&ConfigSource::File(main)).root.as_ref(), "x"),
            Some("p")
        );
    }

    #[test]
    fn includes_may_not_escape_the_directory() {
        let l = layout();
        write(&l.cwd, "secret.yml", "x: 1\n");
        write(&l.cwd, "conf/x.yml", "x: 1\n");
        for include in ["../secret.yml", "a/../../secret.yml", "/etc/passwd.yml"] {
            let main = write(&l.cwd, "conf/main.yml", &format!("include: {include}\n"));
            let e = fails(&ConfigSource::File(main));
            assert!(
                e.message
                    .starts_with("include path escapes the config directory"),
                "{include}: {e}"
            );
            assert_eq!(
                e.location.as_ref().map(|s| (s.line, s.column)),
                Some((1, 10))
            );
        }
        let main = write(&l.cwd, "conf/main.yml", "include: sub/../x.yml\n");
        assert!(
            load(&ConfigSource::File(main)).is_ok(),
            "staying inside is fine"
        );
    }

    #[cfg(unix)]
    #[test]
    fn includes_may_not_be_symlinks_nor_pass_through_one_outside() {
        let l = layout();
        write(&l.cwd, "real.yml", "x: 1\n");
        std::os::unix::fs::symlink(l.cwd.join("real.yml"), l.cwd.join("link.yml"))
            .expect("symlink");
        let main = write(&l.cwd, "main.yml", "include: link.yml\n");
        let e = fails(&ConfigSource::File(main));
        assert!(e.message.contains("is a symlink"), "{e}");

        write(&l.home, "outside/o.yml", "x: 1\n");
        std::os::unix::fs::symlink(l.home.join("outside"), l.cwd.join("dir")).expect("symlink");
        let main = write(&l.cwd, "main.yml", "include: dir/o.yml\n");
        let e = fails(&ConfigSource::File(main));
        assert!(e.message.contains("escapes the config directory"), "{e}");
    }

    #[test]
    fn include_cycles_are_named() {
        let l = layout();
        write(&l.cwd, "a.yml", "include: b.yml\n");
        write(&l.cwd, "b.yml", "include: a.yml\n");
        let e = fails(&ConfigSource::File(l.cwd.join("a.yml")));
        assert!(e.message.starts_with("include cycle: "), "{e}");
        assert!(
            e.message.ends_with(&format!(
                "{} -> {} -> {}",
                l.cwd.join("a.yml").display(),
                l.cwd.join("b.yml").display(),
                l.cwd.join("a.yml").display()
            )),
            "{e}"
        );
        assert!(e.to_string().contains("b.yml:1:10"), "{e}");
        let own = write(&l.cwd, "self.yml", "include: self.yml\n");
        assert!(
            fails(&ConfigSource::File(own))
                .message
                .contains("include cycle")
        );
    }

    #[test]
    fn a_file_included_twice_without_a_cycle_is_fine() {
        let l = layout();
        write(&l.cwd, "common.yml", "x: 1\n");
        write(&l.cwd, "a.yml", "include: common.yml\n");
        write(&l.cwd, "b.yml", "include: common.yml\n");
        let main = write(&l.cwd, "main.yml", "include: [a.yml, b.yml]\n");
        assert_eq!(ok(&ConfigSource::File(main)).files.len(), 5);
    }

    #[test]
    fn include_depth_is_limited_to_ten() {
        let l = layout();
        let chain = |n: usize| {
            for i in 0..n {
                write(
                    &l.cwd,
                    &format!("f{i}.yml"),
                    &format!("include: f{}.yml\n", i + 1),
                );
            }
            write(&l.cwd, &format!("f{n}.yml"), "x: end\n");
            ConfigSource::File(l.cwd.join("f0.yml"))
        };
        let loaded = ok(&chain(MAX_INCLUDE_DEPTH));
        assert_eq!(value(loaded.root.as_ref(), "x"), Some("end"));
        let e = fails(&chain(MAX_INCLUDE_DEPTH + 1));
        assert!(e.message.contains("nested deeper than 10"), "{e}");
    }

    #[test]
    fn bad_include_values_and_targets_are_errors() {
        let l = layout();
        for (text, message) in [
            (
                "include: {a: b}\n",
                "expected a file name or a list of file names",
            ),
            ("include: [a.yml, [b]]\n", "found a list"),
            ("include: ''\n", "empty include path"),
            ("include: nope.yml\n", "included file not found"),
            ("include: x.toml\n", "unsupported config file type"),
            ("include: .\n", "escapes"),
        ] {
            let main = write(&l.cwd, "main.yml", text);
            let e = fails(&ConfigSource::File(main));
            assert!(e.message.contains(message), "{text:?}: {e}");
            assert!(e.location.is_some(), "{text:?}");
        }
    }

    #[test]
    fn errors_in_included_files_name_that_file() {
        let l = layout();
        write(&l.cwd, "part.yml", "ops:\n  sessions: [x]\n");
        let main = write(&l.cwd, "main.yml", "include: part.yml\n");
        let loaded = ok(&ConfigSource::File(main));
        let root = loaded.root.expect("root");
        let ops = crate::ops::config::schema::Ops::read(&root);
        let e = ops.errors.first().expect("a shape error");
        assert!(
            e.to_string()
                .starts_with(&format!("{}:2:13:", l.cwd.join("part.yml").display())),
            "{e}"
        );
        write(&l.cwd, "part.yml", "a: [\n");
        let e = fails(&ConfigSource::File(l.cwd.join("main.yml")));
        assert!(e.to_string().contains("part.yml:"), "{e}");
    }

    #[test]
    fn load_str_resolves_includes_next_to_its_path() {
        let l = layout();
        write(&l.cwd, "inc.yml", "x: inc\ny: inc\n");
        let loaded = match load_str("include: inc.yml\ny: mem\n", &l.cwd.join("virtual.yml")) {
            Ok(loaded) => loaded,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(value(loaded.root.as_ref(), "x"), Some("inc"));
        assert_eq!(value(loaded.root.as_ref(), "y"), Some("mem"));
        assert_eq!(
            loaded.files,
            [l.cwd.join("inc.yml"), l.cwd.join("virtual.yml")]
        );
        let e = load_str("include: virtual.yml\n", &l.cwd.join("virtual.yml"));
        assert!(
            e.is_err(),
            "an include of a missing file fails, it is not the in-memory one"
        );
    }
}
