//! No copy of a login secret is freed without being wiped: the client secret, the
//! device code, the PKCE verifier and the authorization code, through the
//! builders, bodies, responses, the device poller and callback parsing.
//!
//! A test binary of its own with its own global allocator (the probe is the one in
//! `secrets_in_memory.rs`): while armed, it scans every block before it is freed,
//! and every block a reallocation moves, for a canary planted in every secret.
//! Positive controls show it catches real leaks.

use ssooidc_token::login::{
    AuthorizationCallback, DevicePoller, LoopbackRedirect, Pkce, PollOutcome,
    RegisterClientResponse, StartDeviceAuthorization, StartDeviceAuthorizationResponse,
};
use ssooidc_token::{CreateToken, ExposeSecret, SecretString};
use zeroize::Zeroizing;

#[path = "common/probe.rs"]
mod probe;

use probe::{contains_canary, leaks_during, secret_string, CANARY};

/// The ways a caller can hand a secret over.
#[derive(Clone, Copy, Debug)]
enum Input {
    Str,
    ExactString,
    SpareString,
    BoxStr,
    Secret,
    Zeroizing,
}

const INPUTS: [Input; 6] = [
    Input::Str,
    Input::ExactString,
    Input::SpareString,
    Input::BoxStr,
    Input::Secret,
    Input::Zeroizing,
];

