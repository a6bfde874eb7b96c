//! Deep merge of config trees: how a later file (or an including file) overrides an
//! earlier one.

use std::collections::HashMap;

use super::error::ConfigError;
use super::yaml::{Node, NodeKind, dedup_entries};

/// Deepest level at which mappings are still merged key by key, as upstream's
/// `deep_merge`. Beyond it a config is either hostile or broken.
pub const MAX_MERGE_DEPTH: usize = 32;

/// `overlay` over `base`: mappings merge key by key, recursively; anything else (lists,
/// scalars, null, a mapping over a list) is replaced whole by the overlay. Keys keep the
/// position of their first appearance; each node keeps its own span, so a merged value
/// still knows which file declared it. A key repeated inside one mapping counts once,
/// with its last value.
pub(crate) fn merge(base: Node, overlay: Node) -> Result<Node, ConfigError> {
    merge_at(base, overlay, 0)
}

fn merge_at(base: Node, overlay: Node, depth: usize) -> Result<Node, ConfigError> {
    match (base.kind, overlay.kind) {
        (NodeKind::Map(base_entries), NodeKind::Map(overlay_entries)) => {
            if depth > MAX_MERGE_DEPTH {
                return Err(ConfigError::new(format!(
                    "mappings nested deeper than {MAX_MERGE_DEPTH} levels cannot be merged"
                ))
                .at(overlay.span));
            }
            let mut out = dedup_entries(base_entries);
            let mut index: HashMap<String, usize> = out
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.value.clone(), i))
                .collect();
            for (key, value) in dedup_entries(overlay_entries) {
                match index.get(&key.value) {
                    Some(&i) => {
                        // Take the old value out to merge it by value; the placeholder
                        // is overwritten on the next line.
                        let placeholder = Node {
                            kind: NodeKind::Null,
                            span: key.span.clone(),
                        };
                        let old = std::mem::replace(&mut out[i].1, placeholder);
                        out[i] = (key, merge_at(old, value, depth + 1)?);
                    }
                    None => {
                        index.insert(key.value.clone(), out.len());
                        out.push((key, value));
                    }
                }
            }
            Ok(Node {
                kind: NodeKind::Map(out),
                span: overlay.span,
            })
        }
        (_, kind) => Ok(Node {
            kind,
            span: overlay.span,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::ops::config::yaml::parse;
    use crate::ops::span::SourceFile;

    fn tree(name: &str, text: &str) -> Node {
        match parse(Arc::new(SourceFile {
            path: PathBuf::from(name),
            text: text.to_owned(),
        })) {
            Ok(node) => node,
            Err(err) => panic!("{err}"),
        }
    }

    fn merged(a: &str, b: &str) -> Node {
        match merge(tree("a.yml", a), tree("b.yml", b)) {
            Ok(node) => node,
            Err(err) => panic!("{err}"),
        }
    }

    fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
        path.iter().fold(node, |n, k| match n.get(k) {
            Some(next) => next,
            None => panic!("no {k}"),
        })
    }

    #[test]
    fn mappings_merge_key_by_key_and_values_keep_their_file() {
        let m = merged(
            "ops:\n  tmux_binary: tmux\n  sessions:\n    web: {image: a, ports: [\"1\"]}\n",
            "ops:\n  sessions:\n    web: {image: b}\n    db: {image: c}\n",
        );
        let web = at(&m, &["ops", "sessions", "web"]);
        assert_eq!(at(web, &["image"]).as_scalar(), Some("b"));
        assert_eq!(at(web, &["image"]).span.file.path, PathBuf::from("b.yml"));
        assert_eq!(at(web, &["ports"]).span.file.path, PathBuf::from("a.yml"));
        assert_eq!(at(&m, &["ops", "tmux_binary"]).as_scalar(), Some("tmux"));
        let NodeKind::Map(sessions) = &at(&m, &["ops", "sessions"]).kind else {
            panic!("map");
        };
        let names: Vec<_> = sessions.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(names, ["web", "db"], "first appearance order");
    }

    #[test]
    fn lists_scalars_and_nulls_are_replaced() {
        let m = merged(
            "a: [1, 2]\nb: x\nc: {d: 1}\ne: {f: 1}\n",
            "a: [3]\nb: ~\nc: 5\ne: ~\n",
        );
        let NodeKind::Seq(items) = &at(&m, &["a"]).kind else {
            panic!("list");
        };
        assert_eq!(items.len(), 1);
        assert!(at(&m, &["b"]).is_null());
        assert_eq!(at(&m, &["c"]).as_scalar(), Some("5"));
        assert!(at(&m, &["e"]).is_null());
    }

    #[test]
    fn repeated_keys_count_once_with_the_last_value() {
        let m = merged("a: {x: 1}\na: {y: 2}\n", "b: 1\nb: 2\n");
        assert!(at(&m, &["a"]).get("x").is_none());
        let NodeKind::Map(entries) = &m.kind else {
            panic!("map");
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(at(&m, &["b"]).as_scalar(), Some("2"));
    }

    #[test]
    fn merge_depth_is_limited() {
        let deep = |n: usize| format!("{}x{}", "{a: ".repeat(n), "}".repeat(n));
        let ok = merge(
            tree("a", &deep(MAX_MERGE_DEPTH)),
            tree("b", &deep(MAX_MERGE_DEPTH)),
        );
        assert!(ok.is_ok());
        let too_deep = merge(
            tree("a", &deep(MAX_MERGE_DEPTH + 2)),
            tree("b", &deep(MAX_MERGE_DEPTH + 2)),
        );
        assert!(too_deep.is_err_and(|e| e.message.contains("cannot be merged")));
    }
}
