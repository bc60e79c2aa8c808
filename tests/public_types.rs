//! What every public type promises to the code that holds it: requests, responses,
//! errors and credentials can cross threads and live in `'static` contexts (a spawned
//! task, `anyhow::Error`, a `Box<dyn Error + Send + Sync>`), and every error type is a
//! `std::error::Error` whose `Display` does not repeat its `source()` (so a report
//! that prints the chain, like anyhow's `{:#}`, shows each cause once).
//!
//! New public types belong here: add them to the lists below.

use std::error::Error;

use ssooidc_token::grant::{
    AuthorizationCode, DeviceCode, IamAuthorizationCodeBuilder, IamJwtBearerBuilder,
    IamRefreshTokenBuilder, IamTokenExchangeBuilder, JwtBearer, PublicAuthorizationCodeBuilder,
    PublicDeviceCodeBuilder, PublicRefreshTokenBuilder, RefreshToken, TokenExchange,
};
use ssooidc_token::{
    AnyCreateToken, AnyCreateTokenWithIam, AwsAdditionalDetails, BuildError, CreateToken,
    CreateTokenResponse, CreateTokenWithIam, CreateTokenWithIamResponse, ErrorCode, JsonBody,
    ParseError, ParseErrorKind, Problem, Rule, SecretString, Syntax, TokenError, TokenType,
    UnexpectedResponse, UnknownTokenType,
};

fn is_send_sync_static<T: Send + Sync + 'static>() {}

fn is_error<T: Error + Send + Sync + 'static>() {}

