//! No import circles inside a crate: for each crate of the workspace, the top-level modules and the
//! `crate::module` paths their files use form a graph without cycles (a module's own submodules
//! count as the module; doc comments and `//` comments are ignored). A circle means two files that
//! cannot be understood one without the other; the fix is a third module both can use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CRATE_SOURCES: &[&str] = &[
    "domain/src",
    "application/src",
    "application/delivery/src",
    "adapters/postgres/src",
    "adapters/http/src",
    "adapters/cdc/src",
    "adapters/rabbitmq/src",
    "adapters/svix/src",
    "adapters/webhook-http/src",
    "bootstrap/src",
    "bench/src",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, found)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
    Ok(())
}

/// Top-level module → the other top-level modules its files name as `crate::x`.
fn module_graph(sources: &Path) -> anyhow::Result<BTreeMap<String, BTreeSet<String>>> {
    let mut files = Vec::new();
    rust_files(sources, &mut files)?;
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(sources)?;
        let Some(first) = relative.components().next() else { continue };
        let module = first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let code: Vec<&str> = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect();
        let code = code.join("\n");
        let named = graph.entry(module.clone()).or_default();
        named.extend(modules_named(&code).into_iter().filter(|name| *name != module));
    }
    Ok(graph)
}

/// The modules `code` names as `crate::x` or inside `crate::{x, y::z, …}` (not `kaiten_x::…`).
fn modules_named(code: &str) -> BTreeSet<String> {
    let identifier = |text: &str| -> String {
        text.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        let mut candidates = Vec::new();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = 0usize;
            for (index, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        candidates.push(identifier(&group[start..index]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        candidates.push(identifier(&group[start..index]));
                        start = index + 1;
                    }
                    _ => {}
                }
            }
        } else {
            candidates.push(identifier(rest));
        }
        names.extend(candidates.into_iter().filter(|name| name.starts_with(|c: char| c.is_ascii_lowercase())));
    }
    names
}

/// One cycle of `graph`, if it has any.
fn a_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_an_import_circle_between_its_modules() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut circles = Vec::new();
    for sources in CRATE_SOURCES {
        let graph = module_graph(&root.join(sources))?;
        assert!(!graph.is_empty() || *sources == "adapters/svix/src", "no modules read in {sources}");
        if let Some(cycle) = a_cycle(&graph) {
            circles.push(format!("{sources}: {}", cycle.join(" → ")));
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
    Ok(())
}

#[test]
fn grouped_and_nested_paths_name_their_modules() {
    let code =
        "use crate::{RelayError, setup,\n    stream::{self, Lsn}};\nuse crate::relay::Relay;\nkaiten_crate::x();";
    let named: Vec<String> = modules_named(code).into_iter().collect();
    assert_eq!(named, ["relay", "setup", "stream"]);
}

#[test]
fn the_check_finds_a_circle_and_only_a_circle() {
    let edge = |from: &str, to: &[&str]| (from.to_owned(), to.iter().map(|t| (*t).to_owned()).collect());
    let circular: BTreeMap<String, BTreeSet<String>> =
        [edge("auth", &["routes"]), edge("routes", &["state", "auth"]), edge("state", &[])].into_iter().collect();
    let cycle = a_cycle(&circular).unwrap_or_default();
    assert_eq!(cycle, ["auth", "routes", "auth"]);
    let layered: BTreeMap<String, BTreeSet<String>> =
        [edge("auth", &["state"]), edge("routes", &["state", "auth"]), edge("state", &[])].into_iter().collect();
    assert_eq!(a_cycle(&layered), None);
}
