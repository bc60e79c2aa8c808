//! Sending through an existing `aws_sdk_ssooidc::Client` (feature `aws-sdk`).
//!
//! Inside the SDK, every member is an ordinary `String`: the secrets are copied
//! out of their zeroizing wrappers into the SDK's input, and the SDK's own
//! buffers (its input, its serializer, its HTTP body, the response it parses) are
//! not wiped. What comes back is moved into this crate's zeroizing response types
//! at once. For secrets wiped end to end, use the `http` + `sigv4` road.
//!
//! Limits: the SDK client's own, but that a client with no operation timeout
//! (the SDK's default) and an async sleep (the SDK's default on tokio) gets
//! [`OPERATION_TIMEOUT`] for each call, as the crate's other roads bound every
//! exchange, so that a server that stalls cannot hold the caller. The SDK reads
//! a whole answer into memory with no size limit of its own; the `reqwest` and
//! `ureq` roads cap it at 1 MiB.

use std::fmt;
use std::time::Duration;

use crate::error::ParseError;
use crate::response_error::read_json;
pub use crate::send::SendError;
use aws_sdk_ssooidc::error::SdkError;
use aws_sdk_ssooidc::operation::create_token::builders::CreateTokenFluentBuilder;
use aws_sdk_ssooidc::operation::create_token::CreateTokenOutput;
use aws_sdk_ssooidc::operation::create_token_with_iam::builders::CreateTokenWithIAMFluentBuilder;
use aws_sdk_ssooidc::operation::create_token_with_iam::CreateTokenWithIamOutput;

use crate::grant::{IamGrant, PublicClientGrant};
use crate::response::TokenParts;
use crate::wire::{Members, Value, Visit};
use crate::{CreateToken, CreateTokenResponse, CreateTokenWithIam, CreateTokenWithIamResponse};

/// The SDK's error, without the SDK's error: its `Debug` prints the raw HTTP
/// response, body and all, and a 200 answer the SDK could not deserialize holds
/// the tokens. An answer (service error or unreadable success) is read again by
/// this crate's own reader, from the raw body, into a [`ResponseError`] that
/// never echoes it; a failure before any answer keeps only its cause (timeout,
/// connection), never the request or response.
///
/// [`ResponseError`]: crate::ResponseError
fn map_error<E, R>(err: SdkError<E, R>, parse: fn(&[u8]) -> Result<(), ParseError>) -> SendError
where
    E: std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
{
    let raw: Option<&dyn std::any::Any> = match &err {
        SdkError::ServiceError(context) => Some(context.raw()),
        SdkError::ResponseError(context) => Some(context.raw()),
        _ => None,
    };
    if let Some(raw) = raw {
        let Some(raw) = raw.downcast_ref::<aws_sdk_ssooidc::config::http::HttpResponse>() else {
            return SendError::Sdk(SdkFailure::boxed("the SDK's answer was of an unknown type"));
        };
        let status = raw.status().as_u16();
        let Some(body) = raw.body().bytes() else {
            return SendError::Sdk(SdkFailure::boxed(
                "the SDK's answer body was streamed, not read",
            ));
        };
        let headers = crate::response_error::amzn_headers_by(
            |name| raw.headers().get(name),
            raw.headers().get("age").is_some(),
        );
        return match read_json(status, body, headers.error_type, parse) {
            Err(err) => SendError::Response(err.with_headers(&headers)),
            // Readable by this crate, not by the SDK (or a success status with a
            // service error): say so, without the SDK's words.
            Ok(()) => SendError::Sdk(SdkFailure::boxed(
                "aws-sdk-ssooidc could not read a success answer this crate reads",
            )),
        };
    }
    let what = match &err {
        SdkError::ConstructionFailure(_) => "the SDK could not build the request",
        SdkError::TimeoutError(_) => "the SDK timed out",
        SdkError::DispatchFailure(_) => "the SDK could not send the request",
        _ => "the SDK failed",
    };
    // The cause of a failure before any answer (a connector or timeout error)
    // holds no request or response; the SdkError around it is dropped.
    let cause = err.into_source().ok();
    SendError::Sdk(Box::new(SdkFailure { what, cause }))
}

/// Why the SDK failed, in this crate's words, with the cause (never the raw
/// request or response) as source.
#[derive(Debug)]
struct SdkFailure {
    what: &'static str,
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl SdkFailure {
    fn boxed(what: &'static str) -> Box<Self> {
        Box::new(Self { what, cause: None })
    }
}

impl fmt::Display for SdkFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
}

