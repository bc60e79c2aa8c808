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
    /// The value must not be only whitespace.
    Blank,
    /// `redirect_uri` must be an absolute URI: a scheme, `:`, and only the
    /// characters RFC 3986 allows in a URI (ASCII letters, digits,
    /// `-._~:/?#[]@!$&'()*+,;=` and `%` with two hex digits; RFC 6749 section
    /// 3.1.2).
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
    /// `role_arn` must be `arn:<partition>:iam::<12-digit account>:role/<name>`,
    /// 20 to 2,048 characters (STS `AssumeRole`).
    RoleArn,
    /// `role_session_name` must be 2 to 64 characters of letters, digits and
    /// `+=,.@-_` (STS `AssumeRole`).
    SessionName,
    /// `source_identity` must be 2 to 64 characters of letters, digits and
    /// `+=,.@-_`, not starting with `aws:` (STS `AssumeRole`).
    SourceIdentity,
    /// `duration_seconds` must be 900 to 43,200 (STS `AssumeRole`).
    DurationSeconds,
    /// `policy` must be 1 to 2,048 characters of tab, line feed, carriage return
    /// and U+0020 to U+00FF (STS `AssumeRole`).
    SessionPolicy,
    /// `policy` and the `policy_arn`s together must be at most 2,048 characters
    /// (STS `AssumeRole`: "the plaintext that you use for both inline and
    /// managed session policies").
    SessionPoliciesTotal,
    /// At most 10 `policy_arn`s (STS `AssumeRole`).
    TooManyPolicyArns,
    /// A `policy_arn` must be an ARN (`arn:...`) of 20 to 2,048 visible ASCII
    /// characters (STS `AssumeRole`).
    PolicyArn,
    /// At most 50 tags (STS `AssumeRole`).
    TooManyTags,
    /// A tag key must be 1 to 128 letters, digits, spaces and `_.:/=+-@` (STS
    /// `AssumeRole`).
    TagKey,
    /// A tag value must be at most 256 letters, digits, spaces and `_.:/=+-@`
    /// (STS `AssumeRole`).
    TagValue,
    /// Tag keys must be unique, ignoring case (STS `AssumeRole`).
    DuplicateTagKey,
    /// At most 50 `transitive_tag_key`s (STS `AssumeRole`).
    TooManyTransitiveTagKeys,
    /// `external_id` must be 2 to 1,224 characters of letters, digits and
    /// `+=,.@:/-_` (STS `AssumeRole`).
    ExternalId,
    /// The MFA serial number must be 9 to 256 characters of letters, digits and
    /// `+=/:,.@-_` (STS `AssumeRole` `SerialNumber`).
    MfaSerialNumber,
    /// The MFA token code must be six digits (STS `AssumeRole` `TokenCode`).
    MfaTokenCode,
    /// `minimum_session_token_size` must be at most 4,096 (STS `AssumeRole`).
    MinimumSessionTokenSize,
    /// A registered `grant_type` must be one a public client can use:
    /// `authorization_code`, `refresh_token` or
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    KnownGrantType,
    /// A client registered for `authorization_code` needs a `redirect_uri`.
    RedirectUriRequired,
    /// A plain `http://` redirect URI must point to the loopback interface by
    /// its IP literal, `127.0.0.1` or `[::1]`, with at most a port (RFC 8252
    /// section 7.3, 8.3; `localhost` may resolve elsewhere); elsewhere use
    /// `https://` or a private-use scheme.
    LoopbackHttp,
    /// A region must be lower-case DNS labels of letters, digits and `-`
    /// (`us-east-1`).
    Region,
    /// A `state` must be printable ASCII (RFC 6749 appendix A.5).
    StateChars,
    /// A device authorization's `userCode` must be printable ASCII: it is
    /// shown to the person (no control characters, no terminal escapes).
    UserCodeChars,
    /// A page opened in the person's browser (a device authorization's
    /// `verificationUri`) must be an `https://` URL, or plain `http://` to
    /// `127.0.0.1` or `[::1]`, without a fragment: no other scheme, which a
    /// system's opener would hand to something other than a browser.
    WebPage,
    /// The value could not be generated: the operating system's random source failed.
    RandomSource,
    /// A token (`assertion`, `subject_token`) must not start with white space
    /// (a copy-and-paste or template slip; the service would refuse it).
    LeadingWhitespace,
    /// A token (`assertion`, `subject_token`) must not end with white space (a
    /// line feed read with a file is the usual cause; the service would refuse it).
    TrailingWhitespace,
    /// A token must be given alone, without the `Bearer ` of an `Authorization`
    /// header.
    BearerPrefix,
    /// A redirect URI must not use a scheme that runs or embeds content in the
    /// browser (`javascript:`, `data:`, `vbscript:`).
    UnsafeScheme,
    /// A time written to the SSO token cache must be from 1970 to 9999 (the
    /// `YYYY-MM-DDTHH:MM:SSZ` form every reader of the cache accepts).
    Timestamp,
    /// An explicit scope list for an identity-enhanced session must include
    /// `sts:identity_context` (or send no scope): without it the token carries no
    /// identity context for STS.
    IdentityContextScope,
    /// A resolved start URL must have been resolved from the login's own
    /// `start_url` (`SsoLogin`).
    ResolvedFromStartUrl,
    /// The endpoint's region must be the resolved start URL's region
    /// (`SsoLogin`): the CLI signs in where the portal is.
    ResolvedRegion,
    /// A legacy profile's login (no `sso-session`) signs in with the device
    /// flow, as `aws sso login` does for it: `Flow::Pkce` cannot be chosen.
    LegacyProfileFlow,
    /// A legacy profile (no `sso-session`) has no `sso_registration_scopes`:
    /// the CLI registers it without scopes.
    LegacyProfileScopes,
    /// A token sent in an HTTP header must be visible ASCII only (no space,
    /// no control or non-ASCII character).
    HeaderToken,
    /// An AWS account id is 12 digits.
    AccountId,
    /// An IAM role name is 1 to 64 characters of `A-Z a-z 0-9 + = , . @ - _`.
    RoleName,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "must not be empty",
            Self::Blank => "must not be only whitespace",
            Self::AbsoluteUri => {
                "must be an absolute URI: a scheme, `:`, and only characters RFC 3986 allows (RFC 6749 3.1.2)"
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
            Self::RoleArn => {
                "must be arn:<partition>:iam::<12-digit account>:role/<name>, 20 to 2,048 characters"
            }
            Self::SessionName => "must be 2 to 64 characters of A-Z a-z 0-9 and + = , . @ - _",
            Self::SourceIdentity => {
                "must be 2 to 64 characters of A-Z a-z 0-9 and + = , . @ - _, not starting with `aws:`"
            }
            Self::DurationSeconds => "must be 900 to 43,200 seconds",
            Self::SessionPolicy => {
                "must be 1 to 2,048 characters of tab, line feed, carriage return and U+0020 to U+00FF"
            }
            Self::SessionPoliciesTotal => {
                "with the other session policies (policy and policy_arns together) must be at most 2,048 characters"
            }
            Self::TooManyPolicyArns => "must be at most 10",
            Self::PolicyArn => "must be an ARN of 20 to 2,048 visible ASCII characters",
            Self::TooManyTags | Self::TooManyTransitiveTagKeys => "must be at most 50",
            Self::TagKey => "key must be 1 to 128 letters, digits, spaces and _ . : / = + - @",
            Self::TagValue => "value must be at most 256 letters, digits, spaces and _ . : / = + - @",
            Self::DuplicateTagKey => "key repeats an earlier key (keys are compared ignoring case)",
            Self::ExternalId => {
                "must be 2 to 1,224 characters of A-Z a-z 0-9 and + = , . @ : / - _"
            }
            Self::MfaSerialNumber => {
                "serial number must be 9 to 256 characters of A-Z a-z 0-9 and + = / : , . @ - _"
            }
            Self::MfaTokenCode => "token code must be six digits",
            Self::MinimumSessionTokenSize => "must be at most 4,096 bytes",
            Self::KnownGrantType => {
                "must be authorization_code, refresh_token or urn:ietf:params:oauth:grant-type:device_code"
            }
            Self::RedirectUriRequired => {
                "must be given at least once when authorization_code is registered"
            }
            Self::LoopbackHttp => {
                "must use https, or plain http only to 127.0.0.1 or [::1], not localhost (RFC 8252 7.3, 8.3)"
            }
            Self::Region => {
                "must be lower-case DNS labels of letters, digits and `-` (for example us-east-1)"
            }
            Self::StateChars => "must be printable ASCII (RFC 6749 A.5)",
            Self::UserCodeChars => "must be printable ASCII: it is shown to the person",
            Self::WebPage => {
                "must be an https URL (or plain http to 127.0.0.1 or [::1]) without a fragment: it is opened in the browser"
            }
            Self::RandomSource => {
                "could not be generated: the operating system's random source failed"
            }
            Self::LeadingWhitespace => "has leading whitespace",
            Self::TrailingWhitespace => "has trailing whitespace",
            Self::BearerPrefix => "starts with `Bearer `: give the token alone",
            Self::UnsafeScheme => "must not use the javascript:, data: or vbscript: scheme",
            Self::Timestamp => "must be a time from 1970 to 9999 (written as YYYY-MM-DDTHH:MM:SSZ)",
            Self::IdentityContextScope => {
                "must include `sts:identity_context` when scopes are listed (or list none)"
            }
            Self::ResolvedFromStartUrl => "must be resolved from this login's start_url",
            Self::ResolvedRegion => "must be in the resolved start URL's region",
            Self::LegacyProfileFlow => {
                "must be the device flow for a profile without an sso-session, as `aws sso login` signs it in"
            }
            Self::LegacyProfileScopes => {
                "cannot be set for a profile without an sso-session: the AWS CLI registers it without scopes"
            }
            Self::HeaderToken => {
                "must be visible ASCII only (no space, control or non-ASCII character): it is sent in an HTTP header"
            }
            Self::AccountId => "must be 12 digits",
            Self::RoleName => "must be 1 to 64 characters of A-Z a-z 0-9 and + = , . @ - _",
        })
    }
}

