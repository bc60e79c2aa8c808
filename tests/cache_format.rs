//! The SSO token cache read and written as the AWS CLI, botocore, aws-config and
//! the Go SDK read and write it: file names, members, every timestamp form, names
//! in any case, unknown members kept, and what this crate writes read back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ssooidc_token::cache::{
    CacheErrorKind, CacheKey, CachedRegistration, CachedToken, RegistrationKey, TokenCache,
};
use ssooidc_token::login::{RegisterClient, RegisterClientResponse};
use ssooidc_token::ExposeSecret;

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// 2021-12-25T21:30:00Z
const T1: u64 = 1_640_467_800;
/// 2022-12-25T13:30:00Z
const T2: u64 = 1_671_975_000;

fn write_token(cache: &TokenCache, key: &CacheKey, text: &str) {
    std::fs::create_dir_all(cache.dir()).unwrap();
    std::fs::write(cache.token_path(key), text).unwrap();
}

fn read_raw(cache: &TokenCache, key: &CacheKey) -> String {
    std::fs::read_to_string(cache.token_path(key)).unwrap()
}

#[test]
fn token_file_names_match_the_spec_and_python() {
    // shared/SPEC.md
    for (name, hex) in [
        ("admin", "d033e22ae348aeb5660fc2140aec35850c4da997"),
        ("dev", "34c6fceca75e456f25e7e99531e2425c6c1de443"),
    ] {
        assert_eq!(CacheKey::session(name).file_name(), format!("{hex}.json"));
    }
    assert_eq!(
        CacheKey::start_url("https://d-abc123.awsapps.com/start").file_name(),
        "40a89917e3175433e361b710a9d43528d7f1890a.json"
    );
    // hashlib.sha1("équipe".encode()).hexdigest(): UTF-8 bytes, as the CLI hashes
    assert_eq!(
        CacheKey::session("équipe").file_name(),
        "e85e3a0d6d7c5e4114d817fccf50b403c11e9b7f.json"
    );
}

/// Start URL, region, scopes, session name, expected SHA-1.
type RegistrationCase<'a> = (
    &'a str,
    &'a str,
    Option<&'a [&'a str]>,
    Option<&'a str>,
    &'a str,
);

#[test]
fn registration_file_names_match_the_cli() {
    // Each from python3: sha1(json.dumps({"tool": "botocore", "startUrl": ...,
    // "region": ..., "scopes": ..., "session_name": ...}, sort_keys=True)).
    let cases: [RegistrationCase; 5] = [
        (
            "https://d-abc123.awsapps.com/start",
            "us-west-2",
            None,
            None,
            "d75f79f67bab3f92a2b1450471c0c2574de0dca4", // shared/SPEC.md
        ),
        (
            "https://d-abc123.awsapps.com/start",
            "us-east-1",
            Some(&["sso:account:access"]),
            Some("dev"),
            "c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3",
        ),
        (
            "https://d-abc123.awsapps.com/start/#",
            "eu-west-1",
            Some(&["sso:account:access", "codewhisperer:completions"]),
            Some("my-sso"),
            "52073c272fce980b65fd7099c5fee057bd121698",
        ),
        (
            // non-ASCII as \uXXXX (a surrogate pair above U+FFFF), quotes,
            // a tab, a backslash and a slash; an empty scope list
            "https://d-abc123.awsapps.com/start",
            "us-east-1",
            Some(&[]),
            Some("équipe \"ü\" 日本 😀\t\\ /"),
            "eb6c8a44d530cadd7ef691a6a57debf318fe6b95",
        ),
        (
            "https://d-abc123.awsapps.com/start",
            "us-east-1",
            None,
            Some("x\u{7f}\u{1}"),
            "a325b5a7ae156436b3faa663fa611e55230bd82d",
        ),
    ];
    for (url, region, scopes, session, hex) in cases {
        assert_eq!(
            RegistrationKey::new(url, region, scopes, session).file_name(),
            format!("{hex}.json"),
            "{session:?}"
        );
    }
}