impl std::error::Error for SdkFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Moves a member into a fluent builder, whichever builder it is.
trait SdkInput: Sized {
    fn set(self, key: &'static str, value: Value<'_>) -> Self;
}

/// Threads a by-value fluent builder through the members visitor.
struct Fill<B>(Option<B>);

impl<B: SdkInput> Visit for Fill<B> {
    type Error = std::convert::Infallible;
    fn member(&mut self, key: &'static str, value: Value<'_>) -> Result<(), Self::Error> {
        self.0 = self.0.take().map(|b| b.set(key, value));
        Ok(())
    }
}

macro_rules! sdk_input {
    ($builder:ty { $($key:literal => $setter:ident,)* }) => {
        impl SdkInput for $builder {
            fn set(self, key: &'static str, value: Value<'_>) -> Self {
                match (key, value) {
                    ("scope", Value::List(items)) => self.set_scope(Some(items.to_vec())),
                    $(($key, Value::Str(s)) => self.$setter(s),)*
                    _ => self,
                }
            }
        }
    };
}

sdk_input!(CreateTokenWithIAMFluentBuilder {
    "assertion" => assertion,
    "clientId" => client_id,
    "code" => code,
    "codeVerifier" => code_verifier,
    "grantType" => grant_type,
    "redirectUri" => redirect_uri,
    "refreshToken" => refresh_token,
    "requestedTokenType" => requested_token_type,
    "subjectToken" => subject_token,
    "subjectTokenType" => subject_token_type,
});

sdk_input!(CreateTokenFluentBuilder {
    "clientId" => client_id,
    "clientSecret" => client_secret,
    "code" => code,
    "codeVerifier" => code_verifier,
    "deviceCode" => device_code,
    "grantType" => grant_type,
    "redirectUri" => redirect_uri,
    "refreshToken" => refresh_token,
});

fn fill<B: SdkInput>(builder: B, members: &impl Members) -> Result<B, SendError> {
    let mut fill = Fill(Some(builder));
    let Ok(()) = members.visit(&mut fill);
    // `Fill` always hands the builder back; this error cannot happen.
    fill.0
        .ok_or_else(|| SendError::Sdk(SdkFailure::boxed("request builder lost while filling it")))
}

#[cfg_attr(docsrs, doc(cfg(feature = "aws-sdk")))]
impl<G: IamGrant> CreateTokenWithIam<G> {
    /// Sends the request with an existing SDK client (which signs it) and returns
    /// this crate's response type.
    ///
    /// Inside the SDK the secrets are plain `String`s that it does not wipe; see the
    /// module documentation, and prefer the `http` + `sigv4` road where that matters.
    ///
    /// The client's own limits apply, but that a client that leaves the
    /// operation timeout unset (the SDK's default; one disabled on purpose
    /// stays disabled) gets 60 s for the call, as the crate's other
    /// roads bound every exchange (when it has an async sleep, as the SDK's
    /// default on tokio does: a timeout cannot run without one). The SDK reads
    /// the whole answer into memory, with no size limit; the `reqwest` and
    /// `ureq` roads cap it at 1 MiB.
    ///
    /// ```no_run
    /// # async fn example(client: aws_sdk_ssooidc::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::CreateTokenWithIam;
    ///
    /// let response = CreateTokenWithIam::refresh_token()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .refresh_token("aorv-example")
    ///     .build()?
    ///     .send_with(&client)
    ///     .await?;
    /// println!("expires in {:?}", response.expires_in());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SendError::Response`] for an OAuth error or an unreadable answer,
    /// [`SendError::Sdk`] when the SDK fails.
    pub async fn send_with(
        &self,
        client: &aws_sdk_ssooidc::Client,
    ) -> Result<CreateTokenWithIamResponse, SendError> {
        let builder = fill(client.create_token_with_iam(), self.members())?;
        let sent = match bounded(client) {
            Some(bound) => builder.customize().config_override(bound).send().await,
            None => builder.send().await,
        };
        let output =
            sent.map_err(|e| map_error(e, |b| CreateTokenWithIamResponse::from_json(b).map(drop)))?;
        from_iam_output(output)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "aws-sdk")))]
