//! The identity-enhanced credentials provider leaves no unwiped copy of a
//! secret: the IdP token, the Identity Center refresh token (kept between
//! chains, replaced, refused), the identity context, the session's secret key
//! and token, up to and including the hand-over to the SDK's `Credentials` (and
//! their drop); and on the error paths (a refused refresh token whose error
//! quotes a secret, STS refusing).
//!
//! A test binary of its own with its own global allocator (`common/probe.rs`):
//! while armed, it scans every block before it is freed, and every block a
//! reallocation moves, for a canary planted in every secret. The network is a
//! `Transport` that answers in process from exact-size zeroizing buffers: the
//! HTTP client's own buffers are the client's (README, "Sending"), and what is
//! tested here is everything this crate does around them. A positive control
//! shows the probe catches a plain `String` copy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use ssooidc_token::credentials::{IdentityEnhancedCredentials, Transport, TransportFuture};
use ssooidc_token::sts::{AssumeRoleResponse, StsEndpoint};
use ssooidc_token::{
    CreateTokenWithIamResponse, Endpoint, ExposeSecret, FormBody, JsonBody, SecretString,
};
use zeroize::Zeroizing;

#[path = "common/probe.rs"]
mod probe;

use probe::{contains_canary, leaks_during, secret_string, CANARY};

/// Parts joined into one zeroizing buffer allocated at its final size.
fn joined(parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.extend_from_slice(part);
    }
    Zeroizing::new(out)
}

/// A canary-filled compact JWT, as a `SecretString` made without a copy.
fn canary_jwt() -> SecretString {
    let part = Zeroizing::new(secret_string(64, 64));
    let jwt = joined(&[
        b"eyJ",
        part.as_bytes(),
        b".eyJ",
        part.as_bytes(),
        b".",
        part.as_bytes(),
    ]);
    let text = String::from_utf8(jwt.to_vec()).unwrap();
    assert_eq!(text.len(), text.capacity());
    SecretString::from(text.into_boxed_str())
}

/// `&#43;` between canaries: the XML reader has to decode it.
fn xml_secret() -> Zeroizing<Vec<u8>> {
    let c = Zeroizing::new(secret_string(48, 48));
    joined(&[c.as_bytes(), b"&#43;", c.as_bytes()])
}

/// The in-process service: grants tokens with a canary refresh token and
/// identity context, refuses a refresh token when told (quoting a canary), and
/// grants or refuses `AssumeRole`. It checks each request carries its secret.
#[derive(Debug, Default)]
struct InProcess {
    token_calls: AtomicUsize,
    refuse_refresh_from: AtomicUsize,
    deny_sts: std::sync::atomic::AtomicBool,
}

impl Transport for InProcess {
    fn create_token_with_iam(
        &self,
        request: http::Request<JsonBody>,
    ) -> TransportFuture<'_, CreateTokenWithIamResponse> {
        let call = self.token_calls.fetch_add(1, Ordering::SeqCst) + 1;
        let refuse_from = self.refuse_refresh_from.load(Ordering::SeqCst);
        Box::pin(async move {
            let body = request.body().expose_secret();
            assert!(contains_canary(body), "the request carries its token");
            let refresh = body.windows(12).any(|w| w == b"refreshToken");
            let c = Zeroizing::new(secret_string(200, 200));
            let answer = if refresh && refuse_from != 0 && call >= refuse_from {
                let body = joined(&[
                    br#"{"error":"invalid_grant","error_description":"refused "#,
                    c.as_bytes(),
                    br#""}"#,
                ]);
                CreateTokenWithIamResponse::from_http(400, &body)
            } else {
                let body = joined(&[
                    br#"{"accessToken":""#,
                    c.as_bytes(),
                    br#"","tokenType":"Bearer","expiresIn":3600,"refreshToken":""#,
                    c.as_bytes(),
                    br#"\/","awsAdditionalDetails":{"identityContext":""#,
                    c.as_bytes(),
                    br#"\u00e9"}}"#,
                ]);
                CreateTokenWithIamResponse::from_http(200, &body)
            };
            drop(request);
            Ok(answer?)
        })
    }

    fn assume_role(
        &self,
        request: http::Request<FormBody>,
    ) -> TransportFuture<'_, AssumeRoleResponse> {
        let deny = self.deny_sts.load(Ordering::SeqCst);
        Box::pin(async move {
            assert!(
                contains_canary(request.body().expose_secret()),
                "the identity context is in the form"
            );
            let form = request.body().expose_secret();
            assert!(
                form.windows(11).any(|w| w == b"&ExternalId"),
                "the external ID is in the form"
            );
            drop(request);
            if deny {
                let c = Zeroizing::new(secret_string(100, 100));
                let body = joined(&[
                    b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>",
                    c.as_bytes(),
                    b"</Message></Error><RequestId>r-2</RequestId></ErrorResponse>",
                ]);
                return Ok(AssumeRoleResponse::from_http(403, &body)?);
            }
            let (secret, token) = (xml_secret(), xml_secret());
            // Expires in 20 s: the next load runs another chain, and does
            // not keep these when it fails.
            let expiration = SystemTime::now() + Duration::from_secs(20);
            let secs = expiration
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let when = aws_smithy_types::DateTime::from_secs(i64::try_from(secs).unwrap())
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .unwrap();
            let body = joined(&[
                b"<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>\
                  <Arn>arn:aws:sts::123456789012:assumed-role/app/alice</Arn>\
                  <AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId></AssumedRoleUser>\
                  <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>",
                &secret,
                b"</SecretAccessKey><SessionToken>",
                &token,
                b"</SessionToken><Expiration>",
                when.as_bytes(),
                b"</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
            ]);
            Ok(AssumeRoleResponse::from_http(200, &body)?)
        })
    }
}

