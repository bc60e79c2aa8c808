//! The AWS CLI's cache of SSO role credentials (`~/.aws/cli/cache`), with
//! feature `portal`: what the CLI keeps of each `GetRoleCredentials` answer, so
//! that one answer serves every command until it is 15 minutes from expiring.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::file::{read_parsed, remove_file, write_atomic};
use super::format::{self, read_members, read_nested, required};
use super::key::{python_string, sha1_hex};
use super::{cli_credentials_dir, CacheError, CacheErrorKind};
use crate::json::Reader;
use crate::wire::{self, Members, Value, Visit};
use crate::SessionCredentials;

/// How close to their expiry the AWS CLI stops using cached role credentials
/// and fetches new ones: 15 minutes (`CachedCredentialFetcher`'s
/// `DEFAULT_EXPIRY_WINDOW_SECONDS`).
pub const CLI_EXPIRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Where the AWS CLI caches one SSO role's credentials: the SHA-1 of the
/// account, the role, and the `sso-session` (or, for a legacy profile, the
/// start URL), as `SSOCredentialFetcher._create_cache_key` computes it.
///
/// ```
/// use ssooidc_token::cache::RoleCredentialsKey;
///
/// let key = RoleCredentialsKey::session("my-sso", "123456789012", "ReadOnly");
/// assert_eq!(key.file_name(), "31b260dab331b2af063485cea75f7b8b3cf54c71.json");
/// assert_eq!(key.account_id(), "123456789012");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleCredentialsKey {
    account_id: String,
    hex: String,
}

impl RoleCredentialsKey {
    /// The key of `role_name` in `account_id` for a profile with an
    /// `sso-session` named `session_name`. (The CLI takes an empty session
    /// name for none, and keys by the start URL then: use
    /// [`start_url`](Self::start_url) for that profile.)
    #[must_use]
    pub fn session(session_name: &str, account_id: &str, role_name: &str) -> Self {
        Self::new(account_id, role_name, "sessionName", session_name)
    }

    /// The key of `role_name` in `account_id` for a legacy profile (its own
    /// `sso_start_url`, no `sso-session`).
    #[must_use]
    pub fn start_url(start_url: &str, account_id: &str, role_name: &str) -> Self {
        Self::new(account_id, role_name, "startUrl", start_url)
    }

    /// `json.dumps(args, sort_keys=True, separators=(',', ':'))`, hashed.
    fn new(account_id: &str, role_name: &str, login: &'static str, value: &str) -> Self {
        let mut text = String::from("{\"accountId\":");
        python_string(&mut text, account_id);
        text.push_str(",\"roleName\":");
        python_string(&mut text, role_name);
        text.push_str(",\"");
        text.push_str(login);
        text.push_str("\":");
        python_string(&mut text, value);
        text.push('}');
        Self {
            account_id: account_id.to_owned(),
            hex: sha1_hex(text.as_bytes()),
        }
    }

    /// The file's name: 40 lower-case hex digits and `.json`.
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}.json", self.hex)
    }

    /// The account, written into the file as `AccountId` (as the CLI does).
    #[must_use]
    pub fn account_id(&self) -> &str {
        &self.account_id
    }
}

/// The AWS CLI's cache of SSO role credentials: a directory (usually
/// `~/.aws/cli/cache`) of JSON files, one per role, that the CLI reads before
/// it asks the access portal, and writes after. Storing here what
/// [`GetRoleCredentials`](crate::portal::GetRoleCredentials) gave lets the CLI
/// (and the next run of a `credential_process`) use it; loading uses what the
/// CLI fetched. `aws sso logout` ([`remove_sso_credentials`](super::remove_sso_credentials))
/// deletes these files.
///
/// Files are written as [`TokenCache`](super::TokenCache) writes its own:
/// atomically (a 0600 temporary file, flushed, renamed over the old one), from
/// one exact-size buffer wiped when dropped; they are read into zeroizing
/// memory, the secret key and session token decoded straight into their own.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ssooidc_token::cache::{RoleCredentialsCache, RoleCredentialsKey};
/// use ssooidc_token::portal::GetRoleCredentialsResponse;
///
/// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-roles-{}", std::process::id()));
/// let cache = RoleCredentialsCache::new(&dir); // RoleCredentialsCache::default_location()?
/// let key = RoleCredentialsKey::session("my-sso", "123456789012", "ReadOnly");
/// let credentials = GetRoleCredentialsResponse::from_json(br#"{"roleCredentials":{
///     "accessKeyId":"ASIAEXAMPLE","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4=",
///     "expiration":4102444800000}}"#)?.into_credentials();
/// cache.store(&key, &credentials)?;
/// let now = SystemTime::now();
/// assert_eq!(cache.load_fresh(&key, now)?.unwrap().access_key_id(), "ASIAEXAMPLE");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RoleCredentialsCache {
    dir: PathBuf,
}

