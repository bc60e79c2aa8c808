//! The loopback listener the browser comes back to at the end of the
//! authorization-code login ([`LoopbackRedirect`]), as the AWS CLI runs it:
//! `http://127.0.0.1:<port>/oauth/callback`.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::{AuthorizationCallback, CallbackError};

/// Listens on `127.0.0.1` for the browser's redirect after the sign-in, answers
/// it with a short page, and gives the authorization code (checked against the
/// `state` sent, through [`AuthorizationCallback::parse`]).
///
/// Each connection's request is read into one fixed, zeroizing buffer of
/// [`MAX_REQUEST`](Self::MAX_REQUEST) bytes (the code never lands in memory that
/// is freed unwiped); a connection has [`IO_TIMEOUT`](Self::IO_TIMEOUT) from
/// accept to send its whole request, or it is closed (a browser's speculative
/// connection does not hold up the real one); requests for other paths
/// (`/favicon.ico`) get a 404, and callbacks whose `state` is missing or not the
/// one sent (which any local process could send) get a 400; the wait goes on
/// after either, until the deadline.
///
/// ```
/// use std::time::Duration;
/// use ssooidc_token::login::{LoopbackRedirect, RedirectError};
///
/// let redirect = LoopbackRedirect::bind()?;
/// assert!(redirect.redirect_uri().starts_with("http://127.0.0.1:"));
/// assert!(redirect.redirect_uri().ends_with("/oauth/callback"));
/// // Register the client with redirect.redirect_uri(), build the AuthorizeUrl with
/// // it, open the URL in the browser, then:
/// // let code = redirect.wait(LoopbackRedirect::DEFAULT_TIMEOUT, authorize.state())?;
/// let nobody_came = redirect.wait(Duration::from_millis(10), "state");
/// assert!(matches!(nobody_came, Err(RedirectError::Timeout)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LoopbackRedirect {
    listener: TcpListener,
    redirect_uri: String,
}

/// Why [`LoopbackRedirect::wait`] gave no authorization code. Never holds the
/// code or echoes the request, but for an OAuth `error` code (RFC 6749
/// characters only, see [`CallbackError::Refused`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum RedirectError {
    /// No redirect to the callback path came before the deadline.
    Timeout,
    /// The redirect came, with the state sent, but without a code:
    /// `access_denied`, another OAuth error, or a malformed query. (A callback
    /// with another state is answered and ignored; the wait goes on.)
    Callback(CallbackError),
    /// The listener failed while accepting connections (for
    /// [`IO_TIMEOUT`](LoopbackRedirect::IO_TIMEOUT) in a row: a failure that
    /// passes, such as running out of file descriptors, is waited out).
    Io(io::Error),
    /// [`wait`](LoopbackRedirect::wait) was given an empty expected state. It
    /// would match no callback (a redirect without a state is not checked
    /// against anything), so the wait ends at once: give it the
    /// [`AuthorizeUrl::state`](super::AuthorizeUrl::state) sent.
    NoState,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout => {
                f.write_str("the browser did not come back to the redirect URI in time")
            }
            Self::Callback(err) => write!(f, "{err}"),
            Self::Io(_) => f.write_str("the loopback redirect listener failed"),
            Self::NoState => {
                f.write_str("the expected state must not be empty: give the authorize URL's state")
            }
        }
    }
}

/// A callback's error shows as itself; a listener failure has the
/// [`io::Error`] as its source.
impl std::error::Error for RedirectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Timeout | Self::NoState => None,
            Self::Callback(err) => err.source(),
            Self::Io(err) => Some(err),
        }
    }
}

