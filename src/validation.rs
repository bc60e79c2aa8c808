//! The content rules `build()` checks: what the type system cannot.

use secrecy::{ExposeSecret, SecretString};

use crate::error::{BuildError, Problem, Rule};
use crate::TokenType;

/// Collects every problem found in a request. Allocates nothing unless a problem is
/// found.
#[derive(Debug, Default)]
pub struct Checks {
    problems: Vec<Problem>,
}

impl Checks {
    fn fail(&mut self, field: &'static str, index: Option<usize>, rule: Rule) {
        self.problems.push(Problem::new(field, index, rule));
    }

    /// Refuses an empty value, and one that is only whitespace (a blank that a
    /// template or a trimmed-away config value leaves behind).
    pub(crate) fn non_empty(&mut self, field: &'static str, value: &str) -> bool {
        self.non_empty_at(field, None, value)
    }

    /// As [`non_empty`](Self::non_empty), for the `index`th value of a list.
    pub(crate) fn non_empty_at(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        value: &str,
    ) -> bool {
        if value.is_empty() {
            self.fail(field, index, Rule::Empty);
            return false;
        }
        // Most values start with a visible character: no need to trim them.
        if value.starts_with(char::is_whitespace) && value.trim().is_empty() {
            self.fail(field, index, Rule::Blank);
            return false;
        }
        true
    }

    pub(crate) fn secret(&mut self, field: &'static str, value: &SecretString) -> bool {
        self.non_empty(field, value.expose_secret())
    }

    /// A token the caller copies from elsewhere (a JWT, an access token): not
    /// empty or blank, no white space around it (a line feed read with a file,
    /// a copy-and-paste slip), and not with the `Bearer ` of an `Authorization`
    /// header in front. Each gets its own message rather than "invalid".
    pub(crate) fn token(&mut self, field: &'static str, value: &SecretString) -> bool {
        let text = value.expose_secret();
        if !self.non_empty(field, text) {
            return false;
        }
        if text.starts_with(char::is_whitespace) {
            self.fail(field, None, Rule::LeadingWhitespace);
            return false;
        }
        if text.ends_with(char::is_whitespace) {
            self.fail(field, None, Rule::TrailingWhitespace);
            return false;
        }
        let v = text.as_bytes();
        if v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ") {
            self.fail(field, None, Rule::BearerPrefix);
            return false;
        }
        true
    }

    /// The redirect URI of a confidential (IAM) application: absolute, without
    /// a fragment, not a scheme that runs in the browser.
    pub(crate) fn redirect_uri(&mut self, value: &str) {
        if self.non_empty("redirect_uri", value) {
            if let Err(rule) = redirect_uri_rule(value) {
                self.fail("redirect_uri", None, rule);
            }
        }
    }

    /// The redirect URI of a public client (registered with `RegisterClient`,
    /// sent to `/authorize` and `CreateToken`): as [`redirect_uri`](Self::redirect_uri),
    /// and plain `http://` only to the loopback interface by its IP literal.
    /// One rule for every place a public client's redirect URI is given.
    pub(crate) fn public_redirect_uri(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        value: &str,
    ) {
        if !self.non_empty_at(field, index, value) {
            return;
        }
        let rule = redirect_uri_rule(value).and_then(|()| {
            if plain_http_is_loopback(value) {
                Ok(())
            } else {
                Err(Rule::LoopbackHttp)
            }
        });
        if let Err(rule) = rule {
            self.fail(field, index, rule);
        }
    }

    pub(crate) fn code_verifier(&mut self, value: &SecretString) {
        let v = value.expose_secret().as_bytes();
        let unreserved =
            |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if !(43..=128).contains(&v.len()) || !v.iter().all(unreserved) {
            self.fail("code_verifier", None, Rule::CodeVerifier);
        }
    }

    pub(crate) fn assertion(&mut self, value: &SecretString) {
        if !self.token("assertion", value) {
            return;
        }
        let v = value.expose_secret().as_bytes();
        let (all_base64url, dots) = compact_jwt_scan(v);
        let header_empty = v.first() == Some(&b'.');
        if !(dots == 2 || dots == 4) || header_empty || !all_base64url {
            self.fail("assertion", None, Rule::CompactJwt);
        }
    }

    pub(crate) fn scopes(&mut self, scopes: &[String]) {
        let token_char =
            |b: u8| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
        for (i, scope) in scopes.iter().enumerate() {
            if scope.is_empty() || !scope.bytes().all(token_char) {
                self.fail("scope", Some(i), Rule::ScopeToken);
            }
        }
    }

    pub(crate) fn token_type(&mut self, field: &'static str, value: &TokenType) {
        if value.is_unknown() {
            self.fail(field, None, Rule::KnownTokenType);
        }
    }

    /// Records a problem found by a check that lives with its request type.
    #[cfg_attr(not(feature = "login"), allow(dead_code))]
    pub(crate) fn problem(&mut self, field: &'static str, index: Option<usize>, rule: Rule) {
        self.fail(field, index, rule);
    }

    /// An absolute URI (a fragment is allowed: start URLs often end in `/#`).
    #[cfg_attr(not(feature = "login"), allow(dead_code))]
    pub(crate) fn absolute_uri(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        value: &str,
    ) -> bool {
        if value.is_empty() {
            self.fail(field, index, Rule::Empty);
            return false;
        }
        if !is_absolute_uri(value) {
            self.fail(field, index, Rule::AbsoluteUri);
            return false;
        }
        true
    }

    /// An AWS region: DNS labels (the same rule as `Endpoint::new`).
    #[cfg_attr(not(feature = "login"), allow(dead_code))]
    pub(crate) fn region(&mut self, value: &str) {
        if !is_region(value) {
            self.fail("region", None, Rule::Region);
        }
    }

    pub(crate) fn finish(self, operation: &'static str) -> Result<(), BuildError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(BuildError::new(operation, self.problems))
        }
    }
}