#[test]
fn reads_an_aws_config_style_file() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("admin");
    write_token(
        &cache,
        &key,
        r#"{
            "accessToken": "cachedtoken",
            "expiresAt": "2021-12-25T21:30:00Z",
            "clientId": "clientid",
            "clientSecret": "YSBzZWNyZXQ=",
            "registrationExpiresAt": "2022-12-25T13:30:00Z",
            "refreshToken": "cachedrefreshtoken",
            "region": "us-west-2",
            "startUrl": "https://d-123.awsapps.com/start"
        }"#,
    );
    let token = cache.load(&key).unwrap().unwrap();
    assert_eq!(token.access_token().expose_secret(), "cachedtoken");
    assert_eq!(token.expires_at(), at(T1));
    assert_eq!(token.client_id(), Some("clientid"));
    assert_eq!(
        token.client_secret().unwrap().expose_secret(),
        "YSBzZWNyZXQ="
    );
    assert_eq!(token.registration_expires_at(), Some(at(T2)));
    assert_eq!(
        token.refresh_token().unwrap().expose_secret(),
        "cachedrefreshtoken"
    );
    assert_eq!(token.region(), Some("us-west-2"));
    assert_eq!(token.start_url(), Some("https://d-123.awsapps.com/start"));
}

#[test]
fn reads_every_timestamp_form_any_tool_wrote() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    for (text, expected) in [
        ("2021-12-25T21:30:00Z", at(T1)),      // botocore, the CLI today
        ("2021-12-25T21:30:00UTC", at(T1)),    // CLIs before Dec 2020
        ("2021-12-25T21:30:00+00:00", at(T1)), // Go, Python isoformat
        ("2021-12-25T16:30:00-05:00", at(T1)), // an offset
        ("2021-12-25T22:30:00+0100", at(T1)),  // dateutil's compact offset
        (
            "2021-12-25T21:30:00.123Z",
            at(T1) + Duration::from_millis(123),
        ),
        (
            "2021-12-25T21:30:00.123456Z",
            at(T1) + Duration::from_micros(123_456),
        ), // aws-config
        (
            "2021-12-25T21:30:00.123456789+00:00",
            at(T1) + Duration::from_nanos(123_456_789),
        ),
        ("2021-12-25t21:30:00z", at(T1)),
    ] {
        write_token(
            &cache,
            &key,
            &format!(r#"{{"accessToken":"a","expiresAt":"{text}"}}"#),
        );
        let token = cache.load(&key).unwrap().unwrap();
        assert_eq!(token.expires_at(), expected, "{text}");
    }
}

#[test]
fn reads_known_names_in_any_case() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    write_token(
        &cache,
        &key,
        r#"{"AccessToken":"a","EXPIRESAT":"2021-12-25T21:30:00Z","refreshtoken":"r",
            "ClientID":"c","clientsecret":"s","RegistrationExpiresAt":"2022-12-25T13:30:00Z",
            "Region":"us-east-1","STARTURL":"https://d-1.awsapps.com/start"}"#,
    );
    let token = cache.load(&key).unwrap().unwrap();
    assert_eq!(token.access_token().expose_secret(), "a");
    assert_eq!(token.refresh_token().unwrap().expose_secret(), "r");
    assert_eq!(token.client_id(), Some("c"));
    assert_eq!(token.client_secret().unwrap().expose_secret(), "s");
    assert_eq!(token.registration_expires_at(), Some(at(T2)));
    assert_eq!(token.region(), Some("us-east-1"));
    assert_eq!(token.start_url(), Some("https://d-1.awsapps.com/start"));
    // Written back under the names every tool writes.
    cache.store(&key, &token).unwrap();
    let raw = read_raw(&cache, &key);
    assert!(raw.contains(r#""accessToken":"a""#), "{raw}");
    assert!(
        !raw.contains("AccessToken") && !raw.contains("EXPIRESAT"),
        "{raw}"
    );
}

#[test]
fn null_members_count_as_absent_and_escapes_are_decoded() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    write_token(
        &cache,
        &key,
        r#"{"accessToken":"a\/b\u00e9\"","expiresAt":"2021-12-25T21:30:00Z","refreshToken":null,"region":null}"#,
    );
    let token = cache.load(&key).unwrap().unwrap();
    assert_eq!(token.access_token().expose_secret(), "a/bé\"");
    assert!(token.refresh_token().is_none());
    assert!(token.region().is_none());
}

