//! The authorization-code login with PKCE (RFC 7636), as the AWS CLI does it: a
//! verifier and its S256 challenge ([`Pkce`]), the URL to open in the browser
//! ([`AuthorizeUrl`]), and the code from the loopback redirect
//! ([`AuthorizationCallback`]).

use std::fmt;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::builder_state::{field, FieldState, Optional, RegionOrEndpoint};
use crate::error::Rule;
use crate::validation::Checks;
use crate::{BuildError, IntoSecret};

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// 32 random bytes: 256 bits, written as 43 base64url characters (RFC 7636
/// section 4.1 recommends exactly this).
const RANDOM_BYTES: usize = 32;
const ENCODED_LEN: usize = 43;

/// Writes `input` as base64url without padding into `out`, which must hold
/// exactly `ceil(4 * len / 3)` bytes.
fn base64url(input: &[u8], out: &mut [u8]) {
    debug_assert_eq!(out.len(), (input.len() * 4).div_ceil(3));
    let mut o = 0;
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let sextets = [
            b[0] >> 2,
            ((b[0] & 0x03) << 4) | (b[1] >> 4),
            ((b[1] & 0x0f) << 2) | (b[2] >> 6),
            b[2] & 0x3f,
        ];
        for &sextet in &sextets[..=chunk.len()] {
            out[o] = BASE64URL[usize::from(sextet)];
            o += 1;
        }
    }
}

/// 32 bytes from the operating system's random source, as 43 base64url characters,
/// in a stack buffer wiped on drop.
fn random_token() -> Result<Zeroizing<[u8; ENCODED_LEN]>, getrandom::Error> {
    let mut bytes = Zeroizing::new([0u8; RANDOM_BYTES]);
    getrandom::fill(&mut bytes[..])?;
    let mut encoded = Zeroizing::new([0u8; ENCODED_LEN]);
    base64url(&bytes[..], &mut encoded[..]);
    Ok(encoded)
}

/// `BASE64URL(SHA256(verifier))`, without padding; the stack SHA-256 used
/// (the verifier's words) is wiped after.
fn s256(verifier: &str) -> String {
    crate::secret::on_wiped_stack::<{ crate::secret::PKCE_STACK }, _>(|| s256_on_stack(verifier))
}

fn s256_on_stack(verifier: &str) -> String {
    let digest = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(verifier.as_bytes())));
    let mut encoded = [0u8; ENCODED_LEN];
    base64url(&digest[..], &mut encoded);
    encoded.iter().map(|&b| char::from(b)).collect()
}

/// A PKCE pair for the authorization-code login: a code verifier, kept secret
/// and zeroizing, and its S256 challenge, sent in the authorize URL.
///
/// ```
/// use ssooidc_token::ExposeSecret;
/// use ssooidc_token::login::Pkce;
///
/// // RFC 7636 Appendix B.
/// let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// assert_eq!(pkce.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
///
/// let fresh = Pkce::new()?;
/// assert_eq!(fresh.verifier().expose_secret().len(), 43);
/// assert!(!format!("{fresh:?}").contains(fresh.verifier().expose_secret()));
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
pub struct Pkce {
    verifier: SecretString,
    challenge: String,
}

impl Pkce {
    /// The challenge method: always `S256`.
    pub const METHOD: &'static str = "S256";

    /// A new pair: a 43-character verifier from 32 bytes of the operating system's
    /// random source (`getrandom`), and its S256 challenge.
    ///
    /// # Errors
    /// A [`BuildError`] with [`Rule::RandomSource`] for `code_verifier` if the
    /// operating system's random source failed.
    pub fn new() -> Result<Self, BuildError> {
        // The verifier is made and encoded on the stack (in zeroizing arrays,
        // but moves copy them): the stack is wiped after.
        crate::secret::on_wiped_stack::<{ crate::secret::PKCE_STACK }, _>(Self::new_on_stack)
    }

    fn new_on_stack() -> Result<Self, BuildError> {
        let Ok(encoded) = random_token() else {
            return Err(BuildError::new(
                "PKCE",
                vec![crate::Problem::new(
                    "code_verifier",
                    None,
                    Rule::RandomSource,
                )],
            ));
        };
        // Base64url is ASCII, so this never fails; the copy is exact-size.
        let text = std::str::from_utf8(&encoded[..]).unwrap_or_default();
        // The stack is wiped once, by `new`, after the challenge too.
        Self::with_challenge(text.into_secret(), s256_on_stack)
    }

