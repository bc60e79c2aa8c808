//! Bad input to the STS side: the XML readers and the ID-token decoder answer
//! with an error naming the element or the problem, never panic, never echo.
#![cfg(feature = "sts")]

use proptest::prelude::*;
use ssooidc_token::sts::{
    AssumeRole, AssumeRoleResponse, IdentityContext, IdentityContextError, StsError,
};
use ssooidc_token::{BuildError, ExposeSecret, ParseErrorKind, Rule, Syntax};

const GOOD: &str = "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>SECRETxKEYxVALUE</SecretAccessKey><SessionToken>TOKENxVALUExHERE</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><PackedPolicySize>7</PackedPolicySize><SourceIdentity>alice</SourceIdentity></AssumeRoleResult></AssumeRoleResponse>";

fn refused(xml: &str) -> ssooidc_token::ParseError {
    let err = AssumeRoleResponse::from_xml(xml.as_bytes()).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("SECRETx") && !shown.contains("TOKENx"),
        "{shown}"
    );
    err
}

#[test]
fn a_good_answer_reads_every_member() {
    let r = AssumeRoleResponse::from_xml(GOOD.as_bytes()).unwrap();
    assert_eq!(r.credentials().access_key_id(), "ASIAEXAMPLE");
    assert_eq!(
        r.credentials().secret_access_key().expose_secret(),
        "SECRETxKEYxVALUE"
    );
    assert_eq!(r.packed_policy_size(), Some(7));
    assert_eq!(r.source_identity(), Some("alice"));
    assert_eq!(r.assumed_role_id(), "AROA:s");
    // Whitespace, comments, a declaration and unknown elements are fine.
    let spaced = GOOD
        .replace("<Credentials>", "<Credentials>\n  <!-- c --><Unknown><Deep>x</Deep></Unknown>\n  ")
        .replace("<AssumeRoleResponse>", "<?xml version=\"1.0\"?>\n<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">");
    assert!(AssumeRoleResponse::from_xml(spaced.as_bytes()).is_ok());
}

#[test]
fn each_broken_answer_gets_its_own_error() {
    let missing = refused(&GOOD.replace("<Expiration>2030-01-01T00:00:00Z</Expiration>", ""));
    assert_eq!(missing.member(), Some("Expiration"));
    assert!(matches!(missing.kind(), ParseErrorKind::Missing { .. }));

    let missing_key =
        refused(&GOOD.replace("<SecretAccessKey>SECRETxKEYxVALUE</SecretAccessKey>", ""));
    assert_eq!(missing_key.member(), Some("SecretAccessKey"));

    let twice = refused(&GOOD.replace(
        "</SessionToken>",
        "</SessionToken><SessionToken>TOKENxTWO</SessionToken>",
    ));
    assert_eq!(twice.member(), Some("SessionToken"));
    assert_eq!(twice.kind(), &ParseErrorKind::Duplicate);

    let time = refused(&GOOD.replace("2030-01-01T00:00:00Z", "tomorrow"));
    assert_eq!(
        time.kind(),
        &ParseErrorKind::Syntax(Syntax::InvalidTimestamp)
    );

    let entity = refused(&GOOD.replace("SECRETxKEYxVALUE", "SECRETxKEY&bogus;"));
    assert_eq!(
        entity.kind(),
        &ParseErrorKind::Syntax(Syntax::InvalidXmlReference)
    );
    assert_eq!(entity.member(), Some("SecretAccessKey"));

    let child = refused(&GOOD.replace("SECRETxKEYxVALUE", "SECRETx<b>KEY</b>"));
    assert_eq!(
        child.kind(),
        &ParseErrorKind::Syntax(Syntax::UnexpectedElement)
    );

    let truncated = refused(&GOOD[..GOOD.len() / 2]);
    assert_eq!(
        truncated.kind(),
        &ParseErrorKind::Syntax(Syntax::InvalidXml)
    );

    let mismatched = refused(&GOOD.replace("</SessionToken>", "</SessionTokenX>"));
    assert_eq!(
        mismatched.kind(),
        &ParseErrorKind::Syntax(Syntax::InvalidXml)
    );

    let size = refused(&GOOD.replace(">7<", ">seven<"));
    assert_eq!(size.member(), Some("PackedPolicySize"));
    // ASCII white space around a number is let through (as around a time);
    // other white space (an em space) is not.
    assert!(AssumeRoleResponse::from_xml(GOOD.replace(">7<", ">\n 7 <").as_bytes()).is_ok());
    let spaced = refused(&GOOD.replace(">7<", ">&#x2003;7<"));
    assert_eq!(spaced.member(), Some("PackedPolicySize"));

    let nested = format!("{}{GOOD}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert_eq!(
        refused(&nested).kind(),
        &ParseErrorKind::Syntax(Syntax::TooDeep)
    );

    assert!(AssumeRoleResponse::from_xml(b"").is_err());
    assert!(AssumeRoleResponse::from_xml(b"<html>Bad Gateway</html>").is_err());
    assert!(AssumeRoleResponse::from_xml(&[0xff, 0xfe, b'<']).is_err());
    let mut non_utf8 = GOOD.as_bytes().to_vec();
    let at = GOOD.find("SECRETxKEY").unwrap();
    non_utf8[at] = 0xff;
    let err = AssumeRoleResponse::from_xml(&non_utf8).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::Syntax(Syntax::InvalidUtf8));
    assert_eq!(err.member(), Some("SecretAccessKey"));
}

