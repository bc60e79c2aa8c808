//! The access portal's `GetRoleCredentials`: the request is the one
//! `aws-sdk-sso` sends (its client with a capturing HTTP layer as the oracle),
//! the answer reads as the SDK reads it, bad input is refused by name without
//! echo, and both clients send it over real loopback HTTP.

use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_smithy_http_client::test_util::capture_request;
use aws_smithy_types::body::SdkBody;
use proptest::prelude::*;
use ssooidc_token::portal::{self, GetRoleCredentials, GetRoleCredentialsResponse};
use ssooidc_token::{
    Endpoint, ErrorCode, ExposeSecret, ParseErrorKind, ResponseErrorKind, Rule, SendError,
};

#[path = "common/portal.rs"]
mod stand_in;

const TOKEN: &str = "aoaAAAAAGYm-token.with_dots_and-SECRETPART";

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// An `aws-sdk-sso` client whose HTTP layer captures the request and answers
/// with `answer` (status, `x-amzn-ErrorType` if any, body).
fn sdk_client(
    region: &str,
    fips: bool,
    answer: Option<(u16, Option<&str>, &str)>,
) -> (
    aws_sdk_sso::Client,
    aws_smithy_http_client::test_util::CaptureRequestReceiver,
) {
    let response = answer.map(|(status, error_type, body)| {
        let mut response = http::Response::builder()
            .status(status)
            .header("content-type", "application/json");
        if let Some(error_type) = error_type {
            response = response.header("x-amzn-errortype", error_type);
        }
        response.body(SdkBody::from(body.to_owned())).unwrap()
    });
    let (http, receiver) = capture_request(response);
    let config = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .use_fips(fips)
        // One answer is canned: a throttling one must not be sent again.
        .retry_config(aws_sdk_sso::config::retry::RetryConfig::disabled())
        .http_client(http)
        .build();
    (aws_sdk_sso::Client::from_conf(config), receiver)
}

fn request(account: &str, role: &str) -> GetRoleCredentials {
    GetRoleCredentials::builder()
        .access_token(TOKEN)
        .account_id(account)
        .role_name(role)
        .build()
        .unwrap()
}

/// The request `aws-sdk-sso` sends for `account`, `role` in `region`, and ours,
/// compared: method, URI (host, path, query and its encoding), headers (the
/// SDK's user-agent and retry bookkeeping aside), no body.
fn compare_with_sdk(region: &str, fips: bool, account: &str, role: &str) {
    let (client, receiver) = sdk_client(region, fips, None);
    // The canned answer is empty: the SDK's error reading it is not the point.
    let _ = block_on(
        client
            .get_role_credentials()
            .access_token(TOKEN)
            .account_id(account)
            .role_name(role)
            .send(),
    );
    let sdk = receiver.expect_request();
    let ours = request(account, role);
    let endpoint = if fips {
        portal::fips_endpoint(region).unwrap()
    } else {
        portal::endpoint(region).unwrap()
    };
    let ours = ours.to_http(&endpoint);
    assert_eq!(ours.method().as_str(), sdk.method(), "{region} {role}");
    assert_eq!(
        ours.uri().to_string(),
        sdk.uri(),
        "{region}, FIPS {fips}, {role}"
    );
    let mut sdk_headers: Vec<(String, String)> = sdk
        .headers()
        .iter()
        .filter(|(name, _)| {
            !matches!(*name, "user-agent" | "x-amz-user-agent") && !name.starts_with("amz-sdk-")
        })
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    sdk_headers.sort();
    let mut our_headers: Vec<(String, String)> = ours
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    our_headers.sort();
    assert_eq!(our_headers, sdk_headers, "{region} {role}");
    assert!(ours.headers()["x-amz-sso_bearer_token"].is_sensitive());
    assert_eq!(sdk.body().bytes(), Some(&b""[..]), "no body");
}