impl LoopbackRedirect {
    /// The path the browser is sent back to, as the AWS CLI uses it.
    pub const PATH: &'static str = "/oauth/callback";
    /// How long [`wait`](Self::wait) is usually given: a person signing in.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
    /// The buffer a head is read into. Headers past it are read and dropped
    /// (a browser sends every cookie it holds for `127.0.0.1`, whatever the
    /// port), up to [`MAX_HEAD`](Self::MAX_HEAD), when the request line takes
    /// at most half of it (a callback's is far shorter); a longer request line
    /// in a head that does not fit is answered 431 and ignored.
    pub const MAX_REQUEST: usize = 16 * 1024;
    /// The most bytes read of a request head, request line and headers: a head
    /// that has not ended by then is answered 431 and ignored.
    pub const MAX_HEAD: usize = 1024 * 1024;
    /// How long one connection may take to send its request, and to take the
    /// answer.
    pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
    /// Connections read at the same time: a burst of this many (a browser's
    /// among them) is taken from the listen queue at once. One more closes the
    /// oldest, once that one is older than `GRACE` (2 s, time for a browser
    /// to send its request); while every connection is younger, new ones wait
    /// in the queue. So a flood can close a connection that stays silent for
    /// over 2 s (a browser's speculative one; the browser opens another when
    /// it finds it closed), never one that sends its request within 2 s.
    pub const MAX_CONNECTIONS: usize = 64;
    /// How long a connection may take to send its request before a new one
    /// may take its place (a browser sends at once).
    const GRACE: Duration = Duration::from_secs(2);
    /// How long the loop sleeps when no connection made progress.
    const TICK: Duration = Duration::from_millis(10);

    /// Binds `127.0.0.1` on a port the system picks.
    ///
    /// # Errors
    /// The [`io::Error`] of binding.
    pub fn bind() -> io::Result<Self> {
        Self::bind_port(0)
    }

    /// Binds `127.0.0.1:port` (`0`: a port the system picks), for a client
    /// registered with a fixed redirect URI.
    ///
    /// # Errors
    /// The [`io::Error`] of binding (the port is taken, for example).
    pub fn bind_port(port: u16) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        listener.set_nonblocking(true)?;
        let redirect_uri = format!("http://{}{}", listener.local_addr()?, Self::PATH);
        Ok(Self {
            listener,
            redirect_uri,
        })
    }

    /// `http://127.0.0.1:<port>/oauth/callback`: register the client with it and
    /// give it to the authorize URL and the token request.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The port listened on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |addr| addr.port())
    }

    /// Waits up to `timeout` (usually [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT))
    /// for the browser's `GET /oauth/callback?...`, answers it with a page
    /// saying the tab can be closed (or that the sign-in failed), and returns the
    /// code, checked against `expected_state` (the
    /// [`AuthorizeUrl::state`](super::AuthorizeUrl::state) sent).
    ///
    /// # Errors
    /// [`RedirectError::Timeout`] if no callback came in time,
    /// [`RedirectError::Callback`] if it came with the state sent but without a
    /// code, [`RedirectError::Io`] if the listener failed,
    /// [`RedirectError::NoState`] at once if `expected_state` is empty. A
    /// callback with another state does not end the wait.
    pub fn wait(
        &self,
        timeout: Duration,
        expected_state: &str,
    ) -> Result<SecretString, RedirectError> {
        if expected_state.is_empty() {
            return Err(RedirectError::NoState);
        }
        let start = Instant::now();
        let deadline = start
            .checked_add(timeout)
            .unwrap_or_else(|| start + Duration::from_secs(365 * 24 * 3600));
        let mut connections: Vec<Connection> = Vec::new();
        let mut accept_failing = AcceptFailures::default();
        loop {
            let mut progressed = false;
            // Any local process can open connections and hold them; a browser
            // sends its request as soon as it connects. So a full table makes
            // room by closing its oldest connection once that one has had
            // `GRACE` to send its request (what it sent does not protect it:
            // one byte is cheap); while every connection is younger, the next
            // waits in the listen queue. Neither a flood of new connections
            // nor held ones can close a browser's before its request is read.
            // Everything the listen queue holds is taken each pass (up to the
            // table's room), so a burst of up to `MAX_CONNECTIONS` ahead of the
            // browser's costs it no wait, and a longer flood delays it by its
            // length plus about `GRACE` for every `MAX_CONNECTIONS` queued
            // ahead of it. Nothing in the queue, or a failure to accept (the
            // rest of the pass reads the connections already open, then
            // sleeps), ends a pass's accepting.
            loop {
                let room = if connections.len() >= Self::MAX_CONNECTIONS {
                    let oldest = connections
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.opened.elapsed() >= Self::GRACE)
                        .min_by_key(|(_, c)| c.opened)
                        .map(|(i, _)| i);
                    let Some(oldest) = oldest else { break };
                    Some(oldest)
                } else {
                    None
                };
                match self.listener.accept() {
                    Ok((stream, _)) => {
                        accept_failing.clear();
                        progressed = true;
                        if let Some(oldest) = room {
                            connections.swap_remove(oldest);
                        }
                        if let Ok(connection) = Connection::new(stream) {
                            connections.push(connection);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        accept_failing.clear();
                        break;
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::Interrupted
                                | io::ErrorKind::ConnectionAborted
                                | io::ErrorKind::ConnectionReset
                        ) => {}
                    Err(e) => {
                        accept_failing.failed(e, Instant::now())?;
                        break;
                    }
                }
            }
            let mut i = 0;
            while i < connections.len() {
                match connections[i].read() {
                    Progress::Waiting => i += 1,
                    Progress::Read => {
                        progressed = true;
                        i += 1;
                    }
                    Progress::Closed => {
                        connections.swap_remove(i);
                    }
                    Progress::TooLarge => {
                        let mut connection = connections.swap_remove(i);
                        connection.answer(431, &page(false, "The request was too large."));
                    }
                    Progress::Head => {
                        let mut connection = connections.swap_remove(i);
                        if let Some(result) = connection.callback(expected_state) {
                            return result.map_err(RedirectError::Callback);
                        }
                    }
                }
            }
            if Instant::now() >= deadline {
                return Err(RedirectError::Timeout);
            }
            if !progressed {
                std::thread::sleep(
                    Self::TICK.min(deadline.saturating_duration_since(Instant::now())),
                );
            }
        }
    }
}

