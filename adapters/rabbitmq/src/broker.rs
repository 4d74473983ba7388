//! `Broker`: the RabbitMQ nodes a process may use (`KAITEN_AMQP_URL`, comma-separated), tried in
//! order. A connection goes to the first node that answers, starting with the one that answered
//! last, so a process stays on its node until that node fails and then moves on to the next; each
//! attempt is bounded in time, so a node that does not answer at all cannot hold the others up.
//! Callers keep their own backoff between rounds. Every node of one list must belong to the same
//! cluster (or be the same node): the queues are the cluster's, whichever node a process uses.

use kaiten_application::ports::event_bus::BusError;
use lapin::uri::AMQPUri;
use lapin::{Connection, ConnectionProperties};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long one node may take to accept a connection before the next is tried: shorter than the
/// readiness check's 3 s, so that a check reaches the next node even when the first one is silent.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

struct Node {
    uri: String,
    /// `host:port`, for logs and readiness (the URI may carry credentials).
    address: String,
}

/// The nodes of one broker (a single node or a cluster), shared by every connection of a process.
/// Its `Debug` shows the nodes' addresses only (the URLs carry credentials).
#[derive(Clone)]
pub struct Broker {
    nodes: Arc<[Node]>,
    /// The node that answered last: the first one tried next time.
    preferred: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Broker").field("nodes", &self.addresses()).finish()
    }
}

/// A connection and the node (`host:port`) it goes to.
pub struct BrokerConnection {
    pub connection: Connection,
    pub node: String,
}

impl Broker {
    /// The nodes of a comma-separated list of `amqp://` or `amqps://` URLs; an error names the first
    /// that does not parse.
    pub fn parse(list: &str) -> Result<Self, BrokerListError> {
        let nodes = list
            .split(',')
            .map(str::trim)
            .filter(|uri| !uri.is_empty())
            .map(|uri| {
                let parsed = AMQPUri::from_str(uri)
                    .map_err(|reason| BrokerListError::NotAnAmqpUrl { url: redact(uri), reason })?;
                let address = format!("{}:{}", parsed.authority.host, parsed.authority.port);
                Ok(Node { uri: uri.to_owned(), address })
            })
            .collect::<Result<Vec<_>, BrokerListError>>()?;
        if nodes.is_empty() {
            return Err(BrokerListError::Empty);
        }
        Ok(Self { nodes: nodes.into(), preferred: Arc::default() })
    }

    /// The `host:port` of every node, in the order given.
    pub fn addresses(&self) -> Vec<String> {
        self.nodes.iter().map(|node| node.address.clone()).collect()
    }

    /// Connects to the first node that answers, starting with the one that answered last; the error
    /// names every node and why it failed. A node that fails is passed over by the next call too,
    /// even if this one is cancelled (a readiness check's timeout) before it reaches the next node.
    pub async fn connect(&self, name: &str) -> Result<BrokerConnection, BusError> {
        let start = self.preferred.load(Ordering::Relaxed);
        let mut failures = Vec::new();
        for offset in 0..self.nodes.len() {
            let index = (start + offset) % self.nodes.len();
            let node = &self.nodes[index];
            let properties = ConnectionProperties::default().with_connection_name(name.into());
            match tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(&node.uri, properties)).await {
                Ok(Ok(connection)) => {
                    if index != start {
                        tracing::info!(node = %node.address, connection = name, "connected to another broker node");
                    }
                    self.preferred.store(index, Ordering::Relaxed);
                    return Ok(BrokerConnection { connection, node: node.address.clone() });
                }
                Ok(Err(error)) => failures.push(format!("{}: {error}", node.address)),
                Err(_) => failures.push(format!("{}: no answer within {CONNECT_TIMEOUT:?}", node.address)),
            }
            let next = (index + 1) % self.nodes.len();
            let _ = self.preferred.compare_exchange(index, next, Ordering::Relaxed, Ordering::Relaxed);
        }
        Err(BusError::Unavailable(format!("no broker node answers ({})", failures.join("; "))))
    }
}

/// Why a list of broker URLs does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokerListError {
    #[error("no broker URL")]
    Empty,
    /// `url` without its user and password.
    #[error("`{url}`: {reason}")]
    NotAnAmqpUrl { url: String, reason: String },
}

/// A list that does not parse still makes a `Broker` (tests and tools pass a known-good URL); its
/// connections fail with the parse error. `Config` checks the list with [`Broker::parse`] first.
impl From<&str> for Broker {
    fn from(list: &str) -> Self {
        Self::parse(list).unwrap_or_else(|error| {
            let node = Node { uri: list.to_owned(), address: format!("invalid broker URL ({error})") };
            Self { nodes: Arc::from(vec![node]), preferred: Arc::default() }
        })
    }
}

impl From<String> for Broker {
    fn from(list: String) -> Self {
        Self::from(list.as_str())
    }
}

/// The URI without its password.
fn redact(uri: &str) -> String {
    match (uri.find("://"), uri.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://***@{}", &uri[..scheme], &uri[at + 1..]),
        _ => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_names_each_node_by_host_and_port() -> Result<(), BrokerListError> {
        let broker = Broker::parse("amqp://guest:guest@127.0.0.1:5701/%2f, amqp://10.0.0.2, amqps://mq.example")?;
        assert_eq!(broker.addresses(), ["127.0.0.1:5701", "10.0.0.2:5672", "mq.example:5671"]);
        Ok(())
    }

    #[test]
    fn a_bad_url_is_named_without_its_password() {
        let error = Broker::parse("amqp://127.0.0.1,http://user:secret@elsewhere").err().map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(error.contains("http://***@elsewhere") && !error.contains("secret"), "{error}");
        assert_eq!(Broker::parse(" , ").err(), Some(BrokerListError::Empty));
    }

    #[tokio::test]
    async fn nodes_that_do_not_answer_are_passed_over_and_named() -> Result<(), BrokerListError> {
        // Ports 1 and 2 on loopback refuse at once; nothing listens there.
        let broker = Broker::parse("amqp://127.0.0.1:1,amqp://127.0.0.1:2")?;
        let error = broker.connect("test").await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("127.0.0.1:1:") && error.contains("127.0.0.1:2:"), "{error}");
        assert_eq!(format!("{broker:?}"), r#"Broker { nodes: ["127.0.0.1:1", "127.0.0.1:2"] }"#);
        Ok(())
    }
}
