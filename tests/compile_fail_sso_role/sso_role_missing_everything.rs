use ssooidc_token::credentials::SsoRoleCredentials;

fn main() {
    // No session, account, role, portal endpoint or client: one error each.
    let _ = SsoRoleCredentials::builder().build();
}
