//! Unit tests of `ManageWebhooks` on mocked backends.

mod use_case {
    use super::super::*;
    use crate::error::{Conflict, RepoError};
    use crate::ports::webhook_management::{
        MockCustomerDirectory, MockRecoveryLog, MockResendLimiter, MockWebhookManagement,
    };
    use crate::use_cases::testing::caller_with;
    use futures::executor::block_on;

    fn endpoint(secret: &str) -> WebhookEndpoint {
        WebhookEndpoint {
            id: EndpointRef::new(Uuid::now_v7().to_string()),
            url: "https://hooks.example.com".into(),
            event_names: vec![],
            event_types: vec![],
            description: String::new(),
            disabled: false,
            customer_ids: vec![],
            include_organization_events: false,
            headers: vec![],
            deleted_customer_ids: vec![],
            rate_limit: None,
            signing_secret: secret.into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn use_case_on(backend: MockWebhookManagement) -> ManageWebhooks {
        let mut resends = MockResendLimiter::new();
        resends.expect_admit().returning(|_, _, _, _| Ok(None));
        let api = WebhookApi {
            management: Arc::new(backend),
            resends: Arc::new(resends),
            customers: Arc::new(MockCustomerDirectory::new()),
            recoveries: Arc::new(MockRecoveryLog::new()),
            policy: UrlPolicy::default(),
            limits: WebhookLimits::default(),
        };
        ManageWebhooks::new(api)
    }

    fn new_endpoint(url: &str) -> NewWebhookEndpoint {
        NewWebhookEndpoint {
            url: url.into(),
            event_names: None,
            event_types: None,
            description: None,
            disabled: None,
            customer_ids: None,
            include_organization_events: None,
            headers: None,
            rate_limit: None,
        }
    }

    #[test]
    fn scopes_are_enforced_before_the_backend_is_called() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().never();
        backend.expect_resend().never();
        let use_case = use_case_on(backend);
        let reader = caller_with(&["read:webhooks"]);
        let created = block_on(use_case.create(&reader, new_endpoint("https://hooks.example.com")));
        assert!(matches!(created, Err(UseCaseError::Forbidden(_))));
        let resent = block_on(use_case.resend(&reader, Uuid::now_v7(), None));
        assert!(matches!(resent, Err(UseCaseError::Forbidden(_))));
        let listed = block_on(use_case.list(&caller_with(&["read:customers"]), Page::default()));
        assert!(matches!(listed, Err(UseCaseError::Forbidden(_))));
    }

    #[test]
    fn a_forbidden_url_is_invalid_and_never_reaches_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().never();
        let use_case = use_case_on(backend);
        let result =
            block_on(use_case.create(&caller_with(&["write:webhooks"]), new_endpoint("https://192.168.0.10/")));
        assert!(matches!(result, Err(UseCaseError::Invalid(_))));
    }

    #[test]
    fn reads_mask_secrets_and_only_writers_see_them() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_list_endpoints().returning(|_, _| Ok(Paged::all(vec![endpoint("whsec_secretvalue9876")])));
        backend.expect_get_endpoint().returning(|_, _| Ok(Some(endpoint("whsec_secretvalue9876"))));
        let use_case = use_case_on(backend);
        let caller = caller_with(&["read:webhooks"]);
        let listed = block_on(use_case.list(&caller, Page::default())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(listed.items[0].signing_secret, "whsec_****9876");
        let one = block_on(use_case.get(&caller, &EndpointRef::new("x"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.signing_secret, "whsec_****9876");
        assert!(matches!(block_on(use_case.secret(&caller, &EndpointRef::new("x"))), Err(UseCaseError::Forbidden(_))));
        let writer = caller_with(&["write:webhooks"]);
        assert_eq!(block_on(use_case.secret(&writer, &EndpointRef::new("x"))), Ok("whsec_secretvalue9876".to_owned()));
    }

    #[test]
    fn backend_outcomes_map_to_not_found_and_conflict() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_get_endpoint().returning(|_, _| Ok(None));
        backend
            .expect_resend()
            .returning(|_, _, _| Err(RepoError::Conflict(Conflict::new("endpoint_disabled", "disabled"))));
        let use_case = use_case_on(backend);
        let caller = caller_with(&["write:webhooks"]);
        assert!(matches!(
            block_on(use_case.get(&caller, &EndpointRef::new("missing"))),
            Err(UseCaseError::NotFound(_))
        ));
        let resent = block_on(use_case.resend(&caller, Uuid::now_v7(), Some(EndpointRef::new("e"))));
        assert!(matches!(resent, Err(UseCaseError::Conflict(c)) if c.code == "endpoint_disabled"));
    }
}

mod limits {
    use super::super::*;
    use crate::ports::webhook_management::{
        MockCustomerDirectory, MockRecoveryLog, MockResendLimiter, MockWebhookManagement,
    };
    use crate::use_cases::testing::caller_with;
    use futures::executor::block_on;
    use std::time::Duration;

    #[test]
    fn a_resend_past_the_rate_is_refused_with_the_wait_and_never_reaches_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_resend().never();
        let mut resends = MockResendLimiter::new();
        resends
            .expect_admit()
            .withf(|_, _, limit, window| *limit == 2 && *window == Duration::from_secs(60))
            .returning(|_, _, _, _| Ok(Some(Duration::from_secs(42))));
        let use_case = ManageWebhooks::new(WebhookApi {
            management: Arc::new(backend),
            resends: Arc::new(resends),
            customers: Arc::new(MockCustomerDirectory::new()),
            recoveries: Arc::new(MockRecoveryLog::new()),
            policy: UrlPolicy::default(),
            limits: WebhookLimits { max_endpoints: 50, resends_per_minute: 2 },
        });
        let refused = block_on(use_case.resend(&caller_with(&["write:webhooks"]), Uuid::now_v7(), None));
        assert!(
            matches!(refused, Err(UseCaseError::TooManyRequests { retry_after, .. }) if retry_after == Duration::from_secs(42))
        );
    }

    #[test]
    fn the_endpoint_limit_is_handed_to_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().withf(|_, _, max| *max == 3).times(1).returning(|_, _, _| {
            Err(crate::error::RepoError::Invalid(crate::error::Conflict::new("too_many_endpoints", "at most 3")))
        });
        let use_case = ManageWebhooks::new(WebhookApi {
            management: Arc::new(backend),
            resends: Arc::new(MockResendLimiter::new()),
            customers: Arc::new(MockCustomerDirectory::new()),
            recoveries: Arc::new(MockRecoveryLog::new()),
            policy: UrlPolicy::default(),
            limits: WebhookLimits { max_endpoints: 3, resends_per_minute: 5 },
        });
        let endpoint = NewWebhookEndpoint {
            url: "https://hooks.example.com".into(),
            event_names: None,
            event_types: None,
            description: None,
            disabled: None,
            customer_ids: None,
            include_organization_events: None,
            headers: None,
            rate_limit: None,
        };
        let created = block_on(use_case.create(&caller_with(&["write:webhooks"]), endpoint));
        assert!(matches!(created, Err(UseCaseError::Invalid(errors)) if errors.0[0].location == "too_many_endpoints"));
    }
}