#[test]
fn the_request_is_the_one_aws_sdk_sso_sends_in_every_partition() {
    for region in [
        "us-east-1",
        "eu-central-1",
        "cn-north-1",
        "us-gov-west-1",
        "eusc-de-east-1",
        "us-iso-east-1",
        "us-isob-east-1",
        "eu-isoe-west-1",
        "us-isof-south-1",
    ] {
        for fips in [false, true] {
            compare_with_sdk(region, fips, "123456789012", "AWSAdministratorAccess");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every role name the rule lets through (IAM's alphabet, where `+ = , @`
    /// are percent-encoded) and every account id: the SDK's URI, byte for byte.
    #[test]
    fn the_query_is_the_sdks_for_every_role_name(
        role in "[A-Za-z0-9+=,.@_-]{1,64}",
        account in "[0-9]{12}",
    ) {
        compare_with_sdk("eu-west-1", false, &account, &role);
    }
}

/// Answers as the SDK reads them: the same credentials, expiration to the
/// millisecond, whatever the escapes, unknown members and number spellings.
#[test]
fn the_answer_reads_as_aws_sdk_sso_reads_it() {
    let bodies = [
        r#"{"roleCredentials":{"accessKeyId":"ASIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","expiration":1796126400000}}"#,
        r#"{ "roleCredentials" : { "expiration" : 1796126400123 , "sessionToken":"a\/b\u002Bc\n",
            "accessKeyId":"ASIA\u0041", "aNewMember": {"x":[1,2,{"y":null}]},
            "secretAccessKey":"s\\e\"c" } , "other": true }"#,
        r#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"s","sessionToken":"t","expiration":1.796126400e12}}"#,
        r#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"s","sessionToken":"t","expiration":0}}"#,
    ];
    for body in bodies {
        let (client, _receiver) = sdk_client("us-east-1", false, Some((200, None, body)));
        let sdk = block_on(
            client
                .get_role_credentials()
                .access_token(TOKEN)
                .account_id("123456789012")
                .role_name("ReadOnly")
                .send(),
        )
        .unwrap();
        let sdk = sdk.role_credentials().unwrap();
        let ours = GetRoleCredentialsResponse::from_json(body.as_bytes()).unwrap();
        let ours = ours.credentials();
        assert_eq!(Some(ours.access_key_id()), sdk.access_key_id(), "{body}");
        assert_eq!(
            Some(ours.secret_access_key().expose_secret()),
            sdk.secret_access_key(),
            "{body}"
        );
        assert_eq!(
            Some(ours.session_token().expose_secret()),
            sdk.session_token(),
            "{body}"
        );
        let millis = u64::try_from(sdk.expiration()).unwrap();
        assert_eq!(
            ours.expiration(),
            UNIX_EPOCH + Duration::from_millis(millis),
            "{body}"
        );
    }
}

/// The portal's refusals, named as the SDK names them (its error's code),
/// with the status, the request id and whether sending again can help.
#[test]
fn refusals_are_named_as_the_sdk_names_them() {
    for (status, error_type, body, retryable) in [
        (
            401,
            "UnauthorizedException",
            r#"{"message":"Session token not found or invalid"}"#,
            false,
        ),
        (
            404,
            "ResourceNotFoundException",
            r#"{"message":"No access"}"#,
            false,
        ),
        (
            429,
            "TooManyRequestsException",
            r#"{"message":"Rate exceeded"}"#,
            true,
        ),
        (
            400,
            "InvalidRequestException",
            r#"{"message":"Bad"}"#,
            false,
        ),
    ] {
        let (client, _receiver) =
            sdk_client("us-east-1", false, Some((status, Some(error_type), body)));
        let sdk = block_on(
            client
                .get_role_credentials()
                .access_token(TOKEN)
                .account_id("123456789012")
                .role_name("ReadOnly")
                .send(),
        )
        .unwrap_err();
        let sdk_code = aws_sdk_sso::error::ProvideErrorMetadata::code(&sdk)
            .unwrap()
            .to_owned();
        let answer = http::Response::builder()
            .status(status)
            .header("x-amzn-errortype", error_type)
            .header("x-amzn-requestid", "c6104cbe-af31-11e0-8154-cbc7ccf896c7")
            .body(body.as_bytes())
            .unwrap();
        let err = GetRoleCredentialsResponse::from_http_response(&answer).unwrap_err();
        let token_error = err.token_error().expect("the portal's error");
        // The SDK's name; this crate's code for it (the one name the OIDC
        // service shares, `InvalidRequestException`, is `invalid_request`).
        assert_eq!(sdk_code, error_type);
        let expected = match error_type {
            "InvalidRequestException" => ErrorCode::InvalidRequest,
            other => ErrorCode::Unknown(other.to_owned()),
        };
        assert_eq!(token_error.code(), &expected);
        assert_eq!(token_error.status(), status);
        assert_eq!(
            err.request_id(),
            Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        );
        assert_eq!(err.is_retryable(), retryable, "{error_type}");
        // The body alone (a `message`, no `__type`) does not name it: without
        // the header it is unreadable, and said to be the portal's.
        let plain = GetRoleCredentialsResponse::from_http(status, body.as_bytes()).unwrap_err();
        assert_eq!(plain.status(), status);
        assert!(matches!(plain.kind(), ResponseErrorKind::Unreadable(_)));
        assert!(plain.to_string().contains("access portal"), "{plain}");
        // A body naming it (`__type`, as some AWS JSON services send) does.
        let typed = format!(r#"{{"__type":"{error_type}","message":"m"}}"#);
        let named = GetRoleCredentialsResponse::from_http(status, typed.as_bytes()).unwrap_err();
        assert_eq!(named.token_error().map(|e| e.code()), Some(&expected));
    }
    let unreadable = GetRoleCredentialsResponse::from_http(200, b"{}").unwrap_err();
    assert!(matches!(
        unreadable.kind(),
        ResponseErrorKind::Unreadable(_)
    ));
    assert!(
        unreadable.to_string().contains("access portal"),
        "{unreadable}"
    );
}

#[test]
fn bad_input_is_refused_by_name_without_echo() {
    let secret = "SECRETPART";
    type Case<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, Rule)]);
    let cases: [Case<'_>; 9] = [
        (
            "",
            "123456789012",
            "ReadOnly",
            &[("access_token", Rule::Empty)],
        ),
        (
            "aoa SECRETPART",
            "123456789012",
            "ReadOnly",
            &[("access_token", Rule::HeaderToken)],
        ),
        (
            "aoaSECRETPARTé",
            "123456789012",
            "ReadOnly",
            &[("access_token", Rule::HeaderToken)],
        ),
        (
            "Bearer aoaSECRETPART",
            "123456789012",
            "ReadOnly",
            &[("access_token", Rule::BearerPrefix)],
        ),
        (
            "aoaSECRETPART\n",
            "123456789012",
            "ReadOnly",
            &[("access_token", Rule::TrailingWhitespace)],
        ),
        (
            TOKEN,
            "12345678901",
            "ReadOnly",
            &[("account_id", Rule::AccountId)],
        ),
        (
            TOKEN,
            "１23456789012",
            "Read/Only",
            &[
                ("account_id", Rule::AccountId),
                ("role_name", Rule::RoleName),
            ],
        ),
        (TOKEN, "123456789012", "", &[("role_name", Rule::RoleName)]),
        (
            TOKEN,
            "123456789012",
            &"R".repeat(65),
            &[("role_name", Rule::RoleName)],
        ),
    ];
    for (token, account, role, expected) in cases {
        let err = GetRoleCredentials::builder()
            .access_token(token)
            .account_id(account)
            .role_name(role)
            .build()
            .unwrap_err();
        let found: Vec<(&str, Rule)> = err
            .problems()
            .iter()
            .map(|p| (p.field(), *p.rule()))
            .collect();
        assert_eq!(found, expected, "{token:?} {account:?} {role:?}");
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    // The limits themselves pass.
    for role in ["R", &"R".repeat(64), "a+b=c,d.e@f-g_h"] {
        let request = request("000000000000", role);
        assert_eq!(request.role_name(), role);
    }
}

