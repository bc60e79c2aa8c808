//! `build()` checks what the type system cannot, reports every problem with the
//! field and the rule, and never echoes a value.

use ssooidc_token::{BuildError, CreateToken, CreateTokenWithIam, Rule, TokenType};

const ARN: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-2";

fn problems(err: &BuildError) -> Vec<(&'static str, Option<usize>, Rule)> {
    err.problems()
        .iter()
        .map(|p| (p.field(), p.index(), *p.rule()))
        .collect()
}

fn auth_code(redirect: &str, verifier: Option<&str>) -> Result<(), BuildError> {
    let b = CreateTokenWithIam::authorization_code()
        .client_id(ARN)
        .code("c")
        .redirect_uri(redirect);
    match verifier {
        Some(v) => b.code_verifier(v).build().map(drop),
        None => b.build().map(drop),
    }
}

#[test]
fn empty_values_are_refused_for_every_secret_and_client_id() {
    let err = CreateToken::authorization_code()
        .client_id("")
        .client_secret("")
        .code("")
        .redirect_uri("")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("client_id", None, Rule::Empty),
            ("client_secret", None, Rule::Empty),
            ("code", None, Rule::Empty),
            ("redirect_uri", None, Rule::Empty),
        ]
    );
    let err = CreateToken::device_code()
        .client_id("i")
        .client_secret("")
        .device_code("")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("client_secret", None, Rule::Empty),
            ("device_code", None, Rule::Empty)
        ]
    );
    let err = CreateToken::refresh_token()
        .client_id("i")
        .client_secret("s")
        .refresh_token("")
        .build()
        .unwrap_err();
    assert_eq!(problems(&err), [("refresh_token", None, Rule::Empty)]);
    let err = CreateTokenWithIam::refresh_token()
        .client_id("i")
        .refresh_token("")
        .build()
        .unwrap_err();
    assert_eq!(problems(&err), [("refresh_token", None, Rule::Empty)]);
    let err = CreateTokenWithIam::jwt_bearer()
        .client_id("i")
        .assertion("")
        .build()
        .unwrap_err();
    assert_eq!(problems(&err), [("assertion", None, Rule::Empty)]);
    let err = CreateTokenWithIam::token_exchange()
        .client_id("i")
        .subject_token("")
        .subject_token_type(TokenType::AccessToken)
        .build()
        .unwrap_err();
    assert_eq!(problems(&err), [("subject_token", None, Rule::Empty)]);
}

#[test]
fn whitespace_only_values_are_refused_where_empty_ones_are() {
    for blank in [" ", "\t", " \r\n ", "\u{a0}"] {
        let err = CreateToken::authorization_code()
            .client_id(blank)
            .client_secret(blank)
            .code(blank)
            .redirect_uri(blank)
            .build()
            .unwrap_err();
        assert_eq!(
            problems(&err),
            [
                ("client_id", None, Rule::Blank),
                ("client_secret", None, Rule::Blank),
                ("code", None, Rule::Blank),
                ("redirect_uri", None, Rule::Blank),
            ],
            "{blank:?}"
        );
        let err = CreateToken::device_code()
            .client_id("i")
            .client_secret("s")
            .device_code(blank)
            .build()
            .unwrap_err();
        assert_eq!(problems(&err), [("device_code", None, Rule::Blank)]);
        let err = CreateTokenWithIam::refresh_token()
            .client_id("i")
            .refresh_token(blank)
            .build()
            .unwrap_err();
        assert_eq!(problems(&err), [("refresh_token", None, Rule::Blank)]);
        let err = CreateTokenWithIam::jwt_bearer()
            .client_id(blank)
            .assertion(blank)
            .build()
            .unwrap_err();
        assert_eq!(
            problems(&err),
            [
                ("client_id", None, Rule::Blank),
                ("assertion", None, Rule::Blank)
            ]
        );
        let err = CreateTokenWithIam::token_exchange()
            .client_id("i")
            .subject_token(blank)
            .subject_token_type(TokenType::AccessToken)
            .build()
            .unwrap_err();
        assert_eq!(problems(&err), [("subject_token", None, Rule::Blank)]);
        assert_eq!(
            err.to_string(),
            "invalid CreateTokenWithIAM request: subject_token must not be only whitespace"
        );
    }
    // Whitespace around a value is the caller's business; only a blank is refused.
    assert!(CreateTokenWithIam::refresh_token()
        .client_id(" i ")
        .refresh_token("r")
        .build()
        .is_ok());
}

