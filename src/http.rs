//! Turning a request into an [`http::Request`] (feature `http`).
//!
//! The body stays the zeroizing [`JsonBody`]: an HTTP client that reads it through
//! [`ExposeSecret`](crate::ExposeSecret) and writes it to a socket gets the bytes
//! without this crate making another copy.

use std::fmt;

use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::uri::{Authority, Scheme};
use http::{Method, Request, Uri};

use crate::grant::{IamGrant, PublicClientGrant};
use crate::{CreateToken, CreateTokenWithIam, ExposeSecret, JsonBody};

/// Where the token endpoint is: a region's public or FIPS endpoint, or (for tests
/// and proxies) a custom base URL with the region to sign for.
///
/// ```
/// use ssooidc_token::Endpoint;
///
/// assert_eq!(Endpoint::new("eu-west-1")?.host(), "oidc.eu-west-1.amazonaws.com");
/// assert_eq!(Endpoint::fips("us-east-1")?.host(), "oidc-fips.us-east-1.amazonaws.com");
/// assert_eq!(Endpoint::fips("us-gov-west-1")?.host(), "oidc.us-gov-west-1.amazonaws.com");
/// assert_eq!(Endpoint::new("cn-north-1")?.host(), "oidc.cn-north-1.amazonaws.com.cn");
/// assert!(Endpoint::new("us-east-1/../evil").is_err());
/// # Ok::<(), ssooidc_token::EndpointError>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    region: String,
    scheme: Scheme,
    authority: Authority,
}

/// Why an [`Endpoint`] could not be made.
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointError {
    /// The region is empty or not a sequence of DNS labels (lower-case letters,
    /// digits and `-`, at most 63 each, not starting or ending with `-`, joined by
    /// `.`). AWS regions are lower-case, and a signature scoped to `US-EAST-1` is not
    /// valid for `us-east-1`, so upper case is refused rather than folded.
    InvalidRegion,
    /// A custom base URL is not `http://` or `https://` with a host, an
    /// optional port from 0 to 65535, and nothing else (no user info, no path);
    /// or its host is one HTTP clients would send in another spelling (see
    /// [`Endpoint::custom`]).
    InvalidBaseUrl,
    /// A custom base URL is plain `http://` to a host other than `127.0.0.1` or
    /// `[::1]`: tokens, client secrets and signed requests would cross the
    /// network unencrypted. Use `https://`, or
    /// [`Endpoint::custom_plain_http`] for a proxy on a network you trust.
    PlainHttp,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidRegion => {
                "region must be DNS labels of lower-case letters, digits and `-` (for example us-east-1)"
            }
            Self::InvalidBaseUrl => {
                "base URL must be http:// or https:// and a host, with an optional port from 0 to 65535, no user info and no path"
            }
            Self::PlainHttp => {
                "plain http:// is only for the loopback IP literal (127.0.0.1 or [::1]): use https://, or Endpoint::custom_plain_http for a proxy on a network you trust"
            }
        })
    }
}

impl std::error::Error for EndpointError {}

impl Endpoint {
    /// `https://{prefix}.{region}.{suffix}`: the region's partition's DNS
    /// suffix (`amazonaws.com`, `.com.cn` in China...).
    pub(crate) fn for_service(prefix: &str, region: &str) -> Result<Self, EndpointError> {
        if !crate::validation::is_region(region) {
            return Err(EndpointError::InvalidRegion);
        }
        let suffix = crate::validation::dns_suffix(region);
        Self::at_host(&format!("{prefix}.{region}.{suffix}"), region)
    }

    /// `https://{host}`, signing for `region`.
    pub(crate) fn at_host(host: &str, region: &str) -> Result<Self, EndpointError> {
        let authority = Authority::try_from(host).map_err(|_| EndpointError::InvalidRegion)?;
        Ok(Self {
            region: region.to_owned(),
            scheme: Scheme::HTTPS,
            authority,
        })
    }

    /// The public endpoint of `region`: `https://oidc.{region}.amazonaws.com`,
    /// or the DNS suffix of the region's partition, as the AWS SDKs resolve it:
    /// `.amazonaws.com.cn` in China, `.amazonaws.eu` in the European
    /// Sovereign Cloud (`eusc-de-*`), the isolated partitions' own
    /// (`us-iso-*`: `c2s.ic.gov`, `us-isob-*`: `sc2s.sgov.gov`, `eu-isoe-*`:
    /// `cloud.adc-e.uk`, `us-isof-*`: `csp.hci.ic.gov`).
    ///
    /// ```
    /// use ssooidc_token::Endpoint;
    ///
    /// assert_eq!(Endpoint::new("eu-west-1")?.host(), "oidc.eu-west-1.amazonaws.com");
    /// assert_eq!(Endpoint::new("eusc-de-east-1")?.host(), "oidc.eusc-de-east-1.amazonaws.eu");
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    ///
    /// # Errors
    /// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
    pub fn new(region: &str) -> Result<Self, EndpointError> {
        Self::for_service("oidc", region)
    }

