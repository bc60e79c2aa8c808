// The STS types have one path, `ssooidc_token::sts::...`: the crate root does
// not re-export them.
use ssooidc_token::AssumeRole;

fn main() {
    let _ = AssumeRole::builder();
}
