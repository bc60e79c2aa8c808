//! With `reqwest` in one `.await` each: a jwt-bearer `CreateTokenWithIAM`, then
//! a refresh that the (local) token endpoint refuses with `invalid_grant`, and
//! what the application should do about it. Both endpoints listen on 127.0.0.1
//! and verify the SigV4 signature.
//!
//! Run with `cargo run --example reqwest_refresh --features reqwest`.

#[path = "support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use sigv4_endpoint::{Endpoint as Local, Signer};
use ssooidc_token::{
    CreateTokenWithIam, Endpoint, ExposeSecret, ReqwestClient, SendError, SigningCredentials,
};

const KEY_ID: &str = "AKIDAPPEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const APPLICATION: &str =
    "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222";

fn local(status: u16, body: &'static str) -> Local<()> {
    let signer = Signer {
        access_key_id: KEY_ID.into(),
        secret_access_key: SECRET.into(),
        session_token: None,
        region: REGION,
        signing_name: "sso-oauth",
    };
    Local::start(signer, move |_| {
        Ok(((status, "application/json", body.to_owned()), ()))
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Follows no redirect (one would carry the signed request elsewhere), and
    // times out: connect 10 s, each read 30 s, the exchange 60 s.
    let client = ReqwestClient::new()?;
    let credentials = SigningCredentials::new(KEY_ID, SECRET);

    // 1. The user's IdP token for an IAM Identity Center token.
    let idc = local(
        200,
        r#"{"accessToken":"aoal-EXAMPLE","tokenType":"Bearer","expiresIn":3600,"refreshToken":"aorv-EXAMPLE"}"#,
    );
    let tokens = CreateTokenWithIam::jwt_bearer()
        .client_id(APPLICATION)
        .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl")
        .build()?
        .send(
            &client,
            &Endpoint::custom(&idc.base_url(), REGION)?,
            &credentials,
        )
        .await?;
    idc.outcome()?;
    println!("token for {:?}", tokens.expires_in());

    // 2. Later: refresh. This endpoint says the refresh token is no good.
    let idc = local(
        400,
        r#"{"error":"invalid_grant","error_description":"Refresh token has expired"}"#,
    );
    let refresh_token = tokens.refresh_token().ok_or("no refresh token")?;
    let refreshed = CreateTokenWithIam::refresh_token()
        .client_id(APPLICATION)
        .refresh_token(refresh_token) // a &SecretString: copied, still zeroizing
        .build()?
        .send(
            &client,
            &Endpoint::custom(&idc.base_url(), REGION)?,
            &credentials,
        )
        .await;
    idc.outcome()?;
    match refreshed {
        Ok(tokens) => println!(
            "refreshed: {:?}",
            tokens.access_token().expose_secret().len()
        ),
        Err(SendError::Response(err)) if !err.is_retryable() => {
            // invalid_grant: the refresh token is spent or expired. Retrying cannot
            // help; the user has to sign in again (a new jwt-bearer exchange).
            println!("refresh refused ({err}); not retryable: start a new sign-in");
        }
        Err(err) if err.is_retryable() => println!("transient failure, retry with backoff: {err}"),
        Err(err) => return Err(err.into()),
    }
    Ok(())
}