    /// The FIPS endpoint of `region`: `https://oidc-fips.{region}.amazonaws.com`;
    /// in AWS GovCloud (`us-gov-*`), whose public endpoints are FIPS endpoints,
    /// `https://oidc.{region}.amazonaws.com`, as the AWS SDKs resolve it.
    ///
    /// # Errors
    /// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
    pub fn fips(region: &str) -> Result<Self, EndpointError> {
        Self::for_service(&fips_prefix("oidc", region), region)
    }

    /// A custom base URL (`https://` to any host, a proxy..., or plain `http://`
    /// to the loopback interface's IP literal: `http://127.0.0.1:8080`,
    /// `http://[::1]:9000`, as for a redirect URI),
    /// signing for `region`. The host and port are kept as every HTTP client sends them, so that what
    /// is signed is what goes out: the host lower-cased (reqwest sends it so), an
    /// IPv6 literal in its canonical form, the port as a number (`:08443` is sent
    /// as `:8443` by HTTP/1 clients, as written by HTTP/2 ones).
    ///
    /// ```
    /// use ssooidc_token::Endpoint;
    ///
    /// assert_eq!(Endpoint::custom("https://SSO.example:08443", "eu-west-1")?.host(), "sso.example:8443");
    /// assert_eq!(Endpoint::custom("http://[0:0::1]:9000", "eu-west-1")?.host(), "[::1]:9000");
    /// assert!(Endpoint::custom("https://sso.example:65536", "eu-west-1").is_err());
    /// assert!(Endpoint::custom("http://127.1:9000", "eu-west-1").is_err());
    /// // Secrets in the clear across a network: refused (see `custom_plain_http`).
    /// assert_eq!(
    ///     Endpoint::custom("http://sso-proxy.internal", "eu-west-1"),
    ///     Err(ssooidc_token::EndpointError::PlainHttp),
    /// );
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    ///
    /// # Errors
    /// [`EndpointError::InvalidBaseUrl`] (not `http` or `https`, user info, a
    /// path other than a single trailing `/`, a query or fragment, a port that is not a number from 0 to 65535, or a host that HTTP
    /// clients would send in another spelling: a percent escape, an IPv4 address
    /// written other than as four plain decimal numbers, an IPv6 literal with an
    /// embedded or mapped IPv4 address), [`EndpointError::PlainHttp`] (`http://`
    /// to a host other than `127.0.0.1` or `[::1]`; a name such as `localhost`
    /// is not one, as a name can resolve anywhere) or
    /// [`EndpointError::InvalidRegion`].
    pub fn custom(base_url: &str, region: &str) -> Result<Self, EndpointError> {
        let endpoint = Self::custom_plain_http(base_url, region)?;
        // The crate's one rule for plain `http://`, on the canonical authority
        // (`[0:0::1]` is `[::1]` by now).
        if endpoint.scheme == Scheme::HTTP
            && !crate::validation::is_loopback_literal_authority(
                endpoint.authority.as_str().as_bytes(),
            )
        {
            return Err(EndpointError::PlainHttp);
        }
        Ok(endpoint)
    }

    /// As [`custom`](Self::custom), but plain `http://` is taken to any host:
    /// every token, client secret and signed request then crosses the network
    /// unencrypted (signing keeps a request from being altered, not from being
    /// read). Only for a proxy on a network you trust.
    ///
    /// ```
    /// use ssooidc_token::Endpoint;
    ///
    /// let endpoint = Endpoint::custom_plain_http("http://sso-proxy.internal:8080", "eu-west-1")?;
    /// assert_eq!(endpoint.host(), "sso-proxy.internal:8080");
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    ///
    /// # Errors
    /// As [`custom`](Self::custom), without [`EndpointError::PlainHttp`].
    pub fn custom_plain_http(base_url: &str, region: &str) -> Result<Self, EndpointError> {
        if !crate::validation::is_region(region) {
            return Err(EndpointError::InvalidRegion);
        }
        let uri: Uri = base_url
            .parse()
            .map_err(|_| EndpointError::InvalidBaseUrl)?;
        let path_ok = uri
            .path_and_query()
            .is_none_or(|p| p.as_str() == "/" || p.as_str().is_empty());
        let parts = uri.into_parts();
        match (parts.scheme, parts.authority) {
            (Some(scheme), Some(authority))
                if path_ok
                    && (scheme == Scheme::HTTP || scheme == Scheme::HTTPS)
                    && !authority.as_str().contains('@') =>
            {
                let authority = canonical_authority(&scheme, authority)?;
                Ok(Self {
                    region: region.to_owned(),
                    scheme,
                    authority,
                })
            }
            _ => Err(EndpointError::InvalidBaseUrl),
        }
    }

