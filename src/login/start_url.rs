//! Start-URL resolution as `aws sso login` does it: see [`ResolvedStartUrl`].

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

/// Host-name endings the CLI counts as AWS-owned (each also counts alone,
/// without its leading dot).
const AWS_OWNED_SUFFIXES: [&str; 8] = [
    ".app.aws",
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".app.amazonwebservices.com.cn",
    ".portal.amazonaws.eu",
    ".api.amazonwebservices.eu",
    ".awsapps.com",
    ".awsapps.cn",
];

/// Host names the CLI counts as AWS-owned as they are.
const AWS_OWNED_EXACT: [&str; 4] = [
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
    "identitycenter.us-gov.amazonaws.com",
];

/// The portal host names that carry their region:
/// `<instance>.portal.<region>.<tail>` for the first list,
/// `<instance>.<region>.portal.<tail>` for the second.
const REGION_AFTER_PORTAL: [&str; 3] = [
    "app.aws",
    "app.amazonwebservices.com.cn",
    "api.amazonwebservices.eu",
];
const REGION_BEFORE_PORTAL: [&str; 3] = ["amazonaws.com", "amazonaws.com.cn", "amazonaws.eu"];

/// The schemes Python's `urlunsplit` writes with `//` even without a host.
const USES_NETLOC: [&str; 24] = [
    "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
    "snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git",
    "git+ssh", "ws", "wss",
];