/// Why a JSON body (a token response, an error body or a request) was refused.
///
/// It names the member and the rule, and gives a byte offset for syntax errors. It
/// never contains anything read from the input: not a value, and not an unknown
/// member's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    member: Option<&'static str>,
    offset: Option<usize>,
}

/// What kind of problem a [`ParseError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not the JSON expected here.
    Syntax(Syntax),
    /// A required member is absent (or `null`).
    Missing {
        /// The grant that requires it, for request bodies.
        grant: Option<&'static str>,
    },
    /// A member appears twice.
    Duplicate,
    /// A member that must have content is an empty string (a response's
    /// `accessToken`).
    Empty,
    /// A number that must not be negative is (a response's `expiresIn`).
    Negative,
    /// A request body has a member this crate does not know (its name is not
    /// repeated here; see the offset).
    UnknownMember,
    /// A request body's `grantType` is not one AWS defines.
    UnknownGrantType,
    /// A request body's `grantType` belongs to the other operation.
    WrongOperation {
        /// The grant type found.
        grant_type: &'static str,
        /// The operation that accepts it.
        accepted_by: &'static str,
    },
    /// A request body has a member of another grant.
    NotUsedByGrant {
        /// The grant the body names.
        grant: &'static str,
    },
    /// A request body's members break a content rule `build()` checks.
    Content(BuildError),
}

