//! The jobs beyond the token request, each next to the closest peer a user
//! would otherwise write, measured in the same run:
//!
//! - `sts/to_form`: `AssumeRole::to_form()` (identity context, tags, policy
//!   ARN) against `serde_urlencoded` of a plain struct of `&str` (the SDK's
//!   query serializer is not public);
//! - `sts/from_xml`: `AssumeRoleResponse::from_xml` against `quick-xml`'s
//!   event reader copying the same elements into a plain struct of `String`s;
//! - `login/register-to_json`, `login/start-device-to_json`: the login
//!   requests' `to_json()` against `serde_json::to_vec` of a plain struct;
//! - `login/poll-pending`: `DevicePoller::on_response` on an
//!   `authorization_pending` answer against `serde_json::from_slice` of the
//!   error body into a plain struct;
//! - `login/pkce`: `Pkce::new()` (32 random bytes, the verifier, its S256
//!   challenge) against the same steps with `getrandom`, `sha2` and a plain
//!   base64url encoder into `String`s;
//! - `login/authorize-url`: `AuthorizeUrl::builder()...build()` against
//!   `format!` around `serde_urlencoded` of a plain struct of `&str`;
//! - `login/callback`: `AuthorizationCallback::parse` of the redirect's query
//!   against `serde_urlencoded::from_str` into a plain struct of `String`s and
//!   a comparison of the state;
//! - `login/start-url`: a vanity start URL resolved (`resolve_start_url`, then
//!   the probe's 302 `Location`) against `http::Uri` parsing both URLs,
//!   checking their scheme and host, and writing the portal's URL;
//! - `portal/to_http`: `GetRoleCredentials::to_http` (the query written and
//!   encoded, the token's header in wiped memory) against
//!   `http::Request::builder()` with a `format!`ted URI (the role name
//!   encoded by `serde_urlencoded`) and a plain header;
//! - `portal/from_json`: `GetRoleCredentialsResponse::from_json` against
//!   `serde_json::from_slice` into a plain struct of `String`s.
//!
//! Every iteration drops what it made (ours wipes its secrets).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use serde::{Deserialize, Serialize};
use ssooidc_token::login::{
    resolve_start_url, AuthorizationCallback, AuthorizeUrl, DevicePoller, Pkce, RegisterClient,
    RegisterClientResponse, StartDeviceAuthorization, StartDeviceAuthorizationResponse,
    StartUrlStep,
};
use ssooidc_token::sts::{AssumeRole, AssumeRoleResponse, IdentityContext};
use std::hint::black_box;
use std::time::Instant;

mod fixtures;
use fixtures::*;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/identity-enhanced-reader";
const PROVIDER_ARN: &str = "arn:aws:iam::aws:contextProvider/IdentityCenter";
const POLICY_ARN: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

/// `group/ssooidc-token` and `group/<baseline>`.
fn pair(c: &mut Criterion, group: &str, baseline: &str, ours: impl Fn(), theirs: impl Fn()) {
    let mut g = c.benchmark_group(group);
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter(&ours);
    });
    g.bench_function(BenchmarkId::from_parameter(baseline), |b| b.iter(&theirs));
    g.finish();
}

#[derive(Serialize)]
struct PlainForm<'a> {
    #[serde(rename = "Action")]
    action: &'a str,
    #[serde(rename = "Version")]
    version: &'a str,
    #[serde(rename = "RoleArn")]
    role_arn: &'a str,
    #[serde(rename = "RoleSessionName")]
    role_session_name: &'a str,
    #[serde(rename = "PolicyArns.member.1.arn")]
    policy_arn: &'a str,
    #[serde(rename = "DurationSeconds")]
    duration_seconds: u32,
    #[serde(rename = "Tags.member.1.Key")]
    tag_key: &'a str,
    #[serde(rename = "Tags.member.1.Value")]
    tag_value: &'a str,
    #[serde(rename = "ProvidedContexts.member.1.ProviderArn")]
    provider_arn: &'a str,
    #[serde(rename = "ProvidedContexts.member.1.ContextAssertion")]
    context: &'a str,
}