/// The redirect statuses the CLI follows (once).
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// Whether the CLI counts `host` as AWS-owned: one of its exact host names, or
/// ending in one of its portal domains (`.awsapps.com`, `.app.aws`...), compared
/// ignoring ASCII case and trailing dots.
///
/// ```
/// use ssooidc_token::login::is_aws_owned_host;
///
/// assert!(is_aws_owned_host("d-1234567890.awsapps.com"));
/// assert!(is_aws_owned_host("SSOINS-1234.portal.us-west-2.app.aws."));
/// assert!(!is_aws_owned_host("awsapps.com.example.org"));
/// assert!(!is_aws_owned_host("evilawsapps.com"));
/// ```
#[must_use]
pub fn is_aws_owned_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let ends_with = |suffix: &str| {
        host.len() >= suffix.len()
            && host.as_bytes()[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    AWS_OWNED_EXACT
        .iter()
        .any(|exact| host.eq_ignore_ascii_case(exact))
        || AWS_OWNED_SUFFIXES
            .iter()
            .any(|suffix| host.eq_ignore_ascii_case(&suffix[1..]) || ends_with(suffix))
}

/// The region an access portal's host name carries, lower-cased, as the CLI
/// reads it: `<instance>.portal.<region>.app.aws`,
/// `<instance>.<region>.portal.amazonaws.com` and their China and EU forms;
/// `None` for any other host (`d-1234567890.awsapps.com` carries none), and
/// for a host with non-ASCII characters.
///
/// ```
/// use ssooidc_token::login::region_from_host;
///
/// assert_eq!(region_from_host("ssoins-1.portal.us-west-2.app.aws").as_deref(), Some("us-west-2"));
/// assert_eq!(region_from_host("ssoins-1.EU-CENTRAL-1.portal.amazonaws.com").as_deref(), Some("eu-central-1"));
/// assert_eq!(region_from_host("d-1234567890.awsapps.com"), None);
/// ```
#[must_use]
pub fn region_from_host(host: &str) -> Option<String> {
    if !host.is_ascii() {
        return None;
    }
    // Compared ignoring ASCII case, as the CLI compares the lower-cased host:
    // only the region found is lower-cased (no copy of the host).
    let host = host.trim_end_matches('.');
    // The CLI's patterns end in `$`, which Python also matches before a final
    // line feed.
    let host = host.strip_suffix('\n').unwrap_or(host);
    let (instance, rest) = host.split_once('.')?;
    if instance.is_empty() {
        return None;
    }
    let region_label = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let known = |tails: &[&str], tail: &str| tails.iter().any(|t| t.eq_ignore_ascii_case(tail));
    if let Some((region, tail)) = after_portal(rest).and_then(|after| after.split_once('.')) {
        if region_label(region) && known(&REGION_AFTER_PORTAL, tail) {
            return Some(region.to_ascii_lowercase());
        }
    }
    let (region, tail) = rest.split_once('.')?;
    let tail = after_portal(tail)?;
    (region_label(region) && known(&REGION_BEFORE_PORTAL, tail))
        .then(|| region.to_ascii_lowercase())
}

/// `text` after a leading `portal.` in any case.
fn after_portal(text: &str) -> Option<&str> {
    let (head, rest) = text.split_at_checked("portal.".len())?;
    head.eq_ignore_ascii_case("portal.").then_some(rest)
}

/// A URL split as Python's `urllib.parse.urlsplit` splits it, over visible
/// ASCII only.
#[derive(Debug, Clone, Copy)]
struct Parts<'a> {
    /// As written (compare ignoring case).
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

impl<'a> Parts<'a> {
    /// `None` for anything but visible ASCII.
    fn split(url: &'a str) -> Option<Self> {
        let (scheme, rest) = Self::scheme_and_rest(url)?;
        Some(Self::split_rest(scheme, rest))
    }

    /// The first steps of [`split`](Self::split): `None` for a URL that is not
    /// visible ASCII; else its scheme (if any) and what follows the `:`.
    fn scheme_and_rest(url: &'a str) -> Option<(Option<&'a str>, &'a str)> {
        // Byte scans: a URL is checked to be ASCII before any index is used.
        if !url
            .bytes()
            .fold(true, |graphic, b| graphic & b.is_ascii_graphic())
        {
            return None;
        }
        if let Some(colon) = url.bytes().position(|b| b == b':') {
            let name = &url[..colon];
            let b = name.as_bytes();
            if b.first().is_some_and(u8::is_ascii_alphabetic)
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
            {
                return Some((Some(name), &url[colon + 1..]));
            }
        }
        Some((None, url))
    }

    /// The rest of [`split`](Self::split), from what
    /// [`scheme_and_rest`](Self::scheme_and_rest) gave.
    fn split_rest(scheme: Option<&'a str>, rest: &'a str) -> Self {
        let position = |text: &str, at: fn(u8) -> bool| text.bytes().position(at);
        let mut rest = rest;
        let mut authority = None;
        if let Some(after) = rest.strip_prefix("//") {
            let end = position(after, |b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(after.len());
            authority = Some(&after[..end]);
            rest = &after[end..];
        }
        let (rest, fragment) = match position(rest, |b| b == b'#') {
            Some(hash) => (&rest[..hash], Some(&rest[hash + 1..])),
            None => (rest, None),
        };
        let (path, query) = match position(rest, |b| b == b'?') {
            Some(mark) => (&rest[..mark], Some(&rest[mark + 1..])),
            None => (rest, None),
        };
        Self {
            scheme,
            authority,
            path,
            query,
            fragment,
        }
    }

    fn is_scheme(&self, name: &str) -> bool {
        self.scheme.is_some_and(|s| s.eq_ignore_ascii_case(name))
    }

    /// The host (lower-cased, an IPv6 literal in its brackets; borrowed when
    /// it has no upper case) and the port; `Err` for a port that is not a
    /// number up to 65535.
    fn host_port(&self) -> Result<(Option<Cow<'a, str>>, Option<u16>), ()> {
        let Some(authority) = self.authority else {
            return Ok((None, None));
        };
        let host_info = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if let Some(bracketed) = host_info.strip_prefix('[') {
            let (inside, after) = bracketed.split_once(']').ok_or(())?;
            let port = match after.split_once(':') {
                Some((_, port)) => port,
                None => "",
            };
            // `[`, the literal, `]`: ASCII (checked by `split`), so the index
            // is a character boundary.
            (lower_case(&host_info[..inside.len() + 2]), port)
        } else {
            let (host, port) = host_info.split_once(':').unwrap_or((host_info, ""));
            (lower_case(host), port)
        };
        let port = if port.is_empty() {
            None
        } else if port.bytes().all(|b| b.is_ascii_digit()) {
            // Leading zeros are read, as by Python (`:000443` is 443).
            let digits = port.trim_start_matches('0');
            if digits.len() > 5 {
                return Err(());
            }
            Some(if digits.is_empty() {
                0
            } else {
                digits.parse::<u16>().map_err(|_| ())?
            })
        } else {
            return Err(());
        };
        let host = (host != "[]" && !host.is_empty()).then_some(host);
        Ok((host, port))
    }
}

/// `text` in lower case: borrowed when it has no upper-case ASCII letter.
fn lower_case(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// `urllib.parse.urljoin(base, location)` for the redirect's `Location`.
fn join(base: &str, location: &str) -> Option<String> {
    if location.is_empty() {
        return Some(base.to_owned());
    }
    let (base_scheme, base_rest) = Parts::scheme_and_rest(base)?;
    let r = Parts::split(location)?;
    if r.scheme
        .is_some_and(|s| !base_scheme.is_some_and(|b| b.eq_ignore_ascii_case(s)))
    {
        return Some(location.to_owned());
    }
    let scheme = base_scheme.unwrap_or_default();
    let unsplit = |authority: &str, path: &str, query: Option<&str>, fragment: Option<&str>| {
        let parts = [Some(path), query, fragment];
        let len = scheme.len()
            + 4
            + authority.len()
            + parts.iter().flatten().map(|p| p.len() + 1).sum::<usize>();
        let mut url = String::with_capacity(len);
        url.extend(scheme.chars().map(|c| c.to_ascii_lowercase()));
        url.push_str("://");
        url.push_str(authority);
        if !path.is_empty() && !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(path);
        for (mark, part) in [('?', query), ('#', fragment)] {
            if let Some(part) = part.filter(|p| !p.is_empty()) {
                url.push(mark);
                url.push_str(part);
            }
        }
        url
    };
    if let Some(authority) = r.authority.filter(|a| !a.is_empty()) {
        return Some(unsplit(authority, r.path, r.query, r.fragment));
    }
    // Only a relative `Location` needs the rest of the base split.
    let b = Parts::split_rest(base_scheme, base_rest);
    let authority = b.authority.unwrap_or_default();
    if r.path.is_empty() {
        let query = r.query.filter(|q| !q.is_empty()).or(b.query);
        return Some(unsplit(authority, b.path, query, r.fragment));
    }
    let mut segments: Vec<&str> = Vec::new();
    if r.path.starts_with('/') {
        segments.extend(r.path.split('/'));
    } else {
        segments.extend(b.path.split('/'));
        if segments.last().is_some_and(|last| !last.is_empty()) {
            segments.pop();
        }
        segments.extend(r.path.split('/'));
        // Python drops the empty segments between the first and the last.
        let last = segments.len() - 1;
        let mut i = 0;
        segments.retain(|segment| {
            let keep = i == 0 || i == last || !segment.is_empty();
            i += 1;
            keep
        });
    }
    let mut resolved: Vec<&str> = Vec::new();
    for segment in &segments {
        match *segment {
            ".." => {
                resolved.pop();
            }
            "." => {}
            segment => resolved.push(segment),
        }
    }
    if segments
        .last()
        .is_some_and(|last| matches!(*last, "." | ".."))
    {
        resolved.push("");
    }
    let path = resolved.join("/");
    let path = if path.is_empty() { "/" } else { path.as_str() };
    Some(unsplit(authority, path, r.query, r.fragment))
}

/// The CLI's `_normalize_url`: scheme, host, the port unless the scheme's
/// default, the path without its `;params` and trailing `/`s; no user, query
/// or fragment; `host` and `port` are the ones [`Parts::host_port`] read.
fn normalize(parts: &Parts<'_>, host: Option<&str>, port: Option<u16>) -> String {
    let scheme = parts.scheme.unwrap_or_default();
    let default = if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else {
        None
    };
    let host = host.unwrap_or_default();
    let port = port.filter(|&p| p != 0 && Some(p) != default);
    // `urlparse` takes `;params` off the last segment.
    let path = parts.path;
    let last = path.rfind('/').map_or(0, |slash| slash);
    let path = match path[last..].find(';') {
        Some(semicolon) => &path[..last + semicolon],
        None => path,
    };
    let path = path.trim_end_matches('/');
    // Python's `urlunsplit`.
    let mut url = String::with_capacity(scheme.len() + 4 + host.len() + 6 + path.len());
    if !scheme.is_empty() {
        url.extend(scheme.chars().map(|c| c.to_ascii_lowercase()));
        url.push(':');
    }
    let uses_netloc = || {
        USES_NETLOC
            .iter()
            .any(|name| scheme.eq_ignore_ascii_case(name))
    };
    if !host.is_empty() || port.is_some() || (uses_netloc() && !path.starts_with("//")) {
        url.push_str("//");
        url.push_str(host);
        if let Some(port) = port {
            use std::fmt::Write as _;
            let _ = write!(url, ":{port}");
        }
        if !path.is_empty() && !path.starts_with('/') {
            url.push('/');
        }
    }
    url.push_str(path);
    url
}

/// A configured start URL as `aws sso login` resolves it before signing in (AWS
/// CLI v2, `awscli/customizations/sso/resolve.py`): a "vanity" URL on the
/// organisation's own domain is followed one redirect to the AWS-owned access
/// portal it stands for, and the region is read from that portal's host name.
///
/// An AWS-owned start URL (`https://d-1234567890.awsapps.com/start`,
/// `https://ssoins-1234.portal.us-west-2.app.aws`...) is used as written, with
/// the configured region, and nothing is sent. Any other `https://` URL is
/// probed: a `HEAD` (a `GET` where `HEAD` is answered 405 or 501), no body read,
/// no redirect followed; the one redirect's `Location` must be an `https://` URL
/// on an AWS-owned host. The crate puts nothing in the probe but the URL: no
/// body, no credentials (a start URL to probe with `user@` in it is refused,
/// as HTTP clients would send it as an `Authorization` header). Headers and
/// cookies your own client adds to every request go with it.
///
/// What the CLI then sends, and what this crate's `cache::SsoLogin`
/// sends given its `resolved` setting (feature `cache`): the
/// resolved URL as `issuerUrl` (`RegisterClient`) and `startUrl`
/// (`StartDeviceAuthorization`); the configured URL in the cache (the token
/// file's `startUrl`, the registration's key), so that every AWS tool reading
/// the cache finds the login under the URL its config names.
///
/// The steps without I/O, for any HTTP client:
///
/// ```
/// use ssooidc_token::login::{resolve_start_url, StartUrlStep};
///
/// // AWS-owned: resolved at once, nothing sent.
/// let StartUrlStep::Resolved(portal) =
///     resolve_start_url("https://d-1234567890.awsapps.com/start", Some("eu-west-1"))?
/// else { unreachable!() };
/// assert_eq!((portal.url(), portal.region()), ("https://d-1234567890.awsapps.com/start", "eu-west-1"));
///
/// // A vanity URL: probe it, hand over the answer's status and `Location`.
/// let StartUrlStep::Probe(probe) = resolve_start_url("https://sso.example.com", None)? else {
///     unreachable!()
/// };
/// assert_eq!((probe.method(), probe.url()), ("HEAD", "https://sso.example.com"));
/// let StartUrlStep::Resolved(portal) =
///     probe.on_answer(302, Some("https://ssoins-1234.portal.us-west-2.app.aws/?x=1"))?
/// else { unreachable!() };
/// assert_eq!(portal.url(), "https://ssoins-1234.portal.us-west-2.app.aws");
/// assert_eq!(portal.region(), "us-west-2"); // from the host name
/// assert!(portal.is_vanity());
/// # Ok::<(), ssooidc_token::login::StartUrlError>(())
/// ```
///
/// With feature `ureq`, `ResolvedStartUrl::resolve_blocking`; with `reqwest`,
/// `ResolvedStartUrl::resolve`: the whole resolution in one call.
///
/// Where this differs from the CLI, on purpose:
/// - a URL or `Location` with anything but visible ASCII (white space, control
///   characters, non-ASCII) is refused rather than cleaned up
///   ([`StartUrlError::InvalidUrl`], [`StartUrlError::InvalidLocation`]), and so
///   is a port that is not a number up to 65535 (the CLI stops with a Python
///   `ValueError`);
/// - a plain `http://` start URL is accepted for a loopback IP literal
///   (`127.0.0.1`, `[::1]`, with at most a port), a local stand-in, by the rule
///   the crate has for a public client's `http://` redirect URI (RFC 8252);
///   any other `http://` URL is refused as by the CLI. What it redirects to
///   must still be `https://` and AWS-owned;
/// - an IPv6 host keeps its brackets in the URLs this module gives back (such a
///   host is never AWS-owned, so only error messages show it);
/// - a start URL to probe with user info is refused
///   ([`StartUrlError::UserInfo`]), where the CLI fails to connect.
///
/// And one thing the CLI does that this crate leaves to you: after the login,
/// it writes the portal's region into the config file's `sso_region` (and
/// prints "SSO region updated to ..."). This crate writes no config file: when
/// [`region`](Self::region) differs from the configured region, update
/// `sso_region`, or the tools that read it (botocore's token refresh, SSO
/// credentials) use the old region.
///
/// A `ResolvedStartUrl` is the result: the URL to send as `issuerUrl` and
/// `startUrl`, and the session's region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedStartUrl {
    start_url: String,
    url: String,
    region: String,
}

impl ResolvedStartUrl {
    /// The start URL as configured: the one the cache names (the token file's
    /// `startUrl`, the registration's key).
    #[must_use]
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// The URL to send as `issuerUrl` and `startUrl`: the configured one when
    /// AWS-owned, else the portal it redirected to (normalized as the CLI
    /// does: no query, fragment, user or trailing `/`).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The region: from the portal's host name when it carries one
    /// ([`region_from_host`]), else the configured region.
    #[must_use]
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Whether the URL to send differs from the configured one (the CLI
    /// records this as its `SSO_LOGIN_VANITY_URL` feature).
    #[must_use]
    pub fn is_vanity(&self) -> bool {
        self.url != self.start_url
    }
}

/// Where a resolution stands: done, or waiting for the answer to a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum StartUrlStep {
    /// The start URL is resolved.
    Resolved(ResolvedStartUrl),
    /// Send this probe and give its answer to [`StartUrlProbe::on_answer`].
    Probe(StartUrlProbe),
}

/// A request to make to the configured start URL: [`method`](Self::method) on
/// [`url`](Self::url), no body, no redirect followed, the answer's body not
/// needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartUrlProbe {
    start_url: String,
    configured_region: Option<String>,
    head: bool,
}

/// Resolves `start_url` as `aws sso login` does (see [`ResolvedStartUrl`]):
/// resolved at once when its host is AWS-owned (which needs
/// `configured_region`), else a [`StartUrlProbe`] to send.
///
/// # Errors
/// [`StartUrlError::InvalidUrl`] (not a URL of visible ASCII with a host and
/// a valid port), [`StartUrlError::NotHttps`], [`StartUrlError::MissingRegion`],
/// [`StartUrlError::UserInfo`].
pub fn resolve_start_url(
    start_url: &str,
    configured_region: Option<&str>,
) -> Result<StartUrlStep, StartUrlError> {
    let parts = Parts::split(start_url).ok_or(StartUrlError::InvalidUrl)?;
    let host = parts.host_port().map(|(host, _)| host);
    // The one rule for plain `http://` in this crate: a loopback IP literal
    // (as for a public client's redirect URI, RFC 8252).
    let stand_in =
        || parts.is_scheme("http") && crate::validation::plain_http_is_loopback(start_url, 4);
    if !(parts.is_scheme("https") || stand_in()) {
        return Err(StartUrlError::NotHttps);
    }
    let host = host.ok().flatten().ok_or(StartUrlError::InvalidUrl)?;
    // An empty region is no region, as for the CLI.
    let configured_region = configured_region.filter(|region| !region.is_empty());
    if is_aws_owned_host(&host) {
        let region = configured_region.ok_or(StartUrlError::MissingRegion)?;
        return Ok(StartUrlStep::Resolved(ResolvedStartUrl {
            start_url: start_url.to_owned(),
            url: start_url.to_owned(),
            region: region.to_owned(),
        }));
    }
    // HTTP clients turn `user:password@` into an `Authorization` header; the
    // probe sends nothing but the URL.
    if parts
        .authority
        .is_some_and(|authority| authority.contains('@'))
    {
        return Err(StartUrlError::UserInfo);
    }
    Ok(StartUrlStep::Probe(StartUrlProbe {
        start_url: start_url.to_owned(),
        configured_region: configured_region.map(str::to_owned),
        head: true,
    }))
}

impl StartUrlProbe {
    /// `HEAD`, or `GET` after a `HEAD` answered 405 or 501.
    #[must_use]
    pub fn method(&self) -> &'static str {
        if self.head {
            "HEAD"
        } else {
            "GET"
        }
    }

    /// The configured start URL, to request (send it without its fragment, as
    /// HTTP clients do; `to_http`, feature `http`, leaves it out).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.start_url
    }

    /// Takes the answer's status and `Location` header: a 2xx means no
    /// redirect (the start URL itself, which is not AWS-owned: an error); a
    /// 301, 302, 303, 307 or 308 resolves to its `Location` (resolved against
    /// the start URL); a 405 or 501 to the `HEAD` asks for the `GET`.
    ///
    /// # Errors
    /// [`StartUrlError::HttpStatus`] for any other status,
    /// [`StartUrlError::NoLocation`], [`StartUrlError::InvalidLocation`], and,
    /// for what it resolves to, [`StartUrlError::NotAwsOwned`],
    /// [`StartUrlError::ResolvedNotHttps`], [`StartUrlError::NoRegion`].
    pub fn on_answer(
        self,
        status: u16,
        location: Option<&str>,
    ) -> Result<StartUrlStep, StartUrlError> {
        match status {
            200..=299 => {
                let url = self.start_url.clone();
                self.finish(&url)
            }
            405 | 501 if self.head => Ok(StartUrlStep::Probe(Self {
                head: false,
                ..self
            })),
            status if REDIRECTS.contains(&status) => {
                let location = location
                    .filter(|location| !location.is_empty())
                    .ok_or(StartUrlError::NoLocation { status })?;
                let joined =
                    join(&self.start_url, location).ok_or(StartUrlError::InvalidLocation)?;
                self.finish(&joined)
            }
            status => Err(StartUrlError::HttpStatus(status)),
        }
    }

    /// The CLI's checks on where the probe ended.
    fn finish(self, url: &str) -> Result<StartUrlStep, StartUrlError> {
        let parts = Parts::split(url).ok_or(StartUrlError::InvalidLocation)?;
        let (host, port) = parts
            .host_port()
            .map_err(|()| StartUrlError::InvalidLocation)?;
        let url = normalize(&parts, host.as_deref(), port);
        let Some(host) = host.filter(|host| is_aws_owned_host(host)) else {
            return Err(StartUrlError::NotAwsOwned { url });
        };
        if !parts.is_scheme("https") {
            return Err(StartUrlError::ResolvedNotHttps { url });
        }
        let region = region_from_host(&host)
            .or(self.configured_region)
            .ok_or(StartUrlError::NoRegion)?;
        Ok(StartUrlStep::Resolved(ResolvedStartUrl {
            start_url: self.start_url,
            url,
            region,
        }))
    }
}

