use ssooidc_token::credentials::IdentityEnhancedCredentials;

fn main() {
    // A plain reqwest::Client follows redirects: only the crate's ReqwestClient
    // (or a Transport of yours) is taken.
    let _ = IdentityEnhancedCredentials::builder().client(reqwest::Client::new());
}
