//! From an HTTP answer to a typed result in one call: the right variant for
//! every kind of answer, the status kept, no body text in any message.

use ssooidc_token::{
    CreateTokenResponse, CreateTokenWithIamResponse, ErrorCode, ExposeSecret, ResponseErrorKind,
};

const OK: &[u8] = br#"{"accessToken":"aoal-SECRET-access","tokenType":"Bearer","expiresIn":3600}"#;

#[test]
fn a_200_is_the_response() {
    let r = CreateTokenWithIamResponse::from_http(200, OK).unwrap();
    assert_eq!(r.access_token().expose_secret(), "aoal-SECRET-access");
    let r = CreateTokenResponse::from_http(200, OK).unwrap();
    assert_eq!(r.expires_in(), Some(std::time::Duration::from_secs(3600)));
}

#[test]
fn a_400_oauth_error_is_the_token_error() {
    let body = br#"{"error":"invalid_grant","error_description":"refresh token expired"}"#;
    let err = CreateTokenWithIamResponse::from_http(400, body).unwrap_err();
    assert_eq!(err.status(), 400);
    let token = err.token_error().unwrap();
    assert_eq!(token.code(), &ErrorCode::InvalidGrant);
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "invalid_grant (HTTP 400): refresh token expired"
    );
    assert!(
        std::error::Error::source(&err).is_none(),
        "shown as itself, not as a cause"
    );
    let pending =
        CreateTokenResponse::from_http(400, br#"{"error":"authorization_pending"}"#).unwrap_err();
    assert!(pending.is_retryable());
}

/// Bodies that are not what the service sends: the status is kept, the body is
/// never echoed, and why it could not be read is the source.
#[test]
fn unreadable_answers_keep_the_status_and_never_echo() {
    let truncated = &OK[..OK.len() - 10];
    for (status, body) in [
        (500, &b"<html><body>Internal SECRET-page</body></html>"[..]),
        (502, b""),
        (200, truncated),
        (200, br#"{"tokenType":"Bearer"}"#),
        (403, b"SECRET-plain-text"),
    ] {
        let err = CreateTokenWithIamResponse::from_http(status, body).unwrap_err();
        assert!(
            matches!(err.kind(), ResponseErrorKind::Unreadable(_)),
            "{status}"
        );
        assert_eq!(err.status(), status);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            std::error::Error::source(&err).is_some(),
            "the parse error is the source"
        );
        assert_eq!(err.is_retryable(), status >= 500);
    }
}

#[cfg(feature = "http")]
mod with_headers {
    use super::*;

