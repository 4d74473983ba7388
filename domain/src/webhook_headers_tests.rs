use super::*;

fn input(name: &str, value: Option<&str>, secret: Option<bool>) -> EndpointHeaderInput {
    EndpointHeaderInput { name: name.into(), value: value.map(str::to_owned), secret }
}

fn locations(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.location.as_str()).collect()
}

#[test]
fn headers_are_secret_unless_marked_and_credentials_always() {
    let mut errors = Vec::new();
    let headers = parse_headers(
        &[input("X-Tenant", Some("acme"), Some(false)), input("X-Gateway-Key", Some("k"), None)],
        true,
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let views: Vec<EndpointHeaderView> = headers.iter().map(EndpointHeader::view).collect();
    assert_eq!(views[0], EndpointHeaderView { name: "X-Tenant".into(), value: Some("acme".into()), secret: false });
    assert_eq!(views[1], EndpointHeaderView { name: "X-Gateway-Key".into(), value: None, secret: true });

    let refused = parse_headers(&[input("authorization", Some("Bearer x"), Some(false))], true, &mut errors);
    assert_eq!(locations(&errors), vec!["body.headers[0].secret"]);
    assert!(refused[0].secret);
}

#[test]
fn reserved_names_bad_names_and_bad_values_are_refused_with_their_position() {
    let mut errors = Vec::new();
    parse_headers(
        &[
            input("Host", Some("x"), None),
            input("webhook-signature", Some("x"), None),
            input("Svix-Id", Some("x"), None),
            input("Content-Length", Some("1"), None),
            input("Connection", Some("close"), None),
            input("Bad Name", Some("x"), None),
            input("X-Line", Some("a\r\nInjected: yes"), None),
            input("X-Ok", Some("fine"), None),
            input("x-ok", Some("twice"), None),
            input("X-New", None, None),
        ],
        true,
        &mut errors,
    );
    assert_eq!(
        locations(&errors),
        vec![
            "body.headers[0].name",
            "body.headers[1].name",
            "body.headers[2].name",
            "body.headers[3].name",
            "body.headers[4].name",
            "body.headers[5].name",
            "body.headers[6].value",
            "body.headers[8].name",
            "body.headers[9].value",
        ]
    );
}

#[test]
fn at_most_twenty_headers() {
    let many: Vec<EndpointHeaderInput> = (0..21).map(|i| input(&format!("X-H{i}"), Some("v"), None)).collect();
    let mut errors = Vec::new();
    parse_headers(&many, true, &mut errors);
    assert_eq!(locations(&errors), vec!["body.headers"]);
    errors.clear();
    parse_headers(&many[..20], true, &mut errors);
    assert!(errors.is_empty());
}

#[test]
fn an_update_may_leave_values_out_to_keep_the_stored_ones() {
    let stored = vec![
        EndpointHeader { name: "X-Key".into(), value: Some("old".into()), secret: true },
        EndpointHeader { name: "X-Region".into(), value: Some("eu".into()), secret: false },
    ];
    let mut errors = Vec::new();
    let names = [
        input("x-key", None, Some(false)),
        input("X-Tenant", Some("acme"), Some(false)),
        input("X-Region", None, None),
    ];
    let asked = parse_headers(&names, false, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let kept = keep_stored_values(asked, &stored).unwrap_or_default();
    assert_eq!(
        kept.iter().map(|h| h.value.as_deref()).collect::<Vec<_>>(),
        vec![Some("old"), Some("acme"), Some("eu")]
    );
    let secrecy: Vec<bool> = kept.iter().map(|h| h.secret).collect();
    assert_eq!(secrecy, [true, false, false], "a kept value keeps its secrecy: never shown by a PUT without it");

    let unknown = parse_headers(&[input("X-Unknown", None, None)], false, &mut errors);
    assert_eq!(keep_stored_values(unknown, &stored), Err("X-Unknown".to_owned()));
}
