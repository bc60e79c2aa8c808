//! The jobs that keep a session, each next to its closest peer in the same run:
//!
//! - `cache/store`, `cache/load`: a full SSO token file (every member, 1 KB
//!   tokens) through `TokenCache` against `serde_json` + `std::fs` with a plain
//!   struct of `String`s, written the same durable way (a temporary file,
//!   `sync_all`, rename, and on Unix `sync_all` of the directory so that the
//!   rename survives a crash), read with `std::fs::read`;
//! - `cache/role-store`, `cache/role-load`: an SSO role's credentials (a 1 KB
//!   session token) in the AWS CLI's credential cache through
//!   `RoleCredentialsCache` against the same `serde_json` + `std::fs` peer
//!   with a plain nested struct of `String`s;
//! - `credentials/sso-provide-cached`: the same for `SsoRoleCredentials`;
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

/// A token file with every member, 1 KB tokens, for `region`.
fn full_token(region: &str) -> CachedToken {
    let expires = SystemTime::now() + Duration::from_secs(3600);
    CachedToken::builder()
        .access_token(jwt())
        .expires_at(expires)
        .refresh_token(refresh_token())
        .client_id(CLIENT_ID)
        .client_secret(client_secret())
        .registration_expires_at(expires + Duration::from_secs(86_400 * 80))
        .region(region)
        .start_url("https://d-1234567890.awsapps.com/start")
        .build()
        .unwrap()
}

