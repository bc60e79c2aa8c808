//! The content rules `build()` checks: what the type system cannot.

use secrecy::{ExposeSecret, SecretString};

use crate::error::{BuildError, Problem, Rule};
use crate::TokenType;

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Collects every problem found in a request. Allocates nothing unless a problem is
/// found.
#[derive(Debug, Default)]
pub struct Checks {
    problems: Vec<Problem>,
}

impl Checks {
    // Out of the way of the checks that pass, which are the ones that are hot.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, field: &'static str, index: Option<usize>, rule: Rule) {
        self.problems.push(Problem::new(field, index, rule));
    }

    /// Refuses an empty value, and one that is only whitespace (a blank that a
    /// template or a trimmed-away config value leaves behind).
    #[inline]
    pub(crate) fn non_empty(&mut self, field: &'static str, value: &str) -> bool {
        self.non_empty_at(field, None, value)
    }

    /// As [`non_empty`](Self::non_empty), for the `index`th value of a list.
    #[inline]
    pub(crate) fn non_empty_at(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        value: &str,
    ) -> bool {
        // Most values start with a visible ASCII character: no need to decode
        // or trim them.
        if value.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
            return true;
        }
        self.empty_or_blank(field, index, value)
    }

    /// [`non_empty_at`](Self::non_empty_at) for a value that is empty or starts
    /// with something else than a visible ASCII character.
    #[cold]
    #[inline(never)]
    fn empty_or_blank(&mut self, field: &'static str, index: Option<usize>, value: &str) -> bool {
        if value.is_empty() {
            self.fail(field, index, Rule::Empty);
            return false;
        }
        if value.starts_with(char::is_whitespace) && value.trim().is_empty() {
            self.fail(field, index, Rule::Blank);
            return false;
        }
        true
    }

    #[inline]
    pub(crate) fn secret(&mut self, field: &'static str, value: &SecretString) -> bool {
        self.non_empty(field, value.expose_secret())
    }

    /// A token the caller copies from elsewhere (a JWT, an access token): not
    /// empty or blank, no white space around it (a line feed read with a file,
    /// a copy-and-paste slip), and not with the `Bearer ` of an `Authorization`
    /// header in front. Each gets its own message rather than "invalid".
    pub(crate) fn token(&mut self, field: &'static str, value: &SecretString) -> bool {
        let text = value.expose_secret();
        let v = text.as_bytes();
        // Most tokens begin and end with a visible ASCII character: no need to
        // decode either end.
        let visible_ends = v.first().is_some_and(u8::is_ascii_graphic)
            && v.last().is_some_and(u8::is_ascii_graphic);
        if !visible_ends && !self.token_ends(field, text) {
            return false;
        }
        if v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ") {
            self.fail(field, None, Rule::BearerPrefix);
            return false;
        }
        true
    }

    /// [`token`](Self::token)'s rules for the ends of a value that does not begin
    /// and end with a visible ASCII character.
    #[cold]
    #[inline(never)]
    fn token_ends(&mut self, field: &'static str, text: &str) -> bool {
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
        true
    }

    /// The redirect URI of a confidential (IAM) application: absolute, without
    /// a fragment, not a scheme that runs in the browser.
    #[inline]
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
    #[inline]
    pub(crate) fn public_redirect_uri(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        value: &str,
    ) {
        if !self.non_empty_at(field, index, value) {
            return;
        }
        let rule = redirect_uri_rule(value).and_then(|scheme_end| {
            if plain_http_is_loopback(value, scheme_end) {
                Ok(())
            } else {
                Err(Rule::LoopbackHttp)
            }
        });
        if let Err(rule) = rule {
            self.fail(field, index, rule);
        }
    }

    /// A page to open in the person's browser: `https://`, or plain
    /// `http://` to the loopback interface's IP literal; absolute, no
    /// fragment (see [`Rule::WebPage`]).
    #[cfg_attr(
        not(all(feature = "cache", any(feature = "ureq", feature = "reqwest"))),
        allow(dead_code)
    )]
    pub(crate) fn web_page(&mut self, field: &'static str, value: &str) {
        if !self.non_empty_at(field, None, value) {
            return;
        }
        let web = redirect_uri_rule(value).is_ok_and(|scheme_end| {
            let scheme = &value.as_bytes()[..scheme_end];
            scheme.eq_ignore_ascii_case(b"https")
                || (scheme.eq_ignore_ascii_case(b"http")
                    && plain_http_is_loopback(value, scheme_end))
        });
        if !web {
            self.fail(field, None, Rule::WebPage);
        }
    }

    #[inline]
    pub(crate) fn code_verifier(&mut self, value: &SecretString) {
        let v = value.expose_secret().as_bytes();
        if !(43..=128).contains(&v.len()) || or_lanes(v, |b| u8::from(!unreserved(b))) != 0 {
            self.fail("code_verifier", None, Rule::CodeVerifier);
        }
    }

    pub(crate) fn assertion(&mut self, value: &SecretString) {
        let v = value.expose_secret().as_bytes();
        // A compact JWT passes every rule of `token` (no white space, no
        // `Bearer `: neither is base64url), so the scan comes first and
        // `token` only names a failure more precisely: a valid assertion's
        // bytes are read once, front to back.
        if v.first() != Some(&b'.') && compact_jwt(v) {
            return;
        }
        if self.token("assertion", value) {
            self.fail("assertion", None, Rule::CompactJwt);
        }
    }

    #[inline]
    pub(crate) fn scopes(&mut self, scopes: &[String]) {
        for (i, scope) in scopes.iter().enumerate() {
            if !is_scope_token(scope.as_bytes()) {
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

    #[inline]
    pub(crate) fn finish(self, operation: &'static str) -> Result<(), BuildError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(BuildError::new(operation, self.problems))
        }
    }
}

/// A set of bytes, as a table: `set[b]` is `0xFF` for a member, `0` otherwise.
type ByteSet = [u8; 256];

/// The set of the bytes `b` for which `$member` holds, computed at compile time.
macro_rules! byte_set {
    (|$b:ident| $member:expr) => {{
        let mut set = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            #[allow(clippy::cast_possible_truncation)]
            let $b = i as u8;
            if $member {
                set[i] = 0xFF;
            }
            i += 1;
        }
        set
    }};
}

