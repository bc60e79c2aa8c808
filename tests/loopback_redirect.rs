//! `LoopbackRedirect` over real sockets on 127.0.0.1: a stand-in for the browser
//! connects and sends the redirect; the listener answers with a page and gives
//! the code, or says why not. Bounded: every client socket operation has a
//! 5-second timeout, every wait a deadline.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ssooidc_token::login::{CallbackError, LoopbackRedirect, RedirectError};
use ssooidc_token::ExposeSecret;

const IO_TIMEOUT: Duration = Duration::from_secs(5);

fn connect(redirect: &LoopbackRedirect) -> TcpStream {
    let stream = TcpStream::connect_timeout(
        &format!("127.0.0.1:{}", redirect.port()).parse().unwrap(),
        IO_TIMEOUT,
    )
    .unwrap();
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream
}

/// The browser: sends `GET target` and returns the status and the page.
fn get(redirect: &LoopbackRedirect, target: &str) -> JoinHandle<(u16, String)> {
    let mut stream = connect(redirect);
    let request = format!(
        "GET {target} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nuser-agent: test\r\naccept: text/html\r\n\r\n",
        redirect.port()
    );
    std::thread::spawn(move || {
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, answer)
    })
}

#[test]
fn the_redirect_gives_the_code_and_a_page_that_says_to_close_the_tab() {
    let redirect = LoopbackRedirect::bind().unwrap();
    assert_eq!(
        redirect.redirect_uri(),
        format!("http://127.0.0.1:{}/oauth/callback", redirect.port())
    );
    let browser = get(&redirect, "/oauth/callback?code=one%2Ftime+code&state=xyz");
    let code = redirect.wait(Duration::from_secs(10), "xyz").unwrap();
    assert_eq!(code.expose_secret(), "one/time code");
    let (status, page) = browser.join().unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("content-type: text/html"), "{page}");
    assert!(page.contains("You can close this tab"), "{page}");
    assert!(!page.contains("one/time"), "{page}");
}

#[test]
fn other_paths_get_404_and_the_wait_goes_on() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let favicon = get(&redirect, "/favicon.ico");
    let post_like = get(&redirect, "/oauth/callbackx?code=c&state=s");
    // A connection that never sends anything (a browser's speculative one).
    let _silent = connect(&redirect);
    let browser = std::thread::spawn({
        let port = redirect.port();
        move || {
            std::thread::sleep(Duration::from_millis(200));
            let mut stream = TcpStream::connect_timeout(
                &format!("127.0.0.1:{port}").parse().unwrap(),
                IO_TIMEOUT,
            )
            .unwrap();
            stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
            stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
            // Sent in pieces, as a slow client would.
            stream.write_all(b"GET /oauth/callback?code=c&st").unwrap();
            std::thread::sleep(Duration::from_millis(50));
            stream
                .write_all(b"ate=s HTTP/1.1\r\nhost: x\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        }
    });
    let code = redirect.wait(Duration::from_secs(10), "s").unwrap();
    assert_eq!(code.expose_secret(), "c");
    assert_eq!(favicon.join().unwrap().0, 404);
    assert_eq!(post_like.join().unwrap().0, 404);
    assert!(browser.join().unwrap().starts_with("HTTP/1.1 200 "));
}

/// Any local process can reach the port: a callback with a missing, repeated or
/// wrong state is answered with an error page and ignored, and the wait goes on
/// to the real redirect.
#[test]
fn a_forged_state_is_refused_and_does_not_end_the_wait() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let forged = [
        "/oauth/callback?code=stolen-code&state=forged",
        "/oauth/callback?code=stolen-code",
        "/oauth/callback?error=access_denied&state=forged",
        "/oauth/callback?code=stolen-code&state=expected&state=expected",
    ];
    std::thread::scope(|scope| {
        let waiting = scope.spawn(|| redirect.wait(Duration::from_secs(20), "expected"));
        // One at a time, each answered while the wait goes on.
        for target in forged {
            let (status, page) = get(&redirect, target).join().unwrap();
            assert_eq!(status, 400, "{target}");
            assert!(page.contains("not expected"), "{page}");
            assert!(!page.contains("stolen-code"), "{page}");
        }
        let real = get(&redirect, "/oauth/callback?code=real-code&state=expected");
        let code = waiting.join().unwrap().unwrap();
        assert_eq!(code.expose_secret(), "real-code");
        assert_eq!(real.join().unwrap().0, 200);
    });
}

