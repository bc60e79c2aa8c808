//! Trusted identity propagation, end to end, against local endpoints on
//! 127.0.0.1: a jwt-bearer `CreateTokenWithIAM`, the identity context out of the
//! ID token, STS `AssumeRole` with `ProvidedContexts`, and the identity-enhanced
//! session's credentials signing a third request. Each endpoint verifies the
//! SigV4 signature it receives.
//!
//! Run with `cargo run --example identity_propagation --features sts`.

#[path = "support/identity_chain.rs"]
mod identity_chain;
#[path = "support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use identity_chain::{run, Outcome, Sts};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match run(Sts::Grant)? {
        Outcome::Accepted {
            assumed_role_arn,
            expiration,
        } => println!(
            "identity-enhanced session {assumed_role_arn} (expires {expiration:?}) signed a request the API accepted"
        ),
        Outcome::Refused(err) => println!("STS refused: {err}"),
    }
    // The usual mistake: the role's trust policy lacks sts:SetContext.
    if let Outcome::Refused(err) = run(Sts::DenySetContext)? {
        println!("without sts:SetContext: {}", err.code());
        println!("hint: {}", err.hint().unwrap_or("none"));
    }
    Ok(())
}
