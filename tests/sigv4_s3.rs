//! S3 signing: `sign_for_service(.., "s3" | "s3-outposts" | "s3express" | "s3-object-lambda", ..)`
//! against `aws-sigv4` with the settings the SDK uses for S3 (single percent
//! encoding, no path normalization, a signed `x-amz-content-sha256`), over
//! generated object keys and bodies; the keys of issue 18 as fixed cases; and a
//! loopback endpoint that verifies S3-style signatures.
#![cfg(feature = "sigv4")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4::SigningParams;
use proptest::prelude::*;
use sha2::Digest;
use ssooidc_token::{sign_for_service, sign_with, Payload, SignError, SigningCredentials};
use zeroize::Zeroizing;

#[path = "../examples/support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

const S3_NAMES: &[&str] = &["s3", "s3-outposts", "s3express", "s3-object-lambda"];
const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"];

/// Pieces of object keys: what breaks a generic SigV4 signer.
const ATOMS: &[&str] = &[
    "..",
    ".",
    "~",
    "*",
    "+",
    "%2B",
    "%2F",
    "%2f",
    "%20",
    "%",
    " ",
    "  ",
    "é",
    "日本",
    "😀",
    "!",
    "'",
    "(",
    ")",
    "$",
    ",",
    ";",
    "=",
    ":",
    "@",
    "&",
    "report.csv",
    "2026 Q1",
    "a",
    "-_.",
];

const QUERIES: &[Option<&str>] = &[
    None,
    Some("uploads"),
    Some("partNumber=1&uploadId=abc"),
    Some("list-type=2&prefix=a%2Fb&delimiter=%2F"),
    Some("versionId=x+y"),
];

const HEADER_NAMES: &[&str] = &[
    "Content-Type",
    "X-Amz-Meta-Owner",
    "Range",
    "X-Amz-Content-Sha256",
    "X-Amz-Date",
    "User-Agent",
    "If-None-Match",
];

/// How the key is put into the URI.
#[derive(Debug, Clone, Copy)]
enum KeyInUri {
    /// Every byte but the unreserved ones and `/` percent-encoded once, as the
    /// SDK's S3 client does (so a literal `%2B` in the key becomes `%252B`).
    SdkEncoded,
    /// As typed, encoding only what an `http::Uri` cannot hold, and what
    /// would end the path (`#`, `?`): a caller's hand-built path with raw
    /// `+`, `*`, `..`, non-ASCII, already-encoded `%2B` and a stray `%`. S3
    /// would read most of these otherwise than they are signed: they are
    /// refused, the others signed as by the SDK's settings.
    AsTyped,
}

#[derive(Debug, Clone)]
struct Case {
    service: &'static str,
    region: &'static str,
    secs: u64,
    token: Option<String>,
    method: &'static str,
    virtual_hosted: bool,
    key: String,
    key_in_uri: KeyInUri,
    query: Option<&'static str>,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    unsigned: bool,
}

fn key() -> impl Strategy<Value = String> {
    let segment = prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(ATOMS).prop_map(str::to_owned),
            1 => "[a-zA-Z0-9 ~*+%!./-]{1,6}",
            1 => any::<char>().prop_map(String::from),
        ],
        0..4,
    )
    .prop_map(|atoms| atoms.concat());
    // Empty segments make `//`, a leading `/` a key starting with one.
    prop::collection::vec(segment, 1..6).prop_map(|segments| segments.join("/"))
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (
            prop::sample::select(S3_NAMES),
            prop::sample::select(REGIONS),
            0u64..4_102_444_800,
            prop::option::of("[A-Za-z0-9/+=]{16,200}"),
            prop::sample::select(&["GET", "PUT", "HEAD", "DELETE", "POST"][..]),
            any::<bool>(),
        ),
        (
            key(),
            prop_oneof![Just(KeyInUri::SdkEncoded), Just(KeyInUri::AsTyped)],
            prop::sample::select(QUERIES),
            prop::collection::vec(
                (
                    prop::sample::select(HEADER_NAMES),
                    "[ ]{0,2}[!-~]{1,8}[ ]{0,2}",
                ),
                0..4,
            ),
            prop::collection::vec(any::<u8>(), 0..300),
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |(
                (service, region, secs, token, method, virtual_hosted),
                (key, key_in_uri, query, headers, body, unsigned),
            )| Case {
                service,
                region,
                secs,
                token,
                method,
                virtual_hosted,
                key,
                key_in_uri,
                query,
                headers,
                body,
                unsigned,
            },
        )
}

