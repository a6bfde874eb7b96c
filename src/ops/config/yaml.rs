//! A YAML document as a tree whose every node knows the file, line and column it came from.
//!
//! Built from `saphyr-parser` events rather than deserialised with serde: the loader
//! deep-merges several files and must still point at the `file:line:col` of every value
//! after the merge, which a derived `Deserialize` cannot give.
//!
//! Semantics are YAML 1.2 (`22:22` and `yes` stay strings, unlike upstream's PyYAML), plus
//! the YAML 1.1 merge key `<<` because configs written for PyYAML use it. Every scalar is
//! kept as its text; what a value means is decided later, by the key it belongs to.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::error::ConfigError;
use crate::ops::span::{SourceFile, Span, Spanned};

/// Deepest nesting of lists and mappings accepted. Real configs use five or six levels;
/// the limit keeps every recursive walk over the tree (merge, drop) far from the stack's end.
pub const MAX_NESTING: usize = 64;

/// Most nodes that aliases may copy in one document: an alias is a deep copy, so without a
/// budget a few lines of nested aliases ("billion laughs") would exhaust memory.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// One node of a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it was written. For a copy made by an alias, the alias's place (its children
    /// keep the places where they were written, under the anchor).
    pub span: Span,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A plain `~`, `null`, `Null`, `NULL` or nothing at all (`key:`). Quoted `"null"` is a
    /// string.
    Null,
    /// Any other scalar, as its text (quotes and escapes already resolved). Numbers and
    /// booleans too: their meaning depends on the key.
    Scalar(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, entries in file order. A key written twice appears twice: the tree is
    /// faithful and the reader decides (duplicates are errors inside `ops:`, last-wins
    /// elsewhere); see [`first_duplicate`] and [`Node::get`].
    Map(Vec<(Spanned<String>, Node)>),
}

impl Node {
    /// What this node is, for messages: "null", "a scalar", "a list", "a mapping".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// The value of `key` when this node is a mapping. A key written twice gives its last
    /// value, as PyYAML and most YAML loaders do.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value of `key` when this node is a mapping (the last one if repeated).
    pub fn entry(&self, key: &str) -> Option<(&Spanned<String>, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.value == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The scalar's text, when this node is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this node is null.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// How many nodes this tree holds (itself included); charged to the alias budget.
    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Null | NodeKind::Scalar(_) => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| v.size()).sum::<usize>(),
        }
    }
}

/// The first key written a second time in `entries`: `(first, second)`.
pub fn first_duplicate(
    entries: &[(Spanned<String>, Node)],
) -> Option<(&Spanned<String>, &Spanned<String>)> {
    let mut seen: HashMap<&str, &Spanned<String>> = HashMap::with_capacity(entries.len());
    for (key, _) in entries {
        if let Some(first) = seen.get(key.value.as_str()) {
            return Some((first, key));
        }
        seen.insert(&key.value, key);
    }
    None
}

/// The entries with each key once: the last value and key, at the place of the first
/// occurrence (what a dict does with repeated assignments).
pub fn dedup_entries(entries: Vec<(Spanned<String>, Node)>) -> Vec<(Spanned<String>, Node)> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    let mut out: Vec<(Spanned<String>, Node)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        match index.get(&key.value) {
            Some(&i) => out[i] = (key, value),
            None => {
                index.insert(key.value.clone(), out.len());
                out.push((key, value));
            }
        }
    }
    out
}

/// Parse one YAML document into a tree. The top level of an empty document (no content,
/// or a lone `~`) is an empty mapping. Several documents, non-scalar keys, unknown
/// aliases, too deep nesting and syntax errors are errors at their place in `file`.
pub fn parse(file: Arc<SourceFile>) -> Result<Node, ConfigError> {
    Builder::new(file).run()
}

/// A position inside the text: byte offset plus the 1-based line and column.
#[derive(Clone, Copy)]
struct Pos {
    byte: usize,
    line: usize,
    column: usize,
}

