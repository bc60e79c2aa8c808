use ssooidc_token::CreateToken;

fn no_client_id() {
    let _ = CreateToken::refresh_token().client_secret("s").refresh_token("r").build();
}

fn no_client_secret() {
    let _ = CreateToken::refresh_token().client_id("id").refresh_token("r").build();
}

fn no_refresh_token() {
    let _ = CreateToken::refresh_token().client_id("id").client_secret("s").build();
}

fn main() {}
