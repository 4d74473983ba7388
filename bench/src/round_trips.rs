//! What the API write's round trips to PostgreSQL cost: pgbench runs the API's two INSERTs in one
//! transaction at N clients, on the benchmark's own database, as the API sends them (`BEGIN`, INSERT,
//! INSERT, `END`: four round trips), in pipeline mode (`\startpipeline`: two, then one), and as one
//! statement without a transaction block (the outbox INSERT as a data-modifying `WITH` of the
//! customer's: atomic, one round trip, no pipeline), the variants alternating for `rounds` rounds.
//! With the cores saturated, the rates are inversely the CPU each write costs, pgbench's own included.

use crate::api_write::{pgbench, pgbench_statements};
use crate::kaiten;
use crate::setup::Bench;

/// How the write is sent.
#[derive(Clone, Copy)]
enum Variant {
    /// The four statements in this many round trips.
    RoundTrips(usize),
    /// `WITH outbox_row AS (INSERT INTO outbox_events …) INSERT INTO customers …`, in autocommit.
    OneStatement,
}

impl Variant {
    fn label(self) -> String {
        match self {
            Self::RoundTrips(trips) => format!("{trips} round trip(s)"),
            Self::OneStatement => "one statement".to_owned(),
        }
    }

    fn script(self, organization: &str) -> String {
        let [begin, customer, event, end] = pgbench_statements(organization);
        let pipeline = |statements: &[&String]| {
            let body: String = statements.iter().map(|statement| statement.as_str()).collect();
            format!("\\startpipeline\n{body}\\endpipeline\n")
        };
        match self {
            Self::RoundTrips(1) => pipeline(&[&begin, &customer, &event, &end]),
            Self::RoundTrips(2) => pipeline(&[&begin, &customer]) + &pipeline(&[&event, &end]),
            Self::RoundTrips(_) => [begin, customer, event, end].concat(),
            Self::OneStatement => {
                format!("WITH outbox_row AS ({})\n{customer}", event.trim_end().trim_end_matches(';'))
            }
        }
    }
}

pub async fn run(kaiten_bin: &str, pgbench_bin: &str, clients: usize, seconds: u64, rounds: u32) -> anyhow::Result<()> {
    anyhow::ensure!(clients > 0 && seconds > 0 && rounds > 0, "--clients, --seconds and --rounds must be positive");
    let bench = Bench::new().await?;
    let organization = kaiten::org_create(kaiten_bin, &bench, "Bench").await?;
    let variants = [Variant::RoundTrips(4), Variant::RoundTrips(2), Variant::RoundTrips(1), Variant::OneStatement];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for round in 1..=rounds {
        for (index, variant) in variants.iter().enumerate() {
            let script = variant.script(&organization.id);
            let rate = pgbench(pgbench_bin, &bench.db.url, &script, "prepared", (clients, seconds)).await?;
            println!("round {round}, {}: {rate:.0} tps", variant.label());
            rates[index].push(rate);
        }
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
    let sequential = mean(&rates[0]);
    println!("\nthe write as          tps (mean)   ÷ 4 round trips");
    for (variant, values) in variants.iter().zip(&rates) {
        println!("{:<18}   {:>10.0}   {:>15.2}", variant.label(), mean(values), mean(values) / sequential);
    }
    Ok(())
}