#[test]
fn unknown_members_are_kept_on_rewrite() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    write_token(
        &cache,
        &key,
        r#"{"accessToken":"a", "goTool": {"nested": [1, 2.5e3, true, null, "x"]},
            "expiresAt":"2021-12-25T21:30:00UTC", "someSecret" : "kept\nas is",
            "aVeryLongMemberNameThatNoToolKnowsAbout": 42}"#,
    );
    let token = cache.load(&key).unwrap().unwrap();
    cache.store(&key, &token).unwrap();
    let raw = read_raw(&cache, &key);
    let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "accessToken": "a",
            "expiresAt": "2021-12-25T21:30:00Z",
            "goTool": {"nested": [1, 2.5e3, true, null, "x"]},
            "someSecret": "kept\nas is",
            "aVeryLongMemberNameThatNoToolKnowsAbout": 42,
        })
    );
    // Kept through a second load and store too.
    let again = cache.load(&key).unwrap().unwrap();
    cache.store(&key, &again).unwrap();
    assert_eq!(read_raw(&cache, &key), raw);
}

#[test]
fn writes_the_form_every_reader_accepts() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    let token = CachedToken::builder()
        .access_token("acc\"ess")
        .expires_at(at(T1) + Duration::from_millis(999))
        .refresh_token("refresh")
        .client_id("client")
        .client_secret("secret")
        .registration_expires_at(at(T2))
        .region("us-east-1")
        .start_url("https://d-1.awsapps.com/start")
        .build()
        .unwrap();
    cache.store(&key, &token).unwrap();
    assert_eq!(
        read_raw(&cache, &key),
        r#"{"startUrl":"https://d-1.awsapps.com/start","region":"us-east-1","accessToken":"acc\"ess","expiresAt":"2021-12-25T21:30:00Z","clientId":"client","clientSecret":"secret","registrationExpiresAt":"2022-12-25T13:30:00Z","refreshToken":"refresh"}"#
    );
}

#[test]
fn what_we_write_round_trips() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::start_url("https://d-1.awsapps.com/start");
    let token = CachedToken::builder()
        .access_token("日本語 token \u{1}")
        .expires_at(at(T1))
        .refresh_token(String::from("refresh"))
        .client_id("client")
        .client_secret("secret\\")
        .registration_expires_at(at(T2))
        .region("eu-central-1")
        .start_url("https://d-1.awsapps.com/start")
        .build()
        .unwrap();
    cache.store(&key, &token).unwrap();
    let loaded = cache.load(&key).unwrap().unwrap();
    assert_eq!(loaded.access_token().expose_secret(), "日本語 token \u{1}");
    assert_eq!(loaded.expires_at(), at(T1));
    assert_eq!(loaded.refresh_token().unwrap().expose_secret(), "refresh");
    assert_eq!(loaded.client_id(), Some("client"));
    assert_eq!(loaded.client_secret().unwrap().expose_secret(), "secret\\");
    assert_eq!(loaded.registration_expires_at(), Some(at(T2)));
    assert_eq!(loaded.region(), Some("eu-central-1"));
    assert_eq!(loaded.start_url(), Some("https://d-1.awsapps.com/start"));
    // And serde_json (what most other readers are like) reads it too.
    let value: serde_json::Value = serde_json::from_str(&read_raw(&cache, &key)).unwrap();
    assert_eq!(value["accessToken"], "日本語 token \u{1}");
}

#[test]
fn a_missing_file_is_none_and_remove_is_idempotent() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path().join("not").join("yet"));
    let key = CacheKey::session("dev");
    assert!(cache.load(&key).unwrap().is_none());
    cache.remove(&key).unwrap();
    let token = CachedToken::builder()
        .access_token("a")
        .expires_at(at(T1))
        .build()
        .unwrap();
    cache.store(&key, &token).unwrap();
    assert!(cache.load(&key).unwrap().is_some());
    cache.remove(&key).unwrap();
    assert!(cache.load(&key).unwrap().is_none());
    cache.remove(&key).unwrap();
}

