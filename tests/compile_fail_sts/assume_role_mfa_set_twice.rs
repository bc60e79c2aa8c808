use ssooidc_token::sts::AssumeRole;

fn main() {
    let _ = AssumeRole::builder()
        .mfa("arn:aws:iam::123456789012:mfa/alice", "123456")
        .mfa("arn:aws:iam::123456789012:mfa/alice", "654321");
}