/// Turns saphyr's character indices into byte offsets. Events arrive almost in text
/// order, so a cursor that walks from the previous answer is linear overall; pure ASCII
/// (nearly every config) needs no walk at all.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        Offsets {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte_of(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        while self.chars < char_index {
            match self.text[self.bytes..].chars().next() {
                Some(c) => {
                    self.bytes += c.len_utf8();
                    self.chars += 1;
                }
                None => break,
            }
        }
        while self.chars > char_index {
            match self.text[..self.bytes].chars().next_back() {
                Some(c) => {
                    self.bytes -= c.len_utf8();
                    self.chars -= 1;
                }
                None => break,
            }
        }
        self.bytes
    }

    fn pos(&mut self, marker: &Marker) -> Pos {
        Pos {
            byte: self.byte_of(marker.index()),
            line: marker.line().max(1),
            column: marker.col() + 1,
        }
    }
}

/// A list or mapping whose end has not been seen yet.
struct Frame {
    anchor: usize,
    start: Pos,
    /// Where the last child ended: a block collection ends there (its end event sits at
    /// the start of the next line, or further after comments).
    last_end: Option<usize>,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Spanned<String>, Node)>,
        /// A key waiting for its value; `None` between entries.
        key: Option<Spanned<String>>,
        /// Whether the waiting key is the merge key `<<`.
        merge_pending: bool,
        /// Mappings named by `<<`, in order: earlier ones win over later ones.
        merges: Vec<Node>,
    },
}

/// The event-driven tree builder: an explicit stack instead of recursion, so hostile
/// nesting cannot overflow the call stack before [`MAX_NESTING`] is checked.
struct Builder {
    file: Arc<SourceFile>,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    alias_nodes: usize,
}

impl Builder {
    fn new(file: Arc<SourceFile>) -> Self {
        Builder {
            file,
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
            documents: 0,
            alias_nodes: 0,
        }
    }

    fn span(&self, start: Pos, end: usize) -> Span {
        Span {
            file: self.file.clone(),
            line: start.line,
            column: start.column,
            start: start.byte,
            end: end.max(start.byte),
        }
    }

    fn run(mut self) -> Result<Node, ConfigError> {
        let file = self.file.clone();
        let text = file.text.as_str();
        let mut offsets = Offsets::new(text);
        let mut parser = Parser::new_from_str(text);
        while let Some(item) = parser.next_event() {
            let (event, span) = match item {
                Ok(pair) => pair,
                Err(err) => {
                    // At the end of the input saphyr reports a line past the last one (even
                    // without a final newline); point at the end of the last line instead,
                    // with line and column recomputed from the bytes so that both agree.
                    let mut at = offsets.byte_of(err.marker().index());
                    if at == text.len() {
                        at = text.trim_end_matches(['\n', '\r']).len();
                    }
                    let mut error = ConfigError::new(format!("invalid YAML: {}", err.info()))
                        .at(Span::from_offsets(file.clone(), at, at));
                    // An unclosed `[` or `{` is reported where the parser gives up, often
                    // lines later; pointing at the opening bracket names the real mistake.
                    if let Some(open) = self.open_flow_collection() {
                        error = error.with_note(open.0, Some(open.1));
                    }
                    return Err(error);
                }
            };
            let start = offsets.pos(&span.start);
            let end = offsets.byte_of(span.end.index());
            match event {
                Event::StreamEnd => break,
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(ConfigError::new(
                            "a config file holds one YAML document, found a second one",
                        )
                        .at(self.span(start, end))
                        .with_label("second document starts here")
                        .with_help(
                            "merge the documents, or split them into files joined with `include:`",
                        ));
                    }
                }
                Event::Alias(id) => {
                    let mut node = match self.anchors.get(&id) {
                        Some(node) => node.clone(),
                        None => {
                            return Err(ConfigError::new("alias to an unknown anchor")
                                .at(self.span(start, end)));
                        }
                    };
                    self.alias_nodes += node.size();
                    if self.alias_nodes > MAX_ALIAS_NODES {
                        return Err(ConfigError::new(format!(
                            "aliases expand to more than {MAX_ALIAS_NODES} nodes"
                        ))
                        .at(self.span(start, end))
                        .with_help(
                            "a config does not need that many copies; nested aliases multiply",
                        ));
                    }
                    // Shape errors about the alias itself point at the alias; the copied
                    // children keep the places where they were written.
                    node.span = self.span(start, end);
                    self.complete(node, 0, None)?;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let start = skip_properties(text, start, end);
                    let span = self.span(start, end);
                    let plain = matches!(style, ScalarStyle::Plain);
                    let kind = match tag.as_deref().and_then(core_tag) {
                        Some("str") => NodeKind::Scalar(value.to_string()),
                        Some("null") => NodeKind::Null,
                        _ if plain && is_null(&value) => NodeKind::Null,
                        _ => NodeKind::Scalar(value.to_string()),
                    };
                    let merge_key = plain && tag.is_none() && value == "<<";
                    let key_text = Key {
                        text: value.into_owned(),
                        merge: merge_key,
                    };
                    self.complete(Node { kind, span }, anchor, Some(key_text))?;
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if self.stack.len() >= MAX_NESTING {
                        return Err(ConfigError::new(format!(
                            "lists and mappings nested deeper than {MAX_NESTING} levels"
                        ))
                        .at(self.span(start, end)));
                    }
                    let start = skip_properties(text, start, text.len());
                    let kind = if matches!(event, Event::SequenceStart(..)) {
                        FrameKind::Seq(Vec::new())
                    } else {
                        FrameKind::Map {
                            entries: Vec::new(),
                            key: None,
                            merge_pending: false,
                            merges: Vec::new(),
                        }
                    };
                    self.stack.push(Frame {
                        anchor,
                        start,
                        last_end: None,
                        kind,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = self.stack.pop() else {
                        continue;
                    };
                    // A flow collection ends at its `]` or `}` (a non-empty end event);
                    // a block one at its last child.
                    let end = if end > start.byte {
                        end
                    } else {
                        frame.last_end.unwrap_or(frame.start.byte)
                    };
                    let span = self.span(frame.start, end);
                    let kind = match frame.kind {
                        FrameKind::Seq(items) => NodeKind::Seq(items),
                        FrameKind::Map {
                            entries, merges, ..
                        } => NodeKind::Map(apply_merges(entries, merges)),
                    };
                    self.complete(Node { kind, span }, frame.anchor, None)?;
                }
            }
        }
        Ok(match self.root {
            Some(node) if node.is_null() => Node {
                kind: NodeKind::Map(Vec::new()),
                span: node.span,
            },
            Some(node) => node,
            None => Node {
                kind: NodeKind::Map(Vec::new()),
                span: Span::file_start(self.file.clone()),
            },
        })
    }

