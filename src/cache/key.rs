//! File names in the cache: the SHA-1 names the AWS CLI gives tokens and client
//! registrations.

use std::fmt::Write as _;

use sha1::{Digest, Sha1};

/// Which token file: the lower-case hex SHA-1 of a session name (profiles with an
/// `sso_session` section) or of a start URL (old-style profiles with
/// `sso_start_url`), plus `.json`, as the AWS CLI, botocore and the SDKs name it.
///
/// ```
/// use ssooidc_token::cache::CacheKey;
///
/// assert_eq!(CacheKey::session("admin").file_name(), "d033e22ae348aeb5660fc2140aec35850c4da997.json");
/// assert_eq!(
///     CacheKey::start_url("https://d-abc123.awsapps.com/start").file_name(),
///     "40a89917e3175433e361b710a9d43528d7f1890a.json",
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CacheKey {
    hex: String,
    /// What was hashed: the login the role credentials' key names too.
    #[cfg_attr(
        not(all(feature = "portal", feature = "credentials")),
        allow(dead_code)
    )]
    login: Login,
}

/// Keys are the same when they name the same file.
impl PartialEq for CacheKey {
    fn eq(&self, other: &Self) -> bool {
        self.hex == other.hex
    }
}

impl Eq for CacheKey {}

impl std::hash::Hash for CacheKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.hex.hash(state);
    }
}

/// The login a [`CacheKey`] is for.
#[derive(Debug, Clone)]
#[cfg_attr(
    not(all(feature = "portal", feature = "credentials")),
    allow(dead_code)
)]
enum Login {
    Session(String),
    StartUrl(String),
}

impl CacheKey {
    /// The key of an `sso_session` profile's token: SHA-1 of the session name.
    ///
    /// ```
    /// use ssooidc_token::cache::CacheKey;
    ///
    /// assert_eq!(CacheKey::session("dev").file_name(), "34c6fceca75e456f25e7e99531e2425c6c1de443.json");
    /// ```
    #[must_use]
    pub fn session(name: &str) -> Self {
        Self {
            hex: sha1_hex(name.as_bytes()),
            login: Login::Session(name.to_owned()),
        }
    }

    /// The key of an old-style profile's token (`sso_start_url` in the profile):
    /// SHA-1 of the start URL, exactly as written in the profile.
    ///
    /// ```
    /// use ssooidc_token::cache::CacheKey;
    ///
    /// let key = CacheKey::start_url("https://d-abc123.awsapps.com/start");
    /// assert_eq!(key.file_name(), "40a89917e3175433e361b710a9d43528d7f1890a.json");
    /// ```
    #[must_use]
    pub fn start_url(url: &str) -> Self {
        Self {
            hex: sha1_hex(url.as_bytes()),
            login: Login::StartUrl(url.to_owned()),
        }
    }

    /// The key of `role_name` in `account_id`'s credentials for this login,
    /// in the AWS CLI's credential cache.
    #[cfg(all(feature = "portal", feature = "credentials"))]
    pub(crate) fn role_key(&self, account_id: &str, role_name: &str) -> super::RoleCredentialsKey {
        match &self.login {
            Login::Session(name) => super::RoleCredentialsKey::session(name, account_id, role_name),
            Login::StartUrl(url) => {
                super::RoleCredentialsKey::start_url(url, account_id, role_name)
            }
        }
    }

    /// The token file's name: 40 lower-case hex digits and `.json`.
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}.json", self.hex)
    }

    /// The lock file beside the token, which serializes refreshes across
    /// processes (`<sha1>.json.lock`; no AWS tool reads it).
    #[cfg_attr(not(any(feature = "ureq", feature = "reqwest")), allow(dead_code))]
    pub(crate) fn lock_file_name(&self) -> String {
        format!("{}.json.lock", self.hex)
    }
}

/// Which client-registration file, named as the AWS CLI names it: the SHA-1 of
/// Python's `json.dumps({"tool": "botocore", "startUrl": ..., "region": ...,
/// "scopes": ..., "session_name": ...}, sort_keys=True)`, plus `.json`.
///
/// The JSON text is Python's: separators `", "` and `": "`, `null` for an absent
/// value, and every character outside printable ASCII escaped as `\uXXXX`
/// (surrogate pairs above U+FFFF). Scopes are hashed in the order given, as the CLI
/// does with the order of `sso_registration_scopes`.
///
/// ```
/// use ssooidc_token::cache::RegistrationKey;
///
/// let key = RegistrationKey::new("https://d-abc123.awsapps.com/start", "us-west-2", None, None);
/// assert_eq!(key.file_name(), "d75f79f67bab3f92a2b1450471c0c2574de0dca4.json");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrationKey {
    hex: String,
}

impl RegistrationKey {
    /// The key of the registration the CLI makes for this start URL, region,
    /// scopes (`None`: none configured; `Some(&[])`: the setting present but
    /// empty, hashed as `[]`) and session (`None`: an old-style profile).
    ///
    /// ```
    /// use ssooidc_token::cache::RegistrationKey;
    ///
    /// let key = RegistrationKey::new(
    ///     "https://d-abc123.awsapps.com/start",
    ///     "us-east-1",
    ///     Some(&["sso:account:access"]),
    ///     Some("dev"),
    /// );
    /// assert_eq!(key.file_name(), "c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3.json");
    /// ```
    #[must_use]
    pub fn new(
        start_url: &str,
        region: &str,
        scopes: Option<&[&str]>,
        session_name: Option<&str>,
    ) -> Self {
        // Keys in sorted order: region, scopes, session_name, startUrl, tool.
        let mut text = String::from("{\"region\": ");
        python_string(&mut text, region);
        text.push_str(", \"scopes\": ");
        match scopes {
            None => text.push_str("null"),
            Some(scopes) => {
                text.push('[');
                for (i, scope) in scopes.iter().enumerate() {
                    if i > 0 {
                        text.push_str(", ");
                    }
                    python_string(&mut text, scope);
                }
                text.push(']');
            }
        }
        text.push_str(", \"session_name\": ");
        match session_name {
            None => text.push_str("null"),
            Some(name) => python_string(&mut text, name),
        }
        text.push_str(", \"startUrl\": ");
        python_string(&mut text, start_url);
        text.push_str(", \"tool\": \"botocore\"}");
        Self {
            hex: sha1_hex(text.as_bytes()),
        }
    }

    /// The registration file's name: 40 lower-case hex digits and `.json`.
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}.json", self.hex)
    }
}

/// Writes `s` as Python's `json.dumps` does with its default `ensure_ascii=True`.
pub(super) fn python_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

pub(super) fn sha1_hex(bytes: &[u8]) -> String {
    let digest = Sha1::digest(bytes);
    let mut hex = String::with_capacity(40);
    for &byte in &digest {
        hex.extend(crate::hex::lower(byte).map(char::from));
    }
    hex
}