#[test]
fn public_types_are_send_sync_and_static() {
    // Requests, their builders and bodies.
    is_send_sync_static::<CreateTokenWithIam<AuthorizationCode>>();
    is_send_sync_static::<CreateTokenWithIam<RefreshToken>>();
    is_send_sync_static::<CreateTokenWithIam<JwtBearer>>();
    is_send_sync_static::<CreateTokenWithIam<TokenExchange>>();
    is_send_sync_static::<CreateToken<AuthorizationCode>>();
    is_send_sync_static::<CreateToken<DeviceCode>>();
    is_send_sync_static::<CreateToken<RefreshToken>>();
    is_send_sync_static::<AnyCreateTokenWithIam>();
    is_send_sync_static::<AnyCreateToken>();
    is_send_sync_static::<IamAuthorizationCodeBuilder>();
    is_send_sync_static::<IamRefreshTokenBuilder>();
    is_send_sync_static::<IamJwtBearerBuilder>();
    is_send_sync_static::<IamTokenExchangeBuilder>();
    is_send_sync_static::<PublicAuthorizationCodeBuilder>();
    is_send_sync_static::<PublicDeviceCodeBuilder>();
    is_send_sync_static::<PublicRefreshTokenBuilder>();
    is_send_sync_static::<JsonBody>();
    is_send_sync_static::<TokenType>();
    is_send_sync_static::<UnknownTokenType>();
    is_send_sync_static::<SecretString>();
    // Responses.
    is_send_sync_static::<CreateTokenWithIamResponse>();
    is_send_sync_static::<CreateTokenResponse>();
    is_send_sync_static::<AwsAdditionalDetails>();
    // Errors and their parts.
    is_send_sync_static::<ErrorCode>();
    is_send_sync_static::<Problem>();
    is_send_sync_static::<Rule>();
    is_send_sync_static::<ParseErrorKind>();
    is_send_sync_static::<Syntax>();
    #[cfg(feature = "http")]
    is_send_sync_static::<ssooidc_token::Endpoint>();
    #[cfg(feature = "http")]
    is_send_sync_static::<http::Request<JsonBody>>();
    is_send_sync_static::<ssooidc_token::ResponseError>();
    is_send_sync_static::<ssooidc_token::ResponseErrorKind>();
    // Credentials.
    #[cfg(feature = "sigv4")]
    is_send_sync_static::<ssooidc_token::SigningCredentials>();
    // Public-client login.
    #[cfg(feature = "login")]
    {
        use ssooidc_token::login::{
            AuthorizationCallback, AuthorizeUrl, AuthorizeUrlBuilder, CallbackError, DevicePoller,
            Pkce, PollError, PollOutcome, RegisterClient, RegisterClientBuilder,
            RegisterClientResponse, StartDeviceAuthorization, StartDeviceAuthorizationBuilder,
            StartDeviceAuthorizationResponse,
        };
        is_send_sync_static::<RegisterClient>();
        is_send_sync_static::<RegisterClientBuilder>();
        is_send_sync_static::<RegisterClientResponse>();
        is_send_sync_static::<StartDeviceAuthorization>();
        is_send_sync_static::<StartDeviceAuthorizationBuilder>();
        is_send_sync_static::<StartDeviceAuthorizationResponse>();
        is_send_sync_static::<DevicePoller>();
        is_send_sync_static::<PollOutcome>();
        is_send_sync_static::<PollError>();
        is_send_sync_static::<Pkce>();
        is_send_sync_static::<AuthorizeUrl>();
        is_send_sync_static::<AuthorizeUrlBuilder>();
        is_send_sync_static::<AuthorizationCallback>();
        is_send_sync_static::<CallbackError>();
        is_send_sync_static::<ssooidc_token::login::LoopbackRedirect>();
        is_send_sync_static::<ssooidc_token::login::RedirectError>();
        is_send_sync_static::<ssooidc_token::login::ResolvedStartUrl>();
        is_send_sync_static::<ssooidc_token::login::StartUrlStep>();
        is_send_sync_static::<ssooidc_token::login::StartUrlProbe>();
        is_send_sync_static::<ssooidc_token::login::StartUrlError>();
        #[cfg(any(feature = "ureq", feature = "reqwest"))]
        is_send_sync_static::<ssooidc_token::login::DeviceLoginError>();
    }
    // Trusted identity propagation.
    #[cfg(feature = "sts")]
    {
        use ssooidc_token::sts;
        is_send_sync_static::<sts::IdentityContext>();
        is_send_sync_static::<sts::AssumeRole>();
        is_send_sync_static::<sts::AssumeRoleBuilder>();
        is_send_sync_static::<sts::Mfa>();
        is_send_sync_static::<sts::AssumeRoleResponse>();
        is_send_sync_static::<sts::SessionCredentials>();
        is_send_sync_static::<sts::StsEndpoint>();
        is_send_sync_static::<ssooidc_token::FormBody>();
        is_send_sync_static::<http::Request<ssooidc_token::FormBody>>();
    }
    // Logging out.
    #[cfg(feature = "cache")]
    {
        use ssooidc_token::cache;
        is_send_sync_static::<cache::CachedLogin>();
        is_send_sync_static::<cache::SsoLogout>();
        is_send_sync_static::<cache::LogoutOutcome>();
    }
    // The access portal's role credentials, and the CLI's cache of them.
    #[cfg(feature = "portal")]
    {
        use ssooidc_token::portal;
        is_send_sync_static::<portal::GetRoleCredentials>();
        is_send_sync_static::<portal::GetRoleCredentialsBuilder>();
        is_send_sync_static::<portal::GetRoleCredentialsFields>();
        is_send_sync_static::<portal::GetRoleCredentialsResponse>();
        is_send_sync_static::<ssooidc_token::SessionCredentials>();
        is_send_sync_static::<http::Request<()>>();
    }
    #[cfg(all(feature = "portal", feature = "cache"))]
    {
        use ssooidc_token::cache;
        is_send_sync_static::<cache::RoleCredentialsCache>();
        is_send_sync_static::<cache::RoleCredentialsKey>();
    }
    #[cfg(all(feature = "portal", feature = "cache", feature = "credentials"))]
    {
        use ssooidc_token::credentials;
        is_send_sync_static::<credentials::SsoRoleCredentials>();
        is_send_sync_static::<credentials::SsoRoleCredentialsBuilder>();
    }
}