#[test]
fn an_error_callback_is_refused_with_an_error_page() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let browser = get(&redirect, "/oauth/callback?error=access_denied&state=s");
    let err = redirect.wait(Duration::from_secs(10), "s").unwrap_err();
    assert!(
        matches!(err, RedirectError::Callback(CallbackError::AccessDenied)),
        "{err:?}"
    );
    let (status, page) = browser.join().unwrap();
    assert_eq!(status, 400);
    assert!(page.contains("access_denied"), "{page}");

    // An error code with HTML in it is shown escaped.
    let redirect = LoopbackRedirect::bind().unwrap();
    let browser = get(&redirect, "/oauth/callback?error=%3Cb%3Ebad&state=s");
    let err = redirect.wait(Duration::from_secs(10), "s").unwrap_err();
    assert!(matches!(
        err,
        RedirectError::Callback(CallbackError::Refused { .. })
    ));
    let (_, page) = browser.join().unwrap();
    assert!(
        page.contains("&lt;b&gt;bad") && !page.contains("<b>bad"),
        "{page}"
    );
}

#[test]
fn nobody_coming_back_is_a_timeout() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let favicon = get(&redirect, "/favicon.ico");
    let start = Instant::now();
    let err = redirect.wait(Duration::from_millis(300), "s").unwrap_err();
    let took = start.elapsed();
    assert!(matches!(err, RedirectError::Timeout), "{err:?}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert_eq!(favicon.join().unwrap().0, 404);
}

#[test]
fn an_oversized_request_is_answered_431_and_ignored() {
    let redirect = LoopbackRedirect::bind().unwrap();
    // Exactly the limit and no blank line: all of it is read (so closing does
    // not reset the connection before the answer arrives), and it is too long.
    let mut head = b"GET /oauth/callback?code=c&state=s&pad=".to_vec();
    head.resize(LoopbackRedirect::MAX_REQUEST, b'a');
    let mut stream = connect(&redirect);
    let big = std::thread::spawn(move || {
        stream.write_all(&head).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    });
    let err = redirect.wait(Duration::from_millis(500), "s").unwrap_err();
    assert!(matches!(err, RedirectError::Timeout), "{err:?}");
    assert!(big.join().unwrap().starts_with("HTTP/1.1 431 "));
}

/// A browser sends every cookie it holds for `127.0.0.1`, whatever the port, so
/// a real callback can come with a head far past `MAX_REQUEST`: its request
/// line is kept, the headers are read and dropped, and the code comes back.
#[test]
fn a_callback_with_a_large_cookie_header_gives_the_code() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let cookies = "a".repeat(5 * LoopbackRedirect::MAX_REQUEST + 7);
    let mut stream = connect(&redirect);
    let request = format!(
        "GET /oauth/callback?code=the-code&state=s HTTP/1.1\r\nhost: 127.0.0.1\r\ncookie: dev={cookies}\r\naccept: text/html\r\n\r\n"
    );
    let browser = std::thread::spawn(move || {
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    });
    let code = redirect.wait(Duration::from_secs(10), "s").unwrap();
    assert_eq!(code.expose_secret(), "the-code");
    assert!(browser.join().unwrap().starts_with("HTTP/1.1 200 "));
}

