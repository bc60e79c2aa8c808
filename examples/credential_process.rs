//! A `credential_process` for an SSO role: the role credentials of an
//! account, from the token `aws sso login` (or this crate's `SsoLogin`) left
//! in the SSO token cache, refreshed first when due, printed as the AWS CLI,
//! botocore and the SDKs read a `credential_process`'s answer.
//!
//! ```text
//! cargo run --features portal,cache,ureq,ureq/rustls --example credential_process -- \
//!     SESSION SSO_REGION ACCOUNT_ID ROLE_NAME [--cache-dir DIR] [--credentials-dir DIR] \
//!     [--oidc-endpoint URL] [--portal-endpoint URL]
//! ```
//!
//! In `~/.aws/config`, with the built binary:
//!
//! ```text
//! [profile dev-readonly]
//! credential_process = /path/to/credential_process my-sso eu-west-1 123456789012 ReadOnly
//! ```
//!
//! `SESSION` is the `sso-session` name the login used; `--cache-dir`
//! defaults to `~/.aws/sso/cache`; the endpoints default to the region's
//! OIDC service and access portal (a proxy, or a test's stand-ins, otherwise).
//! Role credentials are kept where the AWS CLI keeps its own
//! (`--credentials-dir`, `~/.aws/cli/cache`): credentials the CLI or an
//! earlier run cached are used while at least 15 minutes from expiring (a
//! `credential_process` runs for every command), and new ones are cached for
//! the CLI and the next run. The secrets go from zeroizing memory to those
//! files (0600) and standard output, and nowhere else.
//! `tests/credential_process_example.rs` runs it against local stand-ins.

use std::error::Error;
use std::io::Write;

use ssooidc_token::cache::{
    CacheKey, RoleCredentialsCache, RoleCredentialsKey, SsoSession, TokenCache,
};
use ssooidc_token::portal::{self, GetRoleCredentials};
use ssooidc_token::{Endpoint, JsonBody};

/// Parses the arguments (after the program name) and returns the answer to
/// print.
pub fn credentials(args: impl IntoIterator<Item = String>) -> Result<JsonBody, Box<dyn Error>> {
    let usage = "usage: credential_process SESSION SSO_REGION ACCOUNT_ID ROLE_NAME \
                 [--cache-dir DIR] [--credentials-dir DIR] [--oidc-endpoint URL] [--portal-endpoint URL]";
    let (mut positional, mut dir, mut credentials_dir, mut oidc, mut portal_url) =
        (Vec::new(), None, None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let slot = match arg.as_str() {
            "--cache-dir" => &mut dir,
            "--credentials-dir" => &mut credentials_dir,
            "--oidc-endpoint" => &mut oidc,
            "--portal-endpoint" => &mut portal_url,
            _ if !arg.starts_with("--") => {
                positional.push(arg);
                continue;
            }
            _ => return Err(usage.into()),
        };
        *slot = Some(args.next().ok_or(usage)?);
    }
    let [session, region, account, role] =
        <[String; 4]>::try_from(positional).map_err(|_| usage)?;
    let cache = match dir {
        Some(dir) => TokenCache::new(dir),
        None => TokenCache::default_location()?,
    };
    let oidc = match oidc {
        Some(url) => Endpoint::custom(&url, &region)?,
        None => Endpoint::new(&region)?,
    };
    let portal_endpoint = match portal_url {
        Some(url) => Endpoint::custom(&url, &region)?,
        None => portal::endpoint(&region)?,
    };
    let roles = match credentials_dir {
        Some(dir) => RoleCredentialsCache::new(dir),
        None => RoleCredentialsCache::new(ssooidc_token::cache::cli_credentials_dir()?),
    };
    let role_key = RoleCredentialsKey::session(&session, &account, &role);
    // What the CLI (or an earlier run) cached, while it has 15 minutes left.
    // A file that cannot be read is replaced below.
    if let Ok(Some(cached)) = roles.load_fresh(&role_key, std::time::SystemTime::now()) {
        return Ok(cached.to_credential_process_json());
    }
    let agent = ureq::Agent::new_with_defaults();
    // The cached token, refreshed first if it is about to expire (and the
    // refreshed one written back, for every other tool).
    let token = SsoSession::new(cache, CacheKey::session(&session), oidc).token_blocking(&agent)?;
    let answer = GetRoleCredentials::builder()
        .access_token(token.access_token())
        .account_id(account)
        .role_name(role)
        .build()?
        .send_blocking(&agent, &portal_endpoint)?;
    // The credentials are printed even if they cannot be cached.
    if let Err(err) = roles.store(&role_key, answer.credentials()) {
        eprintln!("credential_process: not cached: {err}");
    }
    Ok(answer.credentials().to_credential_process_json())
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let answer = credentials(std::env::args().skip(1))?;
    let mut out = std::io::stdout().lock();
    out.write_all(ssooidc_token::ExposeSecret::expose_secret(&answer))?;
    out.flush()?;
    Ok(())
}
