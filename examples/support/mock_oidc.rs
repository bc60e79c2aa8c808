//! A local stand-in for IAM Identity Center's OIDC endpoints, for the login
//! examples and their tests. It listens on 127.0.0.1 only, serves
//! `POST /client/register`, `POST /device_authorization`, `GET /authorize` and
//! `POST /token`, checks what it receives (client credentials, the device code, the
//! PKCE verifier against the challenge, the pace of the polls), and stops by
//! itself once it has issued a token, or after 30 seconds.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::loopback::{read_message, respond};

const CLIENT_ID: &str = "mock-client-id";
const CLIENT_SECRET: &str = "mock-client-secret";
const DEVICE_CODE: &str = "mock-device-code";
const USER_CODE: &str = "WDJB-MJHT";
const AUTH_CODE: &str = "mock-authorization-code";
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);
/// Polls may arrive this much before the interval ends (timer granularity).
const SLACK: Duration = Duration::from_millis(20);

/// What the endpoint saw.
#[derive(Debug, Default)]
pub struct Report {
    /// The device-code polls, in seconds after the first one.
    pub poll_offsets: Vec<f64>,
    /// Each step, in order.
    pub log: Vec<String>,
    /// The body of each `RegisterClient` call, as sent.
    pub registrations: Vec<Value>,
}

pub struct MockOidc {
    pub addr: SocketAddr,
    handle: JoinHandle<Result<Report, String>>,
}

impl MockOidc {
    /// Starts the endpoint. Device polls are answered with `device_answers` in
    /// order (OAuth error codes, or `"token"`); the device authorization says to
    /// poll every `interval` seconds.
    pub fn start(device_answers: &'static [&'static str], interval: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let handle = std::thread::spawn(move || {
            let mut state = State {
                base: format!("http://{addr}"),
                answers: device_answers.iter(),
                interval: Duration::from_secs(interval),
                ..State::default()
            };
            serve(&listener, &mut state)?;
            Ok(state.report)
        });
        Self { addr, handle }
    }

    /// The base URL, as for `Endpoint::custom`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits for the endpoint to stop; what it saw, or what it found wrong.
    pub fn finish(self) -> Result<Report, String> {
        self.handle
            .join()
            .map_err(|_| "the endpoint panicked".to_owned())?
    }
}

#[derive(Default)]
struct State {
    base: String,
    answers: std::slice::Iter<'static, &'static str>,
    interval: Duration,
    /// `None` until a client registers in this run: a client registered in an
    /// earlier run (its registration reused from a cache) is known too.
    redirect_uris: Option<Vec<String>>,
    last_poll: Option<Instant>,
    first_poll: Option<Instant>,
    authorization: Option<(String, String, String)>,
    report: Report,
}

fn serve(listener: &TcpListener, state: &mut State) -> Result<(), String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + GIVE_UP_AFTER;
    loop {
        let mut stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
            Err(e) => return Err(format!("gave up waiting for a request: {e}")),
        };
        stream.set_nonblocking(false).map_err(|e| e.to_string())?;
        let request = read_message(&mut stream).map_err(|e| e.to_string())?;
        let (method, target) = request.method_and_target();
        state.report.log.push(format!(
            "{method} {}",
            target.split('?').next().unwrap_or_default()
        ));
        let answer = match (method, target.split('?').next().unwrap_or_default()) {
            ("POST", "/client/register") => register(state, &request.body),
            ("POST", "/device_authorization") => start_device(state, &request.body),
            ("GET", "/authorize") => authorize(state, target.split_once('?').map_or("", |q| q.1)),
            ("POST", "/token") => token(state, &request.body),
            _ => Err(format!("unexpected request {}", request.start)),
        };
        let (status, headers, body, done) = match answer {
            Ok(answer) => answer,
            Err(problem) => {
                let _ = respond(&mut stream, 400, &[], br#"{"error":"invalid_request"}"#);
                return Err(problem);
            }
        };
        let header_refs: Vec<(&str, &str)> =
            headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        respond(&mut stream, status, &header_refs, body.as_bytes()).map_err(|e| e.to_string())?;
        if done {
            return Ok(());
        }
    }
}

type Answer = Result<(u16, Vec<(&'static str, String)>, String, bool), String>;

fn json_ok(body: &Value) -> Answer {
    Ok((
        200,
        vec![("content-type", "application/json".into())],
        body.to_string(),
        false,
    ))
}

fn parse(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))
}

fn check_client(body: &Value) -> Result<(), String> {
    if body["clientId"] != CLIENT_ID || body["clientSecret"] != CLIENT_SECRET {
        return Err("wrong client id or secret".into());
    }
    Ok(())
}