#[test]
fn redirect_uri_must_be_absolute_without_fragment() {
    for good in [
        "https://app.example.com/callback",
        "http://127.0.0.1:8400/oauth/callback",
        "com.example.app:/oauth2redirect",
        "urn:ietf:wg:oauth:2.0:oob",
        "https://app.example.com/cb?state=x&q=%20",
    ] {
        assert_eq!(auth_code(good, None), Ok(()), "{good}");
    }
    for bad in [
        "/callback",
        "app.example.com/cb",
        "https:",
        "1http://x",
        "ht tp://x",
        "https://x/ y",
        "https://x/\n",
        ":x",
    ] {
        let err = auth_code(bad, None).unwrap_err();
        assert_eq!(
            problems(&err),
            [("redirect_uri", None, Rule::AbsoluteUri)],
            "{bad:?}"
        );
    }
    for bad in [
        "https://app.example.com/cb#",
        "https://app.example.com/cb#frag",
    ] {
        let err = auth_code(bad, None).unwrap_err();
        assert_eq!(
            problems(&err),
            [("redirect_uri", None, Rule::UriFragment)],
            "{bad:?}"
        );
    }
}

#[test]
fn code_verifier_follows_rfc_7636() {
    let ok_chars = "ABCXYZabcxyz0189-._~";
    for good in ["a".repeat(43), "Z".repeat(128), ok_chars.repeat(3)] {
        assert_eq!(
            auth_code("https://a.example/cb", Some(&good)),
            Ok(()),
            "{good}"
        );
    }
    let mut bad = vec!["a".repeat(42), "a".repeat(129), String::new()];
    for c in ['+', '/', '=', ' ', 'é', '\n', '"'] {
        let mut v = "a".repeat(43);
        v.insert(20, c);
        bad.push(v);
    }
    for v in bad {
        let err = auth_code("https://a.example/cb", Some(&v)).unwrap_err();
        assert_eq!(
            problems(&err),
            [("code_verifier", None, Rule::CodeVerifier)],
            "{v:?}"
        );
    }
}

#[test]
fn assertion_must_be_a_compact_jwt() {
    let jwt = |a: &str| {
        CreateTokenWithIam::jwt_bearer()
            .client_id(ARN)
            .assertion(a)
            .build()
            .map(drop)
    };
    for good in [
        "a.b.c",
        "eyJ.eyJ.",
        "hdr.key.iv.ct.tag",
        "hdr..iv.ct.tag",
        "A-_z.0-9_.abc",
    ] {
        assert_eq!(jwt(good), Ok(()), "{good}");
    }
    for bad in [
        "abc",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e.f",
        ".b.c",
        "a.b.c=",
        "a.b+.c",
        "a b.c.d",
    ] {
        let err = jwt(bad).unwrap_err();
        assert_eq!(
            problems(&err),
            [("assertion", None, Rule::CompactJwt)],
            "{bad:?}"
        );
    }
}

#[test]
fn each_scope_must_be_a_scope_token() {
    let scoped = |s: &[&str]| {
        CreateTokenWithIam::refresh_token()
            .client_id(ARN)
            .refresh_token("r")
            .scopes(s.iter().copied())
            .build()
            .map(drop)
    };
    assert_eq!(
        scoped(&["openid", "aws", "sts:identity_context", "!#[]~"]),
        Ok(())
    );
    let err = scoped(&[
        "openid",
        "",
        "two words",
        "quo\"te",
        "back\\slash",
        "tab\t",
        "é",
        "aws",
    ])
    .unwrap_err();
    let expected: Vec<_> = (1..=6)
        .map(|i| ("scope", Some(i), Rule::ScopeToken))
        .collect();
    assert_eq!(problems(&err), expected);
}

