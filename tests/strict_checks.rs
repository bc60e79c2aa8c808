//! The content checks, neither too loose nor too strict: each case here was
//! accepted, refused, or refused with the wrong words before.

use ssooidc_token::{CreateToken, CreateTokenWithIam, Problem, Rule, TokenType};

fn problems(err: &ssooidc_token::BuildError) -> Vec<(&'static str, Option<usize>, Rule)> {
    err.problems()
        .iter()
        .map(|p: &Problem| (p.field(), p.index(), *p.rule()))
        .collect()
}

#[test]
fn a_token_with_whitespace_or_a_bearer_prefix_gets_its_own_message() {
    for (value, rule, words) in [
        (
            "a.b.c\n",
            Rule::TrailingWhitespace,
            "has trailing whitespace",
        ),
        (
            "a.b.c ",
            Rule::TrailingWhitespace,
            "has trailing whitespace",
        ),
        (" a.b.c", Rule::LeadingWhitespace, "has leading whitespace"),
        ("\ta.b.c", Rule::LeadingWhitespace, "has leading whitespace"),
        ("Bearer a.b.c", Rule::BearerPrefix, "starts with `Bearer `"),
        ("bearer a.b.c", Rule::BearerPrefix, "starts with `Bearer `"),
    ] {
        let err = CreateTokenWithIam::jwt_bearer()
            .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
            .assertion(value)
            .build()
            .unwrap_err();
        assert_eq!(problems(&err), [("assertion", None, rule)], "{value:?}");
        assert!(err.to_string().contains(words), "{err}");
        let err = CreateTokenWithIam::token_exchange()
            .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
            .subject_token(value)
            .subject_token_type(TokenType::AccessToken)
            .build()
            .unwrap_err();
        assert_eq!(problems(&err), [("subject_token", None, rule)], "{value:?}");
    }
}

#[test]
fn redirect_uris_hold_only_uri_characters_and_no_browser_scheme() {
    for (uri, rule) in [
        ("https://app.example/cb?<x>", Rule::AbsoluteUri),
        ("https://app.example/\"cb\"", Rule::AbsoluteUri),
        ("https://app.example/caf\u{e9}", Rule::AbsoluteUri),
        ("https://app.example/a b", Rule::AbsoluteUri),
        ("https://app.example/%zz", Rule::AbsoluteUri),
        ("https://app.example/{x}", Rule::AbsoluteUri),
        ("javascript:alert(1)", Rule::UnsafeScheme),
        ("JavaScript:alert(1)", Rule::UnsafeScheme),
        ("data:text/html,x", Rule::UnsafeScheme),
        ("vbscript:x", Rule::UnsafeScheme),
    ] {
        let err = CreateTokenWithIam::authorization_code()
            .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
            .code("c")
            .redirect_uri(uri)
            .build()
            .unwrap_err();
        assert_eq!(problems(&err), [("redirect_uri", None, rule)], "{uri}");
    }
    for uri in [
        "https://app.example/cb?x=%C3%A9&y=1",
        "com.example.app:/oauth2redirect",
        "https://[2001:db8::1]:8443/cb",
    ] {
        CreateTokenWithIam::authorization_code()
            .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
            .code("c")
            .redirect_uri(uri)
            .build()
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
    }
}

/// A public client's redirect URI follows one rule wherever it is given: at
/// registration, in the authorize URL, and in `CreateToken`.
mod public_redirect_uri {
    use super::*;

    const REFUSED: &[&str] = &[
        "http://[::1]evil.example/cb",
        "http://127.0.0.1evil.example/cb",
        "http://127.0.0.1:/cb",
        "http://127.0.0.1:80x/cb",
        "http://localhost:8400/cb",
        "http://localhost/cb",
        "http://127.0.0.1@evil.example/cb",
        "http://evil.example@127.0.0.1/cb",
        "http://192.168.1.1/cb",
    ];
    const ACCEPTED: &[&str] = &[
        "http://127.0.0.1:8400/oauth/callback",
        "http://127.0.0.1/oauth/callback",
        "http://[::1]:8400/cb",
        "http://[::1]/cb",
        "https://app.example/cb",
        "com.example.app:/cb",
    ];

    fn create_token(uri: &str) -> Result<(), ssooidc_token::BuildError> {
        CreateToken::authorization_code()
            .client_id("c")
            .client_secret("s")
            .code("code")
            .redirect_uri(uri)
            .build()
            .map(drop)
    }