fn register(state: &mut State, body: &[u8]) -> Answer {
    let body = parse(body)?;
    if body["clientType"] != "public" || body["clientName"].as_str().is_none() {
        return Err(format!("bad registration {body}"));
    }
    state.report.registrations.push(body.clone());
    state.redirect_uris = Some(
        body["redirectUris"]
            .as_array()
            .map(|uris| {
                uris.iter()
                    .filter_map(|u| u.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    json_ok(&json!({
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "clientIdIssuedAt": now,
        // 90 days, as IAM Identity Center gives.
        "clientSecretExpiresAt": now + 90 * 24 * 3600,
        "authorizationEndpoint": format!("{}/authorize", state.base),
        "tokenEndpoint": format!("{}/token", state.base),
    }))
}

fn start_device(state: &mut State, body: &[u8]) -> Answer {
    let body = parse(body)?;
    check_client(&body)?;
    if body["startUrl"].as_str().is_none() {
        return Err("no startUrl".into());
    }
    json_ok(&json!({
        "deviceCode": DEVICE_CODE,
        "userCode": USER_CODE,
        "verificationUri": format!("{}/device", state.base),
        "verificationUriComplete": format!("{}/device?user_code={USER_CODE}", state.base),
        "expiresIn": 60,
        "interval": state.interval.as_secs(),
    }))
}

fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = String::new();
    for &b in bytes {
        bits = (bits << 8) | u32::from(b);
        count += 8;
        while count >= 6 {
            count -= 6;
            out.push(char::from(ALPHABET[((bits >> count) & 63) as usize]));
        }
    }
    if count > 0 {
        out.push(char::from(ALPHABET[((bits << (6 - count)) & 63) as usize]));
    }
    out
}

fn authorize(state: &mut State, query: &str) -> Answer {
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(n, v)| (n.to_owned(), decode(v)))
        .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("authorize: no {name}"))
    };
    if get("response_type")? != "code" || get("code_challenge_method")? != "S256" {
        return Err("authorize: not a PKCE S256 code request".into());
    }
    if get("client_id")? != CLIENT_ID {
        return Err("authorize: unknown client".into());
    }
    let redirect_uri = get("redirect_uri")?;
    let known = match &state.redirect_uris {
        Some(uris) => uris.iter().any(|u| same_loopback(u, &redirect_uri)),
        None => redirect_uri.starts_with("http://127.0.0.1:"),
    };
    if !known {
        return Err("authorize: redirect_uri was not registered".into());
    }
    let scopes = get("scopes")?;
    let client_state = get("state")?;
    state
        .report
        .log
        .push(format!("authorize: scopes {scopes:?}"));
    state.authorization = Some((
        AUTH_CODE.into(),
        redirect_uri.clone(),
        get("code_challenge")?,
    ));
    // The user signs in and approves; the browser goes back to the app.
    let location = format!(
        "{redirect_uri}?code={}&state={}",
        encode(AUTH_CODE),
        encode(&client_state)
    );
    Ok((302, vec![("location", location)], String::new(), false))
}

/// Whether two redirect URIs are the same, the port of a loopback one aside (a
/// client registers `http://127.0.0.1/oauth/callback` and listens on any port,
/// RFC 8252 section 7.3).
fn same_loopback(registered: &str, used: &str) -> bool {
    let without_port = |uri: &str| -> String {
        match uri.strip_prefix("http://127.0.0.1:") {
            Some(rest) => format!(
                "http://127.0.0.1{}",
                &rest[rest.find('/').unwrap_or(rest.len())..]
            ),
            None => uri.to_owned(),
        }
    };
    registered == used || without_port(registered) == without_port(used)
}

fn token(state: &mut State, body: &[u8]) -> Answer {
    let body = parse(body)?;
    check_client(&body)?;
    let token = json!({
        "accessToken": "mock-access-token",
        "tokenType": "Bearer",
        "expiresIn": 3600,
        "refreshToken": "mock-refresh-token",
    });
    match body["grantType"].as_str() {
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            if body["deviceCode"] != DEVICE_CODE {
                return Err("wrong device code".into());
            }
            let now = Instant::now();
            if let Some(last) = state.last_poll {
                if now + SLACK < last + state.interval {
                    return Err(format!(
                        "polled {:?} after the previous poll; the interval is {:?}",
                        now - last,
                        state.interval
                    ));
                }
            }
            let first = *state.first_poll.get_or_insert(now);
            state.last_poll = Some(now);
            state.report.poll_offsets.push((now - first).as_secs_f64());
            match state.answers.next() {
                Some(&"token") => {
                    let mut answer = json_ok(&token)?;
                    answer.3 = true;
                    Ok(answer)
                }
                Some(&error) => {
                    let error_type = if error == "slow_down" {
                        state.interval += Duration::from_secs(5);
                        "SlowDownException"
                    } else {
                        "AuthorizationPendingException"
                    };
                    Ok((
                        400,
                        vec![
                            ("content-type", "application/json".into()),
                            ("x-amzn-errortype", error_type.into()),
                        ],
                        json!({ "error": error, "error_description": "scripted" }).to_string(),
                        // A final answer ends the stand-in too.
                        !matches!(error, "authorization_pending" | "slow_down"),
                    ))
                }
                None => Err("polled after the script ended".into()),
            }
        }
        Some("authorization_code") => {
            let (code, redirect_uri, challenge) = state
                .authorization
                .take()
                .ok_or("no authorization to exchange")?;
            if body["code"] != code.as_str() || body["redirectUri"] != redirect_uri.as_str() {
                return Err("wrong code or redirect URI".into());
            }
            let verifier = body["codeVerifier"].as_str().ok_or("no codeVerifier")?;
            if base64url(&Sha256::digest(verifier.as_bytes())) != challenge {
                return Err("the code verifier does not match the challenge".into());
            }
            state
                .report
                .log
                .push("token: verifier matches the challenge".into());
            let mut answer = json_ok(&token)?;
            answer.3 = true;
            Ok(answer)
        }
        other => Err(format!("unexpected grant type {other:?}")),
    }
}
