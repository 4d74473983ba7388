//! Settlements made at the same time, by any number of deliveries of this process, stored in one
//! statement ([`crate::group_commit`]): one commit for the batch instead of one per event. A batch
//! never holds two settlements of one (message, endpoint) (those go in a later round of the same
//! batch), and if a batched statement fails, each request of it is settled alone, so one bad request
//! never fails the others.

use crate::connection::PgPool;
use crate::group_commit::GroupCommit;
use crate::webhook_settlement;
use chrono::{DateTime, Utc};
use kaiten_application::RepoError;
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::Settlement;
use std::collections::HashSet;
use uuid::Uuid;

/// The most settlements of one request kind gathered into one batch.
const MAX_BATCH: usize = 128;

pub(crate) struct SettleRequest {
    settlements: Vec<Settlement>,
    cutoff: DateTime<Utc>,
}

type Answer = Result<Vec<EndpointId>, RepoError>;

pub(crate) struct SettleBatches {
    group: GroupCommit<SettleRequest, Answer>,
}

impl SettleBatches {
    pub(crate) fn new() -> Self {
        Self { group: GroupCommit::new(MAX_BATCH) }
    }

    /// Stores `settlements` with whatever else is being settled now; the endpoints it disabled.
    pub(crate) async fn settle(&self, pool: &PgPool, settlements: &[Settlement], cutoff: DateTime<Utc>) -> Answer {
        let request = SettleRequest { settlements: settlements.to_vec(), cutoff };
        self.group
            .submit(request, |batch| settle_batch(pool, batch))
            .await
            .unwrap_or_else(|_| Err(RepoError::Unavailable("the settling batch was interrupted".into())))
    }
}

async fn settle_batch(pool: &PgPool, batch: Vec<SettleRequest>) -> Vec<Answer> {
    let mut conn = match crate::connection::pooled(pool).await {
        Ok(conn) => conn,
        Err(error) => return batch.iter().map(|_| Err(error.clone())).collect(),
    };
    let mut answers: Vec<Option<Answer>> = batch.iter().map(|_| None).collect();
    for round in rounds(&batch) {
        let settlements: Vec<Settlement> = round.iter().flat_map(|&i| batch[i].settlements.iter().cloned()).collect();
        let cutoff = round.iter().map(|&i| batch[i].cutoff).min().unwrap_or_else(Utc::now);
        match webhook_settlement::settle(&mut conn, &settlements, cutoff).await {
            Ok(disabled) => {
                for &i in &round {
                    let own: HashSet<EndpointId> = batch[i].settlements.iter().map(|s| s.endpoint_id).collect();
                    answers[i] = Some(Ok(disabled.iter().copied().filter(|id| own.contains(id)).collect()));
                }
            }
            Err(_) if round.len() > 1 => {
                for &i in &round {
                    let alone = webhook_settlement::settle(&mut conn, &batch[i].settlements, batch[i].cutoff).await;
                    answers[i] = Some(alone);
                }
            }
            Err(error) => answers[round[0]] = Some(Err(error)),
        }
    }
    answers.into_iter().map(|answer| answer.unwrap_or(Err(RepoError::NotFound))).collect()
}

/// The batch's requests in rounds: each round holds each (message, endpoint) at most once.
fn rounds(batch: &[SettleRequest]) -> Vec<Vec<usize>> {
    type Delivery = (Uuid, Uuid);
    let mut rounds: Vec<(HashSet<Delivery>, Vec<usize>)> = Vec::new();
    for (i, request) in batch.iter().enumerate() {
        let keys: HashSet<Delivery> =
            request.settlements.iter().map(|s| (s.message_id, s.endpoint_id.as_uuid())).collect();
        match rounds.iter_mut().find(|(taken, _)| taken.is_disjoint(&keys)) {
            Some((taken, members)) => {
                taken.extend(keys);
                members.push(i);
            }
            None => rounds.push((keys, vec![i])),
        }
    }
    rounds.into_iter().map(|(_, members)| members).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaiten_delivery::ports::delivery::NextStep;

    fn request(pairs: &[(u128, u128)]) -> SettleRequest {
        let settlements = pairs
            .iter()
            .map(|&(message, endpoint)| Settlement {
                message_id: Uuid::from_u128(message),
                endpoint_id: EndpointId::new(Uuid::from_u128(endpoint)),
                lease: None,
                attempt: None,
                next: NextStep::Done,
            })
            .collect();
        SettleRequest { settlements, cutoff: Utc::now() }
    }

    #[test]
    fn a_delivery_settled_twice_at_once_goes_in_a_later_round() {
        let batch = [request(&[(1, 1), (1, 2)]), request(&[(2, 1)]), request(&[(1, 2)]), request(&[(3, 1)])];
        assert_eq!(rounds(&batch), [vec![0, 1, 3], vec![2]]);
    }
}