/// The most this crate reads of one body: an HTTP answer, a cache file, an
/// answer handed to the device poller (token, registration, STS answers and
/// cache files are a few KiB). [`Syntax::TooLarge`] names it.
#[cfg_attr(
    not(any(feature = "reqwest", feature = "ureq", feature = "login")),
    allow(dead_code)
)]
pub(crate) const MAX_READ: usize = 1024 * 1024;

/// A JSON syntax or type problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Syntax {
    /// Expected an object.
    ExpectedObject,
    /// Expected a member name (a string).
    ExpectedKey,
    /// Expected `:` after a member name.
    ExpectedColon,
    /// Expected `,` or the end of the object or array.
    ExpectedCommaOrEnd,
    /// Expected a string.
    ExpectedString,
    /// Expected an array of strings.
    ExpectedArray,
    /// Expected a whole number: a number with a fraction (`3600.5`), or
    /// something else than a number. (A whole number written with a fraction
    /// or an exponent, `3600.0` or `3.6e3`, is read, as the SDK reads it.)
    ExpectedInteger,
    /// An integer does not fit the member's type (32 bits; 64 bits for epoch times).
    IntegerOutOfRange,
    /// Expected a JSON value.
    ExpectedValue,
    /// A malformed number.
    InvalidNumber,
    /// A string has no closing quote.
    UnterminatedString,
    /// A malformed escape sequence.
    InvalidEscape,
    /// A `\u` escape is half of a UTF-16 surrogate pair.
    LoneSurrogate,
    /// A control character appears unescaped in a string.
    ControlCharacter,
    /// A string is not valid UTF-8.
    InvalidUtf8,
    /// Values nest too deeply.
    TooDeep,
    /// Something follows the JSON value (or the XML root element).
    TrailingCharacters,
    /// The XML is malformed (truncated, mismatched tags...).
    InvalidXml,
    /// An XML entity or character reference is unknown or malformed.
    InvalidXmlReference,
    /// An element holds a child element where text was expected.
    UnexpectedElement,
    /// Expected an XML element.
    ExpectedElement,
    /// A timestamp is not ISO 8601 (`2026-11-27T13:00:00Z`).
    InvalidTimestamp,
    /// The body is larger than this crate reads (1 MiB); the offset is the limit.
    TooLarge,
    /// The XML document ends before its root element is closed.
    TruncatedXml,
    /// Something other than white space, a comment or the XML declaration
    /// stands outside the root element.
    ContentOutsideRoot,
    /// A character XML does not allow (a control character, U+FFFE, U+FFFF).
    XmlForbiddenCharacter,
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ExpectedObject => "expected a JSON object",
            Self::ExpectedKey => "expected a member name",
            Self::ExpectedColon => "expected `:` after a member name",
            Self::ExpectedCommaOrEnd => "expected `,` or the end of the object or array",
            Self::ExpectedString => "expected a string",
            Self::ExpectedArray => "expected an array of strings",
            Self::ExpectedInteger => "expected an integer",
            Self::IntegerOutOfRange => "integer out of range",
            Self::ExpectedValue => "expected a JSON value",
            Self::InvalidNumber => "invalid number",
            Self::UnterminatedString => "unterminated string",
            Self::InvalidEscape => "invalid escape sequence",
            Self::LoneSurrogate => "lone UTF-16 surrogate in a \\u escape",
            Self::ControlCharacter => "unescaped control character in a string",
            Self::InvalidUtf8 => "invalid UTF-8 in a string",
            Self::TooDeep => "values nested too deeply",
            Self::TrailingCharacters => "trailing characters after the value",
            Self::InvalidXml => "malformed XML",
            Self::InvalidXmlReference => "unknown or malformed XML entity or character reference",
            Self::UnexpectedElement => "an element where text was expected",
            Self::ExpectedElement => "expected an XML element",
            Self::InvalidTimestamp => "not an ISO 8601 timestamp",
            Self::TooLarge => "larger than the 1 MiB this crate reads",
            Self::TruncatedXml => "the XML ends before its root element is closed",
            Self::ContentOutsideRoot => {
                "only white space, comments and the declaration may stand outside the XML root element"
            }
            Self::XmlForbiddenCharacter => "a character XML does not allow (control character)",
        })
    }
}