    /// A pair from a verifier the caller keeps: 43 to 128 characters of
    /// `A-Z a-z 0-9 - . _ ~`.
    ///
    /// # Errors
    /// A [`BuildError`] with [`Rule::CodeVerifier`] if the verifier breaks that rule
    /// (the message never contains it).
    pub fn from_verifier(verifier: impl IntoSecret) -> Result<Self, BuildError> {
        Self::with_challenge(verifier.into_secret(), s256)
    }

    /// The pair for `verifier`, checked, with its challenge by `s256`.
    fn with_challenge(
        verifier: SecretString,
        s256: fn(&str) -> String,
    ) -> Result<Self, BuildError> {
        let mut checks = Checks::default();
        checks.code_verifier(&verifier);
        checks.finish("PKCE")?;
        let challenge = s256(verifier.expose_secret());
        Ok(Self {
            verifier,
            challenge,
        })
    }

    /// The code verifier: send it with the code to `CreateToken` (`code_verifier`).
    #[must_use]
    pub fn verifier(&self) -> &SecretString {
        &self.verifier
    }

    /// Hands the verifier over (for `code_verifier(...)`) without a copy.
    #[must_use]
    pub fn into_verifier(self) -> SecretString {
        self.verifier
    }

    /// The challenge, `BASE64URL(SHA256(verifier))` without padding.
    #[must_use]
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

/// The verifier shows as `[REDACTED]`.
impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &self.verifier)
            .field("challenge", &self.challenge)
            .finish()
    }
}

crate::builder_state::typed_struct! {
    /// The fields of an [`AuthorizeUrl`], as its builder collects them.
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = AuthorizeUrlBuilder,
            doc = "Builds an [`AuthorizeUrl`](crate::login::AuthorizeUrl). Start with [`AuthorizeUrl::builder`](crate::login::AuthorizeUrl::builder).\n\nRequired: `region` or `authorization_endpoint` (or both: the endpoint wins), `client_id`, `redirect_uri`, `pkce`. Optional: `scope` (repeatable), `state`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
        mutators(
            /// Adds one scope (repeatable; sent space-separated in `scopes`, in order),
            /// such as `sso:account:access`.
            pub fn scope(&mut self, scope: impl Into<String>) {
                self.scope.push(scope.into());
            }
        ),
    )]
    pub struct AuthorizeUrlFields {
        optional pub(crate) region: into String = "Sets the region (required unless `authorization_endpoint` is set): the URL is `https://oidc.{region}.amazonaws.com/authorize`.",
        required pub(crate) client_id: into String = "Sets `client_id` (required): the id `RegisterClient` returned.",
        required pub(crate) redirect_uri: into String = "Sets `redirect_uri` (required): one the client registered, such as `http://127.0.0.1:8400/oauth/callback`.",
        raw #[builder(setter(
            fn transform(pkce: &Pkce) -> String
            where
                <Self as FieldState<field::pkce::Name>>::State: field::pkce::Unset,
            {
                pkce.challenge().to_owned()
            },
            doc = "Sets `code_challenge` (required) from a [`Pkce`](crate::login::Pkce) pair; keep the pair for the token request.",
        ))]
        pub(crate) pkce: String,
        optional pub(crate) state: into String = "Sets `state` (optional): by default 32 random bytes in base64url. Give your own only if you have a better source.",
        optional pub(crate) authorization_endpoint: into String = "Sets the authorize endpoint (required unless `region` is set; used instead of the region's), such as the `authorizationEndpoint` `RegisterClient` returned or a local test server.",
        raw #[builder(via_mutators)]
        pub(crate) scope: Vec<String>,
    }
}

/// The URL that starts the authorization-code login in the browser, with the
/// parameters the AWS CLI sends: `response_type=code`, `client_id`,
/// `redirect_uri`, `state`, `code_challenge`, `code_challenge_method=S256` and
/// `scopes` (space-separated), each percent-encoded. `scopes` is left out when
/// no scope is given; the CLI always sends the scopes its client was
/// registered with (`sso:account:access` by default, which
/// `cache::SsoLogin`, feature `cache`, also gives), so give the same scopes
/// as the registration.
///
/// ```
/// use ssooidc_token::login::{AuthorizeUrl, Pkce};
///
/// let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// let authorize = AuthorizeUrl::builder()
///     .region("us-east-1")
///     .client_id("_yzkThXVzLWVhc3QtMQ")
///     .redirect_uri("http://127.0.0.1:8400/oauth/callback")
///     .pkce(&pkce)
///     .scope("sso:account:access")
///     .state("af0ifjsldkj")
///     .build()?;
/// assert_eq!(
///     authorize.url(),
///     "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=_yzkThXVzLWVhc3QtMQ\
///      &redirect_uri=http%3A%2F%2F127.0.0.1%3A8400%2Foauth%2Fcallback&state=af0ifjsldkj\
///      &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
///      &scopes=sso%3Aaccount%3Aaccess"
/// );
/// // Check the state of the redirect against this one.
/// assert_eq!(authorize.state(), "af0ifjsldkj");
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeUrl {
    url: String,
    state: String,
}

