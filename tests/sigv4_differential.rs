//! Differential test: this crate's signer against `aws-sigv4` (the SDK's signer,
//! default settings) over thousands of generated requests. Every `Authorization`,
//! `x-amz-date` and `x-amz-security-token` header must be identical.
#![cfg(feature = "sigv4")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4::SigningParams;
use proptest::prelude::*;
use ssooidc_token::{
    sign_for_service, CreateTokenWithIam, Endpoint, ExposeSecret, SigningCredentials, TokenType,
};
use zeroize::Zeroizing;

const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "us-iso-east-1",
    "il-central-1",
];

/// Mixed-case names, some of which the SDK never signs, some repeated.
const HEADER_NAMES: &[&str] = &[
    "X-Custom",
    "x-custom",
    "X-Amz-Meta-Tag",
    "Accept",
    "Content-Type",
    "User-Agent",
    "X-Amzn-Trace-Id",
    "Transfer-Encoding",
    "Expect",
    "X-Amz-User-Agent",
    "Host",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "amz-sdk-invocation-id",
];

const PATHS: &[&str] = &[
    "/",
    "/token",
    "/client/register",
    "/device_authorization",
    "/a/./b/../c",
    "//double//slash/",
    "/%20encoded%2Fpath",
    "/trailing/.",
    "/~user/x-y_z.v",
];

/// Pieces of generated paths and queries: what a percent-encoder, a
/// normalizer and a form decoder each can get wrong (lower-case and bad
/// escapes, a lone `%`, `+`, raw non-ASCII, dot segments, reserved bytes).
const ATOMS: &[&str] = &[
    "..", ".", "", "~", "*", "+", "'", "!", "$", ",", ";", ":", "@", "(", ")", "%2B", "%2b", "%2F",
    "%20", "%7E", "%", "%zz", "%4", "é", "日本", "😀", "a", "Z9", "-_.", "\"", "{", "}", "|", "^",
    "\\",
];

/// Hosts: the service's own, and IP literals (IPv6 in brackets).
const HOSTS: &[Option<&str>] = &[
    None,
    None,
    Some("127.0.0.1"),
    Some("[::1]"),
    Some("[2001:db8::a:1]"),
];

/// A path of `ATOMS` (empty atoms make `//`), sometimes with a trailing `/`.
fn generated_path() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop::collection::vec(prop::sample::select(ATOMS), 0..4),
            1..5,
        ),
        any::<bool>(),
    )
        .prop_map(|(segments, slash)| {
            let segments: Vec<String> = segments.iter().map(|s| s.concat()).collect();
            format!("/{}{}", segments.join("/"), if slash { "/" } else { "" })
        })
}

/// A query of `ATOMS` pairs: keys without `=`, empty keys and values, `==`,
/// repeated keys (sorted by value), empty pairs (`&&`).
fn generated_query() -> impl Strategy<Value = String> {
    // `http::Uri` takes `"` in a path, not in a query.
    let atoms: Vec<&str> = ATOMS.iter().copied().filter(|a| *a != "\"").collect();
    let word = prop::collection::vec(prop::sample::select(atoms), 0..3).prop_map(|w| w.concat());
    let pair =
        (word.clone(), prop::option::of(word), any::<bool>()).prop_map(|(k, v, double)| match v {
            None => k,
            Some(v) if double => format!("{k}=={v}"),
            Some(v) => format!("{k}={v}"),
        });
    prop::collection::vec(pair, 1..5).prop_map(|pairs| pairs.join("&"))
}

const QUERIES: &[Option<&str>] = &[
    None,
    Some("aws_iam=t"),
    Some("b=2&a=1&a=0"),
    Some("a=%2F+x&empty="),
    Some("Action=AssumeRole&Version=2011-06-15"),
];

/// Seconds since the epoch of 1 January of `year` (counted independently of the
/// crate's own calendar code).
fn year_start(year: u64) -> u64 {
    (1970..year)
        .map(|y| {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            if leap {
                366 * 86_400
            } else {
                365 * 86_400
            }
        })
        .sum()
}

fn times() -> impl Strategy<Value = u64> {
    prop_oneof![
        // Anywhere up to 2100.
        0u64..4_102_444_800,
        // Either side of a midnight.
        (1u64..47_000, 0u64..2).prop_map(|(day, after)| day * 86_400 + after - (1 - after)),
        // Either side of a new year (leap years included).
        (1971u64..2100, 0u64..2).prop_map(|(year, after)| year_start(year) + after - (1 - after)),
        // 29 February of a leap year.
        (0u64..32).prop_map(|i| year_start(1972 + 4 * i) + 59 * 86_400 + 43_200),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    // Leading, trailing and inner spaces (runs of them), tabs, visible ASCII.
    "[ ]{0,3}[!-~]{0,6}([ \t]{1,4}[!-~]{1,6}){0,3}[ ]{0,3}"
}

#[derive(Debug, Clone)]
struct Case {
    region: &'static str,
    service: &'static str,
    secs: u64,
    access_key_id: String,
    secret: String,
    token: Option<String>,
    method: &'static str,
    host: Option<&'static str>,
    path: String,
    query: Option<String>,
    port: Option<u16>,
    headers: Vec<(&'static str, String)>,
    body: String,
    json: bool,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (
            prop::sample::select(REGIONS),
            prop::sample::select(&["sso-oauth", "sts"][..]),
            times(),
            "[A-Z0-9]{16,20}",
            "[A-Za-z0-9/+]{40}",
            prop::option::of("[A-Za-z0-9/+=]{16,400}"),
        ),
        (
            prop::sample::select(&["POST", "GET", "PUT"][..]),
            (
                prop::sample::select(HOSTS),
                prop_oneof![
                    prop::sample::select(PATHS).prop_map(str::to_owned),
                    generated_path(),
                ],
                prop_oneof![
                    prop::sample::select(QUERIES).prop_map(|q| q.map(str::to_owned)),
                    generated_query().prop_map(Some),
                ],
            ),
            prop::option::of(prop::sample::select(&[443u16, 8443, 80][..])),
            prop::collection::vec((prop::sample::select(HEADER_NAMES), header_value()), 0..7),
            // Awkward UTF-8: any string, with quotes, controls, astral characters.
            any::<String>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (region, service, secs, access_key_id, secret, token),
                (method, (host, path, query), port, headers, body, json),
            )| Case {
                region,
                service,
                secs,
                access_key_id,
                secret,
                token,
                method,
                host,
                path,
                query,
                port,
                headers,
                body,
                json,
            },
        )
}

fn uri(case: &Case) -> String {
    let endpoint = Endpoint::new(case.region).unwrap();
    let host = case.host.unwrap_or(endpoint.host());
    let port = case.port.map(|p| format!(":{p}")).unwrap_or_default();
    let query = case
        .query
        .as_ref()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    format!("https://{host}{port}{}{query}", case.path)
}

/// The headers the request carries, in order (repeated names appended).
fn header_map(case: &Case) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in &case.headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).unwrap();
        map.append(name, http::HeaderValue::from_str(value).unwrap());
    }
    map
}

