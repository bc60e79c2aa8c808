//! One run of the identity chain (CreateTokenWithIAM, the identity context, AssumeRole), and the pure rules around it: when credentials are fresh, what expiry they carry, when a refused refresh token falls back to jwt-bearer.

use std::future::Future;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use secrecy::SecretString;

use super::error::{ChainError, ChainErrorKind, ChainStep};
use super::provider::Settings;
use crate::sts::{AssumeRole, IdentityContext};
use crate::time::ClockSkew;
use crate::{
    CreateTokenWithIam, CreateTokenWithIamResponse, ErrorCode, IntoSecret, SendError, SignError,
    SigningCredentials,
};

/// Cached credentials are renewed once less than this remains before the expiry
/// they carry: the SDK's identity cache asks 5 to 10 s before that expiry (10 s
/// before the expiry it stored, which is the real one plus a jitter of up to
/// 5 s), and must then get new credentials, not the ones it is replacing.
pub(crate) const RENEW_AHEAD: Duration = Duration::from_secs(30);

/// How long a failed early renewal rests before the next attempt, while the
/// current credentials are still usable.
pub(crate) const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);

/// What a run hands back: the SDK's credentials (expiry `refresh_window` before
/// STS's), and STS's own `Expiration`, both read on the provider's clock (STS's
/// clock corrected by the skew learned).
pub(crate) struct Loaded {
    pub(crate) credentials: aws_credential_types::Credentials,
    pub(crate) expiration: SystemTime,
}

/// Whether credentials that carry `expiry` can still be served at `now`.
pub(crate) fn is_fresh(expiry: Option<SystemTime>, now: SystemTime) -> bool {
    expiry.is_some_and(|expiry| now + RENEW_AHEAD < expiry)
}

/// Whether credentials STS let expire at `expiration` can still sign at `now`
/// (with 30 s to spare for the request they sign): served when a renewal
/// fails.
pub(crate) fn is_usable(expiration: SystemTime, now: SystemTime) -> bool {
    now + RENEW_AHEAD < expiration
}

/// The expiry handed to the SDK: `refresh_window` before STS's `expiration`, but
/// never less than half of the session's remaining lifetime away (a window
/// longer than the session would otherwise hand out credentials that look
/// expired, and run a chain per request).
pub(crate) fn reported_expiry(
    now: SystemTime,
    expiration: SystemTime,
    refresh_window: Duration,
) -> SystemTime {
    let lifetime = expiration.duration_since(now).unwrap_or(Duration::ZERO);
    expiration - refresh_window.min(lifetime / 2)
}

/// Whether a refused refresh-token grant falls back to jwt-bearer: a refusal
/// of the refresh token or of its grant, which a fresh IdP token does not
/// meet. The token is invalid (`invalid_grant`) or has expired
/// (`expired_token`, in the OAuth `error` member); or the application may no longer use the grant
/// (`unauthorized_client`, `unsupported_grant_type`: an administrator turned
/// it off). The refresh token is dropped then. Not a refusal that jwt-bearer
/// would most likely meet the same way (`access_denied`, most often IAM or KMS
/// refusing the application's credentials; `invalid_client`,
/// `invalid_request`, `invalid_scope`), nor a failure worth retrying as it is
/// (transport, throttling, a 5xx without one of the codes above): those keep
/// the refresh token for the next chain.
pub(crate) fn refresh_token_refused(err: &SendError) -> bool {
    let SendError::Response(response) = err else {
        return false;
    };
    response
        .token_error()
        .is_some_and(|token| match token.code() {
            ErrorCode::InvalidGrant
            | ErrorCode::UnauthorizedClient
            | ErrorCode::UnsupportedGrantType => true,
            // Only Identity Center's own `expired_token`: the signing layer in
            // front of it refuses expired application credentials as
            // `ExpiredTokenException` (in `x-amzn-ErrorType`, with a `message`),
            // which says nothing of the refresh token.
            ErrorCode::ExpiredToken => token.is_oauth_refusal(),
            _ => false,
        })
}

/// `TrustedIdentityPropagationSDKPluginEnhanced-<application id>`, as AWS's
/// plugins name the session, cut to STS's 64 characters; the application id is
/// what follows the ARN's last `/`, its characters outside `[\w+=,.@-]` left out.
pub(crate) fn default_session_name(application_arn: &str) -> String {
    let id = application_arn
        .rsplit('/')
        .next()
        .unwrap_or(application_arn);
    let mut name = String::from(super::SESSION_NAME_PREFIX);
    name.extend(
        id.chars()
            .filter(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
            })
            .take(64 - super::SESSION_NAME_PREFIX.len()),
    );
    name
}

