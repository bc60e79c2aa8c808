//! The body `to_json()` writes is byte for byte the body `aws-sdk-ssooidc` sends
//! for the same request. The SDK itself is the reference: each case builds the
//! request with the SDK, captures the HTTP request it would send, and compares.

mod common;

use aws_sdk_ssooidc::operation::create_token::builders::CreateTokenFluentBuilder;
use aws_sdk_ssooidc::operation::create_token_with_iam::builders::CreateTokenWithIAMFluentBuilder;
use common::sdk::{block_on, Setup};
use ssooidc_token::{CreateToken, CreateTokenWithIam, ExposeSecret, TokenType};

fn sdk_client() -> (
    aws_sdk_ssooidc::Client,
    aws_smithy_http_client::test_util::CaptureRequestReceiver,
) {
    common::sdk::client(Setup::default())
}

/// The body the SDK sends for `CreateTokenWithIAM`.
fn sdk_iam(
    configure: impl FnOnce(CreateTokenWithIAMFluentBuilder) -> CreateTokenWithIAMFluentBuilder,
) -> Vec<u8> {
    let (client, receiver) = sdk_client();
    // The captured response is an empty 200; whether the SDK likes it does not matter.
    let _ = block_on(configure(client.create_token_with_iam()).send());
    let request = receiver.expect_request();
    assert_eq!(
        request.uri(),
        "https://oidc.us-east-1.amazonaws.com/token?aws_iam=t"
    );
    request.body().bytes().expect("in-memory body").to_vec()
}

/// The body the SDK sends for `CreateToken`.
fn sdk_public(
    configure: impl FnOnce(CreateTokenFluentBuilder) -> CreateTokenFluentBuilder,
) -> Vec<u8> {
    let (client, receiver) = sdk_client();
    let _ = block_on(configure(client.create_token()).send());
    let request = receiver.expect_request();
    assert_eq!(request.uri(), "https://oidc.us-east-1.amazonaws.com/token");
    request.body().bytes().expect("in-memory body").to_vec()
}

/// Compares our body with the SDK's, and checks that `json_len` and the serde
/// `Serialize` impl agree with it.
fn assert_same<R: serde::Serialize>(
    ours: &R,
    body: &ssooidc_token::JsonBody,
    json_len: usize,
    sdk: &[u8],
) {
    let ours_bytes = body.expose_secret();
    assert_eq!(
        String::from_utf8_lossy(ours_bytes),
        String::from_utf8_lossy(sdk),
        "body differs from aws-sdk-ssooidc"
    );
    assert_eq!(ours_bytes, sdk);
    assert_eq!(json_len, sdk.len());
    assert_eq!(
        serde_json::to_vec(ours).unwrap(),
        sdk,
        "serde::Serialize differs"
    );
}

const ARN: &str =
    "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222";

/// Strings that exercise every escaping rule: quotes, backslashes, the short
/// escapes, other control characters (as `\u00XX`), DEL, `/`, non-ASCII.
fn awkward() -> String {
    let mut s = String::from("q\"uo\\te/slash\u{8}\u{c}\n\r\t");
    for c in 0u8..0x20 {
        s.push(char::from(c));
    }
    s.push_str("\u{7f} é 日本 🦀 \u{2028}");
    s
}

/// A 4 KiB token mixing plain characters and ones that need escaping.
fn big() -> String {
    let unit = "abc\"d\\e/f\u{1}é-_.";
    let mut s = String::new();
    while s.len() < 4096 {
        s.push_str(unit);
    }
    s
}

fn secrets() -> Vec<String> {
    vec!["plain-secret-value".into(), awkward(), big()]
}

fn client_ids() -> Vec<String> {
    vec![ARN.into(), awkward()]
}

fn redirect_uris() -> Vec<String> {
    vec![
        "https://app.example.com/callback".into(),
        "com.example.app:/oauth2/cb?x=%221%22&y=%5C%C3%A9/".into(),
    ]
}

