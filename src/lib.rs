#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::pedantic)]
#![allow(clippy::module_name_repetitions, clippy::doc_markdown)]

mod any_request;
#[cfg(feature = "aws-sdk")]
mod aws_sdk;
mod device;
mod error;
mod fields;
pub mod grant;
#[cfg(feature = "http")]
mod http;
mod json;
mod oauth_error;
mod pkce;
mod register;
mod request;
mod response;
mod secret;
#[cfg(feature = "sigv4")]
mod sigv4;
mod token_type;
mod validation;
mod wire;

pub use any_request::{AnyCreateToken, AnyCreateTokenWithIam};
pub use error::{BuildError, ParseError, ParseErrorKind, Problem, Rule, Syntax};
pub use oauth_error::{ErrorCode, TokenError, UnexpectedResponse};
pub use request::{CreateToken, CreateTokenWithIam};
pub use response::{AwsAdditionalDetails, CreateTokenResponse, CreateTokenWithIamResponse};
pub use secret::{IntoSecret, JsonBody};
pub use token_type::{TokenType, UnknownTokenType};

pub use secrecy::{ExposeSecret, SecretString};

#[cfg(feature = "aws-sdk")]
pub use aws_sdk::SendError;
#[cfg(feature = "http")]
pub use http::{Endpoint, EndpointError};
#[cfg(feature = "sigv4")]
pub use sigv4::{sign, SignError, SigningCredentials, SIGNING_NAME};

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
