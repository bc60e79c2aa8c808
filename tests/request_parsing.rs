//! Request bodies parse back into typed requests under the builders' rules, and
//! every request the builders can make survives the round trip byte for byte.

use proptest::prelude::*;
use ssooidc_token::{
    AnyCreateToken, AnyCreateTokenWithIam, CreateToken, CreateTokenWithIam, ExposeSecret,
    ParseErrorKind, Rule, TokenType,
};

fn iam_err(body: &str) -> ssooidc_token::ParseError {
    AnyCreateTokenWithIam::from_json(body.as_bytes()).unwrap_err()
}

fn public_err(body: &str) -> ssooidc_token::ParseError {
    AnyCreateToken::from_json(body.as_bytes()).unwrap_err()
}

#[test]
fn every_iam_grant_parses_into_its_variant() {
    let body = r#"{"clientId":"c","code":"x","codeVerifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","grantType":"authorization_code","redirectUri":"https://a.example/cb","scope":["openid"]}"#;
    let AnyCreateTokenWithIam::AuthorizationCode(r) =
        AnyCreateTokenWithIam::from_json(body.as_bytes()).unwrap()
    else {
        panic!("authorization code")
    };
    assert_eq!(
        (r.client_id(), r.code().expose_secret(), r.redirect_uri()),
        ("c", "x", "https://a.example/cb")
    );
    assert_eq!(r.scope(), ["openid"]);

    // Members in any order, with whitespace and escapes.
    let body = "{ \"grantType\" : \"urn:ietf:params:oauth:grant-type:token-exchange\",\n \"subjectTokenType\":\"urn:ietf:params:oauth:token-type:access_token\", \"subjectToken\":\"t\\/1\", \"client\\u0049d\":\"c\", \"requestedTokenType\":\"urn:amazon:webservices:token\" }";
    let AnyCreateTokenWithIam::TokenExchange(r) =
        AnyCreateTokenWithIam::from_json(body.as_bytes()).unwrap()
    else {
        panic!("token exchange")
    };
    assert_eq!(r.subject_token().expose_secret(), "t/1");
    assert_eq!(r.requested_token_type(), Some(&TokenType::AwsToken));

    let any = AnyCreateTokenWithIam::from_json(
        br#"{"assertion":"a.b.c","clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:jwt-bearer"}"#,
    )
    .unwrap();
    assert!(matches!(any, AnyCreateTokenWithIam::JwtBearer(_)));
    assert_eq!(
        any.grant_type(),
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    let any = AnyCreateTokenWithIam::from_json(
        br#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r"}"#,
    )
    .unwrap();
    assert!(matches!(any, AnyCreateTokenWithIam::RefreshToken(_)));
}

#[test]
fn every_public_grant_parses_into_its_variant() {
    let any = AnyCreateToken::from_json(
        br#"{"clientId":"c","clientSecret":"s","code":"x","grantType":"authorization_code","redirectUri":"http://127.0.0.1/cb"}"#,
    )
    .unwrap();
    assert!(matches!(any, AnyCreateToken::AuthorizationCode(_)));
    let any = AnyCreateToken::from_json(
        br#"{"clientId":"c","clientSecret":"s","deviceCode":"d","grantType":"urn:ietf:params:oauth:grant-type:device_code"}"#,
    )
    .unwrap();
    let AnyCreateToken::DeviceCode(r) = any else {
        panic!("device code")
    };
    assert_eq!(r.device_code().expose_secret(), "d");
    let any = AnyCreateToken::from_json(
        br#"{"clientId":"c","clientSecret":"s","grantType":"refresh_token","refreshToken":"r"}"#,
    )
    .unwrap();
    assert!(matches!(any, AnyCreateToken::RefreshToken(_)));
}

#[test]
fn grant_type_must_be_present_known_and_of_this_operation() {
    let err = iam_err(r#"{"clientId":"c","refreshToken":"r"}"#);
    assert_eq!(err.to_string(), "missing member `grantType`");
    let err = iam_err(r#"{"clientId":"c","grantType":"password"}"#);
    assert_eq!(err.kind(), &ParseErrorKind::UnknownGrantType);
    assert!(!err.to_string().contains("password"));
    let err = iam_err(
        r#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"d"}"#,
    );
    assert_eq!(
        err.to_string(),
        "grantType `urn:ietf:params:oauth:grant-type:device_code` is a grant of CreateToken, not of this operation"
    );
    let err = public_err(
        r#"{"clientId":"c","clientSecret":"s","grantType":"urn:ietf:params:oauth:grant-type:token-exchange"}"#,
    );
    assert!(matches!(
        err.kind(),
        ParseErrorKind::WrongOperation {
            accepted_by: "CreateTokenWithIAM",
            ..
        }
    ));
    let err = public_err(
        r#"{"clientId":"c","clientSecret":"s","grantType":"urn:ietf:params:oauth:grant-type:jwt-bearer"}"#,
    );
    assert!(matches!(err.kind(), ParseErrorKind::WrongOperation { .. }));
}

#[test]
fn missing_required_members_name_the_member_and_grant() {
    for (body, text) in [
        (
            r#"{"grantType":"refresh_token","refreshToken":"r"}"#,
            "missing member `clientId`, required by the refresh-token grant",
        ),
        (
            r#"{"clientId":"c","grantType":"refresh_token"}"#,
            "missing member `refreshToken`, required by the refresh-token grant",
        ),
        (
            r#"{"clientId":"c","grantType":"authorization_code","code":"x"}"#,
            "missing member `redirectUri`, required by the authorization-code grant",
        ),
        (
            r#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:jwt-bearer"}"#,
            "missing member `assertion`, required by the JWT-bearer grant",
        ),
        (
            r#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","subjectToken":"t"}"#,
            "missing member `subjectTokenType`, required by the token-exchange grant",
        ),
    ] {
        assert_eq!(iam_err(body).to_string(), text);
    }
    assert_eq!(
        public_err(r#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r"}"#)
            .to_string(),
        "missing member `clientSecret`, required by the refresh-token grant"
    );
}

#[test]
fn members_of_other_grants_are_refused() {
    assert_eq!(
        iam_err(r#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","subjectToken":"t","subjectTokenType":"urn:ietf:params:oauth:token-type:access_token","refreshToken":"r"}"#)
            .to_string(),
        "refreshToken is not used by the token-exchange grant"
    );
    assert_eq!(
        iam_err(
            r#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r","clientSecret":"s"}"#
        )
        .to_string(),
        "clientSecret is not used by the refresh-token grant"
    );
    assert_eq!(
        iam_err(r#"{"clientId":"c","grantType":"authorization_code","code":"x","redirectUri":"https://a/b","requestedTokenType":"urn:ietf:params:oauth:token-type:access_token"}"#)
            .to_string(),
        "requestedTokenType is not used by the authorization-code grant"
    );
    assert_eq!(
        public_err(r#"{"clientId":"c","clientSecret":"s","grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"d","codeVerifier":"v"}"#)
            .to_string(),
        "codeVerifier is not used by the device-code grant"
    );
}

#[test]
fn unknown_and_duplicated_members_are_refused_without_echo() {
    let err = iam_err(
        r#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r","CANARYkey":"x"}"#,
    );
    assert_eq!(err.kind(), &ParseErrorKind::UnknownMember);
    assert_eq!(err.to_string(), "unknown member (at byte 63)");
    let err = iam_err(
        r#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r","refreshToken":"again"}"#,
    );
    assert_eq!(
        err.to_string(),
        "duplicate member `refreshToken` (at byte 63)"
    );
    let err = iam_err(
        r#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r","refresh\u0054oken":"again"}"#,
    );
    assert_eq!(err.kind(), &ParseErrorKind::Duplicate);
}

/// `"scope":[]`, which the SDK sends for an empty list, reads as no scope:
/// accepted, and `to_json` leaves the member out (as it does for every
/// request without a scope).
#[test]
fn an_empty_scope_list_reads_as_no_scope() {
    let body = r#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r","scope":[]}"#;
    let any = AnyCreateTokenWithIam::from_json(body.as_bytes()).unwrap();
    let AnyCreateTokenWithIam::RefreshToken(request) = any else {
        panic!("not a refresh-token request");
    };
    assert!(request.scope().is_empty());
    assert_eq!(
        ssooidc_token::ExposeSecret::expose_secret(&request.to_json()),
        br#"{"clientId":"c","grantType":"refresh_token","refreshToken":"r"}"#
    );
}

#[test]
fn content_rules_apply_as_in_build() {
    let err = iam_err(
        r#"{"clientId":"","code":"x","codeVerifier":"short","grantType":"authorization_code","redirectUri":"https://a/b#f","scope":["a b"]}"#,
    );
    let ParseErrorKind::Content(build) = err.kind() else {
        panic!("{err}")
    };
    let rules: Vec<_> = build
        .problems()
        .iter()
        .map(|p| (p.field(), *p.rule()))
        .collect();
    assert_eq!(
        rules,
        [
            ("client_id", Rule::Empty),
            ("redirect_uri", Rule::UriFragment),
            ("code_verifier", Rule::CodeVerifier),
            ("scope", Rule::ScopeToken),
        ]
    );
    let err = iam_err(
        r#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","subjectToken":"t","subjectTokenType":"urn:example:unknown"}"#,
    );
    assert!(matches!(err.kind(), ParseErrorKind::Content(_)));
    assert!(!err.to_string().contains("unknown"), "{err}");
    let err = iam_err(r#"{"clientId":"c","grantType":"refresh_token","refreshToken":7}"#);
    assert_eq!(
        err.to_string(),
        "member `refreshToken`: expected a string (at byte 59)"
    );
}

// ---- round trip over generated requests ----

/// Strings of every kind, awkward ones included.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._~-]{1,40}",
        any::<String>(),
        "[\"\\\\/\u{0}-\u{1f}\u{7f}é日🦀a]{1,30}",
    ]
    // `build()` refuses empty and whitespace-only values.
    .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn scopes() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[!#-\\[\\]-~]{1,20}", 0..4)
}

fn redirect_uri() -> impl Strategy<Value = String> {
    // RFC 3986 characters only (`%` with two hex digits); not a scheme that runs
    // in the browser, nor plain http (which public clients may use only to the
    // loopback interface).
    (
        "[a-z][a-z0-9+.-]{0,8}",
        "([A-Za-z0-9._~:/?@!$&'()*+,;=-]|%[0-9A-Fa-f]{2}){1,40}",
    )
        .prop_filter("a safe scheme", |(scheme, _)| {
            !["javascript", "data", "vbscript", "http"].contains(&scheme.as_str())
        })
        .prop_map(|(scheme, rest)| format!("{scheme}:{rest}"))
}

fn verifier() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[A-Za-z0-9._~-]{43,128}")
}

fn jwt() -> impl Strategy<Value = String> {
    let part = "[A-Za-z0-9_-]{0,60}";
    prop_oneof![
        ("[A-Za-z0-9_-]{1,60}", part, part).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
        ("[A-Za-z0-9_-]{1,60}", part, part, part, part)
            .prop_map(|(a, b, c, d, e)| format!("{a}.{b}.{c}.{d}.{e}")),
    ]
}

fn token_type() -> impl Strategy<Value = TokenType> {
    prop_oneof![
        Just(TokenType::AccessToken),
        Just(TokenType::RefreshToken),
        Just(TokenType::AwsToken)
    ]
}

fn iam_request() -> impl Strategy<Value = Vec<u8>> {
    let code =
        (text(), text(), redirect_uri(), verifier(), scopes()).prop_map(|(id, code, uri, v, s)| {
            let b = CreateTokenWithIam::authorization_code()
                .client_id(id)
                .code(code)
                .redirect_uri(uri)
                .scopes(s);
            let r = match v {
                Some(v) => b.code_verifier(v).build(),
                None => b.build(),
            };
            r.unwrap().to_json().expose_secret().to_vec()
        });
    let refresh = (text(), text(), scopes()).prop_map(|(id, t, s)| {
        let r = CreateTokenWithIam::refresh_token()
            .client_id(id)
            .refresh_token(t)
            .scopes(s)
            .build()
            .unwrap();
        r.to_json().expose_secret().to_vec()
    });
    let jwt = (text(), jwt(), scopes()).prop_map(|(id, a, s)| {
        let r = CreateTokenWithIam::jwt_bearer()
            .client_id(id)
            .assertion(a)
            .scopes(s)
            .build()
            .unwrap();
        r.to_json().expose_secret().to_vec()
    });
    let exchange = (
        text(),
        text(),
        token_type(),
        prop::option::of(token_type()),
        scopes(),
    )
        .prop_map(|(id, t, st, rt, s)| {
            let b = CreateTokenWithIam::token_exchange()
                .client_id(id)
                // A token has no white space around it (its own rule).
                .subject_token(format!("x{t}x"))
                .subject_token_type(st)
                .scopes(s);
            let r = match rt {
                Some(rt) => b.requested_token_type(rt).build(),
                None => b.build(),
            };
            r.unwrap().to_json().expose_secret().to_vec()
        });
    prop_oneof![code, refresh, jwt, exchange]
}

fn public_request() -> impl Strategy<Value = Vec<u8>> {
    let code = (text(), text(), text(), redirect_uri(), verifier(), scopes()).prop_map(
        |(id, sec, code, uri, v, s)| {
            let b = CreateToken::authorization_code()
                .client_id(id)
                .client_secret(sec)
                .code(code)
                .redirect_uri(uri)
                .scopes(s);
            let r = match v {
                Some(v) => b.code_verifier(v).build(),
                None => b.build(),
            };
            r.unwrap().to_json().expose_secret().to_vec()
        },
    );
    let device = (text(), text(), text(), scopes()).prop_map(|(id, sec, d, s)| {
        let r = CreateToken::device_code()
            .client_id(id)
            .client_secret(sec)
            .device_code(d)
            .scopes(s)
            .build()
            .unwrap();
        r.to_json().expose_secret().to_vec()
    });
    let refresh = (text(), text(), text(), scopes()).prop_map(|(id, sec, t, s)| {
        let r = CreateToken::refresh_token()
            .client_id(id)
            .client_secret(sec)
            .refresh_token(t)
            .scopes(s)
            .build()
            .unwrap();
        r.to_json().expose_secret().to_vec()
    });
    prop_oneof![code, device, refresh]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn iam_round_trip_is_byte_identical(body in iam_request()) {
        let parsed = AnyCreateTokenWithIam::from_json(&body).unwrap();
        let again = parsed.to_json();
        prop_assert_eq!(again.expose_secret(), body.as_slice());
    }

    #[test]
    fn public_round_trip_is_byte_identical(body in public_request()) {
        let parsed = AnyCreateToken::from_json(&body).unwrap();
        let again = parsed.to_json();
        prop_assert_eq!(again.expose_secret(), body.as_slice());
    }
}
