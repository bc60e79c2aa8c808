//! Logging out as `aws sso logout` does: which cache files are logins and which
//! role-credential files are SSO's (the CLI's own sweepers as the oracle,
//! `tests/vectors/sso_cache/aws-cli/logout/`), the portal's `Logout` request
//! against `aws-sdk-sso`'s, and sent over real sockets with ureq and reqwest.

use std::net::TcpListener;

use ssooidc_token::cache::{
    remove_sso_credentials, CacheKey, CachedToken, LogoutOutcome, SsoLogout, TokenCache,
};
use ssooidc_token::{Endpoint, ExposeSecret, ReqwestClient, SendError};

#[path = "common/portal.rs"]
mod portal;
#[path = "common/temp_dir.rs"]
mod temp_dir;
use portal::Portal;
use temp_dir::TempDir;

const VECTORS: &str = include_str!("vectors/sso_cache/aws-cli/logout/logout.json");

struct Case {
    name: String,
    sweeper: String,
    content: String,
    deleted: bool,
    calls: Vec<(String, String)>,
    failed: Option<String>,
}

fn cases() -> Vec<Case> {
    let json: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: s(&c["name"]),
            sweeper: s(&c["sweeper"]),
            content: s(&c["content"]),
            deleted: c["deleted"].as_bool().unwrap(),
            calls: c["calls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|call| (s(&call[0]), s(&call[1])))
                .collect(),
            failed: c["failed"].as_str().map(str::to_owned),
        })
        .collect()
}

/// What this crate does with the case's one file: the `Logout`s it would send
/// (region, token) and whether the file is gone after.
fn ours(case: &Case) -> (bool, Vec<(String, String)>) {
    let dir = TempDir::new("logout-vector");
    let path = dir.path().join("file.json");
    std::fs::write(&path, &case.content).unwrap();
    let mut calls = Vec::new();
    if case.sweeper == "token" {
        let cache = TokenCache::new(dir.path());
        for login in cache.logins().unwrap() {
            assert_eq!(login.path(), path);
            if let Some(logout) = login.logout() {
                let token = logout.access_token().expose_secret().to_owned();
                calls.push((logout.region().to_owned(), token));
            }
            login.remove().unwrap();
        }
    } else {
        let removed = remove_sso_credentials(dir.path()).unwrap();
        assert_eq!(removed.is_empty(), path.exists(), "{}", case.name);
    }
    (!path.exists(), calls)
}

#[test]
fn the_same_files_are_logged_out_and_deleted_as_by_the_cli() {
    let cases = cases();
    assert_eq!(cases.len(), 31);
    let mut compared = 0;
    for case in &cases {
        let (deleted, calls) = ours(case);
        let name = case.name.as_str();
        match (case.failed.as_deref(), name) {
            (None, "other_case") => {
                // The CLI reads names as written; aws-config (the Rust SDK) reads
                // `AccessToken` as the token, so this crate logs that login out too.
                assert!(!case.deleted && case.calls.is_empty());
                assert!(deleted);
                assert_eq!(calls, [("us-east-1".to_owned(), "t".to_owned())]);
            }
            (None, _) => {
                assert_eq!(deleted, case.deleted, "{name}: deleted");
                assert_eq!(calls, case.calls, "{name}: Logout calls");
                compared += 1;
            }
            // Where the CLI's command fails (a token or region botocore refuses
            // as a parameter), this crate sends nothing and still deletes the
            // login; JSON that is not an object is no login.
            (Some(_), "null_token" | "region_number" | "region_invalid") => {
                assert!(!case.deleted);
                assert!(deleted && calls.is_empty(), "{name}");
            }
            (Some(_), "json_array") => assert!(!deleted && calls.is_empty()),
            (Some(failed), _) => panic!("{name}: the CLI failed ({failed}) in an unexpected case"),
        }
    }
    assert_eq!(compared, 26, "every case the CLI completes is compared");
}

#[test]
fn logins_list_every_token_file_in_name_order_and_nothing_else() {
    let dir = TempDir::new("logout-list");
    let cache = TokenCache::new(dir.path());
    let now = std::time::SystemTime::now();
    for (name, region) in [("b", "us-east-1"), ("a", "eu-west-1")] {
        let token = CachedToken::builder()
            .access_token(format!("token-{name}"))
            .expires_at(now)
            .region(region)
            .start_url(format!("https://d-{name}.awsapps.com/start"))
            .build()
            .unwrap();
        cache.store(&CacheKey::session(name), &token).unwrap();
    }
    std::fs::create_dir(dir.path().join("a-directory")).unwrap();
    std::fs::write(
        dir.path().join("registration.json"),
        r#"{"clientId":"c","clientSecret":"s"}"#,
    )
    .unwrap();
    let logins = cache.logins().unwrap();
    assert_eq!(logins.len(), 2);
    let mut paths: Vec<_> = logins.iter().map(|l| l.path().to_owned()).collect();
    paths.sort();
    assert_eq!(
        logins
            .iter()
            .map(|l| l.path().to_owned())
            .collect::<Vec<_>>(),
        paths
    );
    let urls: Vec<_> = logins.iter().map(|l| l.start_url().unwrap()).collect();
    assert!(urls.contains(&"https://d-a.awsapps.com/start"));
    for login in &logins {
        let debug = format!("{login:?} {:?}", login.logout().unwrap());
        assert!(!debug.contains("token-"), "{debug}");
        assert!(debug.contains("[REDACTED]"));
    }
    for login in logins {
        login.remove().unwrap();
        login.remove().unwrap(); // already gone: fine
    }
    assert_eq!(dir.names(), ["a-directory", "registration.json"]);
    // No directory, no logins.
    assert!(TokenCache::new(dir.path().join("missing"))
        .logins()
        .unwrap()
        .is_empty());
}