/// RFC 3986 scheme characters after the first: `ALPHA / DIGIT / "+" / "-" / "."`.
static SCHEME_CHAR: ByteSet =
    byte_set!(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));

/// Whether `v` is an RFC 6749 `scope-token`: not empty, every byte
/// `%x21 / %x23-5B / %x5D-7E` (printable ASCII but space, `"` and `\`).
///
/// Eight bytes at a time as one `u64`, without a table or a branch per byte:
/// scopes are short, and a look-up per byte cost more than the rest of a
/// scope's handling. A value of 8 bytes or more is read as whole words and
/// then the word that ends it (overlapping: a byte seen twice changes
/// nothing); 4 to 7 bytes as the first and last four; 1 to 3 as the first,
/// middle and last byte, the rest of the word an allowed filler.
fn is_scope_token(v: &[u8]) -> bool {
    let n = v.len();
    let word = |at: usize| {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&v[at..at + 8]);
        u64::from_le_bytes(eight)
    };
    let stray = if n >= 8 {
        let mut stray = not_scope_bytes(word(n - 8));
        let mut at = 0;
        while at + 8 < n {
            stray |= not_scope_bytes(word(at));
            at += 8;
        }
        stray
    } else if n >= 4 {
        let half = |at: usize| {
            let mut four = [0u8; 4];
            four.copy_from_slice(&v[at..at + 4]);
            u64::from(u32::from_le_bytes(four))
        };
        not_scope_bytes(half(0) | half(n - 4) << 32)
    } else if n > 0 {
        let (first, middle, last) = (v[0], v[n / 2], v[n - 1]);
        not_scope_bytes(u64::from_le_bytes([
            first, middle, last, b'a', b'a', b'a', b'a', b'a',
        ]))
    } else {
        return false;
    };
    stray == 0
}

/// Non-zero exactly when some byte of `x` is not a `scope-token` byte (see
/// [`is_scope_token`]). Four word-wide tests, each exact as to whether any byte
/// matches (a borrow or carry out of one byte only follows a byte that already
/// matched): a byte under `0x21`; a byte over `0x7E`; a `"`; a `\`. Each sets
/// the top bit of the byte it finds.
const fn not_scope_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = ONES * 0x80;
    let under = x.wrapping_sub(ONES * 0x21) & !x;
    // 0x7F - 0x7E: a byte over 0x7E gets its top bit from the add or had it.
    let over = x.wrapping_add(ONES) | x;
    let quote = x ^ (ONES * 0x22); // `"`
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = x ^ (ONES * 0x5C); // `\`
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (under | over | quote | backslash) & TOPS
}

/// Whether `b` is in `lo..lo + len`, as one add and one signed compare (the
/// form that compiles to two vector instructions per 16 bytes).
// Inlined into the 16-lane loops, or they do not compile to vector code.
#[allow(clippy::inline_always)]
#[inline(always)]
const fn in_range(b: u8, lo: u8, len: u8) -> bool {
    #[allow(clippy::cast_possible_wrap)]
    let shifted = b.wrapping_add(0x80u8.wrapping_sub(lo)) as i8;
    #[allow(clippy::cast_possible_wrap)]
    let limit = 0x80u8.wrapping_add(len) as i8;
    shifted < limit
}

/// RFC 3986 unreserved: `A-Z a-z 0-9 - . _ ~`, without a branch: a PKCE
/// verifier's alphabet, and what percent-encoding (SigV4, the STS form, the
/// authorize URL) leaves as it is.
// Bitwise `&` and `|` on purpose: without branches the loops compile to vector code.
#[allow(clippy::needless_bitwise_bool)]
// Inlined into the 16-lane loops, or they do not compile to vector code.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) const fn unreserved(b: u8) -> bool {
    // `b | 0x20` maps A-Z onto a-z and nothing else into a-z; `-` `.` and the
    // digits are the run 0x2D..=0x39 but for `/`.
    in_range(b | 0x20, b'a', 26) | (in_range(b, b'-', 13) & (b != b'/')) | (b == b'_') | (b == b'~')
}

/// The RFC 3986 unreserved bytes, [`unreserved`] as a table: one load per byte
/// where a loop looks at one byte at a time (percent-encoding), where the
/// arithmetic form is for loops that compile to vector code.
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
static UNRESERVED: ByteSet = byte_set!(|b| unreserved(b));

