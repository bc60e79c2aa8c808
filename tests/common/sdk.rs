//! The official SDK as a test reference: a client whose HTTP layer captures the
//! request it would send (and answers with a canned response).

#![allow(dead_code)]

use std::time::SystemTime;

use aws_sdk_ssooidc::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_async::time::StaticTimeSource;
use aws_smithy_http_client::test_util::{capture_request, CaptureRequestReceiver};
use aws_smithy_types::body::SdkBody;

pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// How the capturing client is set up.
pub struct Setup<'a> {
    pub region: &'a str,
    pub session_token: Option<&'a str>,
    pub time: Option<SystemTime>,
    /// The canned answer: status and JSON body (an empty 200 when `None`).
    pub response: Option<(u16, &'static str)>,
    /// Headers of the canned answer, beside its content type.
    pub headers: &'static [(&'static str, &'static str)],
}

impl Default for Setup<'_> {
    fn default() -> Self {
        Self {
            region: "us-east-1",
            session_token: None,
            time: None,
            response: None,
            headers: &[],
        }
    }
}

pub fn client(setup: Setup<'_>) -> (aws_sdk_ssooidc::Client, CaptureRequestReceiver) {
    let response = setup.response.map(|(status, body)| {
        let mut response = http::Response::builder()
            .status(status)
            .header("content-type", "application/json");
        for (name, value) in setup.headers {
            response = response.header(*name, *value);
        }
        response.body(SdkBody::from(body)).unwrap()
    });
    let (http, receiver) = capture_request(response);
    let mut config = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(setup.region.to_owned()))
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            setup.session_token.map(str::to_owned),
            None,
            "test",
        ))
        .http_client(http);
    if let Some(time) = setup.time {
        config = config.time_source(StaticTimeSource::new(time));
    }
    (aws_sdk_ssooidc::Client::from_conf(config.build()), receiver)
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// An `aws-sdk-sts` client whose HTTP layer captures the request it would send.
#[cfg(feature = "sts")]
pub fn sts_client(setup: Setup<'_>) -> (aws_sdk_sts::Client, CaptureRequestReceiver) {
    let response = setup.response.map(|(status, body)| {
        http::Response::builder()
            .status(status)
            .header("content-type", "text/xml")
            .body(SdkBody::from(body))
            .unwrap()
    });
    let (http, receiver) = capture_request(response);
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(setup.region.to_owned()))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            setup.session_token.map(str::to_owned),
            None,
            "test",
        ))
        .http_client(http);
    if let Some(time) = setup.time {
        config = config.time_source(StaticTimeSource::new(time));
    }
    (aws_sdk_sts::Client::from_conf(config.build()), receiver)
}
