use ssooidc_token::credentials::IdentityEnhancedCredentials;

fn main() {
    let _ = IdentityEnhancedCredentials::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .role_arn("arn:aws:iam::123456789012:role/other");
}
