use ssooidc_token::{CreateTokenWithIam, TokenType};

fn no_client_id() {
    let _ = CreateTokenWithIam::token_exchange()
        .subject_token("t")
        .subject_token_type(TokenType::AccessToken)
        .build();
}

fn no_subject_token() {
    let _ = CreateTokenWithIam::token_exchange()
        .client_id("id")
        .subject_token_type(TokenType::AccessToken)
        .requested_token_type(TokenType::RefreshToken)
        .build();
}

fn no_subject_token_type() {
    let _ = CreateTokenWithIam::token_exchange()
        .client_id("id")
        .subject_token("t")
        .build();
}

fn main() {}