fn encode(key: &str, keep: impl Fn(usize, u8) -> bool) -> String {
    let mut out = String::new();
    for (i, &b) in key.as_bytes().iter().enumerate() {
        if keep(i, b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn path_of(case: &Case) -> String {
    let bytes = case.key.as_bytes();
    let encoded = match case.key_in_uri {
        KeyInUri::SdkEncoded => encode(&case.key, |_, b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
        }),
        KeyInUri::AsTyped => encode(&case.key, |i, b| {
            let escape = b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            let uri_refuses = matches!(b, b'#' | b'?' | b'%' | b'<' | b'>' | b'`');
            (!b.is_ascii_control() && b != b' ' && !uri_refuses) || escape
        }),
    };
    if case.virtual_hosted {
        format!("/{encoded}")
    } else {
        format!("/my-bucket/{encoded}")
    }
}

fn uri(case: &Case) -> String {
    let host = if case.virtual_hosted {
        format!("my-bucket.s3.{}.amazonaws.com", case.region)
    } else {
        format!("s3.{}.amazonaws.com", case.region)
    };
    let query = case.query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("https://{host}{}{query}", path_of(case))
}

fn header_map(case: &Case) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in &case.headers {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// The settings the SDK signs S3 requests with.
fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings
}

/// (authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token)
type Signed = (String, String, Option<String>, Option<String>);

fn read(headers: &http::HeaderMap) -> Signed {
    let get = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    (
        get("authorization").unwrap(),
        get("x-amz-date").unwrap(),
        get("x-amz-content-sha256"),
        get("x-amz-security-token"),
    )
}

fn oracle(case: &Case, settings: SigningSettings) -> Signed {
    let identity = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        case.token.clone(),
        None,
        "test",
    )
    .into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name(case.service)
        .time(UNIX_EPOCH + Duration::from_secs(case.secs))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers = header_map(case);
    let body = if case.unsigned {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(&case.body)
    };
    let signable = SignableRequest::new(
        case.method,
        uri(case),
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap())),
        body,
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = http::Request::builder()
        .method(case.method)
        .uri(uri(case))
        .body(())
        .unwrap();
    *request.headers_mut() = headers;
    instructions.apply_to_request_http1x(&mut request);
    read(request.headers())
}

/// `path` decoded (`%XX` of either case; a `%` that starts no escape stays)
/// and encoded again as the SDK encodes S3 keys: what S3 makes of it. (`/`
/// stays `/`, and `%2F` stays `%2F`: the SDK writes both, the second for a `/`
/// inside one path label.)
fn as_s3_reads_it(path: &str) -> String {
    /// An encoded `/`, kept apart from a raw one.
    const ENCODED_SLASH: u16 = 0x100;
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = path.as_bytes();
    let mut decoded: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%')
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten();
        if let Some(byte) = escape {
            decoded.push(if byte == 0x2F {
                ENCODED_SLASH
            } else {
                u16::try_from(byte).unwrap()
            });
            i += 3;
        } else {
            decoded.push(u16::from(bytes[i]));
            i += 1;
        }
    }
    decoded
        .iter()
        .map(|&c| match u8::try_from(c) {
            Err(_) => "%2F".to_owned(),
            Ok(b) if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') => {
                char::from(b).to_string()
            }
            Ok(b) => format!("%{b:02X}"),
        })
        .collect()
}

fn ours(case: &Case) -> Signed {
    try_ours(case).unwrap()
}

