//! No copy of a secret of the access portal's `GetRoleCredentials` is freed
//! without being wiped: the access token through the builder, the request and
//! its header; the answer's secret key and session token through reading
//! (escaped or not), a refusal of the answer, the `credential_process` answer,
//! the signing credentials and the SDK's `Credentials`.
//!
//! A test binary of its own with its own global allocator (`common/probe.rs`):
//! while armed, it scans every block before it is freed, and every block a
//! reallocation moves, for a canary planted in every secret. A positive control
//! shows it catches a plain `String` copy.

use ssooidc_token::portal::{self, GetRoleCredentials, GetRoleCredentialsResponse};
use ssooidc_token::{ExposeSecret, SigningCredentials};
use zeroize::Zeroizing;

#[path = "common/probe.rs"]
mod probe;

use probe::{leaks_during, secret_string, CANARY};

const LEN: usize = 200;

/// The parts joined into one `String` allocated at its final size and wiped
/// when dropped, so that the test itself leaves no partial copy behind.
fn joined(parts: &[&str]) -> Zeroizing<String> {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    Zeroizing::new(text)
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
fn the_request_and_its_header_leave_no_unwiped_copy() {
    let endpoint = portal::endpoint("eu-west-1").unwrap();
    let leaks = leaks_during(|| {
        // Three of the ways a caller hands a token over: a String with spare
        // capacity, an exact one, and a borrowed Zeroizing<String>.
        let spare = secret_string(LEN, LEN * 2 + 1);
        let exact = secret_string(LEN + 1, LEN + 1);
        let borrowed = Zeroizing::new(secret_string(LEN + 2, LEN + 2));
        for token in [spare, exact, borrowed.to_string()] {
            let token = Zeroizing::new(token);
            let request = GetRoleCredentials::builder()
                .access_token(&*token)
                .account_id("123456789012")
                .role_name("ReadOnly")
                .build()
                .unwrap();
            let http = request.to_http(&endpoint);
            assert!(http.headers()["x-amz-sso_bearer_token"]
                .as_bytes()
                .starts_with(CANARY));
            drop(http);
            drop(request);
        }
        let request = GetRoleCredentials::builder()
            .access_token(secret_string(LEN, LEN * 2 + 1))
            .account_id("123456789012")
            .role_name("ReadOnly")
            .build()
            .unwrap();
        drop(request.to_http(&endpoint));
        drop(request);
        // A token refused at build(): wiped too.
        let refused = GetRoleCredentials::builder()
            .access_token(joined(&[&borrowed, " trailing space "]).to_string())
            .account_id("123456789012")
            .role_name("ReadOnly")
            .build();
        assert!(refused.is_err());
        drop(borrowed);
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

#[test]
fn the_answer_leaves_no_unwiped_copy() {
    let leaks = leaks_during(|| {
        let c = Zeroizing::new(secret_string(LEN, LEN));
        // Plain, escaped (decoded into its exact size), then refused after
        // both secrets were read.
        let plain = joined(&[
            r#"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":""#,
            &c,
            r#"","sessionToken":""#,
            &c,
            r#"","expiration":1796126400000}}"#,
        ]);
        let escaped = joined(&[
            r#"{"roleCredentials":{"sessionToken":""#,
            &c,
            r#"\/\u0041","secretAccessKey":""#,
            &c,
            r#"\n","accessKeyId":"ASIAEXAMPLE","expiration":1.7e12}}"#,
        ]);
        let refused = joined(&[
            r#"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":""#,
            &c,
            r#"","sessionToken":""#,
            &c,
            r#"\/","expiration":-1}}"#,
        ]);
        for body in [&plain, &escaped] {
            let answer = GetRoleCredentialsResponse::from_json(body.as_bytes()).unwrap();
            assert!(answer
                .credentials()
                .session_token()
                .expose_secret()
                .as_bytes()
                .starts_with(CANARY));
            // The `credential_process` answer: one exact-size body, wiped.
            let printed = answer.credentials().to_credential_process_json();
            assert!(printed
                .expose_secret()
                .windows(CANARY.len())
                .any(|w| w == CANARY));
            drop(printed);
            let signing: SigningCredentials = answer.into_credentials().into();
            drop(signing);
            let answer = GetRoleCredentialsResponse::from_http(200, body.as_bytes()).unwrap();
            let sdk = aws_credential_types::Credentials::from(answer.into_credentials());
            drop(sdk);
        }
        assert!(GetRoleCredentialsResponse::from_json(refused.as_bytes()).is_err());
        drop((plain, escaped, refused, c));
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

#[cfg(feature = "cache")]
#[path = "common/temp_dir.rs"]
mod temp_dir;

/// The CLI's role-credential cache: storing the answer's credentials and
/// loading them back (fresh or not), and a file another tool wrote with
/// escapes, leave no unwiped copy.
#[cfg(feature = "cache")]
#[test]
fn the_role_credential_cache_leaves_no_unwiped_copy() {
    use ssooidc_token::cache::{RoleCredentialsCache, RoleCredentialsKey};

    let dir = temp_dir::TempDir::new("mem-roles");
    let cache = RoleCredentialsCache::new(dir.path());
    let key = RoleCredentialsKey::session("my-sso", "123456789012", "ReadOnly");
    let leaks = leaks_during(|| {
        let c = Zeroizing::new(secret_string(LEN, LEN));
        let body = joined(&[
            r#"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":""#,
            &c,
            r#"","sessionToken":""#,
            &c,
            r#"","expiration":4102444800000}}"#,
        ]);
        let credentials = GetRoleCredentialsResponse::from_json(body.as_bytes())
            .unwrap()
            .into_credentials();
        cache.store(&key, &credentials).unwrap();
        drop(credentials);
        let loaded = cache.load(&key).unwrap().unwrap();
        assert!(loaded
            .secret_access_key()
            .expose_secret()
            .as_bytes()
            .starts_with(CANARY));
        drop(loaded);
        let fresh = cache
            .load_fresh(&key, std::time::SystemTime::now())
            .unwrap();
        assert!(fresh.is_some());
        drop(fresh);
        // As the CLI writes it: spaces, escapes, an extra member.
        let theirs = joined(&[
            r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": ""#,
            &c,
            r#"\/", "SessionToken": ""#,
            &c,
            r#"\u0041", "Expiration": "2099-01-01T00:00:00Z", "AccountId": "123456789012"}}"#,
        ]);
        std::fs::write(cache.path(&key), theirs.as_bytes()).unwrap();
        drop(cache.load(&key).unwrap().unwrap());
        drop((body, theirs, c));
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

/// `SsoRoleCredentials` serving what the CLI's role cache holds: the load,
/// the hand-over to the SDK's `Credentials`, and the provider's own copy,
/// dropped, leave no unwiped copy.
#[cfg(feature = "cache")]
#[test]
fn the_sso_role_provider_leaves_no_unwiped_copy() {
    use aws_credential_types::provider::ProvideCredentials;
    use ssooidc_token::cache::{
        CacheKey, CachedToken, RoleCredentialsCache, RoleCredentialsKey, SsoSession, TokenCache,
    };
    use ssooidc_token::credentials::SsoRoleCredentials;
    use ssooidc_token::{Endpoint, ReqwestClient};

    let dir = temp_dir::TempDir::new("mem-sso-role");
    let tokens = TokenCache::new(dir.path().join("sso"));
    let far = std::time::SystemTime::now() + std::time::Duration::from_secs(86_400);
    let token = CachedToken::builder()
        .access_token("aoa-token")
        .expires_at(far)
        .build()
        .unwrap();
    tokens.store(&CacheKey::session("my-sso"), &token).unwrap();
    let roles = RoleCredentialsCache::new(dir.path().join("cli"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ReqwestClient::new().unwrap();
    let closed = Endpoint::custom("http://127.0.0.1:9", "us-east-1").unwrap();
    let leaks = leaks_during(|| {
        let c = Zeroizing::new(secret_string(LEN, LEN));
        let body = joined(&[
            r#"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":""#,
            &c,
            r#"","sessionToken":""#,
            &c,
            r#"","expiration":4102444800000}}"#,
        ]);
        let answer = GetRoleCredentialsResponse::from_json(body.as_bytes()).unwrap();
        let key = RoleCredentialsKey::session("my-sso", "123456789012", "ReadOnly");
        roles.store(&key, answer.credentials()).unwrap();
        drop(answer);
        let provider = SsoRoleCredentials::builder()
            .session(SsoSession::new(
                tokens.clone(),
                CacheKey::session("my-sso"),
                closed.clone(),
            ))
            .account_id("123456789012")
            .role_name("ReadOnly")
            .portal_endpoint(closed.clone())
            .client(client.clone())
            .role_cache(roles.clone())
            .build()
            .unwrap();
        let credentials = runtime.block_on(provider.provide_credentials()).unwrap();
        assert!(credentials
            .session_token()
            .unwrap()
            .starts_with(std::str::from_utf8(CANARY).unwrap()));
        drop(credentials);
        drop(provider);
        drop((body, c));
    });
    assert_eq!(leaks, 0, "freed blocks held a secret");
}
