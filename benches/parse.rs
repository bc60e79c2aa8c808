//! Response parsing: `CreateTokenWithIamResponse::from_json` (secrets decoded into
//! zeroizing buffers, dropped and wiped in each iteration) next to
//! `serde_json::from_slice` into a plain struct of `String`s.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use serde::Deserialize;
use ssooidc_token::{CreateTokenWithIamResponse, TokenError};
use std::hint::black_box;

mod fixtures;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainResponse {
    access_token: String,
    token_type: Option<String>,
    expires_in: Option<i32>,
    refresh_token: Option<String>,
    id_token: Option<String>,
    issued_token_type: Option<String>,
    scope: Option<Vec<String>>,
    aws_additional_details: Option<PlainDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainDetails {
    identity_context: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainError {
    error: String,
    error_description: Option<String>,
}

fn benches(c: &mut Criterion) {
    let body = fixtures::iam_response();
    let body = body.as_bytes();
    let mut g = c.benchmark_group("parse/iam-response-1k");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| {
            drop(black_box(
                CreateTokenWithIamResponse::from_json(black_box(body)).unwrap(),
            ))
        })
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-struct"), |b| {
        b.iter(|| {
            drop(black_box(
                serde_json::from_slice::<PlainResponse>(black_box(body)).unwrap(),
            ))
        })
    });
    g.finish();

    let error = br#"{"error":"authorization_pending","error_description":"Authorization is still pending"}"#;
    let mut g = c.benchmark_group("parse/error-body");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| {
            drop(black_box(
                TokenError::from_json(400, black_box(error)).unwrap(),
            ))
        })
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-struct"), |b| {
        b.iter(|| {
            drop(black_box(
                serde_json::from_slice::<PlainError>(black_box(error)).unwrap(),
            ))
        })
    });
    g.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
