//! The authorization-code login pieces: the PKCE pair (RFC 7636), the authorize
//! URL, and reading the loopback redirect.

use proptest::prelude::*;
use ssooidc_token::login::{
    AuthorizationCallback, AuthorizeUrl, CallbackError, Pkce, QueryProblem,
};
use ssooidc_token::{CreateToken, ExposeSecret, Rule};

const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

#[test]
fn rfc_7636_appendix_b() {
    let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
    assert_eq!(pkce.challenge(), RFC_CHALLENGE);
    assert_eq!(pkce.verifier().expose_secret(), RFC_VERIFIER);
    assert_eq!(Pkce::METHOD, "S256");
}

#[test]
fn random_pairs_are_well_formed_and_differ() {
    let a = Pkce::new().unwrap();
    let b = Pkce::new().unwrap();
    for pkce in [&a, &b] {
        let verifier = pkce.verifier().expose_secret();
        assert_eq!(verifier.len(), 43);
        assert!(verifier.bytes().all(unreserved));
        assert_eq!(pkce.challenge().len(), 43);
        assert!(pkce
            .challenge()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        // The challenge is the one from_verifier computes for the same verifier.
        let again = Pkce::from_verifier(verifier).unwrap();
        assert_eq!(again.challenge(), pkce.challenge());
        assert!(!format!("{pkce:?}").contains(verifier));
    }
    assert_ne!(a.verifier().expose_secret(), b.verifier().expose_secret());
    assert_ne!(a.challenge(), b.challenge());
}

#[test]
fn bad_verifiers_are_refused_without_echo() {
    for bad in [
        "short",
        &"a".repeat(42),
        &"a".repeat(129),
        &format!("{}+", "a".repeat(43)),
        &format!("{} ", "b".repeat(50)),
    ] {
        let err = Pkce::from_verifier(bad).unwrap_err();
        assert_eq!(err.problems().len(), 1);
        assert_eq!(err.problems()[0].field(), "code_verifier");
        assert_eq!(err.problems()[0].rule(), &Rule::CodeVerifier);
        assert!(!err.to_string().contains(bad));
    }
    assert!(Pkce::from_verifier("a".repeat(43)).is_ok());
    assert!(Pkce::from_verifier("~".repeat(128)).is_ok());
}

#[test]
fn the_verifier_goes_into_the_token_request() {
    let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
    let request = CreateToken::authorization_code()
        .client_id("c")
        .client_secret("s")
        .code("the-code")
        .redirect_uri("http://127.0.0.1:8400/oauth/callback")
        .code_verifier(pkce.into_verifier())
        .build()
        .unwrap();
    let body = String::from_utf8(request.to_json().expose_secret().to_vec()).unwrap();
    assert!(body.contains(&format!(r#""codeVerifier":"{RFC_VERIFIER}""#)));
}

fn url(scopes: &[&str], state: Option<&str>) -> AuthorizeUrl {
    let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
    let mut builder = AuthorizeUrl::builder()
        .region("eu-west-1")
        .client_id("client id/é")
        .redirect_uri("http://127.0.0.1:8400/oauth/callback")
        .pkce(&pkce);
    for scope in scopes {
        builder = builder.scope(*scope);
    }
    match state {
        Some(state) => builder.state(state).build(),
        None => builder.build(),
    }
    .unwrap()
}

#[test]
fn authorize_url_parameters_in_the_cli_order() {
    let authorize = url(&["sso:account:access", "openid"], Some("s t&a=te"));
    assert_eq!(
        authorize.url(),
        "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code\
         &client_id=client%20id%2F%C3%A9\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A8400%2Foauth%2Fcallback\
         &state=s%20t%26a%3Dte\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256\
         &scopes=sso%3Aaccount%3Aaccess%20openid"
    );
    assert_eq!(authorize.state(), "s t&a=te");
    assert_eq!(authorize.to_string(), authorize.url());
    // No scopes: no `scopes` parameter.
    assert!(url(&[], Some("x"))
        .url()
        .ends_with("&code_challenge_method=S256"));
}

#[test]
fn state_is_random_by_default() {
    let a = url(&[], None);
    let b = url(&[], None);
    assert_eq!(a.state().len(), 43);
    assert!(a.state().bytes().all(unreserved));
    assert_ne!(a.state(), b.state());
    assert!(a.url().contains(&format!("&state={}&", a.state())));
}

#[test]
fn china_regions_and_custom_endpoints() {
    let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
    let china = AuthorizeUrl::builder()
        .region("cn-north-1")
        .client_id("c")
        .redirect_uri("http://127.0.0.1/cb")
        .pkce(&pkce)
        .build()
        .unwrap();
    assert!(china
        .url()
        .starts_with("https://oidc.cn-north-1.amazonaws.com.cn/authorize?response_type=code&"));
    let local = AuthorizeUrl::builder()
        .region("us-east-1")
        .client_id("c")
        .redirect_uri("http://127.0.0.1/cb")
        .pkce(&pkce)
        .authorization_endpoint("http://127.0.0.1:9/authorize?tenant=1")
        .build()
        .unwrap();
    assert!(local
        .url()
        .starts_with("http://127.0.0.1:9/authorize?tenant=1&response_type=code&"));
}

#[test]
fn the_authorization_endpoint_alone_needs_no_region() {
    // As RegisterClient's `authorizationEndpoint` gives it: no region to ask for.
    let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
    let url = AuthorizeUrl::builder()
        .client_id("c")
        .redirect_uri("http://127.0.0.1/cb")
        .pkce(&pkce)
        .authorization_endpoint("https://oidc.eu-west-1.amazonaws.com/authorize")
        .build()
        .unwrap();
    assert!(url
        .url()
        .starts_with("https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&"));
    // Its content is still checked.
    let err = AuthorizeUrl::builder()
        .client_id("c")
        .redirect_uri("http://127.0.0.1/cb")
        .pkce(&pkce)
        .authorization_endpoint("https://x/authorize#frag")
        .build()
        .unwrap_err();
    assert_eq!(err.problems()[0].field(), "authorization_endpoint");
    assert_eq!(*err.problems()[0].rule(), Rule::UriFragment);
}

#[test]
fn authorize_url_lists_every_problem() {
    let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
    let err = AuthorizeUrl::builder()
        .region("us-east-1/../x")
        .client_id("")
        .redirect_uri("/relative")
        .pkce(&pkce)
        .scope("bad scope")
        .state("tab\there")
        .authorization_endpoint("not a url")
        .build()
        .unwrap_err();
    let found: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.field(), p.index(), *p.rule()))
        .collect();
    assert_eq!(
        found,
        [
            ("region", None, Rule::Region),
            ("client_id", None, Rule::Empty),
            ("redirect_uri", None, Rule::AbsoluteUri),
            ("scope", Some(0), Rule::ScopeToken),
            ("state", None, Rule::StateChars),
            ("authorization_endpoint", None, Rule::AbsoluteUri),
        ]
    );
    assert!(err
        .to_string()
        .starts_with("invalid authorize URL request: region must be lower-case DNS labels"));
}

#[test]
fn callback_gives_the_code() {
    let code =
        AuthorizationCallback::parse("?code=abc%2B%2F%3D+x&state=st&iss=ignored", "st").unwrap();
    assert_eq!(code.expose_secret(), "abc+/= x");
    let code = AuthorizationCallback::parse("state=st&code=plain", "st").unwrap();
    assert_eq!(code.expose_secret(), "plain");
}

#[test]
fn callback_errors_are_distinct_and_never_hold_the_code() {
    let cases: &[(&str, CallbackError)] = &[
        ("code=SECRETCODE&state=other", CallbackError::StateMismatch),
        ("code=SECRETCODE&state=s", CallbackError::StateMismatch),
        ("code=SECRETCODE&state=st1", CallbackError::StateMismatch),
        ("code=SECRETCODE", CallbackError::StateMismatch),
        ("error=access_denied&state=st", CallbackError::AccessDenied),
        (
            "error=invalid_request&error_description=bad&state=st",
            CallbackError::Refused {
                error: "invalid_request".into(),
            },
        ),
        ("state=st", CallbackError::MissingCode),
        ("state=st&code=", CallbackError::MissingCode),
        (
            "code=SECRETCODE&code=SECRETCODE&state=st",
            CallbackError::Malformed {
                parameter: "code",
                problem: QueryProblem::Duplicate,
            },
        ),
        (
            "code=SECRETCODE%zz&state=st",
            CallbackError::Malformed {
                parameter: "code",
                problem: QueryProblem::PercentEncoding,
            },
        ),
        (
            "code=SECRETCODE%&state=st",
            CallbackError::Malformed {
                parameter: "code",
                problem: QueryProblem::PercentEncoding,
            },
        ),
        (
            "code=SECRETCODE%FF&state=st",
            CallbackError::Malformed {
                parameter: "code",
                problem: QueryProblem::Utf8,
            },
        ),
        (
            "error=%22SECRETCODE%22&state=st",
            CallbackError::Malformed {
                parameter: "error",
                problem: QueryProblem::ErrorCharacters,
            },
        ),
        (
            "state=%zz&code=SECRETCODE",
            CallbackError::Malformed {
                parameter: "state",
                problem: QueryProblem::PercentEncoding,
            },
        ),
    ];
    for (query, expected) in cases {
        let err = AuthorizationCallback::parse(query, "st").unwrap_err();
        assert_eq!(&err, expected, "{query}");
        assert!(err.to_string().starts_with(char::is_lowercase), "{err}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("SECRETCODE"), "{query}: {text}");
        }
    }
    // A forged redirect cannot even report an error, nor a malformed code.
    assert_eq!(
        AuthorizationCallback::parse("error=access_denied&state=forged", "st").unwrap_err(),
        CallbackError::StateMismatch
    );
    assert_eq!(
        AuthorizationCallback::parse("code=a&code=b&state=forged", "st").unwrap_err(),
        CallbackError::StateMismatch
    );
    // An empty expected state (an unset session value) protects nothing: refused.
    for query in ["code=a&state=", "code=a"] {
        assert_eq!(
            AuthorizationCallback::parse(query, "").unwrap_err(),
            CallbackError::StateMismatch,
            "{query}"
        );
    }
}

/// Form-encodes like a browser would (`%XX` for everything but unreserved).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if unreserved(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn any_code_and_state_round_trip(code in ".{1,64}", state in "[ -~]{1,64}") {
        let query = format!("state={}&code={}", encode(&state), encode(&code));
        let parsed = AuthorizationCallback::parse(&query, &state).unwrap();
        prop_assert_eq!(parsed.expose_secret(), code.as_str());
    }

    /// Queries with the right state (or not), a code holding a marker between
    /// random and broken escapes, and random other parameters: no panic, and no
    /// error shows the code.
    #[test]
    fn arbitrary_queries_never_panic_or_echo(
        with_state in any::<bool>(),
        before in "([A-Za-z0-9+]|%[0-9A-Fa-f]{2}|%[^0-9A-Fa-f]?|%[89A-F][0-9A-F]){0,8}",
        after in "([A-Za-z0-9+]|%[0-9A-Fa-f]{2}|%[^0-9A-Fa-f]?|%[89A-F][0-9A-F]){0,8}",
        others in "(&(code|state|error|[a-z]{0,3})(=[A-Za-z0-9%+=_]{0,12})?){0,4}",
    ) {
        let state = if with_state { "state=expected-state&" } else { "" };
        let query = format!("{state}code={before}SECRETCODE{after}{others}");
        match AuthorizationCallback::parse(&query, "expected-state") {
            Ok(code) => prop_assert!(code.expose_secret().contains("SECRETCODE")),
            Err(err) => {
                let shown = format!("{err} {err:?}");
                prop_assert!(!shown.contains("SECRETCODE"), "{}", shown);
            }
        }
    }
}