fn to_form(c: &mut Criterion) {
    let context = jwt(); // an identity context is an opaque token of about this size
    let request = AssumeRole::builder()
        .role_arn(ROLE_ARN)
        .role_session_name("alice-session")
        .identity_context(IdentityContext::new(context.as_str()).unwrap())
        .policy_arn(POLICY_ARN)
        .duration_seconds(3600)
        .tag("project", "alpha")
        .build()
        .unwrap();
    let plain = PlainForm {
        action: "AssumeRole",
        version: "2011-06-15",
        role_arn: ROLE_ARN,
        role_session_name: "alice-session",
        policy_arn: POLICY_ARN,
        duration_seconds: 3600,
        tag_key: "project",
        tag_value: "alpha",
        provider_arn: PROVIDER_ARN,
        context: &context,
    };
    pair(
        c,
        "sts/to_form",
        "baseline-serde-urlencoded",
        || drop(black_box(request.to_form())),
        || {
            drop(black_box(
                serde_urlencoded::to_string(black_box(&plain)).unwrap(),
            ))
        },
    );
}

fn sts_answer(token: &str) -> String {
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/identity-enhanced-reader/alice-session</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:alice-session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#
    )
}

/// The baseline: the same elements copied into `String`s with quick-xml.
#[derive(Default)]
struct PlainSession {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
    arn: String,
    role_id: String,
    source_identity: String,
    request_id: String,
}

fn quick_xml_plain(body: &[u8]) -> PlainSession {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut out = PlainSession::default();
    let mut current: Option<Vec<u8>> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => current = Some(start.local_name().as_ref().to_vec()),
            Event::Text(text) => {
                let slot = match current.as_deref() {
                    Some(b"AccessKeyId") => &mut out.access_key_id,
                    Some(b"SecretAccessKey") => &mut out.secret_access_key,
                    Some(b"SessionToken") => &mut out.session_token,
                    Some(b"Expiration") => &mut out.expiration,
                    Some(b"Arn") => &mut out.arn,
                    Some(b"AssumedRoleId") => &mut out.role_id,
                    Some(b"SourceIdentity") => &mut out.source_identity,
                    Some(b"RequestId") => &mut out.request_id,
                    _ => continue,
                };
                *slot = String::from_utf8(text.to_vec()).unwrap();
            }
            Event::End(_) => current = None,
            Event::Eof => return out,
            _ => {}
        }
    }
}

fn from_xml(c: &mut Criterion) {
    let body = sts_answer(&refresh_token());
    let plain = quick_xml_plain(body.as_bytes());
    let ours = AssumeRoleResponse::from_xml(body.as_bytes()).unwrap();
    assert_eq!(ours.credentials().access_key_id(), plain.access_key_id);
    pair(
        c,
        "sts/from_xml",
        "baseline-quick-xml-struct",
        || {
            drop(black_box(
                AssumeRoleResponse::from_xml(black_box(body.as_bytes())).unwrap(),
            ))
        },
        || drop(black_box(quick_xml_plain(black_box(body.as_bytes())))),
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainRegister<'a> {
    client_name: &'a str,
    client_type: &'a str,
    grant_types: &'a [&'a str],
    issuer_url: &'a str,
    redirect_uris: &'a [&'a str],
    scopes: &'a [&'a str],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainStart<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    start_url: &'a str,
}

fn login_to_json(c: &mut Criterion) {
    const GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];
    const URIS: [&str; 1] = ["http://127.0.0.1:8400/oauth/callback"];
    const LOGIN_SCOPES: [&str; 1] = ["sso:account:access"];
    const START: &str = "https://d-1234567890.awsapps.com/start";
    let register = RegisterClient::builder()
        .client_name("botocore-client-my-sso")
        .grant_type(GRANTS[0])
        .grant_type(GRANTS[1])
        .redirect_uri(URIS[0])
        .scope(LOGIN_SCOPES[0])
        .issuer_url(START)
        .build()
        .unwrap();
    let plain = PlainRegister {
        client_name: "botocore-client-my-sso",
        client_type: "public",
        grant_types: &GRANTS,
        issuer_url: START,
        redirect_uris: &URIS,
        scopes: &LOGIN_SCOPES,
    };
    assert_eq!(
        ssooidc_token::ExposeSecret::expose_secret(&register.to_json()),
        serde_json::to_vec(&plain).unwrap().as_slice()
    );
    pair(
        c,
        "login/register-to_json",
        "baseline-serde-struct",
        || drop(black_box(register.to_json())),
        || drop(black_box(serde_json::to_vec(black_box(&plain)).unwrap())),
    );

    let secret = client_secret();
    let start = StartDeviceAuthorization::builder()
        .client_id(CLIENT_ID)
        .client_secret(secret.as_str())
        .start_url(START)
        .build()
        .unwrap();
    let plain = PlainStart {
        client_id: CLIENT_ID,
        client_secret: &secret,
        start_url: START,
    };
    assert_eq!(
        ssooidc_token::ExposeSecret::expose_secret(&start.to_json()),
        serde_json::to_vec(&plain).unwrap().as_slice()
    );
    pair(
        c,
        "login/start-device-to_json",
        "baseline-serde-struct",
        || drop(black_box(start.to_json())),
        || drop(black_box(serde_json::to_vec(black_box(&plain)).unwrap())),
    );
}

