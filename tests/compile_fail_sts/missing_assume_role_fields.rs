use ssooidc_token::sts::{AssumeRole, IdentityContext};

fn context() -> IdentityContext {
    IdentityContext::new("AQoJb3JpZ2lu").unwrap()
}

fn no_role_arn() {
    let _ = AssumeRole::builder()
        .role_session_name("alice")
        .identity_context(context())
        .build();
}

fn no_session_name() {
    let _ = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .identity_context(context())
        .build();
}

fn no_identity_context() {
    let _ = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .role_session_name("alice")
        .build();
}

fn main() {}
