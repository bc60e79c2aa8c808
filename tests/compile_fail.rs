//! Every compile-time promise, proven: each file under `tests/compile_fail/` is a
//! program the compiler must reject, and its `.stderr` is the message a user sees.
//!
//! The snapshots depend on the compiler's wording; after a toolchain upgrade,
//! review the new messages and refresh them with `TRYBUILD=overwrite`.

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}

/// The signer (feature `sigv4`): no body that is not wiped when dropped.
#[cfg(feature = "sigv4")]
#[test]
fn compile_fail_sigv4() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_sigv4/*.rs");
}

/// STS `AssumeRole` (feature `sts`): no request without its three required
/// fields, and no raw string where an identity context belongs.
#[cfg(feature = "sts")]
#[test]
fn compile_fail_sts() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_sts/*.rs");
}

/// The login builders (feature `login`): every missing field named, a field set
/// twice refused, no authorize URL without its PKCE pair.
#[cfg(feature = "login")]
#[test]
fn compile_fail_login() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_login/*.rs");
}

/// The cached token's builder (feature `cache`): `access_token` and `expires_at`
/// named when missing, a field set twice refused; with a client feature, the
/// one-call login's `session_name`, `start_url` and `endpoint` named when missing.
#[cfg(feature = "cache")]
#[test]
fn compile_fail_cache() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_cache/cached_token_*.rs");
    #[cfg(any(feature = "ureq", feature = "reqwest"))]
    t.compile_fail("tests/compile_fail_cache/sso_login_*.rs");
}

/// The identity-enhanced credentials provider (feature `credentials`): every
/// missing field named, a field set twice refused, no plain `reqwest::Client`
/// (it would follow redirects), no IdP token that is not a `SecretString`.
#[cfg(feature = "credentials")]
#[test]
fn compile_fail_credentials() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_credentials/*.rs");
}

/// The access portal's `GetRoleCredentials` (feature `portal`): every missing
/// field named, a field set twice refused, a token only as a string or secret.
#[cfg(feature = "portal")]
#[test]
fn compile_fail_portal() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_portal/*.rs");
}

/// The SSO role credentials provider (features `credentials`, `portal`,
/// `cache`): every missing setting named, a setting set twice refused.
#[cfg(all(feature = "credentials", feature = "portal", feature = "cache"))]
#[test]
fn compile_fail_sso_role() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_sso_role/*.rs");
}