#[test]
fn scope_and_scopes_keep_the_order_they_were_given_in() {
    macro_rules! built {
        ($($setters:tt)*) => {
            CreateTokenWithIam::refresh_token()
                .client_id(ARN)
                .refresh_token("r")
                $($setters)*
                .build()
                .unwrap()
                .scope()
                .to_vec()
        };
    }
    // `scopes` alone, from a `Vec` (its buffer reused) and from an array.
    assert_eq!(
        built!(.scopes(vec!["a".to_owned(), "b".to_owned()])),
        ["a", "b"]
    );
    assert_eq!(built!(.scopes(["a", "b"])), ["a", "b"]);
    // `scopes` after `scope`, `scope` after `scopes`, `scopes` twice.
    assert_eq!(
        built!(.scope("a").scopes(["b", "c"]).scope("d")),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        built!(.scopes(["a"]).scopes(vec!["b".to_owned()]).scopes(["c", "d"])),
        ["a", "b", "c", "d"]
    );
    // An empty `scopes` changes nothing, before or after others.
    assert_eq!(
        built!(.scopes(Vec::<String>::new()).scope("a").scopes([""; 0])),
        ["a"]
    );
}

#[test]
fn every_problem_is_reported_at_once_in_field_order() {
    let err = CreateTokenWithIam::authorization_code()
        .client_id("")
        .code("")
        .redirect_uri("no-scheme")
        .code_verifier("short")
        .scope("bad scope")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("client_id", None, Rule::Empty),
            ("code", None, Rule::Empty),
            ("redirect_uri", None, Rule::AbsoluteUri),
            ("code_verifier", None, Rule::CodeVerifier),
            ("scope", Some(0), Rule::ScopeToken),
        ]
    );
    assert_eq!(
        err.to_string(),
        "invalid CreateTokenWithIAM request: client_id must not be empty; code must not be empty; \
         redirect_uri must be an absolute URI: a scheme, `:`, and only characters RFC 3986 allows (RFC 6749 3.1.2); \
         code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 4.1); \
         scope[0] must be a non-empty scope-token of printable ASCII without space, `\"` or `\\` (RFC 6749 3.3)"
    );
}

#[test]
fn unknown_token_types_cannot_be_sent() {
    let unknown = TokenType::from_uri("urn:example:future-type");
    let err = CreateTokenWithIam::token_exchange()
        .client_id(ARN)
        .subject_token("t")
        .subject_token_type(unknown.clone())
        .requested_token_type(unknown)
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("subject_token_type", None, Rule::KnownTokenType),
            ("requested_token_type", None, Rule::KnownTokenType)
        ]
    );
}

/// An unknown token type comes from a server: shown, it has its line breaks,
/// terminal escapes and reordering characters escaped; `as_str` keeps it whole.
#[test]
fn an_unknown_token_type_is_shown_escaped() {
    let raw = "urn:x\n\u{1b}[2J\u{202e}y";
    let unknown = TokenType::from_uri(raw);
    assert_eq!(unknown.as_str(), raw);
    assert_eq!(unknown.to_string(), "urn:x\\n\\u{1b}[2J\\u{202e}y");
    assert_eq!(
        TokenType::AccessToken.to_string(),
        "urn:ietf:params:oauth:token-type:access_token"
    );
}

#[test]
fn errors_never_echo_a_value() {
    const CANARY: &str = "CANARY-d41d8cd98f00";
    let bad_verifier = format!("{CANARY} not a verifier");
    let bad_assertion = format!("{CANARY}.only-two");
    let err = CreateTokenWithIam::authorization_code()
        .client_id(ARN)
        .code(CANARY)
        .redirect_uri(format!("{CANARY}/relative#x"))
        .code_verifier(bad_verifier.as_str())
        .scope(format!("{CANARY} scope"))
        .build()
        .unwrap_err();
    let jwt_err = CreateTokenWithIam::jwt_bearer()
        .client_id(ARN)
        .assertion(bad_assertion.as_str())
        .build()
        .unwrap_err();
    for text in [
        err.to_string(),
        format!("{err:?}"),
        jwt_err.to_string(),
        format!("{jwt_err:?}"),
    ] {
        assert!(!text.contains("CANARY"), "{text}");
    }
}

/// A secret setter takes a `&String` as it takes a `&str`: copied into an
/// exact-size zeroizing buffer, the caller's string left as it was.
#[test]
fn a_secret_setter_takes_a_borrowed_string() {
    let secret = String::from("client-secret-value");
    let request = ssooidc_token::CreateToken::device_code()
        .client_id("client")
        .client_secret(&secret)
        .device_code("device-code")
        .build()
        .unwrap();
    assert_eq!(
        ssooidc_token::ExposeSecret::expose_secret(request.client_secret()),
        "client-secret-value"
    );
    assert_eq!(secret, "client-secret-value");
}
