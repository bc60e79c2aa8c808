// The MFA device's serial number and its code go together: there is no setter
// for one without the other.
use ssooidc_token::sts::AssumeRole;

fn main() {
    let _ = AssumeRole::builder().mfa("arn:aws:iam::123456789012:mfa/alice");
}