#[test]
fn error_types_are_errors() {
    is_error::<BuildError>();
    is_error::<ParseError>();
    is_error::<TokenError>();
    is_error::<UnexpectedResponse>();
    #[cfg(feature = "http")]
    is_error::<ssooidc_token::EndpointError>();
    #[cfg(feature = "sigv4")]
    is_error::<ssooidc_token::SignError>();
    is_error::<ssooidc_token::ResponseError>();
    #[cfg(feature = "login")]
    is_error::<ssooidc_token::login::PollError>();
    #[cfg(feature = "login")]
    is_error::<ssooidc_token::login::CallbackError>();
    #[cfg(feature = "login")]
    is_error::<ssooidc_token::login::RedirectError>();
    #[cfg(feature = "login")]
    is_error::<ssooidc_token::login::StartUrlError>();
    #[cfg(all(feature = "login", any(feature = "ureq", feature = "reqwest")))]
    is_error::<ssooidc_token::login::DeviceLoginError>();
    #[cfg(any(feature = "aws-sdk", feature = "reqwest", feature = "ureq"))]
    is_error::<ssooidc_token::SendError>();
    #[cfg(feature = "sts")]
    is_error::<ssooidc_token::sts::IdentityContextError>();
    #[cfg(feature = "sts")]
    is_error::<ssooidc_token::sts::StsError>();
}

