//! The STS `AssumeRole` request against `aws-sdk-sts`: the form body is byte for
//! byte the SDK's over generated inputs, and the signature equals the SDK's for
//! the same request, credentials and clock.
#![cfg(feature = "sts")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod common;

use aws_sdk_sts::types::{PolicyDescriptorType, ProvidedContext, Tag};
use common::sdk::{block_on, sts_client, Setup, ACCESS_KEY_ID, SECRET_ACCESS_KEY};
use proptest::prelude::*;
use ssooidc_token::sts::{
    AssumeRole, IdentityContext, StsEndpoint, IDENTITY_CENTER_CONTEXT_PROVIDER,
};
use ssooidc_token::{ExposeSecret, SigningCredentials};

#[derive(Debug, Clone)]
struct Input {
    role_arn: String,
    session_name: String,
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration: Option<u32>,
    tags: Vec<(String, String)>,
    source_identity: Option<String>,
    context: String,
    transitive_tag_keys: Vec<String>,
    external_id: Option<String>,
    mfa: Option<(String, String)>,
    minimum_session_token_size: Option<u32>,
}

fn inputs() -> impl Strategy<Value = Input> {
    let arn = (
        prop::sample::select(&["aws", "aws-cn", "aws-us-gov"][..]),
        "[0-9]{12}",
        "[A-Za-z0-9+=,.@_-]{1,20}(/[A-Za-z0-9+=,.@_-]{1,20}){0,2}",
    )
        .prop_map(|(p, account, name)| format!("arn:{p}:iam::{account}:role/{name}"));
    let policy_arn =
        "[A-Za-z0-9+=,.@_-]{1,30}".prop_map(|n| format!("arn:aws:iam::aws:policy/{n}"));
    // Keys: letters (some non-ASCII), digits, spaces and `_.:/=+-@`, made unique
    // by their index.
    let tag = (
        "[a-zA-Z0-9 _.:/=+@é日-]{0,20}",
        "[a-zA-Z0-9 _.:/=+@é日-]{0,40}",
    );
    (
        (
            arn,
            "[A-Za-z0-9+=,.@_-]{2,64}",
            prop::collection::vec(policy_arn, 0..=10),
            prop::option::of("[ -~\u{a0}-\u{ff}\t\n]{1,300}"),
            prop::option::of(900u32..=43_200),
        ),
        (
            prop::collection::vec(tag, 0..8),
            prop::option::of("[A-Za-z0-9+=,.@_-]{2,64}".prop_filter("aws: prefix", |s| {
                !s.to_ascii_lowercase().starts_with("aws:")
            })),
            // Contexts as they come (base64 with + / =), and awkward text.
            prop_oneof!["[A-Za-z0-9+/=]{4,600}", "\\PC{4,80}"],
        ),
        (
            prop::collection::vec("[a-zA-Z0-9 _.:/=+@é日-]{1,20}", 0..5),
            prop::option::of("[A-Za-z0-9+=,.@:/_-]{2,80}"),
            prop::option::of((
                prop_oneof![
                    "[A-Z]{4}[0-9]{8}",
                    "[0-9]{12}".prop_map(|a| format!("arn:aws:iam::{a}:mfa/alice")),
                ],
                "[0-9]{6}",
            )),
            prop::option::of(0u32..=4_096),
        ),
    )
        .prop_map(
            |(
                (role_arn, session_name, policy_arns, policy, duration),
                (tags, source_identity, context),
                (transitive_tag_keys, external_id, mfa, minimum_session_token_size),
            )| {
                Input {
                    transitive_tag_keys,
                    external_id,
                    mfa,
                    minimum_session_token_size,
                    role_arn,
                    session_name,
                    policy_arns,
                    policy,
                    duration,
                    tags: tags
                        .into_iter()
                        .enumerate()
                        .map(|(i, (k, v))| (format!("k{i}{k}"), v))
                        .collect(),
                    source_identity,
                    context,
                }
            },
        )
}

