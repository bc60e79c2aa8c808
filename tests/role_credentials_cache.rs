//! The AWS CLI's cache of SSO role credentials (`~/.aws/cli/cache`): file
//! names, file contents and the 15-minute window as the CLI v2's own
//! `SSOCredentialFetcher` and `JSONFileCache` have them
//! (`tests/vectors/sso_cache/aws-cli/functional_sso/role_credentials.json`,
//! written by running their source); bad files refused by name without echo.

use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use ssooidc_token::cache::{
    remove_sso_credentials, CacheErrorKind, RoleCredentialsCache, RoleCredentialsKey,
    CLI_EXPIRY_WINDOW,
};
use ssooidc_token::portal::GetRoleCredentialsResponse;
use ssooidc_token::{ExposeSecret, SessionCredentials};

#[path = "common/temp_dir.rs"]
mod temp_dir;

fn vector() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/sso_cache/aws-cli/functional_sso/role_credentials.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn key_of(case: &Value) -> RoleCredentialsKey {
    let (account, role) = (
        case["account_id"].as_str().unwrap(),
        case["role_name"].as_str().unwrap(),
    );
    match case["session_name"].as_str() {
        Some(session) => RoleCredentialsKey::session(session, account, role),
        None => RoleCredentialsKey::start_url(case["start_url"].as_str().unwrap(), account, role),
    }
}

fn answer_of(case: &Value) -> SessionCredentials {
    let body = serde_json::json!({ "roleCredentials": case["answer"] });
    GetRoleCredentialsResponse::from_json(&serde_json::to_vec(&body).unwrap())
        .unwrap()
        .into_credentials()
}

fn time(text: &str) -> std::time::SystemTime {
    // `YYYY-MM-DDTHH:MM:SSZ`, from the vector.
    let d = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (y, m, day) = (d(0..4), d(5..7), d(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + d(11..13) * 3_600 + d(14..16) * 60 + d(17..19);
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap())
}

/// The file the CLI would write, written by this crate: the same name, and
/// the same JSON (ours compact, the CLI's with spaces and `\u` escapes).
#[test]
fn store_writes_the_file_the_cli_writes() {
    let dir = temp_dir::TempDir::new("roles");
    let cache = RoleCredentialsCache::new(dir.path());
    let cases = vector()["cases"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 5);
    for case in &cases {
        let key = key_of(case);
        let file = &case["files"][0];
        assert_eq!(key.file_name(), file["name"].as_str().unwrap(), "{case}");
        cache.store(&key, &answer_of(case)).unwrap();
        let ours: Value =
            serde_json::from_slice(&std::fs::read(cache.path(&key)).unwrap()).unwrap();
        // Readable by its owner only, as the CLI writes it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache.path(&key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{case}");
        }
        let theirs: Value = serde_json::from_str(file["text"].as_str().unwrap()).unwrap();
        assert_eq!(ours, theirs, "{case}");
    }
    // `aws sso logout` (here and in the CLI) deletes them: `ProviderType` is `sso`.
    assert_eq!(
        remove_sso_credentials(dir.path()).unwrap().len(),
        cases.len()
    );
}

