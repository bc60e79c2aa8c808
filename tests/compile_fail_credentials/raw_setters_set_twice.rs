// The hand-written setters (application credentials, the IdP token callback,
// the HTTP client) refuse a second call too.
use aws_credential_types::Credentials;
use ssooidc_token::credentials::IdentityEnhancedCredentials;
use ssooidc_token::{ReqwestClient, SecretString};

fn main() {
    let _ = IdentityEnhancedCredentials::builder()
        .app_credentials(Credentials::new("AKID", "secret", None, None, "app"))
        .app_credentials(Credentials::new("AKID", "secret", None, None, "app"));
    let _ = IdentityEnhancedCredentials::builder()
        .idp_token(|| async { Ok(SecretString::from("a.b.c")) })
        .idp_token(|| async { Ok(SecretString::from("a.b.c")) });
    let _ = IdentityEnhancedCredentials::builder()
        .client(ReqwestClient::new().unwrap())
        .client(ReqwestClient::new().unwrap());
}