impl AuthorizeUrl {
    /// Starts an authorize URL.
    pub fn builder() -> AuthorizeUrlBuilder {
        AuthorizeUrlFields::builder()
    }

    fn from_fields(fields: AuthorizeUrlFields) -> Result<Self, BuildError> {
        let mut checks = Checks::default();
        match (&fields.region, &fields.authorization_endpoint) {
            (Some(region), _) => checks.region(region),
            // The builder does not compile without one of the two; a region
            // problem if it ever did.
            (None, None) => checks.problem("region", None, Rule::Empty),
            (None, Some(_)) => {}
        }
        checks.non_empty("client_id", &fields.client_id);
        checks.public_redirect_uri("redirect_uri", None, &fields.redirect_uri);
        checks.scopes(&fields.scope);
        if let Some(state) = &fields.state {
            if checks.non_empty("state", state) && !crate::validation::is_printable_ascii(state) {
                checks.problem("state", None, Rule::StateChars);
            }
        }
        if let Some(endpoint) = &fields.authorization_endpoint {
            // Opened in the person's browser: the same rule as a public client's
            // redirect URI (https, or plain http to the loopback interface only;
            // no fragment; no `javascript:`, `data:` or `vbscript:`).
            checks.public_redirect_uri("authorization_endpoint", None, endpoint);
        }
        let state = fields.state.or_else(|| {
            let token = random_token().ok();
            if token.is_none() {
                checks.problem("state", None, Rule::RandomSource);
            }
            token.map(|token| token.iter().map(|&b| char::from(b)).collect())
        });
        checks.finish("authorize URL")?;
        let state = state.unwrap_or_default();

        let base = match (&fields.authorization_endpoint, &fields.region) {
            (Some(endpoint), _) => endpoint.clone(),
            (None, Some(region)) => {
                let suffix = crate::validation::dns_suffix(region);
                format!("https://oidc.{region}.{suffix}/authorize")
            }
            (None, None) => String::new(),
        };
        let params = [
            ("response_type", "code"),
            ("client_id", &fields.client_id),
            ("redirect_uri", &fields.redirect_uri),
            ("state", &state),
            ("code_challenge", &fields.pkce),
            ("code_challenge_method", Pkce::METHOD),
        ];
        let scopes = fields.scope.join(" ");
        let scopes = (!scopes.is_empty()).then_some(("scopes", scopes.as_str()));
        let all = params.iter().copied().chain(scopes);
        // Written once, at its exact size: `?` or `&`, then each `&name=value`.
        let len = base.len()
            + all
                .clone()
                .map(|(name, value)| 2 + name.len() + crate::hex::percent_encoded_len(value))
                .sum::<usize>();
        let mut url = Vec::with_capacity(len);
        url.extend_from_slice(base.as_bytes());
        let mut separator = if base.contains('?') { b'&' } else { b'?' };
        for (name, value) in all {
            url.push(separator);
            separator = b'&';
            url.extend_from_slice(name.as_bytes());
            url.push(b'=');
            crate::hex::percent_encode_unreserved_onto(&mut url, value);
        }
        debug_assert_eq!(
            url.len(),
            len,
            "the authorize URL's length, computed beforehand"
        );
        let url = crate::hex::into_text(url);
        Ok(Self { url, state })
    }

    /// The URL to open in the user's browser.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `state` sent: pass it to [`AuthorizationCallback::parse`].
    #[must_use]
    pub fn state(&self) -> &str {
        &self.state
    }
}

crate::builder_state::field_states!(
    AuthorizeUrlBuilder
    [region client_id redirect_uri pkce state authorization_endpoint scope]
    region client_id redirect_uri pkce state authorization_endpoint
);

