use ssooidc_token::CreateToken;

fn no_client_id() {
    let _ = CreateToken::authorization_code()
        .client_secret("s")
        .code("c")
        .redirect_uri("https://app.example.com/cb")
        .build();
}

fn no_client_secret() {
    let _ = CreateToken::authorization_code()
        .client_id("id")
        .code("c")
        .redirect_uri("https://app.example.com/cb")
        .build();
}

fn no_code() {
    let _ = CreateToken::authorization_code()
        .client_id("id")
        .client_secret("s")
        .redirect_uri("https://app.example.com/cb")
        .build();
}

fn no_redirect_uri() {
    let _ = CreateToken::authorization_code()
        .client_id("id")
        .client_secret("s")
        .code("c")
        .build();
}

fn main() {}
