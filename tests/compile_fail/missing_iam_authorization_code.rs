use ssooidc_token::CreateTokenWithIam;

fn no_client_id() {
    let _ = CreateTokenWithIam::authorization_code()
        .code("c")
        .redirect_uri("https://app.example.com/cb")
        .build();
}

fn no_code() {
    let _ = CreateTokenWithIam::authorization_code()
        .client_id("id")
        .redirect_uri("https://app.example.com/cb")
        .build();
}

fn no_redirect_uri() {
    let _ = CreateTokenWithIam::authorization_code()
        .client_id("id")
        .code("c")
        .build();
}

fn main() {}