// `region` and `authorization_endpoint` have none: at least one of them must
// be set, which the builder's type shows (`RegionOrEndpoint`).
crate::builder_state::maybe_setters!(AuthorizeUrlBuilder {
    maybe_state: state into String,
});

#[allow(non_camel_case_types)]
impl<region, client_id, redirect_uri, pkce, state, authorization_endpoint>
    AuthorizeUrlBuilder<(
        region,
        client_id,
        redirect_uri,
        pkce,
        state,
        authorization_endpoint,
        (Vec<String>,),
    )>
{
    /// Checks the fields, draws a random `state` unless one was given, and
    /// returns the URL, or a [`BuildError`](crate::BuildError) listing every
    /// problem.
    ///
    /// Only compiles once `client_id`, `redirect_uri`, `pkce`, and `region` or
    /// `authorization_endpoint` (or both) are set; each one missing is its own
    /// compile error naming it.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks a rule, or
    /// [`Rule::RandomSource`](crate::Rule::RandomSource) if no `state` could be drawn.
    pub fn build(self) -> Result<AuthorizeUrl, BuildError>
    where
        (region, authorization_endpoint): RegionOrEndpoint,
        client_id: field::client_id::Required<String>,
        redirect_uri: field::redirect_uri::Required<String>,
        pkce: field::pkce::Required<String>,
        state: Optional<Option<String>>,
    {
        let (region, client_id, redirect_uri, pkce, state, authorization_endpoint, (scope,)) =
            self.fields;
        let (region, authorization_endpoint) = (region, authorization_endpoint).into_values();
        AuthorizeUrl::from_fields(AuthorizeUrlFields {
            region,
            client_id: client_id.into_value(),
            redirect_uri: redirect_uri.into_value(),
            pkce: pkce.into_value(),
            state: state.into_value(),
            authorization_endpoint,
            scope,
        })
    }
}

/// The URL.
impl fmt::Display for AuthorizeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// Reads the redirect that ends the browser's part of the login.
///
/// ```
/// use ssooidc_token::login::{AuthorizationCallback, CallbackError};
/// use ssooidc_token::ExposeSecret;
///
/// let code = AuthorizationCallback::parse("code=a%2Fone-time+code&state=xyz", "xyz")?;
/// assert_eq!(code.expose_secret(), "a/one-time code");
///
/// let forged = AuthorizationCallback::parse("code=stolen&state=abc", "xyz");
/// assert!(matches!(forged, Err(CallbackError::StateMismatch)));
/// let denied = AuthorizationCallback::parse("error=access_denied&state=xyz", "xyz");
/// assert!(matches!(denied, Err(CallbackError::AccessDenied)));
/// # Ok::<(), CallbackError>(())
/// ```
#[derive(Debug)]
pub enum AuthorizationCallback {}

/// Why a redirect's query gave no authorization code. Never holds the code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// `state` is missing or differs from the one sent: the redirect may be forged.
    StateMismatch,
    /// `error=access_denied`: the user (or the service) refused.
    AccessDenied,
    /// Another OAuth error (`invalid_request`, `server_error`...).
    Refused {
        /// The `error` code as sent (RFC 6749 error characters only).
        error: String,
    },
    /// No `code` (or an empty one), and no `error`.
    MissingCode,
    /// A parameter could not be read.
    Malformed {
        /// The parameter (`code`, `state`, `error`).
        parameter: &'static str,
        /// What is wrong with it.
        problem: QueryProblem,
    },
}

/// What is wrong with a query parameter (see [`CallbackError::Malformed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryProblem {
    /// It appears more than once (RFC 6749 section 3.1).
    Duplicate,
    /// A `%` is not followed by two hex digits.
    PercentEncoding,
    /// It does not decode to UTF-8.
    Utf8,
    /// An `error` code with characters RFC 6749 does not allow.
    ErrorCharacters,
}

impl fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Duplicate => "appears more than once",
            Self::PercentEncoding => "has a `%` not followed by two hex digits",
            Self::Utf8 => "does not decode to UTF-8",
            Self::ErrorCharacters => "has characters an OAuth error code cannot have",
        })
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StateMismatch => {
                f.write_str("the redirect's state is missing or not the one sent")
            }
            Self::AccessDenied => f.write_str("the authorization was denied (access_denied)"),
            Self::Refused { error } => write!(f, "the authorization failed: {error}"),
            Self::MissingCode => f.write_str("the redirect has no authorization code"),
            Self::Malformed { parameter, problem } => {
                write!(f, "redirect parameter `{parameter}` {problem}")
            }
        }
    }
}

