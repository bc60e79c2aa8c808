//! Logging out as `aws sso logout` does: every cached login signed out at the
//! AWS access portal (`Logout`) and its file deleted, and the role credentials
//! the CLI cached with those logins deleted too.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::file::{home_dir, read_file, remove_file};
use super::{CacheError, CacheErrorKind, TokenCache};
use crate::json::Reader;

/// A login in the cache: a file holding an `accessToken`, which `aws sso logout`
/// signs out and deletes. Found by [`TokenCache::logins`].
///
/// `Debug` shows the file, region and start URL, never the token.
pub struct CachedLogin {
    path: PathBuf,
    access_token: Option<SecretString>,
    region: Option<String>,
    start_url: Option<String>,
}

impl fmt::Debug for CachedLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedLogin")
            .field("path", &self.path)
            .field("access_token", &"[REDACTED]")
            .field("region", &self.region)
            .field("start_url", &self.start_url)
            .finish()
    }
}

impl CachedLogin {
    /// The file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's `region` (the portal's region), if it names one.
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The file's `startUrl`, if it has one.
    #[must_use]
    pub fn start_url(&self) -> Option<&str> {
        self.start_url.as_deref()
    }

    /// The portal's `Logout` for this login, which ends the user's sign-in
    /// session on AWS's side. `None` when it cannot be sent: the file names no
    /// region (the CLI does not call `Logout` then either), a region that is not
    /// one (compared ignoring ASCII case, as botocore takes it), or its access
    /// token is not a string of visible ASCII (it could not be sent in a
    /// header). The file is to be deleted all the same.
    #[must_use]
    pub fn logout(&self) -> Option<SsoLogout> {
        let region = self.region.as_deref()?;
        let token = self.access_token.as_ref()?;
        SsoLogout::new(region, token)
    }

    /// Deletes the file; a file already gone is not an error.
    ///
    /// # Errors
    /// [`CacheErrorKind::Remove`] naming the file, with the I/O error as source.
    pub fn remove(&self) -> Result<(), CacheError> {
        remove_file(&self.path)
    }
}

impl super::CachedToken {
    /// The portal's `Logout` for this token, as [`CachedLogin::logout`] gives
    /// it for a file: `None` when the token names no region (or one that is
    /// not one), or cannot be sent in a header. To log out one session: send
    /// it, then [`TokenCache::remove`] its key.
    ///
    /// ```
    /// use ssooidc_token::cache::CachedToken;
    ///
    /// let token = CachedToken::builder()
    ///     .access_token("aoaA-token")
    ///     .expires_at(std::time::SystemTime::now())
    ///     .region("eu-west-1")
    ///     .build()?;
    /// assert_eq!(token.logout().unwrap().region(), "eu-west-1");
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    #[must_use]
    pub fn logout(&self) -> Option<SsoLogout> {
        SsoLogout::new(self.region()?, self.access_token())
    }
}

/// Reads a cache file as `aws sso logout` does: a login when it is a JSON object
/// with an `accessToken` member, whatever else it holds or lacks.
fn read_login(path: PathBuf, bytes: &[u8]) -> Option<CachedLogin> {
    let mut login = CachedLogin {
        path,
        access_token: None,
        region: None,
        start_url: None,
    };
    let mut has_token = false;
    let mut reader = Reader::new(bytes);
    reader
        .object(|r, key| {
            let name = key.as_bytes().unwrap_or_default();
            let is = |known: &str| known.as_bytes().eq_ignore_ascii_case(name);
            if is("accessToken") {
                has_token = true;
                // The last one wins, as in Python's `json.load`.
                login.access_token = if r.at_string() {
                    Some(r.secret()?)
                } else {
                    r.skip()?;
                    None
                };
            } else if is("region") || is("startUrl") {
                // The last one wins here too; one that is not a string clears it.
                let value = if r.at_string() {
                    Some(r.string()?).filter(|v| !v.is_empty())
                } else {
                    r.skip()?;
                    None
                };
                if is("region") {
                    login.region = value;
                } else {
                    login.start_url = value;
                }
            } else {
                r.skip()?;
            }
            Ok(())
        })
        .and_then(|()| reader.end())
        .ok()?;
    has_token.then_some(login)
}

/// A file's path and its bytes, in zeroizing memory.
type FileRead = (PathBuf, zeroize::Zeroizing<Vec<u8>>);

