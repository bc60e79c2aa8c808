// A secret setter takes text (a `String`, `&str`, `&String`, `SecretString`...),
// never bytes or a number: the error says what it takes.
use ssooidc_token::{CreateToken, CreateTokenWithIam};

fn main() {
    let _ = CreateTokenWithIam::refresh_token().refresh_token(vec![0u8, 1]);
    let _ = CreateToken::device_code().client_secret(42);
}
