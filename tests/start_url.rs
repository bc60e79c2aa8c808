//! Start-URL resolution against the AWS CLI's own code
//! (`vectors/sso_cache/aws-cli/resolve/start_url.json`, made by running
//! `awscli/customizations/sso/resolve.py` of aws-cli v2 at 73fb33b against a
//! scripted local server: see `start_url.py`), and over real sockets with
//! `ureq` and `reqwest` against a local stand-in.

use serde_json::Value;
use ssooidc_token::login::{
    is_aws_owned_host, region_from_host, resolve_start_url, StartUrlError, StartUrlStep,
};

fn vectors() -> Value {
    serde_json::from_str(include_str!(
        "vectors/sso_cache/aws-cli/resolve/start_url.json"
    ))
    .unwrap()
}

fn table<'a>(vectors: &'a Value, name: &str) -> &'a [Value] {
    let rows = vectors[name].as_array().unwrap();
    assert!(rows.len() > 50, "{name}: {} rows", rows.len());
    rows
}

#[test]
fn aws_owned_hosts_are_the_clis() {
    let vectors = vectors();
    for row in table(&vectors, "aws_owned") {
        let host = row["host"].as_str().unwrap();
        assert_eq!(
            is_aws_owned_host(host),
            row["owned"].as_bool().unwrap(),
            "{host:?}"
        );
    }
}

#[test]
fn regions_from_hosts_are_the_clis() {
    let vectors = vectors();
    let mut compared = 0;
    for row in table(&vectors, "region") {
        let host = row["host"].as_str().unwrap();
        let expected = row["region"].as_str();
        if !host.is_ascii() {
            // Python's case-insensitive `[a-z]` also matches U+017F and U+212A;
            // this crate reads no region from a non-ASCII host.
            assert_eq!(region_from_host(host), None, "{host:?}");
            continue;
        }
        assert_eq!(region_from_host(host).as_deref(), expected, "{host:?}");
        compared += 1;
    }
    assert!(compared > 100, "{compared}");
}

/// The CLI's error message's `Final URL: '...'`.
fn final_url(message: &str) -> &str {
    let start = message.find("Final URL: '").unwrap() + "Final URL: '".len();
    &message[start..message.len() - 1]
}

/// Whether the crate refuses `url` on purpose where Python cleans it up:
/// anything but visible ASCII.
fn refused_on_purpose(url: &str) -> bool {
    !url.bytes().all(|b| b.is_ascii_graphic())
}

#[test]
fn resolution_is_the_clis_step_for_step() {
    let vectors = vectors();
    let (mut resolved, mut failed, mut skipped) = (0, 0, 0);
    for case in table(&vectors, "resolve") {
        let name = case["name"].as_str().unwrap();
        let start_url = case["start_url"].as_str().unwrap();
        let answers = case["answers"].as_array().unwrap();
        let locations: Vec<&str> = answers
            .iter()
            .filter_map(|a| a["location"].as_str())
            .collect();
        if refused_on_purpose(start_url) || locations.iter().any(|l| refused_on_purpose(l)) {
            skipped += 1;
            continue;
        }
        let requests = case["requests"].as_array().unwrap();
        let mut step = resolve_start_url(start_url, case["configured_region"].as_str());
        let mut sent = 0;
        let outcome = loop {
            match step {
                Ok(StartUrlStep::Probe(probe)) => {
                    // The server records the requests it answered.
                    if let Some(request) = requests.get(sent) {
                        assert_eq!(probe.method(), request["method"], "{name}");
                        #[cfg(feature = "http")]
                        {
                            let http = probe.to_http().unwrap();
                            assert_eq!(http.method().as_str(), probe.method(), "{name}");
                            let path = http.uri().path_and_query().unwrap().as_str();
                            assert_eq!(path, request["path"], "{name}");
                            let host = request["host"].as_str().unwrap();
                            let authority = http.uri().authority().unwrap().as_str();
                            assert_eq!(authority.rsplit('@').next().unwrap(), host, "{name}");
                        }
                    }
                    let Some(answer) = answers.get(sent) else {
                        // The CLI's next request found no listener.
                        break Err("transport");
                    };
                    sent += 1;
                    step = probe.on_answer(
                        u16::try_from(answer["status"].as_u64().unwrap()).unwrap(),
                        answer["location"].as_str(),
                    );
                }
                Ok(StartUrlStep::Resolved(portal)) => break Ok(portal),
                Err(err) => break Err(kind(&err, case)),
            }
        };
        assert_eq!(sent, answers.len(), "{name}: answers used");
        assert!(sent <= requests.len(), "{name}");
        let expected = &case["result"];
        match outcome {
            Ok(portal) => {
                assert_eq!(portal.url(), expected["url"], "{name}");
                assert_eq!(portal.region(), expected["region"], "{name}");
                assert_eq!(portal.start_url(), start_url, "{name}");
                assert_eq!(portal.is_vanity(), expected["url"] != start_url, "{name}");
                resolved += 1;
            }
            Err(kind) => {
                assert_eq!(kind, expected["error"], "{name}: {expected}");
                failed += 1;
            }
        }
    }
    assert!(resolved >= 50 && failed >= 40, "{resolved} {failed}");
    assert_eq!(skipped, 0);
}

