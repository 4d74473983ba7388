//! The wire contract, pinned: the OpenAPI document and, for every event, its `data` JSON Schema and
//! an example webhook body (in both spellings of its name) are checked in under `contract/`. A change
//! to either fails here with a diff of what changed; when the change is meant, `scripts/update-contract.sh`
//! rewrites the files, and the diff is reviewed with the change that caused it.

use kaiten_application::ports::webhooks::WebhookEvent;
use kaiten_contract::EventContract;
use kaiten_domain::{EventKind, EventNaming};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Set to rewrite the golden files instead of comparing with them.
const UPDATE_VARIABLE: &str = "KAITEN_UPDATE_CONTRACT";

fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../contract")
}

fn pretty(value: &Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// Compares `actual` with the golden file `relative` (or rewrites it); the mismatch, as a unified diff.
fn check(relative: &str, actual: &str) -> anyhow::Result<Option<String>> {
    let path = contract_dir().join(relative);
    if std::env::var_os(UPDATE_VARIABLE).is_some() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, actual)?;
        return Ok(None);
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return Ok(None);
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
    let shown = diff.unified_diff().context_radius(3).header(&format!("contract/{relative}"), "generated").to_string();
    Ok(Some(shown))
}

/// The events whose bodies carry `previousAttributes`.
fn is_update(kind: EventKind) -> bool {
    kind.carries_previous_attributes()
}

#[test]
fn every_example_body_fits_its_body_schema() -> anyhow::Result<()> {
    for kind in EventKind::all() {
        let contract = event_contract(kind);
        let validator =
            jsonschema::validator_for(&contract["bodySchema"]).map_err(|e| anyhow::anyhow!("{kind}: {e}"))?;
        for example in ["exampleBody", "exampleBodyCurrentNames"] {
            let errors: Vec<String> = validator.iter_errors(&contract[example]).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{kind} {example}: {errors:?}");
        }
    }
    Ok(())
}

fn event_contract(kind: EventKind) -> Value {
    let body = |naming| {
        let event = WebhookEvent {
            id: uuid::Uuid::from_u128(0x0191a5b2_0000_7000_8000_0000000000ee),
            organization_id: uuid::Uuid::from_u128(0x0191a5b2_0000_7000_8000_000000000001),
            kind,
            data: kind.example(),
            traceparent: None,
            naming,
            timestamp: chrono::DateTime::from_timestamp_millis(1_788_264_000_123).unwrap_or_default(),
            previous_attributes: is_update(kind).then(|| json!({})),
            customer: kaiten_domain::EventCustomer::of(kind, &kind.example()),
        };
        event.body()
    };
    json!({
        "name": kind.name(),
        "currentName": kind.current_name(),
        "type": kind.event_type(),
        "dataSchema": kind.data_schema(),
        "bodySchema": kind.body_schema(),
        "exampleBody": body(EventNaming::Classic),
        "exampleBodyCurrentNames": body(EventNaming::Current),
    })
}

#[test]
fn the_wire_contract_matches_the_golden_files() -> anyhow::Result<()> {
    let mut mismatches = Vec::new();
    let document = serde_json::to_value(kaiten_http::api_document(kaiten_http::Ingress::default()))?;
    mismatches.extend(check("openapi.json", &pretty(&document)?)?);
    let mut expected_files = vec![];
    for kind in EventKind::all() {
        let file = format!("events/{}.json", kind.name());
        mismatches.extend(check(&file, &pretty(&event_contract(kind))?)?);
        expected_files.push(format!("{}.json", kind.name()));
    }
    let mut present: Vec<String> = std::fs::read_dir(contract_dir().join("events"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    present.retain(|name| !expected_files.contains(name));
    for stray in present {
        mismatches.push(format!("contract/events/{stray}: no such event any more (delete the file)"));
    }
    assert!(
        mismatches.is_empty(),
        "the wire contract changed; if that is meant, run scripts/update-contract.sh and commit contract/ \
         with the change:\n\n{}",
        mismatches.join("\n")
    );
    Ok(())
}