/// Headers are dropped to make room only when the request line takes at most
/// half the buffer (so each drop frees at least half of it): a 9 KiB request
/// line with 20 KiB of headers is answered 431, and the wait goes on.
#[test]
fn a_long_request_line_with_long_headers_is_answered_431() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let mut stream = connect(&redirect);
    let pad = "p".repeat(9 * 1024);
    let cookies = "c".repeat(20 * 1024);
    let request = format!(
        "GET /oauth/callback?code=c&state=s&pad={pad} HTTP/1.1\r\ncookie: {cookies}\r\n\r\n"
    );
    let big = std::thread::spawn(move || {
        // The listener answers once it has read 16 KiB: the rest of the write
        // may fail.
        let _ = stream.write_all(request.as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    });
    let err = redirect.wait(Duration::from_secs(2), "s").unwrap_err();
    assert!(matches!(err, RedirectError::Timeout), "{err:?}");
    let answer = big.join().unwrap();
    // The 431 page, unless the close reset the connection first (unread bytes).
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 431 "),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// A head past `MAX_HEAD` is not read for ever: the listener closes the
/// connection once it has read `MAX_HEAD` bytes (answering 431), long before
/// the wait or the connection's own timeout ends; the browser's callback,
/// sent only after that, still ends the wait.
#[test]
fn a_head_past_max_head_is_closed() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let mut stream = connect(&redirect);
    let port = redirect.port();
    let flood = std::thread::spawn(move || {
        let mut head = b"GET /oauth/callback?code=c&state=s HTTP/1.1\r\ncookie: ".to_vec();
        head.resize(
            LoopbackRedirect::MAX_HEAD + 4 * LoopbackRedirect::MAX_REQUEST,
            b'a',
        );
        // The listener closes the connection once it has read MAX_HEAD: the
        // rest of the write may fail.
        let _ = stream.write_all(&head);
        let wrote = Instant::now();
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        let closed_after = wrote.elapsed();
        // Only now the browser comes back: had the flood held the listener,
        // this would not be read before the wait's end.
        let mut browser = TcpStream::connect(("127.0.0.1", port)).unwrap();
        browser
            .write_all(b"GET /oauth/callback?code=the-code&state=s HTTP/1.1\r\n\r\n")
            .unwrap();
        let mut page = String::new();
        browser.read_to_string(&mut page).unwrap();
        (closed_after, read.map_err(|e| e.kind()), answer, page)
    });
    let code = redirect.wait(Duration::from_secs(8), "s").unwrap();
    assert_eq!(code.expose_secret(), "the-code");
    let (closed_after, read, answer, page) = flood.join().unwrap();
    // Closed at once, not left to the 10 s I/O timeout (nor the client's 5 s one).
    assert!(
        closed_after < Duration::from_secs(2),
        "{closed_after:?} {read:?}"
    );
    assert!(
        !matches!(
            read,
            Err(std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
        ),
        "{read:?}"
    );
    assert!(answer.is_empty() || answer.starts_with(b"HTTP/1.1 431 "));
    assert!(page.starts_with("HTTP/1.1 200 "), "{page}");
}

/// An empty expected state would match no callback: the wait ends at once
/// with an error saying so, not after its whole timeout.
#[test]
fn an_empty_expected_state_ends_the_wait_at_once() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let start = Instant::now();
    let err = redirect.wait(Duration::from_secs(30), "").unwrap_err();
    assert!(matches!(err, RedirectError::NoState), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(err.to_string().contains("state"), "{err}");
}

/// Any local process can open connections to the port and send nothing. Those
/// must not keep the browser waiting in the listen queue until they time out
/// (10 s each): with every slot held by a silent connection, the browser's
/// request is still read. The wait's 5 s limit is below the 10 s after which a
/// silent connection would be dropped anyway, so only making room lets it pass.
#[test]
fn silent_connections_filling_every_slot_do_not_lock_the_browser_out() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let silent: Vec<TcpStream> = (0..LoopbackRedirect::MAX_CONNECTIONS + 4)
        .map(|_| connect(&redirect))
        .collect();
    let browser = get(&redirect, "/oauth/callback?code=the-code&state=s");
    let code = redirect.wait(Duration::from_secs(5), "s").unwrap();
    assert_eq!(code.expose_secret(), "the-code");
    assert_eq!(browser.join().unwrap().0, 200);
    drop(silent);
}

/// A burst of 48 silent connections just ahead of the browser's (a local
/// process opens them in milliseconds) costs the browser no wait: with 8 slots
/// freed every 2 s, it waited 12 s.
#[test]
fn a_burst_of_held_connections_costs_the_browser_no_wait() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let held: Vec<TcpStream> = (0..48).map(|_| connect(&redirect)).collect();
    let sent = Instant::now();
    let browser = get(&redirect, "/oauth/callback?code=the-code&state=s");
    let code = redirect.wait(Duration::from_secs(30), "s").unwrap();
    let waited = sent.elapsed();
    assert_eq!(code.expose_secret(), "the-code");
    assert_eq!(browser.join().unwrap().0, 200);
    assert!(
        waited < Duration::from_secs(5), // 12 s before; room for a loaded machine
        "the browser waited {waited:?}"
    );
    drop(held);
}

