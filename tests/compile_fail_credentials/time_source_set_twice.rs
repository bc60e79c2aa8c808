use aws_smithy_async::time::SystemTimeSource;
use ssooidc_token::credentials::IdentityEnhancedCredentials;

fn main() {
    let _ = IdentityEnhancedCredentials::builder()
        .time_source(SystemTimeSource::new())
        .time_source(SystemTimeSource::new());
}
