//! The `RegisterClient` and `StartDeviceAuthorization` bodies are byte for byte what
//! `aws-sdk-ssooidc` sends for the same input: each case sends the request with the
//! SDK's capturing client and compares. Fixed awkward inputs first, then generated
//! ones (proptest).

mod common;

use aws_sdk_ssooidc::operation::register_client::builders::RegisterClientFluentBuilder;
use aws_sdk_ssooidc::operation::start_device_authorization::builders::StartDeviceAuthorizationFluentBuilder;
use common::sdk::{block_on, Setup};
use proptest::prelude::*;
use ssooidc_token::login::{RegisterClient, StartDeviceAuthorization};
use ssooidc_token::ExposeSecret;

/// The SDK's captured request as an `http::Request` (its own type is not a
/// dependency of this crate).
macro_rules! into_vec {
    ($request:expr) => {{
        let request = $request;
        let mut out = http::Request::new(request.body().bytes().expect("in-memory body").to_vec());
        *out.method_mut() = request.method().parse().unwrap();
        *out.uri_mut() = request.uri().parse().unwrap();
        for (name, value) in request.headers() {
            out.headers_mut().append(
                http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::header::HeaderValue::from_str(value).unwrap(),
            );
        }
        out
    }};
}

/// The request the SDK sends for `RegisterClient`.
fn sdk_register(
    configure: impl FnOnce(RegisterClientFluentBuilder) -> RegisterClientFluentBuilder,
) -> http::Request<Vec<u8>> {
    let (client, receiver) = common::sdk::client(Setup::default());
    // The captured response is an empty 200; whether the SDK likes it does not matter.
    let _ = block_on(configure(client.register_client()).send());
    into_vec!(receiver.expect_request())
}

/// The request the SDK sends for `StartDeviceAuthorization`.
fn sdk_start(
    configure: impl FnOnce(
        StartDeviceAuthorizationFluentBuilder,
    ) -> StartDeviceAuthorizationFluentBuilder,
) -> http::Request<Vec<u8>> {
    let (client, receiver) = common::sdk::client(Setup::default());
    let _ = block_on(configure(client.start_device_authorization()).send());
    into_vec!(receiver.expect_request())
}

fn assert_same_body(ours: &ssooidc_token::JsonBody, json_len: usize, sdk: &[u8]) {
    assert_eq!(
        String::from_utf8_lossy(ours.expose_secret()),
        String::from_utf8_lossy(sdk),
        "body differs from aws-sdk-ssooidc"
    );
    assert_eq!(ours.expose_secret(), sdk);
    assert_eq!(json_len, sdk.len());
}

/// Strings with every escaping rule: quotes, backslashes, short escapes, other
/// control characters, DEL, `/`, non-ASCII.
fn awkward() -> String {
    let mut s = String::from("q\"uo\\te/slash\u{8}\u{c}\n\r\t");
    for c in 0u8..0x20 {
        s.push(char::from(c));
    }
    s.push_str("\u{7f} é 日本 🦀 \u{2028}");
    s
}

struct Registration {
    name: String,
    grant_types: Vec<&'static str>,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
    issuer_url: Option<String>,
    arn: Option<String>,
}

fn ours(r: &Registration) -> RegisterClient {
    let mut builder = RegisterClient::builder().client_name(r.name.as_str());
    for g in &r.grant_types {
        builder = builder.grant_type(*g);
    }
    for u in &r.redirect_uris {
        builder = builder.redirect_uri(u.as_str());
    }
    for s in &r.scopes {
        builder = builder.scope(s.as_str());
    }
    match (&r.issuer_url, &r.arn) {
        (None, None) => builder.build(),
        (Some(i), None) => builder.issuer_url(i.as_str()).build(),
        (None, Some(a)) => builder.entitled_application_arn(a.as_str()).build(),
        (Some(i), Some(a)) => builder
            .issuer_url(i.as_str())
            .entitled_application_arn(a.as_str())
            .build(),
    }
    .expect("valid registration")
}

