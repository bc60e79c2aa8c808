//! How the chain's two signed requests travel: [`Transport`], implemented for the crate's [`ReqwestClient`].

use std::future::Future;
use std::pin::Pin;

use crate::send::{exchange, read_json, read_sts};
use crate::sts::AssumeRoleResponse;
use crate::{CreateTokenWithIamResponse, FormBody, JsonBody, ReqwestClient, SendError};

/// The future a [`Transport`] returns.
pub type TransportFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, SendError>> + Send + 'a>>;

/// Sends the chain's requests, already signed by the crate, and reads the
/// answers into the crate's zeroizing types.
///
/// [`ReqwestClient`] implements it: the crate's client that follows no redirect
/// (a plain `reqwest::Client` would carry the signed request, its session token
/// and its body to whatever host a 3xx names, so it does not implement this
/// trait). Implement it to send through another HTTP client, or to drive the
/// provider without sockets in a test. Read the answers with
/// `from_http_response` (it keeps the `Date` header, which the provider's
/// clock-skew correction needs: see [`ResponseError::server_date`](crate::ResponseError::server_date)); with
/// `from_http`, a host clock minutes off is not corrected.
///
/// ```
/// use ssooidc_token::credentials::{Transport, TransportFuture};
/// use ssooidc_token::sts::AssumeRoleResponse;
/// use ssooidc_token::{CreateTokenWithIamResponse, FormBody, JsonBody, SendError};
///
/// /// Answers without a network: a canned token answer, and STS refusing.
/// #[derive(Debug)]
/// struct Canned;
///
/// impl Transport for Canned {
///     fn create_token_with_iam(
///         &self,
///         _request: http::Request<JsonBody>,
///     ) -> TransportFuture<'_, CreateTokenWithIamResponse> {
///         Box::pin(async {
///             let answer = http::Response::builder()
///                 .status(200)
///                 .header("date", "Thu, 03 Dec 2026 15:30:00 GMT")
///                 .body(br#"{"accessToken":"aoal-x"}"#.as_slice())
///                 .expect("a valid answer");
///             Ok(CreateTokenWithIamResponse::from_http_response(&answer)?)
///         })
///     }
///
///     fn assume_role(&self, _request: http::Request<FormBody>) -> TransportFuture<'_, AssumeRoleResponse> {
///         let answer = http::Response::builder().status(503).body(Vec::new()).expect("a valid answer");
///         Box::pin(async move { Err(SendError::from(AssumeRoleResponse::from_http_response(&answer).unwrap_err())) })
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot send the identity chain",
    label = "not a `Transport`",
    note = "use `ssooidc_token::ReqwestClient::from_builder(reqwest::Client::builder()...)`: a plain `reqwest::Client` follows redirects, which would carry signed requests and their secrets to another host"
)]
pub trait Transport: std::fmt::Debug + Send + Sync + 'static {
    /// Sends a signed `CreateTokenWithIAM` request and reads its answer.
    fn create_token_with_iam(
        &self,
        request: http::Request<JsonBody>,
    ) -> TransportFuture<'_, CreateTokenWithIamResponse>;

    /// Sends a signed STS `AssumeRole` request and reads its answer.
    fn assume_role(
        &self,
        request: http::Request<FormBody>,
    ) -> TransportFuture<'_, AssumeRoleResponse>;
}

/// The crate's own sending, as `send` does it: the body handed over as a wiping `Bytes`, the answer
/// read into zeroizing memory, a redirect refused.
impl Transport for ReqwestClient {
    fn create_token_with_iam(
        &self,
        request: http::Request<JsonBody>,
    ) -> TransportFuture<'_, CreateTokenWithIamResponse> {
        Box::pin(exchange(self, request, read_json))
    }

    fn assume_role(
        &self,
        request: http::Request<FormBody>,
    ) -> TransportFuture<'_, AssumeRoleResponse> {
        Box::pin(exchange(self, request, read_sts))
    }
}
