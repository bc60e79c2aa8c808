#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::pedantic)]
#![allow(clippy::module_name_repetitions, clippy::doc_markdown)]

mod any_request;
#[cfg(feature = "aws-sdk")]
mod aws_sdk;
mod builder_state;
mod error;
mod fields;
pub mod grant;
#[cfg(feature = "http")]
mod http;
mod json;
mod oauth_error;
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
#[cfg_attr(docsrs, doc(cfg(feature = "aws-sdk")))]
pub use aws_sdk::SendError;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use http::{Endpoint, EndpointError};
#[cfg(feature = "sigv4")]
#[cfg_attr(docsrs, doc(cfg(feature = "sigv4")))]
pub use sigv4::{sign, SignError, SigningCredentials, SIGNING_NAME};
