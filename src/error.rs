//! Errors from `build()`.

use std::fmt;

/// Why `build()` refused a request: every problem found, not only the first.
///
/// Each problem names the field (by its setter's name) and the rule it breaks. No
/// message ever contains a field's value, so a `BuildError` is safe to log.
///
/// ```
/// use ssooidc_token::{CreateTokenWithIam, Rule};
///
/// let err = CreateTokenWithIam::authorization_code()
///     .client_id("")
///     .code("a-one-time-code")
///     .redirect_uri("https://app.example.com/callback#frag")
///     .code_verifier("too-short")
///     .build()
///     .unwrap_err();
/// let found: Vec<_> = err.problems().iter().map(|p| (p.field(), p.rule())).collect();
/// assert_eq!(found, [
///     ("client_id", &Rule::Empty),
///     ("redirect_uri", &Rule::UriFragment),
///     ("code_verifier", &Rule::CodeVerifier),
/// ]);
/// assert!(!err.to_string().contains("too-short"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    operation: &'static str,
    problems: Vec<Problem>,
}

impl BuildError {
    pub(crate) fn new(operation: &'static str, problems: Vec<Problem>) -> Self {
        Self {
            operation,
            problems,
        }
    }

    /// The problems found, in field order. Never empty.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} request: ", self.operation)?;
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// One field that breaks one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    field: &'static str,
    index: Option<usize>,
    rule: Rule,
}

impl Problem {
    pub(crate) fn new(field: &'static str, index: Option<usize>, rule: Rule) -> Self {
        Self { field, index, rule }
    }

    /// The field, by its setter's name (`"code_verifier"`, `"scope"`...).
    #[must_use]
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// For a list (`scope`), the position of the offending item.
    #[must_use]
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// The rule the field breaks.
    #[must_use]
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field)?;
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        write!(f, " {}", self.rule)
    }
}

/// A rule a field's content must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The value must not be empty.
    Empty,
    /// `redirect_uri` must be an absolute URI: a scheme, `:`, and no space or
    /// control character (RFC 6749 section 3.1.2, RFC 3986).
    AbsoluteUri,
    /// `redirect_uri` must not have a fragment (RFC 6749 section 3.1.2).
    UriFragment,
    /// `code_verifier` must be 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`
    /// (RFC 7636 section 4.1).
    CodeVerifier,
    /// `assertion` must be a compact JWT: 3 (JWS) or 5 (JWE) dot-separated parts of
    /// base64url characters, the first not empty (RFC 7519, RFC 7523).
    CompactJwt,
    /// A scope must be a non-empty RFC 6749 scope-token: printable ASCII without
    /// space, `"` or `\` (RFC 6749 section 3.3).
    ScopeToken,
    /// A token type must be one this crate knows; an unknown URI kept from a parsed
    /// response cannot be sent.
    KnownTokenType,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "must not be empty",
            Self::AbsoluteUri => {
                "must be an absolute URI with a scheme and no space or control character (RFC 6749 3.1.2)"
            }
            Self::UriFragment => "must not contain a fragment `#` (RFC 6749 3.1.2)",
            Self::CodeVerifier => {
                "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 4.1)"
            }
            Self::CompactJwt => {
                "must be a compact JWT: 3 or 5 dot-separated base64url parts (RFC 7519, RFC 7523)"
            }
            Self::ScopeToken => {
                "must be a non-empty scope-token of printable ASCII without space, `\"` or `\\` (RFC 6749 3.3)"
            }
            Self::KnownTokenType => "must be a token type this crate knows",
        })
    }
}
