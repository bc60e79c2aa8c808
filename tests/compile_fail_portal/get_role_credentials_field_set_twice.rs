use ssooidc_token::portal::GetRoleCredentials;

fn main() {
    let _ = GetRoleCredentials::builder()
        .account_id("123456789012")
        .account_id("210987654321");
}