#[derive(Deserialize)]
#[allow(dead_code)] // read, not used: the baseline's work is the parsing
struct PlainOAuthError {
    error: String,
    error_description: Option<String>,
}

fn poll_pending(c: &mut Criterion) {
    const PENDING: &[u8] =
        br#"{"error":"authorization_pending","error_description":"Authorization is pending"}"#;
    let client =
        RegisterClientResponse::from_json(br#"{"clientId":"c","clientSecret":"s"}"#).unwrap();
    let poller = || {
        let authorization = StartDeviceAuthorizationResponse::from_json(
            br#"{"deviceCode":"d","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","expiresIn":600,"interval":5}"#,
        )
        .unwrap();
        DevicePoller::new(&client, authorization, Instant::now()).unwrap()
    };
    let mut g = c.benchmark_group("login/poll-pending");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter_batched_ref(
            poller,
            |p| {
                drop(black_box(p.on_response(
                    400,
                    black_box(PENDING),
                    p.next_poll_at(),
                )))
            },
            BatchSize::SmallInput,
        );
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-serde-struct"), |b| {
        b.iter(|| {
            let e: PlainOAuthError = serde_json::from_slice(black_box(PENDING)).unwrap();
            drop(black_box(e));
        });
    });
    g.finish();
}

/// Base64url without padding: the plain encoder a caller would write.
fn plain_base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

fn pkce(c: &mut Criterion) {
    use sha2::Digest;
    let plain = || {
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).unwrap();
        let verifier = plain_base64url(&random);
        let challenge = plain_base64url(&sha2::Sha256::digest(verifier.as_bytes()));
        (verifier, challenge)
    };
    // The plain encoder gives what the crate gives, on the RFC 7636 example.
    let rfc = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    assert_eq!(
        plain_base64url(&sha2::Sha256::digest(
            b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        )),
        rfc.challenge()
    );
    assert_eq!(plain().0.len(), 43);
    pair(
        c,
        "login/pkce",
        "baseline-getrandom-sha2",
        || drop(black_box(Pkce::new().unwrap())),
        || drop(black_box(plain())),
    );
}

#[derive(Serialize)]
struct PlainAuthorize<'a> {
    response_type: &'a str,
    client_id: &'a str,
    redirect_uri: &'a str,
    state: &'a str,
    code_challenge: &'a str,
    code_challenge_method: &'a str,
    scopes: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)] // read, not used: the baseline's work is the parsing
struct PlainCallback {
    code: String,
    state: String,
}

fn browser_login(c: &mut Criterion) {
    const REDIRECT: &str = "http://127.0.0.1:8400/oauth/callback";
    const STATE: &str = "Qm9vdHN0cmFwLXN0YXRlLXZhbHVlLWZvci1iZW5jaA";
    let pkce = Pkce::from_verifier(VERIFIER).unwrap();
    let ours = || {
        AuthorizeUrl::builder()
            .region("us-east-1")
            .client_id(CLIENT_ID)
            .redirect_uri(REDIRECT)
            .pkce(&pkce)
            .scope("sso:account:access")
            .state(STATE)
            .build()
            .unwrap()
    };
    let plain = || {
        let query = serde_urlencoded::to_string(PlainAuthorize {
            response_type: "code",
            client_id: CLIENT_ID,
            redirect_uri: REDIRECT,
            state: STATE,
            code_challenge: pkce.challenge(),
            code_challenge_method: "S256",
            scopes: "sso:account:access",
        })
        .unwrap();
        format!("https://oidc.us-east-1.amazonaws.com/authorize?{query}")
    };
    // The same URL (no value here has a space, where the two encodings differ).
    assert_eq!(ours().url(), plain());
    pair(
        c,
        "login/authorize-url",
        "baseline-serde-urlencoded",
        || drop(black_box(ours())),
        || drop(black_box(plain())),
    );

    let query = format!("code={}&state={STATE}", code());
    assert_eq!(
        ssooidc_token::ExposeSecret::expose_secret(
            &AuthorizationCallback::parse(&query, STATE).unwrap()
        ),
        &code()
    );
    pair(
        c,
        "login/callback",
        "baseline-serde-urlencoded",
        || {
            drop(black_box(
                AuthorizationCallback::parse(black_box(&query), STATE).unwrap(),
            ))
        },
        || {
            let callback: PlainCallback = serde_urlencoded::from_str(black_box(&query)).unwrap();
            assert!(callback.state == STATE);
            drop(black_box(callback));
        },
    );
}

