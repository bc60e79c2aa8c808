//! `examples/device_login.rs`, run as a test: real sockets on 127.0.0.1 to a local
//! stand-in for IAM Identity Center, which checks what it receives (client
//! credentials, device code, and the pace of the polls) and stops by itself.
//! Bounded: every socket operation has a 5-second timeout, the stand-in gives up
//! after 30 seconds.

#[allow(dead_code)]
#[path = "../examples/device_login.rs"]
mod device_login;

use ssooidc_token::ExposeSecret;

#[test]
fn device_login_polls_through_pending_and_slow_down() {
    let server = device_login::mock_oidc::MockOidc::start(device_login::SCRIPT, 1);
    let (token, polls) = device_login::login(server.addr).unwrap();
    let report = server.finish().unwrap();
    assert_eq!(token.access_token().expose_secret(), "mock-access-token");
    assert_eq!(polls, 3);
    assert_eq!(
        report.log,
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "POST /token",
            "POST /token",
        ]
    );
    // The stand-in refuses polls that come early; these are the lower bounds it
    // enforced: 1 s, then 1 + 5 s after the slow_down (with 20 ms timer slack).
    let gaps: Vec<f64> = report
        .poll_offsets
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert!(gaps[0] >= 0.98 && gaps[1] >= 5.98, "{gaps:?}");
}

#[test]
fn device_login_ends_on_denial() {
    let server =
        device_login::mock_oidc::MockOidc::start(&["authorization_pending", "access_denied"], 1);
    let err = device_login::login(server.addr).unwrap_err();
    assert_eq!(err.to_string(), "the sign-in was denied");
    let report = server.finish().unwrap();
    assert_eq!(report.poll_offsets.len(), 2);
}