fn scope_sets() -> Vec<Vec<String>> {
    vec![
        vec![],
        vec!["openid".into()],
        vec!["openid".into(), "aws".into(), "sts:identity_context".into()],
        vec!["!#$%&'()*+,-./:;<=>?@[]^_`{|}~".into()],
    ]
}

fn verifiers() -> Vec<Option<String>> {
    vec![
        None,
        Some("a".repeat(43)),
        Some("AZaz09-._~".repeat(12) + "abcdefgh"),
    ]
}

fn jwts() -> Vec<String> {
    let part = |n: usize| {
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9-_"
            .chars()
            .cycle()
            .take(n)
            .collect::<String>()
    };
    vec![
        format!("{}.{}.{}", part(36), part(80), part(43)),
        format!("{}.{}.{}", part(100), part(1_000), part(342)),
        format!("{}..{}.{}.{}", part(40), part(22), part(300), part(22)),
    ]
}

fn token_types() -> [TokenType; 3] {
    [
        TokenType::AccessToken,
        TokenType::RefreshToken,
        TokenType::AwsToken,
    ]
}

#[test]
fn iam_authorization_code_matches_sdk() {
    for client_id in client_ids() {
        for code in secrets() {
            for redirect in redirect_uris() {
                for verifier in verifiers() {
                    for scopes in scope_sets() {
                        let built = CreateTokenWithIam::authorization_code()
                            .client_id(client_id.as_str())
                            .code(code.as_str())
                            .redirect_uri(redirect.as_str())
                            .scopes(scopes.iter().cloned());
                        let request = match &verifier {
                            Some(v) => built.code_verifier(v.as_str()).build(),
                            None => built.build(),
                        }
                        .unwrap();
                        let sdk = sdk_iam(|b| {
                            let b = b
                                .client_id(&client_id)
                                .grant_type("authorization_code")
                                .code(&code)
                                .redirect_uri(&redirect)
                                .set_code_verifier(verifier.clone());
                            scopes.iter().fold(b, |b, s| b.scope(s))
                        });
                        assert_same(&request, &request.to_json(), request.json_len(), &sdk);
                    }
                }
            }
        }
    }
}

#[test]
fn iam_refresh_token_matches_sdk() {
    for client_id in client_ids() {
        for token in secrets() {
            for scopes in scope_sets() {
                let request = CreateTokenWithIam::refresh_token()
                    .client_id(client_id.as_str())
                    .refresh_token(token.as_str())
                    .scopes(scopes.iter().cloned())
                    .build()
                    .unwrap();
                let sdk = sdk_iam(|b| {
                    let b = b
                        .client_id(&client_id)
                        .grant_type("refresh_token")
                        .refresh_token(&token);
                    scopes.iter().fold(b, |b, s| b.scope(s))
                });
                assert_same(&request, &request.to_json(), request.json_len(), &sdk);
            }
        }
    }
}

#[test]
fn iam_jwt_bearer_matches_sdk() {
    for client_id in client_ids() {
        for jwt in jwts() {
            for scopes in scope_sets() {
                let request = CreateTokenWithIam::jwt_bearer()
                    .client_id(client_id.as_str())
                    .assertion(jwt.as_str())
                    .scopes(scopes.iter().cloned())
                    .build()
                    .unwrap();
                let sdk = sdk_iam(|b| {
                    let b = b
                        .client_id(&client_id)
                        .grant_type("urn:ietf:params:oauth:grant-type:jwt-bearer")
                        .assertion(&jwt);
                    scopes.iter().fold(b, |b, s| b.scope(s))
                });
                assert_same(&request, &request.to_json(), request.json_len(), &sdk);
            }
        }
    }
}

