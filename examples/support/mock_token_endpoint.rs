//! A local token endpoint for the round-trip example and test: it listens on
//! 127.0.0.1 only, serves one request, checks it (method, path and query,
//! headers, body, SigV4 signature), and answers with a canned body. Bounded in
//! time: it gives up after 10 seconds.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4::SigningParams;
use ssooidc_token::AnyCreateTokenWithIam;

/// The credentials the endpoint verifies signatures with (example values).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";

/// What the endpoint saw and checked.
#[derive(Debug)]
pub struct Checked {
    pub grant_type: &'static str,
    pub signed_headers: String,
}

pub struct MockTokenEndpoint {
    pub addr: SocketAddr,
    handle: JoinHandle<Result<Checked, String>>,
}

impl MockTokenEndpoint {
    /// Starts the endpoint; it will answer `status` with `body`.
    pub fn start(status: u16, body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let handle = std::thread::spawn(move || serve_one(&listener, status, body));
        Self { addr, handle }
    }

    /// The base URL to send to.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits for the endpoint to finish; its verdict on the request.
    pub fn checked(self) -> Result<Checked, String> {
        self.handle
            .join()
            .map_err(|_| "the endpoint panicked".to_owned())?
    }
}

fn serve_one(listener: &TcpListener, status: u16, reply: &str) -> Result<Checked, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut stream, _) = loop {
        match listener.accept() {
            Ok(conn) => break conn,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("no request arrived: {e}")),
        }
    };
    stream.set_nonblocking(false).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;

    // Read the head, then exactly content-length bytes of body.
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if data.len() > 64 * 1024 {
            return Err("request head too long".into());
        }
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the head ended".into());
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = std::str::from_utf8(&data[..head_end])
        .map_err(|_| "head is not UTF-8")?
        .to_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let length: usize = header("content-length")
        .ok_or("no content-length")?
        .parse()
        .map_err(|_| "bad content-length")?;
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the body ended".into());
        }
        data.extend_from_slice(&buf[..n]);
    }
    let body = &data[head_end..head_end + length];

    // Method, path and query.
    let mut parts = request_line.split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    if method != "POST" || target != "/token?aws_iam=t" {
        return Err(format!("unexpected request line {request_line:?}"));
    }
    // Headers.
    if header("content-type") != Some("application/json") {
        return Err("content-type is not application/json".into());
    }
    let host = header("host").ok_or("no host")?.to_owned();
    let date = header("x-amz-date").ok_or("no x-amz-date")?;
    let authorization = header("authorization")
        .ok_or("no authorization")?
        .to_owned();
    // Body: a well-formed CreateTokenWithIAM request.
    let request =
        AnyCreateTokenWithIam::from_json(body).map_err(|e| format!("body refused: {e}"))?;

    // Signature: sign what arrived, with the same credentials and the request's
    // own time, and compare.
    let signed_headers = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .ok_or("authorization has no SignedHeaders")?
        .to_owned();
    let time = parse_amz_date(date).ok_or("bad x-amz-date")?;
    let identity = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "mock").into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("sso-oauth")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let uri = format!("http://{host}{target}");
    let signed: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| signed_headers.split(';').any(|s| s == n))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest::new(method, uri, signed.into_iter(), SignableBody::Bytes(body))
        .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let (expected_headers, _) = instructions.into_parts();
    let expected = expected_headers
        .iter()
        .find(|h| h.name() == "authorization")
        .map(|h| h.value().to_owned())
        .ok_or("the signer gave no authorization")?;
    if expected != authorization {
        return Err(format!(
            "signature mismatch:\n  got      {authorization}\n  expected {expected}"
        ));
    }

    let reason = if status == 200 { "OK" } else { "Bad Request" };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
    stream
        .write_all(response.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(Checked {
        grant_type: request.grant_type(),
        signed_headers,
    })
}

/// `YYYYMMDDTHHMMSSZ` as a time.
fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let num = |range: std::ops::Range<usize>| s.get(range)?.parse::<i64>().ok();
    if s.len() != 16 || &s[8..9] != "T" || &s[15..] != "Z" {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days * 86_400 + hh * 3_600 + mm * 60 + ss).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}