fn logout_for(region: &str, token: &str) -> (TempDir, SsoLogout) {
    let dir = TempDir::new("logout-one");
    let cache = TokenCache::new(dir.path());
    let token = CachedToken::builder()
        .access_token(token)
        .expires_at(std::time::SystemTime::now())
        .region(region)
        .build()
        .unwrap();
    cache.store(&CacheKey::session("s"), &token).unwrap();
    let logout = cache.logins().unwrap()[0].logout().unwrap();
    (dir, logout)
}

#[test]
fn the_request_is_the_one_aws_sdk_sso_sends() {
    use aws_sdk_sso::config::{BehaviorVersion, Region};
    use aws_smithy_http_client::test_util::capture_request;

    let cases = [
        "us-east-1",
        "eu-central-1",
        "cn-north-1",
        "us-gov-west-1",
        "us-gov-east-1",
        "eusc-de-east-1",
        "us-iso-east-1",
        "eu-isoe-west-1",
    ]
    .into_iter()
    .flat_map(|region| [(region, false), (region, true)]);
    for (region, fips) in cases {
        let token = "aoaAAAAAGYm-token.with_dots";
        let (http, receiver) = capture_request(None);
        let config = aws_sdk_sso::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region))
            .use_fips(fips)
            .http_client(http)
            .build();
        let client = aws_sdk_sso::Client::from_conf(config);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(client.logout().access_token(token).send())
            .unwrap();
        let sdk = receiver.expect_request();

        let (_dir, logout) = logout_for(region, token);
        let endpoint = if fips {
            logout.fips_endpoint()
        } else {
            logout.endpoint()
        };
        let ours = logout.to_http(endpoint);
        assert_eq!(ours.method().as_str(), sdk.method(), "{region}");
        assert_eq!(ours.uri().to_string(), sdk.uri(), "{region}, FIPS {fips}");
        // The SDK's own headers, its user agent and retry bookkeeping aside.
        let mut sdk_headers: Vec<(String, String)> = sdk
            .headers()
            .iter()
            .filter(|(name, _)| {
                !matches!(*name, "user-agent" | "x-amz-user-agent") && !name.starts_with("amz-sdk-")
            })
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        // The SDK's body is empty with a known length, which hyper writes as
        // `content-length: 0` on a POST; this crate sets it, as ureq would not.
        assert_eq!(sdk.body().bytes(), Some(&b""[..]), "{region}: no body");
        assert_eq!(sdk.body().content_length(), Some(0));
        sdk_headers.push(("content-length".to_owned(), "0".to_owned()));
        sdk_headers.sort();
        let mut our_headers: Vec<(String, String)> = ours
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
            .collect();
        our_headers.sort();
        assert_eq!(our_headers, sdk_headers, "{region}");
        assert!(ours.headers()["x-amz-sso_bearer_token"].is_sensitive());
        // Unsigned, as the SDK sends it.
        assert!(sdk.headers().get("authorization").is_none());
        assert!(ours.headers().get("authorization").is_none());
    }
}

const ANSWERS: [(u16, &str); 3] = [
    (200, ""),
    (
        401,
        "x-amzn-errortype: UnauthorizedException:http://internal.amazon.com/coral/\r\nx-amzn-requestid: 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab\r\n",
    ),
    (302, "location: https://elsewhere.example/\r\n"),
];

fn check(outcomes: Vec<Result<LogoutOutcome, SendError>>, heads: Vec<String>) {
    assert_eq!(outcomes[0].as_ref().unwrap(), &LogoutOutcome::LoggedOut);
    assert_eq!(
        outcomes[1].as_ref().unwrap(),
        &LogoutOutcome::Refused {
            status: 401,
            error_type: Some("UnauthorizedException".to_owned()),
            request_id: Some("0a1b2c3d-aaaa-bbbb-cccc-0123456789ab".to_owned()),
        }
    );
    assert!(matches!(
        outcomes[2],
        Err(SendError::Redirected { status: 302 })
    ));
    assert_eq!(heads.len(), 3, "no redirect followed");
    for head in heads {
        let lower = head.to_ascii_lowercase();
        assert!(head.starts_with("POST /logout HTTP/1.1\r\n"), "{head}");
        assert!(
            lower.contains("\r\nx-amz-sso_bearer_token: aoaa-sent-token\r\n"),
            "{head}"
        );
        assert_eq!(
            lower.matches("\r\ncontent-length: 0\r\n").count(),
            1,
            "{head}"
        );
        assert!(!lower.contains("transfer-encoding"), "{head}");
        assert!(!lower.contains("authorization"), "{head}");
    }
}