#[test]
fn positive_control_a_plain_string_copy_is_caught() {
    let leaks = leaks_during(|| {
        let secret = Zeroizing::new(secret_string(64, 64));
        let copy: String = secret.as_str().to_owned();
        drop(copy);
    });
    assert!(leaks >= 1, "the probe missed a plain copy");
}

#[test]
fn the_chain_and_the_hand_over_leave_no_unwiped_copy() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let idp_calls = Arc::new(AtomicUsize::new(0));
    let transport = Arc::new(InProcess::default());
    let leaks = leaks_during(|| {
        runtime.block_on(async {
            let calls = idp_calls.clone();
            let app_secret = secret_string(40, 40);
            let provider = IdentityEnhancedCredentials::builder()
                .application_arn(
                    "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222",
                )
                .role_arn("arn:aws:iam::123456789012:role/identity-enhanced")
                .oidc_endpoint(Endpoint::new("us-east-1").unwrap())
                .sts_endpoint(StsEndpoint::new("us-east-1").unwrap())
                .app_credentials(Credentials::new("AKIDAPP", app_secret, None, None, "app"))
                .idp_token(move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    async { Ok(canary_jwt()) }
                })
                .client(Shared(transport.clone()))
                // The external ID is a secret too: every chain's form holds it.
                .external_id(secret_string(48, 48))
                .build()
                .unwrap();
            // Chain 1: jwt-bearer (token call 1). 2: the refresh token (call 2).
            // 3: the refresh token refused, its error quoting a canary (call 3),
            // then jwt-bearer (call 4).
            transport.refuse_refresh_from.store(3, Ordering::SeqCst);
            for _ in 0..3 {
                let credentials = provider.provide_credentials().await.unwrap();
                assert!(credentials.secret_access_key().as_bytes().starts_with(CANARY));
                assert!(credentials
                    .session_token()
                    .unwrap()
                    .as_bytes()
                    .starts_with(CANARY));
                drop(credentials);
            }
            // 4: the refresh token refused again, jwt-bearer, then STS refuses,
            // its message quoting a canary.
            transport.deny_sts.store(true, Ordering::SeqCst);
            let err = provider.provide_credentials().await.unwrap_err();
            drop(err);
            drop(provider);
        });
    });
    // The IdP token was asked for by chains 1, 3 and 4; six token calls.
    assert_eq!(idp_calls.load(Ordering::SeqCst), 3);
    assert_eq!(transport.token_calls.load(Ordering::SeqCst), 6);
    assert_eq!(leaks, 0, "freed blocks held a secret");
}

/// The test's transport, shared with the test to switch its answers.
#[derive(Debug)]
struct Shared(Arc<InProcess>);

impl Transport for Shared {
    fn create_token_with_iam(
        &self,
        request: http::Request<JsonBody>,
    ) -> TransportFuture<'_, CreateTokenWithIamResponse> {
        self.0.create_token_with_iam(request)
    }

    fn assume_role(
        &self,
        request: http::Request<FormBody>,
    ) -> TransportFuture<'_, AssumeRoleResponse> {
        self.0.assume_role(request)
    }
}
