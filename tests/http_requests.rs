//! `to_http()`: method, URI, headers and the zeroizing body; regions validated.
#![cfg(feature = "http")]

use ssooidc_token::{CreateToken, CreateTokenWithIam, Endpoint, EndpointError, ExposeSecret};

fn iam() -> CreateTokenWithIam<ssooidc_token::grant::RefreshToken> {
    CreateTokenWithIam::refresh_token()
        .client_id("c")
        .refresh_token("r")
        .build()
        .unwrap()
}

#[test]
fn iam_requests_go_to_token_with_aws_iam_query() {
    let request = iam().to_http("us-west-2").unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.uri(),
        "https://oidc.us-west-2.amazonaws.com/token?aws_iam=t"
    );
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(
        request.headers()["content-length"],
        request.body().len().to_string().as_str()
    );
    assert_eq!(
        request.body().expose_secret(),
        iam().to_json().expose_secret()
    );
    assert_eq!(request.headers().len(), 2);
}

#[test]
fn public_requests_go_to_token() {
    let request = CreateToken::device_code()
        .client_id("c")
        .client_secret("s")
        .device_code("d")
        .build()
        .unwrap()
        .to_http("eu-central-1")
        .unwrap();
    assert_eq!(
        request.uri(),
        "https://oidc.eu-central-1.amazonaws.com/token"
    );
}

#[test]
fn fips_china_and_custom_endpoints() {
    let fips = iam().to_http_at(&Endpoint::fips("us-west-2").unwrap());
    assert_eq!(
        fips.uri(),
        "https://oidc-fips.us-west-2.amazonaws.com/token?aws_iam=t"
    );
    // GovCloud's public endpoints are its FIPS endpoints (tests/endpoints.rs
    // checks every case against the SDKs' resolvers).
    let gov = iam().to_http_at(&Endpoint::fips("us-gov-west-1").unwrap());
    assert_eq!(
        gov.uri(),
        "https://oidc.us-gov-west-1.amazonaws.com/token?aws_iam=t"
    );
    let china = iam().to_http("cn-northwest-1").unwrap();
    assert_eq!(
        china.uri(),
        "https://oidc.cn-northwest-1.amazonaws.com.cn/token?aws_iam=t"
    );
    let local = Endpoint::custom("http://127.0.0.1:8080", "us-east-1").unwrap();
    assert_eq!(
        iam().to_http_at(&local).uri(),
        "http://127.0.0.1:8080/token?aws_iam=t"
    );
    assert_eq!(local.region(), "us-east-1");
    // The base URLs `Endpoint::custom` refuses: tests/endpoints.rs.
}

#[test]
fn invalid_regions_are_errors_not_malformed_uris() {
    for bad in [
        "",
        "us east 1",
        "us-east-1/",
        "-us",
        "us-",
        "a..b",
        "us_east_1",
        "é",
        "x?y",
        "a#b",
        &"a".repeat(64),
        "US-EAST-1",
        "Us-east-1",
        "eu-West-1",
    ] {
        assert_eq!(
            iam().to_http(bad).unwrap_err(),
            EndpointError::InvalidRegion,
            "{bad:?}"
        );
        assert_eq!(
            Endpoint::fips(bad).unwrap_err(),
            EndpointError::InvalidRegion,
            "{bad:?}"
        );
    }
    assert!(iam().to_http("us-east-1").is_ok());
    assert_eq!(
        Endpoint::custom("http://127.0.0.1:8080", "US-EAST-1").unwrap_err(),
        EndpointError::InvalidRegion
    );
    assert!(Endpoint::custom("http://127.0.0.1:8080", "us-east-1").is_ok());
    assert_eq!(
        EndpointError::InvalidRegion.to_string(),
        "region must be DNS labels of lower-case letters, digits and `-` (for example us-east-1)"
    );
}
