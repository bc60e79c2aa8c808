use ssooidc_token::CreateToken;

fn no_client_id() {
    let _ = CreateToken::device_code().client_secret("s").device_code("d").build();
}

fn no_client_secret() {
    let _ = CreateToken::device_code().client_id("id").device_code("d").build();
}

fn no_device_code() {
    let _ = CreateToken::device_code().client_id("id").client_secret("s").build();
}

fn main() {}
