//! The answer a `send` call reads leaves no unwiped copy of its secrets in
//! memory this crate frees: the body is read chunk by chunk into a zeroizing
//! buffer that grows by moving and wiping, and each chunk the HTTP client
//! hands over unshared is wiped too (README, "Sending").
//!
//! A test binary of its own with its own global allocator (`common/probe.rs`).
//! A real server on 127.0.0.1 answers a `CreateToken` with a token answer
//! whose secrets hold the canary, chunked in several writes and without a
//! length, so that the crate's buffer starts empty and must grow. The client
//! (`reqwest`, `ureq`) and its connection outlive the armed window (the server
//! keeps the connection open), so what is freed inside it is what the crate
//! frees: the client's own connection buffers are the client's, as the README
//! says (with `reqwest`, hyper's read buffer, which holds the whole answer, is
//! freed unwiped once the answer's last view of it drops: the one block the
//! reqwest test lets pass, by its size). A positive control shows a plain `String` copy of the answer's token
//! is caught through the same road.

#[path = "common/probe.rs"]
mod probe;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use probe::{leaked_sizes_during, leaks_during, secret_string};
use ssooidc_token::{CreateToken, CreateTokenResponse, Endpoint, ExposeSecret};

/// The answer's body, in the pieces it is written in: each secret holds the
/// canary, and the first one is cut in the middle of a canary.
fn answer_pieces() -> Vec<Vec<u8>> {
    let access = secret_string(512, 512);
    let refresh = secret_string(700, 700);
    let id = secret_string(300, 300);
    let body = format!(
        r#"{{"accessToken":"{access}","tokenType":"Bearer","expiresIn":3600,"refreshToken":"{refresh}","idToken":"{id}"}}"#
    );
    let body = body.into_bytes();
    let cuts = [0, 23, 400, 1_100, body.len()];
    cuts.windows(2).map(|w| body[w[0]..w[1]].to_vec()).collect()
}

/// Reads one request (headers, and a body of `content-length`).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<()> {
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(())
}

/// A server on 127.0.0.1 that answers every request on a connection it keeps
/// open with `pieces`, chunked, each chunk written and flushed on its own. The
/// chunks are framed once, here: the server runs in this process, and must
/// free no block holding the canary while the probe is armed.
fn serve(pieces: Vec<Vec<u8>>) -> String {
    let frames: Arc<Vec<Vec<u8>>> = Arc::new(
        pieces
            .iter()
            .map(|piece| {
                let mut frame = format!("{:x}\r\n", piece.len()).into_bytes();
                frame.extend_from_slice(piece);
                frame.extend_from_slice(b"\r\n");
                frame
            })
            .collect(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let frames = frames.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                while read_request(&mut reader).is_some() {
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                    if writer.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    for frame in frames.iter() {
                        let _ = writer.write_all(frame);
                        let _ = writer.flush();
                        std::thread::sleep(Duration::from_millis(15));
                    }
                    let _ = writer.write_all(b"0\r\n\r\n");
                    let _ = writer.flush();
                }
            });
        }
    });
    format!("http://{addr}")
}

/// Held for each test's whole run: the probe counts what any thread frees
/// while a window is open, and a test's setup (its canary-filled answer, the
/// client's first exchange) frees blocks that hold the canary.
static ONE_TEST_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_test_at_a_time() -> MutexGuard<'static, ()> {
    ONE_TEST_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The size hyper's connection read buffer starts at (`INIT_BUFFER_SIZE`).
const HYPER_READ_BUFFER: usize = 8192;

fn request() -> CreateToken<ssooidc_token::grant::RefreshToken> {
    CreateToken::refresh_token()
        .client_id("client-id")
        .client_secret("client-secret")
        .refresh_token("aorv-request")
        .build()
        .unwrap()
}

fn check(answer: &CreateTokenResponse) {
    assert_eq!(answer.access_token().expose_secret().len(), 512);
    assert_eq!(answer.refresh_token().unwrap().expose_secret().len(), 700);
}

#[test]
fn a_reqwest_answer_is_read_and_dropped_without_a_trace() {
    let _serial = one_test_at_a_time();
    let endpoint = Endpoint::custom(&serve(answer_pieces()), "us-east-1").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ssooidc_token::ReqwestClient::new().unwrap();
    let request = request();
    // Once outside the window: the connection is made and pooled, and the
    // client's buffers have their size.
    check(&runtime.block_on(request.send(&client, &endpoint)).unwrap());
    for _ in 0..3 {
        let leaked = leaked_sizes_during(|| {
            let answer = runtime.block_on(request.send(&client, &endpoint)).unwrap();
            check(&answer);
        });
        // hyper reads the connection into a buffer of its own (8 KiB to start)
        // and hands the body over as views of it, which the crate cannot wipe:
        // a block freed with the answer in it is that buffer, once the
        // answer's last view (a header value, a chunk) is dropped. Nothing the
        // crate allocates is left holding it: a block of any other size fails.
        assert!(
            leaked.iter().all(|&size| size == HYPER_READ_BUFFER),
            "freed blocks held a secret of the answer: sizes {leaked:?}"
        );
    }
    // The control: a plain copy of the answer's token is caught.
    let leaks = leaks_during(|| {
        let answer = runtime.block_on(request.send(&client, &endpoint)).unwrap();
        let copy = answer.access_token().expose_secret().to_owned();
        assert_eq!(copy.len(), 512);
    });
    assert!(leaks >= 1, "the probe saw no copy");
}

#[test]
fn a_ureq_answer_is_read_and_dropped_without_a_trace() {
    let _serial = one_test_at_a_time();
    let endpoint = Endpoint::custom(&serve(answer_pieces()), "us-east-1").unwrap();
    let agent = ureq::Agent::new_with_defaults();
    let request = request();
    check(&request.send_blocking(&agent, &endpoint).unwrap());
    for _ in 0..3 {
        let leaks = leaks_during(|| {
            let answer = request.send_blocking(&agent, &endpoint).unwrap();
            check(&answer);
        });
        assert_eq!(leaks, 0, "freed blocks held a secret of the answer");
    }
    let leaks = leaks_during(|| {
        let answer = request.send_blocking(&agent, &endpoint).unwrap();
        let copy = answer.access_token().expose_secret().to_owned();
        assert_eq!(copy.len(), 512);
    });
    assert!(leaks >= 1, "the probe saw no copy");
}
