//! No copy of a secret is freed without being wiped.
//!
//! This test binary installs its own global allocator. While armed, it scans every
//! block before it is freed, and every block a reallocation moves (its `realloc`
//! always moves), for a canary planted in every secret. Building, `build()`,
//! `to_json()` and dropping everything must leave no such block, for every grant
//! and every accepted secret input type. Positive controls show that the probe
//! does catch real leaks (`serde_json::to_vec` growing its buffer, `secrecy`'s
//! `From<String>` shrinking one).

use ssooidc_token::{CreateToken, CreateTokenWithIam, ExposeSecret, SecretString, TokenType};
use zeroize::Zeroizing;

#[path = "common/probe.rs"]
mod probe;

use probe::{contains_canary, leaks_during, secret_string, CANARY};

/// A compact JWT of three canary-filled parts, about `len` bytes, built without
/// any reallocation.
fn jwt_string(len: usize) -> String {
    let part = Zeroizing::new(secret_string(len / 3, len / 3));
    let mut jwt = String::with_capacity(3 * part.len() + 2);
    jwt.push_str(&part);
    jwt.push('.');
    jwt.push_str(&part);
    jwt.push('.');
    jwt.push_str(&part);
    jwt
}

/// The ways a caller can hand a secret over.
#[derive(Clone, Copy, Debug)]
enum Input {
    Str,
    ExactString,
    SpareString,
    BoxStr,
    Secret,
    SecretRef,
    Zeroizing,
}

const INPUTS: [Input; 7] = [
    Input::Str,
    Input::ExactString,
    Input::SpareString,
    Input::BoxStr,
    Input::Secret,
    Input::SecretRef,
    Input::Zeroizing,
];

/// Hands `f` a secret of `len` bytes in the form `input`, and cleans up what the
/// caller keeps (the `&str` case's source is the caller's, wiped here; the
/// `&SecretString` case's is a secret the caller keeps, as a stored response's).
fn with_secret<R>(input: Input, len: usize, f: impl FnOnce(Handed) -> R) -> R {
    match input {
        Input::Str => {
            let source = Zeroizing::new(secret_string(len, len));
            f(Handed::Str(source.as_str()))
        }
        Input::ExactString => f(Handed::String(secret_string(len, len))),
        Input::SpareString => f(Handed::String(secret_string(len, len * 2 + 7))),
        Input::BoxStr => f(Handed::Box(secret_string(len, len).into_boxed_str())),
        Input::Secret => f(Handed::Secret(SecretString::from(
            secret_string(len, len).into_boxed_str(),
        ))),
        Input::SecretRef => {
            let kept = SecretString::from(secret_string(len, len).into_boxed_str());
            f(Handed::SecretRef(&kept))
        }
        Input::Zeroizing => f(Handed::Zeroizing(Zeroizing::new(secret_string(
            len,
            len * 2,
        )))),
    }
}