/// Why a start URL could not be resolved. `Display` says what was wrong; the
/// URLs it shows are the normalized ones (no query, fragment or user).
#[derive(Debug)]
#[non_exhaustive]
pub enum StartUrlError {
    /// The start URL is not a URL of visible ASCII with a host (and, if any, a
    /// port from 0 to 65535).
    InvalidUrl,
    /// The start URL is not `https://` (nor `http://` to a loopback IP literal).
    NotHttps,
    /// The start URL to probe has user info (`user:password@`), which HTTP
    /// clients would send to its host as an `Authorization` header. (The CLI
    /// fails to connect to such a URL.)
    UserInfo,
    /// The start URL is AWS-owned and no region was configured (`sso_region`).
    MissingRegion,
    /// The probe was answered with a status that is neither success nor a
    /// redirect.
    HttpStatus(u16),
    /// A redirect without a `Location` header, or with an empty one.
    NoLocation {
        /// The redirect's status.
        status: u16,
    },
    /// The redirect's `Location` is not a URL of visible ASCII with a valid port.
    InvalidLocation,
    /// The start URL resolved to a host that is not AWS-owned (no redirect, or
    /// a redirect elsewhere).
    NotAwsOwned {
        /// Where it resolved to, normalized.
        url: String,
    },
    /// The start URL redirected to an AWS-owned host over plain `http://`.
    ResolvedNotHttps {
        /// Where it resolved to, normalized.
        url: String,
    },
    /// The portal's host name carries no region and none was configured.
    NoRegion,
    /// The probe could not be sent or answered (connection, TLS, timeout).
    Transport(Box<dyn Error + Send + Sync>),
}