/// The entries of `dir` that are files this crate can read (at most 1 MiB),
/// sorted by name; `dir` missing gives none.
fn readable_files(dir: &Path) -> Result<Vec<FileRead>, CacheError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(CacheError::io(CacheErrorKind::Read, dir, err)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        // A directory, a file that vanished or cannot be read, or one too large
        // for any tool to have written, is passed over, as the CLI passes over
        // what it cannot load.
        .filter_map(|path| match read_file(&path) {
            Ok(Some(bytes)) => Some((path, bytes)),
            _ => None,
        })
        .collect())
}

impl TokenCache {
    /// Every login in the cache, as `aws sso logout` finds them: each file in
    /// the directory (whatever its name) that is a JSON object with an
    /// `accessToken` member, in file-name order. Client registrations (no
    /// `accessToken`) and files that are not JSON objects are left out; so is a
    /// file over 1 MiB. Nothing is sent or deleted here.
    ///
    /// Deliberate differences from the CLI: member names are matched ignoring
    /// ASCII case (as `aws-config` reads them, so a login the Rust SDK would
    /// use is logged out too), and a file Python's lenient JSON reader would
    /// take but strict JSON refuses (`NaN`, a lone surrogate escape such as
    /// `"\ud800"`) is left alone.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};
    ///
    /// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-logins-{}", std::process::id()));
    /// let cache = TokenCache::new(&dir);
    /// cache.store(&CacheKey::session("dev"), &CachedToken::builder()
    ///     .access_token("aoaA-token")
    ///     .expires_at(std::time::SystemTime::now())
    ///     .region("eu-west-1")
    ///     .build()?)?;
    /// for login in cache.logins()? {
    ///     // With a client: login.logout() gives the portal's `Logout` to send.
    ///     assert_eq!(login.logout().unwrap().region(), "eu-west-1");
    ///     login.remove()?;
    /// }
    /// assert!(cache.logins()?.is_empty());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`CacheErrorKind::Read`] naming the directory when it exists but cannot
    /// be listed.
    pub fn logins(&self) -> Result<Vec<CachedLogin>, CacheError> {
        Ok(readable_files(self.dir())?
            .into_iter()
            .filter_map(|(path, bytes)| read_login(path, &bytes))
            .collect())
    }
}

/// `~/.aws/cli/cache`: where the AWS CLI caches the role credentials it gets
/// with SSO logins (and others), home found as
/// [`TokenCache::default_location`] finds it.
///
/// # Errors
/// [`CacheErrorKind::NoHome`] when there is no home directory.
pub fn cli_credentials_dir() -> Result<PathBuf, CacheError> {
    let home = home_dir().ok_or_else(|| CacheError::new(CacheErrorKind::NoHome))?;
    Ok(home.join(".aws").join("cli").join("cache"))
}