/// `$builder` with each optional setter called when its value is `Some`, then
/// built: one expression per combination, since every setter changes the
/// builder's type.
macro_rules! build_with {
    ($builder:expr;) => { $builder.build() };
    ($builder:expr; $value:expr => |$v:pat_param| $setter:ident($($arg:expr),*), $($rest:tt)*) => {
        match $value {
            Some($v) => build_with!($builder.$setter($($arg),*); $($rest)*),
            None => build_with!($builder; $($rest)*),
        }
    };
}

fn ours(input: &Input) -> AssumeRole {
    // The required and repeatable members, the same on both paths.
    let started = || {
        let mut builder = AssumeRole::builder()
            .role_arn(input.role_arn.as_str())
            .role_session_name(input.session_name.as_str())
            .identity_context(IdentityContext::new(input.context.as_str()).unwrap());
        for arn in &input.policy_arns {
            builder = builder.policy_arn(arn.as_str());
        }
        for (key, value) in &input.tags {
            builder = builder.tag(key.as_str(), value.as_str());
        }
        for key in &input.transitive_tag_keys {
            builder = builder.transitive_tag_key(key.as_str());
        }
        builder
    };
    let request = build_with!(started();
        &input.policy => |p| policy(p.as_str()),
        input.duration => |d| duration_seconds(d),
        &input.source_identity => |s| source_identity(s.as_str()),
        &input.external_id => |e| external_id(e.as_str()),
        &input.mfa => |(serial, code)| mfa(serial.as_str(), code.as_str()),
        input.minimum_session_token_size => |m| minimum_session_token_size(m),
    );
    let request = request.unwrap_or_else(|e| panic!("{e}"));
    // The same through the `maybe_*` setters, without a branch per field.
    let maybe = started()
        .maybe_policy(input.policy.as_deref())
        .maybe_duration_seconds(input.duration)
        .maybe_source_identity(input.source_identity.as_deref())
        .maybe_external_id(input.external_id.as_deref())
        .maybe_mfa(
            input
                .mfa
                .as_ref()
                .map(|(serial, code)| (serial.as_str(), code.as_str())),
        )
        .maybe_minimum_session_token_size(input.minimum_session_token_size)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        maybe.to_form().expose_secret(),
        request.to_form().expose_secret()
    );
    request
}

/// The request `aws-sdk-sts` would send for `input`.
fn sdk(
    input: &Input,
    time: Option<SystemTime>,
    region: &str,
    token: Option<&str>,
) -> http::Request<Vec<u8>> {
    let (client, receiver) = sts_client(Setup {
        region,
        session_token: token,
        time,
        ..Setup::default()
    });
    let policy_arns = (!input.policy_arns.is_empty()).then(|| {
        input
            .policy_arns
            .iter()
            .map(|a| PolicyDescriptorType::builder().arn(a).build())
            .collect()
    });
    let tags = (!input.tags.is_empty()).then(|| {
        input
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build().unwrap())
            .collect()
    });
    let _ = block_on(
        client
            .assume_role()
            .role_arn(&input.role_arn)
            .role_session_name(&input.session_name)
            .set_policy_arns(policy_arns)
            .set_policy(input.policy.clone())
            .set_duration_seconds(input.duration.map(|d| i32::try_from(d).unwrap()))
            .set_tags(tags)
            .set_source_identity(input.source_identity.clone())
            .set_transitive_tag_keys(
                (!input.transitive_tag_keys.is_empty()).then(|| input.transitive_tag_keys.clone()),
            )
            .set_external_id(input.external_id.clone())
            .set_serial_number(input.mfa.as_ref().map(|(serial, _)| serial.clone()))
            .set_token_code(input.mfa.as_ref().map(|(_, code)| code.clone()))
            .set_minimum_session_token_size(
                input
                    .minimum_session_token_size
                    .map(|m| i32::try_from(m).unwrap()),
            )
            .provided_contexts(
                ProvidedContext::builder()
                    .provider_arn(IDENTITY_CENTER_CONTEXT_PROVIDER)
                    .context_assertion(&input.context)
                    .build(),
            )
            .send(),
    );
    let request = receiver.expect_request();
    let mut out = http::Request::builder()
        .method(request.method())
        .uri(request.uri());
    for (name, value) in request.headers() {
        out = out.header(name, value);
    }
    out.body(request.body().bytes().unwrap().to_vec()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_form_body_is_the_sdks(input in inputs()) {
        let request = ours(&input);
        let form = request.to_form();
        let sdk = sdk(&input, None, "us-east-1", None);
        prop_assert_eq!(
            String::from_utf8_lossy(form.expose_secret()),
            String::from_utf8_lossy(sdk.body())
        );
        prop_assert_eq!(form.len(), request.form_len());
    }
}