/// What `aws-sigv4` adds: (authorization, x-amz-date, x-amz-security-token).
fn oracle(case: &Case, body: &[u8]) -> (String, String, Option<String>) {
    let identity = Credentials::new(
        &case.access_key_id,
        &case.secret,
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
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = header_map(case);
    let signable = SignableRequest::new(
        case.method,
        uri(case),
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap())),
        SignableBody::Bytes(body),
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
    let get = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    (
        get("authorization").unwrap(),
        get("x-amz-date").unwrap(),
        get("x-amz-security-token"),
    )
}

fn ours<B: ssooidc_token::ZeroizingBody>(case: &Case, body: B) -> (String, String, Option<String>) {
    let mut request = http::Request::builder()
        .method(case.method)
        .uri(uri(case))
        .body(body)
        .unwrap();
    *request.headers_mut() = header_map(case);
    let mut credentials =
        SigningCredentials::new(case.access_key_id.as_str(), case.secret.as_str());
    if let Some(token) = &case.token {
        credentials = credentials.with_session_token(token.as_str());
    }
    let time: SystemTime = UNIX_EPOCH + Duration::from_secs(case.secs);
    sign_for_service(&mut request, &credentials, case.region, case.service, time).unwrap();
    let get = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    (
        get("authorization").unwrap(),
        get("x-amz-date").unwrap(),
        get("x-amz-security-token"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_signature_equals_aws_sigv4s(case in cases()) {
        let (expected, mine) = if case.json {
            // A real request body: the JSON of a token exchange whose subject
            // token is the awkward string (escaped as the SDK escapes it).
            let request = CreateTokenWithIam::token_exchange()
                .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
                .subject_token(format!("x{}x", case.body))
                .subject_token_type(TokenType::AccessToken)
                .build()
                .unwrap();
            let body = request.to_json();
            (oracle(&case, body.expose_secret()), ours(&case, body))
        } else {
            let body = Zeroizing::new(case.body.as_bytes().to_vec());
            (oracle(&case, &body), ours(&case, body))
        };
        prop_assert_eq!(mine, expected);
    }
}

/// The generator reaches what it claims to: China and GovCloud regions, both
/// signing names, tokens and none, each header name, year boundaries, IP
/// literal hosts, generated paths and queries with their awkward pieces.
#[test]
fn the_generator_covers_the_stated_ground() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = cases();
    let mut seen_regions = std::collections::BTreeSet::new();
    let mut seen_names = std::collections::BTreeSet::new();
    let (mut with_token, mut without_token, mut midnight, mut repeated) = (0, 0, 0, 0);
    let (mut ip_hosts, mut generated_paths, mut generated_queries) = (0, 0, 0);
    let mut pieces = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..2_500 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        seen_regions.insert(case.region);
        ip_hosts += usize::from(case.host.is_some());
        generated_paths += usize::from(!PATHS.contains(&case.path.as_str()));
        let query = case.query.as_deref().unwrap_or("");
        generated_queries += usize::from(!QUERIES.contains(&case.query.as_deref()));
        for piece in ["%2b", "%zz", "é", "+", "..", "\""] {
            if case.path.contains(piece) || query.contains(piece) {
                *pieces.entry(piece).or_default() += 1;
            }
        }
        for (name, _) in &case.headers {
            seen_names.insert(*name);
        }
        if case.token.is_some() {
            with_token += 1;
        } else {
            without_token += 1;
        }
        if matches!(case.secs % 86_400, 0 | 86_399) {
            midnight += 1;
        }
        let mut names: Vec<_> = case
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        if names.windows(2).any(|w| w[0] == w[1]) {
            repeated += 1;
        }
    }
    assert_eq!(seen_regions.len(), REGIONS.len());
    assert_eq!(seen_names.len(), HEADER_NAMES.len());
    assert!(with_token > 500 && without_token > 500);
    assert!(midnight > 300, "{midnight} cases at a day boundary");
    assert!(repeated > 300, "{repeated} cases with a repeated header");
    assert!(ip_hosts > 700, "{ip_hosts} cases with an IP literal host");
    assert!(generated_paths > 1_000 && generated_queries > 1_000);
    assert_eq!(pieces.len(), 6, "{pieces:?}");
    assert!(pieces.values().all(|&n| n > 100), "{pieces:?}");
}
