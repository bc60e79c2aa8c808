use ssooidc_token::credentials::IdentityEnhancedCredentials;

fn main() {
    // The callback gives a secret input (`String`, `SecretString`...), not bytes.
    let _ = IdentityEnhancedCredentials::builder()
        .idp_token(|| async { Ok::<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>(Vec::new()) });
}
