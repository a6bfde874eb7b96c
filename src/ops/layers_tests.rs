//! The modules of `ops` depend one way: no two of them need each other, through any path.
//! A cycle is how "one way through the code" erodes (the log files once made config need
//! the backends through `error`); this test names the cycle when one appears.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The top-level modules of `ops` that each one names, tests left out.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&root).expect("under src/ops");
        let parts: Vec<&str> = relative.iter().filter_map(|p| p.to_str()).collect();
        let top = parts[0].trim_end_matches(".rs").to_owned();
        let name = parts[parts.len() - 1];
        if top == "mod" || name.ends_with("tests.rs") || parts.contains(&"replay") {
            continue;
        }
        let text = fs::read_to_string(file).expect("readable source");
        // What follows `#[cfg(test)]` is tests, which may reach anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        // `super::` means another top-level module only in a file directly under ops/ or
        // in a folder's mod.rs; deeper, it is a sibling inside the same module.
        let super_is_ops = parts.len() == 1 || name == "mod.rs";
        let deps = graph.entry(top.clone()).or_default();
        for prefix in ["crate::ops::", "super::"] {
            if prefix == "super::" && !super_is_ops {
                continue;
            }
            for (at, _) in code.match_indices(prefix) {
                for module in named(&code[at + prefix.len()..]) {
                    if module != top {
                        deps.insert(module);
                    }
                }
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|dep| modules.contains(dep));
    }
    graph
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The module names at the start of a path (`logs::X`) or of each item of a group
/// (`{logs::X, model::{A, B}}`).
fn named(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut names = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if c.is_whitespace() => {}
            _ if start && depth == 0 => {
                names.push(ident(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    names
}

/// A cycle through `from`, if there is one: the modules in order, `from` at both ends.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_owned(), vec![from.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((module, path)) = stack.pop() {
        for dep in graph.get(&module).into_iter().flatten() {
            if dep == from {
                let mut cycle = path.clone();
                cycle.push(from.to_owned());
                return Some(cycle);
            }
            if seen.insert(dep.clone()) {
                let mut next = path.clone();
                next.push(dep.clone());
                stack.push((dep.clone(), next));
            }
        }
    }
    None
}

#[test]
fn no_two_modules_need_each_other() {
    let graph = dependencies();
    assert!(graph.len() > 20, "the modules were found: {graph:?}");
    assert!(
        graph["config"].contains("spec") && graph["tmux"].contains("exec"),
        "the dependencies were read: {graph:?}"
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|module| cycle_through(&graph, module))
        .map(|cycle| cycle.join(" -> "))
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that need each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn groups_name_each_module() {
    assert_eq!(
        named("{logs::X, model::{A, B}, spec}"),
        ["logs", "model", "spec"]
    );
    assert_eq!(named("error::Result;"), ["error"]);
}
