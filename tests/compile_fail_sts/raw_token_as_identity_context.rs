use ssooidc_token::sts::AssumeRole;

// The whole ID token (or any string) is not an identity context: it has to go
// through `IdentityContext::from_response` / `new`, which check it.
fn main() {
    let id_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdHM6aWRlbnRpdHlfY29udGV4dCI6IngifQ.c2ln";
    let _ = AssumeRole::builder()
        .role_arn("arn:aws:iam::123456789012:role/app")
        .role_session_name("alice")
        .identity_context(id_token)
        .build();
}