/// [`unreserved`], by table look-up.
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
#[inline]
pub(crate) fn unreserved_byte(b: u8) -> bool {
    UNRESERVED[usize::from(b)] != 0
}

/// The OR of `lane(b)` over every byte of `v` (a lane gives flag bits, one of
/// them usually "not allowed here"): 16 lanes at a time without a branch (so
/// the loop compiles to vector code), then the 16 bytes that end `v`
/// (overlapping the blocks before them) instead of a byte-at-a-time tail (a
/// byte seen twice changes no OR). `v` empty gives 0.
// Inlined into the 16-lane loops, or they do not compile to vector code.
#[allow(clippy::inline_always)]
#[inline(always)]
fn or_lanes(v: &[u8], lane: impl Fn(u8) -> u8) -> u8 {
    if v.len() < 16 {
        return v.iter().fold(0, |any, &b| any | lane(b));
    }
    let mut any = [0u8; 16];
    let last: &[u8; 16] = v[v.len() - 16..].try_into().expect("16 bytes");
    // The last 16 bytes after the whole blocks, even when they are the last
    // whole block: no branch, and a block seen twice changes no OR. Each
    // block's lanes are computed into an array of their own, then ORed in:
    // written as one loop, LLVM vectorized across blocks instead (a lane from
    // each of 16 blocks, gathered byte by byte: ten times the instructions).
    for block in v.as_chunks::<16>().0.iter().chain(std::iter::once(last)) {
        let mut lanes = [0u8; 16];
        for i in 0..16 {
            lanes[i] = lane(block[i]);
        }
        for i in 0..16 {
            any[i] |= lanes[i];
        }
    }
    any.iter().fold(0, |acc, &a| acc | a)
}

/// Whether every byte of `v` is base64url or `.`, with 2 (JWS) or 4 (JWE)
/// `.`s: with AVX2 when the CPU has it (see [`avx2`]), else portably.
fn compact_jwt(v: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if let Some(verdict) = avx2::compact_jwt(v) {
        return verdict;
    }
    portable_compact_jwt(v)
}

/// [`compact_jwt`] without AVX2.
fn portable_compact_jwt(v: &[u8]) -> bool {
    let (all_base64url, dots) = compact_jwt_scan(v);
    all_base64url && (dots == 2 || dots == 4)
}

/// Whether every byte of a compact JWT is base64url or `.`, and (when they
/// all are) how many `.` there are: one pass, branch-free, 16 bytes at a time
/// (SSE2 on x86-64, NEON on 64-bit ARM) by default.
///
/// Built for a CPU with AVX2 (`-C target-cpu=x86-64-v3` or newer, or
/// `-C target-feature=+avx2`), it runs 32 bytes at a time; but on x86-64
/// [`compact_jwt`] takes the faster [`avx2`] scan for any value of 32 bytes
/// or more whenever the CPU has AVX2.
fn compact_jwt_scan(v: &[u8]) -> (bool, usize) {
    /// Bytes per block: one vector register's worth.
    #[cfg(target_feature = "avx2")]
    const LANES: usize = 32;
    #[cfg(not(target_feature = "avx2"))]
    const LANES: usize = 16;
    jwt_lanes::<LANES>(v)
}

/// The compact-JWT scan, `N` lanes at a time, without an early exit or a table
/// (so that it compiles to vector code); the last partial block is read as the
/// `N` bytes that end the value, its dots counted only in the lanes not seen
/// before.
///
/// Each lane keeps the OR of a value that is zero exactly when its byte is
/// base64url or `.` (see `off`), so a value passes when every lane kept zero;
/// and counts its `.`s.
// Bitwise `&` on purpose: without branches the loop compiles to vector code.
#[allow(clippy::needless_bitwise_bool)]
fn jwt_lanes<const N: usize>(v: &[u8]) -> (bool, usize) {
    /// Zero exactly when `b` is base64url or `.`: the least of three distances,
    /// each zero exactly on one class (letters, after `b | 0x20` maps A-Z onto
    /// a-z and nothing else into a-z; the run `-` `.` `/` `0`-`9`; `_`), or
    /// `0xFF` for `/`. Saturating subtraction and `min` are one vector
    /// instruction each on SSE2 and NEON, where a range compare is three.
    // Inlined into the lane loops, or they do not compile to vector code.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn off(b: u8) -> u8 {
        let letter = (b | 0x20).wrapping_sub(b'a').saturating_sub(25);
        let run = b.wrapping_sub(b'-').saturating_sub(12);
        letter.min(run).min(b ^ b'_') | 0u8.wrapping_sub(u8::from(b == b'/'))
    }
    if v.len() < N {
        return v.iter().fold((true, 0), |(ok, dots), &b| {
            (ok & (off(b) == 0), dots + usize::from(b == b'.'))
        });
    }
    // Per lane: the OR of `off`; and the number of `.`s in this run of at most
    // 255 blocks (summed after each run, before a lane could wrap: runs rather
    // than a counter keep the inner loop to the lanes' own work).
    let (mut stray, mut lane_dots) = ([0u8; N], [0u8; N]);
    let mut dots = 0usize;
    let whole = v.len() - v.len() % N;
    for run in v[..whole].chunks(255 * N) {
        for block in run.chunks_exact(N) {
            for i in 0..N {
                let b = block[i];
                stray[i] |= off(b);
                lane_dots[i] += u8::from(b == b'.');
            }
        }
        dots += byte_sum(&lane_dots);
        lane_dots = [0; N];
    }
    let seen = N - v.len() % N;
    if seen < N {
        let last = &v[v.len() - N..];
        for i in 0..N {
            let b = last[i];
            stray[i] |= off(b);
            lane_dots[i] += u8::from((b == b'.') & (i >= seen));
        }
    }
    dots += byte_sum(&lane_dots);
    (stray.iter().fold(0, |any, &s| any | s) == 0, dots)
}

