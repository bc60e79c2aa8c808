use ssooidc_token::CreateTokenWithIam;

fn no_client_id() {
    let _ = CreateTokenWithIam::refresh_token().refresh_token("r").build();
}

fn no_refresh_token() {
    let _ = CreateTokenWithIam::refresh_token().client_id("id").scope("openid").build();
}

fn main() {}