#[test]
fn sts_error_bodies_and_non_error_bodies() {
    let err = StsError::from_xml(400, b"<ErrorResponse><Error><Type>Sender</Type><Code>RegionDisabledException</Code></Error></ErrorResponse>").unwrap();
    assert_eq!(err.error_type(), Some("Sender"));
    assert!(err.hint().unwrap().contains("region"));
    assert_eq!(err.message(), None);
    for code in [
        "ExpiredToken",
        "PackedPolicyTooLarge",
        "MalformedPolicyDocument",
        "InvalidParameterValue",
    ] {
        let body = format!("<ErrorResponse><Error><Code>{code}</Code></Error></ErrorResponse>");
        assert!(
            StsError::from_xml(400, body.as_bytes())
                .unwrap()
                .hint()
                .is_some(),
            "{code}"
        );
    }
    let throttled = StsError::from_xml(
        400,
        b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>",
    )
    .unwrap();
    assert!(throttled.is_retryable() && throttled.hint().is_none());
    let unavailable = StsError::from_xml(
        503,
        b"<ErrorResponse><Error><Code>Whatever</Code></Error></ErrorResponse>",
    )
    .unwrap();
    assert!(unavailable.is_retryable());
    for body in [
        &b"<html>502 Bad Gateway</html>"[..],
        b"",
        b"<ErrorResponse><Error></Error></ErrorResponse>",
        // A code that names nothing, however the empty element is written.
        b"<ErrorResponse><Error><Code/></Error></ErrorResponse>",
        b"<ErrorResponse><Error><Code></Code></Error></ErrorResponse>",
        b"{\"error\":\"x\"}",
    ] {
        let unexpected = StsError::from_xml(502, body).unwrap_err();
        assert_eq!(unexpected.status(), 502);
    }
}

