use ssooidc_token::CreateTokenWithIam;

fn no_client_id() {
    let _ = CreateTokenWithIam::jwt_bearer().assertion("a.b.c").build();
}

fn no_assertion() {
    let _ = CreateTokenWithIam::jwt_bearer().client_id("id").build();
}

fn main() {}
