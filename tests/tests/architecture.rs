//! The dependency rule, checked on the real dependency graph: `domain`, `application` and the
//! built-in delivery (`application/delivery`) reach no I/O crate, the inner layers depend on no
//! adapter, and no adapter crate depends on another adapter crate. Every crate named here must
//! exist, so a renamed crate fails the test instead of escaping it.

use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::process::Command;

const IO_CRATES: &[&str] = &[
    "diesel",
    "diesel-async",
    "diesel_migrations",
    "tokio-postgres",
    "pgwire-replication",
    "deadpool",
    "lapin",
    "svix",
    "axum",
    "hyper",
    "reqwest",
    "tower",
    "tokio",
    "mio",
    "socket2",
];

struct Graph {
    names: HashMap<String, String>,
    normal_deps: HashMap<String, Vec<String>>,
}

fn graph() -> anyhow::Result<Graph> {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output =
        Command::new(cargo).args(["metadata", "--format-version", "1", "--manifest-path", manifest]).output()?;
    anyhow::ensure!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let names = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?.to_owned(), p["name"].as_str()?.to_owned())))
        .collect();
    let mut normal_deps = HashMap::new();
    for node in metadata["resolve"]["nodes"].as_array().into_iter().flatten() {
        let id = node["id"].as_str().unwrap_or_default().to_owned();
        let deps = node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null()))
            .filter_map(|d| d["pkg"].as_str().map(str::to_owned))
            .collect();
        normal_deps.insert(id, deps);
    }
    Ok(Graph { names, normal_deps })
}

impl Graph {
    fn id_of(&self, name: &str) -> anyhow::Result<String> {
        self.names
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| id.clone())
            .ok_or_else(|| anyhow::anyhow!("no package {name}"))
    }

    fn reachable(&self, name: &str) -> anyhow::Result<BTreeSet<String>> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.id_of(name)?];
        while let Some(id) = stack.pop() {
            for dep in self.normal_deps.get(&id).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        Ok(seen.iter().filter_map(|id| self.names.get(id).cloned()).collect())
    }

    fn direct(&self, name: &str) -> anyhow::Result<BTreeSet<String>> {
        let id = self.id_of(name)?;
        Ok(self.normal_deps.get(&id).into_iter().flatten().filter_map(|d| self.names.get(d).cloned()).collect())
    }
}

/// The pure layers, innermost first.
const INNER_CRATES: &[&str] = &["kaiten-domain", "kaiten-contract", "kaiten-application", "kaiten-delivery"];
const ADAPTER_CRATES: &[&str] =
    &["kaiten-postgres", "kaiten-http", "kaiten-cdc", "kaiten-rabbitmq", "kaiten-svix", "kaiten-webhook-http"];

#[test]
fn the_inner_layers_reach_no_io_crate_and_no_adapter() -> anyhow::Result<()> {
    let graph = graph()?;
    for layer in INNER_CRATES {
        let reachable = graph.reachable(layer)?;
        let offending: Vec<_> = IO_CRATES.iter().filter(|c| reachable.contains(**c)).collect();
        assert!(offending.is_empty(), "{layer} depends on I/O crates {offending:?}");
        let adapters: Vec<_> = ADAPTER_CRATES.iter().filter(|c| reachable.contains(**c)).collect();
        assert!(adapters.is_empty(), "{layer} depends on adapter crates {adapters:?}");
    }
    let domain = graph.reachable("kaiten-domain")?;
    assert!(!domain.contains("kaiten-contract"), "the domain knows nothing of its wire form; the contract converts");
    assert!(!domain.contains("utoipa"), "the domain knows nothing of OpenAPI; the contract documents the wire");
    let application = graph.reachable("kaiten-application")?;
    assert!(!application.contains("kaiten-delivery"), "the use cases know the delivery backends only as ports");
    Ok(())
}

#[test]
fn adapters_do_not_depend_on_each_other() -> anyhow::Result<()> {
    let graph = graph()?;
    let adapters: Vec<String> =
        graph.names.values().filter(|name| ADAPTER_CRATES.contains(&name.as_str())).cloned().collect();
    assert_eq!(adapters.len(), ADAPTER_CRATES.len(), "every adapter crate was found: {adapters:?}");
    for adapter in &adapters {
        let direct = graph.direct(adapter)?;
        let others: Vec<_> = adapters.iter().filter(|other| *other != adapter && direct.contains(*other)).collect();
        assert!(others.is_empty(), "{adapter} depends on adapter crates {others:?}");
    }
    Ok(())
}