#[test]
fn sent_with_ureq_over_a_real_socket() {
    let portal = Portal::start(ANSWERS.to_vec());
    let (_dir, logout) = logout_for("us-east-1", "aoaA-sent-token");
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let agent = ureq::Agent::new_with_defaults(); // follows redirects by default
    let outcomes = (0..3)
        .map(|_| logout.send_blocking(&agent, &endpoint))
        .collect();
    check(outcomes, portal.heads());
}

#[test]
fn sent_with_reqwest_over_a_real_socket() {
    let portal = Portal::start(ANSWERS.to_vec());
    let (_dir, logout) = logout_for("us-east-1", "aoaA-sent-token");
    let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ReqwestClient::new().unwrap();
    let outcomes = (0..3)
        .map(|_| runtime.block_on(logout.send(&client, &endpoint)))
        .collect();
    check(outcomes, portal.heads());
}

#[test]
fn a_portal_that_does_not_answer_is_a_transport_error() {
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_dir, logout) = logout_for("us-east-1", "aoaA-sent-token");
    let endpoint = Endpoint::custom(&format!("http://127.0.0.1:{port}"), "us-east-1").unwrap();
    let err = logout
        .send_blocking(&ureq::Agent::new_with_defaults(), &endpoint)
        .unwrap_err();
    assert!(matches!(err, SendError::Transport(_)));
}

#[test]
fn refusals_show_only_plain_header_values() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-amzn-errortype", "Bad Type<script>".parse().unwrap());
    headers.insert("x-amzn-requestid", "id with spaces".parse().unwrap());
    assert_eq!(
        LogoutOutcome::from_http(500, &headers),
        LogoutOutcome::Refused {
            status: 500,
            error_type: None,
            request_id: None
        }
    );
}

#[test]
fn a_token_in_hand_gives_the_same_logout_as_its_file() {
    let (dir, from_file) = logout_for("ap-south-1", "aoaA-in-hand");
    let token = TokenCache::new(dir.path())
        .load(&CacheKey::session("s"))
        .unwrap()
        .unwrap();
    let in_hand = token.logout().unwrap();
    assert_eq!(in_hand.region(), from_file.region());
    assert_eq!(
        in_hand.access_token().expose_secret(),
        from_file.access_token().expose_secret()
    );
    assert_eq!(
        format!("{:?}", in_hand.to_http(in_hand.endpoint())),
        format!("{:?}", from_file.to_http(from_file.endpoint()))
    );
    let no_region = CachedToken::builder()
        .access_token("t")
        .expires_at(std::time::SystemTime::now())
        .build()
        .unwrap();
    assert!(no_region.logout().is_none());
}

/// A `Logout` met by throttling or a 500/502/503/504 is sent again (it ends
/// the session however often it arrives), 3 times at most, as the CLI's
/// botocore client retries it, before the caller decides to delete the file;
/// a refusal is not sent again. Both roads. (A request beyond the script
/// finds nobody listening: a transport error, not the outcome expected.)
#[test]
fn a_throttled_or_unavailable_logout_is_sent_again() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ReqwestClient::new().unwrap();
    let agent = ureq::Agent::new_with_defaults();
    let refused = |status| LogoutOutcome::Refused {
        status,
        error_type: None,
        request_id: None,
    };
    for (answers, outcome) in [
        (
            vec![
                (429, "x-amzn-errortype: TooManyRequestsException\r\n"),
                (503, ""),
                (200, ""),
            ],
            LogoutOutcome::LoggedOut,
        ),
        (vec![(500, ""), (502, ""), (504, "")], refused(504)),
        (
            vec![
                (400, "x-amzn-errortype: ThrottlingException\r\n"),
                (200, ""),
            ],
            LogoutOutcome::LoggedOut,
        ),
        (vec![(401, "")], refused(401)),
    ] {
        for blocking in [true, false] {
            let sent = answers.len();
            let portal = Portal::start(answers.clone());
            let (_dir, logout) = logout_for("us-east-1", "aoaA-sent-token");
            let endpoint = Endpoint::custom(&portal.url, "us-east-1").unwrap();
            let got = if blocking {
                logout.send_blocking(&agent, &endpoint)
            } else {
                runtime.block_on(logout.send(&client, &endpoint))
            };
            assert_eq!(got.unwrap(), outcome, "blocking: {blocking}");
            assert_eq!(portal.heads().len(), sent, "blocking: {blocking}");
        }
    }
}
