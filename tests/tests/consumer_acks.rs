//! The consumer's acknowledgements on the real RabbitMQ: settled messages are acknowledged together
//! (one `multiple` ack once the oldest is settled), never one still being handled, those settled
//! behind a message still handled soon after, and those settled before a stop at the stop.

use async_trait::async_trait;
use kaiten_application::ports::event_bus::{Disposition, EventBus, MessageHandler, OutgoingMessage};
use kaiten_rabbitmq::{LapinConsumer, LapinEventBus, Topology};
use kaiten_test_support::{BrokerCleanup, TestNames, amqp_url, wait_for};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_secs(30);

/// Records each body it handles, and each it finished; finishes `hold` only once `release` is notified.
#[derive(Default)]
struct Recorder {
    handled: Mutex<Vec<String>>,
    finished: Mutex<Vec<String>>,
    release: Notify,
}

impl Recorder {
    fn handled(&self) -> Vec<String> {
        self.handled.lock().map(|handled| handled.clone()).unwrap_or_default()
    }

    fn finished(&self) -> Vec<String> {
        self.finished.lock().map(|finished| finished.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl MessageHandler for Recorder {
    async fn handle(&self, body: &[u8]) -> Disposition {
        let body = String::from_utf8_lossy(body).into_owned();
        if let Ok(mut handled) = self.handled.lock() {
            handled.push(body.clone());
        }
        if body == "hold" {
            self.release.notified().await;
        }
        if let Ok(mut finished) = self.finished.lock() {
            finished.push(body);
        }
        Disposition::Ack
    }
}

/// Settled messages wait for an older one this long: longer than any of these tests.
const LONG_HOLD: Duration = Duration::from_secs(600);

fn start(topology: &Topology, handler: Arc<Recorder>, ack_hold: Duration) -> CancellationToken {
    let consumer = LapinConsumer::new(amqp_url(), topology.clone(), 16).with_ack_hold(ack_hold);
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move { consumer.run(handler, stop).await });
    shutdown
}

async fn publish(bus: &LapinEventBus, body: &str) -> anyhow::Result<()> {
    let message = OutgoingMessage {
        message_id: uuid::Uuid::now_v7().to_string(),
        content_type: "text/plain",
        body: body.as_bytes().to_vec(),
        headers: vec![],
    };
    bus.publish(message).await?.await?;
    Ok(())
}

/// A topology of its own, declared, with the bus that publishes to it.
async fn declared() -> anyhow::Result<(Topology, LapinEventBus, BrokerCleanup)> {
    kaiten::telemetry::init_for_tests();
    let names = TestNames::new();
    let cleanup = BrokerCleanup::for_names(&names);
    let topology = Topology::new(&names.exchange, &names.queue);
    let bus = LapinEventBus::new(amqp_url(), topology.clone());
    bus.ensure_topology().await?;
    Ok((topology, bus, cleanup))
}

async fn until_handled(recorder: &Recorder, count: usize) -> anyhow::Result<()> {
    wait_for(DEADLINE, || async { Ok((recorder.handled().len() >= count).then_some(())) }).await
}

#[tokio::test]
async fn only_the_message_still_handled_at_a_stop_comes_back() -> anyhow::Result<()> {
    let (topology, bus, _cleanup) = declared().await?;

    let first = Arc::new(Recorder::default());
    let shutdown = start(&topology, first.clone(), LONG_HOLD);
    let bodies = ["hold", "a", "b", "c", "d", "e"];
    for body in bodies {
        publish(&bus, body).await?;
    }
    until_handled(&first, bodies.len()).await?;
    wait_for(DEADLINE, || async { Ok((first.finished().len() == bodies.len() - 1).then_some(())) }).await?;
    // "a" … "e" are settled behind "hold", still being handled: no ack may cover "hold", and with the
    // long hold only the stop acknowledges them.
    shutdown.cancel();

    let second = Arc::new(Recorder::default());
    let _second = start(&topology, second.clone(), LONG_HOLD);
    until_handled(&second, 1).await?;
    second.release.notify_one();
    publish(&bus, "end").await?;
    until_handled(&second, 2).await?;
    assert_eq!(
        second.handled(),
        ["hold", "end"],
        "the settled messages were acknowledged at the stop; the one still handled came back"
    );
    Ok(())
}

#[tokio::test]
async fn messages_settled_behind_one_still_handled_are_acknowledged_while_it_waits() -> anyhow::Result<()> {
    let (topology, bus, _cleanup) = declared().await?;

    // Prefetch 16: with "hold" taking one place, 40 more can flow only if the others' acks are sent
    // while it is still being handled.
    let recorder = Arc::new(Recorder::default());
    let _shutdown = start(&topology, recorder.clone(), Duration::from_millis(20));
    publish(&bus, "hold").await?;
    for n in 0..40 {
        publish(&bus, &n.to_string()).await?;
    }
    until_handled(&recorder, 41).await?;
    recorder.release.notify_one();
    Ok(())
}

#[tokio::test]
async fn once_the_oldest_is_settled_one_multiple_ack_covers_the_messages_settled_behind_it() -> anyhow::Result<()> {
    let (topology, bus, _cleanup) = declared().await?;
    let first = Arc::new(Recorder::default());
    let shutdown = start(&topology, first.clone(), LONG_HOLD);
    let bodies = ["hold", "a", "b", "c"];
    for body in bodies {
        publish(&bus, body).await?;
    }
    until_handled(&first, bodies.len()).await?;
    first.release.notify_one();
    wait_for(DEADLINE, || async { Ok((first.finished().len() == bodies.len()).then_some(())) }).await?;
    shutdown.cancel();

    let second = Arc::new(Recorder::default());
    let _second = start(&topology, second.clone(), LONG_HOLD);
    publish(&bus, "end").await?;
    until_handled(&second, 1).await?;
    assert_eq!(second.handled(), ["end"], "every message was acknowledged, none twice (which closes the channel)");
    Ok(())
}
