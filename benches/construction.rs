//! Building a request, for each of the 7 grants: this crate's typed builder and
//! `build()` (every content check, every secret moved into zeroizing memory)
//! next to (c) `aws-sdk-ssooidc`'s `CreateTokenWithIamInput` /
//! `CreateTokenInput` `builder()...build()`, from the same owned inputs.
//! Dropping the result is not timed, on either side: criterion's `iter_batched`
//! keeps a batch's outputs and drops them after the batch's clock stops (ours
//! would also wipe its secrets there).

use aws_sdk_ssooidc::operation::create_token::CreateTokenInput;
use aws_sdk_ssooidc::operation::create_token_with_iam::CreateTokenWithIamInput;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use ssooidc_token::{CreateToken, CreateTokenWithIam, TokenType};

mod fixtures;
use fixtures::*;

/// One group: `inputs` makes the owned values outside the timing; `ours` and
/// `sdk` take them by value, as a caller hands them over.
///
/// Each grant is measured twice. `build/`: criterion's usual batches, up to
/// tens of thousands of inputs (megabytes), made before the batch is timed,
/// so a value's bytes are mostly out of cache when `build()` reads them.
/// `build-hot/`: batches of [`HOT`] inputs, small enough to stay in cache,
/// as a value is that a caller has just received or decoded. The SDK's
/// builder reads no value's bytes, so only this crate's checks feel the
/// difference.
macro_rules! group {
    ($c:expr, $name:literal, $inputs:expr, |$i:pat_param| ours: $ours:expr, sdk: $sdk:expr $(,)?) => {{
        let inputs = $inputs;
        for (prefix, size) in [
            ("build/", BatchSize::SmallInput),
            ("build-hot/", BatchSize::NumIterations(HOT)),
        ] {
            let mut g = $c.benchmark_group(format!("{prefix}{}", $name));
            g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
                b.iter_batched(&inputs, |$i| $ours, size)
            });
            g.bench_function(BenchmarkId::from_parameter("baseline-c-aws-sdk"), |b| {
                b.iter_batched(&inputs, |$i| $sdk, size)
            });
            g.finish();
        }
    }};
}

/// Inputs per batch in the `build-hot/` groups: 32 of the largest (a 1 KB
/// token and a few short strings each) fill about 40 KB, within a core's
/// level-2 cache.
const HOT: u64 = 32;

fn scopes() -> [String; 3] {
    SCOPES.map(str::to_owned)
}

fn benches(c: &mut Criterion) {
    let (jwt, refresh, secret, code, device) = (
        jwt(),
        refresh_token(),
        client_secret(),
        code(),
        device_code(),
    );

    group!(c, "iam-authorization-code-small",
        || (ARN.to_owned(), code.clone(), REDIRECT_URI.to_owned(), VERIFIER.to_owned()),
        |(id, code, uri, verifier)|
        ours: CreateTokenWithIam::authorization_code()
            .client_id(id).code(code).redirect_uri(uri).code_verifier(verifier)
            .build().unwrap(),
        sdk: CreateTokenWithIamInput::builder()
            .client_id(id).grant_type("authorization_code").code(code)
            .redirect_uri(uri).code_verifier(verifier)
            .build().unwrap(),
    );
    group!(c, "iam-refresh-token-1k",
        || (ARN.to_owned(), refresh.clone()),
        |(id, token)|
        ours: CreateTokenWithIam::refresh_token().client_id(id).refresh_token(token)
            .build().unwrap(),
        sdk: CreateTokenWithIamInput::builder()
            .client_id(id).grant_type("refresh_token").refresh_token(token)
            .build().unwrap(),
    );
    group!(c, "iam-jwt-bearer-1k",
        || (ARN.to_owned(), jwt.clone(), scopes()),
        |(id, assertion, scopes)|
        ours: CreateTokenWithIam::jwt_bearer().client_id(id).assertion(assertion).scopes(scopes)
            .build().unwrap(),
        sdk: CreateTokenWithIamInput::builder()
            .client_id(id).grant_type("urn:ietf:params:oauth:grant-type:jwt-bearer")
            .assertion(assertion).set_scope(Some(scopes.into()))
            .build().unwrap(),
    );
    group!(c, "iam-token-exchange-1k",
        || (ARN.to_owned(), jwt.clone(), scopes()),
        |(id, token, scopes)|
        ours: CreateTokenWithIam::token_exchange()
            .client_id(id).subject_token(token)
            .subject_token_type(TokenType::AccessToken)
            .requested_token_type(TokenType::RefreshToken)
            .scopes(scopes)
            .build().unwrap(),
        sdk: CreateTokenWithIamInput::builder()
            .client_id(id).grant_type("urn:ietf:params:oauth:grant-type:token-exchange")
            .subject_token(token).subject_token_type(SUBJECT_TOKEN_TYPE)
            .requested_token_type(REQUESTED_TOKEN_TYPE).set_scope(Some(scopes.into()))
            .build().unwrap(),
    );
    group!(c, "public-authorization-code-1k",
        || (CLIENT_ID.to_owned(), secret.clone(), code.clone(), VERIFIER.to_owned()),
        |(id, secret, code, verifier)|
        ours: CreateToken::authorization_code()
            .client_id(id).client_secret(secret).code(code)
            .redirect_uri("http://127.0.0.1:8400/oauth/callback").code_verifier(verifier)
            .build().unwrap(),
        sdk: CreateTokenInput::builder()
            .client_id(id).client_secret(secret).grant_type("authorization_code").code(code)
            .redirect_uri("http://127.0.0.1:8400/oauth/callback").code_verifier(verifier)
            .build().unwrap(),
    );
    group!(c, "public-device-code-1k",
        || (CLIENT_ID.to_owned(), secret.clone(), device.clone()),
        |(id, secret, device)|
        ours: CreateToken::device_code().client_id(id).client_secret(secret).device_code(device)
            .build().unwrap(),
        sdk: CreateTokenInput::builder()
            .client_id(id).client_secret(secret)
            .grant_type("urn:ietf:params:oauth:grant-type:device_code").device_code(device)
            .build().unwrap(),
    );
    group!(c, "public-refresh-token-1k",
        || (CLIENT_ID.to_owned(), secret.clone(), refresh.clone()),
        |(id, secret, token)|
        ours: CreateToken::refresh_token().client_id(id).client_secret(secret).refresh_token(token)
            .build().unwrap(),
        sdk: CreateTokenInput::builder()
            .client_id(id).client_secret(secret).grant_type("refresh_token").refresh_token(token)
            .build().unwrap(),
    );
}

criterion_group!(construction, benches);
criterion_main!(construction);
