//! [`ConfigError`]: what is wrong with a config file, and where.
//!
//! Two renderings of the same error: [`Display`](fmt::Display) is a few lines in the
//! `path:line:col: message` shape that compilers use, so that it greps well and reads
//! well in a log; [`ConfigError::render`] is the compiler-style snippet a person sees on
//! a terminal, with the offending value underlined.

use std::error::Error;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::ops::sanitize::{escape, escape_snippet_source, shifted};
use crate::ops::span::Span;

/// Notes further than this many lines from the primary location get their own snippet:
/// one excerpt spanning them would no longer fit on a screen.
const MAX_EXCERPT_LINES: usize = 12;

/// An error in a config file: a message, the place it is about and hints.
///
/// Built with [`ConfigError::new`] and the builder methods, by the loader (syntax, includes,
/// shape) and later by the resolver, which reports a value that fails validation at the
/// [`Span`] that value came from. The details are read through [`Deref`] (`err.message`,
/// `err.location`, …); they sit behind a box so that a `Result<_, ConfigError>` stays one
/// pointer wide on the success path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(Box<Diagnostic>);

/// What a [`ConfigError`] says, reached through [`ConfigError`]'s [`Deref`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, one line, without the location (that is `location`).
    pub message: String,
    /// The value or key the error is about, when there is one.
    pub location: Option<Span>,
    /// The file the error is about when there is no precise location (file not found,
    /// too large, unsupported type). Ignored when `location` is set: a span knows its file.
    pub file: Option<PathBuf>,
    /// A short text shown under the underlined value ("unknown key").
    pub label: Option<String>,
    /// Further facts, each optionally at a place of its own ("first defined here").
    pub notes: Vec<(String, Option<Span>)>,
    /// What to do about it ("did you mean `command`?").
    pub help: Option<String>,
}

impl Deref for ConfigError {
    type Target = Diagnostic;

    fn deref(&self) -> &Diagnostic {
        &self.0
    }
}

impl DerefMut for ConfigError {
    fn deref_mut(&mut self) -> &mut Diagnostic {
        &mut self.0
    }
}

