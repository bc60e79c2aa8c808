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
        if value.is_empty() {
            self.fail(field, None, Rule::Empty);
            return false;
        }
        if value.trim().is_empty() {
            self.fail(field, None, Rule::Blank);
            return false;
        }
        true
    }

    pub(crate) fn secret(&mut self, field: &'static str, value: &SecretString) {
        self.non_empty(field, value.expose_secret());
    }

    pub(crate) fn redirect_uri(&mut self, value: &str) {
        if !self.non_empty("redirect_uri", value) {
            return;
        }
        if !is_absolute_uri(value) {
            self.fail("redirect_uri", None, Rule::AbsoluteUri);
        } else if value.contains('#') {
            self.fail("redirect_uri", None, Rule::UriFragment);
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
        let v = value.expose_secret();
        if !self.non_empty("assertion", v) {
            return;
        }
        let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        let parts = v.split('.').count();
        let header_empty = v.starts_with('.');
        if !(parts == 3 || parts == 5)
            || header_empty
            || !v.bytes().all(|b| b == b'.' || base64url(b))
        {
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

/// RFC 3986 absolute URI, loosely: `scheme ":" rest`, where the scheme is
/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`, the rest is not empty, and nothing
/// is a space or control character.
fn is_absolute_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    let scheme_ok = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    scheme_ok && !rest.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control())
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
