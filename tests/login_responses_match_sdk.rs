//! The `RegisterClient` and `StartDeviceAuthorization` answer readers against
//! `aws-sdk-ssooidc`'s own reading of the same JSON (a client whose HTTP layer
//! returns it): every value both read is the same, over answers with escapes,
//! optional members present and absent, and members this crate does not read.
#![cfg(all(feature = "login", feature = "aws-sdk"))]

mod common;

use common::sdk::{block_on, client, Setup};
use ssooidc_token::login::{RegisterClientResponse, StartDeviceAuthorizationResponse};
use ssooidc_token::ExposeSecret;

fn sdk_with(body: &str) -> aws_sdk_ssooidc::Client {
    let body: &'static str = Box::leak(body.to_owned().into_boxed_str());
    client(Setup {
        response: Some((200, body)),
        ..Setup::default()
    })
    .0
}

#[test]
fn register_client_answers_read_as_the_sdk_reads_them() {
    let answers = [
        r#"{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1664199000,"clientSecretExpiresAt":1671975000}"#,
        r#"{"clientSecretExpiresAt":1671975000,"clientSecret":"sec\"ret\\\/\u00e9\ud83d\ude00","clientId":"c\u0041d","authorizationEndpoint":"https://oidc.us-east-1.amazonaws.com/authorize","tokenEndpoint":"https://oidc.us-east-1.amazonaws.com/token","somethingNew":{"nested":[1,2]}}"#,
        r#"{"clientId":"cid","clientSecret":"csecret"}"#,
    ];
    for body in answers {
        let ours = RegisterClientResponse::from_json(body.as_bytes())
            .unwrap_or_else(|err| panic!("ours refused {body}: {err}"));
        let sdk = block_on(
            sdk_with(body)
                .register_client()
                .client_name("n")
                .client_type("public")
                .send(),
        )
        .unwrap_or_else(|err| panic!("the SDK refused {body}: {err:?}"));
        assert_eq!(Some(ours.client_id()), sdk.client_id(), "{body}");
        assert_eq!(
            Some(ours.client_secret().expose_secret()),
            sdk.client_secret(),
            "{body}"
        );
        let seconds = |t: Option<std::time::SystemTime>| {
            t.map(|t| {
                i64::try_from(t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap()
            })
        };
        // The SDK reads an absent number as 0.
        assert_eq!(
            seconds(ours.client_id_issued_at()).unwrap_or(0),
            sdk.client_id_issued_at(),
            "{body}"
        );
        assert_eq!(
            seconds(ours.client_secret_expires_at()).unwrap_or(0),
            sdk.client_secret_expires_at(),
            "{body}"
        );
        assert_eq!(
            ours.authorization_endpoint(),
            sdk.authorization_endpoint(),
            "{body}"
        );
        assert_eq!(ours.token_endpoint(), sdk.token_endpoint(), "{body}");
    }
}

#[test]
fn start_device_authorization_answers_read_as_the_sdk_reads_them() {
    let answers = [
        r#"{"deviceCode":"dc","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","verificationUriComplete":"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH","expiresIn":600,"interval":1}"#,
        r#"{"interval":5,"expiresIn":1800,"verificationUri":"https:\/\/v.example\/","userCode":"U\u0031","deviceCode":"d\"c\\e","extra":null}"#,
        r#"{"deviceCode":"dc","userCode":"U","verificationUri":"https://v","expiresIn":600}"#,
    ];
    for body in answers {
        let ours = StartDeviceAuthorizationResponse::from_json(body.as_bytes())
            .unwrap_or_else(|err| panic!("ours refused {body}: {err}"));
        let sdk = block_on(
            sdk_with(body)
                .start_device_authorization()
                .client_id("c")
                .client_secret("s")
                .start_url("https://d-1.awsapps.com/start")
                .send(),
        )
        .unwrap_or_else(|err| panic!("the SDK refused {body}: {err:?}"));
        assert_eq!(
            Some(ours.device_code().expose_secret()),
            sdk.device_code(),
            "{body}"
        );
        assert_eq!(Some(ours.user_code()), sdk.user_code(), "{body}");
        assert_eq!(
            Some(ours.verification_uri()),
            sdk.verification_uri(),
            "{body}"
        );
        assert_eq!(
            ours.verification_uri_complete(),
            sdk.verification_uri_complete(),
            "{body}"
        );
        assert_eq!(ours.expires_in(), sdk.expires_in(), "{body}");
        // The SDK reads an absent number as 0.
        assert_eq!(ours.interval().unwrap_or(0), sdk.interval(), "{body}");
    }
}

/// A number written with a fraction or an exponent: read when the SDK reads it
/// (a lossless float: `600.0`, `6e2`), to the same value; refused when the SDK
/// refuses it (a fraction, a value beyond the member's type).
#[test]
fn numbers_with_a_fraction_or_an_exponent_are_read_as_the_sdk_reads_them() {
    for written in [
        "600",
        "600.0",
        "6e2",
        "6E+2",
        "60000e-2",
        "-0.0",
        "600.5",
        "6e-1",
        "3e9",
        "1e400",
        "-2147483648.0",
        "2147483647e0",
        "2147483648.0",
    ] {
        let body = format!(
            r#"{{"deviceCode":"dc","userCode":"U","verificationUri":"https://v","expiresIn":{written}}}"#
        );
        let ours = StartDeviceAuthorizationResponse::from_json(body.as_bytes());
        let sdk = block_on(
            sdk_with(&body)
                .start_device_authorization()
                .client_id("c")
                .client_secret("s")
                .start_url("https://d-1.awsapps.com/start")
                .send(),
        );
        match (ours, sdk) {
            (Ok(ours), Ok(sdk)) => assert_eq!(ours.expires_in(), sdk.expires_in(), "{written}"),
            (Err(_), Err(_)) => {}
            (ours, sdk) => panic!("{written}: ours {ours:?}, the SDK's {sdk:?}"),
        }
    }
}
