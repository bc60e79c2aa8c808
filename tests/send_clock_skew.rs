//! The `send` calls sign again, once, when the service's refusal shows this
//! host's clock minutes off, as the SDK's clients do: against local stand-ins
//! for the OIDC endpoint and STS on 127.0.0.1 that keep a clock of their own
//! (10 minutes ahead or behind), send `Date`, refuse a request signed more than
//! 5 minutes from it as AWS does, and verify every signature with `aws-sigv4`.
//! Both roads (`reqwest`, `ureq`), both signed requests.

#[path = "common/local_aws.rs"]
mod local_aws;
#[path = "../examples/support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use local_aws::{
    oidc, sts, OidcState, Server, StsState, APPLICATION_ARN, CONTEXT, REGION, ROLE_ARN,
};
use ssooidc_token::sts::{AssumeRole, AssumeRoleResponse, IdentityContext, StsEndpoint};
use ssooidc_token::{
    CreateTokenWithIam, Endpoint, ExposeSecret, ReqwestClient, SendError, SigningCredentials,
};

const KEY_ID: &str = "AKIDAPPEXAMPLE1";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY1";

struct StandIns {
    oidc: Server,
    sts: Server,
    oidc_state: Arc<OidcState>,
    sts_state: Arc<StsState>,
}

impl StandIns {
    /// Both services, one clock `ahead` seconds from this host's.
    fn start(ahead: i64) -> Self {
        let app = Arc::new(Mutex::new((KEY_ID.to_owned(), SECRET.to_owned())));
        let oidc_state = Arc::new(OidcState::default());
        oidc_state.clock.set(ahead);
        let sts_state = Arc::new(StsState {
            clock: oidc_state.clock.clone(),
            ..StsState::default()
        });
        Self {
            oidc: oidc(app.clone(), oidc_state.clone()),
            sts: sts(app, sts_state.clone()),
            oidc_state,
            sts_state,
        }
    }

    fn oidc_endpoint(&self) -> Endpoint {
        Endpoint::custom(&self.oidc.base_url(), REGION).unwrap()
    }

    fn sts_endpoint(&self) -> StsEndpoint {
        StsEndpoint::custom(&self.sts.base_url(), REGION).unwrap()
    }

    /// How many seconds from the services' clock each request was signed at.
    fn signed_off_by(&self) -> Vec<i64> {
        self.oidc_state.clock.signed_off_by.lock().unwrap().clone()
    }

    fn refused(&self) -> usize {
        self.oidc_state.clock.refused.load(Ordering::SeqCst)
    }

    /// Refused once, signed 10 minutes off; then signed again on time.
    fn refused_once_then_on_time(&self, ahead: i64, what: &str) {
        let off_by = self.signed_off_by();
        assert_eq!(self.refused(), 1, "{what} {ahead}: {off_by:?}");
        assert_eq!(off_by.len(), 2, "{what} {ahead}: {off_by:?}");
        assert!((off_by[0] + ahead).abs() <= 5, "{what} {ahead}: {off_by:?}");
        assert!(off_by[1].abs() <= 5, "{what} {ahead}: {off_by:?}");
        assert_eq!(self.oidc.refusals(), Vec::<String>::new());
        assert_eq!(self.sts.refusals(), Vec::<String>::new());
    }
}

fn credentials() -> SigningCredentials {
    SigningCredentials::new(KEY_ID, SECRET)
}

fn jwt_bearer() -> CreateTokenWithIam<ssooidc_token::grant::JwtBearer> {
    CreateTokenWithIam::jwt_bearer()
        .client_id(APPLICATION_ARN)
        .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl")
        .build()
        .unwrap()
}

fn assume_role() -> AssumeRole {
    AssumeRole::builder()
        .role_arn(ROLE_ARN)
        .role_session_name("TrustedIdentityPropagationSDKPluginEnhanced-apl-2222222222222222")
        .identity_context(IdentityContext::new(CONTEXT).unwrap())
        .build()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One road: both signed requests, against services 10 minutes ahead and
/// behind, each refused once and then answered.
fn signs_again_with_the_services_time(
    token: impl Fn(&StandIns) -> Result<ssooidc_token::CreateTokenWithIamResponse, SendError>,
    session: impl Fn(&StandIns) -> Result<AssumeRoleResponse, SendError>,
) {
    for ahead in [600, -600] {
        let stand_ins = StandIns::start(ahead);
        let answer = token(&stand_ins).unwrap();
        assert_eq!(answer.access_token().expose_secret(), "aoal-EXAMPLE");
        stand_ins.refused_once_then_on_time(ahead, "CreateTokenWithIAM");
        let stand_ins = StandIns::start(ahead);
        let answer = session(&stand_ins).unwrap();
        assert_eq!(
            answer.credentials().access_key_id(),
            local_aws::SESSION_KEY_ID
        );
        stand_ins.refused_once_then_on_time(ahead, "AssumeRole");
    }
}

#[test]
fn reqwest_sends_sign_again_with_the_services_time() {
    let client = ReqwestClient::new().unwrap();
    signs_again_with_the_services_time(
        |s| runtime().block_on(jwt_bearer().send(&client, &s.oidc_endpoint(), &credentials())),
        |s| runtime().block_on(assume_role().send(&client, &s.sts_endpoint(), &credentials())),
    );
}

#[test]
fn ureq_sends_sign_again_with_the_services_time() {
    let agent = ureq::Agent::new_with_defaults();
    signs_again_with_the_services_time(
        |s| jwt_bearer().send_blocking(&agent, &s.oidc_endpoint(), &credentials()),
        |s| assume_role().send_blocking(&agent, &s.sts_endpoint(), &credentials()),
    );
}

/// A service whose `Date` always runs 10 minutes ahead of the request's own
/// time is asked twice, not more; a refusal whose `Date` agrees with this
/// host's clock is not signed again.
#[test]
fn a_send_signs_again_once_and_only_for_a_clock_minutes_off() {
    let agent = ureq::Agent::new_with_defaults();
    let stand_ins = StandIns::start(0);
    stand_ins
        .oidc_state
        .clock
        .runaway
        .store(true, Ordering::SeqCst);
    let err = jwt_bearer()
        .send_blocking(&agent, &stand_ins.oidc_endpoint(), &credentials())
        .unwrap_err();
    assert!(
        err.response_error().is_some_and(|e| e.may_be_clock_skew()),
        "{err:?}"
    );
    assert_eq!(stand_ins.refused(), 2);
    let stand_ins = StandIns::start(0);
    stand_ins.sts_state.deny.store(true, Ordering::SeqCst);
    let err = assume_role()
        .send_blocking(&agent, &stand_ins.sts_endpoint(), &credentials())
        .unwrap_err();
    assert!(err.to_string().contains("AccessDenied"), "{err}");
    assert_eq!(stand_ins.sts_state.assume_role.load(Ordering::SeqCst), 1);
    assert_eq!(stand_ins.refused(), 0);
}
