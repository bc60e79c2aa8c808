//! The secret boundary: how secrets come in, how the JSON body goes out.
//!
//! Everything this crate does with a secret's bytes is in this module and in
//! `wire.rs`: a secret is held as a [`SecretString`] (zeroized on drop) from the
//! moment a setter takes it, and the serialized body is a [`JsonBody`] (zeroized on
//! drop). What this cannot cover, zeroize's own documentation says plainly: copies
//! the caller made before handing a secret over, a `&str` the caller still owns, and
//! anything done with the bytes after [`ExposeSecret::expose_secret`].

use std::fmt;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::{Zeroize, Zeroizing};

mod sealed {
    pub trait Sealed {}
}

/// A value a secret setter accepts: `&str`, `String`, `Box<str>`,
/// [`SecretString`], `&SecretString` or `Zeroizing<String>`.
///
/// Each conversion leaves no unwiped copy behind in freed memory:
///
/// - `String` with spare capacity: the bytes are copied once into an exact-size
///   allocation and the whole original buffer, spare capacity included, is wiped
///   before it is freed. (`secrecy`'s own `From<String>` shrinks the string in place,
///   which can free the old buffer unwiped.) A `String` whose capacity equals its
///   length is taken over without a copy.
/// - `Box<str>` and [`SecretString`] are taken over without a copy.
/// - `Zeroizing<String>`: its buffer is taken as a `String` above.
/// - `&str`: copied into an exact-size allocation. The original is the caller's to wipe.
/// - `&SecretString` (a secret kept from a response, such as its refresh token):
///   copied into a new exact-size secret; the original stays the caller's, wiped
///   when it drops.
///
/// This trait is sealed: it cannot be implemented outside this crate.
pub trait IntoSecret: sealed::Sealed {
    /// Converts the value into a zeroizing secret.
    fn into_secret(self) -> SecretString;
}

impl sealed::Sealed for &str {}
impl IntoSecret for &str {
    fn into_secret(self) -> SecretString {
        SecretBox::new(Box::from(self))
    }
}

impl sealed::Sealed for String {}
impl IntoSecret for String {
    fn into_secret(mut self) -> SecretString {
        if self.len() == self.capacity() {
            // `into_boxed_str` does not reallocate when there is no spare capacity.
            return SecretBox::new(self.into_boxed_str());
        }
        let exact: Box<str> = Box::from(self.as_str());
        self.zeroize();
        SecretBox::new(exact)
    }
}

impl sealed::Sealed for Box<str> {}
impl IntoSecret for Box<str> {
    fn into_secret(self) -> SecretString {
        SecretBox::new(self)
    }
}

impl sealed::Sealed for SecretString {}
impl IntoSecret for SecretString {
    fn into_secret(self) -> SecretString {
        self
    }
}

impl sealed::Sealed for &SecretString {}
impl IntoSecret for &SecretString {
    fn into_secret(self) -> SecretString {
        SecretBox::new(Box::from(self.expose_secret()))
    }
}

impl sealed::Sealed for Zeroizing<String> {}
impl IntoSecret for Zeroizing<String> {
    fn into_secret(mut self) -> SecretString {
        std::mem::take(&mut *self).into_secret()
    }
}

/// A serialized request body: compact JSON that holds secrets.
///
/// It is allocated once, at its exact final size (its capacity equals its length),
/// and it is wiped when dropped. The bytes are reachable only through
/// [`ExposeSecret::expose_secret`]; `Debug` shows the length, never the content.
///
/// ```
/// use ssooidc_token::{CreateTokenWithIam, ExposeSecret};
///
/// let request = CreateTokenWithIam::refresh_token()
///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
///     .refresh_token("aorvJYubGpU6i91YnH7Mfo")
///     .build()?;
/// let body = request.to_json();
/// assert_eq!(format!("{body:?}"), format!("JsonBody({} bytes, [REDACTED])", body.len()));
/// assert!(body.expose_secret().starts_with(b"{\"clientId\":"));
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
pub struct JsonBody(Box<[u8]>);

impl JsonBody {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        debug_assert_eq!(bytes.len(), bytes.capacity());
        Self(bytes.into_boxed_slice())
    }

    /// The body's length in bytes (the `content-length` to send).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty (it never is: a request has at least two members).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ExposeSecret<[u8]> for JsonBody {
    fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for JsonBody {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for JsonBody {}

impl fmt::Debug for JsonBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonBody({} bytes, [REDACTED])", self.0.len())
    }
}
