//! The SSO token cache that the AWS CLI v2, botocore and the AWS SDKs share
//! (`~/.aws/sso/cache`): tokens, client registrations and their refresh.
//!
//! A token this crate stores is used by every AWS tool on the machine, and a token
//! `aws sso login` stored is read here. The file names, members and time forms
//! are the CLI's ([`CacheKey`], [`RegistrationKey`]); reading accepts what any of
//! the four tools ever wrote, and writing produces the one form they all read.
//! Writes are atomic; secrets are read and written through zeroizing buffers.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use ssooidc_token::cache::{CacheKey, CachedToken, Freshness, TokenCache};
//!
//! # let dir = std::env::temp_dir().join(format!("ssooidc-doc-mod-{}", std::process::id()));
//! let cache = TokenCache::new(&dir); // TokenCache::default_location()? for ~/.aws/sso/cache
//! let key = CacheKey::session("my-sso");
//! let now = SystemTime::now();
//! cache.store(&key, &CachedToken::builder()
//!     .access_token("aoaAAAAAGYm-access")
//!     .expires_at(now + Duration::from_secs(600))
//!     .build()?)?;
//!
//! let token = cache.load(&key)?.expect("stored above");
//! match token.freshness(now) {
//!     Freshness::Fresh | Freshness::RefreshSoon => { /* use token.access_token() */ }
//!     Freshness::RefreshNow => {
//!         // token.refresh_request(now) gives the CreateToken to send; then
//!         // cache.store(&key, &token.refreshed(&answer, now))
//!         assert!(token.refresh_request(now).is_err()); // no refresh token here
//!     }
//!     Freshness::Expired => { /* log in again */ }
//! }
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What is wiped and what is not: the file's bytes as read (one buffer of the
//! file's size plus one spare byte), the decoded secrets, the unknown members
//! kept, and the bytes written (each in one exact-size allocation) are wiped
//! when dropped. The operating system's page cache and the file
//! on disk are outside this crate's reach; so are the non-secret members (client
//! id, region, start URL), held as plain `String`s.

mod error;
mod file;
mod format;
mod key;
mod logout;
#[cfg(feature = "reqwest")]
mod on_thread;
mod registration;
#[cfg(feature = "portal")]
mod role_credentials;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod session;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod sso_login;
mod token;

pub use error::{CacheError, CacheErrorKind};
pub use file::TokenCache;
pub use key::{CacheKey, RegistrationKey};
pub use logout::{
    cli_credentials_dir, remove_sso_credentials, CachedLogin, LogoutOutcome, SsoLogout,
};
pub use registration::{CachedRegistration, Flow, REGISTRATION_MARGIN};
#[cfg(feature = "portal")]
#[cfg_attr(docsrs, doc(cfg(feature = "portal")))]
pub use role_credentials::{RoleCredentialsCache, RoleCredentialsKey, CLI_EXPIRY_WINDOW};
#[cfg(any(feature = "ureq", feature = "reqwest"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "ureq", feature = "reqwest"))))]
pub use session::{SessionError, SsoSession};
#[cfg(any(feature = "ureq", feature = "reqwest"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "ureq", feature = "reqwest"))))]
pub use sso_login::{LoginError, LoginPrompt, SsoLogin, SsoLoginBuilder};
pub use token::{
    CachedToken, CachedTokenBuilder, Freshness, NotRefreshable, REFRESH_NOW, REFRESH_SOON,
};