/// Signs a request with `sign` at the provider's clock as the service's clock
/// reads it (`skew`, learned so far), and sends it with `transmit`. When the
/// service refuses the signature as dated at the wrong time (a code the SDKs
/// read as clock skew, and an answer whose `Date` shows a skew more than 4
/// minutes from `skew`: `skew_to_correct`), `skew` becomes the one measured, and the
/// request is signed and sent once more: the SDK's clients do the same. A
/// skew that leaves no time SigV4 can write (past the year 9999, before 1970:
/// an absurd `Date`, or the host's clock stepped since) is dropped, and the
/// request signed at the provider's clock. A success whose `date_of` gives the
/// service's `Date` teaches the skew too (as the SDK's clients learn it from
/// every answer), however small, so that times the service gives (STS's
/// `Expiration`) are read on this clock; not over a round trip above 30 s,
/// nor a skew SigV4 would not have let the signature through with
/// (`skew_of_answer`).
async fn send_signed<B, T, F>(
    fields: &Settings,
    skew: &mut ClockSkew,
    sign: impl Fn(SystemTime) -> Result<http::Request<B>, SignError>,
    transmit: impl Fn(http::Request<B>) -> F,
    date_of: impl Fn(&T) -> Option<SystemTime>,
) -> Result<T, SendError>
where
    F: Future<Output = Result<T, SendError>>,
{
    let mut corrected = false;
    loop {
        let sent = fields.time_source.now();
        let signed = match sign(skew.to_service(sent)) {
            Err(SignError::TimeOutOfRange) if *skew != ClockSkew::default() => {
                *skew = ClockSkew::default();
                sign(sent)?
            }
            signed => signed?,
        };
        let result = transmit(signed).await;
        let received = fields.time_source.now();
        if let Ok(answer) = &result {
            if let Some(learned) =
                crate::send::skew_of_answer(date_of(answer), *skew, sent, received)
            {
                *skew = learned;
            }
            return result;
        }
        match crate::send::skew_to_correct(&result, *skew, sent, received) {
            Some(measured) if !corrected => {
                *skew = measured;
                corrected = true;
            }
            _ => return result,
        }
    }
}

/// Runs the chain once. `refresh_token` is the Identity Center refresh token
/// held between runs: used first if present, dropped when refused, replaced by
/// the one each token answer brings. `skew` is the services' clock skew
/// learned from refused signatures, kept between runs too.
pub(crate) async fn run(
    fields: &Settings,
    refresh_token: &mut Option<SecretString>,
    skew: &mut ClockSkew,
) -> Result<Loaded, ChainError> {
    let app = fields
        .app_credentials
        .provide_credentials()
        .await
        .map_err(|e| ChainError::new(ChainErrorKind::AppCredentials(e)))?;
    let app = SigningCredentials::from(&app);

    let (mut answer, mut step) = create_token(fields, refresh_token, skew, &app).await?;
    let mut context = IdentityContext::from_response(&answer);
    if context.is_err() && step == ChainStep::RefreshTokenGrant {
        // A refresh answer without the identity context cannot give a session,
        // and would not the next time either: the refresh token is dropped and
        // jwt-bearer gives the context instead, once.
        *refresh_token = None;
        drop(answer);
        (answer, step) = create_token(fields, refresh_token, skew, &app).await?;
        context = IdentityContext::from_response(&answer);
    }
    debug_assert!(context.is_ok() || step == ChainStep::JwtBearerGrant);
    keep_refresh_token(refresh_token, &answer);
    let context = context.map_err(|e| ChainError::new(ChainErrorKind::NoIdentityContext(e)))?;
    drop(answer);

    let request = assume_role_request(fields, context)
        .map_err(|e| ChainError::new(ChainErrorKind::Build(ChainStep::AssumeRoleWithContext, e)))?;
    let answer = send_signed(
        fields,
        skew,
        |at| request.to_signed_http(&fields.sts_endpoint, &app, at),
        |signed| fields.client.assume_role(signed),
        crate::sts::AssumeRoleResponse::server_date,
    )
    .await
    .map_err(|err| ChainError::new(ChainErrorKind::StsCall(err)))?;
    drop(request);
    // The account of the assumed role (read from its ARN), as the SDK's own
    // AssumeRole provider gives it (account-based endpoints use it).
    let session = answer.into_credentials();
    let expiration = skew.to_local(session.expiration());
    let expiry = reported_expiry(fields.time_source.now(), expiration, fields.refresh_window);
    Ok(Loaded {
        credentials: super::hand_over(&session, expiry),
        expiration,
    })
}