    /// The innermost unfinished collection, when it is a flow one (`[` or `{`): a note
    /// and the place of its opening bracket.
    fn open_flow_collection(&self) -> Option<(&'static str, Span)> {
        let frame = self.stack.last()?;
        let text = self.file.text.get(frame.start.byte..)?;
        let note = match text.chars().next()? {
            '[' => "while reading the list opened here",
            '{' => "while reading the mapping opened here",
            _ => return None,
        };
        Some((note, self.span(frame.start, frame.start.byte + 1)))
    }

    /// A node is finished: remember it under its anchor and hand it to its parent.
    fn complete(&mut self, node: Node, anchor: usize, key: Option<Key>) -> Result<(), ConfigError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.last_end = Some(node.span.end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map {
                entries,
                key: pending,
                merge_pending,
                merges,
            } => match pending.take() {
                None => {
                    let text = match (&node.kind, key) {
                        (NodeKind::Scalar(_) | NodeKind::Null, Some(key)) => {
                            *merge_pending = key.merge;
                            key.text
                        }
                        // An alias used as a key: its scalar text, if it is one.
                        (NodeKind::Scalar(s), None) => s.clone(),
                        (NodeKind::Null, None) => String::new(),
                        _ => {
                            return Err(ConfigError::new(format!(
                                "mapping keys must be scalars, found {}",
                                node.kind_name()
                            ))
                            .at(node.span)
                            .with_label("used as a key"));
                        }
                    };
                    *pending = Some(Spanned::new(text, node.span));
                }
                Some(k) if *merge_pending => {
                    *merge_pending = false;
                    match node.kind {
                        NodeKind::Map(_) => merges.push(node),
                        NodeKind::Seq(items) => {
                            for item in items {
                                if !matches!(item.kind, NodeKind::Map(_)) {
                                    return Err(merge_error(&item, &k));
                                }
                                merges.push(item);
                            }
                        }
                        _ => return Err(merge_error(&node, &k)),
                    }
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// The text of a scalar event and whether it is the merge key, kept for when the scalar
/// turns out to be a mapping key (a plain `~` key is the key "~", not null).
struct Key {
    text: String,
    merge: bool,
}

fn merge_error(found: &Node, key: &Spanned<String>) -> ConfigError {
    ConfigError::new(format!(
        "the merge key '<<' takes a mapping or a list of mappings, found {}",
        found.kind_name()
    ))
    .at(found.span.clone())
    .with_note("merge key here", Some(key.span.clone()))
    .with_help("write `<<: *anchor` or `<<: [*a, *b]` with anchors on mappings")
}

/// YAML 1.1 merge: keys of the merged mappings that the mapping does not set itself come
/// first (earlier merged mappings win over later ones), then the mapping's own entries:
/// explicit keys always win, as in PyYAML.
fn apply_merges(
    entries: Vec<(Spanned<String>, Node)>,
    merges: Vec<Node>,
) -> Vec<(Spanned<String>, Node)> {
    if merges.is_empty() {
        return entries;
    }
    let mut taken: HashSet<String> = entries.iter().map(|(k, _)| k.value.clone()).collect();
    let mut out = Vec::new();
    for merged in merges {
        if let NodeKind::Map(merged_entries) = merged.kind {
            for (key, value) in dedup_entries(merged_entries) {
                if taken.insert(key.value.clone()) {
                    out.push((key, value));
                }
            }
        }
    }
    out.extend(entries);
    out
}

/// YAML 1.2 core schema nulls, as a plain scalar. `""` is the value of `key:` with nothing
/// after it.
fn is_null(plain: &str) -> bool {
    matches!(plain, "" | "~" | "null" | "Null" | "NULL")
}

/// `str` for `!!str`, `null` for `!!null`, … ; `None` for local tags (`!foo`).
fn core_tag(tag: &Tag) -> Option<&str> {
    if tag.is_yaml_core_schema() {
        Some(tag.suffix.as_str())
    } else {
        None
    }
}

/// Move a node's start past its anchor (`&name`) and tag (`!!str`) so that a span
/// underlines the value itself, not its properties; saphyr starts the span at them.
/// Never moves past `limit`; whitespace, line breaks and comments after a property are
/// skipped too, line and column following along.
fn skip_properties(text: &str, start: Pos, limit: usize) -> Pos {
    let mut pos = start;
    for _ in 0..2 {
        let Some(rest) = text.get(pos.byte..limit) else {
            return start;
        };
        if !(rest.starts_with('&') || rest.starts_with('!')) {
            break;
        }
        let mut in_comment = false;
        let mut in_token = true;
        let mut next = pos;
        for c in rest.chars() {
            if in_token {
                if c.is_whitespace() {
                    in_token = false;
                } else {
                    next.byte += c.len_utf8();
                    next.column += 1;
                    continue;
                }
            }
            match c {
                '\n' => {
                    in_comment = false;
                    next.line += 1;
                    next.column = 1;
                }
                '#' => in_comment = true,
                _ if in_comment || c.is_whitespace() => next.column += 1,
                _ => break,
            }
            next.byte += c.len_utf8();
        }
        if next.byte >= limit {
            // Nothing after the properties (an anchored empty value): keep saphyr's start.
            return start;
        }
        pos = next;
    }
    pos
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn parse_str(text: &str) -> Result<Node, ConfigError> {
        parse(Arc::new(SourceFile {
            path: PathBuf::from("t.yml"),
            text: text.to_owned(),
        }))
    }

    fn tree(text: &str) -> Node {
        match parse_str(text) {
            Ok(node) => node,
            Err(err) => panic!("{text:?} should parse: {err}"),
        }
    }

    fn err(text: &str) -> ConfigError {
        match parse_str(text) {
            Ok(node) => panic!("{text:?} should fail, got {node:?}"),
            Err(err) => err,
        }
    }

    fn scalar<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
        let mut node = node;
        for key in path {
            node = node.get(key)?;
        }
        node.as_scalar()
    }

    fn keys(node: &Node) -> Vec<&str> {
        match &node.kind {
            NodeKind::Map(entries) => entries.iter().map(|(k, _)| k.value.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn scalars_keep_their_text_and_yaml_1_2_meaning() {
        let root = tree("port: 22:22\non: yes\nn: 010\nq: \"x\\ty\"\nf: |\n  line\n");
        assert_eq!(scalar(&root, &["port"]), Some("22:22"));
        assert_eq!(scalar(&root, &["on"]), Some("yes"));
        assert_eq!(scalar(&root, &["n"]), Some("010"));
        assert_eq!(scalar(&root, &["q"]), Some("x\ty"));
        assert_eq!(scalar(&root, &["f"]), Some("line\n"));
    }

    #[test]
    fn plain_nulls_are_null_and_quoted_ones_are_strings() {
        let root =
            tree("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: 'null'\ng: \"~\"\nh: nULL\ni: !!str ~\n");
        for key in ["a", "b", "c", "d", "e"] {
            assert!(root.get(key).is_some_and(Node::is_null), "{key}");
        }
        assert_eq!(scalar(&root, &["f"]), Some("null"));
        assert_eq!(scalar(&root, &["g"]), Some("~"));
        assert_eq!(scalar(&root, &["h"]), Some("nULL"));
        assert_eq!(scalar(&root, &["i"]), Some("~"));
    }

    #[test]
    fn spans_point_at_values_with_one_based_line_and_column() {
        let root = tree("ops:\n  sessions:\n    web:\n      command: \"python app.py\"\n");
        let value = root
            .get("ops")
            .and_then(|n| n.get("sessions"))
            .and_then(|n| n.get("web"))
            .and_then(|n| n.get("command"))
            .expect("command present");
        assert_eq!((value.span.line, value.span.column), (4, 16));
        assert_eq!(value.span.text(), "\"python app.py\"");
        let (key, _) = root.entry("ops").expect("ops present");
        assert_eq!(
            (key.span.line, key.span.column, key.span.text()),
            (1, 1, "ops")
        );
        assert_eq!(value.span.to_string(), "t.yml:4:16");
    }

    #[test]
    fn columns_count_characters_and_offsets_count_bytes() {
        let root = tree("é: \"日本\"\nx: [ü, v]\n");
        let v = root.get("é").expect("key");
        assert_eq!((v.span.line, v.span.column), (1, 4));
        assert_eq!(v.span.text(), "\"日本\"");
        let NodeKind::Seq(items) = &root.get("x").expect("x").kind else {
            panic!("x is a list");
        };
        assert_eq!(items[1].span.text(), "v");
        assert_eq!(items[1].span.column, 8);
    }

    #[test]
    fn collection_spans_cover_the_collection() {
        let root = tree("a: [1, 2]\nb: {c: 1}\nd:\n  e: 1\n  f: 2\n# trailing comment\n");
        assert_eq!(root.get("a").expect("a").span.text(), "[1, 2]");
        assert_eq!(root.get("b").expect("b").span.text(), "{c: 1}");
        assert_eq!(root.get("d").expect("d").span.text(), "e: 1\n  f: 2");
    }

    #[test]
    fn anchors_and_aliases_copy_the_anchored_node() {
        let root =
            tree("base: &b\n  image: x\n  ports: [\"80\"]\nweb: *b\nname: &n web\nalias: *n\n");
        assert_eq!(
            root.get("web").map(|n| &n.kind),
            root.get("base").map(|n| &n.kind)
        );
        let web = root.get("web").expect("web");
        assert_eq!(web.span.text(), "*b", "the copy sits where the alias is");
        let image = web.get("image").expect("image");
        assert_eq!(image.span.line, 2, "children keep their own place");
        assert_eq!(scalar(&root, &["alias"]), Some("web"));
        let name = root.get("name").expect("name");
        assert_eq!(
            name.span.text(),
            "web",
            "the anchor is not part of the value"
        );
    }

    #[test]
    fn anchored_collections_start_at_their_content() {
        let root = tree("a: &x\n  b: 1\nc: &y [1]\n");
        assert_eq!(root.get("a").expect("a").span.text(), "b: 1");
        assert_eq!(root.get("c").expect("c").span.text(), "[1]");
    }

    #[test]
    fn merge_keys_fill_in_missing_keys_and_explicit_keys_win() {
        let root = tree(
            "base: &base\n  image: alpine\n  backend: container\nother: &o\n  image: debian\n  runtime: podman\n\
             web:\n  <<: *base\n  image: nginx\nboth:\n  <<: [*base, *o]\n",
        );
        let web = root.get("web").expect("web");
        assert_eq!(keys(web), ["backend", "image"]);
        assert_eq!(scalar(web, &["image"]), Some("nginx"));
        assert_eq!(scalar(web, &["backend"]), Some("container"));
        let both = root.get("both").expect("both");
        assert_eq!(keys(both), ["image", "backend", "runtime"]);
        assert_eq!(
            scalar(both, &["image"]),
            Some("alpine"),
            "earlier merge wins"
        );
        assert!(
            first_duplicate(match &web.kind {
                NodeKind::Map(e) => e,
                _ => panic!("map"),
            })
            .is_none()
        );
    }

    #[test]
    fn a_quoted_merge_key_is_an_ordinary_key() {
        let root = tree("a: &a {x: 1}\nb:\n  \"<<\": *a\n");
        assert_eq!(keys(root.get("b").expect("b")), ["<<"]);
    }

    #[test]
    fn merging_a_scalar_is_an_error() {
        let e = err("a: &a 1\nb:\n  <<: *a\n");
        assert!(e.message.contains("merge key"), "{e}");
        let e = err("a: &a {x: 1}\nb:\n  <<: [*a, 2]\n");
        assert!(e.message.contains("found a scalar"), "{e}");
    }

    #[test]
    fn duplicate_keys_are_kept_for_the_reader_to_judge() {
        let root = tree("a: 1\nb: 2\na: 3\n");
        let NodeKind::Map(entries) = &root.kind else {
            panic!("map");
        };
        assert_eq!(entries.len(), 3);
        let (first, second) = first_duplicate(entries).expect("a duplicate");
        assert_eq!((first.span.line, second.span.line), (1, 3));
        assert_eq!(scalar(&root, &["a"]), Some("3"), "get: last wins");
        let deduped = dedup_entries(entries.clone());
        assert_eq!(deduped.len(), 2);
        assert_eq!(deduped[0].0.value, "a");
        assert_eq!(deduped[0].1.as_scalar(), Some("3"));
    }

    #[test]
    fn empty_documents_are_empty_mappings() {
        for text in ["", "\n", "# only a comment\n", "---\n", "~\n", "---\n...\n"] {
            let root = tree(text);
            assert_eq!(root.kind, NodeKind::Map(Vec::new()), "{text:?}");
        }
    }

    #[test]
    fn a_top_level_list_is_returned_as_is() {
        assert!(matches!(tree("- a\n").kind, NodeKind::Seq(_)));
    }

    #[test]
    fn several_documents_are_an_error() {
        let e = err("a: 1\n---\nb: 2\n");
        assert!(e.message.contains("second"), "{e}");
        assert_eq!(e.location.as_ref().map(|s| s.line), Some(2));
    }

    #[test]
    fn non_scalar_keys_are_an_error() {
        let e = err("{a: 1}: 2\n");
        assert!(e.message.contains("keys must be scalars"), "{e}");
        let e = err("? [a, b]\n: 2\n");
        assert!(e.message.contains("found a list"), "{e}");
    }

    #[test]
    fn syntax_errors_point_at_the_parser_marker() {
        let e = err("a: [1, 2\nb: c\n");
        assert!(e.message.starts_with("invalid YAML:"), "{e}");
        assert!(e.to_string().starts_with("t.yml:2:"), "{e}");
        let e = err("a: *nope\n");
        assert!(e.to_string().starts_with("t.yml:1:"), "{e}");
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let e = err(&deep);
        assert!(e.message.contains("nested deeper"), "{e}");
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        tree(&ok);
        // Far past the limit, and past saphyr's own 255-level flow limit: still an error.
        for hostile in [
            "[".repeat(10_000),
            "{a: ".repeat(10_000),
            format!("{}x", "- ".repeat(10_000)),
            (0..200)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
        ] {
            assert!(parse_str(&hostile).is_err());
        }
    }

    #[test]
    fn billion_laughs_is_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let e = err(&text);
        assert!(e.message.contains("aliases expand"), "{e}");
    }

    #[test]
    fn from_offsets_computes_line_and_column() {
        let file = Arc::new(SourceFile {
            path: PathBuf::from("f.yml"),
            text: "ab\nçd: e\n".to_owned(),
        });
        let e_at = file.text.find('e').expect("e");
        let span = Span::from_offsets(file, e_at, e_at + 1);
        assert_eq!((span.line, span.column, span.text()), (2, 5, "e"));
    }
}