/// Deletes the role credentials the AWS CLI cached with SSO logins, as
/// `aws sso logout` does: every file in `dir` (see [`cli_credentials_dir`])
/// that is a JSON object whose `ProviderType` is `"sso"`. Other files (the
/// credentials of `assume_role` profiles, for instance) are kept, and so are
/// files over 1 MiB and files strict JSON refuses (as for
/// [`TokenCache::logins`]). Gives the files deleted; `dir` missing deletes
/// nothing.
///
/// ```
/// use ssooidc_token::cache::remove_sso_credentials;
///
/// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-creds-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("a.json"), r#"{"ProviderType": "sso", "Credentials": {}}"#)?;
/// std::fs::write(dir.join("b.json"), r#"{"ProviderType": "assume-role", "Credentials": {}}"#)?;
/// assert_eq!(remove_sso_credentials(&dir)?, [dir.join("a.json")]);
/// assert!(dir.join("b.json").exists());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`CacheErrorKind::Read`] naming the directory when it exists but cannot be
/// listed; [`CacheErrorKind::Remove`] naming the first file that could not be
/// deleted (the ones before it are gone).
pub fn remove_sso_credentials(dir: &Path) -> Result<Vec<PathBuf>, CacheError> {
    let mut removed = Vec::new();
    for (path, bytes) in readable_files(dir)? {
        if provider_is_sso(&bytes) {
            remove_file(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Whether `bytes` is a JSON object whose `ProviderType` member (this exact
/// name, the CLI's own) is the string `sso`.
fn provider_is_sso(bytes: &[u8]) -> bool {
    let mut sso = false;
    let mut reader = Reader::new(bytes);
    let read = reader.object(|r, key| {
        if key.as_bytes() == Some(b"ProviderType".as_slice()) {
            // The last one wins, as in Python's `json.load`.
            sso = if r.at_string() {
                r.string()? == "sso"
            } else {
                r.skip()?;
                false
            };
        } else {
            r.skip()?;
        }
        Ok(())
    });
    read.and_then(|()| reader.end()).is_ok() && sso
}

/// The AWS access portal's `Logout` for one access token: `POST /logout` to
/// `portal.sso.{region}.amazonaws.com`, the token in the
/// `x-amz-sso_bearer_token` header, no body, unsigned, as the AWS SDKs send it.
/// From [`CachedLogin::logout`].
///
/// The token is held in zeroizing memory; the header built from it lives in a
/// buffer wiped when the request is dropped. `Debug` shows the region only.
pub struct SsoLogout {
    region: String,
    access_token: SecretString,
    #[cfg(feature = "http")]
    endpoint: crate::Endpoint,
    #[cfg(feature = "http")]
    fips_endpoint: crate::Endpoint,
}

impl fmt::Debug for SsoLogout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoLogout")
            .field("region", &self.region)
            .field("access_token", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl SsoLogout {
    /// `None` unless `region` is a region and `token` can be sent in a header.
    fn new(region: &str, token: &SecretString) -> Option<Self> {
        let sendable = crate::validation::is_header_token(token.expose_secret().as_bytes());
        // botocore takes a region in any case; host names are read so too.
        let region = region.to_ascii_lowercase();
        let region = region.as_str();
        if !(crate::validation::is_region(region) && sendable) {
            return None;
        }
        Some(Self {
            region: region.to_owned(),
            access_token: SecretString::from(token.expose_secret()),
            #[cfg(feature = "http")]
            endpoint: crate::http::portal_endpoint(region, false).ok()?,
            #[cfg(feature = "http")]
            fips_endpoint: crate::http::portal_endpoint(region, true).ok()?,
        })
    }

    /// The portal's region.
    #[must_use]
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The access token, for sending the `Logout` with a client of your own:
    /// the value of the `x-amz-sso_bearer_token` header.
    #[must_use]
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl SsoLogout {
    /// The portal of the region: `https://portal.sso.{region}.amazonaws.com`,
    /// or the DNS suffix of the region's partition (`.amazonaws.com.cn` in
    /// China, `.amazonaws.eu` in the European Sovereign Cloud, the isolated
    /// partitions' own), as `aws-sdk-sso` resolves it. For a proxy or a test,
    /// give [`Endpoint::custom`](crate::Endpoint::custom) to the calls below
    /// instead.
    ///
    /// ```
    /// # use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};
    /// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-portal-{}", std::process::id()));
    /// # let cache = TokenCache::new(&dir);
    /// # cache.store(&CacheKey::session("dev"), &CachedToken::builder().access_token("t")
    /// #     .expires_at(std::time::SystemTime::now()).region("cn-north-1").build()?)?;
    /// let logout = cache.logins()?[0].logout().unwrap();
    /// assert_eq!(logout.endpoint().host(), "portal.sso.cn-north-1.amazonaws.com.cn");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn endpoint(&self) -> &crate::Endpoint {
        &self.endpoint
    }

    /// The portal's FIPS endpoint: `https://portal.sso-fips.{region}.amazonaws.com`
    /// (`.amazonaws.com.cn` in China); in AWS GovCloud (`us-gov-*`),
    /// `https://portal.sso.{region}.amazonaws.com`; as `aws-sdk-sso` resolves it
    /// with `use_fips` (the partition's DNS suffix, as for
    /// [`endpoint`](Self::endpoint)).
    #[must_use]
    pub fn fips_endpoint(&self) -> &crate::Endpoint {
        &self.fips_endpoint
    }

    /// `POST {endpoint}/logout` with the token in `x-amz-sso_bearer_token`
    /// (marked sensitive, its bytes wiped when the request drops) and
    /// `content-length: 0`, as `aws-sdk-sso` sends it (its user-agent headers
    /// aside).
    #[must_use]
    pub fn to_http(&self, endpoint: &crate::Endpoint) -> http::Request<()> {
        let mut request = http::Request::new(());
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = endpoint.uri("/logout");
        let headers = request.headers_mut();
        // Visible ASCII only, checked when this was made.
        if let Some(value) = crate::http::secret_header(&self.access_token) {
            headers.insert(crate::http::SSO_BEARER_HEADER, value);
        }
        headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(0));
        request
    }
}

/// The portal's answer to a [`SsoLogout`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogoutOutcome {
    /// A 2xx: the session is over.
    LoggedOut,
    /// The portal refused: most often the token had already expired or been
    /// signed out (`UnauthorizedException`, which the CLI ignores), or too many
    /// requests were made (`TooManyRequestsException`).
    Refused {
        /// The HTTP status.
        status: u16,
        /// The `x-amzn-ErrorType` header's name (the part before `:`), when it
        /// is a plain name (letters, digits, `.` and `_`).
        error_type: Option<String>,
        /// The `x-amzn-RequestId` header, for AWS support.
        request_id: Option<String>,
    },
}

impl LogoutOutcome {
    /// Reads the portal's answer from its status and headers (feature `http`),
    /// for a `Logout` sent with a client of your own; the body is not needed
    /// (it holds at most a message). Header values that are not plain names are
    /// left out rather than shown.
    ///
    /// ```
    /// use ssooidc_token::cache::LogoutOutcome;
    ///
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-amzn-errortype", "UnauthorizedException:http://internal.amazon.com/".parse()?);
    /// assert_eq!(
    ///     LogoutOutcome::from_http(401, &headers),
    ///     LogoutOutcome::Refused { status: 401, error_type: Some("UnauthorizedException".into()), request_id: None }
    /// );
    /// assert_eq!(LogoutOutcome::from_http(200, &http::HeaderMap::new()), LogoutOutcome::LoggedOut);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    #[must_use]
    pub fn from_http(status: u16, headers: &http::HeaderMap) -> Self {
        if (200..300).contains(&status) {
            return Self::LoggedOut;
        }
        let headers = crate::response_error::amzn_headers(headers);
        let plain = |s: &&str| {
            !s.is_empty()
                && s.len() <= 128
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        };
        Self::Refused {
            status,
            error_type: headers.error_type.filter(plain).map(str::to_owned),
            request_id: headers
                .request_id
                .filter(|id| {
                    id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .map(str::to_owned),
        }
    }
}

impl LogoutOutcome {
    /// Whether a `Logout` is sent again after `done` (it ends the session
    /// however often it arrives): after a failure that sending again can help
    /// (a connection failure or cut, throttling by status or by error type, a
    /// 500, 502, 503 or 504), as
    /// the CLI's botocore client retries it.
    #[cfg(any(feature = "ureq", feature = "reqwest"))]
    fn worth_sending_again(done: &Result<Self, crate::SendError>) -> bool {
        match done {
            Ok(Self::Refused {
                status, error_type, ..
            }) => {
                matches!(status, 429 | 500 | 502 | 503 | 504)
                    || error_type
                        .as_deref()
                        .is_some_and(crate::oauth_error::is_throttling)
            }
            Ok(Self::LoggedOut) => false,
            Err(err) => err.is_retryable(),
        }
    }

    /// A sent `Logout`'s answer: a 3xx is refused unfollowed.
    #[cfg(any(feature = "ureq", feature = "reqwest"))]
    fn from_answer(
        answer: Result<
            (http::StatusCode, http::HeaderMap),
            Box<dyn std::error::Error + Send + Sync>,
        >,
    ) -> Result<Self, crate::SendError> {
        let (status, headers) = answer.map_err(crate::SendError::Transport)?;
        let status = status.as_u16();
        if (300..400).contains(&status) {
            return Err(crate::SendError::Redirected { status });
        }
        Ok(Self::from_http(status, &headers))
    }
}

#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
impl SsoLogout {
    /// Sends the `Logout` to `endpoint` (usually [`endpoint`](Self::endpoint))
    /// with `agent`, blocking: no redirect followed, the agent's timeout or 60
    /// seconds for each attempt, the answer's body not read. Sent up to 3 times while it fails
    /// in a way that sending again can help (no answer, throttling, a 500,
    /// 502, 503 or 504), after a random pause of up to 1 s, then 2 s, as the
    /// CLI's client retries it; the last outcome is returned.
    ///
    /// # Errors
    /// [`SendError::Transport`](crate::SendError::Transport) when there was no
    /// answer, [`SendError::Redirected`](crate::SendError::Redirected) for a
    /// 3xx. A refusal is an answer: [`LogoutOutcome::Refused`].
    pub fn send_blocking(
        &self,
        agent: &ureq::Agent,
        endpoint: &crate::Endpoint,
    ) -> Result<LogoutOutcome, crate::SendError> {
        crate::send::retry::again_while_blocking(
            || {
                LogoutOutcome::from_answer(crate::send::ureq::bodiless(
                    agent,
                    self.to_http(endpoint),
                    crate::send::ureq::DEFAULT_TIMEOUT,
                ))
            },
            LogoutOutcome::worth_sending_again,
        )
    }
}

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
impl SsoLogout {
    /// Sends the `Logout` to `endpoint` (usually [`endpoint`](Self::endpoint))
    /// with a [`ReqwestClient`](crate::ReqwestClient) (which follows no
    /// redirect); the answer's body is not read. Sent up to 3 times while it
    /// fails in a way that sending again can help (no answer, throttling, a
    /// 500, 502, 503 or 504), after a random pause of up to 1 s, then 2 s, as
    /// the CLI's client retries it; the last outcome is returned.
    ///
    /// # Errors
    /// [`SendError::Transport`](crate::SendError::Transport) when there was no
    /// answer, [`SendError::Redirected`](crate::SendError::Redirected) for a
    /// 3xx. A refusal is an answer: [`LogoutOutcome::Refused`].
    pub async fn send(
        &self,
        client: &crate::ReqwestClient,
        endpoint: &crate::Endpoint,
    ) -> Result<LogoutOutcome, crate::SendError> {
        crate::send::retry::again_while(
            || async {
                LogoutOutcome::from_answer(
                    crate::send::reqwest::bodiless(client, self.to_http(endpoint), None).await,
                )
            },
            LogoutOutcome::worth_sending_again,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::{provider_is_sso, read_login};
    use proptest::prelude::*;

    /// JSON-shaped bytes: the members the readers look at, in any case, with
    /// values of every kind, duplicated, nested, cut short or mangled.
    fn file() -> impl Strategy<Value = Vec<u8>> {
        let name = prop_oneof![
            Just("accessToken"),
            Just("ACCESSTOKEN"),
            Just("region"),
            Just("startUrl"),
            Just("ProviderType"),
            Just("providertype"),
            Just("other"),
        ];
        let value = prop_oneof![
            Just("\"t\"".to_owned()),
            Just("\"\"".to_owned()),
            Just("null".to_owned()),
            Just("5".to_owned()),
            Just("[\"x\"]".to_owned()),
            Just("{\"a\":\"b\"}".to_owned()),
            Just("\"sso\"".to_owned()),
            Just("\"us-east-1\"".to_owned()),
            Just("\"a\\u0062\\ud800\"".to_owned()),
            "\"[ -~]{0,12}\"",
        ];
        (
            prop::collection::vec((name, value), 0..6),
            any::<usize>(),
            any::<u8>(),
        )
            .prop_map(|(members, cut, byte)| {
                let body: Vec<String> = members
                    .iter()
                    .map(|(n, v)| format!("\"{n}\":{v}"))
                    .collect();
                let mut text = format!("{{{}}}", body.join(",")).into_bytes();
                // Some cut short, some with one byte replaced.
                match cut % 3 {
                    0 => text.truncate(cut % (text.len() + 1)),
                    1 => {
                        let at = cut % text.len();
                        text[at] = byte;
                    }
                    _ => {}
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Never a panic; a login only from an object with an `accessToken`
        /// member (any case), whose `logout()` then carries a visible token.
        #[test]
        fn the_logout_readers_take_any_bytes(bytes in file()) {
            let sso = provider_is_sso(&bytes);
            let login = read_login(std::path::PathBuf::from("f"), &bytes);
            let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
            if login.is_some() {
                let object = text.starts_with('{');
                prop_assert!(object && text.contains("\"accesstoken\""), "not a login");
            }
            if sso {
                prop_assert!(text.contains("\"providertype\":\"sso\""));
            }
            if let Some(logout) = login.as_ref().and_then(super::CachedLogin::logout) {
                use secrecy::ExposeSecret;
                prop_assert!(logout.access_token().expose_secret().bytes().all(|b| b.is_ascii_graphic()));
            }
        }
    }
}
