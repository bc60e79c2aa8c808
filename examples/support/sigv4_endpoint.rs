//! A local HTTP endpoint for the examples and their tests: it listens on
//! 127.0.0.1 only, serves exactly one request, checks its SigV4 signature with
//! `aws-sigv4` (the SDK's signer, as an independent verifier, with the settings
//! the SDK uses for the signing name: S3's for `s3`) for the expected
//! credentials and signing name, hands the request to a handler, and writes the
//! handler's answer. Bounded in time: it gives up after 10 seconds.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4::SigningParams;

/// Who must have signed the request, and for what.
#[derive(Clone)]
pub struct Signer {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub region: &'static str,
    pub signing_name: &'static str,
}

/// What arrived (after the signature was verified).
#[derive(Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The answer: status, content type, body.
pub type Answer = (u16, &'static str, String);

pub struct Endpoint<T> {
    pub addr: SocketAddr,
    handle: JoinHandle<Result<T, String>>,
}

impl<T: Send + 'static> Endpoint<T> {
    /// Starts the endpoint. `handle` checks what arrived and gives the answer and
    /// what the caller may want to know about the request.
    pub fn start(
        signer: Signer,
        handle: impl FnOnce(&Received) -> Result<(Answer, T), String> + Send + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let handle = std::thread::spawn(move || serve_one(&listener, Some(&signer), handle));
        Self { addr, handle }
    }

    /// Starts an endpoint for unsigned requests (`CreateToken`, registration).
    pub fn start_unsigned(
        handle: impl FnOnce(&Received) -> Result<(Answer, T), String> + Send + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let handle = std::thread::spawn(move || serve_one(&listener, None, handle));
        Self { addr, handle }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits for the endpoint to finish: what the handler returned, or why the
    /// request was refused.
    pub fn outcome(self) -> Result<T, String> {
        self.handle
            .join()
            .map_err(|_| "the endpoint panicked".to_owned())?
    }
}

fn serve_one<T>(
    listener: &TcpListener,
    signer: Option<&Signer>,
    handle: impl FnOnce(&Received) -> Result<(Answer, T), String>,
) -> Result<T, String> {
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
    let received = read_request(&mut stream)?;
    let verified = match signer {
        Some(signer) => verify(&received, signer),
        None if received.header("authorization").is_some() => {
            Err("an unsigned request was expected".to_owned())
        }
        None => Ok(()),
    };
    let outcome = verified.and_then(|()| handle(&received));
    let ((status, content_type, body), result) = match outcome {
        Ok(answer) => answer,
        Err(why) => ((400, "text/plain", why.clone()), Err(why)?),
    };
    let response = format!(
        "HTTP/1.1 {status} Answer\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-amzn-requestid: 0f1e2d3c-local\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(response.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(result)
}

pub fn read_request(stream: &mut std::net::TcpStream) -> Result<Received, String> {
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
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(Ok(0), |(_, v)| v.parse())
        .map_err(|_| "bad content-length")?;
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the body ended".into());
        }
        data.extend_from_slice(&buf[..n]);
    }
    Ok(Received {
        method,
        target,
        headers,
        body: data[head_end..head_end + length].to_vec(),
    })
}

/// Signs what arrived with the expected credentials at the request's own time,
/// and compares the signature.
pub fn verify(received: &Received, signer: &Signer) -> Result<(), String> {
    let authorization = received.header("authorization").ok_or("no authorization")?;
    let scope = format!("/{}/{}/aws4_request", signer.region, signer.signing_name);
    if !authorization.contains(&format!("Credential={}/", signer.access_key_id))
        || !authorization.contains(&scope)
    {
        return Err(format!(
            "signed by someone else or for another scope: {authorization}"
        ));
    }
    if received.header("x-amz-security-token") != signer.session_token.as_deref() {
        return Err("the session token is not the expected one".into());
    }
    let signed_headers = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .ok_or("authorization has no SignedHeaders")?;
    let time = parse_amz_date(received.header("x-amz-date").ok_or("no x-amz-date")?)
        .ok_or("bad x-amz-date")?;
    let identity = Credentials::new(
        &signer.access_key_id,
        &signer.secret_access_key,
        signer.session_token.clone(),
        None,
        "local-endpoint",
    )
    .into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(signer.region)
        .name(signer.signing_name)
        .time(time)
        .settings(settings_for(signer.signing_name))
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let host = received.header("host").ok_or("no host")?;
    let uri = format!("http://{host}{}", received.target);
    let signed: Vec<(&str, &str)> = received
        .headers
        .iter()
        .filter(|(n, _)| {
            signed_headers.split(';').any(|s| s == n)
                && n != "x-amz-security-token"
                && n != "x-amz-content-sha256"
        })
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let content_sha256 = received.header("x-amz-content-sha256");
    let body = if content_sha256 == Some("UNSIGNED-PAYLOAD") {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(&received.body)
    };
    let signable = SignableRequest::new(&received.method, uri, signed.into_iter(), body)
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
    // S3: the header sent is the one signed, and (unless unsigned) the body's hash.
    let expected_sha256 = expected_headers
        .iter()
        .find(|h| h.name() == "x-amz-content-sha256")
        .map(|h| h.value());
    if content_sha256 != expected_sha256 {
        return Err(format!(
            "x-amz-content-sha256 is {content_sha256:?}, expected {expected_sha256:?}"
        ));
    }
    Ok(())
}

/// The settings the SDK signs with: S3's for the S3 signing names (the path as
/// it stands, a signed `x-amz-content-sha256`), the defaults for the others.
fn settings_for(signing_name: &str) -> SigningSettings {
    let mut settings = SigningSettings::default();
    if matches!(
        signing_name,
        "s3" | "s3-outposts" | "s3express" | "s3-object-lambda"
    ) {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    settings
}

/// `YYYYMMDDTHHMMSSZ` as a time.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let num = |range: std::ops::Range<usize>| s.get(range)?.parse::<i64>().ok();
    if s.len() != 16 || &s[8..9] != "T" || &s[15..] != "Z" {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days * 86_400 + hh * 3_600 + mm * 60 + ss).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Decodes one `application/x-www-form-urlencoded` value.
pub fn form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let raw = text
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?;
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(
                u8::from_str_radix(std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?, 16).ok()?,
            );
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