/// The sum of `bytes`, eight at a time: each pair added into 16-bit lanes
/// (at most 510), then the four lanes summed by one multiplication into the
/// top 16 bits (at most 2,040, no carry out).
fn byte_sum(bytes: &[u8]) -> usize {
    const LOW_BYTES: u64 = 0x00FF_00FF_00FF_00FF;
    let mut chunks = bytes.chunks_exact(8);
    let mut sum = 0;
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let x = u64::from_le_bytes(eight);
        let pairs = (x & LOW_BYTES) + ((x >> 8) & LOW_BYTES);
        sum += usize::from((pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as u16);
    }
    sum + chunks
        .remainder()
        .iter()
        .map(|&b| usize::from(b))
        .sum::<usize>()
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
#[inline]
fn scan_absolute_uri(value: &str) -> Option<AbsoluteUri> {
    let b = value.as_bytes();
    // Most URIs are `https:` or `http:`: their scheme needs no scan.
    let scheme_end = if let Some(end) = http_scheme_end(b) {
        end
    } else {
        if !b.first()?.is_ascii_alphabetic() {
            return None;
        }
        b.iter().position(|&c| SCHEME_CHAR[usize::from(c)] == 0)?
    };
    if b[scheme_end] != b':' || scheme_end + 1 == b.len() {
        return None;
    }
    let rest = &b[scheme_end + 1..];
    // One pass: every byte is one a URI may hold, and whether any was a `%` or
    // a `#`; only a value with a `%` is looked at again.
    let flags = or_lanes(rest, uri_class);
    if flags & URI_BAD != 0 {
        return None;
    }
    if flags & URI_PERCENT != 0 {
        let hex = |at: usize| rest.get(at).is_some_and(u8::is_ascii_hexdigit);
        let mut escapes = rest.iter().enumerate().filter(|(_, &c)| c == b'%');
        if escapes.any(|(at, _)| !(hex(at + 1) && hex(at + 2))) {
            return None;
        }
    }
    Some(AbsoluteUri {
        scheme_end,
        fragment: flags & URI_HASH != 0,
    })
}

/// Where an `https:` or `http:` scheme ends (the index of its `:`), in any
/// case, compared as one 8-byte word rather than a byte at a time; `None` for
/// any other start, or a value shorter than 8 bytes (which the general scan
/// reads instead).
fn http_scheme_end(b: &[u8]) -> Option<usize> {
    let head = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
    let word = |s: &[u8; 8]| u64::from_le_bytes(*s);
    // `| 0x20` lower-cases the letters, and only them: `h`, `t`, `p`, `s` are
    // the only bytes that become themselves. The `:` is compared as it is
    // (`0x1A | 0x20` would also make one).
    let (https, http) = (word(b"https:\0\0"), word(b"http:\0\0\0"));
    if (head | 0x20_2020_2020) & 0xFFFF_FFFF_FFFF == https {
        Some(5)
    } else if (head | 0x2020_2020) & 0xFF_FFFF_FFFF == http {
        Some(4)
    } else {
        None
    }
}

/// [`uri_class`]: a byte no RFC 3986 URI may hold (not unreserved, reserved,
/// or `%`).
const URI_BAD: u8 = 1;
/// [`uri_class`]: `%`, whose two hex digits are checked separately.
const URI_PERCENT: u8 = 2;
/// [`uri_class`]: `#`, the start of a fragment.
const URI_HASH: u8 = 4;

/// A byte's [`URI_BAD`], [`URI_PERCENT`] and [`URI_HASH`] bits, without a
/// branch: a URI may hold the visible ASCII characters but `"` `<` `>` `\\`
/// `^` `` ` `` `{` `|` `}` (RFC 3986 section 2: unreserved, reserved, and `%`).
// Bitwise `&` and `|` on purpose: without branches the loops compile to vector code.
#[allow(clippy::needless_bitwise_bool)]
// Inlined into the 16-lane loops, or they do not compile to vector code.
#[allow(clippy::inline_always)]
#[inline(always)]
fn uri_class(b: u8) -> u8 {
    let visible = in_range(b, 0x21, 0x7e - 0x21 + 1);
    // `b | 2` folds `<` onto `>` and `\\` onto `^`.
    let excluded =
        (b == b'"') | ((b | 2) == b'>') | ((b | 2) == b'^') | (b == b'`') | in_range(b, b'{', 3);
    (u8::from(!visible | excluded) * URI_BAD)
        | (u8::from(b == b'%') * URI_PERCENT)
        | (u8::from(b == b'#') * URI_HASH)
}

fn is_absolute_uri(value: &str) -> bool {
    scan_absolute_uri(value).is_some()
}

/// What every redirect URI must be: absolute, without a fragment (RFC 6749
/// 3.1.2), not a scheme that runs or embeds content in the browser. Gives where
/// the scheme ends.
#[inline]
fn redirect_uri_rule(value: &str) -> Result<usize, Rule> {
    let uri = scan_absolute_uri(value).ok_or(Rule::AbsoluteUri)?;
    if uri.fragment {
        return Err(Rule::UriFragment);
    }
    let scheme = &value.as_bytes()[..uri.scheme_end];
    // Compared only with the one unsafe scheme of the same length.
    let unsafe_scheme: &[u8] = match scheme.len() {
        4 => b"data",
        8 => b"vbscript",
        10 => b"javascript",
        _ => return Ok(uri.scheme_end),
    };
    if scheme.eq_ignore_ascii_case(unsafe_scheme) {
        return Err(Rule::UnsafeScheme);
    }
    Ok(uri.scheme_end)
}

/// A plain `http://` URI must name the loopback interface by its IP literal,
/// with at most a port after it (RFC 8252 section 7.3 and 8.3); other schemes
/// pass. `scheme_end` is the index of the `:` after the scheme.
#[inline]
pub(crate) fn plain_http_is_loopback(uri: &str, scheme_end: usize) -> bool {
    let b = uri.as_bytes();
    // `http` in any case, as one word: `| 0x20` makes `h`, `t` and `p` of their
    // capitals and of nothing else.
    let http = match b.get(..4) {
        Some(&[h, t1, t2, p]) if scheme_end == 4 => {
            u32::from_le_bytes([h, t1, t2, p]) | 0x2020_2020 == u32::from_le_bytes(*b"http")
        }
        _ => false,
    };
    if !http {
        return true;
    }
    let Some(rest) = b[scheme_end + 1..].strip_prefix(b"//") else {
        return false;
    };
    is_loopback_literal_authority(rest)
}

/// Whether `rest` (what follows `//`) begins with an authority that is the
/// loopback interface's IP literal, `127.0.0.1` or `[::1]`, with at most a
/// port: the one host plain `http://` may name in this crate.
pub(crate) fn is_loopback_literal_authority(rest: &[u8]) -> bool {
    let after = if let Some(after) = rest.strip_prefix(b"127.0.0.1") {
        after
    } else if let Some(after) = rest.strip_prefix(b"[::1]") {
        after
    } else {
        return false;
    };
    // Nothing after the host but `:` and a port, then the path, query or
    // fragment: `http://127.0.0.1.evil.example/` and `http://[::1]evil.example/`
    // name other hosts.
    let ends_authority = |b: Option<&u8>| matches!(b, None | Some(b'/' | b'?' | b'#'));
    match after.split_first() {
        Some((b':', port)) => {
            let digits = port.iter().take_while(|b| b.is_ascii_digit()).count();
            digits > 0 && ends_authority(port.get(digits))
        }
        _ => ends_authority(after.first()),
    }
}

/// Printable ASCII only (space to `~`): a `state` (RFC 6749 A.5), a device
/// authorization's user code shown to the person.
#[cfg(feature = "login")]
pub(crate) fn is_printable_ascii(value: &str) -> bool {
    value.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// A secret that can go in an HTTP header as it is (the session token, the
/// portal's bearer token): not empty, visible ASCII only. Without an early
/// exit, 16 bytes at a time: these tokens run to a kilobyte or more, and a
/// byte-at-a-time loop made `Logout`'s and the portal's `to_http` twice the
/// time of `http`'s own builder.
#[cfg(any(feature = "sigv4", feature = "cache", feature = "portal"))]
pub(crate) fn is_header_token(value: &[u8]) -> bool {
    // Zero exactly for `!` to `~`: one subtraction and one saturating one.
    let off = |b: u8| b.wrapping_sub(b'!').saturating_sub(b'~' - b'!');
    !value.is_empty() && or_lanes(value, off) == 0
}

/// The DNS suffix of a region's AWS endpoints, by its partition, as the AWS
/// SDKs' endpoint resolvers find it (their `partitions.json`: a partition's
/// region names, then its `regionRegex`, else `aws`): `amazonaws.com.cn` in
/// China, `amazonaws.eu` in the European Sovereign Cloud, the isolated
/// partitions' own, `amazonaws.com` elsewhere.
#[cfg_attr(not(any(feature = "login", feature = "http")), allow(dead_code))]
pub(crate) fn dns_suffix(region: &str) -> &'static str {
    /// Each partition other than `aws` and `aws-us-gov`: its global region's
    /// name, the labels its `regionRegex` begins with (then `\w+-\d+`), and
    /// its DNS suffix.
    const PARTITIONS: [(&str, &str, &str); 6] = [
        ("aws-cn-global", "cn-", "amazonaws.com.cn"),
        ("", "eusc-de-", "amazonaws.eu"),
        ("aws-iso-global", "us-iso-", "c2s.ic.gov"),
        ("aws-iso-b-global", "us-isob-", "sc2s.sgov.gov"),
        ("aws-iso-e-global", "eu-isoe-", "cloud.adc-e.uk"),
        ("aws-iso-f-global", "us-isof-", "csp.hci.ic.gov"),
    ];
    PARTITIONS
        .iter()
        .find(|(global, prefix, _)| in_partition(region, global, prefix))
        .map_or("amazonaws.com", |(_, _, suffix)| suffix)
}

/// Whether `region` is in AWS GovCloud (the `aws-us-gov` partition), whose
/// public endpoints are FIPS endpoints, as the SDKs' resolvers find it.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) fn is_govcloud(region: &str) -> bool {
    in_partition(region, "aws-us-gov-global", "us-gov-")
}

