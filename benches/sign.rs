//! Signing: this crate's zeroizing SigV4 signer next to `aws-sigv4` (the SDK's
//! signer) on the same request, credentials and clock; and the whole road from
//! `build()` to signed bytes next to the SDK's `create_token_with_iam()...send()`
//! up to the bytes reaching its (capturing) HTTP client; and an S3 `PutObject`
//! (4 KiB body, an object key with a space and a `+`, a session token) signed
//! with S3's rules next to `aws-sigv4` with the settings the SDK uses for S3
//! (single percent-encoding, no path normalization, `x-amz-content-sha256`).

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_ssooidc::config::{BehaviorVersion, Credentials, Region};
use aws_sigv4::http_request::{
    sign as sdk_sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_async::time::StaticTimeSource;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use ssooidc_token::{
    sign, sign_for_service, CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint, ExposeSecret,
    SigningCredentials, TokenType,
};

mod fixtures;
use fixtures::*;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const ANSWER: &str = r#"{"accessToken":"aoal-example","tokenType":"Bearer","expiresIn":3600}"#;

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn session_token() -> String {
    // A realistic temporary-credentials token: about 1 KB of base64.
    "IQoJb3JpZ2luX2VjEXAMPLE/+".repeat(40)
}

fn token_exchange() -> CreateTokenWithIam<ssooidc_token::grant::TokenExchange> {
    CreateTokenWithIam::token_exchange()
        .client_id(ARN)
        .subject_token(jwt())
        .subject_token_type(TokenType::AccessToken)
        .scopes(SCOPES)
        .build()
        .unwrap()
}

/// What a caller of aws-sigv4 writes: parameters, the signable view of the
/// request (its body's bytes through `body`), signing, applying the result.
fn sdk_sign_http<B>(
    http: &mut http::Request<B>,
    body: impl Fn(&B) -> &[u8],
    identity: &aws_smithy_runtime_api::client::identity::Identity,
    name: &str,
    settings: SigningSettings,
) {
    let params = SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name(name)
        .time(time())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let uri = http.uri().to_string();
    let headers: Vec<(&str, &str)> = http
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
        .collect();
    let signable = SignableRequest::new(
        http.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(body(http.body())),
    )
    .unwrap();
    let (instructions, _) = sdk_sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(http);
}

fn sign_one(c: &mut Criterion) {
    let request = token_exchange();
    let endpoint = Endpoint::new("us-east-1").unwrap();
    for (label, token) in [
        ("long-term", None),
        ("session-token", Some(session_token())),
    ] {
        let mut g = c.benchmark_group(format!("sign/{label}"));
        let mut ours = SigningCredentials::new(AKID, SECRET);
        if let Some(token) = &token {
            ours = ours.with_session_token(token.as_str());
        }
        g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
            b.iter_batched(
                || request.to_http_at(&endpoint),
                |mut http| {
                    sign(&mut http, &ours, "us-east-1", time()).unwrap();
                    http
                },
                BatchSize::SmallInput,
            )
        });
        let identity = Credentials::new(AKID, SECRET, token.clone(), None, "bench").into();
        g.bench_function(BenchmarkId::from_parameter("baseline-aws-sigv4"), |b| {
            b.iter_batched(
                || request.to_http_at(&endpoint),
                |mut http| {
                    sdk_sign_http(
                        &mut http,
                        |body| body.expose_secret(),
                        &identity,
                        "sso-oauth",
                        SigningSettings::default(),
                    );
                    http
                },
                BatchSize::SmallInput,
            )
        });
        g.finish();
    }
}

fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("end-to-end/iam-token-exchange-1k");
    let endpoint = Endpoint::new("us-east-1").unwrap();
    let credentials = SigningCredentials::new(AKID, SECRET);
    let inputs = || (ARN.to_owned(), jwt(), SCOPES.map(str::to_owned));
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter_batched(
            inputs,
            |(id, token, scopes)| {
                let request = CreateTokenWithIam::token_exchange()
                    .client_id(id)
                    .subject_token(token)
                    .subject_token_type(TokenType::AccessToken)
                    .scopes(scopes)
                    .build()
                    .unwrap();
                let signed = request
                    .to_signed_http(&endpoint, &credentials, time())
                    .unwrap();
                black_box(&signed);
                // The same small answer the SDK reads below.
                CreateTokenWithIamResponse::from_json(ANSWER.as_bytes()).unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    let http = infallible_client_fn(|request| {
        black_box(request.body().bytes());
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(SdkBody::from(ANSWER))
            .unwrap()
    });
    let config = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(AKID, SECRET, None, None, "bench"))
        .time_source(StaticTimeSource::new(time()))
        .http_client(http)
        .build();
    let client = aws_sdk_ssooidc::Client::from_conf(config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    g.bench_function(BenchmarkId::from_parameter("baseline-aws-sdk-send"), |b| {
        b.iter_batched(
            inputs,
            |(id, token, scopes)| {
                runtime
                    .block_on(
                        client
                            .create_token_with_iam()
                            .client_id(id)
                            .grant_type("urn:ietf:params:oauth:grant-type:token-exchange")
                            .subject_token(token)
                            .subject_token_type(SUBJECT_TOKEN_TYPE)
                            .set_scope(Some(scopes.into()))
                            .send(),
                    )
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// An S3 `PutObject`, signed as S3 wants it: the path as it stands, the
/// body's hash sent and signed as `x-amz-content-sha256`.
fn sign_s3(c: &mut Criterion) {
    const URI: &str =
        "https://amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com/reports/2026%20Q1/a%2Bb.csv";
    let body: Vec<u8> = (0..4096u32)
        .map(|i| b"0123456789,abcdef\n"[(i % 18) as usize])
        .collect();
    let request = || {
        http::Request::builder()
            .method("PUT")
            .uri(URI)
            .header("content-type", "text/csv")
            .body(zeroize::Zeroizing::new(body.clone()))
            .unwrap()
    };
    let token = session_token();
    let ours = SigningCredentials::new(AKID, SECRET).with_session_token(token.as_str());
    let identity = Credentials::new(AKID, SECRET, Some(token.clone()), None, "bench").into();
    let theirs = |mut http: http::Request<zeroize::Zeroizing<Vec<u8>>>| {
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        sdk_sign_http(&mut http, |body| body, &identity, "s3", settings);
        http
    };
    // The same request comes out of both, signature and all.
    let mut mine = request();
    sign_for_service(&mut mine, &ours, "us-east-1", "s3", time()).unwrap();
    let sdk = theirs(request());
    for name in [
        "authorization",
        "x-amz-content-sha256",
        "x-amz-date",
        "x-amz-security-token",
    ] {
        assert_eq!(mine.headers().get(name), sdk.headers().get(name), "{name}");
    }
    let mut g = c.benchmark_group("sign/s3-put-4k");
    g.bench_function(BenchmarkId::from_parameter("ssooidc-token"), |b| {
        b.iter_batched(
            request,
            |mut http| {
                sign_for_service(&mut http, &ours, "us-east-1", "s3", time()).unwrap();
                http
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function(BenchmarkId::from_parameter("baseline-aws-sigv4"), |b| {
        b.iter_batched(request, &theirs, BatchSize::SmallInput)
    });
    g.finish();
}

criterion_group!(benches, sign_one, sign_s3, end_to_end);
criterion_main!(benches);
