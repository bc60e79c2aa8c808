// `maybe_duration_seconds` and `duration_seconds` set the same field.
use ssooidc_token::sts::AssumeRole;

fn main() {
    let _ = AssumeRole::builder()
        .duration_seconds(900)
        .maybe_duration_seconds(Some(3_600));
}