#[test]
fn bad_answers_are_named_without_echo() {
    let secret = "SECRETPART";
    let cases: [(&str, Option<&str>, ParseErrorKind); 8] = [
        (
            "{}",
            Some("roleCredentials"),
            ParseErrorKind::Missing { grant: None },
        ),
        (
            r#"{"roleCredentials":null}"#,
            Some("roleCredentials"),
            ParseErrorKind::Missing { grant: None },
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"A","sessionToken":"SECRETPART","expiration":1}}"#,
            Some("secretAccessKey"),
            ParseErrorKind::Missing { grant: None },
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETPART","sessionToken":"","expiration":1}}"#,
            Some("sessionToken"),
            ParseErrorKind::Empty,
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETPART","sessionToken":"t","expiration":-1}}"#,
            Some("expiration"),
            ParseErrorKind::Negative,
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETPART","secretAccessKey":"SECRETPART","sessionToken":"t","expiration":1}}"#,
            Some("secretAccessKey"),
            ParseErrorKind::Duplicate,
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETPART","sessionToken":"t"}}"#,
            Some("expiration"),
            ParseErrorKind::Missing { grant: None },
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"","secretAccessKey":"SECRETPART","sessionToken":"t","expiration":1}}"#,
            Some("accessKeyId"),
            ParseErrorKind::Empty,
        ),
    ];
    for (body, member, kind) in cases {
        let err = GetRoleCredentialsResponse::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(err.member(), member, "{body}");
        assert_eq!(err.kind(), &kind, "{body}");
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    // Wrong JSON types and broken JSON are syntax errors, never echoes.
    for body in [
        r#"{"roleCredentials":{"secretAccessKey":7}}"#,
        r#"{"roleCredentials":{"secretAccessKey":"SECRETPART"#,
        r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETPART","sessionToken":"t","expiration":1.5}}"#,
        r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETPART","sessionToken":"t","expiration":1e400}}"#,
    ] {
        let err = GetRoleCredentialsResponse::from_json(body.as_bytes()).unwrap_err();
        assert!(
            matches!(err.kind(), ParseErrorKind::Syntax(_)),
            "{body}: {err:?}"
        );
        assert!(!format!("{err} {err:?}").contains(secret));
    }
}