fn sdk_body(r: &Registration) -> http::Request<Vec<u8>> {
    sdk_register(|mut b| {
        b = b.client_name(&r.name).client_type("public");
        for g in &r.grant_types {
            b = b.grant_types(*g);
        }
        for u in &r.redirect_uris {
            b = b.redirect_uris(u);
        }
        for s in &r.scopes {
            b = b.scopes(s);
        }
        if let Some(i) = &r.issuer_url {
            b = b.issuer_url(i);
        }
        if let Some(a) = &r.arn {
            b = b.entitled_application_arn(a);
        }
        b
    })
}

fn check_registration(r: &Registration) {
    let request = ours(r);
    let sdk = sdk_body(r);
    assert_eq!(
        sdk.uri(),
        "https://oidc.us-east-1.amazonaws.com/client/register"
    );
    assert_same_body(&request.to_json(), request.json_len(), sdk.body());
    assert_eq!(serde_json::to_vec(&request).unwrap(), *sdk.body());
}

#[test]
fn register_client_matches_sdk() {
    let names = ["my-cli".to_owned(), awkward()];
    let grant_sets: [&[&str]; 4] = [
        &[],
        &["urn:ietf:params:oauth:grant-type:device_code"],
        &["authorization_code", "refresh_token"],
        &[
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
            "authorization_code",
        ],
    ];
    let uri_sets = [
        vec![],
        vec!["http://127.0.0.1:8400/oauth/callback".to_owned()],
        vec![
            "http://[::1]/cb".to_owned(),
            "com.example.app:/cb?x=%221%22&y=%5C%C3%A9/".to_owned(),
        ],
    ];
    let scope_sets = [
        vec![],
        vec!["sso:account:access".to_owned()],
        vec![
            "openid".to_owned(),
            "!#$%&'()*+,-./:;<=>?@[]^_`{|}~".to_owned(),
        ],
    ];
    let optionals = [
        (None, None),
        (
            Some("https://identitycenter.amazonaws.com/ssoins-1111111111111111".to_owned()),
            None,
        ),
        (
            Some("https://x/%22q%22%5C%C3%A9/".to_owned()),
            Some(format!(
                "arn:aws:sso::123456789012:application/{}",
                awkward()
            )),
        ),
    ];
    let mut cases = 0;
    for name in &names {
        for grants in grant_sets {
            for uris in &uri_sets {
                if grants.contains(&"authorization_code") && uris.is_empty() {
                    continue;
                }
                for scopes in &scope_sets {
                    for (issuer_url, arn) in &optionals {
                        check_registration(&Registration {
                            name: name.clone(),
                            grant_types: grants.to_vec(),
                            redirect_uris: uris.clone(),
                            scopes: scopes.clone(),
                            issuer_url: issuer_url.clone(),
                            arn: arn.clone(),
                        });
                        cases += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cases, 2 * (4 * 3 - 2) * 3 * 3);
}

fn check_start(client_id: &str, secret: &str, start_url: &str) {
    let request = StartDeviceAuthorization::builder()
        .client_id(client_id)
        .client_secret(secret)
        .start_url(start_url)
        .build()
        .expect("valid request");
    let sdk = sdk_start(|b| {
        b.client_id(client_id)
            .client_secret(secret)
            .start_url(start_url)
    });
    assert_eq!(
        sdk.uri(),
        "https://oidc.us-east-1.amazonaws.com/device_authorization"
    );
    assert_same_body(&request.to_json(), request.json_len(), sdk.body());
    assert_eq!(serde_json::to_vec(&request).unwrap(), *sdk.body());
}

#[test]
fn start_device_authorization_matches_sdk() {
    let big: String = "abc\"d\\e/f\u{1}é-_.".repeat(300);
    for client_id in ["_yzkThXVzLWVhc3QtMQ".to_owned(), awkward()] {
        for secret in ["VERYLONGSECRET".to_owned(), awkward(), big.clone()] {
            for start_url in [
                "https://d-1234567890.awsapps.com/start/#",
                "https://my-sso-portal.awsapps.com/start",
                "https://x/%22%C3%A9%5C/",
            ] {
                check_start(&client_id, &secret, start_url);
            }
        }
    }
}

/// Strings the builders accept: anything not blank (JSON escaping is the point).
fn any_text() -> impl Strategy<Value = String> {
    prop::string::string_regex("(.|\n|[\u{0}-\u{1f}\"\\\\]){1,40}")
        .unwrap()
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

/// Any text as URI characters (RFC 3986): what is not unreserved, a
/// sub-delimiter, `:`, `@` or `/` is percent-encoded.
fn percent_encoded(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn scope_token() -> impl Strategy<Value = String> {
    prop::string::string_regex("[!#-\\[\\]-~]{1,20}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_registrations_match_sdk(
        name in any_text(),
        grants in prop::collection::vec(prop::sample::select(vec![
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ]), 0..4),
        ports in prop::collection::vec(1u16.., 1..3),
        paths in prop::collection::vec(any_text(), 1..3),
        scopes in prop::collection::vec(scope_token(), 0..4),
        issuer in proptest::option::of(any_text()),
        arn in proptest::option::of(any_text()),
    ) {
        let redirect_uris = ports
            .iter()
            .zip(&paths)
            .map(|(port, path)| {
                format!("http://127.0.0.1:{port}/{}", percent_encoded(path))
            })
            .collect();
        let issuer_url = issuer.map(|i| format!("https://{}", percent_encoded(&i)));
        check_registration(&Registration {
            name,
            grant_types: grants,
            redirect_uris,
            scopes,
            issuer_url,
            arn,
        });
    }

    #[test]
    fn generated_device_authorizations_match_sdk(
        client_id in any_text(),
        secret in any_text(),
        path in any_text(),
    ) {
        check_start(
            &client_id,
            &secret,
            &format!("https://d-1.awsapps.com/start/{}", percent_encoded(&path)),
        );
    }
}

#[cfg(feature = "http")]
#[test]
fn to_http_matches_sdk_method_path_and_content_type() {
    let register = RegisterClient::builder()
        .client_name("my-cli")
        .build()
        .unwrap()
        .to_http("us-east-1")
        .unwrap();
    let sdk = sdk_register(|b| b.client_name("my-cli").client_type("public"));
    let start = StartDeviceAuthorization::builder()
        .client_id("c")
        .client_secret("s")
        .start_url("https://d-1.awsapps.com/start/#")
        .build()
        .unwrap()
        .to_http("us-east-1")
        .unwrap();
    let sdk_start = sdk_start(|b| {
        b.client_id("c")
            .client_secret("s")
            .start_url("https://d-1.awsapps.com/start/#")
    });
    for (ours, sdk) in [(register, sdk), (start, sdk_start)] {
        assert_eq!(ours.method(), sdk.method());
        assert_eq!(ours.uri(), sdk.uri());
        assert_eq!(
            ours.headers()["content-type"],
            sdk.headers()["content-type"]
        );
        assert_eq!(
            ours.headers()["content-length"],
            sdk.headers()["content-length"]
        );
        assert_eq!(ours.body().expose_secret(), sdk.body().as_slice());
        // Neither is signed.
        assert!(sdk.headers().get("authorization").is_none());
    }
}

#[cfg(feature = "http")]
#[test]
fn to_http_at_custom_and_fips_endpoints() {
    use ssooidc_token::{Endpoint, EndpointError};
    let register = RegisterClient::builder()
        .client_name("my-cli")
        .build()
        .unwrap();
    let local = Endpoint::custom("http://127.0.0.1:8080", "us-east-1").unwrap();
    assert_eq!(
        register.to_http_at(&local).uri(),
        "http://127.0.0.1:8080/client/register"
    );
    let start = StartDeviceAuthorization::builder()
        .client_id("c")
        .client_secret("s")
        .start_url("https://d-1.awsapps.com/start/#")
        .build()
        .unwrap();
    assert_eq!(
        start
            .to_http_at(&Endpoint::fips("ca-central-1").unwrap())
            .uri(),
        "https://oidc-fips.ca-central-1.amazonaws.com/device_authorization"
    );
    assert_eq!(
        start.to_http("cn-north-1").unwrap().uri(),
        "https://oidc.cn-north-1.amazonaws.com.cn/device_authorization"
    );
    assert_eq!(
        register.to_http("us-east-1/../x").unwrap_err(),
        EndpointError::InvalidRegion
    );
}
