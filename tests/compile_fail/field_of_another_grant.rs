use ssooidc_token::{CreateToken, CreateTokenWithIam, TokenType};

fn code_on_refresh_token() {
    let _ = CreateTokenWithIam::refresh_token().client_id("id").refresh_token("r").code("c");
}

fn subject_token_on_jwt_bearer() {
    let _ = CreateTokenWithIam::jwt_bearer().client_id("id").subject_token("t");
}

fn client_secret_on_iam() {
    let _ = CreateTokenWithIam::authorization_code().client_secret("s");
    let _ = CreateTokenWithIam::refresh_token().client_secret("s");
    let _ = CreateTokenWithIam::jwt_bearer().client_secret("s");
    let _ = CreateTokenWithIam::token_exchange().client_secret("s");
}

fn requested_token_type_on_authorization_code() {
    let _ = CreateTokenWithIam::authorization_code().requested_token_type(TokenType::AccessToken);
}

fn refresh_token_on_token_exchange() {
    let _ = CreateTokenWithIam::token_exchange().refresh_token("r");
}

fn code_verifier_on_device_code() {
    let _ = CreateToken::device_code().code_verifier("v");
}

fn main() {}
