//! Every valid combination of fields compiles and builds: each optional field
//! present and absent, for every grant of both operations, with every accepted
//! secret input type.

use ssooidc_token::{CreateToken, CreateTokenWithIam, ExposeSecret, SecretString, TokenType};
use zeroize::Zeroizing;

const ARN: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-2";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";

#[test]
fn iam_authorization_code_with_and_without_options() {
    let minimal = CreateTokenWithIam::authorization_code()
        .client_id(ARN)
        .code("c")
        .redirect_uri("https://a.example/cb")
        .build()
        .unwrap();
    assert!(minimal.code_verifier().is_none());
    assert!(minimal.scope().is_empty());

    let full = CreateTokenWithIam::authorization_code()
        .scope("openid")
        .code_verifier(VERIFIER)
        .redirect_uri("https://a.example/cb")
        .code("c")
        .client_id(ARN)
        .scopes(["aws", "sts:identity_context"])
        .build()
        .unwrap();
    assert_eq!(full.code_verifier().unwrap().expose_secret(), VERIFIER);
    assert_eq!(full.scope(), ["openid", "aws", "sts:identity_context"]);
    assert_eq!(full.code().expose_secret(), "c");
    assert_eq!(full.client_id(), ARN);
    assert_eq!(full.grant_type(), "authorization_code");
}

#[test]
fn iam_refresh_token_with_and_without_scope() {
    let minimal = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token("r")
        .build()
        .unwrap();
    assert_eq!(minimal.refresh_token().expose_secret(), "r");
    let scoped = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .scope("openid")
        .refresh_token("r")
        .build()
        .unwrap();
    assert_eq!(scoped.scope(), ["openid"]);
}

#[test]
fn iam_jwt_bearer_with_and_without_scope() {
    let minimal = CreateTokenWithIam::jwt_bearer()
        .client_id(ARN)
        .assertion(JWT)
        .build()
        .unwrap();
    assert_eq!(minimal.assertion().expose_secret(), JWT);
    let scoped = CreateTokenWithIam::jwt_bearer()
        .scopes(vec![String::from("aws")])
        .client_id(ARN)
        .assertion(JWT)
        .build()
        .unwrap();
    assert_eq!(scoped.scope(), ["aws"]);
}

#[test]
fn iam_token_exchange_with_and_without_options() {
    for subject_type in [
        TokenType::AccessToken,
        TokenType::RefreshToken,
        TokenType::AwsToken,
    ] {
        let minimal = CreateTokenWithIam::token_exchange()
            .client_id(ARN)
            .subject_token("t")
            .subject_token_type(subject_type.clone())
            .build()
            .unwrap();
        assert_eq!(minimal.subject_token_type(), &subject_type);
        assert!(minimal.requested_token_type().is_none());
        for requested in [
            TokenType::AccessToken,
            TokenType::RefreshToken,
            TokenType::AwsToken,
        ] {
            let full = CreateTokenWithIam::token_exchange()
                .requested_token_type(requested.clone())
                .scope("openid")
                .subject_token_type(subject_type.clone())
                .subject_token("t")
                .client_id(ARN)
                .build()
                .unwrap();
            assert_eq!(full.requested_token_type(), Some(&requested));
            assert_eq!(full.subject_token().expose_secret(), "t");
        }
    }
}

#[test]
fn public_grants_with_and_without_options() {
    let code = CreateToken::authorization_code()
        .client_id("id")
        .client_secret("s")
        .code("c")
        .redirect_uri("http://127.0.0.1:8400/cb")
        .build()
        .unwrap();
    assert!(code.code_verifier().is_none());
    assert_eq!(code.client_secret().expose_secret(), "s");
    let code = CreateToken::authorization_code()
        .client_id("id")
        .client_secret("s")
        .code("c")
        .redirect_uri("http://127.0.0.1:8400/cb")
        .code_verifier(VERIFIER)
        .scope("openid")
        .build()
        .unwrap();
    assert_eq!(code.redirect_uri(), "http://127.0.0.1:8400/cb");
    assert!(code.code_verifier().is_some());

    for scopes in [vec![], vec!["openid"]] {
        let device = CreateToken::device_code()
            .client_id("id")
            .client_secret("s")
            .device_code("d")
            .scopes(scopes.clone())
            .build()
            .unwrap();
        assert_eq!(device.device_code().expose_secret(), "d");
        assert_eq!(device.scope(), scopes.as_slice());
        let refresh = CreateToken::refresh_token()
            .client_id("id")
            .client_secret("s")
            .refresh_token("r")
            .scopes(scopes.clone())
            .build()
            .unwrap();
        assert_eq!(refresh.refresh_token().expose_secret(), "r");
    }
}

#[test]
fn every_secret_input_type_is_accepted() {
    let mut with_spare = String::with_capacity(64);
    with_spare.push_str("from-string-with-spare-capacity");
    let build = |token: CreateTokenWithIam<ssooidc_token::grant::RefreshToken>| {
        token.refresh_token().expose_secret().to_owned()
    };
    let from_str = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token("from-str")
        .build()
        .unwrap();
    let from_string = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token(with_spare)
        .build()
        .unwrap();
    let from_box = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token(Box::<str>::from("from-box"))
        .build()
        .unwrap();
    let from_secret = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token(SecretString::from("from-secret"))
        .build()
        .unwrap();
    let from_zeroizing = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token(Zeroizing::new(String::from("from-zeroizing")))
        .build()
        .unwrap();
    assert_eq!(build(from_str), "from-str");
    assert_eq!(build(from_string), "from-string-with-spare-capacity");
    assert_eq!(build(from_box), "from-box");
    assert_eq!(build(from_secret), "from-secret");
    assert_eq!(build(from_zeroizing), "from-zeroizing");
}