/// Failures to accept in a row. `accept(2)` fails for reasons that pass (out
/// of file descriptors or buffers, a network error on a pending connection,
/// which Linux reports through `accept`): each ends a pass's accepting, and
/// only a failure that lasts [`LoopbackRedirect::IO_TIMEOUT`] ends the wait.
#[derive(Default)]
struct AcceptFailures {
    since: Option<Instant>,
}

impl AcceptFailures {
    fn clear(&mut self) {
        self.since = None;
    }

    /// A failure at `now`: the error, once failures have lasted `IO_TIMEOUT`.
    fn failed(&mut self, err: io::Error, now: Instant) -> Result<(), RedirectError> {
        let since = *self.since.get_or_insert(now);
        if now.saturating_duration_since(since) >= LoopbackRedirect::IO_TIMEOUT {
            return Err(RedirectError::Io(err));
        }
        Ok(())
    }
}

/// What a read on a connection gave.
enum Progress {
    /// Nothing yet.
    Waiting,
    /// Some bytes, not the whole head.
    Read,
    /// The whole head (up to the blank line).
    Head,
    /// The head would pass [`LoopbackRedirect::MAX_HEAD`], or passes
    /// [`LoopbackRedirect::MAX_REQUEST`] with a request line too long to keep.
    TooLarge,
    /// Closed, failed or timed out: dropped.
    Closed,
}

/// One browser connection: its request head read into a fixed, zeroizing
/// buffer (allocated once at full size, so it never moves).
struct Connection {
    stream: TcpStream,
    head: Zeroizing<Vec<u8>>,
    filled: usize,
    /// How far `head` has been searched for the blank line.
    searched: usize,
    /// Header bytes read and dropped to make room (see
    /// [`LoopbackRedirect::MAX_REQUEST`]).
    dropped: usize,
    /// When it was accepted: it is dropped [`LoopbackRedirect::IO_TIMEOUT`]
    /// later if its request has not come.
    opened: Instant,
}

impl Connection {
    fn new(stream: TcpStream) -> io::Result<Self> {
        stream.set_nonblocking(true)?;
        Ok(Self {
            stream,
            head: Zeroizing::new(vec![0; LoopbackRedirect::MAX_REQUEST]),
            filled: 0,
            searched: 0,
            dropped: 0,
            opened: Instant::now(),
        })
    }

    /// Whether the blank line that ends the head has come; each byte is
    /// searched once (a sender trickling bytes costs no re-scan).
    fn head_end(&mut self) -> bool {
        let from = self.searched.saturating_sub(3);
        let found = self.head[from..self.filled]
            .windows(4)
            .any(|w| w == b"\r\n\r\n");
        self.searched = self.filled;
        found
    }

