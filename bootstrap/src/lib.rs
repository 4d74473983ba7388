//! The `kaiten` binary's library half: typed configuration (defaults, an optional file, `KAITEN_*`
//! environment variables, validated at start), the command line, and the wiring of every adapter
//! into one process with one shutdown signal. `main.rs` only parses the command line and calls in.

pub mod app;
pub mod cli;
pub mod config;
mod config_values;
pub mod dead_letters;
mod delivery_backend;
mod json_fields;
pub mod metrics;
pub mod pruning;
pub mod replay;
pub mod supervisor;
pub mod telemetry;

pub use app::{App, build};
pub use config::Config;
