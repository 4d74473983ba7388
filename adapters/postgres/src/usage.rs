//! Rows of `instance_entitlement_usage`: the exact decimal aggregate of each (instance, entitlement),
//! read and written as `numeric` through its text form, so no value passes through a float.

use crate::errors::repo_error;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_domain::instance::UsageAggregate;
use kaiten_domain::quantity::Quantity;
use rust_decimal::Decimal;
use std::str::FromStr;
use uuid::Uuid;

#[derive(QueryableByName)]
struct AggregateRow {
    #[diesel(sql_type = SqlUuid)]
    entitlement_id: Uuid,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    value: String,
    #[diesel(sql_type = Text)]
    sum: String,
    #[diesel(sql_type = BigInt)]
    event_count: i64,
}

fn quantity(text: &str) -> Result<Quantity, RepoError> {
    Decimal::from_str(text)
        .map(Quantity::new)
        .map_err(|e| RepoError::Unexpected(format!("stored usage {text} is not a decimal: {e}")))
}

impl AggregateRow {
    fn aggregate(&self) -> Result<UsageAggregate, RepoError> {
        Ok(UsageAggregate { value: quantity(&self.value)?, sum: quantity(&self.sum)?, event_count: self.event_count })
    }
}

/// The aggregate of one (instance, entitlement), created at zero when missing, locked until the end
/// of the transaction: concurrent reports queue up on it.
pub(crate) async fn lock(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    instance_id: Uuid,
    entitlement_id: Uuid,
) -> Result<UsageAggregate, RepoError> {
    diesel::sql_query(
        "INSERT INTO instance_entitlement_usage \
           (instance_id, entitlement_id, organization_id, value, sum, event_count, updated_at) \
         VALUES ($1, $2, $3, 0, 0, 0, now()) ON CONFLICT DO NOTHING",
    )
    .bind::<SqlUuid, _>(instance_id)
    .bind::<SqlUuid, _>(entitlement_id)
    .bind::<SqlUuid, _>(organization_id)
    .execute(conn)
    .await
    .map_err(repo_error)?;
    let row: AggregateRow = diesel::sql_query(
        "SELECT u.entitlement_id, '' AS slug, u.value::text AS value, u.sum::text AS sum, u.event_count \
         FROM instance_entitlement_usage u \
         WHERE u.instance_id = $1 AND u.entitlement_id = $2 AND u.organization_id = $3 FOR UPDATE",
    )
    .bind::<SqlUuid, _>(instance_id)
    .bind::<SqlUuid, _>(entitlement_id)
    .bind::<SqlUuid, _>(organization_id)
    .get_result(conn)
    .await
    .map_err(repo_error)?;
    row.aggregate()
}

pub(crate) async fn store(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    instance_id: Uuid,
    entitlement_id: Uuid,
    aggregate: UsageAggregate,
) -> Result<(), RepoError> {
    let changed = diesel::sql_query(
        "UPDATE instance_entitlement_usage SET value = $4::numeric, sum = $5::numeric, event_count = $6, \
           updated_at = now() \
         WHERE instance_id = $1 AND entitlement_id = $2 AND organization_id = $3",
    )
    .bind::<SqlUuid, _>(instance_id)
    .bind::<SqlUuid, _>(entitlement_id)
    .bind::<SqlUuid, _>(organization_id)
    .bind::<Text, _>(aggregate.value.to_string())
    .bind::<Text, _>(aggregate.sum.to_string())
    .bind::<BigInt, _>(aggregate.event_count)
    .execute(conn)
    .await
    .map_err(repo_error)?;
    if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
}

/// The reported usage of each entitlement of the instance, by entitlement slug.
pub(crate) async fn of_instance(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    instance_id: Uuid,
) -> Result<Vec<(Uuid, String, UsageAggregate)>, RepoError> {
    let rows: Vec<AggregateRow> = diesel::sql_query(
        "SELECT u.entitlement_id, e.slug, u.value::text AS value, u.sum::text AS sum, u.event_count \
         FROM instance_entitlement_usage u JOIN entitlements e ON e.id = u.entitlement_id \
         WHERE u.instance_id = $1 AND u.organization_id = $2 AND u.event_count > 0 ORDER BY e.slug",
    )
    .bind::<SqlUuid, _>(instance_id)
    .bind::<SqlUuid, _>(organization_id)
    .load(conn)
    .await
    .map_err(repo_error)?;
    rows.into_iter().map(|row| Ok((row.entitlement_id, row.slug.clone(), row.aggregate()?))).collect()
}
