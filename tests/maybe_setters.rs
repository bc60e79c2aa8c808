//! The `maybe_*` setters, for optional fields whose value is optional at run
//! time: `Some(v)` builds exactly what the plain setter with `v` builds, `None`
//! exactly what not calling it builds, for every builder that has them.

use ssooidc_token::grant::{AuthorizationCode, TokenExchange};
use ssooidc_token::{CreateToken, CreateTokenWithIam, ExposeSecret, TokenType};

const ARN: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-2";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[test]
fn grants() {
    let iam = || {
        CreateTokenWithIam::authorization_code()
            .client_id(ARN)
            .code("the-code")
            .redirect_uri("https://app.example/cb")
    };
    let body = |r: CreateTokenWithIam<AuthorizationCode>| r.to_json().expose_secret().to_vec();
    assert_eq!(
        body(iam().maybe_code_verifier(Some(VERIFIER)).build().unwrap()),
        body(iam().code_verifier(VERIFIER).build().unwrap())
    );
    assert_eq!(
        body(iam().maybe_code_verifier(None::<&str>).build().unwrap()),
        body(iam().build().unwrap())
    );
    // Its value is checked as the plain setter's is.
    let err = iam()
        .maybe_code_verifier(Some("short"))
        .build()
        .unwrap_err();
    assert_eq!(err.problems()[0].field(), "code_verifier");

    let public = || {
        CreateToken::authorization_code()
            .client_id("client")
            .client_secret("secret")
            .code("the-code")
            .redirect_uri("http://127.0.0.1/cb")
    };
    let json = |r: CreateToken<AuthorizationCode>| r.to_json().expose_secret().to_vec();
    assert_eq!(
        json(
            public()
                .maybe_code_verifier(Some(VERIFIER.to_owned()))
                .build()
                .unwrap()
        ),
        json(public().code_verifier(VERIFIER).build().unwrap())
    );
    assert_eq!(
        json(
            public()
                .maybe_code_verifier(None::<String>)
                .build()
                .unwrap()
        ),
        json(public().build().unwrap())
    );

    let body = |r: CreateTokenWithIam<TokenExchange>| r.to_json().expose_secret().to_vec();
    let exchange = || {
        CreateTokenWithIam::token_exchange()
            .client_id(ARN)
            .subject_token("subject")
            .subject_token_type(TokenType::AccessToken)
    };
    assert_eq!(
        body(
            exchange()
                .maybe_requested_token_type(Some(TokenType::RefreshToken))
                .build()
                .unwrap()
        ),
        body(
            exchange()
                .requested_token_type(TokenType::RefreshToken)
                .build()
                .unwrap()
        )
    );
    assert_eq!(
        body(exchange().maybe_requested_token_type(None).build().unwrap()),
        body(exchange().build().unwrap())
    );
}

#[cfg(feature = "sts")]
#[test]
fn assume_role() {
    use ssooidc_token::sts::{AssumeRole, IdentityContext};
    let builder = || {
        AssumeRole::builder()
            .role_arn("arn:aws:iam::123456789012:role/app")
            .role_session_name("alice")
            .identity_context(IdentityContext::new("AQoJb3JpZ2lu").unwrap())
    };
    let form = |r: AssumeRole| r.to_form().expose_secret().to_vec();
    let plain = builder()
        .duration_seconds(900)
        .policy("{}")
        .source_identity("alice")
        .external_id("partner-42")
        .mfa("GAHT12345678", "123456")
        .minimum_session_token_size(2_048)
        .build()
        .unwrap();
    let maybe = builder()
        .maybe_duration_seconds(Some(900))
        .maybe_policy(Some("{}"))
        .maybe_source_identity(Some("alice".to_owned()))
        .maybe_external_id(Some("partner-42"))
        .maybe_mfa(Some(("GAHT12345678", "123456")))
        .maybe_minimum_session_token_size(Some(2_048))
        .build()
        .unwrap();
    assert_eq!(form(maybe), form(plain));
    let none = builder()
        .maybe_duration_seconds(None)
        .maybe_policy(None::<String>)
        .maybe_source_identity(None::<&str>)
        .maybe_external_id(None::<&str>)
        .maybe_mfa(None::<(&str, &str)>)
        .maybe_minimum_session_token_size(None)
        .build()
        .unwrap();
    assert_eq!(form(none), form(builder().build().unwrap()));
    // A value given this way is checked as any other.
    let err = builder()
        .maybe_mfa(Some(("GAHT12345678", "12345")))
        .build()
        .unwrap_err();
    assert_eq!(err.problems()[0].field(), "mfa");
}