/// Reads a query back: `name=value` pairs, `%XX` decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            let mut bytes = Vec::new();
            let raw = value.as_bytes();
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'%' {
                    let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap();
                    bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                } else {
                    assert!(
                        unreserved(raw[i]),
                        "{value}: unencoded {}",
                        char::from(raw[i])
                    );
                    bytes.push(raw[i]);
                    i += 1;
                }
            }
            (name.to_owned(), String::from_utf8(bytes).unwrap())
        })
        .collect()
}

proptest! {
    /// Whatever the values, every parameter is percent-encoded and decodes back to
    /// what was given, in the AWS CLI's order.
    #[test]
    fn authorize_url_encodes_every_value(
        // Blank ids are refused (a rule of their own); any other text round-trips.
        client_id in ".{1,30}".prop_filter("not blank", |s| !s.trim().is_empty()),
        path in "([A-Za-z0-9._~:/?@!$&'()*+,;=-]|%[0-9A-Fa-f]{2}){0,20}",
        scopes in prop::collection::vec("[!#-\\[\\]-~]{1,12}", 0..4),
        state in "[ -~]{1,30}".prop_filter("not blank", |s| !s.trim().is_empty()),
    ) {
        let pkce = Pkce::from_verifier(RFC_VERIFIER).unwrap();
        let redirect_uri = format!("http://127.0.0.1:8400/{path}");
        let mut builder = AuthorizeUrl::builder()
            .region("us-west-2")
            .client_id(client_id.as_str())
            .redirect_uri(redirect_uri.as_str())
            .pkce(&pkce);
        for scope in &scopes {
            builder = builder.scope(scope.as_str());
        }
        let authorize = builder.state(state.as_str()).build().unwrap();
        let (base, query) = authorize.url().split_once('?').unwrap();
        prop_assert_eq!(base, "https://oidc.us-west-2.amazonaws.com/authorize");
        let mut expected = vec![
            ("response_type".to_owned(), "code".to_owned()),
            ("client_id".to_owned(), client_id),
            ("redirect_uri".to_owned(), redirect_uri),
            ("state".to_owned(), state),
            ("code_challenge".to_owned(), RFC_CHALLENGE.to_owned()),
            ("code_challenge_method".to_owned(), "S256".to_owned()),
        ];
        if !scopes.is_empty() {
            expected.push(("scopes".to_owned(), scopes.join(" ")));
        }
        prop_assert_eq!(query_pairs(query), expected);
    }
}
