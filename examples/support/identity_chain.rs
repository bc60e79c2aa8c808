//! The trusted-identity-propagation chain against local endpoints on 127.0.0.1,
//! shared by `examples/identity_propagation.rs` and its integration test.
//!
//! 1. A jwt-bearer `CreateTokenWithIAM`, signed with the application's
//!    credentials, to a local OIDC endpoint that verifies the signature (service
//!    `sso-oauth`) and answers with an ID token carrying `sts:identity_context`.
//! 2. The identity context into STS `AssumeRole`, signed (service `sts`), to a
//!    local STS endpoint that verifies the signature and the `ProvidedContexts`
//!    members, and answers with credentials (or with `AccessDenied`).
//! 3. Those credentials sign a third request, which a local endpoint verifies
//!    with the session's key and token.

use std::time::{Duration, SystemTime};

use ssooidc_token::sts::{
    AssumeRole, AssumeRoleResponse, IdentityContext, StsEndpoint, StsError,
    IDENTITY_CENTER_CONTEXT_PROVIDER,
};
use ssooidc_token::{
    sign_for_service, CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint, ExposeSecret,
    SigningCredentials,
};
use zeroize::Zeroizing;

use crate::sigv4_endpoint::{form_value, Answer, Endpoint as Local, Signer};

pub const REGION: &str = "us-east-1";
const APP_KEY_ID: &str = "AKIDAPPEXAMPLE";
const APP_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The identity context the local OIDC endpoint puts in the ID token.
pub const CONTEXT: &str = "AQoJb3JpZ2luX2VjEXAMPLEidentityContext+/=";
/// The session the local STS endpoint hands out (its secret key and token carry
/// characters the XML escapes).
const SESSION_KEY_ID: &str = "ASIAEXAMPLESESSION01";
const SESSION_SECRET: &str = "sEsSiOnSeCrEt+/EXAMPLEKEYabcdefghij0123";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE+token&more/==";

/// How the local STS endpoint answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sts {
    Grant,
    DenySetContext,
}