impl ConfigError {
    /// An error with only a message; add a place with [`at`](Self::at) or
    /// [`in_file`](Self::in_file).
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError(Box::new(Diagnostic {
            message: message.into(),
            location: None,
            file: None,
            label: None,
            notes: Vec::new(),
            help: None,
        }))
    }

    /// The same error, about the value at `span`.
    pub fn at(mut self, span: Span) -> Self {
        self.location = Some(span);
        self
    }

    /// The same error, about the whole file at `path` (no line to point at).
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// The same error, with a label under the underlined value.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The same error, with one more note, optionally pointing at a place of its own.
    pub fn with_note(mut self, note: impl Into<String>, span: Option<Span>) -> Self {
        self.notes.push((note.into(), span));
        self
    }

    /// The same error, with a hint saying what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The file this error is about, from its location or from [`in_file`](Self::in_file).
    pub fn path(&self) -> Option<&Path> {
        match &self.location {
            Some(span) => Some(&span.file.path),
            None => self.file.as_deref(),
        }
    }

    /// The [`Display`](fmt::Display) form on one line, its lines joined by `; `, for a
    /// one-line summary (doctor).
    pub fn headline(&self) -> String {
        self.to_string().lines().collect::<Vec<_>>().join("; ")
    }

    /// A compiler-style report: title, `--> path:line:col`, the source line with the value
    /// underlined and labelled, then notes and help. `color` adds ANSI styles (the caller
    /// decides, from `NO_COLOR` and whether stderr is a terminal).
    pub fn render(&self, color: bool) -> String {
        self.render_at(Level::ERROR, color)
    }

    /// The same report as a warning: the config is wrong, but the command goes on (it acts
    /// on what runs, which a mistake in the file must never hide).
    pub fn render_warning(&self, color: bool) -> String {
        self.render_at(Level::WARNING, color)
    }

    fn render_at(&self, level: Level<'_>, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut main = Group::with_title(level.primary_title(self.message.as_str()));
        let mut side_groups: Vec<Group<'_>> = Vec::new();
        let mut loose_notes: Vec<&str> = Vec::new();

        match &self.location {
            Some(span) => {
                let mut marks = vec![Mark {
                    span,
                    primary: true,
                    label: self.label.as_deref(),
                }];
                for (note, note_span) in &self.notes {
                    match note_span {
                        Some(ns) if near(span, ns) => marks.push(Mark {
                            span: ns,
                            primary: false,
                            label: Some(note),
                        }),
                        Some(ns) => match excerpt(&[Mark {
                            span: ns,
                            primary: true,
                            label: None,
                        }]) {
                            Some(snippet) => side_groups.push(
                                Group::with_title(Level::NOTE.secondary_title(note.as_str()))
                                    .element(snippet),
                            ),
                            None => loose_notes.push(note),
                        },
                        None => loose_notes.push(note),
                    }
                }
                match excerpt(&marks) {
                    Some(snippet) => main = main.element(snippet),
                    // A span that does not fit its text (built by hand, or for another
                    // version of the file) still names the place.
                    None => {
                        main = main.element(
                            Origin::path(shown_path(&span.file.path))
                                .line(span.line)
                                .char_column(span.column),
                        );
                    }
                }
            }
            None => {
                if let Some(file) = &self.file {
                    main = main.element(Origin::path(shown_path(file)));
                }
                loose_notes.extend(self.notes.iter().map(|(n, _)| n.as_str()));
            }
        }
        for note in loose_notes {
            main = main.element(Level::NOTE.message(note));
        }
        if let Some(help) = &self.help {
            main = main.element(Level::HELP.message(help.as_str()));
        }
        let mut report = vec![main];
        report.extend(side_groups);
        renderer.render(&report)
    }
}

impl fmt::Display for ConfigError {
    /// `path:line:col: message`, then one `path:line:col: note: …` line per note and a
    /// `help: …` line: the shape compilers use, so that editors and `grep` understand it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, &self.file) {
            (Some(span), _) => write!(f, "{span}: {}", self.message)?,
            (None, Some(file)) => write!(f, "{}: {}", file.display(), self.message)?,
            (None, None) => f.write_str(&self.message)?,
        }
        if let Some(label) = &self.label {
            write!(f, " ({label})")?;
        }
        for (note, span) in &self.notes {
            match span {
                Some(span) => write!(f, "\n{span}: note: {note}")?,
                None => write!(f, "\nnote: {note}")?,
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl Error for ConfigError {}

/// One or more [`ConfigError`]s, in file order: everything wrong with a config is reported
/// at once, not one mistake per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(Vec<ConfigError>);

impl ConfigErrors {
    /// The errors, in the order given; `errors` should not be empty.
    pub fn new(errors: Vec<ConfigError>) -> Self {
        ConfigErrors(errors)
    }

    /// Every error, in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    /// The first error.
    pub fn first(&self) -> Option<&ConfigError> {
        self.0.first()
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(err: ConfigError) -> Self {
        ConfigErrors(vec![err])
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ConfigErrors {
    /// Each error's [`Display`](fmt::Display), one after the other.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, err) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{err}")?;
        }
        Ok(())
    }
}

impl Error for ConfigErrors {}

/// One underlined place in an excerpt.
struct Mark<'a> {
    span: &'a Span,
    primary: bool,
    label: Option<&'a str>,
}

/// Whether `b` can share `a`'s excerpt: same file and a few lines apart.
fn near(a: &Span, b: &Span) -> bool {
    a.file.path == b.file.path && a.line.abs_diff(b.line) < MAX_EXCERPT_LINES
}

/// The source lines covering every mark (all in one file), with the marks as annotations
/// relative to that excerpt. `None` when a mark does not fit the text.
///
/// Only the excerpt is handed to the renderer, never the whole file (up to 10 MiB), and a
/// mark spanning several lines (a block mapping) is cut to its first line, so the report
/// stays on one screen.
fn excerpt<'a>(marks: &[Mark<'a>]) -> Option<Snippet<'a, Annotation<'a>>> {
    let first = marks.first()?;
    let file = &first.span.file;
    let text = file.text.as_str();
    let mut ranges = Vec::with_capacity(marks.len());
    for mark in marks {
        let (start, end) = (mark.span.start, mark.span.end);
        if start > end || end > text.len() || !text.is_char_boundary(start) {
            return None;
        }
        if !text.is_char_boundary(end) {
            return None;
        }
        let line_end = line_end(text, start);
        ranges.push((start, end.min(line_end)));
    }
    let lo = ranges.iter().map(|r| r.0).min()?;
    let hi = ranges.iter().map(|r| r.1).max()?;
    let from = line_start(text, lo);
    let to = line_end(text, hi);
    let (source, shifts) = escape_snippet_source(text.get(from..to)?);
    // Counted rather than trusted from the span: a span built by hand may carry a wrong
    // line, the bytes cannot lie.
    let line_start_no = text.get(..from)?.matches('\n').count() + 1;
    let mut snippet = Snippet::source(source)
        .path(shown_path(&file.path))
        .line_start(line_start_no);
    for (mark, (start, end)) in marks.iter().zip(ranges) {
        let kind = if mark.primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        let span = shifted(start - from, &shifts)..shifted(end - from, &shifts);
        let mut annotation = kind.span(span);
        if let Some(label) = mark.label {
            annotation = annotation.label(label);
        }
        snippet = snippet.annotation(annotation);
    }
    Some(snippet)
}