/// Making room must not close the browser's own connection: here it is
/// accepted before its request arrives (a pre-connected socket, or a slow
/// scheduler) while another local process holds the other slots with
/// connections that each sent one byte, then floods new ones. The flood is
/// seen to close older connections to make room before the browser sends its
/// request (else this test would pass without the case it is about); the
/// browser's request is still read and answered.
#[test]
fn a_flood_of_connections_cannot_close_the_browsers() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let port = redirect.port();
    let open = move || {
        let stream =
            TcpStream::connect_timeout(&format!("127.0.0.1:{port}").parse().unwrap(), IO_TIMEOUT)
                .unwrap();
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        stream
    };
    let one_byte = move || {
        let mut stream = open();
        stream.write_all(b"G").unwrap();
        stream
    };
    // Whether the listener closed `stream`: the end, or a reset (the byte it
    // sent was never read); an open one times out.
    let closed = |stream: &mut TcpStream| {
        stream
            .set_read_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        match stream.read(&mut [0u8; 1]) {
            Ok(0) => true,
            Ok(_) => panic!("the listener answered a one-byte request"),
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
        }
    };
    let (connected_tx, connected_rx) = std::sync::mpsc::channel();
    let (flooded_tx, flooded_rx) = std::sync::mpsc::channel();
    let attacker = std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = (0..LoopbackRedirect::MAX_CONNECTIONS - 1)
            .map(|_| one_byte())
            .collect();
        // Old enough to be closed to make room.
        std::thread::sleep(Duration::from_millis(2_200));
        connected_rx.recv().unwrap();
        // More than the table holds: older connections are closed to make
        // room, and the rest wait; the browser's, younger than 2 s, stays.
        let old = held.len();
        held.extend((0..LoopbackRedirect::MAX_CONNECTIONS + 20).map(|_| one_byte()));
        // The oldest goes first; wait (at most 1 s) until one is seen closed.
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut seen_closed = false;
        while !seen_closed && Instant::now() < deadline {
            seen_closed = held[..old].iter_mut().take(4).any(&closed);
        }
        flooded_tx.send(seen_closed).unwrap();
        std::thread::sleep(Duration::from_secs(2));
        drop(held);
        seen_closed
    });
    let browser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(2_300));
        let mut stream = open();
        connected_tx.send(()).unwrap();
        // The request goes once the flood has made room (or gave up trying).
        flooded_rx.recv().unwrap();
        stream
            .write_all(b"GET /oauth/callback?code=the-code&state=s HTTP/1.1\r\nhost: x\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    });
    let code = redirect.wait(Duration::from_secs(6), "s").unwrap();
    assert_eq!(code.expose_secret(), "the-code");
    assert!(browser.join().unwrap().starts_with("HTTP/1.1 200 "));
    assert!(
        attacker.join().unwrap(),
        "no older connection was closed to make room before the browser's request"
    );
}

/// A connection that sends nothing, or only part of a request, is closed once
/// `IO_TIMEOUT` has passed since it opened (with no answer), and the wait goes
/// on to the browser's callback.
#[test]
fn a_silent_connection_is_closed_after_the_io_timeout() {
    let redirect = LoopbackRedirect::bind().unwrap();
    let port = redirect.port();
    let watch = |partial: &'static [u8]| {
        let mut stream =
            TcpStream::connect_timeout(&format!("127.0.0.1:{port}").parse().unwrap(), IO_TIMEOUT)
                .unwrap();
        let opened = Instant::now();
        stream
            .set_read_timeout(Some(LoopbackRedirect::IO_TIMEOUT + Duration::from_secs(5)))
            .unwrap();
        stream.write_all(partial).unwrap();
        std::thread::spawn(move || {
            let mut answer = Vec::new();
            let read = stream.read_to_end(&mut answer).map_err(|e| e.kind());
            (read, answer, opened.elapsed())
        })
    };
    let silent = watch(b"");
    let partial = watch(b"GET /oauth/callback?code=c");
    let browser = std::thread::spawn(move || {
        std::thread::sleep(LoopbackRedirect::IO_TIMEOUT + Duration::from_millis(500));
        let mut stream =
            TcpStream::connect_timeout(&format!("127.0.0.1:{port}").parse().unwrap(), IO_TIMEOUT)
                .unwrap();
        stream
            .write_all(b"GET /oauth/callback?code=the-code&state=s HTTP/1.1\r\nhost: x\r\n\r\n")
            .unwrap();
    });
    let code = redirect
        .wait(LoopbackRedirect::IO_TIMEOUT + Duration::from_secs(4), "s")
        .unwrap();
    assert_eq!(code.expose_secret(), "the-code");
    browser.join().unwrap();
    for watcher in [silent, partial] {
        let (read, answer, closed_after) = watcher.join().unwrap();
        // Closed (an end of stream, or a reset), with nothing written.
        assert!(
            matches!(read, Ok(0) | Err(std::io::ErrorKind::ConnectionReset)),
            "{read:?}"
        );
        assert!(answer.is_empty());
        assert!(
            closed_after >= LoopbackRedirect::IO_TIMEOUT - Duration::from_millis(100)
                && closed_after < LoopbackRedirect::IO_TIMEOUT + Duration::from_secs(3),
            "closed after {closed_after:?}"
        );
    }
}
