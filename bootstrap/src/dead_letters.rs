//! `kaiten dlq requeue`: both dead-letter queues back onto their work queues, with a progress bar on
//! stderr and the counts on stdout.

use crate::config::Config;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use kaiten_rabbitmq::DeadLetters;

pub async fn requeue(config: &Config, limit: Option<u64>) -> anyhow::Result<()> {
    let events = config.topology()?;
    let broker = config.broker()?;
    let deliveries = events.deliveries();
    let mut counts = serde_json::Map::new();
    let mut total = 0;
    for (what, topology) in [("events", events), ("deliveries", deliveries)] {
        let dead_letters = DeadLetters::new(broker.clone(), topology);
        let waiting = dead_letters.count().await.with_context(|| format!("the {what} dead-letter queue"))?;
        let bar = ProgressBar::new(limit.map_or(waiting, |limit| limit.min(waiting)));
        bar.set_style(
            ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what} ({{per_sec}})"))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let moved = dead_letters
            .requeue(limit, &|done| bar.set_position(done))
            .await
            .with_context(|| format!("moving the {what}"))?;
        bar.finish();
        total += moved;
        counts.insert(what.to_owned(), moved.into());
    }
    counts.insert("requeued".to_owned(), total.into());
    println!("{}", serde_json::Value::Object(counts));
    Ok(())
}
