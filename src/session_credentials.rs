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