impl RoleCredentialsCache {
    /// The cache in `dir`, created (0700 on Unix) at the first store.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `~/.aws/cli/cache` ([`cli_credentials_dir`]), where the AWS CLI keeps it.
    ///
    /// # Errors
    /// [`CacheErrorKind::NoHome`] when there is no home directory.
    pub fn default_location() -> Result<Self, CacheError> {
        cli_credentials_dir().map(Self::new)
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`.
    #[must_use]
    pub fn path(&self, key: &RoleCredentialsKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// Reads the credentials of `key`, expired or not: `Ok(None)` when there
    /// is no such file. The file is a JSON object whose `Credentials` hold
    /// `AccessKeyId`, `SecretAccessKey`, `SessionToken` (each a non-empty
    /// string) and `Expiration` (a time, in any form the tools write); other
    /// members are ignored, names are matched ignoring case (as the token
    /// cache's are; the CLI wants its own spelling), and a member given twice
    /// is refused. The credentials' [`account_id`](SessionCredentials::account_id)
    /// is the key's; a file whose `AccountId` names another account is not
    /// the key's, and reads as no file (`Ok(None)`). A file caught halfway through another tool's write (the
    /// CLI truncates, then writes) is read again, a few times.
    ///
    /// # Errors
    /// A [`CacheError`] naming the file and the member at fault (never a
    /// value), or the I/O error.
    pub fn load(&self, key: &RoleCredentialsKey) -> Result<Option<SessionCredentials>, CacheError> {
        // The key's account (the file's `AccountId` is the same, or absent in
        // files of older CLIs).
        let account = || Some(key.account_id.clone());
        Ok(read_parsed(&self.path(key), from_file)?
            // A file naming another account is not this key's.
            .filter(|(_, named)| named.as_ref().is_none_or(|named| *named == key.account_id))
            .map(|(credentials, _)| credentials.named_for_portal().with_account_id(account())))
    }

    /// [`load`](Self::load), but `Ok(None)` too when fewer than
    /// [`CLI_EXPIRY_WINDOW`] are left before they expire at `now`: the ones
    /// the CLI would still use (it fetches again with less than 15 minutes
    /// left, and uses them with 15 minutes or more).
    ///
    /// # Errors
    /// As [`load`](Self::load).
    pub fn load_fresh(
        &self,
        key: &RoleCredentialsKey,
        now: SystemTime,
    ) -> Result<Option<SessionCredentials>, CacheError> {
        let Some(needed) = now.checked_add(CLI_EXPIRY_WINDOW) else {
            return Ok(None);
        };
        Ok(self
            .load(key)?
            .filter(|credentials| credentials.expiration() >= needed))
    }

    /// Writes `credentials` as the credentials of `key`, as the CLI writes
    /// them (`ProviderType` `sso`; `Credentials` with the expiration as
    /// `YYYY-MM-DDTHH:MM:SSZ` and the key's `AccountId`), atomically. Values
    /// are written as UTF-8 (the CLI escapes non-ASCII, and reads in the
    /// locale's encoding; AWS's key ids, keys and tokens are ASCII).
    ///
    /// # Errors
    /// A [`CacheError`] naming the file: the directory could not be created
    /// or the file could not be written (the temporary file is removed).
    pub fn store(
        &self,
        key: &RoleCredentialsKey,
        credentials: &SessionCredentials,
    ) -> Result<(), CacheError> {
        write_atomic(&self.dir, &key.file_name(), &to_file(key, credentials))
    }

    /// Deletes the credentials of `key`; no file is not an error.
    ///
    /// # Errors
    /// [`CacheErrorKind::Remove`] naming the file, with the I/O error as source.
    pub fn remove(&self, key: &RoleCredentialsKey) -> Result<(), CacheError> {
        remove_file(&self.path(key))
    }
}

/// The members of `Credentials`, in the CLI's order.
struct FileMembers<'a> {
    credentials: &'a SessionCredentials,
    expiration: &'a str,
    account_id: &'a str,
}

impl Members for FileMembers<'_> {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        let c = self.credentials;
        v.member("AccessKeyId", Value::Str(c.access_key_id()))?;
        v.member(
            "SecretAccessKey",
            Value::Str(c.secret_access_key().expose_secret()),
        )?;
        v.member(
            "SessionToken",
            Value::Str(c.session_token().expose_secret()),
        )?;
        v.member("Expiration", Value::Str(self.expiration))?;
        v.member("AccountId", Value::Str(self.account_id))
    }
}

/// `{"ProviderType":"sso","Credentials":{...}}`, compact, in an exact-size
/// buffer wiped when dropped (the inner object's, copied in, is wiped too).
fn to_file(key: &RoleCredentialsKey, credentials: &SessionCredentials) -> Zeroizing<Vec<u8>> {
    const HEAD: &[u8] = br#"{"ProviderType":"sso","Credentials":"#;
    let expiration = format::timestamp(format::writable(credentials.expiration()));
    let members = FileMembers {
        credentials,
        // ASCII digits and `-`, `:`, `T`, `Z`.
        expiration: std::str::from_utf8(&expiration).unwrap_or_default(),
        account_id: &key.account_id,
    };
    let inner = Zeroizing::new(wire::write(&members, wire::measure(&members)));
    let mut out = Zeroizing::new(Vec::with_capacity(HEAD.len() + inner.len() + 1));
    out.extend_from_slice(HEAD);
    out.extend_from_slice(&inner);
    out.push(b'}');
    debug_assert_eq!(out.len(), out.capacity());
    out
}

/// Reads a file's object: `Credentials` required, `ProviderType` read if a
/// string and not otherwise required (the CLI does not look at it either);
/// with the `AccountId` the file names, if any.
fn from_file(input: &[u8]) -> Result<(SessionCredentials, Option<String>), CacheError> {
    let mut credentials = None;
    read_members(input, &["ProviderType", "Credentials"], |i, r| {
        if i == 0 {
            // A string, not kept.
            if !r.at_string() {
                return Err(CacheError::for_member(
                    CacheErrorKind::NotString,
                    "ProviderType",
                ));
            }
            r.skip().map_err(|err| {
                CacheError::for_member(CacheErrorKind::Syntax, "ProviderType").source(err)
            })
        } else {
            credentials = Some(read_credentials(r)?);
            Ok(())
        }
    })?;
    required(credentials, "Credentials")
}

/// `Credentials`, read where `r` stands, and its `AccountId` if given.
fn read_credentials(
    r: &mut Reader<'_>,
) -> Result<(SessionCredentials, Option<String>), CacheError> {
    const NAMES: [&str; 5] = [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
        "AccountId",
    ];
    let (mut id, mut secret, mut token, mut expiration) = (None, None, None, None);
    let mut account = None;
    read_nested(r, "Credentials", &NAMES, |i, r| {
        match i {
            0 => id = Some(format::non_empty(r, NAMES[0])?),
            1 => secret = Some(format::secret(r, NAMES[1])?),
            2 => token = Some(format::secret(r, NAMES[2])?),
            3 => expiration = Some(format::time(r, NAMES[3])?),
            _ => account = Some(format::string(r, NAMES[4])?),
        }
        Ok(())
    })?;
    let secret = required(secret, NAMES[1])?;
    let token = required(token, NAMES[2])?;
    for (value, name) in [(&secret, NAMES[1]), (&token, NAMES[2])] {
        if value.expose_secret().is_empty() {
            return Err(CacheError::for_member(CacheErrorKind::Empty, name));
        }
    }
    let credentials = SessionCredentials::new(
        required(id, NAMES[0])?,
        secret,
        token,
        required(expiration, NAMES[3])?,
    );
    Ok((credentials, account))
}
