//! Token responses and OAuth error bodies: typed, tolerant of what AWS may add,
//! strict about what is wrong, and never echoing a value.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use ssooidc_token::{
    CreateTokenResponse, CreateTokenWithIamResponse, ErrorCode, ExposeSecret, ParseErrorKind,
    Syntax, TokenError, TokenType,
};

const FULL: &str = r#"{
    "accessToken": "aoal-access",
    "tokenType": "Bearer",
    "expiresIn": 3600,
    "refreshToken": "aorv-refresh",
    "idToken": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln",
    "issuedTokenType": "urn:ietf:params:oauth:token-type:refresh_token",
    "scope": ["openid", "aws", "sts:identity_context"],
    "awsAdditionalDetails": {"identityContext": "EXAMPLEIDENTITYCONTEXT", "future": true}
}"#;

#[test]
fn iam_response_reads_every_member() {
    let r = CreateTokenWithIamResponse::from_json(FULL.as_bytes()).unwrap();
    assert_eq!(r.access_token().expose_secret(), "aoal-access");
    assert_eq!(r.token_type(), Some("Bearer"));
    assert_eq!(r.expires_in(), Some(Duration::from_secs(3600)));
    assert_eq!(
        r.expires_at(UNIX_EPOCH + Duration::from_secs(10)),
        Some(UNIX_EPOCH + Duration::from_secs(3610))
    );
    assert_eq!(r.refresh_token().unwrap().expose_secret(), "aorv-refresh");
    assert_eq!(
        r.id_token().unwrap().expose_secret(),
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"
    );
    assert_eq!(r.issued_token_type(), Some(&TokenType::RefreshToken));
    assert_eq!(r.scope(), ["openid", "aws", "sts:identity_context"]);
    assert_eq!(
        r.aws_additional_details()
            .unwrap()
            .identity_context()
            .map(|c| c.expose_secret()),
        Some("EXAMPLEIDENTITYCONTEXT")
    );
}