#[test]
fn debug_shows_no_secret() {
    let builder = GetRoleCredentials::builder().access_token(TOKEN);
    let request = request("123456789012", "ReadOnly");
    let http = request.to_http(&portal::endpoint("us-east-1").unwrap());
    let response = GetRoleCredentialsResponse::from_json(
        br#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"SECRETPART-KEY","sessionToken":"SECRETPART-TOKEN","expiration":1}}"#,
    )
    .unwrap();
    for shown in [
        format!("{builder:?}"),
        format!("{request:?}"),
        format!("{http:?}"),
        format!("{response:?}"),
        format!("{:?}", response.credentials()),
    ] {
        assert!(!shown.contains("SECRETPART"), "{shown}");
    }
    assert!(format!("{request:?}").contains("ReadOnly"));
    assert!(format!("{response:?}").contains("ASIA"));
}

/// The answer the stand-in gives: the credentials, a request id.
fn credentials_answer() -> (u16, &'static str, Vec<u8>) {
    (
        200,
        "content-type: application/json\r\nx-amzn-requestid: req-1\r\n",
        br#"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4=","expiration":1796126400000}}"#.to_vec(),
    )
}

/// What each client sent: the request line and the token header, as the
/// stand-in read them.
fn check_head(head: &str) {
    assert!(
        head.starts_with(
            "GET /federation/credentials?role_name=Read%2BOnly&account_id=123456789012 HTTP/1.1\r\n"
        ),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase().contains(&format!(
            "x-amz-sso_bearer_token: {}\r\n",
            TOKEN.to_ascii_lowercase()
        )),
        "{head}"
    );
}

