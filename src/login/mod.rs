//! Logging a person in as a registered public client: register, device
//! authorization and polling, PKCE with the authorize URL and its callback, all
//! around [`CreateToken`](crate::CreateToken) (feature `login`).
//!
//! ```
//! use ssooidc_token::login::{RegisterClient, StartDeviceAuthorization};
//!
//! let register = RegisterClient::builder().client_name("my-cli").build()?;
//! let start = StartDeviceAuthorization::builder()
//!     .client_id("_yzkThXVzLWVhc3QtMQ")
//!     .client_secret("VERYLONGSECRET")
//!     .start_url("https://d-1234567890.awsapps.com/start")
//!     .build()?;
//! assert_eq!(register.client_name(), "my-cli");
//! assert_eq!(start.start_url(), "https://d-1234567890.awsapps.com/start");
//! # #[cfg(feature = "http")] {
//! let http = register.to_http("eu-west-1")?;
//! assert_eq!(http.uri(), "https://oidc.eu-west-1.amazonaws.com/client/register");
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The login types have this one path; the crate root does not re-export them:
//!
//! ```compile_fail
//! use ssooidc_token::RegisterClient;
//! ```

mod device;
mod pkce;
mod register;

pub use device::{
    DevicePoller, PollError, PollFailure, PollOutcome, StartDeviceAuthorization,
    StartDeviceAuthorizationBuilder, StartDeviceAuthorizationFields,
    StartDeviceAuthorizationResponse,
};
pub use pkce::{
    AuthorizationCallback, AuthorizeUrl, AuthorizeUrlBuilder, AuthorizeUrlFields, CallbackError,
    Pkce, QueryProblem,
};
pub use register::{
    RegisterClient, RegisterClientBuilder, RegisterClientFields, RegisterClientResponse,
};

/// `to_http` and `to_http_at` for an unsigned login request, written once.
#[cfg(feature = "http")]
macro_rules! unsigned_post {
    ($request:ident, $path:literal) => {
        #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
        impl $request {
            #[doc = concat!(
                "`POST https://oidc.{region}.amazonaws.com", $path, "` with\n",
                "`content-type: application/json`, `content-length` and the zeroizing body.\n",
                "Not signed.\n\n",
                "# Errors\n",
                "[`EndpointError::InvalidRegion`](crate::EndpointError::InvalidRegion) if\n",
                "`region` is not a DNS label sequence.",
            )]
            pub fn to_http(
                &self,
                region: &str,
            ) -> Result<::http::Request<crate::JsonBody>, crate::EndpointError> {
                Ok(self.to_http_at(&crate::Endpoint::new(region)?))
            }

            /// As [`to_http`](Self::to_http), to any [`Endpoint`](crate::Endpoint).
            #[must_use]
            pub fn to_http_at(&self, endpoint: &crate::Endpoint) -> ::http::Request<crate::JsonBody> {
                crate::http::post_json(endpoint, $path, self.to_json())
            }
        }
    };
}

#[cfg(feature = "http")]
unsigned_post!(RegisterClient, "/client/register");
#[cfg(feature = "http")]
unsigned_post!(StartDeviceAuthorization, "/device_authorization");
