use ssooidc_token::login::StartDeviceAuthorization;

fn main() {
    let _ = StartDeviceAuthorization::builder()
        .start_url("https://d-1234567890.awsapps.com/start/#")
        .start_url("https://d-0987654321.awsapps.com/start/#");
}