impl ParseError {
    pub(crate) fn syntax(syntax: Syntax, offset: usize) -> Self {
        Self {
            kind: ParseErrorKind::Syntax(syntax),
            member: None,
            offset: Some(offset),
        }
    }

    pub(crate) fn new(
        kind: ParseErrorKind,
        member: Option<&'static str>,
        offset: Option<usize>,
    ) -> Self {
        Self {
            kind,
            member,
            offset,
        }
    }

    /// Names the member whose value this error is about (if none is named yet).
    pub(crate) fn in_member(mut self, member: &'static str) -> Self {
        self.member.get_or_insert(member);
        self
    }

    /// Gives the offset of the member this error is about (if none is given yet).
    pub(crate) fn at(mut self, offset: usize) -> Self {
        self.offset.get_or_insert(offset);
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// The member (by its wire name, such as `"accessToken"`) the problem is about.
    #[must_use]
    pub fn member(&self) -> Option<&'static str> {
        self.member
    }

    /// The byte offset in the input where the problem was found.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let member = self.member.unwrap_or("?");
        match &self.kind {
            ParseErrorKind::Syntax(syntax) => match self.member {
                Some(member) => write!(f, "member `{member}`: {syntax}"),
                None => write!(f, "invalid body: {syntax}"),
            },
            ParseErrorKind::Missing { grant: Some(grant) } => {
                write!(
                    f,
                    "missing member `{member}`, required by the {grant} grant"
                )
            }
            ParseErrorKind::Missing { grant: None } => write!(f, "missing member `{member}`"),
            ParseErrorKind::Duplicate => write!(f, "duplicate member `{member}`"),
            ParseErrorKind::Empty => write!(f, "member `{member}` must not be empty"),
            ParseErrorKind::Negative => write!(f, "member `{member}` must not be negative"),
            ParseErrorKind::UnknownMember => f.write_str("unknown member"),
            ParseErrorKind::UnknownGrantType => {
                f.write_str("`grantType` is not a grant type AWS defines")
            }
            ParseErrorKind::WrongOperation {
                grant_type,
                accepted_by,
            } => write!(
                f,
                "grantType `{grant_type}` is a grant of {accepted_by}, not of this operation"
            ),
            ParseErrorKind::NotUsedByGrant { grant } => {
                write!(f, "{member} is not used by the {grant} grant")
            }
            // The problems are the source's text: `source()` returns the `BuildError`.
            ParseErrorKind::Content(_) => f.write_str("request body breaks a content rule"),
        }?;
        if let Some(offset) = self.offset {
            write!(f, " (at byte {offset})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ParseErrorKind::Content(err) => Some(err),
            _ => None,
        }
    }
}

