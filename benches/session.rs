//! The jobs that keep a session, each next to its closest peer in the same run:
//!
//! - `cache/store`, `cache/load`: a full SSO token file (every member, 1 KB
//!   tokens) through `TokenCache` against `serde_json` + `std::fs` with a plain
//!   struct of `String`s, written the same durable way (a temporary file,
//!   `sync_all`, rename, and on Unix `sync_all` of the directory so that the
//!   rename survives a crash), read with `std::fs::read`;
//! - `credentials/provide-cached`: `provide_credentials()` on an
//!   `IdentityEnhancedCredentials` session whose credentials are fresh (the
//!   path every SDK call takes between refreshes) against
//!   `aws-credential-types`' static `Credentials` provider.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use serde::{Deserialize, Serialize};
use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};

mod fixtures;
use fixtures::*;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainToken {
    start_url: String,
    region: String,
    access_token: String,
    expires_at: String,
    client_id: String,
    client_secret: String,
    registration_expires_at: String,
    refresh_token: String,
}

fn durable_write(dir: &Path, name: &str, bytes: &[u8]) {
    use std::io::Write;
    let tmp = dir.join(format!("{name}.tmp"));
    let mut file = std::fs::File::create(&tmp).unwrap();
    file.write_all(bytes).unwrap();
    file.sync_all().unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
    // The rename made durable too, as `TokenCache::store` does on Unix.
    #[cfg(unix)]
    std::fs::File::open(dir).unwrap().sync_all().unwrap();
}

fn cache(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ssooidc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = TokenCache::new(&dir);
    let key = CacheKey::session("bench");
    let expires = SystemTime::now() + Duration::from_secs(3600);
    let token = CachedToken::builder()
        .access_token(jwt())
        .expires_at(expires)
        .refresh_token(refresh_token())
        .client_id(CLIENT_ID)
        .client_secret(client_secret())
        .registration_expires_at(expires + Duration::from_secs(86_400 * 80))
        .region("us-east-1")
        .start_url("https://d-1234567890.awsapps.com/start")
        .build()
        .unwrap();
    let plain = PlainToken {
        start_url: "https://d-1234567890.awsapps.com/start".into(),
        region: "us-east-1".into(),
        access_token: jwt(),
        expires_at: "2030-01-01T00:00:00Z".into(),
        client_id: CLIENT_ID.into(),
        client_secret: client_secret(),
        registration_expires_at: "2030-03-01T00:00:00Z".into(),
        refresh_token: refresh_token(),
    };
    let plain_name = "plain.json";

    let mut g = c.benchmark_group("cache/store");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| cache.store(&key, black_box(&token)).unwrap());
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-fs"), |b| {
        b.iter(|| {
            let bytes = serde_json::to_vec(black_box(&plain)).unwrap();
            durable_write(&dir, plain_name, &bytes);
        });
    });
    g.finish();

    let mut g = c.benchmark_group("cache/load");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| drop(black_box(cache.load(&key).unwrap().unwrap())));
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-fs"), |b| {
        b.iter(|| {
            let bytes = std::fs::read(dir.join(plain_name)).unwrap();
            let token: PlainToken = serde_json::from_slice(&bytes).unwrap();
            drop(black_box(token));
        });
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

mod chain {
    //! An in-process stand-in for the two services, so that the session's first
    //! chain runs without sockets.
    use ssooidc_token::credentials::{Transport, TransportFuture};
    use ssooidc_token::sts::AssumeRoleResponse;
    use ssooidc_token::{CreateTokenWithIamResponse, FormBody, JsonBody};

    #[derive(Debug)]
    pub struct Canned;

    impl Transport for Canned {
        fn create_token_with_iam(
            &self,
            _: http::Request<JsonBody>,
        ) -> TransportFuture<'_, CreateTokenWithIamResponse> {
            Box::pin(async {
                CreateTokenWithIamResponse::from_http(
                    200,
                    br#"{"accessToken":"aoal","tokenType":"Bearer","expiresIn":3600,"refreshToken":"aorv","awsAdditionalDetails":{"identityContext":"ctx-value"}}"#,
                )
                .map_err(Into::into)
            })
        }

        fn assume_role(
            &self,
            _: http::Request<FormBody>,
        ) -> TransportFuture<'_, AssumeRoleResponse> {
            Box::pin(async {
                AssumeRoleResponse::from_http(
                    200,
                    b"<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>key</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
                )
                .map_err(Into::into)
            })
        }
    }
}

fn credentials(c: &mut Criterion) {
    use ssooidc_token::credentials::IdentityEnhancedCredentials;
    use ssooidc_token::sts::StsEndpoint;
    use ssooidc_token::{Endpoint, IntoSecret};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let provider = IdentityEnhancedCredentials::builder()
        .application_arn(ARN)
        .role_arn("arn:aws:iam::123456789012:role/identity-enhanced")
        .oidc_endpoint(Endpoint::new("us-east-1").unwrap())
        .sts_endpoint(StsEndpoint::new("us-east-1").unwrap())
        .app_credentials(Credentials::new("AKIDAPP", "app-secret", None, None, "app"))
        .idp_token(|| async { Ok(jwt().into_secret()) })
        .client(chain::Canned)
        .build()
        .unwrap();
    // The first load runs the chain; every later one is served from the session.
    runtime.block_on(provider.provide_credentials()).unwrap();
    let fixed = Credentials::new("ASIA", "key", Some("token".into()), None, "static");
    let mut g = c.benchmark_group("credentials/provide-cached");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| {
            drop(black_box(
                runtime.block_on(provider.provide_credentials()).unwrap(),
            ))
        });
    });
    g.bench_function(
        BenchmarkId::from_parameter("baseline-static-credentials"),
        |b| {
            b.iter(|| {
                drop(black_box(
                    runtime.block_on(fixed.provide_credentials()).unwrap(),
                ))
            });
        },
    );
    g.finish();
}

criterion_group!(session, cache, credentials);
criterion_main!(session);