/// A secret in one of the accepted input types.
enum Handed<'a> {
    Str(&'a str),
    String(String),
    Box(Box<str>),
    Secret(SecretString),
    SecretRef(&'a SecretString),
    Zeroizing(Zeroizing<String>),
}

/// Calls the setter with the handed value, whatever its type.
macro_rules! set {
    ($builder:expr, $setter:ident, $handed:expr) => {
        match $handed {
            Handed::Str(v) => $builder.$setter(v),
            Handed::String(v) => $builder.$setter(v),
            Handed::Box(v) => $builder.$setter(v),
            Handed::Secret(v) => $builder.$setter(v),
            Handed::SecretRef(v) => $builder.$setter(v),
            Handed::Zeroizing(v) => $builder.$setter(v),
        }
    };
}

const ARN: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-2";

/// Builds the body and checks it really carries the secret, then drops everything.
fn send<T>(request: &T, body: &ssooidc_token::JsonBody) {
    let _ = request;
    assert!(
        contains_canary(body.expose_secret()),
        "the body should carry the secret"
    );
}

#[test]
fn iam_grants_leave_no_unwiped_copy() {
    for input in INPUTS {
        for len in [16, 1_024, 4_096] {
            let leaks = leaks_during(|| {
                let r = with_secret(input, len, |code| {
                    let b = CreateTokenWithIam::authorization_code()
                        .client_id(ARN)
                        .redirect_uri("https://a.example/cb");
                    let b = set!(b, code, code);
                    with_secret(input, 64, |verifier| {
                        set!(b, code_verifier, verifier).build().unwrap()
                    })
                });
                send(&r, &r.to_json());

                let r = with_secret(input, len, |token| {
                    set!(
                        CreateTokenWithIam::refresh_token()
                            .client_id(ARN)
                            .scope("openid"),
                        refresh_token,
                        token
                    )
                    .build()
                    .unwrap()
                });
                send(&r, &r.to_json());

                let r = CreateTokenWithIam::jwt_bearer()
                    .client_id(ARN)
                    .assertion(jwt_string(len.max(300)))
                    .build()
                    .unwrap();
                send(&r, &r.to_json());

                let r = with_secret(input, len, |token| {
                    set!(
                        CreateTokenWithIam::token_exchange().client_id(ARN),
                        subject_token,
                        token
                    )
                    .subject_token_type(TokenType::AccessToken)
                    .requested_token_type(TokenType::AwsToken)
                    .build()
                    .unwrap()
                });
                send(&r, &r.to_json());
            });
            assert_eq!(
                leaks, 0,
                "{input:?}, {len} bytes: unwiped secret copies were freed"
            );
        }
    }
}

#[test]
fn jwt_assertion_of_every_input_type_leaves_no_copy() {
    for input in INPUTS {
        let leaks = leaks_during(|| {
            let jwt = jwt_string(1_200);
            let handed = match input {
                Input::Str => {
                    let source = Zeroizing::new(jwt);
                    let r = CreateTokenWithIam::jwt_bearer()
                        .client_id(ARN)
                        .assertion(source.as_str())
                        .build()
                        .unwrap();
                    send(&r, &r.to_json());
                    return;
                }
                Input::ExactString => Handed::String(jwt),
                Input::SpareString => {
                    let mut spare = String::with_capacity(jwt.len() + 100);
                    spare.push_str(&jwt);
                    drop(Zeroizing::new(jwt));
                    Handed::String(spare)
                }
                Input::BoxStr => Handed::Box(jwt.into_boxed_str()),
                Input::Secret => Handed::Secret(SecretString::from(jwt.into_boxed_str())),
                Input::SecretRef => {
                    let kept = SecretString::from(jwt.into_boxed_str());
                    let r = CreateTokenWithIam::jwt_bearer()
                        .client_id(ARN)
                        .assertion(&kept)
                        .build()
                        .unwrap();
                    send(&r, &r.to_json());
                    return;
                }
                Input::Zeroizing => Handed::Zeroizing(Zeroizing::new(jwt)),
            };
            let r = set!(
                CreateTokenWithIam::jwt_bearer().client_id(ARN),
                assertion,
                handed
            )
            .build()
            .unwrap();
            send(&r, &r.to_json());
        });
        assert_eq!(leaks, 0, "{input:?}: unwiped assertion copies were freed");
    }
}

#[test]
fn public_client_grants_leave_no_unwiped_copy() {
    for input in INPUTS {
        for len in [16, 1_024] {
            let leaks = leaks_during(|| {
                let r = with_secret(input, len, |secret| {
                    with_secret(input, len, |code| {
                        let b = CreateToken::authorization_code()
                            .client_id("id")
                            .redirect_uri("https://a.example/cb");
                        let b = set!(b, client_secret, secret);
                        let b = set!(b, code, code);
                        with_secret(input, 128, |verifier| {
                            set!(b, code_verifier, verifier).build().unwrap()
                        })
                    })
                });
                send(&r, &r.to_json());

                let r = with_secret(input, len, |secret| {
                    with_secret(input, len, |device| {
                        let b = set!(
                            CreateToken::device_code().client_id("id"),
                            client_secret,
                            secret
                        );
                        set!(b, device_code, device).build().unwrap()
                    })
                });
                send(&r, &r.to_json());

                let r = with_secret(input, len, |secret| {
                    with_secret(input, len, |token| {
                        let b = set!(
                            CreateToken::refresh_token().client_id("id"),
                            client_secret,
                            secret
                        );
                        set!(b, refresh_token, token)
                            .scopes(["openid", "aws"])
                            .build()
                            .unwrap()
                    })
                });
                send(&r, &r.to_json());
            });
            assert_eq!(
                leaks, 0,
                "{input:?}, {len} bytes: unwiped secret copies were freed"
            );
        }
    }
}

#[test]
fn refused_builds_and_dropped_builders_leave_no_unwiped_copy() {
    for input in INPUTS {
        let leaks = leaks_during(|| {
            // build() refuses (bad verifier, bad redirect): the secrets are dropped inside.
            let err = with_secret(input, 1_024, |code| {
                let b = CreateTokenWithIam::authorization_code()
                    .client_id(ARN)
                    .redirect_uri("relative");
                let b = set!(b, code, code);
                with_secret(input, 20, |verifier| {
                    set!(b, code_verifier, verifier).build().unwrap_err()
                })
            });
            assert_eq!(err.problems().len(), 2);
            // A builder dropped before build().
            let builder = with_secret(input, 1_024, |token| {
                set!(CreateTokenWithIam::token_exchange(), subject_token, token)
            });
            drop(builder);
        });
        assert_eq!(leaks, 0, "{input:?}: unwiped secret copies were freed");
    }
}

#[test]
fn positive_control_serde_json_to_vec_leaks() {
    // The probe must catch what the crate avoids: serde_json grows its Vec as it
    // writes, leaving copies of a 1 KiB token in the blocks it outgrows.
    let leaks = leaks_during(|| {
        let r = CreateTokenWithIam::refresh_token()
            .client_id(ARN)
            .refresh_token(secret_string(1_024, 1_024))
            .build()
            .unwrap();
        let body = serde_json::to_vec(&r).unwrap();
        drop(Zeroizing::new(body));
    });
    assert!(
        leaks > 0,
        "the probe missed serde_json's reallocation copies"
    );
}

#[test]
fn positive_control_secrecy_from_string_leaks() {
    // secrecy's From<String> shrinks a String with spare capacity: the old buffer
    // is freed unwiped. IntoSecret must not do that; this shows the probe sees it.
    let leaks = leaks_during(|| {
        let secret = SecretString::from(secret_string(1_024, 4_096));
        drop(secret);
    });
    assert!(leaks > 0, "the probe missed secrecy's shrink");
}

/// A `String` whose spare capacity still holds a secret (it was truncated, or
/// cleared and refilled): the setter copies the value to an exact-size secret
/// and must wipe the whole old buffer, spare capacity included, before freeing it.
#[test]
fn a_secret_left_in_a_strings_spare_capacity_is_wiped_too() {
    let leaks = leaks_during(|| {
        let mut spare = secret_string(256, 512);
        spare.truncate(0);
        spare.push_str("eyJhbGciOiJub25lIn0.e30.c2ln");
        let r = CreateTokenWithIam::jwt_bearer()
            .client_id(ARN)
            .assertion(spare)
            .build()
            .unwrap();
        drop(r.to_json());
    });
    assert_eq!(
        leaks, 0,
        "the canary in the spare capacity was freed unwiped"
    );
}

#[test]
fn positive_control_plain_string_drop_leaks() {
    let leaks = leaks_during(|| drop(secret_string(64, 64)));
    assert_eq!(leaks, 1);
}

// ---- parsing: responses, error bodies and request bodies ----

/// A body assembled from parts into one exact-size buffer (no reallocation), wiped
/// when dropped: the input is the caller's, and this caller wipes it.
fn body(parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut v = Vec::with_capacity(len);
    for part in parts {
        v.extend_from_slice(part);
    }
    Zeroizing::new(v)
}

/// Secret values as they appear inside JSON strings: plain, or with escapes
/// (`\/`, `\"`, `\u00e9`, a surrogate pair) between the canaries, so that decoding
/// has to do real work.
fn json_secrets(len: usize) -> [Zeroizing<String>; 2] {
    let plain = Zeroizing::new(secret_string(len, len));
    let canary = std::str::from_utf8(CANARY).unwrap();
    let unit = [
        canary,
        "\\/",
        canary,
        "\\\"",
        canary,
        "\\u00e9",
        canary,
        "\\ud83e\\udd80",
    ];
    let unit_len: usize = unit.iter().map(|p| p.len()).sum();
    let count = (len / unit_len).max(1);
    let mut escaped = String::with_capacity(count * unit_len);
    for _ in 0..count {
        for part in unit {
            escaped.push_str(part);
        }
    }
    [plain, Zeroizing::new(escaped)]
}

#[test]
fn parsing_responses_leaves_no_unwiped_copy() {
    use ssooidc_token::{CreateTokenResponse, CreateTokenWithIamResponse};
    for len in [16, 1_024, 4_096] {
        for secret in json_secrets(len) {
            let s = secret.as_bytes();
            let leaks = leaks_during(|| {
                let ok = body(&[
                    br#"{"accessToken":""#,
                    s,
                    br#"","tokenType":"Bearer","expiresIn":3600,"refreshToken":""#,
                    s,
                    br#"","idToken":""#,
                    s,
                    br#"","scope":["openid","aws"],"awsAdditionalDetails":{"identityContext":"x"},"new":[1,{"a":"b"}]}"#,
                ]);
                let r = CreateTokenWithIamResponse::from_json(&ok).unwrap();
                assert!(contains_canary(r.access_token().expose_secret().as_bytes()));
                drop(r);
                drop(CreateTokenResponse::from_json(&ok).unwrap());

                // Fails after the secrets were read: wrong type, duplicate, bad UTF-8.
                for tail in [
                    &br#"","expiresIn":"soon"}"#[..],
                    br#"","accessToken":"again"}"#,
                    b"\xff\"}",
                    br#"","scope":[1]}"#,
                    br#"""#,
                ] {
                    let bad = body(&[br#"{"refreshToken":""#, s, br#"","accessToken":""#, s, tail]);
                    assert!(CreateTokenWithIamResponse::from_json(&bad).is_err());
                }
            });
            assert_eq!(
                leaks, 0,
                "{len} bytes: unwiped copies freed while parsing responses"
            );
        }
    }
}

#[test]
fn parsing_error_bodies_leaves_no_unwiped_copy() {
    use ssooidc_token::TokenError;
    for secret in json_secrets(256) {
        let s = secret.as_bytes();
        let leaks = leaks_during(|| {
            let ok = body(&[
                br#"{"error":""#,
                s,
                br#"","error_description":""#,
                s,
                br#"","endpoint":""#,
                s,
                br#"","region":""#,
                s,
                br#"","reason":""#,
                s,
                br#"","message":""#,
                s,
                br#""}"#,
            ]);
            let err = TokenError::from_json(400, &ok).unwrap();
            assert!(contains_canary(err.description().unwrap().as_bytes()));
            drop(err);
            let bad = body(&[br#"{"error_description":""#, s, br#"","error":7}"#]);
            assert!(TokenError::from_json(400, &bad).is_err());
            let bad = body(&[br#"{"error_description":""#, s, br#""}"#]);
            assert!(TokenError::from_json(400, &bad).is_err());
        });
        assert_eq!(leaks, 0, "unwiped copies freed while parsing error bodies");
    }
}

#[test]
fn parsing_request_bodies_leaves_no_unwiped_copy() {
    use ssooidc_token::{AnyCreateToken, AnyCreateTokenWithIam};
    let verifier = secret_string(64, 64);
    let v = verifier.as_bytes();
    for len in [16, 1_024] {
        for secret in json_secrets(len) {
            let s = secret.as_bytes();
            let jwt_part = secret_string(len.max(32), len.max(32));
            let j = jwt_part.as_bytes();
            let leaks = leaks_during(|| {
                let iam = [
                    body(&[br#"{"clientId":"c","code":""#, s, br#"","codeVerifier":""#, v, br#"","grantType":"authorization_code","redirectUri":"https://a.example/cb"}"#]),
                    body(&[br#"{"clientId":"c","grantType":"refresh_token","refreshToken":""#, s, br#"","scope":["openid"]}"#]),
                    body(&[br#"{"assertion":""#, j, b".", j, b".", j, br#"","clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:jwt-bearer"}"#]),
                    body(&[br#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","subjectToken":""#, s, br#"","subjectTokenType":"urn:ietf:params:oauth:token-type:access_token"}"#]),
                ];
                for b in &iam {
                    let r = AnyCreateTokenWithIam::from_json(b).unwrap();
                    assert!(contains_canary(r.to_json().expose_secret()));
                }
                let public = [
                    body(&[br#"{"clientId":"c","clientSecret":""#, s, br#"","code":""#, s, br#"","grantType":"authorization_code","redirectUri":"https://a.example/cb"}"#]),
                    body(&[br#"{"clientId":"c","clientSecret":""#, s, br#"","deviceCode":""#, s, br#"","grantType":"urn:ietf:params:oauth:grant-type:device_code"}"#]),
                    body(&[br#"{"clientId":"c","clientSecret":""#, s, br#"","grantType":"refresh_token","refreshToken":""#, s, br#""}"#]),
                ];
                for b in &public {
                    let r = AnyCreateToken::from_json(b).unwrap();
                    assert!(contains_canary(r.to_json().expose_secret()));
                }
                // Error paths after secrets were read: a member of another grant, a
                // content rule, an unknown member, a duplicate, a truncated body,
                // the wrong operation.
                let bad = [
                    body(&[br#"{"clientId":"c","grantType":"refresh_token","refreshToken":""#, s, br#"","subjectToken":""#, s, br#""}"#]),
                    body(&[br#"{"clientId":"c","code":""#, s, br#"","codeVerifier":"short","grantType":"authorization_code","redirectUri":"https://a.example/cb"}"#]),
                    body(&[br#"{"clientId":"c","refreshToken":""#, s, br#"","nope":1}"#]),
                    body(&[br#"{"clientId":"c","refreshToken":""#, s, br#"","refreshToken":""#, s, br#""}"#]),
                    body(&[br#"{"clientId":"c","refreshToken":""#, s]),
                    body(&[br#"{"clientId":"c","deviceCode":""#, s, br#"","grantType":"urn:ietf:params:oauth:grant-type:device_code"}"#]),
                ];
                for b in &bad {
                    assert!(AnyCreateTokenWithIam::from_json(b).is_err());
                    assert!(AnyCreateToken::from_json(b).is_err());
                }
            });
            assert_eq!(
                leaks, 0,
                "{len} bytes: unwiped copies freed while parsing requests"
            );
            drop(Zeroizing::new(jwt_part));
        }
    }
    drop(Zeroizing::new(verifier));
}

#[test]
fn positive_control_serde_json_scratch_leaks_escaped_secrets() {
    // serde_json decodes an escaped string through a scratch buffer it never
    // wipes: the reason this crate reads JSON itself.
    #[derive(serde::Deserialize)]
    struct Plain {
        #[serde(rename = "accessToken")]
        access_token: String,
    }
    let [_, escaped] = json_secrets(1_024);
    let leaks = leaks_during(|| {
        let input = body(&[br#"{"accessToken":""#, escaped.as_bytes(), br#""}"#]);
        let parsed: Plain = serde_json::from_slice(&input).unwrap();
        drop(Zeroizing::new(parsed.access_token));
    });
    assert!(leaks > 0, "the probe missed serde_json's scratch buffer");
}

#[cfg(feature = "http")]
#[test]
fn http_requests_leave_no_unwiped_copy() {
    for input in INPUTS {
        let leaks = leaks_during(|| {
            let r = with_secret(input, 1_024, |token| {
                set!(
                    CreateTokenWithIam::refresh_token().client_id(ARN),
                    refresh_token,
                    token
                )
                .build()
                .unwrap()
            });
            let request = r.to_http("us-east-1").unwrap();
            assert!(contains_canary(request.body().expose_secret()));
            let public = with_secret(input, 1_024, |secret| {
                set!(
                    CreateToken::device_code().client_id("id").device_code("d"),
                    client_secret,
                    secret
                )
                .build()
                .unwrap()
            });
            drop(public.to_http("us-east-1").unwrap());
        });
        assert_eq!(leaks, 0, "{input:?}: unwiped copies freed around to_http");
    }
}

#[cfg(feature = "sigv4")]
#[test]
fn signing_credentials_leave_no_unwiped_copy() {
    // Taking the credentials over; signing with them is tested below.
    for input in INPUTS {
        let leaks = leaks_during(|| {
            // A secret key, then a session token, each in the same input form.
            let credentials = with_secret(input, 40, |key| {
                let credentials = match key {
                    Handed::Str(v) => ssooidc_token::SigningCredentials::new("AKIDEXAMPLE", v),
                    Handed::String(v) => ssooidc_token::SigningCredentials::new("AKIDEXAMPLE", v),
                    Handed::Box(v) => ssooidc_token::SigningCredentials::new("AKIDEXAMPLE", v),
                    Handed::Secret(v) => ssooidc_token::SigningCredentials::new("AKIDEXAMPLE", v),
                    Handed::SecretRef(v) => {
                        ssooidc_token::SigningCredentials::new("AKIDEXAMPLE", v)
                    }
                    Handed::Zeroizing(v) => {
                        ssooidc_token::SigningCredentials::new("AKIDEXAMPLE", v)
                    }
                };
                with_secret(input, 40, |token| {
                    set!(credentials, with_session_token, token)
                })
            });
            assert!(!format!("{credentials:?}").contains("CANARY"));
        });
        assert_eq!(
            leaks, 0,
            "{input:?}: unwiped copies freed around SigningCredentials"
        );
    }
}

/// Credentials whose secret key (40 bytes) and, if asked, session token (600
/// bytes) both carry the canary, handed over as `input`.
#[cfg(feature = "sigv4")]
fn canary_credentials(input: Input, token: bool) -> ssooidc_token::SigningCredentials {
    use ssooidc_token::SigningCredentials;
    let credentials = with_secret(input, 40, |key| match key {
        Handed::Str(v) => SigningCredentials::new("AKIDEXAMPLE", v),
        Handed::String(v) => SigningCredentials::new("AKIDEXAMPLE", v),
        Handed::Box(v) => SigningCredentials::new("AKIDEXAMPLE", v),
        Handed::Secret(v) => SigningCredentials::new("AKIDEXAMPLE", v),
        Handed::Zeroizing(v) => SigningCredentials::new("AKIDEXAMPLE", v),
        Handed::SecretRef(v) => SigningCredentials::new("AKIDEXAMPLE", v),
    });
    if token {
        with_secret(input, 600, |t| set!(credentials, with_session_token, t))
    } else {
        credentials
    }
}

#[cfg(feature = "sigv4")]
fn signing_time() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)
}

#[cfg(feature = "sigv4")]
#[test]
fn signing_leaves_no_unwiped_copy_of_the_secret_key_or_session_token() {
    use ssooidc_token::{sign_for_service, Endpoint};
    for token in [false, true] {
        for input in INPUTS {
            let leaks = leaks_during(|| {
                let credentials = canary_credentials(input, token);
                let request = CreateTokenWithIam::refresh_token()
                    .client_id(ARN)
                    .refresh_token("aorv-not-the-canary")
                    .build()
                    .unwrap();
                let endpoint = Endpoint::new("eu-west-1").unwrap();
                let signed = request
                    .to_signed_http(&endpoint, &credentials, signing_time())
                    .unwrap();
                let header = signed.headers().get("x-amz-security-token").cloned();
                assert_eq!(
                    header
                        .as_ref()
                        .is_some_and(|h| contains_canary(h.as_bytes())),
                    token,
                    "the token travels in its header"
                );
                // `sign` on a body of the caller's own (as the STS request does),
                // signed twice: the first token header is replaced, so dropped.
                let mut other = http::Request::post("https://sts.eu-west-1.amazonaws.com/")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Zeroizing::new(b"Action=GetCallerIdentity".to_vec()))
                    .unwrap();
                sign_for_service(&mut other, &credentials, "eu-west-1", "sts", signing_time())
                    .unwrap();
                sign_for_service(&mut other, &credentials, "eu-west-1", "sts", signing_time())
                    .unwrap();
                // S3's rules (the path as it stands, `x-amz-content-sha256`), then
                // again with `UNSIGNED-PAYLOAD`: the token header is replaced again.
                let mut s3 = http::Request::put(
                    "https://my-bucket.s3.eu-west-1.amazonaws.com/2026%20Q1.csv",
                )
                .body(Zeroizing::new(b"a,b\n1,2\n".to_vec()))
                .unwrap();
                sign_for_service(&mut s3, &credentials, "eu-west-1", "s3", signing_time()).unwrap();
                ssooidc_token::sign_with(
                    &mut s3,
                    &credentials,
                    "eu-west-1",
                    "s3",
                    signing_time(),
                    ssooidc_token::Payload::Unsigned,
                )
                .unwrap();
                drop(s3);
                // The header's bytes outlive the request through a clone, and are
                // wiped when the last clone goes.
                drop(signed);
                drop(header);
                drop(other);
                drop(credentials);
            });
            assert_eq!(
                leaks, 0,
                "{input:?}, token {token}: unwiped copies freed around signing"
            );
        }
    }
}

#[cfg(feature = "sigv4")]
#[test]
fn signing_errors_leave_no_unwiped_copy_and_name_no_secret() {
    use ssooidc_token::{
        sign, sign_for_service, CredentialField, CredentialRule, SignError, SigningCredentials,
    };
    for input in INPUTS {
        let leaks = leaks_during(|| {
            let credentials = canary_credentials(input, true);
            // A header value that is not visible ASCII: refused after the token's
            // header value was made and part of the request hashed.
            let mut request = http::Request::post("https://oidc.us-east-1.amazonaws.com/token")
                .header(
                    "x-bad",
                    http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
                )
                .body(Zeroizing::new(b"{}".to_vec()))
                .unwrap();
            let err = sign(&mut request, &credentials, "us-east-1", signing_time()).unwrap_err();
            assert_eq!(
                err,
                SignError::InvalidHeaderValue {
                    name: "x-bad".into()
                }
            );
            assert!(!request.headers().contains_key("x-amz-security-token"));
            let message = err.to_string();
            assert!(!message.contains("CANARY"), "{message}");
            let err = sign(&mut request, &credentials, "US-EAST-1", signing_time()).unwrap_err();
            assert_eq!(err, SignError::InvalidRegion);
            drop(request);
            drop(credentials);
            // A secret key, then a session token, read with its line break:
            // refused before anything is derived or hashed, named without it.
            for field in [
                CredentialField::SecretAccessKey,
                CredentialField::SessionToken,
            ] {
                let mut flawed = Zeroizing::new(secret_string(40, 48));
                flawed.push('\n');
                let credentials = match field {
                    CredentialField::SecretAccessKey => {
                        SigningCredentials::new("AKIDEXAMPLE", flawed.as_str())
                    }
                    _ => SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI")
                        .with_session_token(flawed.as_str()),
                };
                let mut request = http::Request::put("https://b.s3.us-east-1.amazonaws.com/k")
                    .body(Zeroizing::new(b"x".to_vec()))
                    .unwrap();
                let err = sign_for_service(
                    &mut request,
                    &credentials,
                    "us-east-1",
                    "s3",
                    signing_time(),
                )
                .unwrap_err();
                assert_eq!(
                    err,
                    SignError::InvalidCredential {
                        field,
                        rule: CredentialRule::TrailingWhitespace
                    }
                );
                let message = err.to_string();
                assert!(!message.contains("CANARY"), "{message}");
                assert!(request.headers().is_empty());
            }
        });
        assert_eq!(
            leaks, 0,
            "{input:?}: unwiped copies freed on a signing error"
        );
    }
}

/// The probe catches what `aws-sigv4` leaves: its `"AWS4" + secret` key string
/// and the strings that hold the session token.
#[cfg(feature = "sigv4")]
#[test]
fn positive_control_aws_sigv4_leaks_the_secret_key_and_token() {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4::SigningParams;
    let secret = Zeroizing::new(secret_string(40, 40));
    let token = Zeroizing::new(secret_string(600, 600));
    for session_token in [None, Some(token.as_str())] {
        let leaks = leaks_during(|| {
            let identity = aws_credential_types::Credentials::new(
                "AKIDEXAMPLE",
                secret.as_str(),
                session_token.map(str::to_owned),
                None,
                "control",
            )
            .into();
            let params = SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("sso-oauth")
                .time(signing_time())
                .settings(SigningSettings::default())
                .build()
                .unwrap()
                .into();
            let signable = SignableRequest::new(
                "POST",
                "https://oidc.us-east-1.amazonaws.com/token?aws_iam=t",
                std::iter::once(("content-type", "application/json")),
                SignableBody::Bytes(b"{}"),
            )
            .unwrap();
            let output = sign(signable, &params).unwrap();
            drop(output);
            drop(identity);
        });
        assert!(
            leaks > 0,
            "the probe missed aws-sigv4's copies (token: {})",
            session_token.is_some()
        );
    }
}

/// A secret as it appears inside XML text: canaries with character references
/// and entities (`&#43;`, `&amp;`, `&#x2F;`) and a CDATA section between them.
#[cfg(feature = "sts")]
fn xml_secret(units: usize) -> Zeroizing<String> {
    let canary = std::str::from_utf8(CANARY).unwrap();
    let unit = [
        canary,
        "&#43;",
        canary,
        "&amp;",
        canary,
        "&#x2F;",
        "<![CDATA[",
        canary,
        "]]>",
    ];
    let unit_len: usize = unit.iter().map(|p| p.len()).sum();
    let mut out = String::with_capacity(units * unit_len);
    for _ in 0..units {
        for part in unit {
            out.push_str(part);
        }
    }
    Zeroizing::new(out)
}

/// Base64url without padding, into a zeroizing string of exact size.
#[cfg(feature = "sts")]
fn base64url(bytes: &[u8]) -> Zeroizing<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut word = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            word |= u32::from(b) << (16 - 8 * i);
        }
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((word >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    Zeroizing::new(out)
}

#[cfg(feature = "sts")]
fn sts_answer(secret: &str, token: &str, tail: &str) -> Zeroizing<Vec<u8>> {
    body(&[
        b"<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>",
        secret.as_bytes(),
        b"</SecretAccessKey><SessionToken>",
        token.as_bytes(),
        b"</SessionToken>",
        tail.as_bytes(),
        b"</Credentials></AssumeRoleResult></AssumeRoleResponse>",
    ])
}

/// The whole identity chain: token answer (escaped) → identity context →
/// `AssumeRole` form → signing → STS answer (escaped) → credentials → signing
/// the next request. No freed block holds any of its secrets.
#[cfg(feature = "sts")]
#[test]
fn the_identity_chain_leaves_no_unwiped_copy() {
    use ssooidc_token::sts::{AssumeRole, AssumeRoleResponse, IdentityContext, StsEndpoint};
    use ssooidc_token::{sign_for_service, CreateTokenWithIamResponse, SigningCredentials};
    let [_, escaped] = json_secrets(600);
    // The same context as an ID token claim (its payload base64url-encoded).
    let payload = body(&[
        br#"{"sub":"alice","sts:identity_context":""#,
        escaped.as_bytes(),
        br#"","aud":"x"}"#,
    ]);
    let encoded = base64url(&payload);
    let id_token = body(&[b"eyJhbGciOiJSUzI1NiJ9.", encoded.as_bytes(), b".c2ln"]);
    let secret = xml_secret(3);
    let token = xml_secret(30);
    for via_id_token in [false, true] {
        let leaks = leaks_during(|| {
            let answer = if via_id_token {
                body(&[
                    br#"{"accessToken":"aoal-x","idToken":""#,
                    &id_token,
                    br#""}"#,
                ])
            } else {
                body(&[
                    br#"{"accessToken":"aoal-x","awsAdditionalDetails":{"identityContext":""#,
                    escaped.as_bytes(),
                    br#""}}"#,
                ])
            };
            let response = CreateTokenWithIamResponse::from_json(&answer).unwrap();
            let context = IdentityContext::from_response(&response).unwrap();
            assert!(contains_canary(context.expose_secret().as_bytes()));
            // The external ID (a passphrase, perhaps) is a secret too: handed
            // over as an owned `String`, and as a copy of a borrowed one.
            let external_id = std::str::from_utf8(CANARY).unwrap().repeat(3);
            let builder = AssumeRole::builder()
                .role_arn("arn:aws:iam::123456789012:role/app")
                .role_session_name("alice")
                .identity_context(context)
                .mfa("arn:aws:iam::123456789012:mfa/alice", "123456");
            let request = if via_id_token {
                builder.external_id(external_id).build().unwrap()
            } else {
                let request = builder.external_id(&external_id).build().unwrap();
                drop(Zeroizing::new(external_id));
                request
            };
            assert!(contains_canary(
                request.external_id().unwrap().expose_secret().as_bytes()
            ));
            let form = request.to_form();
            assert!(contains_canary(form.expose_secret()));
            // Handed to a client as `Bytes`: wiped when the last clone goes.
            let form_bytes = request.to_form().into_bytes();
            let clone = form_bytes.clone();
            drop(form_bytes);
            assert!(contains_canary(&clone));
            drop(clone);
            let app = canary_credentials(Input::ExactString, true);
            let signed = request
                .to_signed_http(
                    &StsEndpoint::new("us-east-1").unwrap(),
                    &app,
                    signing_time(),
                )
                .unwrap();
            let xml = sts_answer(
                &secret,
                &token,
                "<Expiration>2030-01-01T00:00:00Z</Expiration>",
            );
            let session = AssumeRoleResponse::from_xml(&xml).unwrap();
            assert!(contains_canary(
                session
                    .credentials()
                    .session_token()
                    .expose_secret()
                    .as_bytes()
            ));
            let next = SigningCredentials::from(session.into_credentials());
            let mut call = http::Request::get("https://s3.us-east-1.amazonaws.com/")
                .body(Zeroizing::new(Vec::new()))
                .unwrap();
            sign_for_service(&mut call, &next, "us-east-1", "s3", signing_time()).unwrap();
            assert!(contains_canary(
                call.headers()["x-amz-security-token"].as_bytes()
            ));
            drop((response, form, signed, call, next, app, xml, answer));
        });
        assert_eq!(leaks, 0, "via ID token: {via_id_token}");
    }
}

/// Every error after secrets were read wipes them.
#[cfg(feature = "sts")]
#[test]
fn identity_chain_errors_leave_no_unwiped_copy() {
    use ssooidc_token::sts::{AssumeRoleResponse, IdentityContext, StsError};
    let [plain, escaped] = json_secrets(600);
    let long = json_secrets(3_000).into_iter().next().unwrap();
    let secret = xml_secret(3);
    let token = xml_secret(30);
    let leaks = leaks_during(|| {
        // A context longer than STS takes, read from the answer.
        let answer = body(&[
            br#"{"accessToken":"aoal-x","awsAdditionalDetails":{"identityContext":""#,
            long.as_bytes(),
            br#""}}"#,
        ]);
        let response = ssooidc_token::CreateTokenWithIamResponse::from_json(&answer).unwrap();
        let err = IdentityContext::from_response(&response).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("CANARY"));
        // ID tokens whose payload breaks after the claim, or has it twice, or
        // whose claim is not a string.
        for payload in [
            body(&[
                br#"{"sts:identity_context":""#,
                escaped.as_bytes(),
                br#"",]"#,
            ]),
            body(&[
                br#"{"sts:identity_context":""#,
                plain.as_bytes(),
                br#"","sts:identity_context":""#,
                plain.as_bytes(),
                br#""}"#,
            ]),
            body(&[
                br#"{"x":""#,
                plain.as_bytes(),
                br#"","sts:identity_context":{"v":""#,
                plain.as_bytes(),
                br#""}}"#,
            ]),
        ] {
            let encoded = base64url(&payload);
            let id_token = body(&[b"eyJhbGciOiJub25lIn0.", encoded.as_bytes(), b".c2ln"]);
            let err = IdentityContext::from_id_token(std::str::from_utf8(&id_token).unwrap())
                .unwrap_err();
            assert!(!format!("{err} {err:?}").contains("CANARY"));
        }
        // STS answers that fail after the secret key and token were decoded.
        for tail in [
            "",                                                                          // no Expiration
            "<Expiration>not a time</Expiration>", // bad timestamp
            "<SessionToken>again</SessionToken>",  // duplicate
            "<Expiration>2030-01-01T00:00:00Z</Expiration><x>&bogus;</x></Credentials>", // malformed
        ] {
            let xml = sts_answer(&secret, &token, tail);
            let err = AssumeRoleResponse::from_xml(&xml).unwrap_err();
            assert!(!format!("{err} {err:?}").contains("CANARY"));
        }
        // An entity that breaks inside the secret, after canaries.
        let bad = body(&[secret.as_bytes(), b"&#xZZ;"]);
        let xml = sts_answer(std::str::from_utf8(&bad).unwrap(), &token, "");
        assert!(AssumeRoleResponse::from_xml(&xml).is_err());
        // An error body that quotes the secret.
        let error = body(&[
            b"<ErrorResponse><Error><Code>AccessDenied</Code><Message>",
            secret.as_bytes(),
            b"</Message></Error></ErrorResponse>",
        ]);
        let err = StsError::from_xml(403, &error).unwrap();
        // Error bodies that fail after a text quoting the secret was decoded:
        // a later malformed element after `Code`, and a duplicated element.
        for error in [
            body(&[
                b"<ErrorResponse><Error><Code>",
                secret.as_bytes(),
                b"</Code><Message>&bogus;</Message></Error></ErrorResponse>",
            ]),
            body(&[
                b"<ErrorResponse><Error><Code>AccessDenied</Code><Message>",
                secret.as_bytes(),
                b"</Message><Message>",
                secret.as_bytes(),
                b"</Message></Error></ErrorResponse>",
            ]),
            body(&[
                b"<ErrorResponse><Error><Code>",
                secret.as_bytes(),
                b"</Code><Code>x</Code></Error></ErrorResponse>",
            ]),
        ] {
            let unreadable = StsError::from_xml(403, &error).unwrap_err();
            assert!(!format!("{unreadable} {unreadable:?}").contains("CANARY"));
        }
        drop((err, response, answer));
    });
    assert_eq!(leaks, 0);
}

/// Reading HTTP answers in one call leaves no unwiped copy: a success, an OAuth
/// error that quotes a secret, and an unreadable answer.
#[test]
fn from_http_leaves_no_unwiped_copy() {
    use ssooidc_token::{CreateTokenResponse, CreateTokenWithIamResponse};
    let [plain, escaped] = json_secrets(700);
    let leaks = leaks_during(|| {
        let ok = body(&[
            br#"{"accessToken":""#,
            escaped.as_bytes(),
            br#"","refreshToken":""#,
            plain.as_bytes(),
            br#"","expiresIn":3600}"#,
        ]);
        let response = CreateTokenWithIamResponse::from_http(200, &ok).unwrap();
        assert!(contains_canary(
            response.access_token().expose_secret().as_bytes()
        ));
        let refused = body(&[
            br#"{"error":"invalid_grant","error_description":""#,
            escaped.as_bytes(),
            br#""}"#,
        ]);
        let err = CreateTokenResponse::from_http(400, &refused).unwrap_err();
        assert!(err.token_error().is_some());
        let truncated = body(&[br#"{"accessToken":""#, escaped.as_bytes()]);
        let err2 = CreateTokenResponse::from_http(200, &truncated).unwrap_err();
        assert!(!format!("{err2} {err2:?}").contains("CANARY"));
        drop((response, err, ok, refused, truncated));
    });
    assert_eq!(leaks, 0);
}

/// A signature refusal whose message quotes the signed request (its
/// `x-amz-security-token` line: the caller's session token) is cut where the
/// quote begins: no freed block holds the cut part, before or after the error
/// is dropped, from an OIDC answer (AWS and OAuth style) or an STS one.
#[test]
fn a_withheld_quote_of_the_signed_request_leaves_no_unwiped_copy() {
    use ssooidc_token::CreateTokenWithIamResponse;
    let [_, escaped] = json_secrets(600);
    // Every text holding the canary is built at its exact size and wiped when
    // dropped: the probe is armed for one test at a time, but tests run on
    // several threads, and a copy freed here unwiped would be found by another.
    let quote = |token: &[u8], newline: &[u8]| {
        body(&[
            b"The request signature we calculated does not match the signature you provided.",
            newline,
            newline,
            b"The Canonical String for this request should have been",
            newline,
            b"'POST",
            newline,
            b"/token",
            newline,
            newline,
            b"host:oidc.us-east-1.amazonaws.com",
            newline,
            b"x-amz-security-token:",
            token,
            newline,
            b"'",
            newline,
            newline,
            b"The String-to-Sign should have been",
            newline,
            b"'AWS4-HMAC-SHA256",
            newline,
            b"...'",
        ])
    };
    let json = quote(escaped.as_bytes(), b"\\n");
    let bodies = [
        body(&[
            br#"{"__type":"InvalidSignatureException","message":""#,
            &json,
            br#""}"#,
        ]),
        body(&[
            br#"{"error":"invalid_request","error_description":""#,
            &json,
            br#""}"#,
        ]),
    ];
    #[cfg(feature = "sts")]
    let (secret, xml_quote) = {
        let secret = xml_secret(10);
        let xml_quote = quote(secret.as_bytes(), b"&#10;");
        (secret, xml_quote)
    };
    let leaks = leaks_during(|| {
        for body in &bodies {
            let err = CreateTokenWithIamResponse::from_http(403, body).unwrap_err();
            let refusal = err.token_error().unwrap();
            let kept = refusal.message().or(refusal.description()).unwrap();
            assert!(kept.ends_with("you provided."), "{kept}");
            assert!(!format!("{err} {err:?}").contains("CANARY"));
            drop(err);
        }
        #[cfg(feature = "sts")]
        {
            let xml = body(&[
                b"<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>",
                &xml_quote,
                b"</Message></Error></ErrorResponse>",
            ]);
            let err = ssooidc_token::sts::StsError::from_xml(403, &xml).unwrap();
            assert!(err.message().unwrap().ends_with("you provided."));
            assert!(!format!("{err} {err:?}").contains("CANARY"));
            drop((err, xml));
        }
    });
    assert_eq!(leaks, 0);
    #[cfg(feature = "sts")]
    drop((secret, xml_quote));
    drop((json, bodies, escaped));
}

/// A body handed to an HTTP client as `Bytes` is wiped when the last clone goes.
#[cfg(feature = "http")]
#[test]
fn bytes_bodies_are_wiped_when_the_last_clone_drops() {
    for input in INPUTS {
        let leaks = leaks_during(|| {
            let request = with_secret(input, 1_024, |token| {
                set!(
                    CreateTokenWithIam::refresh_token().client_id(ARN),
                    refresh_token,
                    token
                )
                .build()
                .unwrap()
            });
            let bytes = request.to_json().into_bytes();
            let clones = [bytes.clone(), bytes.slice(10..)];
            assert!(contains_canary(&clones[0]));
            drop(bytes);
            drop(clones);
        });
        assert_eq!(leaks, 0, "{input:?}: a Bytes body left an unwiped copy");
    }
}

/// The probe catches a plain `Bytes::from(Vec)`: it frees its buffer unwiped.
#[cfg(feature = "http")]
#[test]
fn positive_control_plain_bytes_leak() {
    let leaks = leaks_during(|| {
        let bytes = bytes::Bytes::from(secret_string(1_024, 1_024).into_bytes());
        let clone = bytes.clone();
        drop(bytes);
        drop(clone);
    });
    assert!(leaks > 0, "the probe missed a plain Bytes buffer");
}
