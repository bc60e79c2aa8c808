//! `examples/sso_logout.rs`, run as a test: a temporary SSO cache holding two
//! logins (one naming its region, one not) and a client registration, a
//! temporary CLI credential cache holding an SSO role's credentials and an
//! `assume_role` profile's, and a local stand-in for the access portal.

#[path = "common/portal.rs"]
mod portal;
#[allow(dead_code)]
#[path = "../examples/sso_logout.rs"]
mod sso_logout;
#[path = "common/temp_dir.rs"]
mod temp_dir;

use portal::Portal;
use sso_logout::Report;
use temp_dir::TempDir;

fn run(portal: &Portal, sso: &TempDir, cli: &TempDir) -> Report {
    let args = [
        "--cache-dir",
        sso.path().to_str().unwrap(),
        "--credentials-dir",
        cli.path().to_str().unwrap(),
        "--endpoint",
        &portal.url,
    ];
    sso_logout::logout(args.map(str::to_owned)).unwrap()
}

#[test]
fn logs_out_every_login_and_keeps_the_rest() {
    let (sso, cli) = (TempDir::new("logout-sso"), TempDir::new("logout-cli"));
    let write = |dir: &TempDir, name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).unwrap();
    };
    write(
        &sso,
        "a.json",
        r#"{"startUrl": "https://d-1.awsapps.com/start", "region": "eu-west-1",
        "accessToken": "aoaA-one", "expiresAt": "2030-01-01T00:00:00Z"}"#,
    );
    write(
        &sso,
        "b.json",
        r#"{"accessToken": "aoaA-two", "expiresAt": "2030-01-01T00:00:00Z"}"#,
    );
    write(
        &sso,
        "c.json",
        r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2030-01-01T00:00:00Z"}"#,
    );
    write(
        &cli,
        "sso.json",
        r#"{"ProviderType": "sso", "Credentials": {"SecretAccessKey": "k"}}"#,
    );
    write(
        &cli,
        "role.json",
        r#"{"ProviderType": "assume-role", "Credentials": {}}"#,
    );

    let portal = Portal::start(vec![(200, "")]);
    let report = run(&portal, &sso, &cli);
    assert_eq!(
        report,
        Report {
            signed_out: 1,
            refused: 0,
            kept: 0,
            not_sent: 1,
            deleted: 2,
            credentials: 1
        }
    );
    let heads = portal.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("POST /logout HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert!(heads[0]
        .to_ascii_lowercase()
        .contains("\r\nx-amz-sso_bearer_token: aoaa-one\r\n"));
    assert_eq!(sso.names(), ["c.json"]);
    assert_eq!(cli.names(), ["role.json"]);

    // Nothing left to log out: nothing is sent (a request would find no
    // answer and count as kept).
    let idle = Portal::start(Vec::new());
    assert_eq!(run(&idle, &sso, &cli), Report::default());
}

#[test]
fn a_refusal_still_deletes_the_login() {
    let (sso, cli) = (TempDir::new("logout-sso"), TempDir::new("logout-cli"));
    std::fs::write(
        sso.path().join("a.json"),
        r#"{"region": "us-east-1", "accessToken": "aoaA-expired"}"#,
    )
    .unwrap();
    let portal = Portal::start(vec![(401, "x-amzn-errortype: UnauthorizedException\r\n")]);
    let report = run(&portal, &sso, &cli);
    assert_eq!(
        report,
        Report {
            signed_out: 0,
            refused: 1,
            kept: 0,
            not_sent: 0,
            deleted: 1,
            credentials: 0
        }
    );
    assert_eq!(portal.heads().len(), 1);
    assert!(sso.names().is_empty());
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    let err = sso_logout::logout(["--bogus".to_owned()]).unwrap_err();
    assert!(err.to_string().starts_with("usage: sso_logout"));
    let err = sso_logout::logout(["--cache-dir".to_owned()]).unwrap_err();
    assert!(err.to_string().starts_with("usage: sso_logout"));
}

#[test]
fn an_unreachable_portal_keeps_the_login_to_try_again() {
    let (sso, cli) = (TempDir::new("logout-sso"), TempDir::new("logout-cli"));
    std::fs::write(
        sso.path().join("a.json"),
        r#"{"region": "us-east-1", "accessToken": "aoaA-kept"}"#,
    )
    .unwrap();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let args = [
        "--cache-dir".to_owned(),
        sso.path().to_str().unwrap().to_owned(),
        "--credentials-dir".to_owned(),
        cli.path().to_str().unwrap().to_owned(),
        "--endpoint".to_owned(),
        format!("http://127.0.0.1:{port}"),
    ];
    let report = sso_logout::logout(args).unwrap();
    assert_eq!(
        report,
        Report {
            signed_out: 0,
            refused: 0,
            kept: 1,
            not_sent: 0,
            deleted: 0,
            credentials: 0
        }
    );
    assert_eq!(sso.names(), ["a.json"]);
}
