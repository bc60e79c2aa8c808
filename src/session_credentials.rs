//! Temporary AWS credentials, as STS's `AssumeRole` and the access portal's
//! `GetRoleCredentials` hand them out.

use std::fmt;
use std::time::SystemTime;

use secrecy::SecretString;

/// Temporary credentials of a session: from STS `AssumeRole` (feature `sts`)
/// or the access portal's `GetRoleCredentials` (feature `portal`). The secret
/// key and the session token are held zeroizing; `Debug` shows neither.
pub struct SessionCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: SecretString,
    expiration: SystemTime,
}

impl SessionCredentials {
    pub(crate) fn new(
        access_key_id: String,
        secret_access_key: SecretString,
        session_token: SecretString,
        expiration: SystemTime,
    ) -> Self {
        Self {
            access_key_id,
            secret_access_key,
            session_token,
            expiration,
        }
    }

    /// The access key id (`AccessKeyId`, `accessKeyId`).
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key (`SecretAccessKey`, `secretAccessKey`).
    #[must_use]
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// The session token (`SessionToken`, `sessionToken`).
    #[must_use]
    pub fn session_token(&self) -> &SecretString {
        &self.session_token
    }

    /// When the credentials stop working (`Expiration`, `expiration`).
    #[must_use]
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }
}

/// The `credential_process` answer's members, in the order the AWS CLI's
/// `export-credentials --format process` writes them (`Version` is the tail).
struct ProcessMembers<'a> {
    credentials: &'a SessionCredentials,
    expiration: &'a str,
}

impl crate::wire::Members for ProcessMembers<'_> {
    fn visit<V: crate::wire::Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        use crate::wire::Value;
        use secrecy::ExposeSecret;
        let c = self.credentials;
        v.member("AccessKeyId", Value::Str(&c.access_key_id))?;
        v.member(
            "SecretAccessKey",
            Value::Str(c.secret_access_key.expose_secret()),
        )?;
        v.member("SessionToken", Value::Str(c.session_token.expose_secret()))?;
        v.member("Expiration", Value::Str(self.expiration))
    }
}

impl SessionCredentials {
    /// The credentials as a `credential_process` prints them for the AWS CLI,
    /// botocore and the SDKs (`credential_process = my-tool ...` in
    /// `~/.aws/config`): `AccessKeyId`, `SecretAccessKey`, `SessionToken`,
    /// `Expiration` (`YYYY-MM-DDTHH:MM:SSZ`) and `"Version":1`, compact JSON
    /// in one exact-size buffer wiped when dropped. An expiration before 1970
    /// or after 9999, which no answer gives, is written as 1970's first second
    /// (already expired).
    ///
    /// ```
    /// # #[cfg(feature = "portal")] {
    /// use ssooidc_token::portal::GetRoleCredentialsResponse;
    /// use ssooidc_token::ExposeSecret;
    ///
    /// let credentials = GetRoleCredentialsResponse::from_json(br#"{"roleCredentials":{
    ///     "accessKeyId":"ASIAEXAMPLE","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4=",
    ///     "expiration":1796126400000}}"#)?.into_credentials();
    /// assert_eq!(
    ///     credentials.to_credential_process_json().expose_secret(),
    ///     br#"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"c2VjcmV0","SessionToken":"dG9rZW4=","Expiration":"2026-12-01T12:00:00Z","Version":1}"#
    /// );
    /// # }
    /// # Ok::<(), ssooidc_token::ParseError>(())
    /// ```
    #[must_use]
    pub fn to_credential_process_json(&self) -> crate::JsonBody {
        const TAIL: &[u8] = br#","Version":1"#;
        let expiration =
            crate::time::rfc3339_z(self.expiration).unwrap_or(*b"1970-01-01T00:00:00Z");
        // ASCII digits, `-`, `:`, `T` and `Z`.
        let expiration = std::str::from_utf8(&expiration).unwrap_or_default();
        let members = ProcessMembers {
            credentials: self,
            expiration,
        };
        let mut layout = crate::wire::measure(&members);
        layout.len += TAIL.len();
        crate::JsonBody::new(crate::wire::write_with_tail(&members, layout, TAIL))
    }
}

/// The session's credentials, ready to sign the next request: the secrets are
/// moved, not copied.
#[cfg(feature = "sigv4")]
#[cfg_attr(docsrs, doc(cfg(feature = "sigv4")))]
impl From<SessionCredentials> for crate::SigningCredentials {
    fn from(credentials: SessionCredentials) -> Self {
        crate::SigningCredentials::from_secrets(
            credentials.access_key_id,
            credentials.secret_access_key,
            Some(credentials.session_token),
        )
    }
}

impl fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[REDACTED]")
            .field("session_token", &"[REDACTED]")
            .field("expiration", &self.expiration)
            .finish()
    }
}