impl fmt::Display for StartUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl => f.write_str("start URL: not a URL of visible ASCII characters with a host and a valid port"),
            Self::NotHttps => f.write_str("start URL: must use https (http only to 127.0.0.1 or [::1])"),
            Self::UserInfo => f.write_str("start URL: user info (`user@`) is not sent to the start URL's host"),
            Self::MissingRegion => f.write_str("start URL: an AWS-owned start URL needs the configured region (sso_region)"),
            Self::HttpStatus(status) => write!(f, "start URL: the probe was answered with HTTP {status}, neither success nor a redirect"),
            Self::NoLocation { status } => write!(f, "start URL: the redirect (HTTP {status}) has no Location header"),
            Self::InvalidLocation => f.write_str("start URL: the redirect's Location is not a URL of visible ASCII characters with a valid port"),
            Self::NotAwsOwned { url } => write!(f, "start URL: resolved to {url}, which is not an AWS-owned host"),
            Self::ResolvedNotHttps { url } => write!(f, "start URL: resolved to {url}, which does not use https"),
            Self::NoRegion => f.write_str("start URL: the portal's host name carries no region and none is configured (sso_region)"),
            Self::Transport(_) => f.write_str("start URL: the probe could not be sent or answered"),
        }
    }
}

impl Error for StartUrlError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Transport(err) => Some(&**err),
            _ => None,
        }
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl StartUrlProbe {
    /// The probe as an `http::Request` without a body (feature `http`).
    ///
    /// # Errors
    /// [`StartUrlError::InvalidUrl`] if `http` cannot read the URL.
    pub fn to_http(&self) -> Result<http::Request<()>, StartUrlError> {
        let url = self.start_url.split('#').next().unwrap_or_default();
        http::Request::builder()
            .method(if self.head {
                http::Method::HEAD
            } else {
                http::Method::GET
            })
            .uri(url)
            .body(())
            .map_err(|_| StartUrlError::InvalidUrl)
    }
}