/// What the chain ended with.
#[derive(Debug)]
pub enum Outcome {
    /// The third request was accepted, signed with the identity-enhanced session.
    Accepted {
        assumed_role_arn: String,
        expiration: SystemTime,
    },
    /// STS refused.
    Refused(StsError),
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(word >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn send<B: ExposeSecret<[u8]>>(
    request: http::Request<B>,
) -> Result<(u16, Vec<u8>), Box<dyn std::error::Error>> {
    // Hand ureq the bytes: from here on, its buffers are its own.
    let (parts, body) = request.into_parts();
    let outgoing = http::Request::from_parts(parts, body.expose_secret());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut answer = agent.run(outgoing)?;
    let status = answer.status().as_u16();
    Ok((status, answer.body_mut().read_to_vec()?))
}

/// `ExposeSecret` for a `Zeroizing<Vec<u8>>` body, to send it like the others.
struct Body(Zeroizing<Vec<u8>>);
impl ExposeSecret<[u8]> for Body {
    fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

pub fn run(sts: Sts) -> Result<Outcome, Box<dyn std::error::Error>> {
    let app = Signer {
        access_key_id: APP_KEY_ID.into(),
        secret_access_key: APP_SECRET.into(),
        session_token: None,
        region: REGION,
        signing_name: "sso-oauth",
    };
    // 1. The OIDC endpoint: a jwt-bearer request in, an ID token with the claim out.
    let oidc = Local::start(app.clone(), |received| {
        if received.target != "/token?aws_iam=t" {
            return Err(format!("unexpected target {}", received.target));
        }
        let request = ssooidc_token::AnyCreateTokenWithIam::from_json(&received.body)
            .map_err(|e| format!("body refused: {e}"))?;
        if request.grant_type() != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
            return Err("not a jwt-bearer request".into());
        }
        let payload =
            format!(r#"{{"sub":"alice","sts:identity_context":"{CONTEXT}","aud":"app"}}"#);
        let id_token = format!(
            "{}.{}.{}",
            base64url(br#"{"alg":"RS256","kid":"k1"}"#),
            base64url(payload.as_bytes()),
            base64url(b"not-a-real-signature")
        );
        let body = format!(
            r#"{{"accessToken":"aoal-EXAMPLE","tokenType":"Bearer","expiresIn":3600,"idToken":"{id_token}","issuedTokenType":"urn:ietf:params:oauth:token-type:access_token","scope":["openid","sts:identity_context"]}}"#
        );
        Ok(((200, "application/json", body), ()))
    });
    // 2. STS: checks the context members, grants or refuses.
    let sts_endpoint = Local::start(
        Signer {
            signing_name: "sts",
            ..app.clone()
        },
        move |received| {
            let form = |name: &str| form_value(&received.body, name);
            let checks = [
                ("Action", "AssumeRole"),
                (
                    "ProvidedContexts.member.1.ProviderArn",
                    IDENTITY_CENTER_CONTEXT_PROVIDER,
                ),
                ("ProvidedContexts.member.1.ContextAssertion", CONTEXT),
                (
                    "RoleArn",
                    "arn:aws:iam::123456789012:role/identity-enhanced",
                ),
            ];
            for (name, expected) in checks {
                if form(name).as_deref() != Some(expected) {
                    return Err(format!("{name} is not {expected}"));
                }
            }
            let answer: Answer = match sts {
                Sts::Grant => (
                    200,
                    "text/xml",
                    format!(
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                         <AssumeRoleResult><AssumedRoleUser>\
                         <Arn>arn:aws:sts::123456789012:assumed-role/identity-enhanced/alice</Arn>\
                         <AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId></AssumedRoleUser>\
                         <Credentials><AccessKeyId>{SESSION_KEY_ID}</AccessKeyId>\
                         <SecretAccessKey>{}</SecretAccessKey><SessionToken>{}</SessionToken>\
                         <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>\
                         </AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId>\
                         </ResponseMetadata></AssumeRoleResponse>",
                        SESSION_SECRET.replace('+', "&#43;"),
                        SESSION_TOKEN.replace('&', "&amp;"),
                    ),
                ),
                Sts::DenySetContext => (
                    403,
                    "text/xml",
                    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                     <Type>Sender</Type><Code>AccessDenied</Code><Message>User: \
                     arn:aws:iam::123456789012:user/app is not authorized to perform: \
                     sts:SetContext on resource: arn:aws:iam::123456789012:role/identity-enhanced\
                     </Message></Error><RequestId>r-2</RequestId></ErrorResponse>"
                        .to_owned(),
                ),
            };
            Ok((answer, ()))
        },
    );
    // 3. An API that takes only the identity-enhanced session's signature.
    let api = Local::start(
        Signer {
            access_key_id: SESSION_KEY_ID.into(),
            secret_access_key: SESSION_SECRET.into(),
            session_token: Some(SESSION_TOKEN.into()),
            region: REGION,
            signing_name: "s3",
        },
        |received| {
            Ok((
                (200, "text/plain", "granted".to_owned()),
                received.method.clone(),
            ))
        },
    );

    let app_credentials = SigningCredentials::new(APP_KEY_ID, APP_SECRET);
    let token_request = CreateTokenWithIam::jwt_bearer()
        .client_id(
            "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222",
        )
        .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl")
        .scopes(["openid", "sts:identity_context"])
        .build()?;
    let (status, body) = send(token_request.to_signed_http(
        &Endpoint::custom(&oidc.base_url(), REGION)?,
        &app_credentials,
        SystemTime::now(),
    )?)?;
    oidc.outcome()?;
    if status != 200 {
        return Err(format!("the OIDC endpoint answered HTTP {status}").into());
    }
    let answer = CreateTokenWithIamResponse::from_json(&body)?;
    let context = IdentityContext::from_response(&answer)?;

    let assume_role = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/identity-enhanced")
        .role_session_name("alice")
        .identity_context(context)
        .duration_seconds(900)
        .build()?;
    let (status, body) = send(assume_role.to_signed_http(
        &StsEndpoint::custom(&sts_endpoint.base_url(), REGION)?,
        &app_credentials,
        SystemTime::now(),
    )?)?;
    sts_endpoint.outcome()?;
    if status != 200 {
        drop(api);
        return Ok(Outcome::Refused(StsError::from_xml(status, &body)?));
    }
    let session = AssumeRoleResponse::from_xml(&body)?;
    let assumed_role_arn = session.assumed_role_arn().to_owned();
    let credentials = session.into_credentials();
    let expiration = credentials.expiration();
    let session_credentials = SigningCredentials::from(credentials);

    let mut call = http::Request::get(format!("{}/?accessgrantslocation", api.base_url()))
        .body(Zeroizing::new(Vec::new()))?;
    sign_for_service(
        &mut call,
        &session_credentials,
        REGION,
        "s3",
        SystemTime::now(),
    )?;
    let (parts, body) = call.into_parts();
    let (status, _) = send(http::Request::from_parts(parts, Body(body)))?;
    api.outcome()?;
    if status != 200 {
        return Err(format!("the API answered HTTP {status}").into());
    }
    Ok(Outcome::Accepted {
        assumed_role_arn,
        expiration,
    })
}