impl std::error::Error for CallbackError {}

/// The value of a `+`/`%XX` encoded query parameter: its decoded length, checking
/// every escape.
fn decoded_len(raw: &[u8], parameter: &'static str) -> Result<usize, CallbackError> {
    let mut i = 0;
    let mut len = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            if hex.is_none() {
                return Err(CallbackError::Malformed {
                    parameter,
                    problem: QueryProblem::PercentEncoding,
                });
            }
            i += 3;
        } else {
            i += 1;
        }
        len += 1;
    }
    Ok(len)
}

/// Decodes a checked value into `out` (which has room for it).
fn decode_into(raw: &[u8], out: &mut Vec<u8>) {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
            .unwrap_or(0)
    };
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                out.push(hex(raw[i + 1]) << 4 | hex(raw[i + 2]));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// Decodes a value into one exact-size buffer, wiped if it is not UTF-8.
fn decode(raw: &str, parameter: &'static str) -> Result<String, CallbackError> {
    let len = decoded_len(raw.as_bytes(), parameter)?;
    let mut bytes = Vec::with_capacity(len);
    decode_into(raw.as_bytes(), &mut bytes);
    debug_assert_eq!(bytes.len(), bytes.capacity());
    String::from_utf8(bytes).map_err(|err| {
        crate::secret::wipe_vec(err.into_bytes());
        CallbackError::Malformed {
            parameter,
            problem: QueryProblem::Utf8,
        }
    })
}

/// Compares without stopping at the first difference, so the time taken does not
/// tell how much of a guessed state was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

impl AuthorizationCallback {
    /// Takes the authorization code from the redirect's query (the part after `?`;
    /// a leading `?` is allowed), after checking its `state` against the one sent
    /// (in constant time). Values are form-decoded (`%XX`, `+` for a space); the
    /// code is decoded straight into a zeroizing buffer of its exact length.
    ///
    /// The checks, in order: `state` (so that a forged redirect cannot even report
    /// an error), `error`, then `code`. Parameters other than these are ignored.
    ///
    /// # Errors
    /// A [`CallbackError`]; none holds the code or echoes the query, but for an
    /// OAuth `error` code (RFC 6749 characters only), which [`CallbackError::Refused`] keeps.
    pub fn parse(query: &str, expected_state: &str) -> Result<SecretString, CallbackError> {
        // An empty expected state would accept a redirect without one: no CSRF
        // protection at all. Refuse it as a mismatch.
        if expected_state.is_empty() {
            return Err(CallbackError::StateMismatch);
        }
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut code = None;
        let mut state = None;
        let mut error = None;
        // Problems with `code` or `error` are reported only once the state
        // matched: a forged redirect learns nothing but "state mismatch".
        let mut duplicate = None;
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (slot, parameter) = match name {
                "code" => (&mut code, "code"),
                "state" => (&mut state, "state"),
                "error" => (&mut error, "error"),
                _ => continue,
            };
            if slot.replace(value).is_some() {
                if parameter == "state" {
                    return Err(CallbackError::Malformed {
                        parameter,
                        problem: QueryProblem::Duplicate,
                    });
                }
                duplicate.get_or_insert(parameter);
            }
        }
        let state = Zeroizing::new(decode(state.ok_or(CallbackError::StateMismatch)?, "state")?);
        if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
            return Err(CallbackError::StateMismatch);
        }
        if let Some(parameter) = duplicate {
            return Err(CallbackError::Malformed {
                parameter,
                problem: QueryProblem::Duplicate,
            });
        }
        if let Some(error) = error {
            let error = decode(error, "error")?;
            // RFC 6749 4.1.2.1: %x20-21 / %x23-5B / %x5D-7E.
            let error_char = |b: u8| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\';
            if error.is_empty() || error.len() > 64 || !error.bytes().all(error_char) {
                return Err(CallbackError::Malformed {
                    parameter: "error",
                    problem: QueryProblem::ErrorCharacters,
                });
            }
            if error == "access_denied" {
                return Err(CallbackError::AccessDenied);
            }
            return Err(CallbackError::Refused { error });
        }
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or(CallbackError::MissingCode)?;
        let code = decode(code, "code")?;
        // Exact capacity, so this does not reallocate.
        Ok(SecretBox::new(code.into_boxed_str()))
    }
}
