//! `Debug` of builders, requests, bodies and errors never shows a secret.

use ssooidc_token::{CreateToken, CreateTokenWithIam, TokenType};

const CANARY: &str = "CANARYc4ca4238a0b923820dcc";
const ARN: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-2";

fn verifier() -> String {
    format!("{CANARY}{}", "v".repeat(30))
}

fn jwt() -> String {
    format!("{CANARY}.{CANARY}.{CANARY}")
}

fn assert_redacted(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} leaks a secret: {text}");
    assert!(
        text.contains("REDACTED"),
        "{what} shows no redaction marker: {text}"
    );
}

#[test]
fn builders_at_every_stage_are_redacted() {
    let b = CreateTokenWithIam::authorization_code().code(CANARY);
    assert_redacted("partial builder", &format!("{b:?}"));
    let b = b
        .code_verifier(verifier())
        .client_id(ARN)
        .redirect_uri("https://a.example/cb");
    assert_redacted("complete builder", &format!("{b:?}"));
    let text = format!("{b:#?}");
    assert_redacted("pretty builder", &text);
    assert!(text.contains(ARN), "non-secret fields stay visible: {text}");

    let b = CreateTokenWithIam::refresh_token().refresh_token(CANARY);
    assert_redacted("refresh builder", &format!("{b:?}"));
    let b = CreateTokenWithIam::jwt_bearer().assertion(jwt());
    assert_redacted("jwt builder", &format!("{b:?}"));
    let b = CreateTokenWithIam::token_exchange().subject_token(CANARY);
    assert_redacted("exchange builder", &format!("{b:?}"));
    let b = CreateToken::authorization_code()
        .client_secret(CANARY)
        .code(CANARY)
        .code_verifier(verifier());
    assert_redacted("public code builder", &format!("{b:?}"));
    let b = CreateToken::device_code()
        .client_secret(CANARY)
        .device_code(CANARY);
    assert_redacted("device builder", &format!("{b:?}"));
    let b = CreateToken::refresh_token()
        .client_secret(CANARY)
        .refresh_token(CANARY);
    assert_redacted("public refresh builder", &format!("{b:?}"));
}

