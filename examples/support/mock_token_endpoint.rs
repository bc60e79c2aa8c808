//! A local token endpoint for the round-trip example and test: it listens on
//! 127.0.0.1 only, serves one request, checks it (method, path and query,
//! headers, body, SigV4 signature), and answers with a canned body. Bounded in
//! time: it gives up after 10 seconds. Built on `sigv4_endpoint.rs` (include both).

use std::net::SocketAddr;

use ssooidc_token::AnyCreateTokenWithIam;

use crate::sigv4_endpoint::{Endpoint, Signer};

/// The credentials the endpoint verifies signatures with (example values).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";

/// What the endpoint saw and checked.
#[derive(Debug)]
pub struct Checked {
    pub grant_type: &'static str,
    pub signed_headers: String,
}

pub struct MockTokenEndpoint {
    pub addr: SocketAddr,
    inner: Endpoint<Checked>,
}

impl MockTokenEndpoint {
    /// Starts the endpoint; it will answer `status` with `body`.
    pub fn start(status: u16, body: &'static str) -> Self {
        let signer = Signer {
            access_key_id: ACCESS_KEY_ID.into(),
            secret_access_key: SECRET_ACCESS_KEY.into(),
            session_token: None,
            region: REGION,
            signing_name: "sso-oauth",
        };
        let inner = Endpoint::start(signer, move |received| {
            if received.method != "POST" || received.target != "/token?aws_iam=t" {
                return Err(format!(
                    "unexpected request line {} {}",
                    received.method, received.target
                ));
            }
            if received.header("content-type") != Some("application/json") {
                return Err("content-type is not application/json".into());
            }
            let request = AnyCreateTokenWithIam::from_json(&received.body)
                .map_err(|e| format!("body refused: {e}"))?;
            let signed_headers = received
                .header("authorization")
                .and_then(|a| a.split("SignedHeaders=").nth(1))
                .and_then(|s| s.split(',').next())
                .unwrap_or_default()
                .to_owned();
            let checked = Checked {
                grant_type: request.grant_type(),
                signed_headers,
            };
            Ok(((status, "application/json", body.to_owned()), checked))
        });
        Self {
            addr: inner.addr,
            inner,
        }
    }

    /// The base URL to send to.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits for the endpoint to finish; its verdict on the request.
    pub fn checked(self) -> Result<Checked, String> {
        self.inner.outcome()
    }
}