/// Hands `f` a secret of `len` bytes in the form `input`, and cleans up what the
/// caller keeps (the `&str` case's source is the caller's, wiped here).
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
            Handed::Zeroizing(v) => $builder.$setter(v),
        }
    };
}

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
/// between the canaries, so that decoding has to do real work.
fn json_secrets(len: usize) -> [Zeroizing<String>; 2] {
    let plain = Zeroizing::new(secret_string(len, len));
    let canary = std::str::from_utf8(CANARY).unwrap();
    let unit = [canary, "\\/", canary, "\\\"", canary, "\\u00e9", canary];
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

const START_URL: &str = "https://d-1234567890.awsapps.com/start/#";

fn registration(secret: &str) -> RegisterClientResponse {
    let b = body(&[
        br#"{"clientId":"_yzkThXVzLWVhc3QtMQ","clientSecret":""#,
        secret.as_bytes(),
        br#"","clientIdIssuedAt":1700000000,"clientSecretExpiresAt":1707776000}"#,
    ]);
    RegisterClientResponse::from_json(&b).unwrap()
}

fn authorization(device_code: &str) -> StartDeviceAuthorizationResponse {
    let b = body(&[
        br#"{"deviceCode":""#,
        device_code.as_bytes(),
        br#"","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","expiresIn":600,"interval":1}"#,
    ]);
    StartDeviceAuthorizationResponse::from_json(&b).unwrap()
}

#[test]
fn register_response_and_device_authorization_leave_no_unwiped_copy() {
    for len in [16, 1_024, 4_096] {
        for secret in json_secrets(len) {
            let leaks = leaks_during(|| {
                let client = registration(&secret);
                assert!(contains_canary(
                    client.client_secret().expose_secret().as_bytes()
                ));
                let request = StartDeviceAuthorization::builder()
                    .client_id(client.client_id())
                    .client_secret(client.client_secret().clone())
                    .start_url(START_URL)
                    .build()
                    .unwrap();
                let json = request.to_json();
                assert!(contains_canary(json.expose_secret()));
                drop((json, request, client));
            });
            assert_eq!(
                leaks, 0,
                "len {len}: unwiped client-secret copies were freed"
            );
        }
    }
}

#[test]
fn refused_responses_leave_no_unwiped_copy() {
    for len in [16, 1_024] {
        for secret in json_secrets(len) {
            let leaks = leaks_during(|| {
                // The secret is read, then the body turns out bad: it must be wiped.
                let duplicate = body(&[
                    br#"{"clientId":"c","clientSecret":""#,
                    secret.as_bytes(),
                    br#"","clientSecret":"again"}"#,
                ]);
                assert!(RegisterClientResponse::from_json(&duplicate).is_err());
                let truncated = body(&[br#"{"clientId":"c","clientSecret":""#, secret.as_bytes()]);
                assert!(RegisterClientResponse::from_json(&truncated).is_err());
                let missing = body(&[
                    br#"{"deviceCode":""#,
                    secret.as_bytes(),
                    br#"","expiresIn":600}"#,
                ]);
                let err = StartDeviceAuthorizationResponse::from_json(&missing).unwrap_err();
                assert!(!format!("{err} {err:?}").contains("CANARY"));
                let wrong_type = body(&[
                    br#"{"deviceCode":""#,
                    secret.as_bytes(),
                    br#"","userCode":"U","verificationUri":"v","expiresIn":"600"}"#,
                ]);
                assert!(StartDeviceAuthorizationResponse::from_json(&wrong_type).is_err());
            });
            assert_eq!(leaks, 0, "len {len}: refused responses");
        }
    }
}

#[test]
fn start_device_authorization_of_every_input_type_leaves_no_copy() {
    for input in INPUTS {
        for len in [16, 1_024] {
            let leaks = leaks_during(|| {
                let request = with_secret(input, len, |secret| {
                    set!(
                        StartDeviceAuthorization::builder()
                            .client_id("c")
                            .start_url(START_URL),
                        client_secret,
                        secret
                    )
                    .build()
                    .unwrap()
                });
                assert!(contains_canary(request.to_json().expose_secret()));
                assert!(!format!("{request:?}").contains("CANARY"));
            });
            assert_eq!(leaks, 0, "{input:?}, len {len}");
        }
    }
}

#[test]
fn device_poller_leaves_no_unwiped_copy() {
    let answers: [(u16, &[u8]); 5] = [
        (400, br#"{"error":"authorization_pending"}"#),
        (400, br#"{"error":"slow_down"}"#),
        (502, b"<html>Bad Gateway</html>"),
        (400, b"{}"),
        (200, br#"{"accessToken":"aoal","expiresIn":3600}"#),
    ];
    for len in [16, 1_024] {
        for (secret, device_code) in json_secrets(len).into_iter().zip(json_secrets(len + 7)) {
            let leaks = leaks_during(|| {
                let start = std::time::Instant::now();
                let client = registration(&secret);
                let mut poller =
                    DevicePoller::new(&client, authorization(&device_code), start).unwrap();
                drop(client);
                let mut outcome = None;
                for (status, answer) in answers {
                    let json = poller.request().to_json();
                    assert!(contains_canary(json.expose_secret()));
                    drop(json);
                    outcome = Some(poller.on_response(status, answer, poller.next_poll_at()));
                }
                assert!(matches!(outcome, Some(PollOutcome::Token(_))));
                assert!(!format!("{poller:?}").contains("CANARY"));
                drop(poller);
            });
            assert_eq!(
                leaks, 0,
                "len {len}: unwiped secret copies freed while polling"
            );
            // A poller made from a client registered earlier, ending with a refusal.
            let leaks = leaks_during(|| {
                let mut poller = with_secret(Input::SpareString, len, |secret| {
                    let auth = authorization(&device_code);
                    let now = std::time::Instant::now();
                    match secret {
                        Handed::String(s) => DevicePoller::from_client("c", s, auth, now),
                        _ => unreachable!(),
                    }
                    .unwrap()
                });
                let outcome =
                    poller.on_response(400, br#"{"error":"invalid_grant"}"#, poller.next_poll_at());
                assert!(matches!(outcome, PollOutcome::Failed(_)));
            });
            assert_eq!(leaks, 0, "len {len}: DevicePoller::from_client");
        }
    }
}

/// `Pkce::from_verifier` with a verifier made of canaries (43 to 128 unreserved
/// characters), whatever its input type.
fn pkce_from(verifier: Handed) -> Pkce {
    match verifier {
        Handed::Str(v) => Pkce::from_verifier(v),
        Handed::String(v) => Pkce::from_verifier(v),
        Handed::Box(v) => Pkce::from_verifier(v),
        Handed::Secret(v) => Pkce::from_verifier(v),
        Handed::Zeroizing(v) => Pkce::from_verifier(v),
    }
    .unwrap()
}

#[test]
fn pkce_verifier_leaves_no_unwiped_copy() {
    for input in INPUTS {
        for len in [48, 128] {
            let leaks = leaks_during(|| {
                let pkce = with_secret(input, len, pkce_from);
                assert!(contains_canary(pkce.verifier().expose_secret().as_bytes()));
                assert!(!format!("{pkce:?}").contains("CANARY"));
                assert_eq!(pkce.challenge().len(), 43);
                let request = CreateToken::authorization_code()
                    .client_id("c")
                    .client_secret("s")
                    .code("code")
                    .redirect_uri("http://127.0.0.1:8400/oauth/callback")
                    .code_verifier(pkce.into_verifier())
                    .build()
                    .unwrap();
                assert!(contains_canary(request.to_json().expose_secret()));
            });
            assert_eq!(leaks, 0, "{input:?}, len {len}: PKCE verifier");
        }
    }
    // A refused verifier (too long) is wiped too.
    let leaks = leaks_during(|| {
        assert!(with_secret(Input::SpareString, 200, |v| match v {
            Handed::String(v) => Pkce::from_verifier(v),
            _ => unreachable!(),
        })
        .is_err());
    });
    assert_eq!(leaks, 0, "refused verifier");
}

/// A redirect query carrying a canary code: plain, or percent-encoded between the
/// canaries so that decoding has to do real work.
fn queries(len: usize, state: &str, tail: &str) -> [Zeroizing<String>; 2] {
    let plain = Zeroizing::new(secret_string(len, len));
    let canary = std::str::from_utf8(CANARY).unwrap();
    let parts = ["state=", state, "&code=", &plain, tail];
    let mut q1 = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        q1.push_str(part);
    }
    let unit = [canary, "%2F", canary, "+", canary, "%C3%A9"];
    let count = (len / 40).max(1);
    let capacity =
        6 + state.len() + 6 + count * unit.iter().map(|p| p.len()).sum::<usize>() + tail.len();
    let mut q2 = String::with_capacity(capacity);
    q2.push_str("state=");
    q2.push_str(state);
    q2.push_str("&code=");
    for _ in 0..count {
        for part in unit {
            q2.push_str(part);
        }
    }
    q2.push_str(tail);
    assert_eq!(q2.len(), q2.capacity());
    [Zeroizing::new(q1), Zeroizing::new(q2)]
}

#[test]
fn callback_parsing_leaves_no_unwiped_copy() {
    for len in [16, 1_024, 4_096] {
        for query in queries(len, "st", "&iss=x") {
            let leaks = leaks_during(|| {
                let code = AuthorizationCallback::parse(&query, "st").unwrap();
                assert!(contains_canary(code.expose_secret().as_bytes()));
                let request = CreateToken::authorization_code()
                    .client_id("c")
                    .client_secret("s")
                    .code(code)
                    .redirect_uri("http://127.0.0.1:8400/oauth/callback")
                    .build()
                    .unwrap();
                assert!(contains_canary(request.to_json().expose_secret()));
            });
            assert_eq!(leaks, 0, "len {len}: authorization code");
        }
        // Refused: wrong state, bad UTF-8 after decoding, a second code.
        for (state, tail) in [("forged", ""), ("st", "%FF"), ("st", "&code=x")] {
            for query in queries(len, state, tail) {
                let leaks = leaks_during(|| {
                    let err = AuthorizationCallback::parse(&query, "st").unwrap_err();
                    assert!(!format!("{err} {err:?}").contains("CANARY"));
                });
                assert_eq!(leaks, 0, "len {len}, state {state}, tail {tail}");
            }
        }
    }
}

/// The browser's request carrying a code of `len` bytes, in one exact-size
/// zeroizing buffer.
fn redirect_request(len: usize) -> Zeroizing<Vec<u8>> {
    let code = Zeroizing::new(secret_string(len, len));
    body(&[
        b"GET /oauth/callback?code=",
        code.as_bytes(),
        b"&state=st HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/html\r\n\r\n",
    ])
}

#[test]
fn loopback_redirect_leaves_no_unwiped_copy() {
    use std::io::{Read, Write};
    use std::time::Duration;

    for len in [16, 1_024, 4_096] {
        let redirect = LoopbackRedirect::bind().unwrap();
        let request = redirect_request(len);
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", redirect.port())).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let leaks = leaks_during(|| {
            let browser = std::thread::spawn(move || {
                stream.write_all(&request).unwrap();
                drop(request);
                // The page holds no secret; read it into a fixed buffer.
                let mut page = [0u8; 1024];
                let n = stream.read(&mut page).unwrap();
                page[..n].starts_with(b"HTTP/1.1 200 ")
            });
            let code = redirect.wait(Duration::from_secs(10), "st").unwrap();
            assert_eq!(code.expose_secret().len(), len);
            assert!(contains_canary(code.expose_secret().as_bytes()));
            assert!(browser.join().unwrap());
        });
        assert_eq!(
            leaks, 0,
            "len {len}: authorization code through LoopbackRedirect"
        );
    }
}

#[test]
fn positive_control_a_growing_request_buffer_leaks() {
    // What LoopbackRedirect avoids: reading the request line into a growing
    // String (as a hand-written listener with BufRead::read_line does).
    use std::io::BufRead;
    let request = redirect_request(1_024);
    let leaks = leaks_during(|| {
        let mut reader = std::io::BufReader::with_capacity(64, &request[..]);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        drop(Zeroizing::new(line));
    });
    assert!(leaks > 0, "the probe missed a growing request buffer");
}

#[cfg(feature = "http")]
#[test]
fn http_requests_leave_no_unwiped_copy() {
    let leaks = leaks_during(|| {
        let request = with_secret(Input::SpareString, 1_024, |secret| {
            set!(
                StartDeviceAuthorization::builder()
                    .client_id("c")
                    .start_url(START_URL),
                client_secret,
                secret
            )
            .build()
            .unwrap()
        });
        let http = request.to_http("us-east-1").unwrap();
        assert!(contains_canary(http.body().expose_secret()));
    });
    assert_eq!(leaks, 0, "unwiped copies freed around to_http");
}

#[test]
fn positive_control_plain_string_drop_leaks() {
    let leaks = leaks_during(|| drop(secret_string(64, 64)));
    assert_eq!(leaks, 1);
}

#[test]
fn positive_control_naive_query_decoding_leaks() {
    // What AuthorizationCallback::parse avoids: decoding into a growing String
    // leaves the outgrown blocks, holding parts of the code, unwiped.
    let leaks = leaks_during(|| {
        for query in queries(1_024, "st", "") {
            let raw = query.split("code=").nth(1).unwrap();
            let mut decoded = String::new();
            for c in raw.chars() {
                decoded.push(if c == '+' { ' ' } else { c });
            }
            drop(Zeroizing::new(decoded));
        }
    });
    assert!(leaks > 0, "the probe missed a growing String's copies");
}