/// Whether `region` is in the partition whose global region is `global` and
/// whose `regionRegex` is `^{prefix}\w+-\d+$`.
fn in_partition(region: &str, global: &str, prefix: &str) -> bool {
    // `\w+-\d+$`: a word (letters, digits, `_`), `-`, digits.
    let word_then_number = |rest: &str| {
        rest.split_once('-').is_some_and(|(word, number)| {
            !word.is_empty()
                && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
        })
    };
    region == global || region.strip_prefix(prefix).is_some_and(word_then_number)
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

/// The fast scans against plain, obviously correct definitions.
#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The plain definition is the point here.
    #[allow(clippy::naive_bytecount)]
    fn jwt_reference(v: &[u8]) -> (bool, usize) {
        let base64url_or_dot =
            |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        (
            v.iter().all(base64url_or_dot),
            v.iter().filter(|&&b| b == b'.').count(),
        )
    }

    /// Every scan agrees with the reference. The portable one, at the width
    /// the crate uses and at twice it: on whether the value passes, and then
    /// on its dots. The compact-JWT verdict (dispatched, which takes AVX2
    /// where the CPU has it; portable; and AVX2 itself): on whether the bytes
    /// pass with 2 or 4 dots.
    fn same_scan(v: &[u8], case: &str) {
        let (ok, dots) = jwt_reference(v);
        for (name, (got_ok, got_dots)) in [
            ("static width", compact_jwt_scan(v)),
            ("16 lanes", jwt_lanes::<16>(v)),
            ("32 lanes", jwt_lanes::<32>(v)),
        ] {
            assert_eq!(got_ok, ok, "{name}: {case}");
            if ok {
                assert_eq!(got_dots, dots, "{name}: {case}");
            }
        }
        let jwt = ok && (dots == 2 || dots == 4);
        assert_eq!(compact_jwt(v), jwt, "dispatch: {case}");
        assert_eq!(portable_compact_jwt(v), jwt, "portable: {case}");
        #[cfg(target_arch = "x86_64")]
        if let Some(verdict) = avx2::compact_jwt(v) {
            assert_eq!(verdict, jwt, "avx2: {case}");
        }
    }

    /// The AVX2 scan is what these tests exercise wherever the CPU has AVX2
    /// (`.ci/run` says whether its machine has), not skipped.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_scan_runs_where_the_cpu_has_it() {
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        assert_eq!(avx2::compact_jwt(&[b'a'; 32]).is_some(), avx2);
        assert_eq!(avx2::compact_jwt(&[b'a'; 31]), None);
    }

    fn uri_reference(value: &str) -> Option<(usize, bool)> {
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
                c if c.is_ascii_alphanumeric() || b"-._~:/?[]@!$&'()*+,;=".contains(&c) => {}
                _ => return None,
            }
            i += 1;
        }
        Some((scheme_end, fragment))
    }

    fn loopback_reference(uri: &str, scheme_end: usize) -> bool {
        if !uri[..scheme_end].eq_ignore_ascii_case("http") {
            return true;
        }
        let Some(rest) = uri[scheme_end + 1..].strip_prefix("//") else {
            return false;
        };
        let authority_end = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let authority = &rest[..authority_end];
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

    /// Strings drawn mostly from the bytes each scan cares about, so that
    /// accepted values and near misses are both common.
    fn near(alphabet: &'static [u8], max_len: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                60 => prop::sample::select(alphabet),
                1 => any::<u8>(),
            ],
            0..max_len,
        )
    }

    const JWT_ALPHABET: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    const URI_ALPHABET: &[u8] = b"abcXYZ019-._~:/?#[]@!$&'()*+,;=%fA";

    #[test]
    fn byte_sum_is_the_sum_of_the_bytes() {
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 40] {
            for fill in [0u8, 1, 0x7F, 0x80, 0xFE, 0xFF] {
                assert_eq!(byte_sum(&vec![fill; len]), len * usize::from(fill));
            }
            // Varied bytes, each in its own position.
            let v: Vec<u8> = (0..len)
                .map(|i| u8::try_from((i * 37 + 11) % 256).unwrap())
                .collect();
            assert_eq!(
                byte_sum(&v),
                v.iter().map(|&b| usize::from(b)).sum::<usize>()
            );
        }
        for b in 0..=u8::MAX {
            let mut v = [0xFFu8; 16];
            v[usize::from(b) % 16] = b;
            assert_eq!(byte_sum(&v), 15 * 255 + usize::from(b));
        }
    }

    #[test]
    fn plain_http_is_told_by_its_scheme_in_any_case_and_nothing_else() {
        // Every byte in every place of the scheme: only `http` in some case is
        // held to the loopback rule (the word compare, against the plain one).
        for at in 0..4 {
            for b in 0..=255u8 {
                let mut uri = b"http://evil.example/cb".to_vec();
                uri[at] = b;
                let Ok(uri) = String::from_utf8(uri) else {
                    continue;
                };
                let is_http = uri.as_bytes()[..4].eq_ignore_ascii_case(b"http");
                assert_eq!(plain_http_is_loopback(&uri, 4), !is_http, "{uri:?}");
            }
        }
        assert!(plain_http_is_loopback("hTtP://127.0.0.1:8400/cb", 4));
        assert!(!plain_http_is_loopback("HTTP://[::1]evil/cb", 4));
        assert!(plain_http_is_loopback("https://evil.example/cb", 5));
    }

    #[test]
    fn jwt_scan_every_byte_in_every_lane() {
        for len in [
            1,
            15,
            16,
            17,
            31,
            32,
            33,
            63,
            64,
            65,
            16 * 255 + 3,
            32 * 255 + 5,
        ] {
            for pos in [0, len / 2, len - 1] {
                for b in 0..=255u8 {
                    // Two dots beside the byte (where there is room), so that
                    // a base64url byte makes a compact JWT and a `.` a third dot.
                    let mut v = vec![b'a'; len];
                    if len >= 3 {
                        v[(pos + 1) % len] = b'.';
                        v[(pos + 2) % len] = b'.';
                    }
                    v[pos] = b;
                    same_scan(&v, &format!("byte {b} at {pos}/{len}"));
                }
            }
        }
        // Dot counts past one lane counter's 255.
        for len in [16 * 255, 16 * 510, 16 * 300 + 7, 32 * 255, 32 * 300 + 5] {
            let dots = vec![b'.'; len];
            assert_eq!(compact_jwt_scan(&dots), (true, len));
            assert_eq!(jwt_lanes::<16>(&dots), (true, len));
            assert_eq!(jwt_lanes::<32>(&dots), (true, len));
            same_scan(&dots, &format!("{len} dots"));
        }
    }

    /// Every byte in every place of a value one or two blocks long (with two
    /// dots beside it, as above), so every lane of the AVX2 scan and of the
    /// overlapping last block sees every byte.
    #[test]
    fn jwt_scan_every_byte_in_every_place() {
        for len in [32, 33, 63, 64, 65] {
            for pos in 0..len {
                for b in 0..=255u8 {
                    let mut v = vec![b'A'; len];
                    v[(pos + 1) % len] = b'.';
                    v[(pos + 2) % len] = b'.';
                    v[pos] = b;
                    same_scan(&v, &format!("byte {b} at {pos}/{len}"));
                }
            }
        }
    }

    /// Bytes that are not base64url, two or more in the same lane, in a value
    /// that is otherwise a compact JWT: a lane's sum must not wrap back to
    /// "allowed" (as 0xF8 + 0x08 or 0x80 + 0x80 would in 8 bits).
    #[test]
    fn stray_bytes_in_one_lane_do_not_cancel() {
        for len in [128, 129, 200, 1144] {
            for pair in [
                [b'{', b'{'],
                [0x80, b' '],
                [0xFF, b'/'],
                [b'@', b'`'],
                [0xC3, 0xA9],
            ] {
                for first in [3, 31, 40] {
                    for stride in [32, 64] {
                        let mut v = vec![b'x'; len];
                        v[1] = b'.';
                        v[2] = b'.';
                        v[first] = pair[0];
                        v[first + stride] = pair[1];
                        same_scan(&v, &format!("{pair:?} at {first} and +{stride} of {len}"));
                        assert!(!compact_jwt(&v), "{pair:?} at {first} of {len}");
                    }
                }
            }
            // Many of them: every lane saturated.
            let mut v = vec![0x80; len];
            v[1] = b'.';
            v[2] = b'.';
            same_scan(&v, &format!("all 0x80 of {len}"));
        }
    }

    /// Dots anywhere, in any lane, in the last, overlapping block or not,
    /// counted once: every pair of places, and 3, 4 and 5 dots on a stride
    /// that puts several in one lane or each in its own.
    #[test]
    fn jwt_dots_in_every_place() {
        for len in [3, 31, 32, 33, 47, 63, 64, 65, 97] {
            for i in 0..len {
                for j in i + 1..len {
                    let mut v = vec![b'Q'; len];
                    v[i] = b'.';
                    v[j] = b'.';
                    same_scan(&v, &format!("dots at {i} and {j} of {len}"));
                }
            }
        }
        for len in [140, 200, 1144] {
            for count in 3..=5 {
                for stride in [1, 7, 31, 32, 33] {
                    for start in [0, 1, len - 1 - stride * (count - 1)] {
                        let mut v = vec![b'z'; len];
                        for k in 0..count {
                            v[start + k * stride] = b'.';
                        }
                        same_scan(
                            &v,
                            &format!("{count} dots from {start} by {stride} of {len}"),
                        );
                    }
                }
            }
        }
    }

    #[cfg(any(feature = "sigv4", feature = "cache", feature = "portal"))]
    #[test]
    fn header_token_is_visible_ascii() {
        assert!(!is_header_token(b""));
        for len in [1, 15, 16, 17, 40, 1_200] {
            for pos in [0, len / 2, len - 1] {
                for b in 0..=255u8 {
                    let mut v = vec![b'Z'; len];
                    v[pos] = b;
                    assert_eq!(
                        is_header_token(&v),
                        b.is_ascii_graphic(),
                        "{b} at {pos}/{len}"
                    );
                }
            }
        }
    }

    #[test]
    fn byte_sets_match_their_definitions() {
        for b in 0..=255u8 {
            let unreserved_ = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
            assert_eq!(unreserved(b), unreserved_, "{b}");
            #[cfg(any(feature = "login", feature = "sigv4"))]
            assert_eq!(unreserved_byte(b), unreserved_, "{b}");
            let uri_char = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
            assert_eq!(uri_class(b) & URI_BAD == 0, uri_char, "{b}");
            assert_eq!(uri_class(b) & URI_PERCENT != 0, b == b'%', "{b}");
            assert_eq!(uri_class(b) & URI_HASH != 0, b == b'#', "{b}");
            let scope = b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
            assert_eq!(is_scope_token(&[b]), scope, "{b}");
            for len in 1..40 {
                for pos in [0, len / 2, len - 1] {
                    let mut v = vec![b'a'; len];
                    v[pos] = b;
                    let not_all = or_lanes(&v, |b| u8::from(!unreserved(b)));
                    let any = or_lanes(&v, |b| u8::from(unreserved(b)));
                    let any_expected = unreserved_ || len > 1;
                    assert_eq!(
                        (not_all, any),
                        (u8::from(!unreserved_), u8::from(any_expected)),
                        "{b} at {pos}/{len}"
                    );
                    assert_eq!(is_scope_token(&v), scope, "{b} at {pos}/{len}");
                }
            }
        }
    }

    /// Every byte value in every place of scopes of 1 to 24 bytes (each of the
    /// word, half-word and three-byte paths, and each overlap), the rest allowed;
    /// and two stray bytes side by side, so that a borrow or carry out of the
    /// first cannot hide the second's verdict, or make one of an allowed byte.
    #[test]
    fn scope_token_check_matches_its_definition_everywhere() {
        let allowed = |b: u8| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
        assert!(!is_scope_token(b""));
        for len in 1..=24 {
            for pos in 0..len {
                for b in 0..=255u8 {
                    for fill in [b'a', b'!', b'~', b'#', b'['] {
                        let mut v = vec![fill; len];
                        v[pos] = b;
                        assert_eq!(
                            is_scope_token(&v),
                            allowed(b),
                            "{b} at {pos}/{len} in {fill}"
                        );
                        if pos + 1 < len {
                            for next in [0x20, 0x21, 0x22, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xff] {
                                v[pos + 1] = next;
                                assert_eq!(
                                    is_scope_token(&v),
                                    allowed(b) && allowed(next),
                                    "{b} then {next} at {pos}/{len}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// The word compare of `https:`/`http:` against the plain scan, for every
    /// byte at every place of either scheme (a case flip, `0x1A` for `:`, and
    /// everything else).
    #[test]
    fn http_scheme_fast_path_matches_reference_for_every_byte() {
        for scheme in [&b"https:"[..], b"http:", b"HTTPS:", b"Http:"] {
            for pos in 0..scheme.len() {
                for b in 0..=255u8 {
                    let mut text = scheme.to_vec();
                    text[pos] = b;
                    text.extend_from_slice(b"//a.example/x");
                    let text = String::from_utf8_lossy(&text);
                    let ours = scan_absolute_uri(&text).map(|u| (u.scheme_end, u.fragment));
                    assert_eq!(
                        ours,
                        uri_reference(&text),
                        "{b:#04x} at {pos} of {scheme:?}"
                    );
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn jwt_scan_matches_reference(v in near(JWT_ALPHABET, 600)) {
            same_scan(&v, "proptest");
        }

        /// Values shaped like compact JWTs: 1 to 7 parts of base64url with
        /// the odd stray byte, joined by dots.
        #[test]
        fn jwt_shaped_values_match_reference(parts in prop::collection::vec(near(&JWT_ALPHABET[..64], 200), 1..8)) {
            same_scan(&parts.join(&b'.'), "proptest, jwt-shaped");
        }

        #[test]
        fn uri_scan_matches_reference(tail in near(URI_ALPHABET, 60), scheme in "(https?|HTTPS?|hTtP[sS]?|[a-zA-Z][a-zA-Z0-9+.-]{0,6}):?") {
            let mut text = scheme.into_bytes();
            text.extend(tail);
            let text = String::from_utf8_lossy(&text);
            let ours = scan_absolute_uri(&text).map(|u| (u.scheme_end, u.fragment));
            prop_assert_eq!(ours, uri_reference(&text));
        }

        #[test]
        fn loopback_rule_matches_reference(
            scheme in "(http|HTTP|https|myapp):",
            slashes in "(//)?",
            host in "(127\\.0\\.0\\.1|\\[::1\\]|localhost|127\\.0\\.0\\.10|)",
            tail in near(b":0123456789/?#@.[]a", 12),
        ) {
            let mut uri = format!("{scheme}{slashes}{host}").into_bytes();
            uri.extend(tail);
            let uri = String::from_utf8_lossy(&uri);
            let scheme_end = scheme.len() - 1;
            prop_assert_eq!(
                plain_http_is_loopback(&uri, scheme_end),
                loopback_reference(&uri, scheme_end)
            );
        }

        #[test]
        fn lanes_and_tables_match_iter_all(v in near(b"abcXYZ019-._~\"\\ ", 40)) {
            let all_unreserved = v.iter().all(|&b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            let any_unreserved = v.iter().any(|&b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            let not_all = or_lanes(&v, |b| u8::from(!unreserved(b)));
            let any = or_lanes(&v, |b| u8::from(unreserved(b)));
            prop_assert_eq!(
                (not_all, any),
                (u8::from(!all_unreserved), u8::from(any_unreserved))
            );
            let scope = v.iter().all(|&b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
            prop_assert_eq!(is_scope_token(&v), scope && !v.is_empty());
        }
    }
}
