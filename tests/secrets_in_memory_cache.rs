//! No copy of a cached secret is freed without being wiped: the access token, the
//! refresh token and the client secret, through `store`, `load`, a refresh
//! (`refreshed` and its store) and the registration file; and another tool's
//! unknown member, kept for rewriting.
//!
//! A test binary of its own with its own global allocator (`common/probe.rs`):
//! while armed, it scans every block before it is freed, and every block a
//! reallocation moves, for a canary planted in every secret. A positive control
//! shows it catches a plain `String` copy.

use std::time::{Duration, SystemTime};

use ssooidc_token::cache::{
    CacheKey, CachedRegistration, CachedToken, RegistrationKey, TokenCache,
};
use ssooidc_token::login::{RegisterClient, RegisterClientResponse};
use ssooidc_token::{CreateTokenResponse, ExposeSecret};
use zeroize::Zeroizing;

#[path = "common/probe.rs"]
mod probe;
#[path = "common/temp_dir.rs"]
mod temp_dir;

use probe::{leaks_during, secret_string, CANARY};
use temp_dir::TempDir;

const LEN: usize = 200;

/// The parts joined into one `String` allocated at its final size, so that the
/// test itself leaves no partial copy behind (as `format!` growing would).
fn joined(parts: &[&str]) -> Zeroizing<String> {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    Zeroizing::new(text)
}

fn canary_token(now: SystemTime) -> CachedToken {
    CachedToken::builder()
        // Three of the ways a caller hands a secret over: a String with spare
        // capacity, an exact one, and a Zeroizing<String>.
        .access_token(secret_string(LEN, LEN * 2 + 3))
        .expires_at(now + Duration::from_secs(300))
        .refresh_token(secret_string(LEN + 1, LEN + 1))
        .client_id("_yzkThXVzLWVhc3QtMQ")
        .client_secret(Zeroizing::new(secret_string(LEN + 2, LEN * 3)))
        .registration_expires_at(now + Duration::from_secs(86_400))
        .region("us-east-1")
        .start_url("https://d-abc123.awsapps.com/start")
        .build()
        .unwrap()
}

#[test]
fn positive_control_a_plain_string_copy_is_caught() {
    let leaks = leaks_during(|| {
        let secret = Zeroizing::new(secret_string(LEN, LEN));
        let copy: String = secret.as_str().to_owned();
        drop(copy);
    });
    assert!(leaks >= 1, "the probe missed a plain copy");
}