    /// The region requests are signed for.
    #[must_use]
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The host (and port, if any) requests go to.
    #[must_use]
    pub fn host(&self) -> &str {
        self.authority.as_str()
    }

    /// [`uri`](Self::uri) with a path and query made at run time, from
    /// characters checked before (a `/` path, unreserved and `%XX` in the
    /// query), which always parse; were one not to, the URI would be `/`.
    #[cfg(feature = "portal")]
    pub(crate) fn uri_with(&self, path_and_query: &str) -> Uri {
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = http::uri::PathAndQuery::try_from(path_and_query).ok();
        Uri::from_parts(parts).unwrap_or_default()
    }

    pub(crate) fn uri(&self, path_and_query: &'static str) -> Uri {
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(http::uri::PathAndQuery::from_static(path_and_query));
        // Scheme, authority and path were each validated: the parts always fit.
        Uri::from_parts(parts).unwrap_or_default()
    }
}

/// `POST uri` with `content-type`, `content-length` and the zeroizing body.
pub(crate) fn post<B: crate::ZeroizingBody + ExposeSecret<[u8]>>(
    uri: Uri,
    body: B,
    content_type: &'static str,
) -> Request<B> {
    let len = body.expose_secret().len();
    let mut request = Request::new(body);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    request
}

#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<G: IamGrant> CreateTokenWithIam<G> {
    /// `POST https://oidc.{region}.amazonaws.com/token?aws_iam=t` with
    /// `content-type: application/json`, `content-length` and the zeroizing body.
    /// It still needs a SigV4 signature (feature `sigv4`).
    ///
    /// ```
    /// use ssooidc_token::CreateTokenWithIam;
    ///
    /// let request = CreateTokenWithIam::refresh_token()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .refresh_token("aorv-example")
    ///     .build()?
    ///     .to_http("us-east-1")?;
    /// assert_eq!(request.uri(), "https://oidc.us-east-1.amazonaws.com/token?aws_iam=t");
    /// assert_eq!(request.headers()["content-length"], request.body().len().to_string().as_str());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
    pub fn to_http(&self, region: &str) -> Result<Request<JsonBody>, EndpointError> {
        Ok(self.to_http_at(&Endpoint::new(region)?))
    }

    /// As [`to_http`](Self::to_http), to any [`Endpoint`] (FIPS, custom).
    #[must_use]
    pub fn to_http_at(&self, endpoint: &Endpoint) -> Request<JsonBody> {
        post(
            endpoint.uri("/token?aws_iam=t"),
            self.to_json(),
            "application/json",
        )
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<G: PublicClientGrant> CreateToken<G> {
    /// `POST https://oidc.{region}.amazonaws.com/token` with
    /// `content-type: application/json`, `content-length` and the zeroizing body.
    /// `CreateToken` is not signed.
    ///
    /// # Errors
    /// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
    pub fn to_http(&self, region: &str) -> Result<Request<JsonBody>, EndpointError> {
        Ok(self.to_http_at(&Endpoint::new(region)?))
    }

    /// As [`to_http`](Self::to_http), to any [`Endpoint`] (FIPS, custom).
    #[must_use]
    pub fn to_http_at(&self, endpoint: &Endpoint) -> Request<JsonBody> {
        post(endpoint.uri("/token"), self.to_json(), "application/json")
    }
}

/// An unsigned JSON `POST` to `path` at `endpoint`: the public-client calls
/// (`/client/register`, `/device_authorization`).
#[cfg_attr(not(feature = "login"), allow(dead_code))]
pub(crate) fn post_json(
    endpoint: &Endpoint,
    path: &'static str,
    body: JsonBody,
) -> Request<JsonBody> {
    post(endpoint.uri(path), body, "application/json")
}

/// `authority` written as every HTTP client sends it, so that what is signed
/// is what goes out: hyper and ureq send the URI's text, reqwest (through the
/// `url` crate) a normalized host. So the host is lower-cased, an IPv6 literal
/// written in its canonical form (`[0:0::1]` is `[::1]`), and the port as a
/// number (`:08443` is `:8443`), left out when it is the scheme's default
/// (`https://h:443` is `https://h`, as the signer signs it). Refused: a port that is not a number from 0
/// to 65535 (or an empty one), and hosts the `url` crate would rewrite in ways
/// less plain (a percent escape, an IPv4 address in another spelling such as
/// `127.1` or `0x7f.0.0.1`, an IPv6 literal with an embedded IPv4 address,
/// and an IPv4-mapped one in any spelling).
fn canonical_authority(scheme: &Scheme, authority: Authority) -> Result<Authority, EndpointError> {
    let host = canonical_host(authority.host()).ok_or(EndpointError::InvalidBaseUrl)?;
    // No user info here: what follows the host is `:port`, or nothing.
    let after_host = &authority.as_str()[authority.host().len()..];
    let text = if after_host.is_empty() {
        host
    } else {
        let port = authority.port().ok_or(EndpointError::InvalidBaseUrl)?;
        let default = if *scheme == Scheme::HTTPS { 443 } else { 80 };
        if port.as_u16() == default {
            host
        } else {
            format!("{host}:{}", port.as_u16())
        }
    };
    if text == authority.as_str() {
        return Ok(authority);
    }
    text.parse().map_err(|_| EndpointError::InvalidBaseUrl)
}

/// The header the AWS SDKs send an access token in to the access portal.
#[cfg(any(feature = "portal", feature = "cache"))]
pub(crate) const SSO_BEARER_HEADER: http::HeaderName =
    http::HeaderName::from_static("x-amz-sso_bearer_token");

/// The access portal of `region` (`portal.sso`), or its FIPS endpoint, as
/// `aws-sdk-sso` resolves them.
#[cfg(any(feature = "portal", feature = "cache"))]
pub(crate) fn portal_endpoint(region: &str, fips: bool) -> Result<Endpoint, EndpointError> {
    if fips {
        Endpoint::for_service(&fips_prefix("portal.sso", region), region)
    } else {
        Endpoint::for_service("portal.sso", region)
    }
}

/// A secret as a header value: marked sensitive, its bytes in a buffer wiped
/// when the request (and every clone of the value) drops. `None` unless it
/// is visible ASCII.
#[cfg(any(feature = "sigv4", feature = "portal", feature = "cache"))]
pub(crate) fn secret_header(secret: &secrecy::SecretString) -> Option<HeaderValue> {
    let bytes = secret.expose_secret().as_bytes();
    if !crate::validation::is_header_token(bytes) {
        return None;
    }
    let owner = bytes::Bytes::from_owner(crate::secret::WipedOnDrop::copy_of(bytes));
    let mut value = HeaderValue::from_maybe_shared(owner).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The host prefix of `service`'s FIPS endpoint in `region`: `{service}-fips`,
/// but in AWS GovCloud the public endpoint, which is a FIPS endpoint (the AWS
/// SDKs' endpoint rules for the `aws-us-gov` partition).
pub(crate) fn fips_prefix(service: &'static str, region: &str) -> String {
    if crate::validation::is_govcloud(region) {
        service.to_owned()
    } else {
        format!("{service}-fips")
    }
}

/// See [`canonical_authority`].
fn canonical_host(host: &str) -> Option<String> {
    if let Some(literal) = host.strip_prefix('[') {
        let literal = literal.strip_suffix(']')?;
        if literal.contains('.') {
            return None;
        }
        let address: std::net::Ipv6Addr = literal.parse().ok()?;
        let text = format!("[{address}]");
        // An IPv4-mapped address written in hexadecimal (`[::ffff:c000:280]`)
        // is displayed dotted, which the `url` crate would write back in
        // hexadecimal: refused as the dotted literal is.
        return (!text.contains('.')).then_some(text);
    }
    if host.contains('%') {
        return None;
    }
    let host = host.to_ascii_lowercase();
    // The `url` crate reads a host whose last label is a number (decimal, or
    // hexadecimal after `0x`) as an IPv4 address, in any of its spellings:
    // only the plain dotted one is kept as written.
    let last = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    let numeric = !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || last
                .strip_prefix("0x")
                .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit())));
    if numeric {
        let address: std::net::Ipv4Addr = host.parse().ok()?;
        if address.to_string() != host {
            return None;
        }
    }
    Some(host)
}
