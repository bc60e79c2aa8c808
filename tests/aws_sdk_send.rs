//! `send_with(&client)`: the typed request goes through an existing SDK client
//! (same body the SDK would build itself), and the answer comes back as this
//! crate's response type or `TokenError`.
#![cfg(feature = "aws-sdk")]

mod common;

use common::sdk::{block_on, client, Setup};
use ssooidc_token::{
    CreateToken, CreateTokenWithIam, ErrorCode, ExposeSecret, SendError, TokenType,
};

fn sdk_client(
    status: u16,
    body: &'static str,
) -> (
    aws_sdk_ssooidc::Client,
    aws_smithy_http_client::test_util::CaptureRequestReceiver,
) {
    client(Setup {
        response: Some((status, body)),
        ..Setup::default()
    })
}

#[test]
fn iam_request_is_sent_as_built_and_the_response_is_typed() {
    let (client, receiver) = sdk_client(
        200,
        r#"{"accessToken":"aoal-sdk","tokenType":"Bearer","expiresIn":900,"refreshToken":"aorv-sdk","idToken":"a.b.c","issuedTokenType":"urn:amazon:webservices:token","scope":["openid"],"awsAdditionalDetails":{"identityContext":"ctx"}}"#,
    );
    let request = CreateTokenWithIam::token_exchange()
        .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .subject_token("subject \"token\"")
        .subject_token_type(TokenType::AccessToken)
        .requested_token_type(TokenType::AwsToken)
        .scopes(["openid", "aws"])
        .build()
        .unwrap();
    let response = block_on(request.send_with(&client)).unwrap();
    let sent = receiver.expect_request();
    assert_eq!(
        sent.body().bytes().unwrap(),
        request.to_json().expose_secret()
    );
    assert!(sent.headers().get("authorization").is_some());
    assert_eq!(response.access_token().expose_secret(), "aoal-sdk");
    assert_eq!(
        response.expires_in(),
        Some(std::time::Duration::from_secs(900))
    );
    assert_eq!(
        response.refresh_token().unwrap().expose_secret(),
        "aorv-sdk"
    );
    assert_eq!(response.issued_token_type(), Some(&TokenType::AwsToken));
    assert_eq!(response.scope(), ["openid"]);
    assert_eq!(
        response
            .aws_additional_details()
            .unwrap()
            .identity_context()
            .map(|c| c.expose_secret()),
        Some("ctx")
    );
}

#[test]
fn public_request_is_sent_as_built() {
    let (client, receiver) = sdk_client(
        200,
        r#"{"accessToken":"aoal-device","tokenType":"Bearer","expiresIn":28800}"#,
    );
    let request = CreateToken::device_code()
        .client_id("id")
        .client_secret("secret")
        .device_code("device")
        .build()
        .unwrap();
    let response = block_on(request.send_with(&client)).unwrap();
    assert_eq!(
        receiver.expect_request().body().bytes().unwrap(),
        request.to_json().expose_secret()
    );
    assert_eq!(response.access_token().expose_secret(), "aoal-device");
}

#[test]
fn oauth_errors_come_back_as_token_errors() {
    let (client, _receiver) = sdk_client(
        400,
        r#"{"error":"authorization_pending","error_description":"not yet"}"#,
    );
    let request = CreateToken::device_code()
        .client_id("id")
        .client_secret("secret")
        .device_code("device")
        .build()
        .unwrap();
    match block_on(request.send_with(&client)) {
        Err(SendError::Response(err)) => {
            let token = err.token_error().expect("a TokenError");
            assert_eq!(token.code(), &ErrorCode::AuthorizationPending);
            assert!(err.is_retryable());
        }
        other => panic!("expected a TokenError, got {other:?}"),
    }
    let (client, _receiver) = sdk_client(
        400,
        r#"{"error":"invalid_grant","error_description":"bad"}"#,
    );
    refresh_is_refused_with_invalid_grant(&client);
}

