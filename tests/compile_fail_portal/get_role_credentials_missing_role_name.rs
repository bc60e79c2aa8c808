use ssooidc_token::portal::GetRoleCredentials;

fn main() {
    let _ = GetRoleCredentials::builder()
        .access_token("aoaAAAAAGYm-example")
        .account_id("123456789012")
        .build();
}
