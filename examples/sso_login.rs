//! `aws sso login`, in a few dozen lines: [`SsoLogin`] reuses the client
//! registration the AWS CLI cached (or registers and caches one), signs the
//! person in with PKCE (or the device flow with `--device`), and writes the token
//! where the CLI does (or to `--cache-dir`), for every AWS tool on the machine.
//!
//! ```text
//! cargo run --features cache,ureq --example sso_login -- SESSION START_URL REGION \
//!     [--device] [--scopes SCOPES] [--cache-dir DIR] [--endpoint URL]
//! cargo run --features cache,ureq --example sso_login -- --legacy START_URL REGION \
//!     [--cache-dir DIR] [--endpoint URL]
//! ```
//!
//! `--legacy` logs in a profile without an `sso-session` (its own
//! `sso_start_url` and `sso_region`), as the CLI does: the device flow, the
//! token under the start URL's key.
//!
//! A start URL on the organisation's own domain is resolved first, as `aws sso
//! login` resolves it: a `HEAD` to it (and a `GET` if `HEAD` is refused), whose
//! redirect must point to an AWS-owned `https://` portal; the portal's URL is
//! what the service is sent, and its host's region (if it names one) wins over
//! `REGION`, which the example then says (update `sso_region` in the config).
//!
//! `--scopes` is the session's `sso_registration_scopes` as the config file has
//! it (`"sso:account:access, codewhisperer:completions"`; `""` when the setting is
//! there but empty).
//!
//! (`https://` endpoints need a TLS backend: add `ureq/rustls` to the features.)
//! `tests/sso_login_example.rs` runs it against a local stand-in, for both flows.

use ssooidc_token::cache::{CachedToken, Flow, LoginPrompt, SsoLogin, TokenCache};
use ssooidc_token::login::ResolvedStartUrl;
use ssooidc_token::Endpoint;
use std::error::Error;

/// Parses the arguments (after the program name), logs in; `open` gets the prompt.
pub fn login(
    args: impl IntoIterator<Item = String>,
    open: impl FnOnce(&LoginPrompt<'_>),
) -> Result<CachedToken, Box<dyn Error>> {
    let usage =
        "usage: sso_login SESSION START_URL REGION [--device] [--scopes SCOPES] [--cache-dir DIR] [--endpoint URL]\n       sso_login --legacy START_URL REGION [--cache-dir DIR] [--endpoint URL]";
    let (mut positional, mut flow, mut dir, mut base) = (Vec::new(), Flow::Pkce, None, None);
    let (mut scopes, mut legacy) = (None, false);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--device" => flow = Flow::Device,
            "--legacy" => (legacy, flow) = (true, Flow::Device),
            "--scopes" => scopes = Some(args.next().ok_or(usage)?),
            "--cache-dir" => dir = Some(args.next().ok_or(usage)?),
            "--endpoint" => base = Some(args.next().ok_or(usage)?),
            _ => positional.push(arg),
        }
    }
    if legacy {
        positional.insert(0, String::new());
    }
    let [session, start_url, region] = <[String; 3]>::try_from(positional).map_err(|_| usage)?;
    let agent = ureq::Agent::new_with_defaults();
    // As the CLI: a vanity start URL is followed (one redirect, not visited) to
    // its AWS access portal, whose host name may carry the region.
    let resolved = ResolvedStartUrl::resolve_blocking(&agent, &start_url, Some(&region))?;
    if resolved.region() != region {
        // The CLI rewrites `sso_region` in the config file at this point.
        eprintln!(
            "The start URL's portal is in {}: set sso_region to it.",
            resolved.region()
        );
    }
    let endpoint = match base {
        Some(url) => Endpoint::custom(&url, resolved.region())?,
        None => Endpoint::new(resolved.region())?,
    };
    let cache = match dir {
        Some(dir) => TokenCache::new(dir),
        None => TokenCache::default_location()?,
    };
    // Either setter gives the same builder type: choose at run time.
    let login = if legacy {
        SsoLogin::builder().legacy_profile()
    } else {
        SsoLogin::builder().session_name(session)
    };
    let mut login = login
        .start_url(start_url)
        .endpoint(endpoint)
        .cache(cache)
        .resolved(resolved)
        .flow(flow);
    if let Some(scopes) = scopes {
        login = login.registration_scopes(&scopes);
    }
    let login = login.build()?;
    Ok(login.login_blocking(&agent, open)?)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    // A real tool also opens prompt.url() in the browser.
    let token = login(std::env::args().skip(1), |prompt| println!("{prompt}"))?;
    println!("Signed in until {:?}", token.expires_at());
    Ok(())
}