/// A file's path as the ` --> ` line shows it: escaped, since a directory name may hold
/// anything, and the renderer prints it as it is.
fn shown_path(path: &Path) -> String {
    escape(&path.display().to_string()).into_owned()
}

/// Byte offset of the start of the line holding `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset of the end of the line holding `at` (before its `\n` or `\r\n`).
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ops::span::SourceFile;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: PathBuf::from("conf/kstlib.conf.yml"),
            text: text.to_owned(),
        })
    }

    fn span_of(file: &Arc<SourceFile>, needle: &str) -> Span {
        let start = file.text.find(needle).expect("needle in test text");
        Span::from_offsets(file.clone(), start, start + needle.len())
    }

    #[test]
    fn display_is_path_line_col_message_then_help() {
        let f = file("ops:\n  sesions: {}\n");
        let err = ConfigError::new("unknown key 'sesions' in 'ops'")
            .at(span_of(&f, "sesions"))
            .with_help("did you mean 'sessions'?");
        assert_eq!(
            err.to_string(),
            "conf/kstlib.conf.yml:2:3: unknown key 'sesions' in 'ops'\n\
             help: did you mean 'sessions'?"
        );
    }

    #[test]
    fn display_without_span_names_the_file() {
        let err = ConfigError::new("config file not found").in_file("/x/y.yml");
        assert_eq!(err.to_string(), "/x/y.yml: config file not found");
        assert_eq!(err.path(), Some(Path::new("/x/y.yml")));
        assert_eq!(ConfigError::new("bare").to_string(), "bare");
    }

    #[test]
    fn display_lists_notes_with_their_place() {
        let f = file("a: 1\na: 2\n");
        let first = Span::from_offsets(f.clone(), 0, 1);
        let err = ConfigError::new("duplicate key 'a'")
            .at(Span::from_offsets(f.clone(), 5, 6))
            .with_note("first defined here", Some(first))
            .with_note("loose", None);
        assert_eq!(
            err.to_string(),
            "conf/kstlib.conf.yml:2:1: duplicate key 'a'\n\
             conf/kstlib.conf.yml:1:1: note: first defined here\n\
             note: loose"
        );
    }

    #[test]
    fn render_underlines_the_value_with_its_label() {
        let f = file("ops:\n  sessions:\n    web:\n      comand: x\n");
        let err = ConfigError::new("unknown key 'comand' in session 'web'")
            .at(span_of(&f, "comand"))
            .with_label("unknown key")
            .with_help("did you mean 'command'?");
        let out = err.render(false);
        assert!(out.contains("--> conf/kstlib.conf.yml:4:7"), "{out}");
        assert!(out.contains("      comand: x"), "{out}");
        assert!(out.contains("^^^^^^ unknown key"), "{out}");
        assert!(out.contains("help: did you mean 'command'?"), "{out}");
        assert!(!out.contains('\u{1b}'), "no colour asked: {out}");
        assert!(err.render(true).contains('\u{1b}'));
    }

    #[test]
    fn render_cuts_multi_line_spans_to_their_first_line() {
        let f = file("volumes:\n  a: 1\n  b: 2\n  c: 3\n");
        let start = f.text.find("a: 1").expect("in text");
        let err = ConfigError::new("expected a list").at(Span::from_offsets(
            f.clone(),
            start,
            f.text.len() - 1,
        ));
        let out = err.render(false);
        assert!(out.contains("a: 1"), "{out}");
        assert!(!out.contains("c: 3"), "{out}");
    }

    #[test]
    fn render_survives_a_span_that_does_not_fit_the_text() {
        let f = file("short");
        let span = Span {
            file: f,
            line: 9,
            column: 4,
            start: 100,
            end: 200,
        };
        let out = ConfigError::new("stale").at(span).render(false);
        assert!(out.contains("conf/kstlib.conf.yml:9:4"), "{out}");
    }

    #[test]
    fn render_shows_no_c1_control_of_the_file_raw() {
        // Found by the fuzz target 'config' (a file of the two bytes C2 85): the snippet
        // shows C0 controls as control pictures, but printed C1 controls raw, the CSI
        // U+009B among them, which some terminals obey.
        for (text, marked) in [
            ("\u{85}", "\u{85}"),
            ("ops:\n  bogus\u{9b}2J: 1\n", "bogus"),
        ] {
            let f = file(text);
            let err = ConfigError::new("bad").at(span_of(&f, marked));
            let out = err.render(false);
            assert!(!out.contains(['\u{85}', '\u{9b}']), "{out:?}");
        }
    }

    #[test]
    fn render_escapes_the_path() {
        // The `-->` line printed a right-to-left override raw and dropped an escape
        // sequence, so that the path shown was not the file's.
        let f = Arc::new(SourceFile {
            path: PathBuf::from("/tmp/ev\u{202e}il\u{1b}[31m/kstlib.conf.yml"),
            text: "ops:\n  bogus: 1\n".to_owned(),
        });
        let err = ConfigError::new("unknown key 'bogus' in 'ops'").at(span_of(&f, "bogus"));
        let out = err.render(false);
        assert!(
            out.contains("--> /tmp/ev\\u{202e}il\\u{1b}[31m/kstlib.conf.yml:2:3"),
            "{out:?}"
        );
    }

    #[test]
    fn render_puts_far_notes_in_their_own_snippet() {
        let text = format!("a: 1\n{}a: 2\n", "# filler\n".repeat(30));
        let f = file(&text);
        let second = text.rfind("a: 2").expect("in text");
        let err = ConfigError::new("duplicate key 'a'")
            .at(Span::from_offsets(f.clone(), second, second + 1))
            .with_note(
                "first defined here",
                Some(Span::from_offsets(f.clone(), 0, 1)),
            );
        let out = err.render(false);
        assert!(out.contains("note: first defined here"), "{out}");
        assert!(out.contains("--> conf/kstlib.conf.yml:1:1"), "{out}");
        assert!(out.lines().count() < 25, "{out}");
    }
}
