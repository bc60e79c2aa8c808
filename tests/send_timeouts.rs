//! `ReqwestClient::new()`'s bounds, in real time over real sockets: a server
//! that takes the request and never answers is given up on after the read
//! timeout (30 s), before the whole exchange's (60 s); a connection the server
//! never takes is given up on after the connect timeout (10 s). Both of the
//! client's inner clients are held to them: the one for HTTPS endpoints
//! (reached here through `as_reqwest()`: the tests have no TLS) and the direct one for plain HTTP to the loopback
//! interface (reached through `send`).
//!
//! The checks on time are which bound fired, not how fast: a timer cannot
//! fire before its time, and the next bound is 20 s or more later.
#![cfg(feature = "reqwest")]

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use ssooidc_token::{CreateToken, Endpoint, ReqwestClient, SendError};

/// A listener that reads each request and never answers, holding the
/// connection open.
fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                // Reads until the client gives up (closes), never writing.
                while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    port
}

/// A listening socket whose accept queue is full (nothing accepts), so that
/// the kernel drops new connection attempts: a connect waits until its
/// timeout. Keep the guard alive while connecting.
struct FullBacklog {
    _listener: tokio::net::TcpListener,
    _queued: Vec<TcpStream>,
    addr: SocketAddr,
}

fn full_backlog() -> FullBacklog {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..64 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(stream) => queued.push(stream),
            Err(err) if err.kind() == std::io::ErrorKind::TimedOut => {
                return FullBacklog {
                    _listener: listener,
                    _queued: queued,
                    addr,
                };
            }
            Err(err) => panic!("filling the accept queue: {err}"),
        }
    }
    panic!("the accept queue never filled: this kernel does not drop connections to a full queue");
}

fn device() -> CreateToken<ssooidc_token::grant::DeviceCode> {
    CreateToken::device_code()
        .client_id("client-id")
        .client_secret("client-secret")
        .device_code("device-code")
        .build()
        .unwrap()
}

/// The `reqwest::Error` under a transport failure.
fn reqwest_error(err: &SendError) -> &reqwest::Error {
    match err {
        SendError::Transport(source) => source
            .downcast_ref::<reqwest::Error>()
            .expect("a reqwest error"),
        other => panic!("expected a transport failure, got {other:?}"),
    }
}

/// Runs `call`, and returns its error and how long it took.
async fn timed<T: std::fmt::Debug, E>(
    call: impl std::future::Future<Output = Result<T, E>>,
) -> (E, Duration) {
    let start = Instant::now();
    let out = call.await;
    let took = start.elapsed();
    (out.expect_err("the call should have failed"), took)
}

/// Between `bound` (a timer does not fire early) and `next` (the next bound
/// that could have fired instead).
fn fired_at(took: Duration, bound: Duration, next: Duration, what: &str) {
    assert!(
        took >= bound && took < next,
        "{what}: gave up after {took:?}, not at its {bound:?} bound (the next bound is {next:?})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_gives_up_on_a_silent_server_and_an_untaken_connection() {
    // Nothing in the environment routes these through a proxy.
    std::env::set_var("NO_PROXY", "*");
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("http_proxy");
    std::env::remove_var("ALL_PROXY");
    std::env::remove_var("all_proxy");

    let client = ReqwestClient::new().unwrap();
    let silent = silent_server();
    let backlog = full_backlog();
    let direct_silent =
        Endpoint::custom(&format!("http://127.0.0.1:{silent}"), "us-east-1").unwrap();
    let direct_untaken =
        Endpoint::custom(&format!("http://{}", backlog.addr), "us-east-1").unwrap();
    let request = device();

    let (inner_read, inner_connect, direct_read, direct_connect) = tokio::join!(
        timed(
            client
                .as_reqwest()
                .post(format!("http://127.0.0.1:{silent}/token"))
                .body("{}")
                .send()
        ),
        timed(
            client
                .as_reqwest()
                .post(format!("http://{}/token", backlog.addr))
                .body("{}")
                .send()
        ),
        timed(request.send(&client, &direct_silent)),
        timed(request.send(&client, &direct_untaken)),
    );

    let (err, took) = inner_read;
    assert!(err.is_timeout(), "the HTTPS client, silent server: {err:?}");
    fired_at(
        took,
        ReqwestClient::READ_TIMEOUT,
        ReqwestClient::TIMEOUT,
        "the HTTPS client's read",
    );

    let (err, took) = inner_connect;
    assert!(
        err.is_connect() && err.is_timeout(),
        "the HTTPS client, full queue: {err:?}"
    );
    fired_at(
        took,
        ReqwestClient::CONNECT_TIMEOUT,
        ReqwestClient::READ_TIMEOUT,
        "the HTTPS client's connect",
    );

    let (err, took) = direct_read;
    let err = reqwest_error(&err);
    assert!(
        err.is_timeout(),
        "the direct client, silent server: {err:?}"
    );
    fired_at(
        took,
        ReqwestClient::READ_TIMEOUT,
        ReqwestClient::TIMEOUT,
        "the direct client's read",
    );

    let (err, took) = direct_connect;
    let err = reqwest_error(&err);
    assert!(
        err.is_connect() && err.is_timeout(),
        "the direct client, full queue: {err:?}"
    );
    fired_at(
        took,
        ReqwestClient::CONNECT_TIMEOUT,
        ReqwestClient::READ_TIMEOUT,
        "the direct client's connect",
    );
}
