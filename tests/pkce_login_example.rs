//! `examples/pkce_login.rs`, run as a test: real sockets on 127.0.0.1 to a local
//! stand-in for IAM Identity Center and a stand-in for the browser; the stand-in
//! checks the PKCE verifier against the challenge and stops by itself. Bounded:
//! every socket operation has a 5-second timeout, the stand-in gives up after 30
//! seconds.

#[allow(dead_code)]
#[path = "../examples/pkce_login.rs"]
mod pkce_login;

use ssooidc_token::ExposeSecret;

#[test]
fn pkce_login_exchanges_the_code_with_its_verifier() {
    let server = pkce_login::mock_oidc::MockOidc::start(&[], 1);
    let token = pkce_login::login(server.addr).unwrap();
    let report = server.finish().unwrap();
    assert_eq!(token.access_token().expose_secret(), "mock-access-token");
    assert!(token.refresh_token().is_some());
    assert_eq!(
        report.log,
        [
            "POST /client/register",
            "GET /authorize",
            "authorize: scopes \"sso:account:access\"",
            "POST /token",
            "token: verifier matches the challenge",
        ]
    );
}
