//! Arbitrary and mutated bodies fed to every parser: never a panic, always an
//! error or a valid value, and never a secret from the input in an error message.

use proptest::prelude::*;
use ssooidc_token::{
    AnyCreateToken, AnyCreateTokenWithIam, CreateTokenResponse, CreateTokenWithIamResponse,
    TokenError,
};

const CANARY: &str = "CANARYe4da3b7fbbce";

/// Valid bodies for every parser, with the canary in every secret (and in some
/// non-secret values too, since nothing from the input belongs in an error).
fn seeds() -> Vec<String> {
    let c = CANARY;
    vec![
        format!(
            r#"{{"accessToken":"{c}","tokenType":"Bearer","expiresIn":3600,"refreshToken":"{c}\/x","idToken":"{c}.{c}.{c}","issuedTokenType":"urn:ietf:params:oauth:token-type:refresh_token","scope":["openid","aws"],"awsAdditionalDetails":{{"identityContext":"{c}"}}}}"#
        ),
        format!(
            r#"{{"error":"invalid_grant","error_description":"bad {c}","endpoint":"{c}","region":"{c}","reason":"{c}","message":"{c}"}}"#
        ),
        format!(
            r#"{{"clientId":"{c}","code":"{c}\"","codeVerifier":"{c}{c}{c}aaaaaaaaaa","grantType":"authorization_code","redirectUri":"https://{c}/cb","scope":["openid"]}}"#
        ),
        format!(r#"{{"clientId":"c","grantType":"refresh_token","refreshToken":"{c}\u00e9"}}"#),
        format!(
            r#"{{"assertion":"{c}.{c}.{c}","clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:jwt-bearer"}}"#
        ),
        format!(
            r#"{{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","requestedTokenType":"urn:ietf:params:oauth:token-type:access_token","subjectToken":"{c}","subjectTokenType":"urn:ietf:params:oauth:token-type:access_token"}}"#
        ),
        format!(
            r#"{{"clientId":"c","clientSecret":"{c}","deviceCode":"{c}","grantType":"urn:ietf:params:oauth:grant-type:device_code"}}"#
        ),
        format!(
            r#"{{"clientId":"c","clientSecret":"{c}","grantType":"refresh_token","refreshToken":"{c}"}}"#
        ),
    ]
}

/// Runs every parser; checks no error text holds the canary.
fn feed(bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut texts = Vec::new();
    if let Err(e) = CreateTokenWithIamResponse::from_json(bytes) {
        texts.push(format!("{e} {e:?}"));
    }
    if let Err(e) = CreateTokenResponse::from_json(bytes) {
        texts.push(format!("{e} {e:?}"));
    }
    if let Err(e) = AnyCreateTokenWithIam::from_json(bytes) {
        texts.push(format!("{e} {e:?}"));
    }
    if let Err(e) = AnyCreateToken::from_json(bytes) {
        texts.push(format!("{e} {e:?}"));
    }
    match TokenError::from_json(400, bytes) {
        Err(e) => texts.push(format!("{e} {e:?}")),
        // An error body's own texts are the server's words, shown as such.
        Ok(e) => drop(e),
    }
    for text in texts {
        prop_assert!(!text.contains("CANARY"), "an error echoes input: {}", text);
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragments = prop_oneof![
        Just(b"[".repeat(200)),
        Just(b"{\"a\":".repeat(200)),
        Just(b"99999999999999999999999999".to_vec()),
        Just(b"-1e99999".to_vec()),
        Just(b"\xff\xfe\xc3".to_vec()),
        Just(b"\\ud800".to_vec()),
        Just(b"\\udc00\\ud800".to_vec()),
        Just(b"\\u12".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"null".to_vec()),
        Just(b"\x00".to_vec()),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<usize>(), fragments).prop_map(|(i, f)| Mutation::Insert(i, f)),
        any::<usize>().prop_map(Mutation::Remove),
    ]
}

fn apply(mut body: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = body.len().max(1);
        match m {
            Mutation::Truncate(i) => body.truncate(i % len),
            Mutation::Flip(i, x) => {
                if !body.is_empty() {
                    body[i % len] ^= x;
                }
            }
            Mutation::Insert(i, bytes) => {
                let at = i % (body.len() + 1);
                body.splice(at..at, bytes.iter().copied());
            }
            Mutation::Remove(i) => {
                if !body.is_empty() {
                    body.remove(i % len);
                }
            }
        }
    }
    body
}

#[test]
fn seeds_are_valid_for_their_parser() {
    let s = seeds();
    assert!(CreateTokenWithIamResponse::from_json(s[0].as_bytes()).is_ok());
    assert!(TokenError::from_json(400, s[1].as_bytes()).is_ok());
    for body in &s[2..6] {
        assert!(
            AnyCreateTokenWithIam::from_json(body.as_bytes()).is_ok(),
            "{body}"
        );
    }
    for body in &s[6..] {
        assert!(AnyCreateToken::from_json(body.as_bytes()).is_ok(), "{body}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Arbitrary bytes, alone and after a secret member's opening (so that
    /// the canary is there to be echoed, and the no-echo check can fail).
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        feed(&bytes)?;
        feed(&[format!(r#"{{"refreshToken":"{CANARY}"#).as_bytes(), &bytes].concat())?;
    }

    #[test]
    fn arbitrary_text(text in ".{0,256}") {
        feed(text.as_bytes())?;
        feed(format!(r#"{{"accessToken":"{CANARY}{text}"#).as_bytes())?;
    }

    #[test]
    fn mutated_valid_bodies(seed in 0..8usize, mutations in prop::collection::vec(mutation(), 1..4)) {
        let body = apply(seeds()[seed].clone().into_bytes(), &mutations);
        feed(&body)?;
    }
}