    /// Room in a full buffer: all that is needed of a head is its request
    /// line, and the last 3 bytes read (a blank line may end across reads), so
    /// the header bytes between them are dropped (overwritten in place). False
    /// when the request line is missing or takes over half the buffer (so each
    /// call frees at least half of it, and a sender cannot make it run once
    /// for every few bytes).
    fn make_room(&mut self) -> bool {
        let half = self.head.len() / 2;
        let Some(line_end) = self.head[..half].windows(2).position(|w| w == b"\r\n") else {
            return false;
        };
        let keep = line_end + 2;
        let tail = self.filled - 3;
        self.head.copy_within(tail..self.filled, keep);
        self.dropped += tail - keep;
        self.filled = keep + 3;
        self.searched = self.filled;
        true
    }

    fn read(&mut self) -> Progress {
        let mut progress = Progress::Waiting;
        loop {
            if self.head_end() {
                return Progress::Head;
            }
            let read_so_far = self.dropped + self.filled;
            if read_so_far >= LoopbackRedirect::MAX_HEAD
                || (self.filled == self.head.len() && !self.make_room())
            {
                return Progress::TooLarge;
            }
            let room = (self.head.len() - self.filled)
                .min(LoopbackRedirect::MAX_HEAD - (self.dropped + self.filled));
            match self
                .stream
                .read(&mut self.head[self.filled..self.filled + room])
            {
                Ok(0) => return Progress::Closed,
                Ok(n) => {
                    self.filled += n;
                    progress = Progress::Read;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return if self.opened.elapsed() >= LoopbackRedirect::IO_TIMEOUT {
                        Progress::Closed
                    } else {
                        progress
                    };
                }
                Err(_) => return Progress::Closed,
            }
        }
    }

    /// Answers the request whose head is read. `Some` for the callback path
    /// (the code or why there is none), `None` for anything else (answered 404
    /// or 400, and the wait goes on).
    fn callback(&mut self, expected_state: &str) -> Option<Result<SecretString, CallbackError>> {
        let query = match route(&self.head[..self.filled]) {
            Route::Unreadable => {
                self.answer(400, &page(false, "The request could not be read."));
                return None;
            }
            Route::NotFound => {
                self.answer(404, &page(false, "Not found."));
                return None;
            }
            Route::Callback(query) => query,
        };
        let result = AuthorizationCallback::parse(query, expected_state);
        // A request whose state is missing, repeated or not the one sent did not
        // come from the authorization server: any local process can reach this
        // port. It is answered and ignored, so it cannot end the login.
        let forged = matches!(
            result,
            Err(CallbackError::StateMismatch
                | CallbackError::Malformed {
                    parameter: "state",
                    ..
                })
        );
        if forged {
            self.answer(400, &page(false, "This sign-in request was not expected."));
            return None;
        }
        let body = match &result {
            Ok(_) => page(
                true,
                "Signed in. You can close this tab and go back to the terminal.",
            ),
            Err(err) => page(
                false,
                &format!("Sign-in failed: {err}. You can close this tab."),
            ),
        };
        self.answer(if result.is_ok() { 200 } else { 400 }, &body);
        Some(result)
    }

