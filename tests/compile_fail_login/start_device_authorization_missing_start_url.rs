// A device authorization needs the access portal's start URL.
use ssooidc_token::login::StartDeviceAuthorization;

fn main() {
    let _ = StartDeviceAuthorization::builder()
        .client_id("client-id")
        .client_secret("client-secret")
        .build();
}
