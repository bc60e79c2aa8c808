//! Builds one request per grant from dummy values and prints the exact JSON body
//! each would send. Run with `cargo run --example quickstart`.

use ssooidc_token::{
    BuildError, CreateToken, CreateTokenWithIam, ExposeSecret, JsonBody, TokenType,
};

const APPLICATION_ARN: &str =
    "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222";

fn print(title: &str, body: &JsonBody) {
    // A real program would hand these bytes to its HTTP client, not print them.
    println!(
        "{title}:\n{}\n",
        String::from_utf8_lossy(body.expose_secret())
    );
}

fn main() -> Result<(), BuildError> {
    let exchange = CreateTokenWithIam::token_exchange()
        .client_id(APPLICATION_ARN)
        .subject_token("eyJraWQiOiJrZXkifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl")
        .subject_token_type(TokenType::AccessToken)
        .requested_token_type(TokenType::RefreshToken)
        .scope("openid")
        .scope("aws")
        .build()?;
    print("CreateTokenWithIAM, token exchange", &exchange.to_json());

    let code = CreateTokenWithIam::authorization_code()
        .client_id(APPLICATION_ARN)
        .code("ZXhhbXBsZS1hdXRob3JpemF0aW9uLWNvZGU")
        .redirect_uri("https://app.example.com/callback")
        .code_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        .build()?;
    print("CreateTokenWithIAM, authorization code", &code.to_json());

    let refresh = CreateTokenWithIam::refresh_token()
        .client_id(APPLICATION_ARN)
        .refresh_token("aorvJYubGpU6i91YnH7Mfo-example-refresh-token")
        .build()?;
    print("CreateTokenWithIAM, refresh token", &refresh.to_json());

    let jwt = CreateTokenWithIam::jwt_bearer()
        .client_id(APPLICATION_ARN)
        .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJl")
        .scopes(["openid", "sts:identity_context"])
        .build()?;
    print("CreateTokenWithIAM, JWT bearer", &jwt.to_json());

    let device = CreateToken::device_code()
        .client_id("_yzkThXVzLWVhc3QtMQ")
        .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
        .device_code("yJraWQiOiJrZXktMTU2Njk2ODA4OCIsImFsZyI6IkhTMzIn0EXAMPLEDEVICECODE")
        .build()?;
    print("CreateToken, device code", &device.to_json());

    let public_code = CreateToken::authorization_code()
        .client_id("_yzkThXVzLWVhc3QtMQ")
        .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
        .code("ZXhhbXBsZS1hdXRob3JpemF0aW9uLWNvZGU")
        .redirect_uri("http://127.0.0.1:8400/oauth/callback")
        .code_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        .build()?;
    print("CreateToken, authorization code", &public_code.to_json());

    let public_refresh = CreateToken::refresh_token()
        .client_id("_yzkThXVzLWVhc3QtMQ")
        .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
        .refresh_token("aorvJYubGpU6i91YnH7Mfo-example-refresh-token")
        .build()?;
    print("CreateToken, refresh token", &public_refresh.to_json());

    // Content the type system cannot check is checked by build(), and the error
    // names every field and rule without echoing any value.
    let err = CreateTokenWithIam::authorization_code()
        .client_id(APPLICATION_ARN)
        .code("")
        .redirect_uri("/relative#fragment")
        .code_verifier("short")
        .build()
        .unwrap_err();
    println!("a bad request is refused:\n{err}");
    Ok(())
}
