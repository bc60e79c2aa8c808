//! The two operations' request types.

use std::fmt;
use std::marker::PhantomData;

use crate::fields::GrantFields;
use crate::grant::{IamGrant, PublicClientGrant};
use crate::validation::Checks;
use crate::wire;
use crate::{BuildError, JsonBody};

/// A checked `CreateTokenWithIAM` request for grant `G`: an IAM-signed call
/// (SigV4, signing name `sso-oauth`) to `POST /token?aws_iam=t`.
///
/// Start from the grant's entry point; the builder will not compile until every
/// required field is set, and offers only the grant's own fields:
///
/// | entry point | required | optional |
/// |---|---|---|
/// | [`authorization_code()`](Self::authorization_code) | client_id, code, redirect_uri | code_verifier, scope |
/// | [`refresh_token()`](Self::refresh_token) | client_id, refresh_token | scope |
/// | [`jwt_bearer()`](Self::jwt_bearer) | client_id, assertion | scope |
/// | [`token_exchange()`](Self::token_exchange) | client_id, subject_token, subject_token_type | requested_token_type, scope |
///
/// ```
/// use ssooidc_token::{CreateTokenWithIam, ExposeSecret, TokenType};
///
/// let request = CreateTokenWithIam::token_exchange()
///     .client_id("arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222")
///     .subject_token("eyJraWQiOiJrZXkifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl")
///     .subject_token_type(TokenType::AccessToken)
///     .scope("openid")
///     .build()?;
/// let body = request.to_json();
/// assert!(body.expose_secret().starts_with(br#"{"clientId":"arn:aws:sso::123456789012:"#));
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
pub struct CreateTokenWithIam<G: IamGrant> {
    fields: G::Fields,
    // Not the last field, `fields` must be sized: a grant the operation does not
    // accept is then one plain error, without a misleading hint about sizes.
    grant: PhantomData<G>,
}

/// A checked `CreateToken` request for grant `G`: the unsigned call a registered
/// public client makes to `POST /token`, authenticated by its client secret.
///
/// | entry point | required | optional |
/// |---|---|---|
/// | [`authorization_code()`](Self::authorization_code) | client_id, client_secret, code, redirect_uri | code_verifier, scope |
/// | [`device_code()`](Self::device_code) | client_id, client_secret, device_code | scope |
/// | [`refresh_token()`](Self::refresh_token) | client_id, client_secret, refresh_token | scope |
///
/// ```
/// use ssooidc_token::{CreateToken, ExposeSecret};
///
/// let request = CreateToken::device_code()
///     .client_id("_yzkThXVzLWVhc3QtMQ")
///     .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
///     .device_code("yJraWQiOiJrZXktMTU2Njk2ODA4OCIsImFsZyI6IkhTMzIn0EXAMPLEDEVICECODE")
///     .build()?;
/// assert!(request.to_json().expose_secret().ends_with(br#""grantType":"urn:ietf:params:oauth:grant-type:device_code"}"#));
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
pub struct CreateToken<G: PublicClientGrant> {
    fields: G::Fields,
    // Not the last field, `fields` must be sized: a grant the operation does not
    // accept is then one plain error, without a misleading hint about sizes.
    grant: PhantomData<G>,
}

/// Runs every content check. The body is measured when it is written (by
/// `to_json`, which then allocates once at the exact size), not here: `build()`
/// costs what its checks cost, and a request that is never serialized (a
/// builder test, a request built and dropped) never scans its secrets twice.
fn check<F: GrantFields>(operation: &'static str, fields: &F) -> Result<(), BuildError> {
    let mut checks = Checks::default();
    checks.non_empty("client_id", fields.client_id());
    fields.check_grant(&mut checks);
    checks.scopes(fields.scope());
    checks.finish(operation)
}

/// The parts the two request types share.
macro_rules! request_common {
    ($ty:ident, $bound:ident, $operation:literal) => {
        impl<G: $bound> $ty<G> {
            #[allow(clippy::inline_always)]
            #[inline(always)]
            pub(crate) fn from_fields(fields: G::Fields) -> Result<Self, BuildError> {
                check($operation, &fields)?;
                Ok(Self {
                    fields,
                    grant: PhantomData,
                })
            }

            #[cfg(feature = "aws-sdk")]
            pub(crate) fn members(&self) -> &G::Fields {
                &self.fields
            }

            /// `clientId`.
            #[must_use]
            pub fn client_id(&self) -> &str {
                self.fields.client_id()
            }

            /// `grantType`: the grant's URI or name, as sent on the wire.
            #[must_use]
            pub fn grant_type(&self) -> &'static str {
                G::GRANT_TYPE
            }

            /// `scope`, in the order given. Empty means no `scope` member is sent.
            #[must_use]
            pub fn scope(&self) -> &[String] {
                self.fields.scope()
            }

            /// The exact length in bytes of the body [`to_json`](Self::to_json) returns
            /// (measured now, by one pass over the members).
            #[must_use]
            pub fn json_len(&self) -> usize {
                wire::measure(&self.fields).len
            }

            /// Serializes the request body as the AWS SDK does: compact JSON, members in
            /// alphabetical order of their wire names, absent members left out.
            ///
            /// The body is measured, then written into one allocation of its exact
            /// final size, so no reallocation leaves a partial copy of a secret
            /// behind; the buffer is wiped when dropped.
            #[must_use]
            pub fn to_json(&self) -> JsonBody {
                JsonBody::new(wire::write(&self.fields, wire::measure(&self.fields)))
            }
        }

        /// Serializes with the same member names and order as [`to_json`](Self::to_json).
        ///
        /// This exposes every secret to the serializer: whatever buffer it writes
        /// into is outside this crate's control and is not wiped. For JSON, prefer
        /// `to_json`.
        impl<G: $bound> serde::Serialize for $ty<G> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                wire::serialize(&self.fields, serializer)
            }
        }

        /// Gives the grant's own accessors (`code()`, `subject_token()`...) on the
        /// request itself. Secrets come back as [`SecretString`](crate::SecretString).
        impl<G: $bound> std::ops::Deref for $ty<G> {
            type Target = G::Fields;
            fn deref(&self) -> &G::Fields {
                &self.fields
            }
        }

        /// Secrets show as `[REDACTED]`.
        impl<G: $bound> fmt::Debug for $ty<G> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("grant_type", &G::GRANT_TYPE)
                    .field("fields", &self.fields)
                    .finish()
            }
        }
    };
}

request_common!(CreateTokenWithIam, IamGrant, "CreateTokenWithIAM");
request_common!(CreateToken, PublicClientGrant, "CreateToken");