fn cache(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ssooidc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = TokenCache::new(&dir);
    let key = CacheKey::session("bench");
    let token = full_token("us-east-1");
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
    // Both files exist before any group runs, so that `cache/load` can run alone.
    cache.store(&key, &token).unwrap();
    durable_write(&dir, plain_name, &serde_json::to_vec(&plain).unwrap());

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

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlainRoleCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
    account_id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlainRoleFile {
    provider_type: String,
    credentials: PlainRoleCredentials,
}

fn roles(c: &mut Criterion) {
    use ssooidc_token::cache::{RoleCredentialsCache, RoleCredentialsKey};
    use ssooidc_token::portal::GetRoleCredentialsResponse;

    let dir = std::env::temp_dir().join(format!("ssooidc-bench-roles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = RoleCredentialsCache::new(&dir);
    let key = RoleCredentialsKey::session("bench", "123456789012", "ReadOnly");
    let token = refresh_token();
    let body = format!(
        r#"{{"roleCredentials":{{"accessKeyId":"ASIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY","sessionToken":"{token}","expiration":4102444800000}}}}"#
    );
    let credentials = GetRoleCredentialsResponse::from_json(body.as_bytes())
        .unwrap()
        .into_credentials();
    let plain = PlainRoleFile {
        provider_type: "sso".into(),
        credentials: PlainRoleCredentials {
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY".into(),
            session_token: token,
            expiration: "2100-01-01T00:00:00Z".into(),
            account_id: "123456789012".into(),
        },
    };
    let plain_name = "plain-role.json";
    cache.store(&key, &credentials).unwrap();
    durable_write(&dir, plain_name, &serde_json::to_vec(&plain).unwrap());
    // The same file, but for the spelling of the JSON.
    let ours: PlainRoleFile =
        serde_json::from_slice(&std::fs::read(cache.path(&key)).unwrap()).unwrap();
    assert_eq!(
        ours.credentials.session_token,
        plain.credentials.session_token
    );
    assert_eq!(ours.credentials.expiration, plain.credentials.expiration);

    let mut g = c.benchmark_group("cache/role-store");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| cache.store(&key, black_box(&credentials)).unwrap());
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-fs"), |b| {
        b.iter(|| {
            let bytes = serde_json::to_vec(black_box(&plain)).unwrap();
            durable_write(&dir, plain_name, &bytes);
        });
    });
    g.finish();

    let mut g = c.benchmark_group("cache/role-load");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| drop(black_box(cache.load(&key).unwrap().unwrap())));
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-fs"), |b| {
        b.iter(|| {
            let bytes = std::fs::read(dir.join(plain_name)).unwrap();
            let file: PlainRoleFile = serde_json::from_slice(&bytes).unwrap();
            drop(black_box(file));
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

/// `credentials/sso-provide-cached`: `SsoRoleCredentials` with fresh
/// credentials (its first load took them from a CLI role cache written
/// before; no network), against the same static provider.
fn sso_role(c: &mut Criterion) {
    use ssooidc_token::cache::{
        CacheKey, CachedToken, RoleCredentialsCache, SsoSession, TokenCache,
    };
    use ssooidc_token::credentials::SsoRoleCredentials;
    use ssooidc_token::portal::GetRoleCredentialsResponse;
    use ssooidc_token::{Endpoint, ReqwestClient};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("ssooidc-bench-sso-{}", std::process::id()));
    let tokens = TokenCache::new(dir.join("sso"));
    let far = SystemTime::now() + Duration::from_secs(86_400 * 365);
    let token = CachedToken::builder()
        .access_token(jwt())
        .expires_at(far)
        .build()
        .unwrap();
    tokens.store(&CacheKey::session("bench"), &token).unwrap();
    let roles = RoleCredentialsCache::new(dir.join("cli"));
    let answer = GetRoleCredentialsResponse::from_json(
        format!(
            r#"{{"roleCredentials":{{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY","sessionToken":"{}","expiration":4102444800000}}}}"#,
            refresh_token()
        )
        .as_bytes(),
    )
    .unwrap();
    let key = CacheKey::session("bench");
    roles
        .store(
            &ssooidc_token::cache::RoleCredentialsKey::session("bench", "123456789012", "ReadOnly"),
            answer.credentials(),
        )
        .unwrap();
    let closed = Endpoint::custom("http://127.0.0.1:9", "us-east-1").unwrap();
    let provider = SsoRoleCredentials::builder()
        .session(SsoSession::new(tokens, key, closed.clone()))
        .account_id("123456789012")
        .role_name("ReadOnly")
        .portal_endpoint(closed)
        .client(ReqwestClient::new().unwrap())
        .role_cache(roles)
        .build()
        .unwrap();
    // The first load reads the role cache; every later one is served from memory.
    let first = runtime.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(first.access_key_id(), "ASIAEXAMPLE");
    let fixed = Credentials::new("ASIA", "key", Some("token".into()), None, "static");
    let mut g = c.benchmark_group("credentials/sso-provide-cached");
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
    let _ = std::fs::remove_dir_all(&dir);
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // read, not used: the baseline's work is the reading
struct PlainLogin {
    access_token: Option<String>,
    region: Option<String>,
    start_url: Option<String>,
}

fn logout(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ssooidc-bench-logout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = TokenCache::new(&dir);
    for (name, region) in [
        ("dev", "us-east-1"),
        ("prod", "eu-west-1"),
        ("ops", "us-west-2"),
    ] {
        cache
            .store(&CacheKey::session(name), &full_token(region))
            .unwrap();
    }
    // A client registration, as the CLI writes it: no `accessToken`, not a login.
    std::fs::write(
        dir.join("c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3.json"),
        format!(
            r#"{{"clientId": "{CLIENT_ID}", "clientSecret": "{}", "expiresAt": "2030-03-01T00:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}}"#,
            client_secret()
        ),
    )
    .unwrap();
    let plain = || {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        paths.sort();
        paths
            .into_iter()
            .filter_map(|path| {
                let bytes = std::fs::read(&path).ok()?;
                let login: PlainLogin = serde_json::from_slice(&bytes).ok()?;
                login.access_token.as_ref()?;
                Some((path, login))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(cache.logins().unwrap().len(), 3);
    assert_eq!(plain().len(), 3);
    let mut g = c.benchmark_group("cache/logins");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| drop(black_box(cache.logins().unwrap())));
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-fs"), |b| {
        b.iter(|| drop(black_box(plain())));
    });
    g.finish();

    let login = cache.logins().unwrap().remove(0);
    let logout = login.logout().unwrap();
    let endpoint = logout.endpoint().clone();
    let token = jwt();
    let plain = || {
        http::Request::builder()
            .method(http::Method::POST)
            .uri("https://portal.sso.us-east-1.amazonaws.com/logout")
            .header("x-amz-sso_bearer_token", token.as_str())
            .header(http::header::CONTENT_LENGTH, 0)
            .body(())
            .unwrap()
    };
    let ours = logout.to_http(&endpoint);
    let theirs = plain();
    assert_eq!(ours.uri(), theirs.uri());
    assert_eq!(ours.headers(), theirs.headers());
    let mut g = c.benchmark_group("logout/to_http");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(|| drop(black_box(logout.to_http(black_box(&endpoint)))));
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-http-builder"), |b| {
        b.iter(|| drop(black_box(plain())));
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(session, cache, logout, credentials, roles, sso_role);
criterion_main!(session);
