//! What the API write's round trips to PostgreSQL cost: pgbench runs the API's two INSERTs in one
//! transaction at N clients, on the benchmark's own database, as the API sends them (`BEGIN`, INSERT,
//! INSERT, `END`: four round trips) and in pipeline mode (`\startpipeline`: two, then one), the
//! variants alternating for `rounds` rounds. With the cores saturated, the rates are inversely the CPU
//! each transaction costs, pgbench's own included.

use crate::api_write::{pgbench, pgbench_statements};
use crate::kaiten;
use crate::setup::Bench;

/// The same four statements sent in `trips` round trips.
fn script(organization: &str, trips: usize) -> String {
    let [begin, customer, event, end] = pgbench_statements(organization);
    let pipeline = |statements: &[&String]| {
        let body: String = statements.iter().map(|statement| statement.as_str()).collect();
        format!("\\startpipeline\n{body}\\endpipeline\n")
    };
    match trips {
        1 => pipeline(&[&begin, &customer, &event, &end]),
        2 => pipeline(&[&begin, &customer]) + &pipeline(&[&event, &end]),
        _ => [begin, customer, event, end].concat(),
    }
}

pub async fn run(kaiten_bin: &str, pgbench_bin: &str, clients: usize, seconds: u64, rounds: u32) -> anyhow::Result<()> {
    anyhow::ensure!(clients > 0 && seconds > 0 && rounds > 0, "--clients, --seconds and --rounds must be positive");
    let bench = Bench::new().await?;
    let organization = kaiten::org_create(kaiten_bin, &bench, "Bench").await?;
    let variants = [4, 2, 1];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for round in 1..=rounds {
        for (index, trips) in variants.iter().enumerate() {
            let script = script(&organization.id, *trips);
            let rate = pgbench(pgbench_bin, &bench.db.url, &script, "prepared", (clients, seconds)).await?;
            println!("round {round}, {trips} round trip(s) per transaction: {rate:.0} tps");
            rates[index].push(rate);
        }
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
    let sequential = mean(&rates[0]);
    println!("\nround trips per transaction   tps (mean)   ÷ 4 round trips");
    for (trips, values) in variants.iter().zip(&rates) {
        println!("{trips:>27}   {:>10.0}   {:>15.2}", mean(values), mean(values) / sequential);
    }
    Ok(())
}
