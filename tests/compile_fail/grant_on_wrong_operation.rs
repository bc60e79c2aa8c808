use ssooidc_token::grant::{DeviceCode, JwtBearer, TokenExchange};
use ssooidc_token::{CreateToken, CreateTokenWithIam};

fn device_code_with_iam(_: CreateTokenWithIam<DeviceCode>) {}

fn token_exchange_public(_: CreateToken<TokenExchange>) {}

fn jwt_bearer_public(_: CreateToken<JwtBearer>) {}

fn main() {}
