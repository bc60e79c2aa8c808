use ssooidc_token::sts::AssumeRole;

fn main() {
    // Every required field missing: one error per field, in one compile.
    let _ = AssumeRole::builder().duration_seconds(900).build();
}