/// The `AssumeRole` request for `context`, from the settings (also used by
/// `build()` with a placeholder context, to check them once).
pub(crate) fn assume_role_request(
    fields: &Settings,
    context: IdentityContext,
) -> Result<AssumeRole, crate::BuildError> {
    let mut request = AssumeRole::builder()
        .role_arn(fields.role_arn.as_str())
        .role_session_name(fields.role_session_name.as_str())
        .identity_context(context);
    for (key, value) in &fields.tags {
        request = request.tag(key.as_str(), value.as_str());
    }
    request
        .maybe_duration_seconds(fields.duration_seconds)
        .maybe_source_identity(fields.source_identity.as_deref())
        .maybe_external_id(fields.external_id.as_ref())
        .build()
}

/// Keeps the refresh token `answer` brings for the next chain, when the
/// refresh-token grant would take it (a blank one would fail that grant's
/// `build()` on every later chain): otherwise the one held is kept.
fn keep_refresh_token(held: &mut Option<SecretString>, answer: &CreateTokenWithIamResponse) {
    let Some(next) = answer.refresh_token() else {
        return;
    };
    // The refresh-token grant's own check of the field.
    if crate::validation::Checks::default().secret("refresh_token", next) {
        *held = Some(next.into_secret());
    }
}

/// `request` sent to CreateTokenWithIAM, signed with the application's
/// credentials (and signed again on a clock skew: [`send_signed`]).
async fn token_call<G: crate::grant::IamGrant>(
    fields: &Settings,
    skew: &mut ClockSkew,
    app: &SigningCredentials,
    request: &CreateTokenWithIam<G>,
) -> Result<CreateTokenWithIamResponse, SendError> {
    send_signed(
        fields,
        skew,
        |at| request.to_signed_http(&fields.oidc_endpoint, app, at),
        |signed| fields.client.create_token_with_iam(signed),
        |_| None,
    )
    .await
}

