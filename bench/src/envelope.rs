//! The worker's envelope parser on the relay's message (the golden CloudEvent, a few kilobytes of which
//! are Debezium's schema), next to building the whole message as JSON values, which is what the parser
//! did before it skipped the schema. Both on one core, alternating, in the same run.

use crate::setup::RELAY_MESSAGE_FILE;
use kaiten_application::envelope::{Envelope, parse};
use std::hint::black_box;
use std::time::Instant;

pub fn run(iterations: usize, rounds: usize) -> anyhow::Result<()> {
    let message = std::fs::read(RELAY_MESSAGE_FILE)?;
    anyhow::ensure!(matches!(parse(&message), Ok(Envelope::Event(_))), "the golden message does not parse");
    println!("the relay's message: {} bytes; {iterations} parses per measurement", message.len());
    for round in 1..=rounds {
        let parser = per_parse(iterations, || parse(black_box(&message)).is_ok())?;
        let values =
            per_parse(iterations, || serde_json::from_slice::<serde_json::Value>(black_box(&message)).is_ok())?;
        println!(
            "round {round}: envelope::parse {parser:.2} µs; the whole message as JSON values {values:.2} µs ({:.0} %)",
            100.0 * parser / values
        );
    }
    Ok(())
}

/// Microseconds per call of `parse`, which must succeed every time.
fn per_parse(iterations: usize, parse: impl Fn() -> bool) -> anyhow::Result<f64> {
    let started = Instant::now();
    let parsed = (0..iterations).filter(|_| parse()).count();
    let elapsed = started.elapsed();
    anyhow::ensure!(parsed == iterations, "{} of {iterations} parses failed", iterations - parsed);
    Ok(elapsed.as_secs_f64() * 1e6 / iterations.max(1) as f64)
}
