use ssooidc_token::portal::GetRoleCredentials;

fn main() {
    // No access token, no account id, no role name: one error for each.
    let _ = GetRoleCredentials::builder().build();
}
