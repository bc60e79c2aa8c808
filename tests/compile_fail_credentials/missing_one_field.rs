use aws_credential_types::Credentials;
use ssooidc_token::credentials::IdentityEnhancedCredentials;
use ssooidc_token::sts::StsEndpoint;
use ssooidc_token::{Endpoint, ReqwestClient, SecretString};

fn no_idp_token() {
    let _ = IdentityEnhancedCredentials::builder()
        .application_arn("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .role_arn("arn:aws:iam::123456789012:role/app")
        .oidc_endpoint(Endpoint::new("us-east-1").unwrap())
        .sts_endpoint(StsEndpoint::new("us-east-1").unwrap())
        .app_credentials(Credentials::new("AKID", "secret", None, None, "app"))
        .client(ReqwestClient::new().unwrap())
        .build();
}

fn no_client() {
    let _ = IdentityEnhancedCredentials::builder()
        .application_arn("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .role_arn("arn:aws:iam::123456789012:role/app")
        .oidc_endpoint(Endpoint::new("us-east-1").unwrap())
        .sts_endpoint(StsEndpoint::new("us-east-1").unwrap())
        .app_credentials(Credentials::new("AKID", "secret", None, None, "app"))
        .idp_token(|| async { Ok(SecretString::from("eyJ.eyJ.c2ln")) })
        .build();
}

fn main() {}
