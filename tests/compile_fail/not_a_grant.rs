// A type that is not a grant at all: the message says so, with no advice meant for the
// device-code grant.
use ssooidc_token::{CreateToken, CreateTokenWithIam};

fn generic_iam<G>(_: CreateTokenWithIam<G>) {}

fn generic_public<G>(_: CreateToken<G>) {}

fn string_iam(_: CreateTokenWithIam<String>) {}

fn main() {}