fn try_ours(case: &Case) -> Result<Signed, SignError> {
    let mut request = http::Request::builder()
        .method(case.method)
        .uri(uri(case))
        .body(Zeroizing::new(case.body.clone()))
        .unwrap();
    *request.headers_mut() = header_map(case);
    let mut credentials =
        SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if let Some(token) = &case.token {
        credentials = credentials.with_session_token(token.as_str());
    }
    let time: SystemTime = UNIX_EPOCH + Duration::from_secs(case.secs);
    if case.unsigned {
        sign_with(
            &mut request,
            &credentials,
            case.region,
            case.service,
            time,
            Payload::Unsigned,
        )?;
    } else {
        sign_for_service(&mut request, &credentials, case.region, case.service, time)?;
    }
    Ok(read(request.headers()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The full `Authorization`, `x-amz-date`, `x-amz-content-sha256` and
    /// `x-amz-security-token` equal `aws-sigv4`'s with S3's settings, for
    /// every path S3 reads as it is written; any other is refused, at the
    /// first byte S3 would read otherwise (an escape is pointed at by its `%`).
    #[test]
    fn every_s3_signature_equals_aws_sigv4s(case in cases()) {
        let expected = oracle(&case, s3_settings());
        prop_assert!(expected.2.is_some());
        let path = path_of(&case);
        let s3_reads = as_s3_reads_it(&path);
        match try_ours(&case) {
            Ok(signed) => {
                prop_assert_eq!(&s3_reads, &path);
                prop_assert_eq!(signed, expected);
            }
            Err(SignError::S3PathNotEncoded { position }) => {
                prop_assert_ne!(&s3_reads, &path);
                let differs = path
                    .bytes()
                    .zip(s3_reads.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(path.len().min(s3_reads.len()));
                prop_assert!(
                    position <= differs && differs <= position + 2,
                    "{} at {} (S3 differs at {})", path, position, differs
                );
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }

    /// Other services are signed as before; `Payload::Unsigned` there puts
    /// `UNSIGNED-PAYLOAD` in the canonical request and adds no header, as
    /// `aws-sigv4`'s default settings do.
    #[test]
    fn other_services_keep_the_generic_rules(
        mut case in cases(),
        service in prop::sample::select(&["sso-oauth", "sts", "execute-api", "s3-object-lambda-x"][..]),
    ) {
        case.service = service;
        let expected = oracle(&case, SigningSettings::default());
        let own = case.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"));
        prop_assert_eq!(expected.2.is_some(), own);
        prop_assert_eq!(ours(&case), expected);
    }
}

/// The generator reaches what it claims: each awkward piece, both ways of
/// putting the key in the URI, both addressing styles, unsigned payloads.
#[test]
fn the_generator_covers_the_stated_ground() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = cases();
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    let (mut sdk, mut typed, mut virtual_hosted, mut unsigned, mut non_ascii) = (0, 0, 0, 0, 0);
    let (mut typed_as_s3_reads, mut typed_otherwise) = (0, 0);
    for _ in 0..3_000 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        for piece in ["..", "//", "%2B", "+", " ", "~", "*", "%"] {
            if case.key.contains(piece) {
                *seen.entry(piece).or_default() += 1;
            }
        }
        if case.key.split('/').any(str::is_empty) {
            *seen.entry("empty segment").or_default() += 1;
        }
        non_ascii += usize::from(!case.key.is_ascii());
        match case.key_in_uri {
            KeyInUri::SdkEncoded => sdk += 1,
            KeyInUri::AsTyped => {
                typed += 1;
                let path = path_of(&case);
                if as_s3_reads_it(&path) == path {
                    typed_as_s3_reads += 1;
                } else {
                    typed_otherwise += 1;
                }
            }
        }
        virtual_hosted += usize::from(case.virtual_hosted);
        unsigned += usize::from(case.unsigned);
    }
    assert_eq!(seen.len(), 9, "{seen:?}");
    assert!(seen.values().all(|&n| n > 100), "{seen:?}");
    assert!(sdk > 1_000 && typed > 1_000);
    // Hand-typed keys both ways: signed, and refused.
    assert!(
        typed_as_s3_reads > 150 && typed_otherwise > 150,
        "{typed_as_s3_reads} {typed_otherwise}"
    );
    assert!(virtual_hosted > 1_000 && unsigned > 300 && non_ascii > 500);
}

fn fixed(path: &str, virtual_hosted: bool) -> Case {
    Case {
        service: "s3",
        region: "us-east-1",
        secs: 1_700_000_000,
        token: Some("FQoGZXIvYXdzEXAMPLETOKEN".into()),
        method: "GET",
        virtual_hosted,
        key: path.into(),
        key_in_uri: KeyInUri::AsTyped,
        query: None,
        headers: vec![],
        body: Vec::new(),
        unsigned: false,
    }
}

/// The keys of issue 18. Before S3's rules, the first three were signed with
/// the generic ones (and differed from the SDK's S3 signature); the fourth was
/// the same by either rule, but lacked `x-amz-content-sha256`.
#[test]
fn the_keys_from_the_issue_are_signed_as_the_sdk_signs_them() {
    for (key, generic_differs) in [
        ("2026%20Q1.csv", true),
        ("a/../b.csv", true),
        ("x%2By.csv", true),
        ("report.csv", false),
    ] {
        for virtual_hosted in [false, true] {
            let case = fixed(key, virtual_hosted);
            let s3 = oracle(&case, s3_settings());
            assert_eq!(ours(&case), s3, "{}", uri(&case));
            let mut generic = SigningSettings::default();
            generic.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            assert_eq!(
                oracle(&case, generic).0 != s3.0,
                generic_differs,
                "{}",
                uri(&case)
            );
        }
    }
    // `/my-bucket/report.csv`, path-style, spelled out.
    let case = fixed("report.csv", false);
    assert!(uri(&case).ends_with("amazonaws.com/my-bucket/report.csv"));
    let (authorization, _, sha, _) = ours(&case);
    assert!(authorization
        .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"));
    assert_eq!(
        sha.as_deref(),
        Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
}

/// An `x-amz-content-sha256` already on the request is replaced by the body's
/// hash, not signed as it was.
#[test]
fn a_stale_content_sha256_is_replaced() {
    let mut case = fixed("report.csv", true);
    case.method = "PUT";
    case.body = b"new body".to_vec();
    case.headers = vec![("x-amz-content-sha256", "0".repeat(64))];
    let signed = ours(&case);
    assert_eq!(signed, oracle(&case, s3_settings()));
    // SHA-256 of "new body", computed by `sha2` directly.
    let expected: String = sha2::Sha256::digest(b"new body")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(signed.2, Some(expected));
}

fn s3_signer() -> sigv4_endpoint::Signer {
    sigv4_endpoint::Signer {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: Some("FQoGZXIvYXdzEXAMPLETOKEN".into()),
        region: "eu-west-1",
        signing_name: "s3",
    }
}

/// Sends `request` over loopback with `ureq` to an endpoint that verifies its
/// signature with `aws-sigv4` and S3's settings; what the endpoint saw.
fn send_to_loopback(
    path: &str,
    method: &str,
    body: &[u8],
    payload: Payload,
) -> Result<sigv4_endpoint::Received, String> {
    let endpoint = sigv4_endpoint::Endpoint::start(s3_signer(), |received| {
        Ok((
            (200, "application/xml", String::new()),
            sigv4_endpoint::Received {
                method: received.method.clone(),
                target: received.target.clone(),
                headers: received.headers.clone(),
                body: received.body.clone(),
            },
        ))
    });
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", endpoint.base_url()))
        .body(Zeroizing::new(body.to_vec()))
        .unwrap();
    if !body.is_empty() {
        request
            .headers_mut()
            .insert("content-type", "text/csv".parse().unwrap());
    }
    let signer = s3_signer();
    let credentials = SigningCredentials::new(signer.access_key_id, signer.secret_access_key)
        .with_session_token(signer.session_token.unwrap());
    sign_with(
        &mut request,
        &credentials,
        "eu-west-1",
        "s3",
        SystemTime::now(),
        payload,
    )
    .unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let (parts, body) = request.into_parts();
    let request = http::Request::from_parts(parts, body.to_vec());
    let response = agent.run(request).map_err(|e| e.to_string());
    let outcome = endpoint.outcome();
    let status = response?.status();
    let received = outcome?;
    assert_eq!(status, 200);
    Ok(received)
}

#[test]
fn a_loopback_endpoint_accepts_s3_signatures() {
    for path in [
        "/my-bucket/2026%20Q1.csv",
        "/my-bucket/a/../b.csv",
        "/my-bucket/x%2By.csv",
        "/my-bucket/report.csv",
        "/my-bucket//double//slash/",
        "/my-bucket/caf%C3%A9/%F0%9F%98%80~%2A%2B.csv",
    ] {
        let received = send_to_loopback(path, "PUT", b"a,b\n1,2\n", Payload::Sha256)
            .unwrap_or_else(|why| panic!("{path}: {why}"));
        // The path arrived as signed: nothing normalized it on the way.
        assert_eq!(received.target, path);
        assert!(received.header("x-amz-content-sha256").is_some());
    }
    let received =
        send_to_loopback("/my-bucket/report.csv", "PUT", b"a,b\n", Payload::Unsigned).unwrap();
    assert_eq!(
        received.header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    let received = send_to_loopback("/my-bucket/report.csv", "GET", b"", Payload::Sha256).unwrap();
    assert_eq!(received.method, "GET");
}

/// Paths S3 would read otherwise than they are written are refused before
/// anything is added to the request, with the position of the first byte out
/// of place and a message that does not repeat the path.
#[test]
fn a_path_s3_would_read_otherwise_is_refused_with_its_position() {
    let credentials =
        SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    for (path, position) in [
        ("/my-bucket/x+y.csv", 12),
        ("/my-bucket/caf\u{e9}.csv", 14),
        ("/my-bucket/{\"q\"}.csv", 11),
        ("/my-bucket/a(1)@b.csv", 12),
        ("/my-bucket/%7Ehome", 11),
        ("/my-bucket/x%2by.csv", 12),
        ("/my-bucket/100%.csv", 14),
        ("/my-bucket/%4", 11),
    ] {
        for service in S3_NAMES {
            let mut request =
                http::Request::put(format!("https://s3.us-east-1.amazonaws.com{path}"))
                    .body(Zeroizing::new(b"x".to_vec()))
                    .unwrap();
            let err =
                sign_for_service(&mut request, &credentials, "us-east-1", service, UNIX_EPOCH)
                    .unwrap_err();
            assert_eq!(err, SignError::S3PathNotEncoded { position }, "{path}");
            assert!(request.headers().is_empty(), "{path}");
            let message = err.to_string();
            assert!(
                message.contains(&format!("byte {position} is not")),
                "{message}"
            );
            assert!(!message.contains("my-bucket"), "{message}");
        }
        // The other services encode the path themselves: signed.
        let mut request = http::Request::put(format!("https://sts.us-east-1.amazonaws.com{path}"))
            .body(Zeroizing::new(b"x".to_vec()))
            .unwrap();
        sign_for_service(&mut request, &credentials, "us-east-1", "sts", UNIX_EPOCH).unwrap();
    }
}

/// S3 Control writes an Outposts ARN into one path label, its `/` as `%2F`:
/// signed as `aws-sigv4` signs it, not refused.
#[test]
fn an_encoded_slash_inside_one_label_is_signed() {
    let mut case = fixed("", false);
    case.service = "s3-outposts";
    case.key = "v20180820/accesspoint/arn%3Aaws%3As3-outposts%3Aus-west-2%3A123456789012%3Aoutpost%2Fop-01ac5d28a6a232904%2Faccesspoint%2Freports-ap".into();
    case.virtual_hosted = true;
    let path = path_of(&case);
    assert!(
        path.starts_with("/v20180820/accesspoint/arn%3Aaws"),
        "{path}"
    );
    assert_eq!(as_s3_reads_it(&path), path);
    assert_eq!(ours(&case), oracle(&case, s3_settings()));
}
