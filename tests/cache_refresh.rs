//! Refresh as the CLI does it, on a simulated clock: the freshness windows, when a
//! token can be refreshed and why not, what the refreshed token keeps, and the
//! CLI's rule for reusing a client registration.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ssooidc_token::cache::{
    CacheKey, CachedRegistration, CachedToken, Flow, Freshness, NotRefreshable, TokenCache,
};
use ssooidc_token::login::{RegisterClient, RegisterClientResponse};
use ssooidc_token::{CreateTokenResponse, ExposeSecret, Rule};

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

const EXPIRY: u64 = 1_800_000_000;

fn expiry() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(EXPIRY)
}

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

fn full_token() -> CachedToken {
    CachedToken::builder()
        .access_token("old-access")
        .expires_at(expiry())
        .refresh_token("old-refresh")
        .client_id("client")
        .client_secret("client-secret")
        .registration_expires_at(expiry() + minutes(60 * 24 * 90))
        .region("us-east-1")
        .start_url("https://d-1.awsapps.com/start")
        .build()
        .unwrap()
}

#[test]
fn freshness_windows_are_15_and_10_minutes() {
    let token = full_token();
    let one = Duration::from_secs(1);
    for (now, expected) in [
        (expiry() - minutes(60), Freshness::Fresh),
        (expiry() - minutes(15) - one, Freshness::Fresh),
        (expiry() - minutes(15), Freshness::RefreshSoon),
        (expiry() - minutes(10) - one, Freshness::RefreshSoon),
        (expiry() - minutes(10), Freshness::RefreshNow),
        (expiry() - one, Freshness::RefreshNow),
        (expiry(), Freshness::Expired),
        (expiry() + minutes(60), Freshness::Expired),
    ] {
        assert_eq!(token.freshness(now), expected, "{now:?}");
    }
}

#[test]
fn the_refresh_request_carries_the_client_and_refresh_token() {
    let request = full_token().refresh_request(expiry()).unwrap();
    assert_eq!(
        request.to_json().expose_secret(),
        br#"{"clientId":"client","clientSecret":"client-secret","grantType":"refresh_token","refreshToken":"old-refresh"}"#
    );
}

#[test]
fn each_missing_piece_is_named() {
    let now = expiry();
    let base = || {
        CachedToken::builder()
            .access_token("a")
            .expires_at(expiry())
    };
    let later = expiry() + minutes(60);
    let cases = [
        (
            base()
                .client_id("c")
                .client_secret("s")
                .registration_expires_at(later)
                .build()
                .unwrap(),
            NotRefreshable::NoRefreshToken,
            "refreshToken",
        ),
        (
            base()
                .refresh_token("r")
                .client_secret("s")
                .registration_expires_at(later)
                .build()
                .unwrap(),
            NotRefreshable::NoClientId,
            "clientId",
        ),
        (
            base()
                .refresh_token("r")
                .client_id("c")
                .registration_expires_at(later)
                .build()
                .unwrap(),
            NotRefreshable::NoClientSecret,
            "clientSecret",
        ),
        (
            base()
                .refresh_token("r")
                .client_id("c")
                .client_secret("s")
                .build()
                .unwrap(),
            NotRefreshable::NoRegistrationExpiry,
            "registrationExpiresAt",
        ),
        (
            base()
                .refresh_token("r")
                .client_id("c")
                .client_secret("s")
                .registration_expires_at(now)
                .build()
                .unwrap(),
            NotRefreshable::RegistrationExpired,
            "registrationExpiresAt",
        ),
    ];
    for (token, reason, member) in cases {
        let err = token.refresh_request(now).unwrap_err();
        assert_eq!(err, reason);
        assert!(err.to_string().contains(member), "{err}");
    }
}

