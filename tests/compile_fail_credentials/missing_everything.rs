use ssooidc_token::credentials::IdentityEnhancedCredentials;

fn main() {
    // Seven required fields, seven errors, each naming its field.
    let _ = IdentityEnhancedCredentials::builder().build();
}