#[test]
fn store_and_load_leave_no_unwiped_copy() {
    let dir = TempDir::new("mem");
    let cache = TokenCache::new(dir.path().join("cache"));
    let key = CacheKey::session("dev");
    let now = SystemTime::now();
    let leaks = leaks_during(|| {
        let token = canary_token(now);
        cache.store(&key, &token).unwrap();
        drop(token);
        let loaded = cache.load(&key).unwrap().unwrap();
        assert!(loaded
            .access_token()
            .expose_secret()
            .as_bytes()
            .starts_with(CANARY));
        cache.store(&key, &loaded).unwrap();
        drop(loaded);
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

#[test]
fn a_file_written_by_another_tool_loads_and_rewrites_without_a_copy() {
    let dir = TempDir::new("mem");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    let leaks = leaks_during(|| {
        let canary = Zeroizing::new(secret_string(LEN, LEN));
        // Pretty-printed, escaped, names in another case, an unknown member that
        // holds a secret too.
        let c = canary.as_str();
        let text = joined(&[
            "{\n  \"AccessToken\": \"", c, "\\/", c,
            "\",\n  \"expiresAt\": \"2030-01-01T00:00:00UTC\",\n  \"refreshToken\": \"", c,
            "\\u00e9\",\n  \"clientId\": \"cid\",\n  \"clientSecret\": \"", c,
            "\",\n  \"registrationExpiresAt\": \"2030-02-01T00:00:00+00:00\",\n  \"otherToolSecret\": {\"v\": \"", c,
            "\"}\n}",
        ]);
        std::fs::write(cache.token_path(&key), text.as_bytes()).unwrap();
        let token = cache.load(&key).unwrap().unwrap();
        cache.store(&key, &token).unwrap();
        drop(token);
        drop(text);
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

#[test]
fn a_refresh_leaves_no_unwiped_copy() {
    let dir = TempDir::new("mem");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    let now = SystemTime::now();
    let leaks = leaks_during(|| {
        let token = canary_token(now);
        let request = token.refresh_request(now).unwrap();
        let body = request.to_json();
        drop(body);
        drop(request);
        let c = Zeroizing::new(secret_string(LEN, LEN));
        let answer_text = joined(&[
            r#"{"accessToken":""#,
            &c,
            r#"","tokenType":"Bearer","expiresIn":28800,"refreshToken":""#,
            &c,
            r#""}"#,
        ]);
        let answer = CreateTokenResponse::from_json(answer_text.as_bytes()).unwrap();
        let refreshed = token.refreshed(&answer, now);
        cache.store(&key, &refreshed).unwrap();
        // And once with no new refresh token: the old one is copied.
        let short_text = joined(&[r#"{"accessToken":""#, &c, r#"","expiresIn":60}"#]);
        let short = CreateTokenResponse::from_json(short_text.as_bytes()).unwrap();
        let again = refreshed.refreshed(&short, now);
        cache.store(&key, &again).unwrap();
        drop((
            token,
            answer,
            refreshed,
            short,
            again,
            answer_text,
            short_text,
            c,
        ));
        let loaded = cache.load(&key).unwrap().unwrap();
        drop(loaded);
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

#[test]
fn the_registration_file_leaves_no_unwiped_copy() {
    let dir = TempDir::new("mem");
    let cache = TokenCache::new(dir.path());
    let key = RegistrationKey::new(
        "https://d-abc123.awsapps.com/start",
        "us-east-1",
        Some(&["sso:account:access"]),
        Some("dev"),
    );
    let request = RegisterClient::builder()
        .client_name("botocore-client-dev")
        .scope("sso:account:access")
        .build()
        .unwrap();
    let leaks = leaks_during(|| {
        let c = Zeroizing::new(secret_string(LEN, LEN));
        let answer_text = joined(&[
            r#"{"clientId":"cid","clientSecret":""#,
            &c,
            r#"","clientSecretExpiresAt":4102444800}"#,
        ]);
        let answer = RegisterClientResponse::from_json(answer_text.as_bytes()).unwrap();
        let registration = CachedRegistration::from_response(&request, &answer).unwrap();
        cache.store_registration(&key, &registration).unwrap();
        drop((answer, registration, answer_text, c));
        let loaded = cache.load_registration(&key).unwrap().unwrap();
        assert!(loaded
            .client_secret()
            .expose_secret()
            .as_bytes()
            .starts_with(CANARY));
        cache.store_registration(&key, &loaded).unwrap();
        drop(loaded);
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

#[test]
fn logging_out_leaves_no_unwiped_copy() {
    let dir = TempDir::new("mem");
    let cache = TokenCache::new(dir.path().join("sso"));
    let credentials = dir.path().join("cli");
    std::fs::create_dir_all(&credentials).unwrap();
    let now = SystemTime::now();
    let leaks = leaks_during(|| {
        cache
            .store(&CacheKey::session("dev"), &canary_token(now))
            .unwrap();
        let canary = Zeroizing::new(secret_string(LEN, LEN));
        let c = canary.as_str();
        let text = joined(&[
            "{\"ProviderType\": \"sso\", \"Credentials\": {\"SecretAccessKey\": \"",
            c,
            "\", \"SessionToken\": \"",
            c,
            "\"}}",
        ]);
        std::fs::write(credentials.join("role.json"), text.as_bytes()).unwrap();
        drop(text);
        for login in cache.logins().unwrap() {
            let logout = login.logout().unwrap();
            assert!(logout
                .access_token()
                .expose_secret()
                .as_bytes()
                .starts_with(CANARY));
            #[cfg(feature = "http")]
            {
                let request = logout.to_http(logout.endpoint());
                let header = &request.headers()["x-amz-sso_bearer_token"];
                assert!(header.as_bytes().starts_with(CANARY));
                drop(request);
            }
            drop(logout);
            login.remove().unwrap();
        }
        let removed = ssooidc_token::cache::remove_sso_credentials(&credentials).unwrap();
        assert_eq!(removed.len(), 1);
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}