/// Whether every byte of a compact JWT is base64url or `.`, and how many `.`
/// there are: one pass, written without an early exit so that it compiles to
/// vector code (a 1 KB token is scanned in tens of nanoseconds).
// Bitwise `&` and `|` on purpose: without branches the loop compiles to vector code.
#[allow(clippy::needless_bitwise_bool)]
fn compact_jwt_scan(v: &[u8]) -> (bool, usize) {
    let mut bad = 0u8;
    let mut dots = 0usize;
    for chunk in v.chunks(128) {
        let mut chunk_dots = 0u8;
        for &b in chunk {
            // `b | 0x20` maps A-Z onto a-z and nothing else into a-z; `-` `.` and
            // the digits are the run 0x2D..=0x39 but for `/`.
            let letter = (b | 0x20).wrapping_sub(b'a') < 26;
            let dash_dot_digit = (b.wrapping_sub(b'-') < 13) & (b != b'/');
            let dot = b == b'.';
            bad |= u8::from(!(letter | dash_dot_digit | (b == b'_')));
            chunk_dots += u8::from(dot);
        }
        dots += usize::from(chunk_dots);
    }
    (bad == 0, dots)
}

/// What one pass over an absolute URI found.
struct AbsoluteUri {
    /// Where the scheme ends (the index of the first `:`).
    scheme_end: usize,
    /// Whether it has a fragment (`#`).
    fragment: bool,
}

/// An RFC 3986 absolute URI, in one pass: `scheme ":" rest`, where the scheme
/// is `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`, the rest is not empty, and
/// every character is one a URI may hold (unreserved, reserved, or `%` with two
/// hex digits): no space, control, quote, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`,
/// `}` or non-ASCII character.
fn scan_absolute_uri(value: &str) -> Option<AbsoluteUri> {
    let b = value.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let scheme_end = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))?;
    if b[scheme_end] != b':' || scheme_end + 1 == b.len() {
        return None;
    }
    let hex = |at: usize| b.get(at).is_some_and(u8::is_ascii_hexdigit);
    let mut fragment = false;
    let mut i = scheme_end + 1;
    while i < b.len() {
        match b[i] {
            b'%' if hex(i + 1) && hex(i + 2) => i += 2,
            b'#' => fragment = true,
            // Unreserved and reserved characters (RFC 3986 section 2).
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b':'
            | b'/'
            | b'?'
            | b'['
            | b']'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'=' => {}
            _ => return None,
        }
        i += 1;
    }
    Some(AbsoluteUri {
        scheme_end,
        fragment,
    })
}

fn is_absolute_uri(value: &str) -> bool {
    scan_absolute_uri(value).is_some()
}

/// What every redirect URI must be: absolute, without a fragment (RFC 6749
/// 3.1.2), not a scheme that runs or embeds content in the browser.
fn redirect_uri_rule(value: &str) -> Result<(), Rule> {
    let uri = scan_absolute_uri(value).ok_or(Rule::AbsoluteUri)?;
    if uri.fragment {
        return Err(Rule::UriFragment);
    }
    let scheme = &value[..uri.scheme_end];
    if ["javascript", "data", "vbscript"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
    {
        return Err(Rule::UnsafeScheme);
    }
    Ok(())
}

/// A plain `http://` URI must name the loopback interface by its IP literal,
/// with at most a port after it (RFC 8252 section 7.3 and 8.3); other schemes
/// pass.
fn plain_http_is_loopback(uri: &str) -> bool {
    let Some(scheme_end) = uri.find(':') else {
        return true;
    };
    if !uri[..scheme_end].eq_ignore_ascii_case("http") {
        return true;
    }
    let Some(rest) = uri[scheme_end + 1..].strip_prefix("//") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, after) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => authority.split_at(end + 1),
            None => return false,
        }
    } else {
        authority.split_at(authority.find(':').unwrap_or(authority.len()))
    };
    // Nothing after the host but `:` and a port: `http://[::1]evil.example/`
    // names another host.
    let port_ok = after.is_empty()
        || after
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    port_ok && (host == "127.0.0.1" || host == "[::1]")
}

/// The DNS suffix of a region's AWS endpoints: `amazonaws.com.cn` in China,
/// `amazonaws.com` elsewhere (the isolated and sovereign partitions, which differ,
/// take a custom endpoint).
#[cfg_attr(not(any(feature = "login", feature = "http")), allow(dead_code))]
pub(crate) fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// An AWS region: lower-case DNS labels of letters, digits and `-` (not starting
/// or ending with `-`, at most 63 each) joined by `.`. Lower-case only: a
/// signature scoped to `US-EAST-1` is not valid, and no region is spelt so.
#[cfg_attr(not(any(feature = "login", feature = "http")), allow(dead_code))]
pub(crate) fn is_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 253
        && region.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}