/// Walks the chain of `err`: every link has a message, no link's message contains its
/// source's message, and the joined chain (anyhow's `{:#}`) holds each cause once.
/// Returns the number of links.
fn check_chain(err: &(dyn Error + 'static)) -> usize {
    let mut links = Vec::new();
    let mut current = Some(err);
    while let Some(link) = current {
        let text = link.to_string();
        assert!(!text.is_empty(), "{link:?} has an empty message");
        if let Some(source) = link.source() {
            let source_text = source.to_string();
            assert!(
                !text.contains(&source_text),
                "`{text}` repeats its source `{source_text}`"
            );
        }
        links.push(text);
        current = link.source();
    }
    links.len()
}

fn parse_content_error() -> ParseError {
    // A refresh-token request whose client id is only spaces: content, not syntax.
    AnyCreateTokenWithIam::from_json(
        br#"{"clientId":"   ","grantType":"refresh_token","refreshToken":"r"}"#,
    )
    .unwrap_err()
}

#[test]
fn display_does_not_repeat_the_source() {
    // Leaves: no source.
    let build = CreateTokenWithIam::refresh_token()
        .client_id("")
        .refresh_token("r")
        .build()
        .unwrap_err();
    assert_eq!(check_chain(&build), 1);
    let token = TokenError::from_json(400, br#"{"error":"invalid_grant"}"#).unwrap();
    assert_eq!(check_chain(&token), 1);
    let syntax = CreateTokenWithIamResponse::from_json(b"[]").unwrap_err();
    assert_eq!(check_chain(&syntax), 1);

    // A request body that breaks a content rule: the BuildError is the source.
    let content = parse_content_error();
    assert!(matches!(content.kind(), ParseErrorKind::Content(_)));
    assert_eq!(check_chain(&content), 2);
    assert_eq!(content.to_string(), "request body breaks a content rule");
    assert!(content.source().unwrap().to_string().contains("client_id"));

    // A body that is not an OAuth error: the ParseError is the source.
    let unexpected = TokenError::from_json(502, b"<html>Bad Gateway</html>").unwrap_err();
    assert_eq!(check_chain(&unexpected), 2);
    assert_eq!(
        unexpected.to_string(),
        "HTTP 502 response is not an OAuth error body"
    );
    assert_eq!(
        unexpected.source().unwrap().to_string(),
        unexpected.reason().to_string()
    );

    #[cfg(feature = "http")]
    {
        let endpoint = ssooidc_token::Endpoint::new("").unwrap_err();
        assert_eq!(check_chain(&endpoint), 1);
    }

    // From an HTTP answer: the service's error shows as itself; an unreadable
    // answer's parse error is its source.
    let refused = CreateTokenResponse::from_http(400, br#"{"error":"invalid_grant"}"#).unwrap_err();
    assert_eq!(check_chain(&refused), 1);
    let unreadable = CreateTokenResponse::from_http(502, b"<html></html>").unwrap_err();
    assert_eq!(check_chain(&unreadable), 2);

    // Login errors: a callback's error shows itself; a poller that gave up has
    // the last failure as its source.
    #[cfg(feature = "login")]
    {
        use ssooidc_token::login::CallbackError;
        assert_eq!(check_chain(&CallbackError::StateMismatch), 1);
        assert_eq!(check_chain(&CallbackError::MissingCode), 1);
        use ssooidc_token::login::RedirectError;
        assert_eq!(check_chain(&RedirectError::Timeout), 1);
        assert_eq!(
            check_chain(&RedirectError::Callback(CallbackError::AccessDenied)),
            1
        );
        let io = RedirectError::Io(std::io::Error::other("address in use"));
        assert_eq!(check_chain(&io), 2);
        use ssooidc_token::login::StartUrlError;
        assert_eq!(check_chain(&StartUrlError::HttpStatus(404)), 1);
        let url = "https://sso.example.com".to_owned();
        assert_eq!(check_chain(&StartUrlError::NotAwsOwned { url }), 1);
        let io: Box<dyn Error + Send + Sync> = Box::new(std::io::Error::other("refused"));
        assert_eq!(check_chain(&StartUrlError::Transport(io)), 2);
    }

    #[cfg(all(feature = "login", any(feature = "ureq", feature = "reqwest")))]
    {
        use ssooidc_token::login::DeviceLoginError;
        use ssooidc_token::SendError;
        assert_eq!(check_chain(&DeviceLoginError::Denied), 1);
        assert_eq!(check_chain(&DeviceLoginError::Expired), 1);
        let redirected = DeviceLoginError::Sending(SendError::Redirected { status: 307 });
        assert_eq!(check_chain(&redirected), 1);
        let io: Box<dyn Error + Send + Sync> = Box::new(std::io::Error::other("reset"));
        assert_eq!(
            check_chain(&DeviceLoginError::Sending(SendError::Transport(io))),
            2
        );
    }

    #[cfg(feature = "sigv4")]
    {
        let sign = ssooidc_token::SignError::EmptySecretAccessKey;
        assert_eq!(check_chain(&sign), 1);
    }

    #[cfg(feature = "sts")]
    {
        use ssooidc_token::sts::{IdentityContext, IdentityContextError, StsError};
        assert_eq!(check_chain(&IdentityContextError::Missing), 1);
        let not_json = IdentityContext::from_id_token("eyJ.W10.c2ln").unwrap_err();
        assert!(matches!(not_json, IdentityContextError::PayloadNotJson(_)));
        assert_eq!(check_chain(&not_json), 2);
        let sts = StsError::from_xml(
            403,
            b"<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>",
        )
        .unwrap();
        assert_eq!(check_chain(&sts), 1);
    }

    #[cfg(any(feature = "aws-sdk", feature = "reqwest", feature = "ureq"))]
    {
        use ssooidc_token::SendError;
        let io: Box<dyn Error + Send + Sync> =
            Box::new(std::io::Error::other("connection reset by peer"));
        let errors = [
            (SendError::Response(refused), 1),
            (SendError::Response(unreadable), 2),
            (SendError::Transport(io), 2),
            (SendError::Sign(ssooidc_token::SignError::InvalidRegion), 1),
        ];
        for (err, links) in &errors {
            assert_eq!(check_chain(err), *links, "{err:?}");
        }
    }
}

/// The check itself catches a message that repeats its source.
#[test]
fn check_chain_catches_a_repeated_source() {
    #[derive(Debug)]
    struct Repeats(std::io::Error);
    impl std::fmt::Display for Repeats {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "failed: {}", self.0)
        }
    }
    impl Error for Repeats {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }
    let err = Repeats(std::io::Error::other("disk full"));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_chain(&err)));
    assert!(caught.is_err());
}