#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
impl StartUrlProbe {
    /// Sends the probe with `agent`, blocking, and takes its answer (feature
    /// `ureq`). No redirect is followed and no body read, whatever the agent's
    /// settings; an agent without an overall timeout gets
    /// [`PROBE_TIMEOUT`](Self::PROBE_TIMEOUT).
    ///
    /// # Errors
    /// [`StartUrlError::Transport`], or as [`on_answer`](Self::on_answer).
    pub fn send_blocking(self, agent: &ureq::Agent) -> Result<StartUrlStep, StartUrlError> {
        let request = self.to_http()?;
        let answer = crate::send::ureq::bodiless(agent, request, Self::PROBE_TIMEOUT)
            .map_err(StartUrlError::Transport)?;
        let (status, location) = crate::send::status_and_location(answer);
        self.on_answer(status, location.as_deref())
    }
}

#[cfg(any(feature = "ureq", feature = "reqwest"))]
impl StartUrlProbe {
    /// The time a probe may take: the CLI's 10 seconds. With `ureq`, when the
    /// agent sets no overall timeout of its own; with `reqwest`, always (the
    /// request's own timeout).
    pub const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
}

#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
impl ResolvedStartUrl {
    /// Resolves `start_url` with `agent`, blocking (feature `ureq`): at most
    /// a `HEAD` and a `GET`, none for an AWS-owned URL.
    ///
    /// ```no_run
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::login::ResolvedStartUrl;
    ///
    /// let agent = ureq::Agent::new_with_defaults(); // https needs ureq/rustls or ureq/native-tls
    /// let portal = ResolvedStartUrl::resolve_blocking(&agent, "https://sso.example.com", Some("eu-west-1"))?;
    /// println!("{} in {}", portal.url(), portal.region());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`StartUrlError`], as [`resolve_start_url`] and
    /// [`StartUrlProbe::send_blocking`].
    pub fn resolve_blocking(
        agent: &ureq::Agent,
        start_url: &str,
        configured_region: Option<&str>,
    ) -> Result<Self, StartUrlError> {
        let mut step = resolve_start_url(start_url, configured_region)?;
        loop {
            match step {
                StartUrlStep::Resolved(resolved) => return Ok(resolved),
                StartUrlStep::Probe(probe) => step = probe.send_blocking(agent)?,
            }
        }
    }
}

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
impl StartUrlProbe {
    /// Sends the probe with `client` and takes its answer (feature `reqwest`).
    /// The client follows no redirect; the body is not read. The probe times
    /// out after [`PROBE_TIMEOUT`](Self::PROBE_TIMEOUT) (reqwest's
    /// per-request timeout, which replaces the client's own).
    ///
    /// # Errors
    /// [`StartUrlError::Transport`], or as [`on_answer`](Self::on_answer).
    pub async fn send(self, client: &crate::ReqwestClient) -> Result<StartUrlStep, StartUrlError> {
        let request = self.to_http()?;
        let answer = crate::send::reqwest::bodiless(client, request, Some(Self::PROBE_TIMEOUT))
            .await
            .map_err(StartUrlError::Transport)?;
        let (status, location) = crate::send::status_and_location(answer);
        self.on_answer(status, location.as_deref())
    }
}

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
impl ResolvedStartUrl {
    /// Resolves `start_url` with `client` (feature `reqwest`): at most a
    /// `HEAD` and a `GET`, none for an AWS-owned URL.
    ///
    /// # Errors
    /// [`StartUrlError`], as [`resolve_start_url`] and [`StartUrlProbe::send`].
    pub async fn resolve(
        client: &crate::ReqwestClient,
        start_url: &str,
        configured_region: Option<&str>,
    ) -> Result<Self, StartUrlError> {
        let mut step = resolve_start_url(start_url, configured_region)?;
        loop {
            match step {
                StartUrlStep::Resolved(resolved) => return Ok(resolved),
                StartUrlStep::Probe(probe) => step = probe.send(client).await?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{join, normalize, Parts};

    /// The CLI's `_normalize_url` and Python's `urljoin`, run by
    /// `tests/vectors/sso_cache/aws-cli/resolve/start_url.py`.
    fn vectors() -> serde_json::Value {
        serde_json::from_str(include_str!(
            "../../tests/vectors/sso_cache/aws-cli/resolve/start_url.json"
        ))
        .unwrap()
    }

    /// Refused here on purpose (see `ResolvedStartUrl`'s differences from the
    /// CLI): anything but visible ASCII.
    fn not_visible_ascii(url: &str) -> bool {
        !url.bytes().all(|b| b.is_ascii_graphic())
    }

    #[test]
    fn normalize_is_the_clis() {
        let vectors = vectors();
        let rows = vectors["normalize"].as_array().unwrap();
        let (mut compared, mut ipv6) = (0, 0);
        for row in rows {
            let url = row["url"].as_str().unwrap();
            if not_visible_ascii(url) {
                assert!(Parts::split(url).is_none(), "{url:?}");
                continue;
            }
            let parts = Parts::split(url).unwrap();
            let (host, port) = parts.host_port().unwrap();
            let normalized = normalize(&parts, host.as_deref(), port);
            if url.contains('[') {
                // The CLI drops the brackets (`https://::1:8443/x`); here they stay.
                let unbracketed = normalized.replacen('[', "", 1).replacen(']', "", 1);
                assert_eq!(unbracketed, row["normalized"], "{url:?}");
                ipv6 += 1;
            } else {
                assert_eq!(normalized, row["normalized"], "{url:?}");
            }
            compared += 1;
        }
        assert!(
            compared >= 70 && ipv6 >= 2,
            "{compared} ({ipv6} IPv6) of {}",
            rows.len()
        );
    }

    #[test]
    fn join_is_pythons_urljoin() {
        let vectors = vectors();
        let rows = vectors["join"].as_array().unwrap();
        let mut compared = 0;
        for row in rows {
            let (base, location) = (
                row["base"].as_str().unwrap(),
                row["location"].as_str().unwrap(),
            );
            if not_visible_ascii(base) || not_visible_ascii(location) {
                assert_eq!(join(base, location), None, "{location:?}");
                continue;
            }
            assert_eq!(
                join(base, location).unwrap(),
                row["joined"],
                "{base} + {location:?}"
            );
            compared += 1;
        }
        assert!(compared >= 130, "{compared} of {}", rows.len());
    }

    #[test]
    fn ports_are_read_as_python_reads_them() {
        for (url, port) in [
            ("https://h:000443/", Ok(Some(443))),
            ("https://h:0000000000080/", Ok(Some(80))),
            ("https://h:0/", Ok(Some(0))),
            ("https://h:/", Ok(None)),
            ("https://h:65535/", Ok(Some(65535))),
            ("https://h:65536/", Err(())),
            ("https://h:99999999999999999999/", Err(())),
            ("https://h:+443/", Err(())),
            ("https://h:44a/", Err(())),
        ] {
            let got = Parts::split(url).unwrap().host_port().map(|(_, port)| port);
            assert_eq!(got, port, "{url}");
        }
    }
}
