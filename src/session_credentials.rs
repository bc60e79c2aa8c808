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
    account_id: Option<String>,
    /// The provider name the SDK's `Credentials` carry (its `Debug` shows it).
    #[cfg_attr(not(feature = "credentials"), allow(dead_code))]
    provider_name: &'static str,
}

/// The provider name of credentials from STS: the identity-enhanced chain's.
pub(crate) const STS_PROVIDER_NAME: &str = "IdentityEnhancedCredentials";
/// The provider name of credentials from the access portal, as `aws-config`'s
/// SSO credentials provider names its own.
#[cfg_attr(not(feature = "portal"), allow(dead_code))]
pub(crate) const PORTAL_PROVIDER_NAME: &str = "SSO";

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
            account_id: None,
            provider_name: STS_PROVIDER_NAME,
        }
    }

    /// The same, named as credentials from the access portal.
    #[cfg_attr(not(feature = "portal"), allow(dead_code))]
    pub(crate) fn named_for_portal(mut self) -> Self {
        self.provider_name = PORTAL_PROVIDER_NAME;
        self
    }

    #[cfg_attr(not(feature = "credentials"), allow(dead_code))]
    pub(crate) fn provider_name(&self) -> &'static str {
        self.provider_name
    }

    /// The same, with the account they are for.
    pub(crate) fn with_account_id(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id;
        self
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

    /// The AWS account the credentials are for, when known: from the
    /// assumed role's ARN (STS), the request (the portal's answer as
    /// `send`/`send_blocking` read it) or the cache file. It goes into
    /// the SDK's `Credentials` and the `credential_process` answer
    /// (`AccountId`), where the SDKs use it for account-based endpoints.
    #[must_use]
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
}

/// The account id in an assumed-role ARN
/// (`arn:aws:sts::123456789012:assumed-role/role/session`): its fifth field,
/// when that is 12 digits.
#[cfg_attr(not(feature = "sts"), allow(dead_code))]
pub(crate) fn account_id_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
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
        v.member("Expiration", Value::Str(self.expiration))?;
        if let Some(account_id) = &c.account_id {
            v.member("AccountId", Value::Str(account_id))?;
        }
        Ok(())
    }
}

impl SessionCredentials {
    /// The credentials as a `credential_process` prints them for the AWS CLI,
    /// botocore and the SDKs (`credential_process = my-tool ...` in
    /// `~/.aws/config`): `AccessKeyId`, `SecretAccessKey`, `SessionToken`,
    /// `Expiration` (`YYYY-MM-DDTHH:MM:SSZ`), `AccountId` when
    /// [known](Self::account_id), and `"Version":1`, compact JSON in one
    /// exact-size buffer wiped when dropped. An expiration after 9999 is
    /// written as 9999's last second (one before 1970 cannot be read).
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
        let expiration = crate::time::rfc3339_z(self.expiration).unwrap_or(
            if self.expiration < std::time::UNIX_EPOCH {
                *b"1970-01-01T00:00:00Z"
            } else {
                *b"9999-12-31T23:59:59Z"
            },
        );
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
            .field("account_id", &self.account_id)
            .field("provider_name", &self.provider_name)
            .finish()
    }
}
