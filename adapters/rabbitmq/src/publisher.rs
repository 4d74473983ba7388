//! `LapinEventBus`: publishing with confirms on one channel. `ensure_topology` (and the readiness
//! check) connect; `publish` never does, so messages queued on a connection that broke are never
//! overtaken by later ones on a new connection: the caller sees the failure and starts again from a
//! known position.

use crate::broker::Broker;
use crate::topology::Topology;
use async_trait::async_trait;
use futures::FutureExt;
use kaiten_application::ports::event_bus::{BusError, EventBus, OutgoingMessage, PublishConfirmation};
use kaiten_application::ports::health::{NotReady, ReadinessCheck};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Confirmation, Connection};
use std::future::Future;
use std::task::{Context, Poll};
use tokio::sync::Mutex;

struct Session {
    // Kept open for as long as the channel is used.
    connection: Connection,
    channel: Channel,
    /// The broker node (`host:port`) the connection goes to.
    node: String,
}

pub struct LapinEventBus {
    broker: Broker,
    topology: Topology,
    session: Mutex<Option<Session>>,
}

fn unavailable(error: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(error.to_string())
}

impl LapinEventBus {
    pub fn new(broker: impl Into<Broker>, topology: Topology) -> Self {
        Self { broker: broker.into(), topology, session: Mutex::new(None) }
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The channel of the current session, without connecting.
    async fn current_channel(&self) -> Result<Channel, BusError> {
        match self.session.lock().await.as_ref() {
            Some(current) if current.channel.status().connected() => Ok(current.channel.clone()),
            _ => Err(BusError::Unavailable("no open broker connection (ensure_topology connects)".into())),
        }
    }

    /// The publishing channel, (re)connecting when there is none or it broke.
    pub(crate) async fn channel(&self) -> Result<Channel, BusError> {
        let mut session = self.session.lock().await;
        if let Some(current) = session.as_ref()
            && current.channel.status().connected()
        {
            return Ok(current.channel.clone());
        }
        let connected = self.broker.connect("kaiten-publisher").await?;
        let channel = connected.connection.create_channel().await.map_err(unavailable)?;
        channel.confirm_select(ConfirmSelectOptions::default()).await.map_err(unavailable)?;
        *session = Some(Session { connection: connected.connection, channel: channel.clone(), node: connected.node });
        Ok(channel)
    }

    /// The node (`host:port`) of the open connection, if there is one.
    pub async fn connected_node(&self) -> Option<String> {
        let session = self.session.lock().await;
        session.as_ref().filter(|current| current.channel.status().connected()).map(|current| current.node.clone())
    }

    /// Closes the current connection (`ensure_topology` opens a new one). Used to test recovery.
    pub async fn disconnect(&self) {
        if let Some(session) = self.session.lock().await.take() {
            let _ = session.connection.close(320, "closed by kaiten".into()).await;
        }
    }
}

#[async_trait]
impl EventBus for LapinEventBus {
    async fn ensure_topology(&self) -> Result<(), BusError> {
        let channel = self.channel().await?;
        self.topology.declare(&channel).await.map_err(unavailable)
    }

    async fn publish(&self, message: OutgoingMessage) -> Result<PublishConfirmation, BusError> {
        let channel = self.current_channel().await?;
        let mut headers = FieldTable::default();
        for (key, value) in &message.headers {
            headers.insert(key.as_str().into(), AMQPValue::LongString(LongString::from(value.as_str())));
        }
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_message_id(message.message_id.as_str().into())
            .with_content_type(message.content_type.into())
            .with_headers(headers);
        let confirmation =
            publish_queued(channel, &self.topology.exchange, message.body, properties).map_err(unavailable)?;
        Ok(async move { confirmed(confirmation.await.map_err(unavailable)?) }.boxed())
    }

    /// The work queue's ready messages (a passive declare on the publishing channel; the queue
    /// exists since `ensure_topology`, and if it was deleted since, the channel closes and the
    /// relay reconnects, declaring it again).
    async fn backlog(&self) -> Result<Option<u64>, BusError> {
        let channel = self.current_channel().await?;
        let options = QueueDeclareOptions { passive: true, ..Default::default() };
        let queue = channel
            .queue_declare(self.topology.queue.as_str().into(), options, FieldTable::default())
            .await
            .map_err(unavailable)?;
        Ok(Some(u64::from(queue.message_count())))
    }
}

/// Publishes one mandatory message to `exchange` on `channel` without waiting for the socket write,
/// and returns the future of the broker's confirmation (an error if the write failed).
///
/// `basic_publish` resolves only once lapin's I/O thread has written the frames, so awaiting it sends
/// one message per wake-up of that thread. Its first poll, though, takes the delivery tag and queues
/// the frames, in call order (lapin 4.12 awaits nothing before that; the version is pinned and
/// `tests/tests/publisher.rs` checks the order). So it is polled once here, with no waker (the returned
/// future registers its own), and the caller can queue the next message while this one is written.
pub fn publish_queued<B>(
    channel: Channel,
    exchange: &str,
    body: B,
    properties: BasicProperties,
) -> Result<impl Future<Output = Result<Confirmation, lapin::Error>> + Send + 'static, lapin::Error>
where
    B: AsRef<[u8]> + Send + 'static,
{
    let exchange: ShortString = exchange.into();
    let options = BasicPublishOptions { mandatory: true, ..Default::default() };
    let mut sending =
        Box::pin(async move { channel.basic_publish(exchange, "".into(), options, body.as_ref(), properties).await });
    let written = match sending.as_mut().poll(&mut Context::from_waker(futures::task::noop_waker_ref())) {
        Poll::Ready(result) => Some(result?),
        Poll::Pending => None,
    };
    Ok(async move {
        let confirm = match written {
            Some(confirm) => confirm,
            None => sending.await?,
        };
        confirm.await
    })
}

/// What the broker's answer to a mandatory, confirmed publish means.
pub(crate) fn confirmed(confirmation: Confirmation) -> Result<(), BusError> {
    match confirmation {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(returned)) => {
            Err(BusError::Refused(format!("unroutable: {} {}", returned.reply_code, returned.reply_text)))
        }
        Confirmation::Nack(_) => Err(BusError::Refused("the broker nacked the message".into())),
        Confirmation::NotRequested => Err(BusError::Refused("publisher confirms are not enabled".into())),
    }
}

/// The broker is ready when the publishing connection is up (or can be opened now to one of its
/// nodes); the detail names the node.
#[async_trait]
impl ReadinessCheck for LapinEventBus {
    fn name(&self) -> &'static str {
        "broker"
    }

    async fn check(&self) -> Result<(), NotReady> {
        self.channel().await.map(|_| ()).map_err(|e| NotReady::new(e.to_string()))
    }

    async fn detail(&self) -> Option<String> {
        self.connected_node().await.map(|node| format!("connected to {node}"))
    }
}
