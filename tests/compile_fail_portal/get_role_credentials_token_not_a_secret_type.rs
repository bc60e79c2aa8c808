use ssooidc_token::portal::GetRoleCredentials;

fn main() {
    // A token is handed over as a string or a secret: a byte vector (which
    // would be copied and freed unwiped on the way) is not taken.
    let token: Vec<u8> = b"aoaAAAAAGYm-example".to_vec();
    let _ = GetRoleCredentials::builder().access_token(token);
}