/// A text a server sent (an error's description or code), written into an
/// error message with its control characters and the characters that reorder
/// or break lines escaped (`\n`, `\u{1b}`, `\u{202e}`), and its backslashes
/// doubled (so that an escape shown is one this made), so that an answer
/// cannot forge log lines or hide text around it.
pub(crate) struct ServerText<'a>(pub(crate) &'a str);

impl fmt::Display for ServerText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped = |c: char| {
            c.is_control()
                || matches!(
                    c,
                    '\\' | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
                        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                )
        };
        let mut rest = self.0;
        while let Some(at) = rest.find(escaped) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            write!(f, "{}", c.escape_default())?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// Where a service's message begins to quote the signed request, in any
/// case: AWS's signature refusals (`SignatureDoesNotMatch`,
/// `InvalidSignatureException`) quote the canonical request they expected,
/// header values and all, `x-amz-security-token` among them.
const SIGNED_REQUEST_QUOTES: [&[u8]; 8] = [
    b"canonical string",
    b"canonical request",
    b"canonicalrequest",
    b"string-to-sign",
    b"string to sign",
    b"stringtosign",
    b"x-amz-security-token",
    b"authorization: aws4",
];

/// Whether `rest` begins with one of [`SIGNED_REQUEST_QUOTES`], in any case:
/// only the quotes that begin with its first byte are compared (most bytes
/// begin none), so a message is scanned at about a comparison per byte.
fn quote_at(rest: &[u8]) -> bool {
    let quotes: &[&[u8]] = match rest.first().map(|b| b | 0x20) {
        Some(b'c') => &SIGNED_REQUEST_QUOTES[..3],
        Some(b's') => &SIGNED_REQUEST_QUOTES[3..6],
        Some(b'x') => &SIGNED_REQUEST_QUOTES[6..7],
        Some(b'a') => &SIGNED_REQUEST_QUOTES[7..],
        _ => return false,
    };
    quotes.iter().any(|q| {
        rest.get(..q.len())
            .is_some_and(|r| r.eq_ignore_ascii_case(q))
    })
}

