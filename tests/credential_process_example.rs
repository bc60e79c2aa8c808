//! `examples/credential_process.rs`, run as a test: a temporary SSO cache
//! holding a login's token, a temporary CLI credential cache, a local
//! stand-in for the access portal.

#[allow(dead_code)]
#[path = "../examples/credential_process.rs"]
mod credential_process;
#[path = "common/portal.rs"]
mod portal;
#[path = "common/temp_dir.rs"]
mod temp_dir;

use std::time::{Duration, SystemTime};

use ssooidc_token::cache::{CacheKey, CachedToken, RoleCredentialsKey, SessionError, TokenCache};
use ssooidc_token::ExposeSecret;

const TOKEN: &str = "aoaAAAAAGYm-cached-access-token";

fn args(cache: &temp_dir::TempDir, portal: &str, session: &str, role: &str) -> Vec<String> {
    let credentials = cache.path().join("cli");
    [
        session,
        "eu-west-1",
        "123456789012",
        role,
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--credentials-dir",
        credentials.to_str().unwrap(),
        // Never reached: the token is fresh.
        "--oidc-endpoint",
        "http://127.0.0.1:9",
        "--portal-endpoint",
        portal,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn prints_the_role_credentials_of_the_cached_login() {
    let dir = temp_dir::TempDir::new("credential-process");
    let cache = TokenCache::new(dir.path());
    let token = CachedToken::builder()
        .access_token(TOKEN)
        .expires_at(SystemTime::now() + Duration::from_secs(3_600))
        .region("eu-west-1")
        .start_url("https://d-123.awsapps.com/start")
        .build()
        .unwrap();
    cache.store(&CacheKey::session("my-sso"), &token).unwrap();
    let body = br#"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4=","expiration":4070908800000}}"#;
    let refusal = br#"{"message":"No access"}"#;
    let portal = portal::Portal::start_with_bodies(vec![
        (200, "content-type: application/json\r\n", body.to_vec()),
        (
            403,
            "x-amzn-errortype: ForbiddenException\r\ncontent-type: application/json\r\n",
            refusal.to_vec(),
        ),
    ]);

    let expected: &[u8] = br#"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"c2VjcmV0","SessionToken":"dG9rZW4=","Expiration":"2099-01-01T00:00:00Z","AccountId":"123456789012","Version":1}"#;
    let answer =
        credential_process::credentials(args(&dir, &portal.url, "my-sso", "ReadOnly")).unwrap();
    assert_eq!(answer.expose_secret(), expected);
    // Cached where the CLI looks, under the CLI's name for it.
    let file = dir
        .path()
        .join("cli")
        .join(RoleCredentialsKey::session("my-sso", "123456789012", "ReadOnly").file_name());
    assert!(file.is_file());
    // Run again: from the cache, nothing sent.
    let again =
        credential_process::credentials(args(&dir, &portal.url, "my-sso", "ReadOnly")).unwrap();
    assert_eq!(again.expose_secret(), expected);
    // Another role: a refusal is an error naming the portal's exception.
    let refused =
        credential_process::credentials(args(&dir, &portal.url, "my-sso", "Other")).unwrap_err();
    assert!(
        refused.to_string().contains("ForbiddenException"),
        "{refused}"
    );
    let heads = portal.heads();
    assert_eq!(heads.len(), 2, "{heads:?}");
    for (head, role) in heads.iter().zip(["ReadOnly", "Other"]) {
        assert!(
            head.starts_with(&format!(
                "GET /federation/credentials?role_name={role}&account_id=123456789012 HTTP/1.1\r\n"
            )),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase().contains(&format!(
                "x-amz-sso_bearer_token: {}\r\n",
                TOKEN.to_ascii_lowercase()
            )),
            "{head}"
        );
    }

    // No login for the session: `NotLoggedIn`, before anything is sent (the
    // portal given is a closed port).
    let none =
        credential_process::credentials(args(&dir, "http://127.0.0.1:9", "other", "ReadOnly"))
            .unwrap_err();
    assert!(
        matches!(
            none.downcast_ref::<SessionError>(),
            Some(SessionError::NotLoggedIn)
        ),
        "{none:?}"
    );
}
