//! Where a value was written: a file, a line and a column, kept on every value read from
//! a config file so that any later error can point at it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A config file's path and full text, shared by the spans of all its nodes so that an
/// error can quote the line it is about.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as it was found or given (not canonicalised: it is shown to users).
    pub path: PathBuf,
    /// The whole text, as read.
    pub text: String,
}

impl fmt::Debug for SourceFile {
    /// The path and the size only: a file's text would drown every `{:?}` of a node.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SourceFile({}, {} bytes)",
            self.path.display(),
            self.text.len()
        )
    }
}

/// Where a node is: its file, its start as 1-based line and column, and its byte range.
#[derive(Clone)]
pub struct Span {
    /// The file the node was read from.
    pub file: Arc<SourceFile>,
    /// Line of the first character, from 1.
    pub line: usize,
    /// Column of the first character, from 1, counted in characters (not bytes).
    pub column: usize,
    /// Byte offset of the first character in `file.text`.
    pub start: usize,
    /// Byte offset just past the last character in `file.text`.
    pub end: usize,
}

impl Span {
    /// A span over `start..end` (byte offsets) of `file`, with line and column computed
    /// from the text. Linear in `start`: for occasional use (tests, the resolver), not for
    /// every node of a parse.
    pub fn from_offsets(file: Arc<SourceFile>, start: usize, end: usize) -> Span {
        let text = file.text.as_str();
        let mut start = start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_begin = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_begin..].chars().count() + 1;
        let end = end.clamp(start, text.len());
        Span {
            file,
            line,
            column,
            start,
            end,
        }
    }

    /// A zero-length span at the very start of `file`, for what belongs to a file as a
    /// whole (its implicit empty top-level mapping).
    pub fn file_start(file: Arc<SourceFile>) -> Span {
        Span {
            file,
            line: 1,
            column: 1,
            start: 0,
            end: 0,
        }
    }

    /// The text the span covers, or `""` if it does not fit the file.
    pub fn text(&self) -> &str {
        self.file.text.get(self.start..self.end).unwrap_or("")
    }
}

impl PartialEq for Span {
    /// Same file (by path) and same bytes: line and column follow from those.
    fn eq(&self, other: &Self) -> bool {
        self.start == other.start && self.end == other.end && self.file.path == other.file.path
    }
}

impl Eq for Span {}

impl fmt::Display for Span {
    /// `path:line:col`, the form editors jump to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file.path.display(),
            self.line,
            self.column
        )
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}({}..{})", self.start, self.end)
    }
}

/// A value and the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// `value`, written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}