/// The files the CLI wrote, read by this crate: what the CLI's own fetcher
/// gives from them; and the credentials it would still use at its clock
/// (`load_fresh`) are the ones it did not fetch again.
#[test]
fn load_reads_the_file_the_cli_wrote_and_keeps_its_window() {
    let dir = temp_dir::TempDir::new("roles");
    let cache = RoleCredentialsCache::new(dir.path());
    for case in vector()["cases"].as_array().unwrap() {
        let key = key_of(case);
        let file = &case["files"][0];
        std::fs::write(cache.path(&key), file["text"].as_str().unwrap()).unwrap();
        let loaded = cache.load(&key).unwrap().expect("written above");
        // What the CLI's fetcher gave from this file (when it used it), else
        // what it fetched (the same credentials, written to the same file).
        let fetched = if case["calls"] == 1 {
            &case["from_cache"]
        } else {
            &case["fetched"]
        };
        assert_eq!(loaded.account_id(), fetched["account_id"].as_str());
        assert_eq!(
            loaded.access_key_id(),
            fetched["access_key"].as_str().unwrap()
        );
        assert_eq!(
            loaded.secret_access_key().expose_secret(),
            fetched["secret_key"].as_str().unwrap()
        );
        assert_eq!(
            loaded.session_token().expose_secret(),
            fetched["token"].as_str().unwrap()
        );
        assert_eq!(
            loaded.expiration(),
            time(fetched["expiry_time"].as_str().unwrap())
        );
        let now = time(case["now"].as_str().unwrap());
        let used_the_file = case["calls"] == 1;
        assert_eq!(
            cache.load_fresh(&key, now).unwrap().is_some(),
            used_the_file,
            "{case}"
        );
    }
    // The window's edge (the vector's `Edge` case is the CLI's): exactly 15
    // minutes left is still used, one second less is not.
    let key = RoleCredentialsKey::session("edge", "123456789012", "ReadOnly");
    let credentials = GetRoleCredentialsResponse::from_json(
        br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"s","sessionToken":"t","expiration":1796126400000}}"#,
    )
    .unwrap()
    .into_credentials();
    let expiry = credentials.expiration();
    cache.store(&key, &credentials).unwrap();
    assert!(cache
        .load_fresh(&key, expiry - CLI_EXPIRY_WINDOW)
        .unwrap()
        .is_some());
    assert!(cache
        .load_fresh(&key, expiry - CLI_EXPIRY_WINDOW + Duration::from_secs(1))
        .unwrap()
        .is_none());
    cache.remove(&key).unwrap();
    assert!(cache.load(&key).unwrap().is_none());
    cache.remove(&key).unwrap();
}

#[test]
fn bad_files_are_refused_by_member_without_echo() {
    let dir = temp_dir::TempDir::new("roles");
    let cache = RoleCredentialsCache::new(dir.path());
    let key = RoleCredentialsKey::session("bad", "123456789012", "ReadOnly");
    let secret = "SECRETPART";
    for (text, member, kind) in [
        (
            r#"{"ProviderType": "sso"}"#,
            Some("Credentials"),
            CacheErrorKind::Missing,
        ),
        (
            r#"{"Credentials": {"AccessKeyId": "A", "SessionToken": "SECRETPART", "Expiration": "2030-01-01T00:00:00Z"}}"#,
            Some("SecretAccessKey"),
            CacheErrorKind::Missing,
        ),
        (
            r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "", "SessionToken": "SECRETPART", "Expiration": "2030-01-01T00:00:00Z"}}"#,
            Some("SecretAccessKey"),
            CacheErrorKind::Empty,
        ),
        (
            r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "SECRETPART", "SessionToken": "t", "Expiration": "SECRETPART"}}"#,
            Some("Expiration"),
            CacheErrorKind::Timestamp,
        ),
        (
            r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": 7, "SessionToken": "SECRETPART", "Expiration": "2030-01-01T00:00:00Z"}}"#,
            Some("SecretAccessKey"),
            CacheErrorKind::NotString,
        ),
        (
            r#"{"Credentials": "SECRETPART"}"#,
            Some("Credentials"),
            CacheErrorKind::Syntax,
        ),
        (
            r#"{"Credentials": {"SecretAccessKey": "SECRETPART", "secretaccesskey": "SECRETPART"}}"#,
            Some("SecretAccessKey"),
            CacheErrorKind::Duplicate,
        ),
    ] {
        std::fs::write(cache.path(&key), text).unwrap();
        let err = cache.load(&key).unwrap_err();
        assert_eq!(err.kind(), &kind, "{text}");
        assert_eq!(err.member(), member, "{text}");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(&key.file_name()), "{shown}");
        assert!(!shown.contains(secret), "{shown}");
    }
}

/// A file naming another account is not the key's: it reads as no file.
/// Keys naming the same token file are equal, whatever made them.
#[test]
fn a_file_of_another_account_is_not_the_keys() {
    let dir = temp_dir::TempDir::new("roles-other");
    let cache = RoleCredentialsCache::new(dir.path());
    let key = RoleCredentialsKey::session("my-sso", "123456789012", "ReadOnly");
    std::fs::write(
        cache.path(&key),
        r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z", "AccountId": "210987654321"}}"#,
    )
    .unwrap();
    assert!(cache.load(&key).unwrap().is_none());
    // Without `AccountId` (older CLIs), the key's account.
    std::fs::write(
        cache.path(&key),
        r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}}"#,
    )
    .unwrap();
    let loaded = cache.load(&key).unwrap().unwrap();
    assert_eq!(loaded.account_id(), Some("123456789012"));
    use ssooidc_token::cache::CacheKey;
    assert_eq!(CacheKey::session("x"), CacheKey::start_url("x"));
}