/// The vector's error kind for `err`, checking what the CLI's message says
/// besides (the status, the final URL).
fn kind(err: &StartUrlError, case: &Value) -> &'static str {
    let message = case["result"]["message"].as_str().unwrap_or_default();
    match err {
        StartUrlError::InvalidUrl => "invalid_url",
        StartUrlError::NotHttps => "scheme",
        StartUrlError::MissingRegion => "missing_region",
        StartUrlError::HttpStatus(status) => {
            assert!(message.ends_with(&format!("HTTP {status}")), "{message}");
            "http_status"
        }
        StartUrlError::NoLocation { .. } => "no_location",
        StartUrlError::NotAwsOwned { url } => {
            // The CLI drops an IPv6 literal's brackets; they stay here.
            let unbracketed = url.replacen('[', "", 1).replacen(']', "", 1);
            assert_eq!(unbracketed, final_url(message), "{case}");
            "not_aws_owned"
        }
        StartUrlError::ResolvedNotHttps { url } => {
            assert!(message.ends_with(&format!("Got: '{url}'")), "{message}");
            "resolved_not_https"
        }
        StartUrlError::NoRegion => "no_region",
        other => panic!("unexpected {other:?} for {case}"),
    }
}

#[test]
fn errors_say_what_is_wrong_without_query_or_user() {
    let StartUrlStep::Probe(probe) =
        resolve_start_url("https://sso.example.com/start", None).unwrap()
    else {
        panic!("a vanity URL is probed")
    };
    let err = probe
        .clone()
        .on_answer(302, Some("https://user:pw@elsewhere.example/x?code=abc#f"))
        .unwrap_err();
    let text = err.to_string();
    assert_eq!(
        text,
        "start URL: resolved to https://elsewhere.example/x, which is not an AWS-owned host"
    );
    for (status, location, says) in [
        (302, None, "has no Location header"),
        (302, Some(""), "has no Location header"),
        (
            302,
            Some("https://d-1.awsapps.com/\u{0}"),
            "not a URL of visible ASCII",
        ),
        (302, Some("https://d-1.awsapps.com:99999/"), "valid port"),
        (404, None, "HTTP 404"),
        (200, None, "not an AWS-owned host"),
        (
            302,
            Some("http://d-1.awsapps.com/start"),
            "does not use https",
        ),
        (
            302,
            Some("https://d-1.awsapps.com/start"),
            "carries no region",
        ),
    ] {
        let err = probe.clone().on_answer(status, location).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
    for (url, says) in [
        ("http://sso.example.com", "must use https"),
        ("http://localhost:8080/start", "must use https"),
        ("http://127.0.0.2/start", "must use https"),
        ("http://127.0.0.1.evil.example/start", "must use https"),
        ("http://user@127.0.0.1/start", "must use https"),
        ("https://user:pw@sso.example.com/start", "user info"),
        ("https://user@sso.example.com/start", "user info"),
        ("https:///start", "with a host"),
        ("https://sso.example.com /start", "visible ASCII"),
        (
            "https://d-1.awsapps.com/start",
            "needs the configured region",
        ),
    ] {
        let err = resolve_start_url(url, Some("")).unwrap_err();
        assert!(err.to_string().contains(says), "{url}: {err}");
    }
    // A local stand-in, by its loopback IP literal (the redirect URIs' rule).
    for url in [
        "http://127.0.0.1:8080/start",
        "http://[::1]:8080/start",
        "HTTP://127.0.0.1",
    ] {
        let step = resolve_start_url(url, None).unwrap();
        assert!(matches!(step, StartUrlStep::Probe(_)), "{url}");
    }
}

#[cfg(any(feature = "ureq", feature = "reqwest"))]
#[path = "common/start_url_stand_in.rs"]
mod stand_in;

#[cfg(feature = "ureq")]
#[test]
fn ureq_probes_once_and_follows_nothing() {
    use ssooidc_token::login::ResolvedStartUrl;
    use stand_in::StandIn;

    // A redirect to the portal: one HEAD, resolved without going there.
    let portal = "https://ssoins-1234.portal.eu-west-1.app.aws/?x=1";
    let stand_in = StandIn::start(vec![(302, Some(portal.into()))]);
    let agent = ureq::Agent::new_with_defaults(); // follows redirects by default
    let resolved =
        ResolvedStartUrl::resolve_blocking(&agent, &stand_in.url, Some("us-east-1")).unwrap();
    assert_eq!(
        resolved.url(),
        "https://ssoins-1234.portal.eu-west-1.app.aws"
    );
    assert_eq!(resolved.region(), "eu-west-1");
    assert_eq!(resolved.start_url(), stand_in.url);
    assert_eq!(stand_in.request_lines(), ["HEAD /start HTTP/1.1"]);

    // HEAD refused: the GET, whose (truncated) body is not read, or this would
    // be a transport error; a redirect to the stand-in itself is not followed
    // (a second request would find no answer).
    let stand_in = StandIn::start(vec![(405, None), (307, Some("/elsewhere".into()))]);
    let err = ResolvedStartUrl::resolve_blocking(&agent, &stand_in.url, None).unwrap_err();
    assert!(
        matches!(&err, StartUrlError::NotAwsOwned { url } if url.ends_with("/elsewhere")),
        "{err:?}"
    );
    assert_eq!(
        stand_in.request_lines(),
        ["HEAD /start HTTP/1.1", "GET /start HTTP/1.1"]
    );

    // What goes out is the request line and the client's own headers: no
    // credentials, no cookie, no body.
    let stand_in = StandIn::start(vec![(302, Some("https://d-1.awsapps.com/start".into()))]);
    ResolvedStartUrl::resolve_blocking(&agent, &stand_in.url, Some("us-east-1")).unwrap();
    let heads = stand_in.request_heads();
    assert_eq!(heads.len(), 1);
    let head = heads[0].to_ascii_lowercase();
    for absent in [
        "authorization",
        "cookie",
        "transfer-encoding",
        "content-length: 1",
    ] {
        assert!(!head.contains(absent), "{absent} in {head}");
    }

    // Two `Location` headers: the first is taken.
    let stand_in = StandIn::start(vec![(
        302,
        Some("https://d-1.awsapps.com/start\r\nlocation: https://elsewhere.example/".into()),
    )]);
    let resolved =
        ResolvedStartUrl::resolve_blocking(&agent, &stand_in.url, Some("us-east-1")).unwrap();
    assert_eq!(resolved.url(), "https://d-1.awsapps.com/start");
    assert_eq!(stand_in.request_lines().len(), 1);

    // Nobody listening.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/start", listener.local_addr().unwrap())
    };
    let err = ResolvedStartUrl::resolve_blocking(&agent, &closed, None).unwrap_err();
    assert!(matches!(err, StartUrlError::Transport(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}

#[cfg(feature = "reqwest")]
#[test]
fn reqwest_probes_once_and_follows_nothing() {
    use ssooidc_token::login::ResolvedStartUrl;
    use ssooidc_token::ReqwestClient;
    use stand_in::StandIn;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ReqwestClient::new().unwrap();
    let stand_in = StandIn::start(vec![(
        308,
        Some("https://D-1234567890.AWSAPPS.COM/start/".into()),
    )]);
    let resolved = runtime
        .block_on(ResolvedStartUrl::resolve(
            &client,
            &stand_in.url,
            Some("ap-south-1"),
        ))
        .unwrap();
    assert_eq!(resolved.url(), "https://d-1234567890.awsapps.com/start");
    assert_eq!(resolved.region(), "ap-south-1");
    assert!(resolved.is_vanity());
    assert_eq!(stand_in.request_lines(), ["HEAD /start HTTP/1.1"]);

    // The GET's 200 is taken without its (truncated) body being read.
    let stand_in = StandIn::start(vec![(501, None), (200, None)]);
    let err = runtime
        .block_on(ResolvedStartUrl::resolve(
            &client,
            &stand_in.url,
            Some("ap-south-1"),
        ))
        .unwrap_err();
    assert!(matches!(err, StartUrlError::NotAwsOwned { .. }), "{err:?}");
    assert_eq!(
        stand_in.request_lines(),
        ["HEAD /start HTTP/1.1", "GET /start HTTP/1.1"]
    );

    // A relative `Location` stays on the stand-in's host: not followed, refused.
    let stand_in = StandIn::start(vec![(302, Some("../portal/".into()))]);
    let err = runtime
        .block_on(ResolvedStartUrl::resolve(&client, &stand_in.url, None))
        .unwrap_err();
    assert!(
        matches!(&err, StartUrlError::NotAwsOwned { url } if url.starts_with("http://127.0.0.1:") && url.ends_with("/portal")),
        "{err:?}"
    );
    assert_eq!(stand_in.request_lines(), ["HEAD /start HTTP/1.1"]);
}

/// A start URL that accepts the connection and never answers: given up on
/// after `PROBE_TIMEOUT` (10 s) with an agent that sets no timeout, and with
/// reqwest whatever the client's own timeout.
#[cfg(any(feature = "ureq", feature = "reqwest"))]
#[test]
fn a_silent_start_url_is_given_up_on() {
    use ssooidc_token::login::{ResolvedStartUrl, StartUrlProbe};
    use std::time::{Duration, Instant};

    // Connections complete in the listener's backlog; nothing is ever read.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/start", listener.local_addr().unwrap());
    let limit = StartUrlProbe::PROBE_TIMEOUT;
    assert_eq!(limit.as_secs(), 10);
    let gave_up = |started: Instant, result: Result<ResolvedStartUrl, StartUrlError>| {
        let waited = started.elapsed();
        let err = result.unwrap_err();
        assert!(matches!(err, StartUrlError::Transport(_)), "{err:?}");
        assert!(waited >= limit - Duration::from_millis(500), "{waited:?}");
        assert!(waited < limit * 3, "{waited:?}");
    };
    #[cfg(feature = "ureq")]
    {
        let started = Instant::now();
        let agent = ureq::Agent::new_with_defaults();
        gave_up(
            started,
            ResolvedStartUrl::resolve_blocking(&agent, &url, None),
        );
    }
    #[cfg(feature = "reqwest")]
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = ssooidc_token::ReqwestClient::new().unwrap(); // its own timeout: 60 s
        let started = Instant::now();
        gave_up(
            started,
            runtime.block_on(ResolvedStartUrl::resolve(&client, &url, None)),
        );
    }
    drop(listener);
}

mod arbitrary_input {
    use proptest::prelude::*;
    use ssooidc_token::login::{resolve_start_url, StartUrlStep};

    fn start_urls() -> impl Strategy<Value = String> {
        prop_oneof![
            "(https?|HTTPS|ftp)://[a-zA-Z0-9.@:\\[\\]-]{0,30}(/[ -~]{0,20})?",
            "http://(127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{0,7})?/[ -~]{0,10}",
            any::<String>(),
        ]
    }

    fn locations() -> impl Strategy<Value = String> {
        prop_oneof![
            "(https?:)?(//)?[a-zA-Z0-9.@:\\[\\]%-]{0,30}(\\.awsapps\\.com|\\.portal\\.[a-z0-9-]{1,12}\\.app\\.aws)?[/;.a-z]{0,12}",
            "[ -~]{0,60}",
            any::<String>(),
        ]
    }

    /// The host of an absolute URL: between `//` and the path, after any
    /// `user@`, before any port.
    fn host_of(url: &str) -> &str {
        let authority = url.split_once("//").map_or("", |(_, rest)| rest);
        let authority = authority.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        host.split(':').next().unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Never a panic, never more than a HEAD and a GET, and never a word of
        /// what follows the `Location`'s `?` in what comes back.
        #[test]
        fn resolution_never_panics_or_shows_the_query(
            start_url in start_urls(),
            region in proptest::option::of("[a-z0-9-]{0,12}"),
            statuses in proptest::collection::vec(prop_oneof![Just(200u16), Just(302), Just(405), Just(501), 0u16..600], 2),
            location in locations(),
        ) {
            let location = format!("{location}?QUERYMARKER");
            let mut step = resolve_start_url(&start_url, region.as_deref());
            let mut sent = 0;
            loop {
                match step {
                    Ok(StartUrlStep::Probe(probe)) => {
                        prop_assert!(sent < 2, "more than a HEAD and a GET");
                        step = probe.on_answer(statuses[sent], Some(&location));
                        sent += 1;
                    }
                    Ok(StartUrlStep::Resolved(resolved)) => {
                        prop_assert!(!resolved.url().contains("QUERYMARKER"));
                        prop_assert!(ssooidc_token::login::is_aws_owned_host(host_of(resolved.url())));
                        break;
                    }
                    Err(err) => {
                        let shown = format!("{err} {err:?}");
                        prop_assert!(!shown.contains("QUERYMARKER"), "{}", shown);
                        break;
                    }
                }
            }
        }
    }
}
