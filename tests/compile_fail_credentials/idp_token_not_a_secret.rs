use ssooidc_token::credentials::IdentityEnhancedCredentials;

fn main() {
    // The callback gives a SecretString, not a plain String.
    let _ = IdentityEnhancedCredentials::builder()
        .idp_token(|| async { Ok::<String, Box<dyn std::error::Error + Send + Sync>>(String::new()) });
}
