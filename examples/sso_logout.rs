//! `aws sso logout`, in a few lines: every login in the SSO token cache is
//! signed out at the AWS access portal (`Logout`) and its file deleted, then
//! the role credentials the AWS CLI cached with SSO logins are deleted.
//!
//! ```text
//! cargo run --features cache,ureq,ureq/rustls --example sso_logout -- \
//!     [--cache-dir DIR] [--credentials-dir DIR] [--endpoint URL]
//! ```
//!
//! `--cache-dir` defaults to `~/.aws/sso/cache`, `--credentials-dir` to
//! `~/.aws/cli/cache`; `--endpoint` sends every `Logout` to that base URL
//! instead of each login's regional portal (a proxy, or a test's stand-in).
//! A portal that refuses (the token had already expired) does not keep a
//! login: the file is deleted all the same. A portal that cannot be reached
//! does: the file stays, so that the token can still be signed out by running
//! this again, and the example fails (the AWS CLI stops there too).
//!
//! (`https://` portals need a TLS backend: add `ureq/rustls` to the features,
//! `--features cache,ureq,ureq/rustls`; without one, every login is kept.)
//! `tests/sso_logout_example.rs` runs it against a local stand-in.

use ssooidc_token::cache::{
    cli_credentials_dir, remove_sso_credentials, LogoutOutcome, TokenCache,
};
use ssooidc_token::Endpoint;
use std::error::Error;
use std::path::PathBuf;

/// What a logout did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Logins the portal signed out.
    pub signed_out: usize,
    /// Logins the portal refused to sign out (their files deleted).
    pub refused: usize,
    /// Logins the portal could not be asked about (their files kept).
    pub kept: usize,
    /// Logins with no region (nothing to send).
    pub not_sent: usize,
    /// Token files deleted.
    pub deleted: usize,
    /// Role-credential files deleted.
    pub credentials: usize,
}

/// Parses the arguments (after the program name) and logs out.
pub fn logout(args: impl IntoIterator<Item = String>) -> Result<Report, Box<dyn Error>> {
    let usage = "usage: sso_logout [--cache-dir DIR] [--credentials-dir DIR] [--endpoint URL]";
    let (mut dir, mut credentials, mut base) = (None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let slot = match arg.as_str() {
            "--cache-dir" => &mut dir,
            "--credentials-dir" => &mut credentials,
            "--endpoint" => &mut base,
            _ => return Err(usage.into()),
        };
        *slot = Some(args.next().ok_or(usage)?);
    }
    let cache = match dir {
        Some(dir) => TokenCache::new(dir),
        None => TokenCache::default_location()?,
    };
    let agent = ureq::Agent::new_with_defaults();
    let mut report = Report::default();
    for login in cache.logins()? {
        if let Some(logout) = login.logout() {
            let endpoint = match &base {
                Some(url) => Endpoint::custom(url, logout.region())?,
                None => logout.endpoint().clone(),
            };
            match logout.send_blocking(&agent, &endpoint) {
                Ok(LogoutOutcome::LoggedOut) => report.signed_out += 1,
                Ok(refused) => {
                    report.refused += 1;
                    eprintln!("{}: {refused:?}", login.path().display());
                }
                Err(err) => {
                    report.kept += 1;
                    eprintln!("{}: kept, not signed out: {err}", login.path().display());
                    continue;
                }
            }
        } else {
            report.not_sent += 1;
        }
        login.remove()?;
        report.deleted += 1;
    }
    let credentials = match credentials {
        Some(dir) => PathBuf::from(dir),
        None => cli_credentials_dir()?,
    };
    report.credentials = remove_sso_credentials(&credentials)?.len();
    Ok(report)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let report = logout(std::env::args().skip(1))?;
    println!(
        "Logged out: {} signed out at AWS, {} refused, {} with no region; {} token files and {} role-credential files deleted.",
        report.signed_out, report.refused, report.not_sent, report.deleted, report.credentials
    );
    if report.kept > 0 {
        return Err(format!(
            "{} logins kept: the portal could not be reached",
            report.kept
        )
        .into());
    }
    Ok(())
}
