//! Every event of the catalog has an API test that performs its trigger and checks its outbox row:
//! each catalog name must appear as an expected event in one of the API test files.

use kaiten_domain::catalog::CATALOG;

#[test]
fn every_catalog_event_is_asserted_by_an_api_test() -> anyhow::Result<()> {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let mut sources = String::new();
    for entry in std::fs::read_dir(directory)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.ends_with("_api.rs") {
            sources.push_str(&std::fs::read_to_string(&path)?);
        }
    }
    let missing: Vec<&str> =
        CATALOG.iter().map(|e| e.name).filter(|name| !sources.contains(&format!("\"{name}\""))).collect();
    assert!(missing.is_empty(), "events without an API test: {missing:?}");
    Ok(())
}