fn start_url(c: &mut Criterion) {
    const START: &str = "https://sso.example.com/start";
    const LOCATION: &str = "https://d-1234567890.awsapps.com/start/";
    let ours = || {
        let StartUrlStep::Probe(probe) = resolve_start_url(START, Some("us-east-1")).unwrap()
        else {
            unreachable!("a vanity URL is probed")
        };
        let StartUrlStep::Resolved(resolved) = probe.on_answer(302, Some(LOCATION)).unwrap() else {
            unreachable!("a 302 to the portal resolves")
        };
        resolved
    };
    let plain = || {
        let start: http::Uri = START.parse().unwrap();
        assert!(start.scheme_str() == Some("https"));
        assert!(!start.host().unwrap().ends_with(".awsapps.com"));
        let location: http::Uri = LOCATION.parse().unwrap();
        assert!(location.scheme_str() == Some("https"));
        assert!(location.host().unwrap().ends_with(".awsapps.com"));
        // As the CLI keeps it: scheme, host and path, without a trailing `/`.
        let url = format!(
            "https://{}{}",
            location.authority().unwrap(),
            location.path().trim_end_matches('/')
        );
        (url, String::from("us-east-1"))
    };
    assert_eq!(ours().url(), plain().0);
    pair(
        c,
        "login/start-url",
        "baseline-http-uri",
        || drop(black_box(ours())),
        || drop(black_box(plain())),
    );
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainRoleCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainGetRoleCredentials {
    role_credentials: PlainRoleCredentials,
}

#[derive(Serialize)]
struct PlainPortalQuery<'a> {
    role_name: &'a str,
    account_id: &'a str,
}

fn portal(c: &mut Criterion) {
    use ssooidc_token::portal::{self, GetRoleCredentials, GetRoleCredentialsResponse};
    use ssooidc_token::ExposeSecret;

    let token = refresh_token();
    let (account, role) = ("123456789012", "Developer+Access");
    let request = GetRoleCredentials::builder()
        .access_token(token.as_str())
        .account_id(account)
        .role_name(role)
        .build()
        .unwrap();
    let endpoint = portal::endpoint("us-east-1").unwrap();
    let plain = || {
        let query = serde_urlencoded::to_string(PlainPortalQuery {
            role_name: role,
            account_id: account,
        })
        .unwrap();
        http::Request::builder()
            .method(http::Method::GET)
            .uri(format!(
                "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?{query}"
            ))
            .header("x-amz-sso_bearer_token", token.as_str())
            .body(())
            .unwrap()
    };
    let ours = request.to_http(&endpoint);
    let theirs = plain();
    assert_eq!(ours.uri(), theirs.uri());
    assert_eq!(ours.headers(), theirs.headers());
    pair(
        c,
        "portal/to_http",
        "baseline-http-builder",
        || drop(black_box(request.to_http(black_box(&endpoint)))),
        || drop(black_box(plain())),
    );

    // A session token of the size the portal gives (about 1 KB).
    let body = format!(
        r#"{{"roleCredentials":{{"accessKeyId":"ASIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY","sessionToken":"{token}","expiration":1796126400000}}}}"#
    );
    let ours = GetRoleCredentialsResponse::from_json(body.as_bytes()).unwrap();
    let theirs: PlainGetRoleCredentials = serde_json::from_slice(body.as_bytes()).unwrap();
    assert_eq!(
        ours.credentials().session_token().expose_secret(),
        theirs.role_credentials.session_token
    );
    assert_eq!(
        ours.credentials().access_key_id(),
        theirs.role_credentials.access_key_id
    );
    assert!(!theirs.role_credentials.secret_access_key.is_empty());
    assert!(theirs.role_credentials.expiration > 0);
    pair(
        c,
        "portal/from_json",
        "baseline-serde-struct",
        || {
            drop(black_box(
                GetRoleCredentialsResponse::from_json(black_box(body.as_bytes())).unwrap(),
            ))
        },
        || {
            drop(black_box(
                serde_json::from_slice::<PlainGetRoleCredentials>(black_box(body.as_bytes()))
                    .unwrap(),
            ))
        },
    );
}

criterion_group!(
    jobs,
    portal,
    to_form,
    from_xml,
    login_to_json,
    poll_pending,
    pkce,
    browser_login,
    start_url
);
criterion_main!(jobs);
