use ssooidc_token::login::{AuthorizeUrl, RegisterClient, StartDeviceAuthorization};

fn register_without_a_name() {
    let _ = RegisterClient::builder().grant_type("refresh_token").build();
}

fn device_authorization_missing_two_fields() {
    let _ = StartDeviceAuthorization::builder().client_id("id").build();
}

fn authorize_url_missing_everything() {
    let _ = AuthorizeUrl::builder().scope("openid").build();
}

fn main() {}
