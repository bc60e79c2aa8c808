//! Logging a person in as a registered public client: register, device
//! authorization and polling, PKCE with the authorize URL and its callback, all
//! around [`CreateToken`](crate::CreateToken) (feature `login`); and a start URL
//! resolved as `aws sso login` resolves it ([`ResolvedStartUrl`]).
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
mod redirect;
mod register;
mod start_url;

#[cfg(any(feature = "ureq", feature = "reqwest"))]
pub use device::DeviceLoginError;
pub use device::{
    DevicePoller, PollError, PollFailure, PollOutcome, StartDeviceAuthorization,
    StartDeviceAuthorizationBuilder, StartDeviceAuthorizationFields,
    StartDeviceAuthorizationResponse,
};
pub use pkce::{
    AuthorizationCallback, AuthorizeUrl, AuthorizeUrlBuilder, AuthorizeUrlFields, CallbackError,
    Pkce, QueryProblem,
};
pub use redirect::{LoopbackRedirect, RedirectError};
pub use register::{
    RegisterClient, RegisterClientBuilder, RegisterClientFields, RegisterClientResponse,
};
pub use start_url::{
    is_aws_owned_host, region_from_host, resolve_start_url, ResolvedStartUrl, StartUrlError,
    StartUrlProbe, StartUrlStep,
};

/// What every login request has besides its fields and checks, written once:
/// the exact-size body, `Deref` to its fields, a redacting `Debug`, `Serialize`,
/// and (feature `http`) `to_http` / `to_http_at`.
macro_rules! login_request {
    ($request:ident, $fields:ident, $path:literal, $members:literal) => {
        impl $request {
            /// The exact length in bytes of the body [`to_json`](Self::to_json) returns.
            #[must_use]
            pub fn json_len(&self) -> usize {
                crate::wire::measure(&self.fields).len
            }

            #[doc = concat!(
                "Serializes the body as `aws-sdk-ssooidc` does (", $members, "): compact\n",
                "JSON, absent members and empty lists left out, into one exact-size\n",
                "allocation wiped when dropped."
            )]
            #[must_use]
            pub fn to_json(&self) -> crate::JsonBody {
                let layout = crate::wire::measure(&self.fields);
                crate::JsonBody::new(crate::wire::write(&self.fields, layout))
            }
        }

        /// Gives the fields' accessors on the request.
        impl std::ops::Deref for $request {
            type Target = $fields;
            fn deref(&self) -> &$fields {
                &self.fields
            }
        }

        /// Secrets show as `[REDACTED]`.
        impl std::fmt::Debug for $request {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($request))
                    .field("fields", &self.fields)
                    .finish_non_exhaustive()
            }
        }

        /// Serializes with the same member names and order as [`to_json`](Self::to_json).
        ///
        /// A secret member is exposed to the serializer, whose buffer this crate
        /// does not wipe; for JSON, prefer `to_json`.
        impl serde::Serialize for $request {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::wire::serialize(&self.fields, serializer)
            }
        }

        #[cfg(feature = "http")]
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

login_request!(
    RegisterClient,
    RegisterClientFields,
    "/client/register",
    "members in alphabetical order"
);
login_request!(
    StartDeviceAuthorization,
    StartDeviceAuthorizationFields,
    "/device_authorization",
    "`clientId`, `clientSecret`, `startUrl`"
);