#[test]
fn ureq_and_reqwest_send_it_over_loopback_and_read_the_answer() {
    let request = request("123456789012", "Read+Only");
    let refusal = (
        401,
        "x-amzn-errortype: UnauthorizedException\r\ncontent-type: application/json\r\n",
        br#"{"message":"Session token not found or invalid"}"#.to_vec(),
    );
    let redirect = (302, "location: http://127.0.0.2/\r\n", Vec::new());

    let portal = stand_in::Portal::start_with_bodies(vec![
        credentials_answer(),
        refusal.clone(),
        redirect.clone(),
    ]);
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let agent = ureq::Agent::new_with_defaults();
    let answer = request.send_blocking(&agent, &endpoint).unwrap();
    assert_eq!(answer.request_id(), Some("req-1"));
    let credentials = answer.into_credentials();
    assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
    // The account, from the request (the answer does not name it).
    assert_eq!(credentials.account_id(), Some("123456789012"));
    assert_eq!(credentials.session_token().expose_secret(), "dG9rZW4=");
    assert_eq!(
        credentials.expiration(),
        UNIX_EPOCH + Duration::from_secs(1_796_126_400)
    );
    let refused = request.send_blocking(&agent, &endpoint).unwrap_err();
    let SendError::Response(refused) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(
        refused.token_error().map(|e| e.code().clone()),
        Some(ErrorCode::Unknown("UnauthorizedException".into()))
    );
    let redirected = request.send_blocking(&agent, &endpoint).unwrap_err();
    assert!(
        matches!(redirected, SendError::Redirected { status: 302 }),
        "{redirected:?}"
    );
    for head in portal.heads() {
        check_head(&head);
    }

    let portal = stand_in::Portal::start_with_bodies(vec![credentials_answer(), refusal, redirect]);
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let client = ssooidc_token::ReqwestClient::new().unwrap();
    block_on(async {
        let answer = request.send(&client, &endpoint).await.unwrap();
        assert_eq!(answer.credentials().access_key_id(), "ASIAEXAMPLE");
        assert_eq!(
            answer.credentials().secret_access_key().expose_secret(),
            "c2VjcmV0"
        );
        let refused = request.send(&client, &endpoint).await.unwrap_err();
        assert_eq!(refused.response_error().map(|e| e.status()), Some(401));
        let redirected = request.send(&client, &endpoint).await.unwrap_err();
        assert!(
            matches!(redirected, SendError::Redirected { status: 302 }),
            "{redirected:?}"
        );
    });
    for head in portal.heads() {
        check_head(&head);
    }
}

