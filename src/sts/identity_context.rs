//! The identity context: what `CreateTokenWithIAM` gives, and STS takes as a
//! context assertion.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::{ParseError, ParseErrorKind, Syntax};
use crate::json::Reader;
use crate::{CreateTokenWithIamResponse, IntoSecret};

/// The ID token claim that carries the identity context.
const CLAIM: &[u8] = b"sts:identity_context";

/// STS's limits on a context assertion, in characters.
const MIN_LEN: usize = 4;
const MAX_LEN: usize = 2_048;

/// The identity context of an IAM Identity Center user: the
/// `sts:identity_context` claim of the ID token that `CreateTokenWithIAM`
/// returns, which STS `AssumeRole` takes as the `ContextAssertion` of a
/// `ProvidedContexts` entry to give an identity-enhanced session.
///
/// Held zeroizing; `Debug` shows `[REDACTED]`; the text is reachable through
/// [`ExposeSecret`].
///
/// ```
/// use ssooidc_token::sts::IdentityContext;
/// use ssooidc_token::{CreateTokenWithIamResponse, ExposeSecret};
///
/// let body = br#"{"accessToken":"aoal-x","idToken":"eyJ.eyJ.sig",
///     "awsAdditionalDetails":{"identityContext":"AQoJb3JpZ2luEXAMPLE"}}"#;
/// let response = CreateTokenWithIamResponse::from_json(body)?;
/// let context = IdentityContext::from_response(&response)?;
/// assert_eq!(context.expose_secret(), "AQoJb3JpZ2luEXAMPLE");
/// assert_eq!(format!("{context:?}"), "IdentityContext([REDACTED])");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct IdentityContext(SecretString);

impl IdentityContext {
    /// Takes the identity context out of a `CreateTokenWithIAM` answer:
    /// `awsAdditionalDetails.identityContext`, or, when the answer has none, the
    /// `sts:identity_context` claim of its ID token.
    ///
    /// The ID token's payload is base64url-decoded and read with the crate's own
    /// zeroizing JSON reader. **Its signature is not verified**: the token came
    /// straight from IAM Identity Center over TLS, and STS checks the assertion
    /// itself. Do not use this to read tokens from anywhere else.
    ///
    /// # Errors
    /// [`IdentityContextError`]: no context anywhere (request the
    /// `sts:identity_context` scope, or send no scope), a malformed ID token, a
    /// payload that is not JSON, a claim that is not a string, or a context outside
    /// STS's 4 to 2,048 characters. No error holds the token or the context.
    pub fn from_response(
        response: &CreateTokenWithIamResponse,
    ) -> Result<Self, IdentityContextError> {
        if let Some(context) = response
            .aws_additional_details()
            .and_then(crate::AwsAdditionalDetails::identity_context)
        {
            return Self::new(context);
        }
        let id_token = response.id_token().ok_or(IdentityContextError::Missing)?;
        Self::from_id_token(id_token.expose_secret())
    }

    /// Reads the `sts:identity_context` claim of a compact JWS ID token, without
    /// verifying its signature (see [`from_response`](Self::from_response)).
    ///
    /// # Errors
    /// As [`from_response`](Self::from_response).
    pub fn from_id_token(id_token: &str) -> Result<Self, IdentityContextError> {
        let mut parts = id_token.split('.');
        let (Some(header), Some(payload), Some(_signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(IdentityContextError::MalformedIdToken);
        };
        if header.is_empty() || payload.is_empty() {
            return Err(IdentityContextError::MalformedIdToken);
        }
        let payload = base64url_decode(payload).ok_or(IdentityContextError::MalformedIdToken)?;
        let claim = read_claim(&payload)?;
        Self::checked(claim.ok_or(IdentityContextError::Missing)?)
    }

    /// An identity context obtained elsewhere (a cache, another service).
    ///
    /// # Errors
    /// [`IdentityContextError::Length`] outside STS's 4 to 2,048 characters.
    pub fn new(context: impl IntoSecret) -> Result<Self, IdentityContextError> {
        Self::checked(context.into_secret())
    }

    fn checked(context: SecretString) -> Result<Self, IdentityContextError> {
        let len = context.expose_secret().chars().count();
        if (MIN_LEN..=MAX_LEN).contains(&len) {
            Ok(Self(context))
        } else {
            Err(IdentityContextError::Length { len })
        }
    }

    /// The context as the SDK's `ProvidedContext`, with provider ARN
    /// [`IDENTITY_CENTER_CONTEXT_PROVIDER`](super::IDENTITY_CENTER_CONTEXT_PROVIDER)
    /// (feature `aws-sdk-sts`), for callers who send `AssumeRole` through
    /// `aws-sdk-sts`.
    ///
    /// The SDK holds the assertion as a plain `String` that it copies and never
    /// wipes; for a zeroizing call, use [`AssumeRole`](super::AssumeRole).
    #[cfg(feature = "aws-sdk-sts")]
    #[must_use]
    pub fn to_provided_context(&self) -> aws_sdk_sts::types::ProvidedContext {
        aws_sdk_sts::types::ProvidedContext::builder()
            .provider_arn(super::IDENTITY_CENTER_CONTEXT_PROVIDER)
            .context_assertion(self.0.expose_secret())
            .build()
    }
}

impl ExposeSecret<str> for IdentityContext {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for IdentityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdentityContext([REDACTED])")
    }
}

