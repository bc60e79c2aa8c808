use ssooidc_token::CreateTokenWithIam;

fn to_json_on_builder() {
    let builder = CreateTokenWithIam::refresh_token().client_id("id").refresh_token("r");
    let _ = builder.to_json();
}

fn serde_on_builder() {
    let builder = CreateTokenWithIam::refresh_token().client_id("id").refresh_token("r");
    let _ = serde_json::to_vec(&builder);
}

fn to_json_on_unchecked_result() {
    let result = CreateTokenWithIam::refresh_token().client_id("id").refresh_token("r").build();
    let _ = result.to_json();
}

fn main() {}
