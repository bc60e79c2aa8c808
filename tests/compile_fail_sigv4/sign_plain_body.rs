// The signer takes only bodies that are wiped when dropped: a plain `Vec<u8>`
// (or `Bytes`) would leave the request's secrets in freed memory.
use std::time::SystemTime;

use ssooidc_token::{sign, SigningCredentials};

fn main() {
    let mut request = http::Request::post("https://oidc.us-east-1.amazonaws.com/token")
        .body(b"{\"refreshToken\":\"r\"}".to_vec())
        .unwrap();
    let credentials = SigningCredentials::new("AKIDEXAMPLE", "secret");
    let _ = sign(&mut request, &credentials, "us-east-1", SystemTime::now());
}
