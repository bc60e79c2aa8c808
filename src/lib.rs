#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// `unsafe` only in `validation::avx2` (the JWT scan with AVX2, checked at run
// time), which allows it and says why it is sound; `tests/unsafe_code.rs`
// fails if any other file under `src/` uses or allows it.
#![deny(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::pedantic)]
#![allow(clippy::module_name_repetitions, clippy::doc_markdown)]

mod any_request;
mod builder_state;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
#[cfg(feature = "credentials")]
#[cfg_attr(docsrs, doc(cfg(feature = "credentials")))]
pub mod credentials;
mod error;
mod fields;
pub mod grant;
pub(crate) mod hex;
#[cfg(feature = "http")]
mod http;
mod json;
#[cfg(feature = "login")]
#[cfg_attr(docsrs, doc(cfg(feature = "login")))]
pub mod login;
mod oauth_error;
#[cfg(feature = "portal")]
#[cfg_attr(docsrs, doc(cfg(feature = "portal")))]
pub mod portal;
mod request;
mod response;
mod response_error;
mod secret;
#[cfg(any(feature = "aws-sdk", feature = "reqwest", feature = "ureq"))]
mod send;
#[cfg(any(feature = "sts", feature = "portal"))]
mod session_credentials;
#[cfg(feature = "sigv4")]
mod sigv4;
#[cfg(feature = "sts")]
#[cfg_attr(docsrs, doc(cfg(feature = "sts")))]
pub mod sts;
#[cfg(any(feature = "http", feature = "cache"))]
mod time;
mod token_type;
mod validation;
mod wire;
#[cfg(feature = "sts")]
mod xml;

pub use any_request::{AnyCreateToken, AnyCreateTokenWithIam};
pub use error::{BuildError, ParseError, ParseErrorKind, Problem, Rule, Syntax};
pub use oauth_error::{ErrorCode, TokenError, UnexpectedResponse};
pub use request::{CreateToken, CreateTokenWithIam};
pub use response::{AwsAdditionalDetails, CreateTokenResponse, CreateTokenWithIamResponse};
pub use response_error::{ResponseError, ResponseErrorKind};
#[cfg(feature = "sts")]
pub use secret::FormBody;
pub use secret::{IntoSecret, JsonBody, ZeroizingBody};
#[cfg(any(feature = "sts", feature = "portal"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sts", feature = "portal"))))]
pub use session_credentials::SessionCredentials;
pub use token_type::{TokenType, UnknownTokenType};

pub use secrecy::{ExposeSecret, SecretString};

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use http::{Endpoint, EndpointError};
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use send::ReqwestClient;
#[cfg(any(feature = "aws-sdk", feature = "reqwest", feature = "ureq"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "aws-sdk", feature = "reqwest", feature = "ureq")))
)]
pub use send::SendError;
#[cfg(feature = "sigv4")]
#[cfg_attr(docsrs, doc(cfg(feature = "sigv4")))]
pub use sigv4::{
    sign, sign_for_service, sign_with, CredentialField, CredentialRule, Payload, SignError,
    SigningCredentials, SIGNING_NAME,
};