/// Cuts a service's message where it begins to quote the signed request (see
/// [`SIGNED_REQUEST_QUOTES`]), from the start of that sentence or line: the part cut is
/// wiped, so no error, `Display`, `Debug` or accessor can show the session
/// token it may hold; a message left empty is none. Whether anything was cut.
pub(crate) fn withhold_signed_request(text: &mut Option<String>) -> bool {
    let Some(kept) = text.as_deref().and_then(|t| {
        let bytes = t.as_bytes();
        let quote = (0..bytes.len()).find(|&at| quote_at(&bytes[at..]))?;
        // The quote begins with an ASCII byte: a character boundary. The
        // sentence or line it begins in goes with it.
        let head = &t[..quote];
        let sentence = head
            .rfind(['\n', '.'])
            .map_or(0, |at| at + usize::from(head.as_bytes()[at] == b'.'));
        Some(head[..sentence].trim_end().len())
    }) else {
        return false;
    };
    let Some(whole) = text.take() else {
        return false;
    };
    let mut bytes = whole.into_bytes();
    zeroize::Zeroize::zeroize(&mut bytes[kept..]);
    bytes.truncate(kept);
    *text = match String::from_utf8(bytes) {
        Ok(kept) if kept.is_empty() => None,
        Ok(kept) => Some(kept),
        Err(err) => {
            zeroize::Zeroize::zeroize(&mut err.into_bytes());
            None
        }
    };
    true
}

#[cfg(test)]
mod withheld_tests {
    use super::withhold_signed_request;

    /// The scan's first-byte dispatch finds every quote, in any case.
    #[test]
    fn every_quote_is_found_by_its_first_byte() {
        for quote in super::SIGNED_REQUEST_QUOTES {
            assert_eq!(quote.to_ascii_lowercase(), quote);
            assert!(super::quote_at(quote), "{quote:?}");
            assert!(super::quote_at(&quote.to_ascii_uppercase()), "{quote:?}");
            assert!(!super::quote_at(&quote[..quote.len() - 1]), "{quote:?}");
        }
    }

    #[test]
    fn a_quoted_signed_request_is_cut_and_the_rest_kept() {
        for (text, kept, cut) in [
            (
                "The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n'POST\n/token\n\nx-amz-security-token:SECRET\n'",
                Some("The request signature we calculated does not match the signature you provided."),
                true,
            ),
            ("Signature expired: 20260101T000000Z is now earlier than ...", Some("Signature expired: 20260101T000000Z is now earlier than ..."), false),
            ("Denied. Bad X-Amz-Security-Token: SECRET", Some("Denied."), true),
            ("No.\nThe String-to-Sign should have been 'AWS4-HMAC-SHA256 ...'", Some("No."), true),
            ("<CanonicalRequest>POST</CanonicalRequest>", None, true),
            ("canonical string", None, true),
            ("é. é canonical string", Some("é."), true),
            ("", Some(""), false),
        ] {
            let mut message = Some(text.to_owned());
            assert_eq!(withhold_signed_request(&mut message), cut, "{text}");
            assert_eq!(message.as_deref(), kept, "{text}");
        }
        let mut none = None;
        assert!(!withhold_signed_request(&mut none));
        assert_eq!(none, None);
    }
}

#[cfg(test)]
mod server_text_tests {
    use super::ServerText;

    #[test]
    fn control_and_reordering_characters_are_escaped_and_the_rest_kept() {
        for (text, shown) in [
            ("plain text: é ✓", "plain text: é ✓"),
            ("a\nb\r\tc", "a\\nb\\r\\tc"),
            ("\u{1b}[2J", "\\u{1b}[2J"),
            ("x\u{202e}y\u{2028}", "x\\u{202e}y\\u{2028}"),
            ("\u{7f}\u{85}", "\\u{7f}\\u{85}"),
            ("\u{61c}", "\\u{61c}"),
            // A backslash the server wrote is doubled: `\n` as two characters
            // is not shown as an escaped line break.
            ("a\\nb", "a\\\\nb"),
            ("", ""),
        ] {
            assert_eq!(ServerText(text).to_string(), shown, "{text:?}");
        }
    }
}