#[test]
fn id_token_problems_each_have_their_own_error() {
    use base64_free::encode;
    let token = |payload: &str| format!("eyJhbGciOiJub25lIn0.{}.c2ln", encode(payload.as_bytes()));
    assert_eq!(
        IdentityContext::from_id_token("not-a-jwt").unwrap_err(),
        IdentityContextError::MalformedIdToken
    );
    assert_eq!(
        IdentityContext::from_id_token("a.b+c.d").unwrap_err(),
        IdentityContextError::MalformedIdToken
    );
    assert_eq!(
        IdentityContext::from_id_token("a.b.c.d.e").unwrap_err(),
        IdentityContextError::MalformedIdToken
    );
    assert!(matches!(
        IdentityContext::from_id_token(&token("[1,2]")).unwrap_err(),
        IdentityContextError::PayloadNotJson(_)
    ));
    assert!(matches!(
        IdentityContext::from_id_token(&token("{\"a\":")).unwrap_err(),
        IdentityContextError::PayloadNotJson(_)
    ));
    assert_eq!(
        IdentityContext::from_id_token(&token(r#"{"sts:identity_context":42}"#)).unwrap_err(),
        IdentityContextError::ClaimNotString
    );
    assert_eq!(
        IdentityContext::from_id_token(&token(r#"{"sub":"alice"}"#)).unwrap_err(),
        IdentityContextError::Missing
    );
    assert_eq!(
        IdentityContext::from_id_token(&token(r#"{"sts:identity_context":"abc"}"#)).unwrap_err(),
        IdentityContextError::Length { len: 3 }
    );
    let ok =
        IdentityContext::from_id_token(&token(r#"{"sts:identity_context":"ab\/cd"}"#)).unwrap();
    assert_eq!(ok.expose_secret(), "ab/cd");
    let missing = IdentityContextError::Missing.to_string();
    assert!(
        missing.contains("sts:identity_context") && missing.contains("no scope"),
        "{missing}"
    );
    assert_eq!(
        IdentityContext::new("x".repeat(2_049)).unwrap_err(),
        IdentityContextError::Length { len: 2_049 }
    );
    assert!(IdentityContext::new("é".repeat(2_048)).is_ok());
}

/// Each problem of `err`: field, index, rule.
fn problems(err: &BuildError) -> Vec<(&'static str, Option<usize>, Rule)> {
    err.problems()
        .iter()
        .map(|p| (p.field(), p.index(), *p.rule()))
        .collect()
}

#[test]
fn assume_role_rules_are_checked_and_every_problem_named() {
    let err = AssumeRole::builder()
        .role_arn("arn:aws:iam:aws::contextProvider/IdentityCenter")
        .role_session_name("a")
        .identity_context(IdentityContext::new("ctx-value").unwrap())
        .duration_seconds(60)
        .policy("")
        .policy_arn("not-an-arn")
        .source_identity("aws:me")
        .tag("", "v")
        .tag("k", "bad\u{0}value")
        .tag("K", "dup")
        .build()
        .unwrap_err();
    let found = problems(&err);
    assert_eq!(
        found,
        [
            ("role_arn", None, Rule::RoleArn),
            ("role_session_name", None, Rule::SessionName),
            ("duration_seconds", None, Rule::DurationSeconds),
            ("policy", None, Rule::SessionPolicy),
            ("policy_arn", Some(0), Rule::PolicyArn),
            ("source_identity", None, Rule::SourceIdentity),
            ("tag", Some(0), Rule::TagKey),
            ("tag", Some(1), Rule::TagValue),
            ("tag", Some(2), Rule::DuplicateTagKey),
        ]
    );
    assert!(!err.to_string().contains("ctx-value"));
    let mut many = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .role_session_name("alice")
        .identity_context(IdentityContext::new("ctx-value").unwrap());
    for i in 0..11 {
        many = many.policy_arn(format!("arn:aws:iam::aws:policy/P{i:02}xxxx"));
    }
    for i in 0..51 {
        many = many.tag(format!("k{i}"), "v");
    }
    let err = many.build().unwrap_err();
    let rules: Vec<_> = err.problems().iter().map(|p| *p.rule()).collect();
    assert_eq!(rules, [Rule::TooManyPolicyArns, Rule::TooManyTags]);
}

/// The members the SDK's `AssumeRole` has beside the identity context: each
/// checked against STS's pattern and length, every problem named, and neither
/// the external ID nor the MFA code ever in the error.
#[test]
fn external_id_mfa_transitive_keys_and_token_size_rules() {
    let builder = || {
        AssumeRole::builder()
            .role_arn("arn:aws:iam::123456789012:role/app")
            .role_session_name("alice")
            .identity_context(IdentityContext::new("ctx-value").unwrap())
    };
    let good = builder()
        .tag("team", "blue")
        .transitive_tag_key("team")
        .external_id("Ext:id/with+all=the,.@_-chars")
        .mfa("arn:aws:iam::123456789012:mfa/alice", "012345")
        .minimum_session_token_size(4_096)
        .build();
    assert!(good.is_ok(), "{good:?}");
    // At the limits: 2 and 1,224 characters, a 9-character serial number, 0.
    assert!(builder()
        .external_id("ab")
        .mfa("GAHT12345", "999999")
        .minimum_session_token_size(0)
        .build()
        .is_ok());
    assert!(builder().external_id("x".repeat(1_224)).build().is_ok());
    assert!(builder()
        .mfa(format!("arn:{}", "m".repeat(252)), "000000")
        .build()
        .is_ok());

    let err = builder()
        .transitive_tag_key("")
        .transitive_tag_key("ok")
        .transitive_tag_key("bad\u{0}key")
        .external_id("SECRETxEXTERNAL id")
        .mfa("GAHT1234", "12345x")
        .minimum_session_token_size(4_097)
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("transitive_tag_key", Some(0), Rule::TagKey),
            ("transitive_tag_key", Some(2), Rule::TagKey),
            ("external_id", None, Rule::ExternalId),
            ("mfa", None, Rule::MfaSerialNumber),
            ("mfa", None, Rule::MfaTokenCode),
            (
                "minimum_session_token_size",
                None,
                Rule::MinimumSessionTokenSize
            ),
        ]
    );
    let shown = format!("{err} {err:?}");
    for secret in ["SECRETxEXTERNAL", "12345x"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("token code must be six digits"), "{shown}");
    assert!(
        shown.contains("must be 2 to 1,224 characters of A-Z a-z 0-9"),
        "{shown}"
    );

    // Lengths: an external ID of 1 and 1,225 characters, a serial number of 257,
    // a code of 5 and 7 digits, non-ASCII digits.
    for (external_id, serial, code, rules) in [
        ("a", "GAHT12345", "123456", vec![Rule::ExternalId]),
        (
            &*"x".repeat(1_225),
            "GAHT12345",
            "123456",
            vec![Rule::ExternalId],
        ),
        (
            "ab",
            &*"s".repeat(257),
            "123456",
            vec![Rule::MfaSerialNumber],
        ),
        ("ab", "GAHT12345", "12345", vec![Rule::MfaTokenCode]),
        ("ab", "GAHT12345", "1234567", vec![Rule::MfaTokenCode]),
        ("ab", "GAHT12345", "١٢٣٤٥٦", vec![Rule::MfaTokenCode]),
        (
            "é€",
            "GAHT 12345",
            "123456",
            vec![Rule::ExternalId, Rule::MfaSerialNumber],
        ),
    ] {
        let err = builder()
            .external_id(external_id)
            .mfa(serial, code)
            .build()
            .unwrap_err();
        let found: Vec<_> = err.problems().iter().map(|p| *p.rule()).collect();
        assert_eq!(found, rules, "{external_id:?} {serial:?} {code:?}");
    }

    let mut many = builder();
    for i in 0..51 {
        many = many
            .tag(format!("k{i}"), "v")
            .transitive_tag_key(format!("k{i}"));
    }
    let rules: Vec<_> = many
        .build()
        .unwrap_err()
        .problems()
        .iter()
        .map(|p| *p.rule())
        .collect();
    assert_eq!(rules, [Rule::TooManyTags, Rule::TooManyTransitiveTagKeys]);
}

/// STS limits the inline policy and the managed policies' ARNs together to
/// 2,048 characters: each can be within its own limit and the two too long.
/// Tag keys repeat ignoring case, Unicode case included.
#[test]
fn the_session_policies_together_and_tag_keys_in_any_case() {
    let builder = || {
        AssumeRole::builder()
            .role_arn("arn:aws:iam::123456789012:role/app")
            .role_session_name("alice")
            .identity_context(IdentityContext::new("ctx-value").unwrap())
    };
    let arn = "arn:aws:iam::123456789012:policy/forty-characters-long-x";
    assert_eq!(arn.len(), 56);
    // 1,992 + 56 = 2,048: at the limit.
    let fits = builder().policy("p".repeat(1_992)).policy_arn(arn).build();
    assert!(fits.is_ok(), "{fits:?}");
    let err = builder()
        .policy("p".repeat(1_993))
        .policy_arn(arn)
        .build()
        .unwrap_err();
    let found = problems(&err);
    assert_eq!(found, [("policy", None, Rule::SessionPoliciesTotal)]);
    assert!(
        err.to_string()
            .contains("(policy and policy_arns together) must be at most 2,048"),
        "{err}"
    );
    // Characters, not bytes: 1,992 two-byte characters and the ARN fit.
    assert!(builder()
        .policy("é".repeat(1_992))
        .policy_arn(arn)
        .build()
        .is_ok());
    // A policy too long on its own is reported as that, once.
    let err = builder()
        .policy("p".repeat(2_049))
        .policy_arn(arn)
        .build()
        .unwrap_err();
    let rules: Vec<_> = err.problems().iter().map(|p| *p.rule()).collect();
    assert_eq!(rules, [Rule::SessionPolicy]);
    // Without a policy, the ARNs alone: named as theirs.
    let mut arns = builder();
    for i in 0..10 {
        arns = arns.policy_arn(format!(
            "arn:aws:iam::123456789012:policy/{i}{}",
            "x".repeat(180)
        ));
    }
    let err = arns.build().unwrap_err();
    assert_eq!(
        problems(&err),
        [("policy_arn", None, Rule::SessionPoliciesTotal)]
    );

    let err = builder()
        .tag("Équipe", "a")
        .tag("équipe", "b")
        .tag("Team", "c")
        .tag("TEAM", "d")
        .tag("team2", "e")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("tag", Some(1), Rule::DuplicateTagKey),
            ("tag", Some(3), Rule::DuplicateTagKey)
        ]
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = AssumeRoleResponse::from_xml(&bytes);
        let _ = StsError::from_xml(400, &bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = IdentityContext::from_id_token(text);
        }
    }

    #[test]
    fn mutated_answers_never_panic_or_echo(at in 0..GOOD.len(), insert in "[<>&;#x/a-z!\\[\\]CDAT ]{0,12}", cut in 0..40usize) {
        let mut text = GOOD.as_bytes().to_vec();
        let end = (at + cut).min(text.len());
        text.splice(at..end, insert.bytes());
        if let Err(err) = AssumeRoleResponse::from_xml(&text) {
            let shown = format!("{err} {err:?}");
            prop_assert!(!shown.contains("SECRETx") && !shown.contains("TOKENx"));
        }
    }

    #[test]
    fn arbitrary_id_tokens_never_panic(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,40}", 0..6)) {
        let token = parts.join(".");
        if let Err(err) = IdentityContext::from_id_token(&token) {
            prop_assert!(token.len() < 12 || !err.to_string().contains(&token));
        }
    }
}

/// Base64url without padding, for building test tokens.
mod base64_free {
    pub fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let mut word = 0u32;
            for (i, &b) in chunk.iter().enumerate() {
                word |= u32::from(b) << (16 - 8 * i);
            }
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((word >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }
}

/// A comment inside a value is not part of it.
#[test]
fn a_comment_inside_a_value_is_skipped() {
    let commented = GOOD.replace("TOKENxVALUExHERE", "TOKENx<!-- a comment -->VALUExHERE");
    let r = AssumeRoleResponse::from_xml(commented.as_bytes()).unwrap();
    assert_eq!(
        r.credentials().session_token().expose_secret(),
        "TOKENxVALUExHERE"
    );
    let unclosed = GOOD.replace("TOKENxVALUExHERE", "TOKENx<!-- never closed");
    assert!(AssumeRoleResponse::from_xml(unclosed.as_bytes()).is_err());
}

/// A UTF-8 byte-order mark before the root shifts nothing.
#[test]
fn a_byte_order_mark_is_skipped() {
    let with_bom = format!("\u{feff}{GOOD}");
    let r = AssumeRoleResponse::from_xml(with_bom.as_bytes()).unwrap();
    assert_eq!(
        r.credentials().secret_access_key().expose_secret(),
        "SECRETxKEYxVALUE"
    );
    assert_eq!(r.credentials().access_key_id(), "ASIAEXAMPLE");
    let err = StsError::from_xml(
        403,
        "\u{feff}<ErrorResponse><Error><Code>AccessDenied</Code><Message>hello world</Message></Error></ErrorResponse>".as_bytes(),
    )
    .unwrap();
    assert_eq!(
        (err.code(), err.message()),
        ("AccessDenied", Some("hello world"))
    );
    // Offsets in errors still point into the body as received.
    let broken = format!("\u{feff}{}", GOOD.replace("2030-01-01T00:00:00Z", "x"));
    let err = AssumeRoleResponse::from_xml(broken.as_bytes()).unwrap_err();
    let at = broken.find("<Expiration>").unwrap() + "<Expiration>".len();
    assert_eq!(err.offset(), Some(at));
}
