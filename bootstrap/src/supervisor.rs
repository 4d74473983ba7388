//! The long-lived tasks of one process (relay, worker, scheduled deliveries, pruning, the operations
//! server) under one stop signal. A task that ends while the process is not stopping — an error, a
//! panic, or a loop that returned — is a fault: readiness turns 503 naming it at once, so load
//! balancers stop sending work, and after [`FAULT_DRAIN`] everything stops and the process exits with
//! an error, so that its supervisor (systemd, Kubernetes) restarts it.

use async_trait::async_trait;
use kaiten_application::ports::health::{NotReady, ReadinessCheck};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long a process with a failed task stays up, answering readiness with 503, before it stops.
pub const FAULT_DRAIN: Duration = Duration::from_secs(2);

#[derive(Clone, Default)]
pub struct Supervisor {
    stop: CancellationToken,
    /// "task: why" of every task that ended on its own.
    ended: Arc<Mutex<Vec<String>>>,
    watchers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Supervisor {
    /// The signal every task stops on.
    pub fn stop_signal(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Runs `task` until it ends; an end before the stop signal stops the process.
    pub fn spawn<F>(&self, name: &'static str, task: F)
    where
        F: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let running = tokio::spawn(task);
        let (stop, ended) = (self.stop.clone(), self.ended.clone());
        let watcher = tokio::spawn(async move {
            let reason = match running.await {
                Ok(Ok(())) if stop.is_cancelled() => return,
                Ok(Ok(())) => "it returned".to_owned(),
                Ok(Err(error)) => format!("{error:#}"),
                Err(join) if join.is_panic() => "it panicked".to_owned(),
                Err(join) => join.to_string(),
            };
            tracing::error!(task = name, %reason, "a long-lived task ended; the process stops");
            ended.lock().unwrap_or_else(PoisonError::into_inner).push(format!("{name} ended: {reason}"));
            tokio::select! {
                () = stop.cancelled() => {}
                () = tokio::time::sleep(FAULT_DRAIN) => stop.cancel(),
            }
        });
        self.watchers.lock().unwrap_or_else(PoisonError::into_inner).push(watcher);
    }

    /// Waits for every task to end (after the stop signal); `Err` names those that ended on their own.
    pub async fn join(&self) -> anyhow::Result<()> {
        self.stop.cancelled().await;
        let watchers = std::mem::take(&mut *self.watchers.lock().unwrap_or_else(PoisonError::into_inner));
        for watcher in watchers {
            let _ = watcher.await;
        }
        match self.failures().as_slice() {
            [] => Ok(()),
            failures => anyhow::bail!("{}", failures.join("; ")),
        }
    }

    fn failures(&self) -> Vec<String> {
        self.ended.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Readiness of the tasks: 503 once one ended.
    pub fn readiness(&self) -> Arc<dyn ReadinessCheck> {
        Arc::new(TasksReadiness(self.clone()))
    }
}

struct TasksReadiness(Supervisor);

#[async_trait]
impl ReadinessCheck for TasksReadiness {
    fn name(&self) -> &'static str {
        "tasks"
    }

    async fn check(&self) -> Result<(), NotReady> {
        match self.0.failures().as_slice() {
            [] => Ok(()),
            failures => Err(NotReady::new(failures.join("; "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_that_ends_on_its_own_stops_the_others_and_is_named() {
        let supervisor = Supervisor::default();
        let stop = supervisor.stop_signal();
        supervisor.spawn("waiter", async move {
            stop.cancelled().await;
            Ok(())
        });
        supervisor.spawn("crasher", async { anyhow::bail!("the broker said no") });
        let outcome = supervisor.join().await.map_err(|e| e.to_string());
        assert_eq!(outcome, Err("crasher ended: the broker said no".to_owned()));
        let readiness = supervisor.readiness().check().await;
        assert_eq!(readiness, Err(NotReady::new("crasher ended: the broker said no")));
    }

    #[tokio::test]
    async fn a_panic_is_a_fault_and_a_stop_is_not() {
        let supervisor = Supervisor::default();
        supervisor.spawn("panicker", async {
            let values: Vec<u8> = Vec::new();
            let _ = values[usize::from(values.is_empty())];
            Ok(())
        });
        assert!(supervisor.join().await.is_err_and(|e| e.to_string().contains("panicker ended: it panicked")));

        let calm = Supervisor::default();
        let stop = calm.stop_signal();
        calm.spawn("calm", async move {
            stop.cancelled().await;
            Ok(())
        });
        calm.stop_signal().cancel();
        assert!(calm.join().await.is_ok());
        assert_eq!(calm.readiness().check().await, Ok(()));
    }
}
