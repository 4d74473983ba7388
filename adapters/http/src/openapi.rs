//! The OpenAPI 3.1 document: generated from the route annotations, with the bearer security scheme.

use crate::problem::{Problem, ProblemFieldError};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

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
        // The Dapr sidecar's `APP_API_TOKEN`, on the Dapr ingress only.
        components.add_security_scheme(
            "daprApiToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(crate::state::DAPR_TOKEN_HEADER))),
        );
    }
}

/// Completes the merged document: problem responses are `application/problem+json`, and every
/// operation with query parameters documents the 400 of an unparsable query string.
pub(crate) fn finish(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{RefOr, ResponseBuilder};
    let problem = || {
        utoipa::openapi::ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem"))))
            .build()
    };
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for response in operation.responses.responses.values_mut() {
                let RefOr::T(response) = response else { continue };
                let is_problem = response.content.get("application/json").is_some_and(|content| {
                    matches!(content, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
                });
                if is_problem && let Some(content) = response.content.shift_remove("application/json") {
                    response.content.insert("application/problem+json".into(), content);
                }
            }
            let has_query = operation
                .parameters
                .iter()
                .flatten()
                .any(|parameter| matches!(parameter, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
            if has_query && !operation.responses.responses.contains_key("400") {
                let bad_query = ResponseBuilder::new()
                    .description("The query string cannot be parsed")
                    .content("application/problem+json", problem())
                    .build();
                operation.responses.responses.insert("400".into(), RefOr::T(bad_query));
            }
        }
    }
}
