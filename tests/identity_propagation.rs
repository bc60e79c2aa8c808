//! The trusted-identity-propagation chain over real sockets to local endpoints
//! on 127.0.0.1 (each verifies the SigV4 signature it gets; bounded: each gives
//! up after 10 s). The same code as `examples/identity_propagation.rs`.
#![cfg(feature = "sts")]

#[path = "../examples/support/identity_chain.rs"]
mod identity_chain;
#[path = "../examples/support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use std::time::{Duration, UNIX_EPOCH};

use identity_chain::{run, Outcome, Sts};

#[test]
fn a_jwt_becomes_an_identity_enhanced_session_that_signs_the_next_request() {
    match run(Sts::Grant).unwrap() {
        Outcome::Accepted {
            assumed_role_arn,
            expiration,
        } => {
            assert_eq!(
                assumed_role_arn,
                "arn:aws:sts::123456789012:assumed-role/identity-enhanced/alice"
            );
            assert_eq!(expiration, UNIX_EPOCH + Duration::from_secs(1_893_456_000));
        }
        Outcome::Refused(err) => panic!("refused: {err}"),
    }
}

#[test]
fn access_denied_without_set_context_comes_with_a_hint_naming_it() {
    match run(Sts::DenySetContext).unwrap() {
        Outcome::Refused(err) => {
            assert_eq!(err.status(), 403);
            assert_eq!(err.code(), "AccessDenied");
            assert_eq!(err.request_id(), Some("r-2"));
            assert!(!err.is_retryable());
            let hint = err.hint().unwrap();
            assert!(
                hint.contains("sts:SetContext") && hint.contains("sts:AssumeRole"),
                "{hint}"
            );
            assert!(err.to_string().contains("sts:SetContext"));
        }
        Outcome::Accepted { .. } => panic!("STS was to refuse"),
    }
}
