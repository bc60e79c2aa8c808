//! `TokenCache`: the cache directory, and reading and atomically replacing its files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use super::{
    CacheError, CacheErrorKind, CacheKey, CachedRegistration, CachedToken, RegistrationKey,
};

/// The largest file read: far more than any tool writes (a token file is about
/// 2 KiB); the crate's one read limit.
const MAX_FILE: u64 = crate::error::MAX_READ as u64;

/// The SSO token cache directory: where `aws sso login` writes tokens and client
/// registrations, and where the AWS CLI, botocore and the AWS SDKs read them.
///
/// Reading parses the file with the crate's own JSON reader from one zeroizing
/// buffer of the file's size (and one spare byte, so that one read sees the
/// end; never reallocated). Writing builds the file in one exact-size
/// zeroizing buffer and replaces the old file atomically: a temporary file in the
/// same directory (mode 0600 on Unix), written, flushed to disk, renamed over the
/// target; the directory is created (0700 on Unix) when missing. A reader, or a
/// crash, sees the old file or the new one, never part of one.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};
/// use ssooidc_token::ExposeSecret;
///
/// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-cache-{}", std::process::id()));
/// let cache = TokenCache::new(&dir); // or TokenCache::default_location()?
/// let key = CacheKey::session("dev");
/// assert!(cache.load(&key)?.is_none());
///
/// let token = CachedToken::builder()
///     .access_token("aoaAAAAAGYm-access")
///     .expires_at(SystemTime::now() + Duration::from_secs(3600))
///     .build()?;
/// cache.store(&key, &token)?;
/// let loaded = cache.load(&key)?.expect("just stored");
/// assert_eq!(loaded.access_token().expose_secret(), "aoaAAAAAGYm-access");
///
/// cache.remove(&key)?;
/// assert!(cache.load(&key)?.is_none());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// A cache in `dir` (created when first written).
    ///
    /// ```
    /// use ssooidc_token::cache::TokenCache;
    ///
    /// let cache = TokenCache::new("/tmp/sso-cache");
    /// assert_eq!(cache.dir(), std::path::Path::new("/tmp/sso-cache"));
    /// ```
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory every AWS tool uses: `~/.aws/sso/cache`, home being `HOME`.
    /// Without `HOME`: on Windows `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`
    /// (the order `aws-config`, the Rust SDK, looks in); on Linux the real
    /// user's home in `/etc/passwd`, where the AWS CLI (Python's
    /// `os.path.expanduser`) finds it for a local user; on other systems none.
    /// On purpose, where the CLI would write somewhere no one means, this
    /// refuses: an empty `HOME` counts as unset (the CLI would use
    /// `/.aws/sso/cache`), and an empty or relative home in `/etc/passwd` as
    /// none. On Windows the AWS CLI reads `USERPROFILE` alone: where `HOME`
    /// differs from it (MSYS2, Cygwin), give the CLI's folder to
    /// [`new`](Self::new) to share its logins.
    ///
    /// ```
    /// use ssooidc_token::cache::TokenCache;
    ///
    /// if let Ok(cache) = TokenCache::default_location() {
    ///     assert!(cache.dir().ends_with(".aws/sso/cache"));
    /// }
    /// ```
    ///
    /// # Errors
    /// [`CacheErrorKind::NoHome`] when none of those gives a home.
    pub fn default_location() -> Result<Self, CacheError> {
        let home = home_dir().ok_or_else(|| CacheError::new(CacheErrorKind::NoHome))?;
        Ok(Self::new(home.join(".aws").join("sso").join("cache")))
    }

    /// The cache directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the token of `key` is (or would be) stored.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, TokenCache};
    ///
    /// let path = TokenCache::new("/c").token_path(&CacheKey::session("dev"));
    /// assert!(path.ends_with("34c6fceca75e456f25e7e99531e2425c6c1de443.json"));
    /// ```
    #[must_use]
    pub fn token_path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// Where the registration of `key` is (or would be) stored.
    ///
    /// ```
    /// use ssooidc_token::cache::{RegistrationKey, TokenCache};
    ///
    /// let key = RegistrationKey::new("https://d-abc123.awsapps.com/start", "us-west-2", None, None);
    /// let path = TokenCache::new("/c").registration_path(&key);
    /// assert!(path.ends_with("d75f79f67bab3f92a2b1450471c0c2574de0dca4.json"));
    /// ```
    #[must_use]
    pub fn registration_path(&self, key: &RegistrationKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// Reads the token of `key`: `Ok(None)` when there is no such file.
    ///
    /// Accepts what any AWS tool ever wrote: times ending in `Z`, `UTC` or an
    /// offset, with or without fractions; member names in any case. A member this
    /// crate does not know is kept, to be written back by [`store`](Self::store).
    /// A known member holding `null` counts as absent; one holding another
    /// non-string value is an error (`aws-config` ignores it; here the file is
    /// refused rather than silently rewritten without it).
    ///
    /// # Errors
    /// A [`CacheError`] naming the file, the member and the rule: the file could
    /// not be read, is over 1 MiB, is not a JSON object, lacks `accessToken` or
    /// `expiresAt`, has a member of the wrong type, twice, or a time that is not
    /// RFC 3339.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, TokenCache};
    /// use ssooidc_token::ExposeSecret;
    ///
    /// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-load-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let cache = TokenCache::new(&dir);
    /// let key = CacheKey::session("dev");
    /// assert!(cache.load(&key)?.is_none()); // not logged in
    /// // As the AWS CLI wrote it before December 2020:
    /// std::fs::write(cache.token_path(&key), r#"{"startUrl": "https://d-1.awsapps.com/start",
    ///     "region": "us-east-1", "accessToken": "aoaA-token", "expiresAt": "2030-01-01T00:00:00UTC"}"#)?;
    /// let token = cache.load(&key)?.expect("written above");
    /// assert_eq!(token.access_token().expose_secret(), "aoaA-token");
    /// assert_eq!(token.region(), Some("us-east-1"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(&self, key: &CacheKey) -> Result<Option<CachedToken>, CacheError> {
        read_parsed(&self.token_path(key), CachedToken::from_json)
    }

    /// Writes `token` as the token of `key`, atomically, times as
    /// `YYYY-MM-DDTHH:MM:SSZ` (the one form every reader accepts).
    ///
    /// # Errors
    /// A [`CacheError`] naming the file: the directory could not be created or the
    /// file could not be written (the temporary file is removed).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};
    ///
    /// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-store-{}", std::process::id()));
    /// let cache = TokenCache::new(&dir); // created (0700) when missing
    /// let key = CacheKey::session("dev");
    /// let token = CachedToken::builder()
    ///     .access_token("aoaA-token")
    ///     .expires_at(UNIX_EPOCH + Duration::from_millis(1_893_456_000_500))
    ///     .build()?;
    /// cache.store(&key, &token)?;
    /// assert_eq!(
    ///     std::fs::read_to_string(cache.token_path(&key))?,
    ///     r#"{"accessToken":"aoaA-token","expiresAt":"2030-01-01T00:00:00Z"}"#
    /// );
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn store(&self, key: &CacheKey, token: &CachedToken) -> Result<(), CacheError> {
        write_atomic(&self.dir, &key.file_name(), &token.to_file())
    }

    /// Deletes the token of `key`; no file is not an error.
    ///
    /// # Errors
    /// [`CacheErrorKind::Remove`] naming the file, with the I/O error as source.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, TokenCache};
    ///
    /// let cache = TokenCache::new(std::env::temp_dir().join("ssooidc-doc-remove-none"));
    /// cache.remove(&CacheKey::session("never-stored"))?; // nothing to remove: fine
    /// # Ok::<(), ssooidc_token::cache::CacheError>(())
    /// ```
    pub fn remove(&self, key: &CacheKey) -> Result<(), CacheError> {
        remove_file(&self.token_path(key))
    }

    /// Reads the client registration of `key`: `Ok(None)` when there is no such
    /// file. Read as tolerantly as [`load`](Self::load).
    ///
    /// ```
    /// use ssooidc_token::cache::{CachedRegistration, RegistrationKey, TokenCache};
    /// use ssooidc_token::login::{RegisterClient, RegisterClientResponse};
    ///
    /// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-reg-{}", std::process::id()));
    /// let cache = TokenCache::new(&dir);
    /// let key = RegistrationKey::new("https://d-abc123.awsapps.com/start", "us-east-1", None, Some("dev"));
    /// let request = RegisterClient::builder().client_name("botocore-client-dev").build()?;
    /// let answer = RegisterClientResponse::from_json(br#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":4102444800}"#)?;
    /// cache.store_registration(&key, &CachedRegistration::from_response(&request, &answer)?)?;
    /// assert_eq!(cache.load_registration(&key)?.unwrap().client_id(), "c");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`load`](Self::load); the required members are `clientId`,
    /// `clientSecret` and `expiresAt`.
    pub fn load_registration(
        &self,
        key: &RegistrationKey,
    ) -> Result<Option<CachedRegistration>, CacheError> {
        read_parsed(&self.registration_path(key), CachedRegistration::from_file)
    }

    /// Writes `registration` as the registration of `key`, atomically.
    ///
    /// # Errors
    /// As [`store`](Self::store).
    pub fn store_registration(
        &self,
        key: &RegistrationKey,
        registration: &CachedRegistration,
    ) -> Result<(), CacheError> {
        write_atomic(&self.dir, &key.file_name(), &registration.to_file())
    }
}