#[cfg(unix)]
#[test]
fn files_are_0600_and_a_new_directory_0700() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("format");
    let cache_dir = dir.path().join("a").join("sso").join("cache");
    let cache = TokenCache::new(&cache_dir);
    let key = CacheKey::session("dev");
    let token = CachedToken::builder()
        .access_token("a")
        .expires_at(at(T1))
        .build()
        .unwrap();
    cache.store(&key, &token).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache.token_path(&key)), 0o600);
    assert_eq!(mode(&cache_dir), 0o700);
    assert_eq!(mode(&dir.path().join("a")), 0o700);
}

#[test]
fn registrations_read_as_the_cli_writes_them_and_round_trip() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = RegistrationKey::new(
        "https://d-abc123.awsapps.com/start",
        "us-east-1",
        Some(&["sso:account:access"]),
        Some("dev"),
    );
    // The CLI's JSONFileCache writes datetimes with `%Z`: "...UTC".
    std::fs::write(
        cache.registration_path(&key),
        r#"{"clientId": "cid", "clientSecret": "csecret", "expiresAt": "2022-12-25T13:30:00UTC",
            "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"],
            "issuedAt": "2022-09-26T13:30:00UTC"}"#,
    )
    .unwrap();
    let registration = cache.load_registration(&key).unwrap().unwrap();
    assert_eq!(registration.client_id(), "cid");
    assert_eq!(registration.client_secret().expose_secret(), "csecret");
    assert_eq!(registration.expires_at(), at(T2));
    assert_eq!(registration.scopes(), ["sso:account:access"]);
    assert_eq!(
        registration.grant_types(),
        ["authorization_code", "refresh_token"]
    );
    cache.store_registration(&key, &registration).unwrap();
    assert_eq!(
        std::fs::read_to_string(cache.registration_path(&key)).unwrap(),
        r#"{"clientId":"cid","clientSecret":"csecret","expiresAt":"2022-12-25T13:30:00Z","scopes":["sso:account:access"],"grantTypes":["authorization_code","refresh_token"],"issuedAt": "2022-09-26T13:30:00UTC"}"#
    );
}