#[test]
fn the_signature_is_the_sdks() {
    let input = Input {
        role_arn: "arn:aws:iam::123456789012:role/app".into(),
        session_name: "alice@example.com".into(),
        policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
        policy: Some(r#"{"Version":"2012-10-17"}"#.into()),
        duration: Some(3_600),
        tags: vec![("team".into(), "data é".into())],
        source_identity: Some("alice".into()),
        context: "AQoJb3JpZ2luX2VjEXAMPLE+/=".into(),
        transitive_tag_keys: vec!["team".into()],
        external_id: Some("partner:42/x".into()),
        mfa: Some((
            "arn:aws:iam::123456789012:mfa/alice".into(),
            "123456".into(),
        )),
        minimum_session_token_size: Some(2_048),
    };
    for (secs, region, token) in [
        (1_700_000_000, "us-east-1", None),
        (
            1_234_567_890,
            "eu-west-1",
            Some("FQoGZXIvYXdzEXAMPLESESSIONTOKEN"),
        ),
        (1_800_000_123, "cn-north-1", None),
        (
            1_767_225_599,
            "us-gov-west-1",
            Some("IQoJb3JpZ2luEXAMPLE/+="),
        ),
    ] {
        let time = UNIX_EPOCH + Duration::from_secs(secs);
        let sdk = sdk(&input, Some(time), region, token);
        let endpoint = StsEndpoint::new(region).unwrap();
        assert_eq!(sdk.uri().host(), Some(endpoint.host()), "{region}");
        let mut credentials = SigningCredentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
        if let Some(token) = token {
            credentials = credentials.with_session_token(token);
        }
        let mut ours = ours(&input).to_http(&endpoint);
        // The SDK signs its own x-amz-user-agent; give ours the same one.
        ours.headers_mut().insert(
            "x-amz-user-agent",
            sdk.headers()["x-amz-user-agent"].clone(),
        );
        ssooidc_token::sign_for_service(&mut ours, &credentials, region, "sts", time).unwrap();
        assert_eq!(ours.body().expose_secret(), &sdk.body()[..]);
        assert_eq!(
            ours.headers()["authorization"],
            sdk.headers()["authorization"],
            "{region} at {secs}"
        );
        assert_eq!(
            ours.headers()["content-type"],
            sdk.headers()["content-type"]
        );
    }
}

/// For `aws-sdk-sts` users: the SDK's `ProvidedContext`, with the right provider.
#[cfg(feature = "aws-sdk-sts")]
#[test]
fn to_provided_context_gives_the_sdk_the_right_provider_and_assertion() {
    let context = IdentityContext::new("AQoJb3JpZ2luEXAMPLE").unwrap();
    let provided = context.to_provided_context();
    assert_eq!(
        provided.provider_arn(),
        Some("arn:aws:iam::aws:contextProvider/IdentityCenter")
    );
    assert_eq!(provided.context_assertion(), Some("AQoJb3JpZ2luEXAMPLE"));
}
