//! Group commit: calls of one kind made at the same time are gathered and run as one batch (one
//! statement, one commit) instead of one each. A caller queues its request and waits for the runner;
//! whoever holds the runner takes everything queued (up to a bound) and runs it, answering each
//! caller; a caller whose request was taken by another runner just receives its answer. Under no load
//! a batch is the one request, run at once; under load, batches grow while the previous one runs.

use std::future::Future;
use std::sync::Mutex;
use tokio::sync::oneshot;

type Queued<R, T> = (R, oneshot::Sender<T>);

pub(crate) struct GroupCommit<R, T> {
    queue: Mutex<Vec<Queued<R, T>>>,
    runner: tokio::sync::Mutex<()>,
    max_batch: usize,
}

/// Why a grouped call has no answer: the runner that took it was cancelled before answering.
#[derive(Debug)]
pub(crate) struct Interrupted;

impl<R, T> GroupCommit<R, T> {
    pub(crate) fn new(max_batch: usize) -> Self {
        Self { queue: Mutex::new(Vec::new()), runner: tokio::sync::Mutex::new(()), max_batch: max_batch.max(1) }
    }

    /// Runs `request` in a batch; `run` gets a batch and answers each of its requests, in order.
    pub(crate) async fn submit<F, Fut>(&self, request: R, run: F) -> Result<T, Interrupted>
    where
        F: Fn(Vec<R>) -> Fut,
        Fut: Future<Output = Vec<T>>,
    {
        let (answer, mut answered) = oneshot::channel();
        self.lock_queue().push((request, answer));
        loop {
            let _runner = self.runner.lock().await;
            match answered.try_recv() {
                Ok(answer) => return Ok(answer),
                Err(oneshot::error::TryRecvError::Closed) => return Err(Interrupted),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch: Vec<Queued<R, T>> = {
                let mut queue = self.lock_queue();
                let take = queue.len().min(self.max_batch);
                queue.drain(..take).collect()
            };
            let (requests, answers): (Vec<R>, Vec<oneshot::Sender<T>>) = batch.into_iter().unzip();
            let results = run(requests).await;
            for (answer, result) in answers.into_iter().zip(results) {
                // A caller that stopped waiting (cancelled) no longer needs its answer.
                let _ = answer.send(result);
            }
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<Queued<R, T>>> {
        // The queue is only pushed to and drained; a panic elsewhere cannot leave it inconsistent.
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_calls_share_batches_and_each_gets_its_own_answer() {
        let group = Arc::new(GroupCommit::<u32, u32>::new(8));
        let batches = Arc::new(AtomicUsize::new(0));
        let calls: Vec<_> = (0..40u32)
            .map(|n| {
                let (group, batches) = (group.clone(), batches.clone());
                tokio::spawn(async move {
                    group
                        .submit(n, |requests| {
                            let batches = batches.clone();
                            async move {
                                assert!(requests.len() <= 8, "a batch is bounded");
                                batches.fetch_add(1, Ordering::SeqCst);
                                tokio::task::yield_now().await;
                                requests.into_iter().map(|r| r * 10).collect()
                            }
                        })
                        .await
                })
            })
            .collect();
        for (n, call) in calls.into_iter().enumerate() {
            let answer = call.await.ok().and_then(Result::ok);
            assert_eq!(answer, Some(n as u32 * 10));
        }
        assert!(batches.load(Ordering::SeqCst) >= 5, "at most 8 per batch");
    }

    #[tokio::test]
    async fn a_lone_call_runs_at_once() {
        let group = GroupCommit::<u32, u32>::new(8);
        let answer = group.submit(7, |requests| async move { requests }).await;
        assert_eq!(answer.ok(), Some(7));
    }
}