#[test]
fn a_registration_from_the_service_answer() {
    let dir = TempDir::new("format");
    let cache = TokenCache::new(dir.path());
    let key = RegistrationKey::new(
        "https://d-abc123.awsapps.com/start",
        "us-east-1",
        None,
        None,
    );
    let request = RegisterClient::builder()
        .client_name("botocore-client-dev")
        .build()
        .unwrap();
    let answer = RegisterClientResponse::from_json(
        br#"{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1664199000,"clientSecretExpiresAt":1671975000}"#,
    )
    .unwrap();
    let registration = CachedRegistration::from_response(&request, &answer).unwrap();
    cache.store_registration(&key, &registration).unwrap();
    // The device-flow registration the CLI writes: no scopes, no grant types.
    assert_eq!(
        std::fs::read_to_string(cache.registration_path(&key)).unwrap(),
        r#"{"clientId":"cid","clientSecret":"csecret","expiresAt":"2022-12-25T13:30:00Z"}"#
    );
    let no_expiry =
        RegisterClientResponse::from_json(br#"{"clientId":"c","clientSecret":"s"}"#).unwrap();
    let err = CachedRegistration::from_response(&request, &no_expiry).unwrap_err();
    assert_eq!(err.member(), Some("clientSecretExpiresAt"));
    assert_eq!(*err.kind(), CacheErrorKind::Missing);
    // The last second that can be written as `…Z` (9999-12-31T23:59:59Z) is
    // kept; one second later cannot be written back, and says so.
    let answer_expiring = |at: u64| {
        RegisterClientResponse::from_json(
            format!(r#"{{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":{at}}}"#)
                .as_bytes(),
        )
        .unwrap()
    };
    let last =
        CachedRegistration::from_response(&request, &answer_expiring(253_402_300_799)).unwrap();
    cache.store_registration(&key, &last).unwrap();
    assert!(std::fs::read_to_string(cache.registration_path(&key))
        .unwrap()
        .contains(r#""expiresAt":"9999-12-31T23:59:59Z""#));
    let err =
        CachedRegistration::from_response(&request, &answer_expiring(253_402_300_800)).unwrap_err();
    assert_eq!(err.member(), Some("clientSecretExpiresAt"));
    assert_eq!(*err.kind(), CacheErrorKind::OutOfRange);
    assert!(err.to_string().contains("from 1970 to 9999"), "{err}");
}

/// One test changes the environment, so no other test here reads it meanwhile.
/// `HOME` first; without it, Windows' variables on Windows only (as
/// `aws-config`), and on Linux the passwd entry (as the CLI, through Python's
/// `os.path.expanduser`), checked against `id -ru` and `/etc/passwd`.
#[test]
fn default_location_follows_home_then_the_platforms_own() {
    let saved: Vec<_> = ["HOME", "USERPROFILE", "HOMEDRIVE", "HOMEPATH"]
        .iter()
        .map(|name| (*name, std::env::var_os(name)))
        .collect();
    for (name, _) in &saved {
        std::env::remove_var(name);
    }
    let cache_of = || TokenCache::default_location().map(|c| c.dir().to_path_buf());
    // Other Unix systems keep their users elsewhere than /etc/passwd: no home.
    let without_home = if cfg!(target_os = "linux") {
        passwd_home().map(|home| std::path::Path::new(&home).join(".aws/sso/cache"))
    } else {
        None
    };
    assert_eq!(cache_of().ok(), without_home);
    std::env::set_var("HOME", "");
    assert_eq!(
        cache_of().ok(),
        without_home,
        "an empty HOME counts as unset"
    );
    // Windows' own variables count on Windows only.
    let on_windows = |dir: &str| {
        if cfg!(windows) {
            Some(std::path::Path::new(dir).join(".aws/sso/cache"))
        } else {
            without_home.clone()
        }
    };
    std::env::set_var("HOMEDRIVE", "C:");
    std::env::set_var("HOMEPATH", "/Users/drive");
    assert_eq!(cache_of().ok(), on_windows("C:/Users/drive"));
    std::env::set_var("USERPROFILE", "/profile");
    assert_eq!(cache_of().ok(), on_windows("/profile"));
    std::env::set_var("HOME", "/home/me");
    assert_eq!(
        cache_of().unwrap(),
        std::path::Path::new("/home/me/.aws/sso/cache")
    );
    // The AWS CLI's cache of role credentials, which `aws sso logout` clears,
    // is found from the same home.
    assert_eq!(
        ssooidc_token::cache::cli_credentials_dir().unwrap(),
        std::path::Path::new("/home/me/.aws/cli/cache")
    );
    for (name, value) in saved {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

/// The home of the real uid (`id -ru`) in `/etc/passwd`, read as glibc reads
/// it (comments and blank lines skipped); `None` for a user from elsewhere
/// (LDAP), whom the crate does not look up either.
fn passwd_home() -> Option<String> {
    let out = std::process::Command::new("id")
        .arg("-ru")
        .output()
        .expect("`id -ru` runs");
    let uid: u32 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    std::fs::read_to_string("/etc/passwd")
        .ok()?
        .lines()
        .map(str::trim_start)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.len() > 5 && fields[2].parse() == Ok(uid))
        .map(|fields| fields[5].to_owned())
        .filter(|home| home.starts_with('/'))
}

/// An empty `refreshToken`, `clientId` or `clientSecret` in a token file says
/// nothing: each reads as absent, so the token is valid but not refreshable
/// (the builder refuses an empty one, and a refresh could not be built).
#[test]
fn empty_refresh_members_read_as_absent() {
    let token = CachedToken::from_json(
        br#"{"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z","refreshToken":"","clientId":"","clientSecret":"","registrationExpiresAt":"2030-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert!(token.refresh_token().is_none());
    assert_eq!(token.client_id(), None);
    assert!(token.client_secret().is_none());
    assert!(token
        .refresh_request(std::time::SystemTime::UNIX_EPOCH)
        .is_err());
}
