//! AWS-style error bodies (no OAuth `error` member) read as `aws-sdk-ssooidc`
//! reads them (a client whose HTTP layer returns the body): the same code
//! (`code` before `__type`, only a string counts) and the same message (the
//! last of `message`, `Message`, `errorMessage` that is a string), with and
//! without an `x-amzn-ErrorType` header. (No code the SDK retries: its stand-in
//! HTTP layer answers once.)
#![cfg(feature = "aws-sdk")]

mod common;

use aws_sdk_ssooidc::error::ProvideErrorMetadata;
use common::sdk::{block_on, client, Setup};
use ssooidc_token::{CreateTokenResponse, ErrorCode, TokenError};

const BODIES: &[&str] = &[
    r#"{"__type":"com.amazonaws.ssooidc#AccessDeniedException","Message":"no"}"#,
    r#"{"__type":"A#SlowDownException","code":"AccessDeniedException"}"#,
    r#"{"code":"AccessDeniedException","__type":"A#SlowDownException"}"#,
    r#"{"code":null,"__type":"SlowDownException"}"#,
    r#"{"code":400,"__type":"SlowDownException","message":{"en":"x"}}"#,
    r#"{"__type":"X#InvalidGrantException:http://internal.amazon.com/","message":"a","Message":"b"}"#,
    r#"{"Message":"b","errorMessage":"c","__type":"AccessDeniedException"}"#,
    r#"{"__type":null,"code":"InvalidGrantException","errorMessage":null,"Message":"m"}"#,
    r#"{"errorMessage":"e","message":7,"code":"InvalidScopeException"}"#,
    r#"{"code":"SomeNewException","Message":"new"}"#,
];

/// The code the SDK's `code` stands for, as this crate names it (read from a
/// body holding that name alone).
fn as_ours(sdk_code: &str) -> ErrorCode {
    let body = format!(
        r#"{{"__type":{}}}"#,
        serde_json::to_string(sdk_code).unwrap()
    );
    TokenError::from_json(400, body.as_bytes())
        .unwrap()
        .code()
        .clone()
}

#[test]
fn aws_style_error_bodies_name_the_sdks_code_and_message() {
    for headers in [
        &[][..],
        &[("x-amzn-ErrorType", "InvalidClientException:http://x/")][..],
    ] {
        for body in BODIES {
            let (sdk, _receiver) = client(Setup {
                response: Some((400, body)),
                headers,
                ..Setup::default()
            });
            let err = block_on(
                sdk.create_token()
                    .client_id("c")
                    .client_secret("s")
                    .grant_type("refresh_token")
                    .refresh_token("r")
                    .send(),
            )
            .expect_err("a 400 is an error");
            let sdk_err = err.into_service_error();
            let answer = http::Response::builder().status(400);
            let answer = headers
                .iter()
                .fold(answer, |answer, (name, value)| answer.header(*name, *value))
                .body(body.as_bytes().to_vec())
                .unwrap();
            let ours = CreateTokenResponse::from_http_response(&answer).unwrap_err();
            let ours: &TokenError = ours
                .token_error()
                .unwrap_or_else(|| panic!("{body}: not read as an error body: {ours:?}"));
            let sdk_code = sdk_err.code().expect("the SDK names a code");
            assert_eq!(ours.code(), &as_ours(sdk_code), "{body} {headers:?}");
            assert_eq!(ours.message(), sdk_err.message(), "{body} {headers:?}");
        }
    }
}