    fn answer(
        status: u16,
        headers: &[(&str, &str)],
        body: &'static [u8],
    ) -> http::Response<&'static [u8]> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body).unwrap()
    }

    #[test]
    fn the_request_id_is_kept() {
        let err = CreateTokenWithIamResponse::from_http_response(&answer(
            400,
            &[("x-amzn-RequestId", "5d9e1c3a-0001")],
            br#"{"error":"invalid_client"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.request_id(), Some("5d9e1c3a-0001"));
        assert_eq!(err.token_error().unwrap().code(), &ErrorCode::InvalidClient);
        assert!(err.to_string().ends_with("(request id 5d9e1c3a-0001)"));
        let ok = CreateTokenWithIamResponse::from_http_response(&answer(200, &[], OK)).unwrap();
        assert_eq!(ok.token_type(), Some("Bearer"));
    }

    #[test]
    fn the_services_date_is_kept_and_clock_skew_codes_are_told() {
        use std::time::{Duration, UNIX_EPOCH};
        let date = ("Date", "Thu, 03 Dec 2026 15:30:00 GMT");
        let at = UNIX_EPOCH + Duration::from_secs(1_796_311_800);
        for (error_type, skew) in [
            ("InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/", true),
            ("AccessDeniedException", true),
            ("RequestTimeTooSkewed", true),
            ("InvalidGrantException", false),
            ("InvalidClientException", false),
        ] {
            let err = CreateTokenWithIamResponse::from_http_response(&answer(
                403,
                &[("x-amzn-ErrorType", error_type), date],
                br#"{"message":"Signature expired: 20261203T152000Z is now earlier than 20261203T152500Z"}"#,
            ))
            .unwrap_err();
            assert_eq!(err.server_date(), Some(at), "{error_type}");
            assert_eq!(err.may_be_clock_skew(), skew, "{error_type}");
        }
        // No `Date`, a `Date` in another form, or no headers read at all.
        for headers in [
            &[][..],
            &[("Date", "Thursday, 03-Dec-26 15:30:00 GMT")][..],
            &[("Date", "2026-12-03T15:30:00Z")][..],
        ] {
            let err = CreateTokenWithIamResponse::from_http_response(&answer(
                400,
                headers,
                br#"{"error":"invalid_grant"}"#,
            ))
            .unwrap_err();
            assert_eq!(err.server_date(), None, "{headers:?}");
        }
        // An answer from a cache: its `Date` is not the service's clock now.
        let err = CreateTokenWithIamResponse::from_http_response(&answer(
            403,
            &[
                ("x-amzn-ErrorType", "InvalidSignatureException"),
                date,
                ("Age", "30"),
            ],
            b"{}",
        ))
        .unwrap_err();
        assert_eq!(err.server_date(), None);
        // (Found by fuzzing: an `Age` whose value is not text counts too.)
        let cached = http::Response::builder()
            .status(403)
            .header("Date", date.1)
            .header("Age", http::HeaderValue::from_bytes(b"navI\xec").unwrap())
            .body(&b"{}"[..])
            .unwrap();
        let err = CreateTokenWithIamResponse::from_http_response(&cached).unwrap_err();
        assert_eq!(err.server_date(), None);
        let err = CreateTokenWithIamResponse::from_http(
            403,
            br#"{"__type":"InvalidSignatureException"}"#,
        )
        .unwrap_err();
        assert!(err.may_be_clock_skew());
        assert_eq!(err.server_date(), None);
        let unreadable =
            CreateTokenWithIamResponse::from_http_response(&answer(502, &[date], b"<html>"))
                .unwrap_err();
        assert!(!unreadable.may_be_clock_skew());
        assert_eq!(unreadable.server_date(), Some(at));
        #[cfg(feature = "sts")]
        for (code, skew) in [
            ("SignatureDoesNotMatch", true),
            ("RequestExpired", true),
            ("AccessDenied", true),
            ("InvalidClientTokenId", false),
            ("ExpiredToken", false),
        ] {
            let body = format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            );
            let response = http::Response::builder()
                .status(403)
                .header("Date", date.1)
                .body(body.into_bytes())
                .unwrap();
            let err =
                ssooidc_token::sts::AssumeRoleResponse::from_http_response(&response).unwrap_err();
            assert_eq!(err.server_date(), Some(at), "{code}");
            assert_eq!(err.may_be_clock_skew(), skew, "{code}");
        }
    }

    /// STS's success keeps its `Date` too (the credentials provider reads
    /// `Expiration` with it); not from a cache, nor without headers.
    #[cfg(feature = "sts")]
    #[test]
    fn an_sts_success_keeps_its_date() {
        use ssooidc_token::sts::AssumeRoleResponse;
        use std::time::{Duration, UNIX_EPOCH};
        const OK: &[u8] = b"<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>\
<AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
</AssumedRoleUser><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>k</SecretAccessKey>\
<SessionToken>t</SessionToken><Expiration>2026-12-03T16:00:00Z</Expiration></Credentials>\
</AssumeRoleResult></AssumeRoleResponse>";
        let date = ("Date", "Thu, 03 Dec 2026 15:23:22 GMT");
        let at = UNIX_EPOCH + Duration::from_secs(1_796_311_402);
        let read = AssumeRoleResponse::from_http_response(&answer(200, &[date], OK)).unwrap();
        assert_eq!(read.server_date(), Some(at));
        let cached =
            AssumeRoleResponse::from_http_response(&answer(200, &[date, ("Age", "30")], OK))
                .unwrap();
        assert_eq!(cached.server_date(), None);
        assert_eq!(
            AssumeRoleResponse::from_http(200, OK)
                .unwrap()
                .server_date(),
            None
        );
    }

    /// The crate reads every `Date` as the SDK writes it, to the same second,
    /// over every month, day, hour, minute and second from 1970 to 9999.
    #[test]
    fn dates_read_as_the_sdk_writes_them() {
        use aws_smithy_types::date_time::Format;
        use std::time::{Duration, UNIX_EPOCH};
        let mut secs: i64 = 0;
        while secs < 253_402_300_799 {
            let text = aws_smithy_types::DateTime::from_secs(secs)
                .fmt(Format::HttpDate)
                .unwrap();
            let err = CreateTokenWithIamResponse::from_http_response(&answer(
                500,
                &[("Date", text.as_str())],
                b"",
            ))
            .unwrap_err();
            let expected = UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap());
            assert_eq!(err.server_date(), Some(expected), "{text}");
            // Steps that visit every month, day, hour, minute and second.
            secs += 86_400 * 29 + 3_600 * 7 + 60 * 13 + 37;
        }
    }

    #[test]
    fn x_amzn_error_type_names_the_error_when_the_body_does_not() {
        for (header, code) in [
            (
                "SlowDownException:http://internal.amazon.com/coral/com.amazonaws.ssooidc/",
                ErrorCode::SlowDown,
            ),
            (
                "AuthorizationPendingException",
                ErrorCode::AuthorizationPending,
            ),
            ("InvalidGrantException:", ErrorCode::InvalidGrant),
            ("InternalServerException", ErrorCode::ServerError),
            (
                "SomeNewException",
                ErrorCode::Unknown("SomeNewException".into()),
            ),
        ] {
            for body in [&b""[..], b"<html>gateway</html>"] {
                let err = CreateTokenResponse::from_http_response(&answer(
                    400,
                    &[("x-amzn-ErrorType", header)],
                    body,
                ))
                .unwrap_err();
                assert_eq!(err.token_error().map(|e| e.code()), Some(&code), "{header}");
                assert_eq!(err.status(), 400);
            }
        }
        // A body that names the error wins over the header.
        let err = CreateTokenResponse::from_http_response(&answer(
            400,
            &[("x-amzn-ErrorType", "SlowDownException")],
            br#"{"error":"access_denied"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.token_error().unwrap().code(), &ErrorCode::AccessDenied);
        // The header wins over an AWS-style `__type` or `code` in the body (the
        // SDK's order); the body's message is kept.
        for body in [
            &br#"{"__type":"InvalidRequestException","message":"why"}"#[..],
            br#"{"code":"InvalidRequestException","message":"why"}"#,
        ] {
            let err = CreateTokenResponse::from_http_response(&answer(
                400,
                &[("x-amzn-ErrorType", "SlowDownException")],
                body,
            ))
            .unwrap_err();
            let token = err.token_error().unwrap();
            assert_eq!(token.code(), &ErrorCode::SlowDown);
            assert_eq!(token.message(), Some("why"));
            // Without the header, the body's `__type` or `code` names it.
            let err = CreateTokenResponse::from_http_response(&answer(400, &[], body)).unwrap_err();
            assert_eq!(
                err.token_error().unwrap().code(),
                &ErrorCode::InvalidRequest
            );
        }
        // An IAM refusal of the signed call: the code in the header, the
        // reason in the body's `Message`, both kept (as the SDK keeps them).
        let err = CreateTokenResponse::from_http_response(&answer(
            400,
            &[(
                "x-amzn-ErrorType",
                "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.ssooidc/",
            )],
            br#"{"Message":"User: arn:aws:sts::123456789012:assumed-role/app/i is not authorized to perform: sso-oauth:CreateTokenWithIAM"}"#,
        ))
        .unwrap_err();
        let token = err.token_error().unwrap();
        assert_eq!(token.code(), &ErrorCode::AccessDenied);
        assert!(token.message().unwrap().contains("is not authorized"));
        assert!(err.to_string().contains("is not authorized"), "{err}");
    }

    #[test]
    fn a_body_turns_into_bytes_without_a_copy() {
        use ssooidc_token::CreateTokenWithIam;
        let body = CreateTokenWithIam::refresh_token()
            .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
            .refresh_token("aorv-example")
            .build()
            .unwrap()
            .to_json();
        let address = body.expose_secret().as_ptr();
        let expected = body.expose_secret().to_vec();
        let bytes = body.into_bytes();
        assert_eq!(bytes.as_ptr(), address, "the same buffer, not a copy");
        assert_eq!(&bytes[..], &expected[..]);
        let clone = bytes.clone();
        drop(bytes);
        assert_eq!(&clone[..], &expected[..]);
    }
}

#[cfg(feature = "sts")]
#[test]
fn sts_answers_read_in_one_call() {
    use ssooidc_token::sts::AssumeRoleResponse;
    let err = AssumeRoleResponse::from_http(
        403,
        b"<ErrorResponse><Error><Code>AccessDenied</Code></Error><RequestId>r-9</RequestId></ErrorResponse>",
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ResponseErrorKind::Sts(_)));
    assert_eq!(err.request_id(), Some("r-9"));
    assert!(err.to_string().contains("sts:SetContext"));
    let err = AssumeRoleResponse::from_http(503, b"<html>Service Unavailable</html>").unwrap_err();
    assert!(matches!(err.kind(), ResponseErrorKind::Unreadable(_)) && err.is_retryable());
    let err = AssumeRoleResponse::from_http(200, b"<AssumeRoleResponse/>").unwrap_err();
    assert!(matches!(err.kind(), ResponseErrorKind::Unreadable(_)));
}

#[cfg(feature = "login")]
#[test]
fn login_answers_read_in_one_call() {
    use ssooidc_token::login::{RegisterClientResponse, StartDeviceAuthorizationResponse};
    let registered =
        RegisterClientResponse::from_http(200, br#"{"clientId":"cid","clientSecret":"csecret"}"#)
            .unwrap();
    assert_eq!(registered.client_id(), "cid");
    let err =
        RegisterClientResponse::from_http(400, br#"{"error":"invalid_request"}"#).unwrap_err();
    assert_eq!(
        err.token_error().unwrap().code(),
        &ErrorCode::InvalidRequest
    );
    let err = StartDeviceAuthorizationResponse::from_http(500, b"").unwrap_err();
    assert!(matches!(err.kind(), ResponseErrorKind::Unreadable(_)) && err.is_retryable());
}
