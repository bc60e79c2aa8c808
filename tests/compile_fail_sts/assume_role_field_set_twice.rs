use ssooidc_token::sts::AssumeRole;

fn main() {
    let _ = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .role_arn("arn:aws:iam::123456789012:role/other");
}