#[test]
fn minimal_and_null_members_are_absent() {
    let r = CreateTokenWithIamResponse::from_json(br#"{"accessToken":"a"}"#).unwrap();
    // An absent lifetime is not "already expired".
    assert_eq!(r.expires_in(), None);
    assert_eq!(r.expires_at(UNIX_EPOCH), None);
    assert!(
        r.refresh_token().is_none() && r.id_token().is_none() && r.issued_token_type().is_none()
    );
    assert!(
        r.scope().is_empty() && r.aws_additional_details().is_none() && r.token_type().is_none()
    );
    let r = CreateTokenWithIamResponse::from_json(
        br#"{"accessToken":"a","refreshToken":null,"idToken":null,"expiresIn":null,"scope":null,"issuedTokenType":null,"awsAdditionalDetails":null}"#,
    )
    .unwrap();
    assert!(r.refresh_token().is_none() && r.scope().is_empty());
    assert_eq!(r.expires_in(), None);
    let r = CreateTokenResponse::from_json(br#"{"accessToken":"a","expiresIn":0}"#).unwrap();
    assert_eq!(r.expires_in(), Some(Duration::ZERO));
}

#[test]
fn an_empty_access_token_or_a_negative_lifetime_is_refused_naming_the_member() {
    for body in [
        &br#"{"accessToken":"","expiresIn":3600}"#[..],
        br#"{"expiresIn":3600,"accessToken":""}"#,
    ] {
        for err in [
            CreateTokenWithIamResponse::from_json(body).unwrap_err(),
            CreateTokenResponse::from_json(body).unwrap_err(),
        ] {
            assert_eq!(
                (err.kind(), err.member()),
                (&ParseErrorKind::Empty, Some("accessToken"))
            );
            assert!(err.offset().is_some());
        }
    }
    let body = br#"{"accessToken":"a","expiresIn":-1}"#;
    for err in [
        CreateTokenWithIamResponse::from_json(body).unwrap_err(),
        CreateTokenResponse::from_json(body).unwrap_err(),
    ] {
        assert_eq!(
            (err.kind(), err.member()),
            (&ParseErrorKind::Negative, Some("expiresIn"))
        );
        assert_eq!(
            err.to_string(),
            "member `expiresIn` must not be negative (at byte 19)"
        );
    }
    let err = CreateTokenResponse::from_json(br#"{"accessToken":""}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "member `accessToken` must not be empty (at byte 1)"
    );
}

#[test]
fn unknown_members_and_token_types_are_kept_or_ignored_not_errors() {
    let body = br#"{"newMember":{"deep":[1,2.5e3,{"x":null}],"s":"\u00e9"},"accessToken":"a",
        "issuedTokenType":"urn:example:future","another":[true,false]}"#;
    let r = CreateTokenWithIamResponse::from_json(body).unwrap();
    let issued = r.issued_token_type().unwrap();
    assert!(issued.is_unknown());
    assert_eq!(issued.as_str(), "urn:example:future");
}

#[test]
fn create_token_response_ignores_iam_only_members() {
    let r = CreateTokenResponse::from_json(FULL.as_bytes()).unwrap();
    assert_eq!(r.access_token().expose_secret(), "aoal-access");
    assert_eq!(r.expires_in(), Some(Duration::from_secs(3600)));
    // A scope of the wrong type is an IAM member error, but ignored for CreateToken.
    assert!(CreateTokenResponse::from_json(br#"{"accessToken":"a","scope":5}"#).is_ok());
    assert!(CreateTokenWithIamResponse::from_json(br#"{"accessToken":"a","scope":5}"#).is_err());
}

#[test]
fn escapes_are_decoded() {
    let r = CreateTokenWithIamResponse::from_json(
        br#"{"accessToken":"a\/b\"c\\d\b\f\n\r\t\u00e9\u65e5\ud83e\udd80","tokenType":"Bearer"}"#,
    )
    .unwrap();
    assert_eq!(
        r.access_token().expose_secret(),
        "a/b\"c\\d\u{8}\u{c}\n\r\t\u{e9}\u{65e5}\u{1f980}"
    );
}

fn error_of(body: &str) -> (ParseErrorKind, Option<&'static str>) {
    let err = CreateTokenWithIamResponse::from_json(body.as_bytes()).unwrap_err();
    (err.kind().clone(), err.member())
}

#[test]
fn wrong_types_missing_and_duplicated_members_are_named() {
    assert_eq!(
        error_of(r#"{"tokenType":"Bearer"}"#),
        (ParseErrorKind::Missing { grant: None }, Some("accessToken"))
    );
    assert_eq!(
        error_of(r#"{"accessToken":null}"#),
        (ParseErrorKind::Missing { grant: None }, Some("accessToken"))
    );
    assert_eq!(
        error_of(r#"{"accessToken":5}"#),
        (
            ParseErrorKind::Syntax(Syntax::ExpectedString),
            Some("accessToken")
        )
    );
    assert_eq!(
        error_of(r#"{"accessToken":"a","expiresIn":"3600"}"#).1,
        Some("expiresIn")
    );
    assert_eq!(
        error_of(r#"{"accessToken":"a","expiresIn":3600.5}"#).1,
        Some("expiresIn")
    );
    // A whole number written with a fraction or an exponent is read as the
    // SDK reads it (a lossless float); a fraction is not.
    for written in ["3600.0", "3.6e3", "36E2", "3600e0", "360000e-2"] {
        let body = format!(r#"{{"accessToken":"a","expiresIn":{written}}}"#);
        let ours = ssooidc_token::CreateTokenWithIamResponse::from_json(body.as_bytes()).unwrap();
        assert_eq!(
            ours.expires_in(),
            Some(std::time::Duration::from_secs(3600)),
            "{written}"
        );
    }
    for beyond in ["3.6e9", "1e400", "-1e400"] {
        assert_eq!(
            error_of(&format!(r#"{{"accessToken":"a","expiresIn":{beyond}}}"#)),
            (
                ParseErrorKind::Syntax(Syntax::IntegerOutOfRange),
                Some("expiresIn")
            ),
            "{beyond}"
        );
    }
    assert_eq!(
        error_of(r#"{"accessToken":"a","expiresIn":99999999999}"#),
        (
            ParseErrorKind::Syntax(Syntax::IntegerOutOfRange),
            Some("expiresIn")
        )
    );
    assert_eq!(
        error_of(r#"{"accessToken":"a","scope":"openid"}"#).1,
        Some("scope")
    );
    assert_eq!(
        error_of(r#"{"accessToken":"a","scope":["openid",1]}"#).1,
        Some("scope")
    );
    assert_eq!(
        error_of(r#"{"accessToken":"a","awsAdditionalDetails":{"identityContext":1}}"#).1,
        Some("identityContext")
    );
    assert_eq!(
        error_of(r#"{"accessToken":"a","accessToken":"b"}"#),
        (ParseErrorKind::Duplicate, Some("accessToken"))
    );
    let err = CreateTokenWithIamResponse::from_json(br#"{"accessToken":5}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "member `accessToken`: expected a string (at byte 15)"
    );
}

#[test]
fn syntax_errors_carry_an_offset() {
    for (body, syntax) in [
        ("", Syntax::ExpectedObject),
        ("[]", Syntax::ExpectedObject),
        (r#"{"accessToken":"a"} x"#, Syntax::TrailingCharacters),
        (r#"{"accessToken" "a"}"#, Syntax::ExpectedColon),
        (r#"{"accessToken":"a""#, Syntax::ExpectedCommaOrEnd),
        (r#"{"accessToken":"a"#, Syntax::UnterminatedString),
        (r#"{"accessToken":"a\x"}"#, Syntax::InvalidEscape),
        (r#"{"accessToken":"\ud800"}"#, Syntax::LoneSurrogate),
        (r#"{"accessToken":"\udc00\ud800"}"#, Syntax::LoneSurrogate),
        ("{\"accessToken\":\"a\nb\"}", Syntax::ControlCharacter),
        (r#"{"x":01,"accessToken":"a"}"#, Syntax::ExpectedCommaOrEnd),
        (r#"{"x":-,"accessToken":"a"}"#, Syntax::InvalidNumber),
        (r#"{"x":tru,"accessToken":"a"}"#, Syntax::ExpectedValue),
        (r#"{,}"#, Syntax::ExpectedKey),
    ] {
        let err = CreateTokenWithIamResponse::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(
            err.kind(),
            &ParseErrorKind::Syntax(syntax),
            "{body:?}: {err}"
        );
        assert!(err.offset().is_some());
    }
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let err = CreateTokenWithIamResponse::from_json(deep.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::Syntax(Syntax::TooDeep));
    let invalid_utf8 = b"{\"accessToken\":\"a\xff\"}";
    let err = CreateTokenWithIamResponse::from_json(invalid_utf8).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::Syntax(Syntax::InvalidUtf8));
}

#[test]
fn debug_redacts_response_secrets() {
    let r = CreateTokenWithIamResponse::from_json(FULL.as_bytes()).unwrap();
    let text = format!("{r:?}");
    // The identity context is a secret too (it asserts who the user is to STS).
    for secret in [
        "aoal-access",
        "aorv-refresh",
        "eyJhbGciOiJSUzI1NiJ9",
        "EXAMPLEIDENTITYCONTEXT",
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(text.contains("REDACTED"));
}

#[test]
fn error_bodies_map_every_code() {
    let codes = [
        ("access_denied", ErrorCode::AccessDenied, false),
        (
            "authorization_pending",
            ErrorCode::AuthorizationPending,
            true,
        ),
        ("expired_token", ErrorCode::ExpiredToken, false),
        ("server_error", ErrorCode::ServerError, true),
        ("invalid_client", ErrorCode::InvalidClient, false),
        ("invalid_grant", ErrorCode::InvalidGrant, false),
        ("invalid_request", ErrorCode::InvalidRequest, false),
        ("invalid_scope", ErrorCode::InvalidScope, false),
        ("slow_down", ErrorCode::SlowDown, true),
        ("unauthorized_client", ErrorCode::UnauthorizedClient, false),
        (
            "unsupported_grant_type",
            ErrorCode::UnsupportedGrantType,
            false,
        ),
        (
            "a_future_code",
            ErrorCode::Unknown("a_future_code".into()),
            false,
        ),
    ];
    for (wire, code, retryable) in codes {
        let body = format!(r#"{{"error":"{wire}","error_description":"why"}}"#);
        let err = TokenError::from_json(400, body.as_bytes()).unwrap();
        assert_eq!(err.code(), &code);
        assert_eq!(err.code().as_str(), wire);
        assert_eq!(err.is_retryable(), retryable, "{wire}");
        assert_eq!(err.description(), Some("why"));
        assert_eq!(err.to_string(), format!("{wire} (HTTP 400): why"));
    }
}

/// AWS-style error bodies, as the SDK reads them: the code from `__type` or
/// `code` (namespace and `:` suffix dropped) when there is no `error`, the
/// message from `message`, `Message` or `errorMessage` (the last of them).
#[test]
fn aws_style_error_bodies_are_read_as_the_sdk_reads_them() {
    let err = TokenError::from_json(
        400,
        br#"{"__type":"com.amazonaws.ssooidc#AccessDeniedException","Message":"User: arn:aws:sts::123456789012:assumed-role/app/i is not authorized"}"#,
    )
    .unwrap();
    assert_eq!(err.code(), &ErrorCode::AccessDenied);
    assert_eq!(
        err.message(),
        Some("User: arn:aws:sts::123456789012:assumed-role/app/i is not authorized")
    );
    let err = TokenError::from_json(
        400,
        br#"{"code":"ThrottlingException","errorMessage":"Rate exceeded"}"#,
    )
    .unwrap();
    assert_eq!(
        err.code(),
        &ErrorCode::Unknown("ThrottlingException".into())
    );
    assert!(err.is_throttling() && err.is_retryable());
    assert_eq!(err.message(), Some("Rate exceeded"));
    // `error` wins over `__type`; of the message's spellings, the last one
    // present is kept (as the SDK keeps it).
    let err = TokenError::from_json(
        400,
        br#"{"__type":"SlowDownException","error":"invalid_grant","Message":"first","message":"second"}"#,
    )
    .unwrap();
    assert_eq!(err.code(), &ErrorCode::InvalidGrant);
    assert_eq!(err.message(), Some("second"));
    // `code` wins over `__type`, in either order.
    for body in [
        &br#"{"__type":"A#SlowDownException","code":"AccessDeniedException"}"#[..],
        br#"{"code":"AccessDeniedException","__type":"A#SlowDownException"}"#,
    ] {
        let err = TokenError::from_json(400, body).unwrap();
        assert_eq!(err.code(), &ErrorCode::AccessDenied);
    }
    // A `code`, `__type` or message that is not a string (`null` too) is
    // passed over, as the SDK passes it over: the rest of the body is read.
    for body in [
        &br#"{"error":"authorization_pending","code":null}"#[..],
        br#"{"code":null,"error":"authorization_pending","__type":null}"#,
        br#"{"error":"authorization_pending","code":400,"__type":{"a":[1]}}"#,
        br#"{"error":"authorization_pending","message":null,"Message":{"en":"x"},"errorMessage":[]}"#,
        br#"{"code":1,"__type":"AuthorizationPendingException"}"#,
    ] {
        let err = TokenError::from_json(400, body)
            .unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(body)));
        assert_eq!(err.code(), &ErrorCode::AuthorizationPending);
        assert_eq!(err.message(), None);
    }
    let err = TokenError::from_json(
        400,
        br#"{"error":"slow_down","error_description":"wait","Message":"m","message":null}"#,
    )
    .unwrap();
    assert_eq!(
        (err.description(), err.message()),
        (Some("wait"), Some("m"))
    );
    // Only a string names a code: a body with no other is not an error body.
    assert!(TokenError::from_json(400, br#"{"code":400,"__type":null}"#).is_err());
    // A repeated `code` or `__type` is refused as any repeated member is.
    assert!(TokenError::from_json(400, br#"{"code":"A","code":"B"}"#).is_err());
    assert!(TokenError::from_json(400, br#"{"__type":"A","__type":null}"#).is_err());
    assert!(TokenError::from_json(400, br#"{"__type":null,"__type":"A"}"#).is_err());
    assert!(TokenError::from_json(400, br#"{"error":"x","Message":1,"Message":"b"}"#).is_err());
    // A repeat of one spelling is refused as any repeated member is.
    assert!(TokenError::from_json(400, br#"{"error":"x","Message":"a","Message":"b"}"#).is_err());
    // Any code with a status the SDKs retry as transient is retryable.
    for status in [500, 502, 503, 504] {
        let err =
            TokenError::from_json(status, br#"{"__type":"ServiceUnavailableException"}"#).unwrap();
        assert!(err.is_retryable(), "{status}");
    }
    for status in [400, 403, 501] {
        let err =
            TokenError::from_json(status, br#"{"__type":"ServiceUnavailableException"}"#).unwrap();
        assert!(!err.is_retryable(), "{status}");
    }
    // Neither `error`, `__type` nor `code`: not an error body.
    assert!(TokenError::from_json(400, br#"{"Message":"no code"}"#).is_err());
}

#[test]
fn region_exception_and_newer_members_are_kept() {
    let body = br#"{"error":"invalid_request","error_description":"wrong region","endpoint":"https://oidc.eu-west-1.amazonaws.com","region":"eu-west-1","reason":"KMS_AccessDeniedException","message":"m","__type":"InvalidRequestRegionException"}"#;
    let err = TokenError::from_json(400, body).unwrap();
    assert_eq!(err.endpoint(), Some("https://oidc.eu-west-1.amazonaws.com"));
    assert_eq!(err.region(), Some("eu-west-1"));
    assert_eq!(err.reason(), Some("KMS_AccessDeniedException"));
    assert_eq!(err.message(), Some("m"));
    assert_eq!(
        err.to_string(),
        "invalid_request (HTTP 400): wrong region (use region eu-west-1, endpoint https://oidc.eu-west-1.amazonaws.com)"
    );
    let err = TokenError::from_json(401, br#"{"error":"invalid_client"}"#).unwrap();
    assert_eq!((err.status(), err.description()), (401, None));
}

#[test]
fn non_oauth_bodies_are_clear_errors_carrying_the_status() {
    for (status, body) in [
        (502, &b"<html><body>Bad Gateway</body></html>"[..]),
        (500, b""),
        (400, br#"{"error":"invalid_gr"#),
        (400, br#"{"error_description":"no code"}"#),
        (403, br#"{"error":42}"#),
        (400, b"\xff\xfe"),
    ] {
        let err = TokenError::from_json(status, body).unwrap_err();
        assert_eq!(err.status(), status);
        assert_eq!(
            err.to_string(),
            format!("HTTP {status} response is not an OAuth error body")
        );
        let source = std::error::Error::source(&err).expect("the reason is the source");
        assert_eq!(source.to_string(), err.reason().to_string());
    }
}

proptest! {
    /// Whatever string serde_json writes (escaped its way), the reader decodes back.
    #[test]
    fn decodes_whatever_serde_json_encodes(s in any::<String>().prop_filter("an access token is not empty", |s| !s.is_empty())) {
        let body = format!(r#"{{"accessToken":{}}}"#, serde_json::to_string(&s).unwrap());
        let r = CreateTokenWithIamResponse::from_json(body.as_bytes()).unwrap();
        prop_assert_eq!(r.access_token().expose_secret(), s.as_str());
    }

    /// The same, with every character written as a `\u` escape (surrogate pairs
    /// for those outside the BMP).
    #[test]
    fn decodes_unicode_escapes(s in any::<String>().prop_filter("an access token is not empty", |s| !s.is_empty())) {
        let mut escaped = String::new();
        for unit in s.encode_utf16() {
            escaped.push_str(&format!("\\u{unit:04X}"));
        }
        let body = format!(r#"{{"accessToken":"{escaped}"}}"#);
        let r = CreateTokenWithIamResponse::from_json(body.as_bytes()).unwrap();
        prop_assert_eq!(r.access_token().expose_secret(), s.as_str());
    }
}