/// Deletes `path`; a file already gone is not an error.
pub(super) fn remove_file(path: &Path) -> Result<(), CacheError> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => {
            Err(CacheError::io(CacheErrorKind::Remove, path, err))
        }
        _ => Ok(()),
    }
}

/// The pauses before reading again a file that is not whole JSON: a tool that
/// writes in place (aws-config truncates the file, then writes it) may be
/// halfway through. At most 31 ms in all, spent only on such a file (on the
/// calling thread, also for the async `SsoSession::token`, whose file reads
/// block as well).
const REREAD_AFTER: [Duration; 3] = [
    Duration::from_millis(1),
    Duration::from_millis(5),
    Duration::from_millis(25),
];

/// Reads and parses a file (`None` when it does not exist); a file that looks
/// cut off (see [`cut_off`]) is read again after each of the [`REREAD_AFTER`]
/// pauses before its error counts. Errors name the file.
pub(super) fn read_parsed<T>(
    path: &Path,
    mut parse: impl FnMut(&[u8]) -> Result<T, CacheError>,
) -> Result<Option<T>, CacheError> {
    let mut pauses = REREAD_AFTER.iter();
    loop {
        let Some(bytes) = read_file(path)? else {
            return Ok(None);
        };
        match parse(&bytes) {
            Err(err) if cut_off(&err, &bytes) => match pauses.next() {
                Some(&wait) => std::thread::sleep(wait),
                None => return Err(err.file(path)),
            },
            parsed => return parsed.map(Some).map_err(|err| err.file(path)),
        }
    }
}