impl<G: PublicClientGrant> CreateToken<G> {
    /// Sends the request with an existing SDK client and returns this crate's
    /// response type. The same caveat as
    /// [`CreateTokenWithIam::send_with`] applies.
    ///
    /// # Errors
    /// [`SendError::Response`] for an OAuth error or an unreadable answer,
    /// [`SendError::Sdk`] when the SDK fails.
    pub async fn send_with(
        &self,
        client: &aws_sdk_ssooidc::Client,
    ) -> Result<CreateTokenResponse, SendError> {
        let builder = fill(client.create_token(), self.members())?;
        let sent = match bounded(client) {
            Some(bound) => builder.customize().config_override(bound).send().await,
            None => builder.send().await,
        };
        let output =
            sent.map_err(|e| map_error(e, |b| CreateTokenResponse::from_json(b).map(drop)))?;
        from_public_output(output)
    }
}

/// The bound on each `send_with` call when the SDK client sets no operation
/// timeout of its own (see the module documentation): 60 s, as the crate's
/// other roads.
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(60);

/// The config override that bounds a call by [`OPERATION_TIMEOUT`], when the
/// client leaves the operation timeout unset (one it set, or disabled on
/// purpose, is kept) and can sleep (a timeout without a sleep implementation
/// would fail the call); the client's other timeouts are kept.
fn bounded(client: &aws_sdk_ssooidc::Client) -> Option<aws_sdk_ssooidc::config::Builder> {
    use aws_sdk_ssooidc::config::timeout::TimeoutConfig;
    let config = client.config();
    config.sleep_impl()?;
    let own = config.timeout_config();
    // The client's values win; only an unset one (not a disabled one) takes ours.
    let merged = own
        .map(TimeoutConfig::to_builder)
        .unwrap_or_default()
        .take_unset_from(TimeoutConfig::builder().operation_timeout(OPERATION_TIMEOUT))
        .build();
    if merged.operation_timeout() == own.and_then(TimeoutConfig::operation_timeout) {
        return None;
    }
    Some(aws_sdk_ssooidc::config::Builder::default().timeout_config(merged))
}

/// The members both SDK outputs share, moved out into zeroizing secrets.
macro_rules! token_parts {
    ($output:expr) => {
        TokenParts {
            access_token: {
                let token = $output
                    .access_token
                    .take()
                    .map(into_secret)
                    .ok_or_else(|| {
                        invalid(crate::ParseError::new(
                            crate::ParseErrorKind::Missing { grant: None },
                            Some("accessToken"),
                            None,
                        ))
                    })?;
                crate::response::check_access_token(&token).map_err(invalid)?;
                token
            },
            token_type: $output.token_type.take(),
            // The SDK reads an absent `expiresIn` as 0: it cannot be told apart here.
            expires_in: Some(crate::response::lifetime($output.expires_in).map_err(invalid)?),
            refresh_token: $output.refresh_token.take().map(into_secret),
            id_token: $output.id_token.take().map(into_secret),
        }
    };
}

fn from_iam_output(
    mut output: CreateTokenWithIamOutput,
) -> Result<CreateTokenWithIamResponse, SendError> {
    let parts = token_parts!(output);
    let details = output.aws_additional_details.take().map(|d| {
        crate::AwsAdditionalDetails::new(d.identity_context.map(crate::IntoSecret::into_secret))
    });
    let issued = output
        .issued_token_type
        .take()
        .map(|uri| crate::TokenType::from_uri(&uri));
    let scope = output.scope.take().unwrap_or_default();
    Ok(CreateTokenWithIamResponse::from_parts(
        parts, issued, scope, details,
    ))
}

fn from_public_output(mut output: CreateTokenOutput) -> Result<CreateTokenResponse, SendError> {
    Ok(CreateTokenResponse::from_parts(token_parts!(output)))
}

/// A success answer that breaks a rule (no access token, an empty one, a
/// negative `expiresIn`): unreadable, with the member named in the source.
fn invalid(err: crate::ParseError) -> SendError {
    SendError::Response(crate::ResponseError::new(
        crate::ResponseErrorKind::Unreadable(crate::UnexpectedResponse::new(
            200,
            err,
            crate::oauth_error::Expected::OidcSuccess,
        )),
    ))
}

/// Moves the SDK's `String` into a zeroizing secret (wiping any buffer left over).
fn into_secret(value: String) -> secrecy::SecretString {
    crate::IntoSecret::into_secret(value)
}