/// Finds the claim in the payload: `Ok(None)` when it is not there.
fn read_claim(payload: &[u8]) -> Result<Option<SecretString>, IdentityContextError> {
    let mut claim: Option<SecretString> = None;
    let mut reader = Reader::new(payload);
    let mut not_string = false;
    let read = reader.object(|r, key| {
        if key.as_bytes() != Some(CLAIM) {
            return r.skip();
        }
        if claim.is_some() {
            return Err(ParseError::new(
                ParseErrorKind::Duplicate,
                Some("sts:identity_context"),
                Some(key.offset),
            ));
        }
        match r.secret() {
            Ok(value) => {
                claim = Some(value);
                Ok(())
            }
            Err(err) if err.kind() == &ParseErrorKind::Syntax(Syntax::ExpectedString) => {
                not_string = true;
                r.skip()
            }
            Err(err) => Err(err.in_member("sts:identity_context")),
        }
    });
    read.and_then(|()| reader.end())
        .map_err(IdentityContextError::PayloadNotJson)?;
    if not_string {
        return Err(IdentityContextError::ClaimNotString);
    }
    Ok(claim)
}

/// Base64url without padding (RFC 4648 section 5, as JWS uses it), into one
/// exact-size zeroizing buffer. `None` for any other character or a length no
/// encoding gives.
fn base64url_decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        }))
    };
    let mut out = Zeroizing::new(Vec::with_capacity(
        bytes.len() / 4 * 3 + (bytes.len() % 4) * 3 / 4,
    ));
    for chunk in bytes.chunks(4) {
        let mut word: Zeroizing<u32> = Zeroizing::new(0);
        for (i, &b) in chunk.iter().enumerate() {
            *word |= value(b)? << (18 - 6 * i);
        }
        let decoded = Zeroizing::new(word.to_be_bytes());
        out.extend_from_slice(&decoded[1..chunk.len()]);
    }
    debug_assert_eq!(out.len(), out.capacity());
    Some(out)
}

/// Why no [`IdentityContext`] could be had. No variant holds the ID token or the
/// context.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentityContextError {
    /// The answer has no `awsAdditionalDetails.identityContext`, and no ID token
    /// with an `sts:identity_context` claim.
    Missing,
    /// The ID token is not a compact JWS: three dot-separated base64url parts.
    MalformedIdToken,
    /// The ID token's payload is not a JSON object (the parse error is the source).
    PayloadNotJson(ParseError),
    /// The `sts:identity_context` claim is not a string.
    ClaimNotString,
    /// The context is not 4 to 2,048 characters long (STS's limits).
    Length {
        /// Its length in characters.
        len: usize,
    },
}

impl fmt::Display for IdentityContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str(
                "no identity context in the token response: request the `sts:identity_context` scope with the others, or send no scope (the application's configured scopes are then granted)",
            ),
            Self::MalformedIdToken => {
                f.write_str("the ID token is not a compact JWS of three base64url parts")
            }
            Self::PayloadNotJson(_) => f.write_str("the ID token's payload is not a JSON object"),
            Self::ClaimNotString => {
                f.write_str("the ID token's `sts:identity_context` claim is not a string")
            }
            Self::Length { len } => write!(
                f,
                "the identity context must be 4 to 2,048 characters (STS's limit), not {len}"
            ),
        }
    }
}

impl std::error::Error for IdentityContextError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::PayloadNotJson(err) => Some(err),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for (text, bytes) in [
            ("", &b""[..]),
            ("Zg", b"f"),
            ("Zm8", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9vYg", b"foob"),
            ("Zm9vYmE", b"fooba"),
            ("Zm9vYmFy", b"foobar"),
            ("-_8", &[0xfb, 0xff]),
        ] {
            let decoded = base64url_decode(text).unwrap();
            assert_eq!(&decoded[..], bytes, "{text}");
            assert_eq!(decoded.len(), decoded.capacity());
        }
        for bad in ["Z", "Zm9v=", "Zm+v", "Zm/v", "Zm9vY"] {
            assert!(base64url_decode(bad).is_none(), "{bad}");
        }
    }
}