/// Whether `err`, from parsing `bytes`, is what a file halfway through an
/// in-place write may give (a writer that truncates first leaves a prefix of
/// the new file): any error in bytes that do not end with the object's `}`
/// (an empty file; JSON that stops short, even where a member's value is
/// missing), or a syntax error at their very end. A file that ends as a whole
/// object does, and is wrong before its end, is not read again.
fn cut_off(err: &CacheError, bytes: &[u8]) -> bool {
    let syntax_at_end = *err.kind() == CacheErrorKind::Syntax
        && std::error::Error::source(err)
            .and_then(|source| source.downcast_ref::<crate::ParseError>())
            .and_then(crate::ParseError::offset)
            .is_some_and(|offset| offset >= bytes.len());
    syntax_at_end || bytes.trim_ascii_end().last() != Some(&b'}')
}

/// `O_NONBLOCK` where its value is known without the `libc` crate: opening a
/// FIFO with it does not wait for a writer (and it changes nothing for a
/// regular file). Elsewhere on Unix, `None`: the path is looked at first.
#[cfg(unix)]
const O_NONBLOCK: Option<i32> = if cfg!(all(
    any(target_os = "linux", target_os = "android"),
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv32",
        target_arch = "riscv64",
        target_arch = "powerpc",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64"
    )
)) {
    Some(0o4000)
} else if cfg!(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
)) {
    Some(0x4)
} else {
    None
};

