//! Building a request: this crate's typed builder and `build()` (content checks
//! and length measurement included) next to (c) `aws-sdk-ssooidc`'s
//! `CreateTokenWithIamInput::builder()...build()`, from the same owned inputs.

use aws_sdk_ssooidc::operation::create_token_with_iam::CreateTokenWithIamInput;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use ssooidc_token::{CreateTokenWithIam, TokenType};
use std::hint::black_box;

mod fixtures;
use fixtures::*;

fn benches(c: &mut Criterion) {
    let jwt = jwt();
    let mut g = c.benchmark_group("build/iam-token-exchange-1k");
    // Inputs are owned Strings made outside the timing, as a caller would hand them over.
    let inputs = || (ARN.to_owned(), jwt.clone(), SCOPES.map(str::to_owned));
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter_batched(
            inputs,
            |(id, token, scopes)| {
                CreateTokenWithIam::token_exchange()
                    .client_id(id)
                    .subject_token(token)
                    .subject_token_type(TokenType::AccessToken)
                    .requested_token_type(TokenType::RefreshToken)
                    .scopes(scopes)
                    .build()
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-c-aws-sdk"), |b| {
        b.iter_batched(
            inputs,
            |(id, token, scopes)| {
                CreateTokenWithIamInput::builder()
                    .client_id(id)
                    .grant_type("urn:ietf:params:oauth:grant-type:token-exchange")
                    .subject_token(token)
                    .subject_token_type(SUBJECT_TOKEN_TYPE)
                    .requested_token_type(REQUESTED_TOKEN_TYPE)
                    .set_scope(Some(scopes.into()))
                    .build()
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    let refresh = refresh_token();
    let mut g = c.benchmark_group("build/iam-refresh-token-1k");
    let inputs = || (ARN.to_owned(), refresh.clone());
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter_batched(
            inputs,
            |(id, token)| {
                CreateTokenWithIam::refresh_token()
                    .client_id(id)
                    .refresh_token(token)
                    .build()
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-c-aws-sdk"), |b| {
        b.iter_batched(
            inputs,
            |(id, token)| {
                CreateTokenWithIamInput::builder()
                    .client_id(id)
                    .grant_type("refresh_token")
                    .refresh_token(token)
                    .build()
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
    black_box(());
}

criterion_group!(construction, benches);
criterion_main!(construction);
