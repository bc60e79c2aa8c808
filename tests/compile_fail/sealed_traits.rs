// The grants are the ones AWS defines, and only the crate's conversions make a
// secret: both traits are sealed.
use ssooidc_token::grant::Grant;
use ssooidc_token::{IntoSecret, SecretString};

struct MyGrant;

impl Grant for MyGrant {
    const GRANT_TYPE: &'static str = "password";
    const NAME: &'static str = "password";
}

struct Mine;

impl IntoSecret for Mine {
    fn into_secret(self) -> SecretString {
        SecretString::from("x")
    }
}

fn main() {}