#[test]
fn refreshed_keeps_the_client_and_takes_the_new_tokens() {
    let now = expiry() - minutes(12);
    let token = full_token();
    let answer = CreateTokenResponse::from_json(
        br#"{"accessToken":"new-access","tokenType":"Bearer","expiresIn":28800,"refreshToken":"new-refresh"}"#,
    )
    .unwrap();
    let refreshed = token.refreshed(&answer, now);
    assert_eq!(refreshed.access_token().expose_secret(), "new-access");
    assert_eq!(
        refreshed.refresh_token().unwrap().expose_secret(),
        "new-refresh"
    );
    assert_eq!(refreshed.expires_at(), now + Duration::from_secs(28_800));
    assert_eq!(refreshed.freshness(now), Freshness::Fresh);
    assert_eq!(refreshed.client_id(), Some("client"));
    assert_eq!(
        refreshed.client_secret().unwrap().expose_secret(),
        "client-secret"
    );
    assert_eq!(
        refreshed.registration_expires_at(),
        token.registration_expires_at()
    );
    assert_eq!(refreshed.region(), Some("us-east-1"));
    assert_eq!(refreshed.start_url(), Some("https://d-1.awsapps.com/start"));
    // The old token is untouched.
    assert_eq!(token.access_token().expose_secret(), "old-access");

    let without_refresh =
        CreateTokenResponse::from_json(br#"{"accessToken":"newer","expiresIn":3600}"#).unwrap();
    let again = refreshed.refreshed(&without_refresh, now);
    assert_eq!(
        again.refresh_token().unwrap().expose_secret(),
        "new-refresh"
    );
    // No expiresIn: the service's default, 0: due at once.
    let no_expiry = CreateTokenResponse::from_json(br#"{"accessToken":"n"}"#).unwrap();
    assert_eq!(
        again.refreshed(&no_expiry, now).freshness(now),
        Freshness::Expired
    );
}

/// An expiry the cache cannot write is brought into its range (1970 to 9999):
/// a clock set before 1970 gives 1970's first second, not 9999's last.
#[test]
fn an_expiry_outside_the_writable_range_is_clamped_to_its_near_end() {
    let token = full_token();
    let answer = CreateTokenResponse::from_json(br#"{"accessToken":"n","expiresIn":60}"#).unwrap();
    let before_1970 = UNIX_EPOCH - Duration::from_secs(3_600);
    let refreshed = token.refreshed(&answer, before_1970);
    assert_eq!(refreshed.expires_at(), UNIX_EPOCH);
    assert_eq!(refreshed.freshness(SystemTime::now()), Freshness::Expired);
    let no_expiry = CreateTokenResponse::from_json(br#"{"accessToken":"n"}"#).unwrap();
    assert_eq!(
        token.refreshed(&no_expiry, before_1970).expires_at(),
        UNIX_EPOCH
    );
    // And the file written from it says 1970.
    let dir = TempDir::new("clamp");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    cache.store(&key, &refreshed).unwrap();
    let file = std::fs::read_to_string(dir.path().join(key.file_name())).unwrap();
    assert!(
        file.contains(r#""expiresAt":"1970-01-01T00:00:00Z""#),
        "{file}"
    );
}

#[test]
fn a_refreshed_file_keeps_unknown_members() {
    let dir = TempDir::new("refresh");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    std::fs::write(
        cache.token_path(&key),
        r#"{"accessToken":"a","expiresAt":"2027-01-15T08:00:00Z","refreshToken":"r","clientId":"c",
            "clientSecret":"s","registrationExpiresAt":"2027-04-15T08:00:00Z","otherTool":{"k":1}}"#,
    )
    .unwrap();
    let token = cache.load(&key).unwrap().unwrap();
    let answer =
        CreateTokenResponse::from_json(br#"{"accessToken":"b","expiresIn":3600}"#).unwrap();
    cache
        .store(&key, &token.refreshed(&answer, token.expires_at()))
        .unwrap();
    let raw = std::fs::read_to_string(cache.token_path(&key)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(value["otherTool"], serde_json::json!({"k": 1}));
    assert_eq!(value["accessToken"], "b");
    assert_eq!(value["expiresAt"], "2027-01-15T09:00:00Z");
    assert_eq!(value["refreshToken"], "r");
    assert_eq!(value["registrationExpiresAt"], "2027-04-15T08:00:00Z");
}

#[test]
fn the_builder_names_each_bad_field() {
    let err = CachedToken::builder()
        .access_token(" ")
        .expires_at(UNIX_EPOCH - Duration::from_secs(1))
        .refresh_token("")
        .client_id("")
        .client_secret("")
        .registration_expires_at(UNIX_EPOCH + Duration::from_secs(253_402_300_800))
        .region("us east 1")
        .start_url("not a url")
        .build()
        .unwrap_err();
    let found: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.field(), *p.rule()))
        .collect();
    assert_eq!(
        found,
        [
            ("access_token", Rule::Blank),
            ("expires_at", Rule::Timestamp),
            ("refresh_token", Rule::Empty),
            ("client_id", Rule::Empty),
            ("client_secret", Rule::Empty),
            ("registration_expires_at", Rule::Timestamp),
            ("region", Rule::Region),
            ("start_url", Rule::AbsoluteUri),
        ]
    );
}

fn registration(grant_types: &[&str], expires_at: u64) -> CachedRegistration {
    let mut builder = RegisterClient::builder().client_name("botocore-client-dev");
    for grant_type in grant_types {
        builder = builder.grant_type(*grant_type);
    }
    if !grant_types.is_empty() {
        builder = builder.redirect_uri("http://127.0.0.1/oauth/callback");
    }
    let request = builder.build().unwrap();
    let answer = RegisterClientResponse::from_json(
        format!(r#"{{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":{expires_at}}}"#)
            .as_bytes(),
    )
    .unwrap();
    CachedRegistration::from_response(&request, &answer).unwrap()
}

#[test]
fn registrations_are_reused_as_the_cli_reuses_them() {
    let device = registration(&[], EXPIRY);
    let pkce = registration(&["authorization_code", "refresh_token"], EXPIRY);
    let early = expiry() - minutes(60);
    let late = expiry() - minutes(15);
    assert!(device.reusable_for(Flow::Device, early));
    assert!(
        !device.reusable_for(Flow::Pkce, early),
        "PKCE needs authorization_code"
    );
    assert!(pkce.reusable_for(Flow::Pkce, early));
    assert!(
        !pkce.reusable_for(Flow::Device, early),
        "device skips authorization_code"
    );
    // The CLI's rule is `seconds < 900` for expired: exactly 15 minutes left
    // still reuses, a second less does not.
    assert!(device.reusable_for(Flow::Device, late));
    assert!(pkce.reusable_for(Flow::Pkce, late));
    let within = late + Duration::from_secs(1);
    assert!(
        !device.reusable_for(Flow::Device, within),
        "within 15 minutes of expiry"
    );
    assert!(!pkce.reusable_for(Flow::Pkce, within));
    assert!(!device.reusable_for(Flow::Device, expiry() + minutes(1)));
}