/// Reads a whole file into a zeroizing buffer of its exact size; `None` when it
/// does not exist. Anything but a regular file (or a link to one) is a
/// [`CacheErrorKind::Read`] error, found without waiting: opening a FIFO would
/// wait for a writer, so on Unix it is opened with [`O_NONBLOCK`] (or, where
/// that value is not known, looked at before it is opened), and the open file
/// is checked.
pub(super) fn read_file(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, CacheError> {
    let read_error = |err| CacheError::io(CacheErrorKind::Read, path, err);
    let not_regular = || read_error(io::Error::other("not a regular file"));
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    match O_NONBLOCK {
        Some(flag) => {
            std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, flag);
        }
        None => match fs::metadata(path) {
            Ok(meta) if !meta.is_file() => return Err(not_regular()),
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(read_error(err)),
        },
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(read_error(err)),
    };
    // A tool that writes in place (aws-config, older CLIs) can grow the file
    // while it is read: start over then, a few times. One byte more than the size is
    // asked for, in the same `read`: a file that did not grow fills all but that
    // byte, and needs no second call to see its end.
    for _ in 0..3 {
        let meta = file.metadata().map_err(read_error)?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        let len = meta.len();
        if len > MAX_FILE {
            return Err(CacheError::new(CacheErrorKind::TooLarge).file(path));
        }
        let len = usize::try_from(len).unwrap_or(0);
        // Zeroed by `resize` (a plain `memset`), not by the allocator.
        let mut buf = Zeroizing::new(Vec::with_capacity(len + 1));
        buf.resize(len + 1, 0);
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => {
                    filled += n;
                    // A short read that brings the size the metadata gave is the
                    // end of a regular file: no call to confirm it.
                    if filled == len {
                        break;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(read_error(err)),
            }
        }
        if filled <= len {
            // Shrinking only shortens the length: no reallocation (the spare
            // byte is wiped with the rest when the buffer drops).
            buf.truncate(filled);
            return Ok(Some(buf));
        }
        file.seek(SeekFrom::Start(0)).map_err(read_error)?;
    }
    Err(read_error(io::Error::other(
        "the file kept growing while it was read",
    )))
}

/// Creates the cache directory (0700 on Unix) when missing.
pub(super) fn create_dir(dir: &Path) -> Result<(), CacheError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|err| CacheError::io(CacheErrorKind::CreateDirectory, dir, err))
}

/// Replaces `dir/name` with `bytes`: a new temporary file in the same directory
/// (mode 0600 on Unix), written, flushed to disk, renamed over the target. On
/// error the temporary file is removed and the old file is left as it was.
pub(super) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), CacheError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    create_dir(dir)?;
    let target = dir.join(name);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Unique within the process (counter) and across processes (pid); not a
    // `.json` name, so no reader takes it for a token (`aws sso logout` reads
    // every file, and would delete one left by a crash: harmless).
    let temp = dir.join(format!(
        ".{name}.tmp-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&temp)
        .map_err(|err| CacheError::io(CacheErrorKind::Write, &target, err))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            rename(&temp, &target)
        });
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(CacheError::io(CacheErrorKind::Write, &target, err));
    }
    // Make the rename itself durable; a directory cannot be opened for this
    // everywhere (Windows), and the file is already in place, so this is best
    // effort.
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// `fs::rename`. On Windows a reader that has the target open (without
/// `FILE_SHARE_DELETE`, as `std` opens files) makes the replace fail for that
/// moment: try a few more times before giving up.
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(windows)]
    for _ in 0..20 {
        match fs::rename(from, to) {
            Err(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
    fs::rename(from, to)
}

/// The home directory [`TokenCache::default_location`] uses.
pub(super) fn home_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(home) = var("HOME") {
        return Some(home.into());
    }
    if cfg!(windows) {
        return var("USERPROFILE")
            .or_else(|| {
                let mut drive = var("HOMEDRIVE")?;
                drive.push(var("HOMEPATH")?);
                Some(drive)
            })
            .map(PathBuf::from);
    }
    passwd_home()
}

/// The real user's home in `/etc/passwd` (the first entry with its uid, as
/// glibc's `getpwuid` reads the file), or `None`: no entry (a user from LDAP or
/// another source), an empty or relative home, or a file that cannot be read.
#[cfg(target_os = "linux")]
fn passwd_home() -> Option<PathBuf> {
    // `Uid:` then the real, effective, saved and file-system uids.
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    passwd_entry_home(&fs::read_to_string("/etc/passwd").ok()?, uid)
}

#[cfg(not(target_os = "linux"))]
fn passwd_home() -> Option<PathBuf> {
    None
}

/// The home of the first `name:password:uid:gid:gecos:home:shell` line with
/// `uid`, when absolute. As glibc's files database: white space before a line
/// is skipped, and so are empty lines and `#` comments; the uid is a number
/// (`01000` is 1000).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn passwd_entry_home(passwd: &str, uid: u32) -> Option<PathBuf> {
    let home = passwd.lines().find_map(|line| {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split(':');
        (fields.nth(2)?.parse::<u32>().ok()? == uid).then(|| fields.nth(2))?
    })?;
    home.starts_with('/').then(|| PathBuf::from(home))
}