#[cfg(feature = "login")]
#[test]
fn login_builders() {
    use ssooidc_token::login::{AuthorizeUrl, Pkce, RegisterClient};
    let register = || RegisterClient::builder().client_name("app");
    let json = |r: RegisterClient| r.to_json().expose_secret().to_vec();
    assert_eq!(
        json(
            register()
                .maybe_issuer_url(Some("https://identitycenter.amazonaws.com/ssoins-1"))
                .maybe_entitled_application_arn(Some(ARN))
                .build()
                .unwrap()
        ),
        json(
            register()
                .issuer_url("https://identitycenter.amazonaws.com/ssoins-1")
                .entitled_application_arn(ARN)
                .build()
                .unwrap()
        )
    );
    assert_eq!(
        json(
            register()
                .maybe_issuer_url(None::<&str>)
                .maybe_entitled_application_arn(None::<&str>)
                .build()
                .unwrap()
        ),
        json(register().build().unwrap())
    );
    let pkce = Pkce::new().unwrap();
    let url = |state: Option<&str>| {
        AuthorizeUrl::builder()
            .region("us-east-1")
            .client_id("client")
            .redirect_uri("http://127.0.0.1:8080/cb")
            .pkce(&pkce)
            .maybe_state(state)
            .build()
            .unwrap()
    };
    let given = AuthorizeUrl::builder()
        .region("us-east-1")
        .client_id("client")
        .redirect_uri("http://127.0.0.1:8080/cb")
        .pkce(&pkce)
        .state("my-state")
        .build()
        .unwrap();
    assert_eq!(url(Some("my-state")).url(), given.url());
    // Without a state, one is drawn at random, as without the setter.
    assert_ne!(url(None).state(), "my-state");
    assert_eq!(url(None).state().len(), given_default_state_len(&pkce));
}

#[cfg(feature = "login")]
fn given_default_state_len(pkce: &ssooidc_token::login::Pkce) -> usize {
    ssooidc_token::login::AuthorizeUrl::builder()
        .region("us-east-1")
        .client_id("client")
        .redirect_uri("http://127.0.0.1:8080/cb")
        .pkce(pkce)
        .build()
        .unwrap()
        .state()
        .len()
}

#[cfg(feature = "cache")]
#[test]
fn cached_token() {
    use ssooidc_token::cache::CachedToken;
    use std::time::{Duration, UNIX_EPOCH};
    let at = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let builder = || CachedToken::builder().access_token("access").expires_at(at);
    let json = |t: CachedToken| {
        (
            t.refresh_token().map(|s| s.expose_secret().to_owned()),
            t.client_id().map(str::to_owned),
            t.client_secret().map(|s| s.expose_secret().to_owned()),
            t.registration_expires_at(),
            t.region().map(str::to_owned),
            t.start_url().map(str::to_owned),
        )
    };
    let plain = builder()
        .refresh_token("refresh")
        .client_id("client")
        .client_secret("secret")
        .registration_expires_at(at)
        .region("us-east-1")
        .start_url("https://d-1.awsapps.com/start")
        .build()
        .unwrap();
    let maybe = builder()
        .maybe_refresh_token(Some("refresh"))
        .maybe_client_id(Some("client"))
        .maybe_client_secret(Some("secret"))
        .maybe_registration_expires_at(Some(at))
        .maybe_region(Some("us-east-1"))
        .maybe_start_url(Some("https://d-1.awsapps.com/start"))
        .build()
        .unwrap();
    assert_eq!(json(maybe), json(plain));
    let none = builder()
        .maybe_refresh_token(None::<&str>)
        .maybe_client_id(None::<&str>)
        .maybe_client_secret(None::<&str>)
        .maybe_registration_expires_at(None)
        .maybe_region(None::<&str>)
        .maybe_start_url(None::<&str>)
        .build()
        .unwrap();
    assert_eq!(json(none), json(builder().build().unwrap()));
}

#[cfg(all(feature = "cache", any(feature = "ureq", feature = "reqwest")))]
#[test]
fn sso_login() {
    use ssooidc_token::cache::{Flow, SsoLogin, TokenCache};
    use ssooidc_token::Endpoint;
    use std::time::Duration;
    let builder = || {
        SsoLogin::builder()
            .session_name("dev")
            .start_url("https://d-1.awsapps.com/start")
            .endpoint(Endpoint::new("us-east-1").unwrap())
    };
    let dir = std::env::temp_dir().join("ssooidc-maybe-setters");
    let given = builder()
        .maybe_cache(Some(TokenCache::new(&dir)))
        .maybe_flow(Some(Flow::Device))
        .maybe_loopback_timeout(Some(Duration::from_secs(30)))
        .maybe_resolved(None)
        .build()
        .unwrap();
    assert_eq!(given.flow(), Flow::Device);
    assert_eq!(given.loopback_timeout(), Duration::from_secs(30));
    assert_eq!(given.cache().unwrap().dir(), dir);
    let none = builder()
        .maybe_cache(None)
        .maybe_flow(None)
        .maybe_loopback_timeout(None)
        .build()
        .unwrap();
    let default = builder().build().unwrap();
    assert_eq!(format!("{none:?}"), format!("{default:?}"));
    assert_eq!(none.flow(), Flow::Pkce);
}