#[test]
fn requests_and_bodies_are_redacted() {
    let texts = [
        {
            let r = CreateTokenWithIam::authorization_code()
                .client_id(ARN)
                .code(CANARY)
                .code_verifier(verifier())
                .redirect_uri("https://a.example/cb")
                .build()
                .unwrap();
            [
                format!("{r:?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.code()),
            ]
        },
        {
            let r = CreateTokenWithIam::refresh_token()
                .client_id(ARN)
                .refresh_token(CANARY)
                .build()
                .unwrap();
            [
                format!("{r:#?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.refresh_token()),
            ]
        },
        {
            let r = CreateTokenWithIam::jwt_bearer()
                .client_id(ARN)
                .assertion(jwt())
                .build()
                .unwrap();
            [
                format!("{r:?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.assertion()),
            ]
        },
        {
            let r = CreateTokenWithIam::token_exchange()
                .client_id(ARN)
                .subject_token(CANARY)
                .subject_token_type(TokenType::AccessToken)
                .build()
                .unwrap();
            [
                format!("{r:?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.subject_token()),
            ]
        },
        {
            let r = CreateToken::authorization_code()
                .client_id(ARN)
                .client_secret(CANARY)
                .code(CANARY)
                .redirect_uri("https://a.example/cb")
                .build()
                .unwrap();
            [
                format!("{r:?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.client_secret()),
            ]
        },
        {
            let r = CreateToken::device_code()
                .client_id(ARN)
                .client_secret(CANARY)
                .device_code(CANARY)
                .build()
                .unwrap();
            [
                format!("{r:?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.device_code()),
            ]
        },
        {
            let r = CreateToken::refresh_token()
                .client_id(ARN)
                .client_secret(CANARY)
                .refresh_token(CANARY)
                .build()
                .unwrap();
            [
                format!("{r:?}"),
                format!("{:?}", r.to_json()),
                format!("{:?}", r.refresh_token()),
            ]
        },
    ];
    for text in texts.iter().flatten() {
        assert_redacted("request", text);
    }
    // The request's Debug still says what it is.
    assert!(
        texts[0][0].contains("CreateTokenWithIam") && texts[0][0].contains("authorization_code")
    );
}

#[cfg(feature = "sigv4")]
#[test]
fn signed_requests_and_credentials_are_redacted() {
    use ssooidc_token::{Endpoint, SigningCredentials};
    let credentials = SigningCredentials::new("AKIDEXAMPLE", CANARY).with_session_token(CANARY);
    assert_redacted("credentials", &format!("{credentials:?}"));
    let request = CreateTokenWithIam::refresh_token()
        .client_id(ARN)
        .refresh_token(CANARY)
        .build()
        .unwrap();
    let signed = request
        .to_signed_http(
            &Endpoint::new("us-east-1").unwrap(),
            &credentials,
            std::time::SystemTime::now(),
        )
        .unwrap();
    // The session token header is marked sensitive, so `http` hides it from Debug.
    let token = &signed.headers()["x-amz-security-token"];
    assert!(token.is_sensitive());
    assert!(!format!("{:?}", signed.headers()).contains("CANARY"));
    assert_redacted("signed request", &format!("{signed:?}"));
}

/// A refusal's texts are the service's: shown, but with control characters
/// escaped, so that an answer cannot forge log lines (a line break, a
/// terminal escape, a right-to-left override).
#[test]
fn a_refusals_texts_are_shown_with_control_characters_escaped() {
    use ssooidc_token::CreateTokenWithIamResponse;
    let forged = "bad\\n[INFO] login ok\\u001b[2J\\u202e";
    let escaped = "bad\\n[INFO] login ok\\u{1b}[2J\\u{202e}";
    let body = format!(r#"{{"error":"invalid_grant\n","error_description":"{forged}"}}"#)
        .replace("\n\"", "\\n\"");
    let err = CreateTokenWithIamResponse::from_http(400, body.as_bytes()).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains(escaped), "{shown}");
    assert!(shown.contains("invalid_grant\\n"), "{shown}");
    assert!(!shown.contains(['\n', '\u{1b}', '\u{202e}']), "{shown:?}");

    #[cfg(feature = "sts")]
    {
        let body = "<ErrorResponse><Error><Code>AccessDenied&#10;x</Code>\
                    <Message>no&#10;[INFO] ok&#x85;&#x202E;</Message></Error></ErrorResponse>";
        let err = ssooidc_token::sts::StsError::from_xml(403, body.as_bytes()).unwrap();
        let shown = err.to_string();
        assert!(
            shown.contains("AccessDenied\\nx") && shown.contains("no\\n[INFO] ok\\u{85}\\u{202e}"),
            "{shown}"
        );
        assert!(!shown.contains(['\n', '\u{85}', '\u{202e}']), "{shown:?}");
    }
}

/// AWS's signature refusals quote the canonical request they expected,
/// header values and all: the session token that signed is in it. The quote
/// is cut as it is read (and wiped), so neither `Display`, `Debug` nor the
/// accessors show it; the rest of the message is kept.
#[test]
fn a_signature_refusal_quoting_the_signed_request_shows_no_session_token() {
    use ssooidc_token::CreateTokenWithIamResponse;
    let quote = format!(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method.\\n\\nThe Canonical String for \
         this request should have been\\n'POST\\n/token\\n\\nhost:oidc.us-east-1.amazonaws.com\\n\
         x-amz-date:20261203T120000Z\\nx-amz-security-token:{CANARY}\\n'\\n\\nThe String-to-Sign \
         should have been\\n'AWS4-HMAC-SHA256\\n...'"
    );
    let kept = "The request signature we calculated does not match the signature you provided. \
                Check your AWS Secret Access Key and signing method.";
    for body in [
        format!(r#"{{"__type":"InvalidSignatureException","message":"{quote}"}}"#),
        format!(r#"{{"error":"invalid_request","error_description":"{quote}"}}"#),
    ] {
        let err = CreateTokenWithIamResponse::from_http(403, body.as_bytes()).unwrap_err();
        let (shown, debug) = (err.to_string(), format!("{err:?}"));
        for text in [&shown, &debug] {
            assert!(!text.contains(CANARY), "the session token is shown: {text}");
            assert!(!text.contains("Canonical String"), "{text}");
        }
        assert!(shown.contains(kept), "{shown}");
        assert!(
            shown.ends_with("[the service's quote of the signed request is withheld]"),
            "{shown}"
        );
        let refusal = err.token_error().unwrap();
        assert_eq!(
            refusal.message().or(refusal.description()),
            Some(kept),
            "{body}"
        );
    }

    #[cfg(feature = "sts")]
    {
        let body = format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>\
             <Message>{}</Message></Error></ErrorResponse>",
            quote.replace("\\n", "&#10;")
        );
        let err = ssooidc_token::sts::StsError::from_xml(403, body.as_bytes()).unwrap();
        let (shown, debug) = (err.to_string(), format!("{err:?}"));
        for text in [&shown, &debug] {
            assert!(!text.contains(CANARY), "the session token is shown: {text}");
        }
        assert_eq!(err.message(), Some(kept));
        assert!(shown.contains("withheld"), "{shown}");
    }
}

/// `AssumeRole`'s secrets (the identity context, the external ID, the MFA code)
/// show in no `Debug`, at any stage of the builder or on the request.
#[cfg(feature = "sts")]
#[test]
fn assume_role_is_redacted() {
    use ssooidc_token::sts::{AssumeRole, IdentityContext};
    let builder = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .role_session_name("alice")
        .identity_context(IdentityContext::new(CANARY).unwrap())
        .external_id(CANARY)
        .mfa("arn:aws:iam::123456789012:mfa/alice", "731902");
    let text = format!("{builder:?}");
    assert_redacted("AssumeRole builder", &text);
    assert!(!text.contains("731902"), "{text}");
    assert!(
        text.contains("mfa/alice"),
        "the serial number shows: {text}"
    );
    let request = builder.build().unwrap();
    for text in [
        format!("{request:?}"),
        format!("{request:#?}"),
        format!("{:?}", request.mfa()),
        format!("{:?}", request.external_id()),
        format!("{:?}", request.to_form()),
    ] {
        assert_redacted("AssumeRole request", &text);
        assert!(!text.contains("731902"), "{text}");
    }
}
