//! Where requests go: `Endpoint::new`/`fips` and `StsEndpoint::new`/`fips` give
//! the URL the AWS SDKs' own endpoint resolvers give (`aws-sdk-ssooidc`,
//! `aws-sdk-sts`) for the same region, and `Endpoint::custom` keeps a host in
//! the one spelling every HTTP client sends.
#![cfg(feature = "sts")]

use aws_sdk_ssooidc::config::endpoint::{
    DefaultResolver as OidcResolver, Params as OidcParams, ResolveEndpoint as _,
};
use aws_sdk_sts::config::endpoint::{
    DefaultResolver as StsResolver, Params as StsParams, ResolveEndpoint as _,
};
use ssooidc_token::sts::StsEndpoint;
use ssooidc_token::{Endpoint, EndpointError};

const REGIONS: [&str; 26] = [
    // The sovereign and isolated partitions, with their own DNS suffixes.
    "eusc-de-east-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "aws-iso-global",
    "aws-global",
    "aws-us-gov-global",
    "aws-iso-b-global",
    // Names no partition's pattern takes: the `aws` partition's.
    "us-iso-east-west-1",
    "eusc-fr-east-1",
    "cn-north",
    "xx-east-1",
    "us-gov-west",
    "us-east-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-central-2",
    "ap-southeast-2",
    "sa-east-1",
    "il-central-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "cn-north-1",
    "cn-northwest-1",
];

#[test]
fn public_and_fips_endpoints_are_the_sdks() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for region in REGIONS {
        for fips in [false, true] {
            let params = OidcParams::builder()
                .region(region)
                .use_fips(fips)
                .use_dual_stack(false)
                .build()
                .unwrap();
            let oidc = runtime.block_on(OidcResolver::new().resolve_endpoint(&params));
            let params = StsParams::builder()
                .region(region)
                .use_fips(fips)
                .use_dual_stack(false)
                .build()
                .unwrap();
            let sts = runtime.block_on(StsResolver::new().resolve_endpoint(&params));
            let (ours_oidc, ours_sts) = if fips {
                (Endpoint::fips(region), StsEndpoint::fips(region))
            } else {
                (Endpoint::new(region), StsEndpoint::new(region))
            };
            let (ours_oidc, ours_sts) = (ours_oidc.unwrap(), ours_sts.unwrap());
            for (service, ours, signing, sdk) in [
                ("oidc", ours_oidc.host(), ours_oidc.region(), oidc),
                ("sts", ours_sts.host(), ours_sts.region(), sts),
            ] {
                let sdk = sdk.unwrap();
                assert_eq!(
                    format!("https://{ours}"),
                    sdk.url().trim_end_matches('/'),
                    "{service} {region} fips={fips}"
                );
                // The region signed for: the endpoint's own, when it names one.
                let sdk_signing = sdk
                    .auth_schemes()
                    .first()
                    .and_then(|scheme| scheme.get("signingRegion"))
                    .and_then(|signing| signing.as_string())
                    .unwrap_or(region);
                assert_eq!(signing, sdk_signing, "{service} {region} fips={fips}");
            }
        }
    }
}

/// hyper and ureq send the URI's text; reqwest sends the `url` crate's
/// normalized host; HTTP/2 sends the text as `:authority`. A custom endpoint is
/// kept in the one spelling they all send, or refused.
#[test]
fn a_custom_host_is_kept_as_every_client_sends_it() {
    for (given, kept) in [
        ("http://127.0.0.1:9000", "127.0.0.1:9000"),
        ("http://LocalHost:9000", "localhost:9000"),
        ("https://SSO.Example.COM", "sso.example.com"),
        ("https://sso.example.com:08443", "sso.example.com:8443"),
        ("https://sso.example.com:+8443", "sso.example.com:8443"),
        // The scheme's default port is left out, as the signer signs it.
        ("https://sso.example.com:443", "sso.example.com"),
        ("https://sso.example.com:0443", "sso.example.com"),
        ("http://127.0.0.1:80", "127.0.0.1"),
        ("http://127.0.0.1:443", "127.0.0.1:443"),
        ("https://sso.example.com:80", "sso.example.com:80"),
        ("http://[0:0:0:0:0:0:0:1]:9000", "[::1]:9000"),
        ("http://[FE80::ABCD]", "[fe80::abcd]"),
        ("http://proxy.internal.", "proxy.internal."),
        ("http://10.1.2.3", "10.1.2.3"),
    ] {
        let endpoint = Endpoint::custom_plain_http(given, "us-east-1").unwrap();
        assert_eq!(endpoint.host(), kept, "{given}");
    }
    for refused in [
        "ftp://x",
        "http://x/path",
        "127.0.0.1:80",
        "http://user@x",
        "",
        "http://127.1:9000",
        "http://2130706433",
        "http://0x7f.0.0.1",
        "http://127.000.0.1",
        "http://1.2.3.4.",
        "http://example.123",
        "http://[::ffff:127.0.0.1]",
        "http://[::ffff:c000:280]:9000",
        "http://[0:0:0:0:0:ffff:7f00:1]",
        "http://ex%41mple.com",
        "http://example.com:",
        "http://example.com:65536",
    ] {
        assert_eq!(
            Endpoint::custom_plain_http(refused, "us-east-1"),
            Err(EndpointError::InvalidBaseUrl),
            "{refused}"
        );
    }
}

/// Plain `http://` carries tokens and client secrets in the clear: `custom`
/// takes it only to a loopback IP address; `custom_plain_http` is the named
/// way to a proxy. STS's endpoints follow the same rule.
#[test]
fn plain_http_is_for_loopback_addresses_unless_asked_for_by_name() {
    const REGION: &str = "us-east-1";
    // What `custom` and `custom_plain_http` say, for the OIDC and STS types.
    let custom = |url| {
        [
            Endpoint::custom(url, REGION).map(|_| ()),
            StsEndpoint::custom(url, REGION).map(|_| ()),
        ]
    };
    let plain = |url| {
        [
            Endpoint::custom_plain_http(url, REGION).map(|_| ()),
            StsEndpoint::custom_plain_http(url, REGION).map(|_| ()),
        ]
    };
    for taken in [
        "http://127.0.0.1:9000",
        "http://127.0.0.1",
        "http://[::1]:9000",
        "http://[0:0::1]",
        "https://sso.example.com",
        "https://10.1.2.3",
    ] {
        assert_eq!(custom(taken), [Ok(()), Ok(())], "{taken}");
    }
    for network in [
        "http://10.1.2.3",
        "http://localhost:9000",
        "http://LOCALHOST",
        "http://proxy.internal.",
        "http://[fe80::abcd]",
        "http://[::]",
        "http://0.0.0.0:9000",
        "http://128.0.0.1",
        // Loopback, but not the interface's one literal (as for redirect URIs).
        "http://127.0.0.2",
        "http://127.255.255.254:1",
        "http://sso.example.com",
    ] {
        let refused = Err(EndpointError::PlainHttp);
        assert_eq!(custom(network), [refused.clone(), refused], "{network}");
        let text = EndpointError::PlainHttp.to_string();
        assert!(
            text.contains("loopback") && !text.contains(network),
            "{text}"
        );
        assert_eq!(plain(network), [Ok(()), Ok(())], "{network}");
    }
}