#[cfg(test)]
mod tests {
    use super::{passwd_entry_home, read_parsed, CacheErrorKind, CachedToken, REREAD_AFTER};
    use secrecy::ExposeSecret;
    use std::path::Path;

    const WHOLE: &str = r#"{"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z"}"#;

    /// A file caught halfway through an in-place write (empty, then cut off)
    /// is read again, and its whole form is what loads; a file that stays
    /// broken is a syntax error after the pauses, naming the file.
    #[test]
    fn a_file_caught_halfway_through_a_write_is_read_again() {
        let dir = std::env::temp_dir().join(format!("ssooidc-reread-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.json");
        // Empty; cut in a string; cut where a value should be (not a syntax
        // error: the member's value is missing).
        for partial in ["", &WHOLE[..WHOLE.len() / 2], &WHOLE[..15]] {
            std::fs::write(&path, partial).unwrap();
            let mut reads = Vec::new();
            let loaded = read_parsed(&path, |bytes| {
                reads.push(bytes.len());
                let parsed = CachedToken::from_json(bytes);
                // The writer finishes while this reader pauses.
                std::fs::write(&path, WHOLE).unwrap();
                parsed
            })
            .unwrap()
            .unwrap();
            assert_eq!(loaded.access_token().expose_secret(), "a");
            assert_eq!(reads, [partial.len(), WHOLE.len()]);
        }

        // A file that stays broken: read once when it ends as an object does
        // (broken before its end, or a member missing), else after each pause.
        let missing = r#"{"expiresAt":"2030-01-01T00:00:00Z"}"#;
        let semicolons = WHOLE.replace(':', ";");
        for (text, kind, expected_reads) in [
            (semicolons.as_str(), CacheErrorKind::Syntax, 1),
            (missing, CacheErrorKind::Missing, 1),
            (&WHOLE[..10], CacheErrorKind::Syntax, 1 + REREAD_AFTER.len()),
        ] {
            std::fs::write(&path, text).unwrap();
            let mut reads = 0;
            let err = read_parsed(&path, |bytes| {
                reads += 1;
                CachedToken::from_json(bytes)
            })
            .unwrap_err();
            assert_eq!(*err.kind(), kind, "{text}");
            assert_eq!(err.path(), Some(path.as_path()));
            assert_eq!(reads, expected_reads, "{text}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn passwd_home_is_the_first_entry_with_the_uid() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      #old:x:1000:1000::/home/old:/bin/sh\n\
                      \n\
                      short:x\n\
                      \x20 me:x:01000:1000:Me,,,:/home/me:/bin/sh\n\
                      again:x:1000:1000::/home/again:/bin/sh\n\
                      empty:x:1001:1001:::/bin/sh\n\
                      relative:x:1002:1002::home/rel:/bin/sh\n\
                      word:x:abc:1003::/home/word:/bin/sh\n";
        let home = |uid| passwd_entry_home(passwd, uid);
        assert_eq!(home(1000).as_deref(), Some(Path::new("/home/me")));
        assert_eq!(home(0).as_deref(), Some(Path::new("/root")));
        assert_eq!(home(1001), None);
        assert_eq!(home(1002), None);
        assert_eq!(home(100), None);
        assert_eq!(home(1003), None);
    }
}