/// An error named only in `x-amzn-ErrorType` is read from the header on the SDK
/// road too, and `x-amzn-RequestId` is kept.
#[test]
fn an_error_named_only_in_its_header_is_read_on_the_sdk_road() {
    let (client, _receiver) = client(Setup {
        response: Some((400, "{}")),
        headers: &[
            (
                "x-amzn-ErrorType",
                "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.ssooidc/",
            ),
            ("x-amzn-RequestId", "req-7"),
        ],
        ..Setup::default()
    });
    let err = refresh_is_refused_with_invalid_grant(&client);
    assert_eq!(err.request_id(), Some("req-7"));
}

/// The SDK keeps any UTF-8 in a header value: a request id holding a line
/// separator or a right-to-left override is shown escaped, so that logging the
/// error cannot forge a line or hide text.
#[test]
fn a_request_id_is_shown_escaped() {
    let (client, _receiver) = client(Setup {
        response: Some((400, r#"{"error":"invalid_grant"}"#)),
        headers: &[("x-amzn-RequestId", "id\u{2028}FORGED\u{202e}x")],
        ..Setup::default()
    });
    let err = refresh_is_refused_with_invalid_grant(&client);
    assert_eq!(err.request_id(), Some("id\u{2028}FORGED\u{202e}x"));
    let shown = err.to_string();
    assert!(
        shown.ends_with("(request id id\\u{2028}FORGED\\u{202e}x)"),
        "{shown}"
    );
}

/// Sends a refresh-token request through `client`; its answer must be a 400
/// `invalid_grant`.
fn refresh_is_refused_with_invalid_grant(
    client: &aws_sdk_ssooidc::Client,
) -> ssooidc_token::ResponseError {
    let request = CreateTokenWithIam::refresh_token()
        .client_id("c")
        .refresh_token("r")
        .build()
        .unwrap();
    let Err(SendError::Response(err)) = block_on(request.send_with(client)) else {
        panic!("expected a TokenError")
    };
    let token = err.token_error().expect("a TokenError");
    assert_eq!(
        (token.status(), token.code()),
        (400, &ErrorCode::InvalidGrant)
    );
    err
}

#[test]
fn an_empty_access_token_or_a_negative_lifetime_is_refused_on_the_sdk_road_too() {
    use ssooidc_token::ParseErrorKind;
    for (body, kind, member) in [
        (
            r#"{"accessToken":"","expiresIn":900}"#,
            ParseErrorKind::Empty,
            "accessToken",
        ),
        (
            r#"{"accessToken":"aoal-sdk","expiresIn":-5}"#,
            ParseErrorKind::Negative,
            "expiresIn",
        ),
    ] {
        let (client, _receiver) = sdk_client(200, body);
        let request = CreateToken::device_code()
            .client_id("id")
            .client_secret("secret")
            .device_code("device")
            .build()
            .unwrap();
        let Err(SendError::Response(err)) = block_on(request.send_with(&client)) else {
            panic!("{body}: expected an unreadable answer");
        };
        let ssooidc_token::ResponseErrorKind::Unreadable(unreadable) = err.kind() else {
            panic!("{body}: expected ResponseErrorKind::Unreadable");
        };
        let reason = unreadable.reason();
        assert_eq!(
            (reason.kind(), reason.member()),
            (&kind, Some(member)),
            "{body}"
        );
    }
}

/// Every line of an error's `Debug` and of its `Display` chain.
fn every_text(err: &SendError) -> String {
    let mut text = format!("{err:?}\n{err:#?}\n");
    let mut next: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = next {
        text.push_str(&format!("{e}\n{e:?}\n"));
        next = e.source();
    }
    text
}

/// Answers the SDK cannot read, and errors the service returns, all holding
/// secrets: the SDK's own error prints its raw response (body and all) in
/// `Debug`, so the crate keeps none of it; the answer is read again by the
/// crate's own reader, which names members and never echoes values.
#[test]
fn no_error_on_the_sdk_road_shows_a_secret() {
    const CANARY: &str = "CANARY-sdk-road-7f3a";
    // (A 5xx is retried by the SDK, which the one-answer test client refuses.)
    let bodies: [(u16, &'static str); 4] = [
        (
            200,
            r#"{"accessToken":"CANARY-sdk-road-7f3a","refreshToken":"CANARY-sdk-road-7f3a","expiresIn":"soon"}"#,
        ),
        (
            200,
            r#"{"accessToken":"CANARY-sdk-road-7f3a","refreshToken":"CANARY-sdk-road-7f3a","expi"#,
        ),
        (200, r#"CANARY-sdk-road-7f3a"#),
        (
            400,
            r#"{"error":"invalid_grant","refreshToken":"CANARY-sdk-road-7f3a"}"#,
        ),
    ];
    for (status, body) in bodies {
        let (client, _receiver) = sdk_client(status, body);
        let request = CreateTokenWithIam::refresh_token()
            .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
            .refresh_token("aorv-example")
            .build()
            .unwrap();
        let err = block_on(request.send_with(&client)).unwrap_err();
        let text = every_text(&err);
        assert!(!text.contains(CANARY), "{status} {body}: {text}");
        if status == 200 {
            // Read by the crate's reader: an unreadable answer naming why.
            assert!(
                matches!(&err, SendError::Response(e) if e.status() == 200),
                "{body}: {err:?}"
            );
        }
    }
    // The positive control: the SDK's own error does print the body.
    let (client, _receiver) = sdk_client(200, bodies[0].1);
    let sdk = block_on(
        client
            .create_token_with_iam()
            .client_id("c")
            .grant_type("refresh_token")
            .refresh_token("r")
            .send(),
    )
    .unwrap_err();
    assert!(format!("{sdk:?}").contains(CANARY));
}

/// A server that never answers cannot hold a `send_with` caller: a client
/// with no operation timeout (the SDK's default) gets 60 s for the call, and a
/// client's own operation timeout is kept. Tokio's clock is paused, so the
/// minute passes at once.
#[test]
fn a_stalled_sdk_call_is_bounded() {
    use aws_sdk_ssooidc::config::timeout::TimeoutConfig;
    use aws_sdk_ssooidc::config::{BehaviorVersion, Region};
    use std::time::Duration;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    // (None: the SDK's default; Some(None): disabled on purpose.)
    for (own, bound) in [
        (None, Some(60)),
        (Some(Some(5)), Some(5)),
        (Some(None), None),
    ] {
        let mut config = aws_sdk_ssooidc::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .http_client(aws_smithy_http_client::test_util::NeverClient::new())
            .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new());
        match own {
            Some(Some(seconds)) => {
                config = config.timeout_config(
                    TimeoutConfig::builder()
                        .operation_timeout(Duration::from_secs(seconds))
                        .build(),
                );
            }
            Some(None) => {
                config = config
                    .timeout_config(TimeoutConfig::builder().disable_operation_timeout().build());
            }
            None => {}
        }
        let client = aws_sdk_ssooidc::Client::from_conf(config.build());
        let request = CreateToken::refresh_token()
            .client_id("client")
            .client_secret("secret")
            .refresh_token("aorv-example")
            .build()
            .unwrap();
        let (result, took) = runtime.block_on(async {
            let start = tokio::time::Instant::now();
            let result =
                tokio::time::timeout(Duration::from_secs(3600), request.send_with(&client)).await;
            (result, start.elapsed())
        });
        let Some(bound) = bound else {
            // Disabled: the call runs until the test's own hour ends it.
            assert!(result.is_err(), "{own:?}");
            assert_eq!(took.as_secs(), 3600);
            continue;
        };
        let err = result
            .expect("the call must end before the test's hour")
            .unwrap_err();
        assert!(matches!(err, SendError::Sdk(_)), "{err:?}");
        assert_eq!(took.as_secs(), bound, "{own:?}: {err:?}");
    }
}