    /// Writes the answer and closes; a browser that went away is not an error.
    fn answer(&mut self, status: u16, body: &str) {
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            _ => "Request Header Fields Too Large",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: text/html; charset=utf-8\r\n\
             content-length: {}\r\ncache-control: no-store\r\nreferrer-policy: no-referrer\r\n\
             connection: close\r\n\r\n",
            body.len()
        );
        let written = self
            .stream
            .set_nonblocking(false)
            .and_then(|()| {
                self.stream
                    .set_write_timeout(Some(LoopbackRedirect::IO_TIMEOUT))
            })
            .and_then(|()| self.stream.write_all(head.as_bytes()))
            .and_then(|()| self.stream.write_all(body.as_bytes()))
            .and_then(|()| self.stream.flush());
        drop(written);
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Where a request head goes.
#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    /// Not an HTTP request line (`METHOD SP target SP version`) in UTF-8.
    Unreadable,
    /// Another method or path (a favicon, a probe).
    NotFound,
    /// `GET /oauth/callback`, with its query (empty when there is none).
    Callback(&'a str),
}

/// Reads the request line of `head` (the bytes up to the blank line).
fn route(head: &[u8]) -> Route<'_> {
    let line_end = head.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
    let Ok(line) = std::str::from_utf8(&head[..line_end]) else {
        return Route::Unreadable;
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(_version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Route::Unreadable;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != LoopbackRedirect::PATH {
        return Route::NotFound;
    }
    Route::Callback(query)
}

/// A short HTML page; `message` is escaped.
fn page(success: bool, message: &str) -> String {
    let title = if success {
        "Signed in"
    } else {
        "Sign-in failed"
    };
    let mut escaped = String::with_capacity(message.len());
    for c in message.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{escaped}</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::{page, route, AcceptFailures, LoopbackRedirect, RedirectError, Route};
    use std::io;
    use std::time::{Duration, Instant};

    /// A failure to accept that passes (out of file descriptors: `EMFILE`) is
    /// waited out; one that lasts `IO_TIMEOUT` ends the wait with its error;
    /// an accept in between starts the count again.
    #[test]
    fn accept_failures_end_the_wait_only_when_they_last() {
        let emfile = || io::Error::from_raw_os_error(24);
        let start = Instant::now();
        let mut failures = AcceptFailures::default();
        assert!(failures.failed(emfile(), start).is_ok());
        let almost = start + LoopbackRedirect::IO_TIMEOUT.saturating_sub(Duration::from_millis(1));
        assert!(failures.failed(emfile(), almost).is_ok());
        failures.clear();
        let later = start + LoopbackRedirect::IO_TIMEOUT;
        assert!(failures.failed(emfile(), later).is_ok());
        let lasting = later + LoopbackRedirect::IO_TIMEOUT;
        assert!(matches!(
            failures.failed(emfile(), lasting),
            Err(RedirectError::Io(e)) if e.raw_os_error() == Some(24)
        ));
    }

    use proptest::prelude::*;

    #[test]
    fn request_lines_route_as_written() {
        let cases: [(&[u8], Route<'_>); 8] = [
            (
                b"GET /oauth/callback?code=c&state=s HTTP/1.1\r\nhost: x\r\n\r\n",
                Route::Callback("code=c&state=s"),
            ),
            (b"GET /oauth/callback HTTP/1.1\r\n\r\n", Route::Callback("")),
            (
                b"POST /oauth/callback?code=c HTTP/1.1\r\n\r\n",
                Route::NotFound,
            ),
            (b"GET /favicon.ico HTTP/1.1\r\n\r\n", Route::NotFound),
            (
                b"GET /oauth/callbackx?code=c HTTP/1.1\r\n\r\n",
                Route::NotFound,
            ),
            (
                b"GET  /oauth/callback?code=c HTTP/1.1\r\n\r\n",
                Route::Unreadable,
            ),
            (b"GET /oauth/callback?code=c\r\n\r\n", Route::Unreadable),
            (
                b"GET /oauth/callback?code=\xff HTTP/1.1\r\n\r\n",
                Route::Unreadable,
            ),
        ];
        for (head, expected) in cases {
            assert_eq!(route(head), expected, "{}", String::from_utf8_lossy(head));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// Any bytes a local process sends: routed without a panic.
        #[test]
        fn any_head_routes_without_panic(head in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = route(&head);
        }

        /// A well-formed callback gives exactly its query, whatever the
        /// headers after it.
        #[test]
        fn a_callback_line_gives_its_query(
            query in "[a-zA-Z0-9=&%+._~-]{0,80}",
            headers in "([a-z-]{1,10}: [ -~]{0,20}\r\n){0,4}",
        ) {
            let head = format!("GET /oauth/callback?{query} HTTP/1.1\r\n{headers}\r\n");
            prop_assert_eq!(route(head.as_bytes()), Route::Callback(&query));
        }

        /// The page escapes what it is given: no markup from a message.
        #[test]
        fn pages_escape_their_message(message in "[ -~]{0,60}") {
            let html = page(false, &message);
            let body = &html[html.find("<p>").unwrap() + 3..html.rfind("</p>").unwrap()];
            prop_assert!(!body.contains(['<', '>', '"', '\'']));
        }
    }
}
