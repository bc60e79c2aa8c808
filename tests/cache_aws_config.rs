//! A token this crate stores in `~/.aws/sso/cache` is the token the AWS SDK for
//! Rust reads: `aws-config`'s `SsoTokenProvider`, with `HOME` pointed at a
//! temporary directory, returns the same access token and expiry.
//!
//! A test binary of its own: it changes `HOME` for the whole process.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::sso::SsoTokenProvider;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::token::ProvideToken;
use aws_smithy_async::time::SharedTimeSource;
use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

#[test]
fn aws_config_reads_what_this_crate_stores() {
    let home = TempDir::new("aws-config-home");
    std::env::set_var("HOME", home.path());
    let cache = TokenCache::default_location().unwrap();
    assert_eq!(cache.dir(), home.path().join(".aws/sso/cache"));

    // A whole second, far from any refresh window (aws-config refreshes within
    // 5 minutes of expiry, which would need the network).
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 8 * 3600;
    let expires_at = UNIX_EPOCH + Duration::from_secs(secs);
    let token = CachedToken::builder()
        .access_token("aoaAAAAAGYm-access-\u{e9}\"\\/")
        .expires_at(expires_at)
        .refresh_token("aorvJYubGpU6i91YnH7Mfo-refresh")
        .client_id("_yzkThXVzLWVhc3QtMQ")
        .client_secret("VERYLONGSECRET")
        .registration_expires_at(expires_at + Duration::from_secs(90 * 86_400))
        .region("us-east-1")
        .start_url("https://d-abc123.awsapps.com/start")
        .build()
        .unwrap();
    cache.store(&CacheKey::session("my-sso"), &token).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let read = runtime.block_on(async {
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .time_source(SharedTimeSource::default())
            .build();
        let provider = SsoTokenProvider::builder()
            .configure(&config)
            .region(aws_config::Region::new("us-east-1"))
            .session_name("my-sso")
            .start_url("https://d-abc123.awsapps.com/start")
            .build()
            .await;
        provider
            .provide_token()
            .await
            .expect("aws-config read the token")
    });
    assert_eq!(read.token(), "aoaAAAAAGYm-access-\u{e9}\"\\/");
    assert_eq!(read.expiration(), Some(expires_at));
}