/// CreateTokenWithIAM, and the grant it used: the refresh-token grant while a
/// refresh token is held (only one its `build()` takes is kept:
/// [`keep_refresh_token`]); on its refusal ([`refresh_token_refused`]), once,
/// jwt-bearer with a fresh IdP token.
async fn create_token(
    fields: &Settings,
    refresh_token: &mut Option<SecretString>,
    skew: &mut ClockSkew,
    app: &SigningCredentials,
) -> Result<(CreateTokenWithIamResponse, ChainStep), ChainError> {
    let failed = |step, err| ChainError::new(ChainErrorKind::TokenCall(step, err));
    if let Some(held) = refresh_token.as_ref() {
        let step = ChainStep::RefreshTokenGrant;
        let request = CreateTokenWithIam::refresh_token()
            .client_id(fields.application_arn.as_str())
            .refresh_token(held)
            .scopes(fields.scopes.iter().map(String::as_str))
            .build()
            .map_err(|e| ChainError::new(ChainErrorKind::Build(step, e)))?;
        let answer = token_call(fields, skew, app, &request).await;
        drop(request);
        match answer {
            Ok(answer) => return Ok((answer, step)),
            Err(err) if refresh_token_refused(&err) => *refresh_token = None,
            Err(err) => return Err(failed(step, err)),
        }
    }
    let step = ChainStep::JwtBearerGrant;
    let assertion = (fields.idp_token.0)()
        .await
        .map_err(|e| ChainError::new(ChainErrorKind::IdpToken(e)))?;
    let request = CreateTokenWithIam::jwt_bearer()
        .client_id(fields.application_arn.as_str())
        .assertion(assertion)
        .scopes(fields.scopes.iter().map(String::as_str))
        .build()
        .map_err(|e| ChainError::new(ChainErrorKind::Build(step, e)))?;
    let answer = token_call(fields, skew, app, &request).await;
    drop(request);
    answer
        .map(|answer| (answer, step))
        .map_err(|e| failed(step, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn credentials_are_served_until_thirty_seconds_before_their_expiry() {
        let expiry = UNIX_EPOCH + Duration::from_secs(10_000);
        assert!(is_fresh(Some(expiry), expiry - Duration::from_secs(31)));
        assert!(!is_fresh(Some(expiry), expiry - Duration::from_secs(30)));
        assert!(!is_fresh(Some(expiry), expiry));
        assert!(!is_fresh(Some(expiry), expiry + Duration::from_secs(1)));
        assert!(!is_fresh(None, expiry));
    }

    #[test]
    fn credentials_are_kept_after_a_failed_renewal_until_thirty_seconds_before_sts_expiration() {
        let expiration = UNIX_EPOCH + Duration::from_secs(10_000);
        assert!(is_usable(expiration, expiration - Duration::from_secs(31)));
        assert!(!is_usable(expiration, expiration - Duration::from_secs(30)));
        assert!(!is_usable(expiration, expiration + Duration::from_secs(1)));
    }

    #[test]
    fn the_expiry_is_the_window_before_expiration_at_most_half_the_lifetime() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let hour = now + Duration::from_secs(3_600);
        let five = Duration::from_secs(300);
        assert_eq!(reported_expiry(now, hour, five), hour - five);
        // A 15-minute session with a 10-minute window: half the lifetime.
        let quarter = now + Duration::from_secs(900);
        assert_eq!(
            reported_expiry(now, quarter, Duration::from_secs(600)),
            now + Duration::from_secs(450)
        );
        // Already expired (a clock skew): the expiration itself.
        assert_eq!(reported_expiry(hour, now, five), now);
    }

    #[test]
    fn only_a_refused_refresh_token_falls_back() {
        use crate::{CreateTokenWithIamResponse as R, ResponseError};
        let refusal = |body: &[u8], status| -> SendError {
            let err: ResponseError = R::from_http(status, body).unwrap_err();
            SendError::Response(err)
        };
        assert!(refresh_token_refused(&refusal(
            br#"{"error":"invalid_grant"}"#,
            400
        )));
        assert!(refresh_token_refused(&refusal(
            br#"{"error":"expired_token"}"#,
            400
        )));
        for code in ["unauthorized_client", "unsupported_grant_type"] {
            let body = format!(r#"{{"error":"{code}"}}"#);
            assert!(
                refresh_token_refused(&refusal(body.as_bytes(), 400)),
                "{code}"
            );
        }
        for code in [
            "access_denied",
            "invalid_client",
            "invalid_request",
            "invalid_scope",
            "slow_down",
        ] {
            let body = format!(r#"{{"error":"{code}"}}"#);
            assert!(
                !refresh_token_refused(&refusal(body.as_bytes(), 400)),
                "{code}"
            );
        }
        assert!(!refresh_token_refused(&refusal(
            br#"{"error":"invalid_client"}"#,
            401
        )));
        assert!(!refresh_token_refused(&refusal(b"<html>", 503)));
        assert!(!refresh_token_refused(&SendError::Transport("x".into())));
        // Expired application credentials, refused by the signing layer in
        // front of Identity Center: nothing said of the refresh token.
        assert!(!refresh_token_refused(&refusal(
            br#"{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}"#,
            403
        )));
        let answer = http::Response::builder()
            .status(400)
            .header(
                "x-amzn-ErrorType",
                "ExpiredTokenException:http://internal.amazon.com/",
            )
            .body(&br#"{"message":"The security token included in the request is expired"}"#[..])
            .unwrap();
        let err = R::from_http_response(&answer).unwrap_err();
        assert_eq!(err.token_error().unwrap().code(), &ErrorCode::ExpiredToken);
        assert!(!refresh_token_refused(&SendError::Response(err)));
    }

    #[test]
    fn the_default_session_name_follows_the_plugins_and_fits_sts() {
        assert_eq!(
            default_session_name(
                "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222"
            ),
            "TrustedIdentityPropagationSDKPluginEnhanced-apl-2222222222222222"
        );
        let long = default_session_name("apl-22222222222222222222222222222222 x/y");
        assert!(long.len() <= 64, "{long}");
        assert_eq!(
            default_session_name("a/b c"),
            "TrustedIdentityPropagationSDKPluginEnhanced-bc"
        );
    }
}
