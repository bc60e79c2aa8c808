//! `CacheError`: why a cache file could not be found, read, understood or written.

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why the cache refused a file, or could not read or write one.
///
/// It names the file (when there is one), the member (when one is at fault) and
/// the rule, and never holds anything read from the file: no value, and not the
/// name of a member this crate does not know. The underlying [`std::io::Error`] or
/// [`ParseError`](crate::ParseError) is its [`source`](Error::source).
///
/// ```
/// use ssooidc_token::cache::{CacheErrorKind, CacheKey, TokenCache};
///
/// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-error-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let cache = TokenCache::new(&dir);
/// let key = CacheKey::session("dev");
/// std::fs::write(dir.join(key.file_name()), r#"{"accessToken":"s3cr3t","expiresAt":"soon"}"#)?;
///
/// let err = cache.load(&key).unwrap_err();
/// assert_eq!(err.kind(), &CacheErrorKind::Timestamp);
/// assert_eq!(err.member(), Some("expiresAt"));
/// assert!(err.to_string().contains("34c6fceca75e456f25e7e99531e2425c6c1de443.json"));
/// assert!(!err.to_string().contains("soon") && !err.to_string().contains("s3cr3t"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CacheError {
    kind: CacheErrorKind,
    file: Option<PathBuf>,
    member: Option<&'static str>,
    source: Option<Box<dyn Error + Send + Sync + 'static>>,
}

/// What kind of problem a [`CacheError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheErrorKind {
    /// No home directory: `HOME` is unset or empty, and so are `USERPROFILE` and
    /// `HOMEDRIVE` + `HOMEPATH` (Windows), or the user has no absolute home in
    /// `/etc/passwd` (Linux); other systems look nowhere else.
    NoHome,
    /// The file (or its directory) could not be read; the source is the I/O error.
    Read,
    /// The file could not be written (temporary file, flush or rename); the
    /// source is the I/O error.
    Write,
    /// The cache directory could not be created; the source is the I/O error.
    CreateDirectory,
    /// The file could not be removed; the source is the I/O error.
    Remove,
    /// The lock file beside the token could not be opened or locked.
    Lock,
    /// The file is larger than 1 MiB, far more than any tool writes.
    TooLarge,
    /// The file is not a JSON object, or (with a [`member`](CacheError::member))
    /// that member's value is not well-formed JSON (a bad escape, invalid
    /// UTF-8, a string cut short); the source is the
    /// [`ParseError`](crate::ParseError) with its byte offset.
    Syntax,
    /// A required member is missing (or `null`).
    Missing,
    /// A known member holds something other than a JSON string (or, for `scopes`
    /// and `grantTypes`, an array of strings).
    NotString,
    /// A known member appears twice (names are compared ignoring ASCII case).
    Duplicate,
    /// A time member is not an RFC 3339 timestamp.
    Timestamp,
    /// A member that must not be empty is empty: a token's `accessToken`, a
    /// registration's `clientId` or `clientSecret`. (A token's empty
    /// `refreshToken`, `clientId` or `clientSecret` reads as absent.)
    Empty,
    /// A time cannot be written as `YYYY-MM-DDTHH:MM:SSZ`: it is before 1970 or
    /// after 9999.
    OutOfRange,
}

impl CacheError {
    pub(crate) fn new(kind: CacheErrorKind) -> Self {
        Self {
            kind,
            file: None,
            member: None,
            source: None,
        }
    }

    pub(crate) fn io(kind: CacheErrorKind, file: &Path, source: std::io::Error) -> Self {
        Self::new(kind).file(file).source(source)
    }

    pub(crate) fn for_member(kind: CacheErrorKind, member: &'static str) -> Self {
        Self {
            member: Some(member),
            ..Self::new(kind)
        }
    }

    pub(crate) fn file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    pub(crate) fn source(mut self, source: impl Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of problem this is.
    #[must_use]
    pub fn kind(&self) -> &CacheErrorKind {
        &self.kind
    }

    /// The file at fault, when there is one.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The member at fault, by its name in the file (`"expiresAt"`), when one is.
    #[must_use]
    pub fn member(&self) -> Option<&'static str> {
        self.member
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "sso cache file `{}`", file.display())?,
            None => f.write_str("sso cache")?,
        }
        if let Some(member) = self.member {
            write!(f, ": member `{member}`")?;
        }
        f.write_str(match self.kind {
            CacheErrorKind::NoHome => {
                ": no home directory (HOME is unset or empty; on Windows so are USERPROFILE and HOMEDRIVE+HOMEPATH, on Linux /etc/passwd has none)"
            }
            CacheErrorKind::Read => " could not be read",
            CacheErrorKind::Write => " could not be written",
            CacheErrorKind::CreateDirectory => ": its directory could not be created",
            CacheErrorKind::Remove => " could not be removed",
            CacheErrorKind::Lock => ": its lock file could not be locked",
            CacheErrorKind::TooLarge => " is larger than 1 MiB",
            // In a member: its value (a string's escape, its UTF-8, its end).
            CacheErrorKind::Syntax if self.member.is_some() => " is not well-formed JSON",
            CacheErrorKind::Syntax => " is not a JSON object",
            CacheErrorKind::Missing => " is missing",
            CacheErrorKind::NotString => " must be a JSON string (scopes, grantTypes: an array of strings)",
            CacheErrorKind::Duplicate => " appears twice (names are compared ignoring case)",
            CacheErrorKind::Timestamp => {
                " must be an RFC 3339 timestamp: YYYY-MM-DDTHH:MM:SS[.fraction] then Z, UTC or an offset"
            }
            CacheErrorKind::Empty => " must not be empty",
            CacheErrorKind::OutOfRange => " must be a time from 1970 to 9999",
        })
    }
}

impl Error for CacheError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn Error + 'static))
    }
}