    #[test]
    fn create_token_refuses_what_registration_refuses() {
        for uri in REFUSED {
            let err = create_token(uri).unwrap_err();
            assert_eq!(
                problems(&err),
                [("redirect_uri", None, Rule::LoopbackHttp)],
                "{uri}"
            );
        }
        for uri in ACCEPTED {
            create_token(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        }
    }

    #[cfg(feature = "login")]
    #[test]
    fn register_client_and_authorize_url() {
        use ssooidc_token::login::{AuthorizeUrl, Pkce, RegisterClient};
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let register = |uri: &str| {
            RegisterClient::builder()
                .client_name("cli")
                .redirect_uri(uri)
                .build()
                .map(drop)
        };
        let authorize = |uri: &str| {
            AuthorizeUrl::builder()
                .region("us-east-1")
                .client_id("c")
                .redirect_uri(uri)
                .pkce(&pkce)
                .build()
                .map(drop)
        };
        for uri in REFUSED {
            let err = register(uri).unwrap_err();
            assert_eq!(
                problems(&err),
                [("redirect_uri", Some(0), Rule::LoopbackHttp)],
                "{uri}"
            );
            let err = authorize(uri).unwrap_err();
            assert_eq!(
                problems(&err),
                [("redirect_uri", None, Rule::LoopbackHttp)],
                "{uri}"
            );
        }
        for uri in ACCEPTED {
            register(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
            authorize(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        }
        // The authorization endpoint is opened in the browser: the same rule.
        for (endpoint, rule) in [
            ("javascript:alert(1)", Rule::UnsafeScheme),
            ("http://evil.example/authorize", Rule::LoopbackHttp),
            ("https://oidc.example/authorize#x", Rule::UriFragment),
        ] {
            let err = AuthorizeUrl::builder()
                .client_id("c")
                .redirect_uri("http://127.0.0.1/cb")
                .pkce(&pkce)
                .authorization_endpoint(endpoint)
                .build()
                .unwrap_err();
            assert_eq!(
                problems(&err),
                [("authorization_endpoint", None, rule)],
                "{endpoint}"
            );
        }
        // The region rule says lower-case, as it checks.
        let err = AuthorizeUrl::builder()
            .region("US-EAST-1")
            .client_id("c")
            .redirect_uri("http://127.0.0.1/cb")
            .pkce(&pkce)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("lower-case"), "{err}");
    }
}

#[test]
fn member_names_must_be_utf8_like_values() {
    use ssooidc_token::{CreateTokenResponse, ParseErrorKind, Syntax};
    for body in [
        &b"{\"accessToken\":\"a\",\"x\xff\":1}"[..],
        b"{\"\xc3\":\"v\",\"accessToken\":\"a\"}",
        b"{\"accessToken\":\"a\",\"unknown-and-long-member-name-\xe2\x82\":1}",
    ] {
        let err = CreateTokenResponse::from_json(body).unwrap_err();
        assert_eq!(
            err.kind(),
            &ParseErrorKind::Syntax(Syntax::InvalidUtf8),
            "{body:?}"
        );
    }
}

#[cfg(feature = "sts")]
#[test]
fn sts_tags_take_letters_not_every_alphabetic_character() {
    use ssooidc_token::sts::{AssumeRole, IdentityContext};
    let build = |key: &str, value: &str| {
        AssumeRole::builder()
            .role_arn("arn:aws:iam::123456789012:role/r")
            .role_session_name("session")
            .identity_context(IdentityContext::new("ctx-value").unwrap())
            .tag(key, value)
            .build()
    };
    for key in ["\u{24b6}", "a\u{345}", "a\u{93e}"] {
        let err = build(key, "v").unwrap_err();
        assert!(
            err.problems().iter().any(|p| *p.rule() == Rule::TagKey),
            "{key:?}: {err}"
        );
        let err = build("k", key).unwrap_err();
        assert!(
            err.problems().iter().any(|p| *p.rule() == Rule::TagValue),
            "{key:?}: {err}"
        );
    }
    for key in ["Projekt", "名前", "ǅx", "k 1_.:/=+-@"] {
        build(key, key).unwrap_or_else(|e| panic!("{key:?}: {e}"));
    }
}

#[cfg(feature = "sts")]
#[test]
fn sts_expiration_offsets_and_spaces() {
    use ssooidc_token::sts::AssumeRoleResponse;
    let answer = |expiration: &str| {
        format!(
            "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
             <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIA</AccessKeyId>\
             <SecretAccessKey>k</SecretAccessKey><SessionToken>t</SessionToken>\
             <Expiration>{expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
        )
    };
    for bad in [
        "2030-01-01T00:00:00+99:99",
        "2030-01-01T00:00:00+24:00",
        "\u{2003}2030-01-01T00:00:00Z",
        "2030-01-01T00:00:00Z\u{a0}",
    ] {
        let err = AssumeRoleResponse::from_xml(answer(bad).as_bytes()).unwrap_err();
        assert_eq!(
            (err.kind(), err.member()),
            (
                &ssooidc_token::ParseErrorKind::Syntax(ssooidc_token::Syntax::InvalidTimestamp),
                Some("Expiration")
            ),
            "{bad:?}"
        );
    }
    for good in ["2030-01-01T00:00:00Z", "\n  2030-01-01T01:00:00+01:00\n"] {
        AssumeRoleResponse::from_xml(answer(good).as_bytes())
            .unwrap_or_else(|e| panic!("{good:?}: {e}"));
    }
}
