#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::pedantic)]
#![allow(clippy::module_name_repetitions, clippy::doc_markdown)]

mod error;
mod fields;
pub mod grant;
mod request;
mod secret;
mod token_type;
mod validation;
mod wire;

pub use error::{BuildError, Problem, Rule};
pub use request::{CreateToken, CreateTokenWithIam};
pub use secret::{IntoSecret, JsonBody};
pub use token_type::{TokenType, UnknownTokenType};

pub use secrecy::{ExposeSecret, SecretString};
