//! The OpenAPI 3.1 document: generated from the route annotations, with the bearer security scheme.

use crate::problem::{Problem, ProblemFieldError};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kaiten API",
        description = "Customers, licenses, entitlements, instances, deployment zones, releases and feature flags; \
                       every change is delivered to your webhooks. Authenticate with `Authorization: Bearer ksh_…`; \
                       each operation lists the scope it needs.",
    ),
    components(schemas(Problem, ProblemFieldError)),
    modifiers(&BearerAuth),
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("ksh_ token").build()),
        );
    }
}

/// The whole document, as served at `/api/openapi.json`.
pub fn api_document() -> utoipa::openapi::OpenApi {
    crate::routes::documented_routes().into_openapi()
}