#[test]
fn iam_token_exchange_matches_sdk() {
    for client_id in client_ids() {
        for token in secrets().iter().map(|t| format!("x{t}x")) {
            for subject_type in token_types() {
                let requested_types = std::iter::once(None).chain(token_types().map(Some));
                for requested in requested_types {
                    for scopes in scope_sets() {
                        let built = CreateTokenWithIam::token_exchange()
                            .client_id(client_id.as_str())
                            .subject_token(token.as_str())
                            .subject_token_type(subject_type.clone())
                            .scopes(scopes.iter().cloned());
                        let request = match &requested {
                            Some(t) => built.requested_token_type(t.clone()).build(),
                            None => built.build(),
                        }
                        .unwrap();
                        let sdk = sdk_iam(|b| {
                            let b = b
                                .client_id(&client_id)
                                .grant_type("urn:ietf:params:oauth:grant-type:token-exchange")
                                .subject_token(&token)
                                .subject_token_type(subject_type.as_str())
                                .set_requested_token_type(
                                    requested.as_ref().map(|t| t.as_str().to_owned()),
                                );
                            scopes.iter().fold(b, |b, s| b.scope(s))
                        });
                        assert_same(&request, &request.to_json(), request.json_len(), &sdk);
                    }
                }
            }
        }
    }
}

#[test]
fn public_authorization_code_matches_sdk() {
    for client_secret in secrets() {
        for code in secrets() {
            for redirect in redirect_uris() {
                for verifier in verifiers() {
                    let scopes = ["openid", "aws"];
                    let built = CreateToken::authorization_code()
                        .client_id("_yzkThXVzLWVhc3QtMQ")
                        .client_secret(client_secret.as_str())
                        .code(code.as_str())
                        .redirect_uri(redirect.as_str())
                        .scopes(scopes);
                    let request = match &verifier {
                        Some(v) => built.code_verifier(v.as_str()).build(),
                        None => built.build(),
                    }
                    .unwrap();
                    let sdk = sdk_public(|b| {
                        let b = b
                            .client_id("_yzkThXVzLWVhc3QtMQ")
                            .client_secret(&client_secret)
                            .grant_type("authorization_code")
                            .code(&code)
                            .redirect_uri(&redirect)
                            .set_code_verifier(verifier.clone());
                        scopes.iter().fold(b, |b, s| b.scope(*s))
                    });
                    assert_same(&request, &request.to_json(), request.json_len(), &sdk);
                }
            }
        }
    }
}

#[test]
fn public_device_code_matches_sdk() {
    for client_id in client_ids() {
        for client_secret in secrets() {
            for device_code in secrets() {
                for scopes in scope_sets() {
                    let request = CreateToken::device_code()
                        .client_id(client_id.as_str())
                        .client_secret(client_secret.as_str())
                        .device_code(device_code.as_str())
                        .scopes(scopes.iter().cloned())
                        .build()
                        .unwrap();
                    let sdk = sdk_public(|b| {
                        let b = b
                            .client_id(&client_id)
                            .client_secret(&client_secret)
                            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                            .device_code(&device_code);
                        scopes.iter().fold(b, |b, s| b.scope(s))
                    });
                    assert_same(&request, &request.to_json(), request.json_len(), &sdk);
                }
            }
        }
    }
}

#[test]
fn public_refresh_token_matches_sdk() {
    for client_secret in secrets() {
        for token in secrets() {
            for scopes in scope_sets() {
                let request = CreateToken::refresh_token()
                    .client_id(ARN)
                    .client_secret(client_secret.as_str())
                    .refresh_token(token.as_str())
                    .scopes(scopes.iter().cloned())
                    .build()
                    .unwrap();
                let sdk = sdk_public(|b| {
                    let b = b
                        .client_id(ARN)
                        .client_secret(&client_secret)
                        .grant_type("refresh_token")
                        .refresh_token(&token);
                    scopes.iter().fold(b, |b, s| b.scope(s))
                });
                assert_same(&request, &request.to_json(), request.json_len(), &sdk);
            }
        }
    }
}
