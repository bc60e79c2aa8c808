//! `to_json()` for every grant of both operations, next to what a user would
//! otherwise write: (a) `serde_json::to_vec` of a plain `#[derive(Serialize)]`
//! struct of `&str`, (b) `serde_json::to_vec` of a `json!` value. Every measured
//! iteration also drops the body (ours wipes it on drop).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use serde::Serialize;
use ssooidc_token::{CreateToken, CreateTokenWithIam, ExposeSecret, TokenType};
use std::hint::black_box;

mod fixtures;
use fixtures::*;

/// Baseline (a): the plain struct a user would derive, with the SDK's key order.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Plain<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    assertion: Option<&'a str>,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_verifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_code: Option<&'a str>,
    grant_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requested_token_type: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    scope: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_token_type: Option<&'a str>,
}

/// Benches one grant: ours, baseline (a) and baseline (b), checking first that all
/// three write the same bytes.
fn group(
    c: &mut Criterion,
    name: &str,
    ours: &dyn Fn() -> ssooidc_token::JsonBody,
    plain: &Plain<'_>,
) {
    let value = serde_json::to_value(plain).unwrap();
    assert_eq!(
        ours().expose_secret(),
        serde_json::to_vec(plain).unwrap(),
        "{name}: bodies differ"
    );
    assert_eq!(
        ours().expose_secret(),
        serde_json::to_vec(&value).unwrap(),
        "{name}: json! differs"
    );
    let mut g = c.benchmark_group(format!("to_json/{name}"));
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| drop(black_box(ours())))
    });
    g.bench_function(
        BenchmarkId::from_parameter("baseline-a-serde-struct"),
        |b| b.iter(|| drop(black_box(serde_json::to_vec(black_box(plain)).unwrap()))),
    );
    g.bench_function(BenchmarkId::from_parameter("baseline-b-json-value"), |b| {
        b.iter(|| drop(black_box(serde_json::to_vec(black_box(&value)).unwrap())))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let (code, jwt, refresh, secret, device) = (
        code(),
        jwt(),
        refresh_token(),
        client_secret(),
        device_code(),
    );

    let r = CreateTokenWithIam::authorization_code()
        .client_id(ARN)
        .code(code.as_str())
        .redirect_uri(REDIRECT_URI)
        .code_verifier(VERIFIER)
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        client_id: ARN,
        code: Some(&code),
        code_verifier: Some(VERIFIER),
        grant_type: "authorization_code",
        redirect_uri: Some(REDIRECT_URI),
        scope: &SCOPES,
        ..Plain::default()
    };
    group(c, "iam-authorization-code-small", &|| r.to_json(), &plain);

    let r = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token(refresh.as_str())
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        client_id: ARN,
        grant_type: "refresh_token",
        refresh_token: Some(&refresh),
        scope: &SCOPES,
        ..Plain::default()
    };
    group(c, "iam-refresh-token-1k", &|| r.to_json(), &plain);

    let r = CreateTokenWithIam::jwt_bearer()
        .client_id(ARN)
        .assertion(jwt.as_str())
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        assertion: Some(&jwt),
        client_id: ARN,
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        scope: &SCOPES,
        ..Plain::default()
    };
    group(c, "iam-jwt-bearer-1k", &|| r.to_json(), &plain);

    let r = CreateTokenWithIam::token_exchange()
        .client_id(ARN)
        .subject_token(jwt.as_str())
        .subject_token_type(TokenType::AccessToken)
        .requested_token_type(TokenType::RefreshToken)
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        client_id: ARN,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        requested_token_type: Some(REQUESTED_TOKEN_TYPE),
        scope: &SCOPES,
        subject_token: Some(&jwt),
        subject_token_type: Some(SUBJECT_TOKEN_TYPE),
        ..Plain::default()
    };
    group(c, "iam-token-exchange-1k", &|| r.to_json(), &plain);

    let r = CreateToken::authorization_code()
        .client_id(CLIENT_ID)
        .client_secret(secret.as_str())
        .code(code.as_str())
        .redirect_uri(REDIRECT_URI)
        .code_verifier(VERIFIER)
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        client_id: CLIENT_ID,
        client_secret: Some(&secret),
        code: Some(&code),
        code_verifier: Some(VERIFIER),
        grant_type: "authorization_code",
        redirect_uri: Some(REDIRECT_URI),
        scope: &SCOPES,
        ..Plain::default()
    };
    group(c, "public-authorization-code-1k", &|| r.to_json(), &plain);

    let r = CreateToken::device_code()
        .client_id(CLIENT_ID)
        .client_secret(secret.as_str())
        .device_code(device.as_str())
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        client_id: CLIENT_ID,
        client_secret: Some(&secret),
        device_code: Some(&device),
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
        scope: &SCOPES,
        ..Plain::default()
    };
    group(c, "public-device-code-1k", &|| r.to_json(), &plain);

    let r = CreateToken::refresh_token()
        .client_id(CLIENT_ID)
        .client_secret(secret.as_str())
        .refresh_token(refresh.as_str())
        .scopes(SCOPES)
        .build()
        .unwrap();
    let plain = Plain {
        client_id: CLIENT_ID,
        client_secret: Some(&secret),
        grant_type: "refresh_token",
        refresh_token: Some(&refresh),
        scope: &SCOPES,
        ..Plain::default()
    };
    group(c, "public-refresh-token-1k", &|| r.to_json(), &plain);
}

criterion_group!(to_json, benches);
criterion_main!(to_json);
