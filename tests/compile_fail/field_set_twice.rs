use ssooidc_token::{CreateToken, CreateTokenWithIam, TokenType};

fn client_id_twice() {
    let _ = CreateTokenWithIam::refresh_token().client_id("a").client_id("b");
}

fn secret_twice() {
    let _ = CreateTokenWithIam::token_exchange().subject_token("a").subject_token("b");
}

fn optional_twice() {
    let _ = CreateTokenWithIam::token_exchange()
        .requested_token_type(TokenType::AccessToken)
        .requested_token_type(TokenType::RefreshToken);
}

fn optional_secret_twice() {
    let _ = CreateToken::authorization_code().code_verifier("a").code_verifier("b");
}

fn main() {}