/// The credentials sign, and reach an SDK client's `Credentials`, with their
/// expiry.
#[test]
fn the_credentials_sign_and_reach_the_sdk() {
    let (_, _, body) = credentials_answer();
    let credentials = GetRoleCredentialsResponse::from_json(&body)
        .unwrap()
        .into_credentials();
    let expiry = credentials.expiration();
    assert_eq!(credentials.account_id(), None, "from the body alone");
    let sdk = aws_credential_types::Credentials::from(credentials);
    assert_eq!(sdk.account_id(), None);
    let credentials = GetRoleCredentialsResponse::from_json(&body)
        .unwrap()
        .for_request(&request("123456789012", "ReadOnly"))
        .into_credentials();
    let sdk = aws_credential_types::Credentials::from(credentials);
    // Named and accounted for as aws-config's SSO provider does.
    assert_eq!(sdk.account_id().map(|a| a.as_str()), Some("123456789012"));
    assert!(format!("{sdk:?}").contains("\"SSO\""), "{sdk:?}");
    assert_eq!(sdk.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(sdk.secret_access_key(), "c2VjcmV0");
    assert_eq!(sdk.session_token(), Some("dG9rZW4="));
    assert_eq!(sdk.expiry(), Some(expiry));
    let signing: ssooidc_token::SigningCredentials = GetRoleCredentialsResponse::from_json(&body)
        .unwrap()
        .into_credentials()
        .into();
    assert_eq!(signing.access_key_id(), "ASIAEXAMPLE");
}

/// `to_credential_process_json` is read by `aws-config`'s own
/// `credential_process` provider (the SDKs' reader of `credential_process =`
/// in `~/.aws/config`) as the same credentials and expiry, escapes included.
#[test]
fn the_credential_process_answer_is_read_by_aws_config() {
    use aws_credential_types::provider::ProvideCredentials;

    #[path = "common/temp_dir.rs"]
    mod temp_dir;

    let dir = temp_dir::TempDir::new("credential-process");
    for (n, secret) in ["c2VjcmV0/+=", r#"with"quote\and\u"#, "tab\there"]
        .into_iter()
        .enumerate()
    {
        let body = format!(
            r#"{{"roleCredentials":{{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":{},"sessionToken":"dG9rZW4=","expiration":1796126400000}}}}"#,
            serde_json::to_string(secret).unwrap()
        );
        let credentials = GetRoleCredentialsResponse::from_json(body.as_bytes())
            .unwrap()
            .for_request(&request("123456789012", "ReadOnly"))
            .into_credentials();
        let json = credentials.to_credential_process_json();
        let path = dir.path().join(format!("answer-{n}.json"));
        std::fs::write(&path, json.expose_secret()).unwrap();
        let provider = aws_config::credential_process::CredentialProcessProvider::new(format!(
            "cat {}",
            path.display()
        ));
        let read = block_on(provider.provide_credentials()).unwrap();
        assert_eq!(read.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(read.secret_access_key(), secret);
        assert_eq!(read.session_token(), Some("dG9rZW4="));
        assert_eq!(read.expiry(), Some(credentials.expiration()));
        assert_eq!(read.account_id().map(|a| a.as_str()), Some("123456789012"));
    }
}

/// Throttling and unavailability are sent again (up to 3 times, as the SDKs'
/// standard retry mode), on both roads; a refusal is not.
#[test]
fn throttling_and_unavailability_are_sent_again() {
    let request = request("123456789012", "ReadOnly");
    let busy = |status: u16| {
        (
            status,
            "x-amzn-errortype: TooManyRequestsException\r\ncontent-type: application/json\r\n",
            br#"{"message":"Rate exceeded"}"#.to_vec(),
        )
    };
    let unavailable = (503, "content-type: application/json\r\n", b"{}".to_vec());
    // ureq: 503, 429, then the answer: 3 requests, the credentials.
    let portal = stand_in::Portal::start_with_bodies(vec![
        unavailable.clone(),
        busy(429),
        credentials_answer(),
    ]);
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let agent = ureq::Agent::new_with_defaults();
    let answer = request.send_blocking(&agent, &endpoint).unwrap();
    assert_eq!(answer.credentials().access_key_id(), "ASIAEXAMPLE");
    assert_eq!(portal.heads().len(), 3);
    // reqwest: throttled three times: the last refusal, after 3 requests.
    let portal = stand_in::Portal::start_with_bodies(vec![busy(429), busy(400), busy(429)]);
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let client = ssooidc_token::ReqwestClient::new().unwrap();
    let err = block_on(request.send(&client, &endpoint)).unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(err.response_error().map(|e| e.status()), Some(429));
    assert_eq!(portal.heads().len(), 3);
    // A refusal that sending again cannot help: once.
    let portal = stand_in::Portal::start_with_bodies(vec![
        (
            401,
            "x-amzn-errortype: UnauthorizedException\r\n",
            b"{}".to_vec(),
        ),
        credentials_answer(),
    ]);
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let err = request.send_blocking(&agent, &endpoint).unwrap_err();
    assert_eq!(err.response_error().map(|e| e.status()), Some(401));
    // The stand-in still waits for the second connection: give it one, so
    // that its thread ends now rather than after its 30 s.
    let _ = request.send_blocking(&agent, &endpoint);
    assert_eq!(portal.heads().len(), 2);
}
