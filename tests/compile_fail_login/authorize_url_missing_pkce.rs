// An authorize URL without a PKCE challenge does not compile: the AWS CLI's
// authorization-code login always sends one.
use ssooidc_token::login::AuthorizeUrl;

fn main() {
    let _ = AuthorizeUrl::builder()
        .region("us-east-1")
        .client_id("client-id")
        .redirect_uri("http://127.0.0.1:8400/oauth/callback")
        .build();
}
