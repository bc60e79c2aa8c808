use ssooidc_token::cache::RoleCredentialsCache;
use ssooidc_token::credentials::SsoRoleCredentials;

fn main() {
    let _ = SsoRoleCredentials::builder()
        .role_cache(RoleCredentialsCache::new("/tmp/a"))
        .maybe_role_cache(Some(RoleCredentialsCache::new("/tmp/b")));
}
