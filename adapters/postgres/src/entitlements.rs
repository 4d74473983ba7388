//! How an entitlement is stored: its row (`PgScopedRepository<EntitlementRow>` is the repository).

use crate::actor_column::ActorColumn;
use crate::errors::repo_error;
use crate::schema::entitlements;
use crate::scoped::{ScopedRow, scoped_table};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_domain::Slug;
use kaiten_domain::entitlement::{AggregationMethod, Entitlement, EntitlementType, MeterType};
use kaiten_domain::entitlement::{EntitlementFields, ResetAnchor, ResetPeriod};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = entitlements, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub(crate) struct EntitlementRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    description: Option<String>,
    entitlement_type: String,
    meter_type: Option<String>,
    aggregation_method: Option<String>,
    #[diesel(embed)]
    fields: FieldsRow,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
}

/// The reset period, threshold, display and unit columns.
#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = entitlements, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub(crate) struct FieldsRow {
    reset_period: Option<String>,
    reset_anchor: Option<String>,
    warning_threshold_percent: Option<i32>,
    display_order: Option<i32>,
    icon: Option<String>,
    user_facing: bool,
    unit_singular: Option<String>,
    unit_plural: Option<String>,
    sale_unit_singular: Option<String>,
    sale_unit_plural: Option<String>,
    sale_unit_factor: Option<f64>,
}

impl FieldsRow {
    fn from_domain(f: &EntitlementFields) -> Self {
        Self {
            reset_period: f.reset_period.map(|p| p.as_str().to_owned()),
            reset_anchor: f.reset_anchor.map(|a| a.as_str().to_owned()),
            warning_threshold_percent: f.warning_threshold_percent,
            display_order: f.display_order,
            icon: f.icon.clone(),
            user_facing: f.user_facing,
            unit_singular: f.unit_singular.clone(),
            unit_plural: f.unit_plural.clone(),
            sale_unit_singular: f.sale_unit_singular.clone(),
            sale_unit_plural: f.sale_unit_plural.clone(),
            sale_unit_factor: f.sale_unit_factor,
        }
    }

    fn into_domain(self) -> Result<EntitlementFields, RepoError> {
        let reset_period = match self.reset_period.as_deref() {
            Some(p) => Some(ResetPeriod::from_code(p).ok_or_else(|| unexpected("reset period", p))?),
            None => None,
        };
        let reset_anchor = match self.reset_anchor.as_deref() {
            Some(a) => Some(ResetAnchor::from_code(a).ok_or_else(|| unexpected("reset anchor", a))?),
            None => None,
        };
        Ok(EntitlementFields {
            reset_period,
            reset_anchor,
            warning_threshold_percent: self.warning_threshold_percent,
            display_order: self.display_order,
            icon: self.icon,
            user_facing: self.user_facing,
            unit_singular: self.unit_singular,
            unit_plural: self.unit_plural,
            sale_unit_singular: self.sale_unit_singular,
            sale_unit_plural: self.sale_unit_plural,
            sale_unit_factor: self.sale_unit_factor,
        })
    }
}

fn unexpected(what: &str, value: &str) -> RepoError {
    RepoError::Unexpected(format!("stored {what} `{value}` is not valid"))
}

impl ScopedRow for EntitlementRow {
    type Entity = Entitlement;

    fn from_entity(e: &Entitlement) -> Result<Self, RepoError> {
        Ok(Self {
            id: e.id,
            organization_id: e.organization_id,
            name: e.name.clone(),
            slug: e.slug.to_string(),
            description: e.description.clone(),
            entitlement_type: e.entitlement_type.as_str().to_owned(),
            meter_type: e.meter_type.map(|m| m.as_str().to_owned()),
            aggregation_method: e.aggregation_method.map(|a| a.as_str().to_owned()),
            fields: FieldsRow::from_domain(&e.fields),
            created_at: e.created_at,
            created_by: ActorColumn::from(&e.created_by),
            updated_at: e.updated_at,
            updated_by: ActorColumn::from(&e.updated_by),
        })
    }

    fn into_entity(self) -> Result<Entitlement, RepoError> {
        let meter_type = match self.meter_type.as_deref() {
            Some(m) => Some(MeterType::from_code(m).ok_or_else(|| unexpected("meter type", m))?),
            None => None,
        };
        let aggregation_method = match self.aggregation_method.as_deref() {
            Some(a) => Some(AggregationMethod::from_code(a).ok_or_else(|| unexpected("aggregation method", a))?),
            None => None,
        };
        Ok(Entitlement {
            id: self.id,
            name: self.name,
            slug: Slug::parse(&self.slug).map_err(RepoError::from)?,
            description: self.description,
            entitlement_type: EntitlementType::from_code(&self.entitlement_type)
                .ok_or_else(|| unexpected("entitlement type", &self.entitlement_type))?,
            meter_type,
            aggregation_method,
            fields: self.fields.into_domain()?,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
            updated_at: self.updated_at,
            updated_by: self.updated_by.0,
        })
    }
}

scoped_table!(entitlements, EntitlementRow);
