//! `createdBy` / `updatedBy` as stored: an [`Actor`] in a jsonb column (`{"id", "name"}`).

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Jsonb;
use kaiten_domain::Actor;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Jsonb)]
pub(crate) struct ActorColumn(pub Actor);

impl From<&Actor> for ActorColumn {
    fn from(actor: &Actor) -> Self {
        Self(actor.clone())
    }
}

impl ToSql<Jsonb, Pg> for ActorColumn {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        let value = serde_json::to_value(&self.0)?;
        <Value as ToSql<Jsonb, Pg>>::to_sql(&value, &mut out.reborrow())
    }
}

impl FromSql<Jsonb, Pg> for ActorColumn {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let value = <Value as FromSql<Jsonb, Pg>>::from_sql(bytes)?;
        Ok(Self(serde_json::from_value(value)?))
    }
}
