//! The secret boundary: how secrets come in, how the JSON body goes out.
//!
//! How a secret comes in and how the JSON body goes out are here and in
//! `wire.rs` (the readers, `json.rs`, `xml.rs` and the cache's, and the signer,
//! `sigv4.rs`, follow the same rules): a secret is held as a [`SecretString`]
//! (zeroized on drop) from the moment a setter takes it, and the serialized body
//! is a [`JsonBody`] (zeroized on drop). What this cannot cover, zeroize's own documentation says plainly: copies
//! the caller made before handing a secret over, a `&str` the caller still owns, and
//! anything done with the bytes after [`ExposeSecret::expose_secret`].

use std::fmt;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::{Zeroize, Zeroizing};

mod sealed {
    pub trait Sealed {}
}

/// A value a secret setter accepts: `&str`, `&String`, `String`, `Box<str>`,
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
/// - `&str` and `&String`: copied into an exact-size allocation. The original is
///   the caller's to wipe.
/// - `&SecretString` (a secret kept from a response, such as its refresh token):
///   copied into a new exact-size secret; the original stays the caller's, wiped
///   when it drops.
///
/// This trait is sealed: it cannot be implemented outside this crate.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be taken as a secret",
    label = "give a `String`, `&str`, `&String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>` here",
    note = "secrets are text: decode bytes first (for example `String::from_utf8(bytes)?`), then hand the `String` over"
)]
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

impl sealed::Sealed for &String {}
impl IntoSecret for &String {
    fn into_secret(self) -> SecretString {
        self.as_str().into_secret()
    }
}

impl sealed::Sealed for String {}
impl IntoSecret for String {
    // The usual case, a string with no spare capacity, is a move: inlined into
    // the setter; the copy is not.
    #[inline]
    fn into_secret(self) -> SecretString {
        if self.len() == self.capacity() {
            // `into_boxed_str` does not reallocate when there is no spare capacity.
            return SecretBox::new(self.into_boxed_str());
        }
        exact_copy(self)
    }
}

/// `s` copied into an allocation of its length, and wiped.
#[inline(never)]
fn exact_copy(s: String) -> SecretString {
    let exact: Box<str> = Box::from(s.as_str());
    wipe_vec(s.into_bytes());
    SecretBox::new(exact)
}

/// Wipes `bytes` in one pass: `zeroize`'s bulk fill for a slice (a `memset`
/// the compiler may not remove: an optimization barrier follows it).
///
/// Not `Box<[u8]>::zeroize`, `Vec<u8>::zeroize` or `String::zeroize`: those
/// wipe byte by byte, a volatile store for each (zeroize 1.9), which
/// for a 1 KB token was a fifth of a request's whole `to_http`.
pub(crate) fn wipe(bytes: &mut [u8]) {
    bytes.zeroize();
}

/// Wipes all of `s`'s buffer, its spare capacity too, in bulk (see [`wipe`]),
/// and frees it: `s` is left empty.
pub(crate) fn wipe_string(s: &mut String) {
    wipe_vec(std::mem::take(s).into_bytes());
}

/// [`wipe_string`] for an optional text.
pub(crate) fn wipe_optional(s: &mut Option<String>) {
    if let Some(s) = s {
        wipe_string(s);
    }
}

/// Wipes all of `v`'s buffer, its spare capacity too, in bulk (see [`wipe`]),
/// then frees it.
pub(crate) fn wipe_vec(mut v: Vec<u8>) {
    v.spare_capacity_mut().zeroize();
    wipe(&mut v);
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

mod sealed_body {
    pub trait Body {
        fn body_bytes(&self) -> &[u8];
    }
}

/// Declares a zeroizing body type: one exact-size allocation, wiped on drop,
/// bytes only through [`ExposeSecret`], `Debug` showing the length only.
macro_rules! zeroizing_body {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        pub struct $name(Box<[u8]>);

        impl $name {
            pub(crate) fn new(bytes: Vec<u8>) -> Self {
                debug_assert_eq!(bytes.len(), bytes.capacity());
                Self(bytes.into_boxed_slice())
            }

            /// The body's length in bytes (the `content-length` to send).
            #[must_use]
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether the body is empty (it never is: a request has members).
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl ExposeSecret<[u8]> for $name {
            fn expose_secret(&self) -> &[u8] {
                &self.0
            }
        }

        #[cfg(feature = "http")]
        impl $name {
            /// The body as a [`bytes::Bytes`] (what `reqwest`, `hyper` and
            /// `http-body` take), without copying: the `Bytes` owns this body, and
            /// its bytes are wiped when the last `Bytes` clone is dropped (feature
            /// `http`).
            ///
            /// What this does not cover: once an HTTP client writes the bytes into
            /// its connection's buffers, and TLS encrypts from there, those copies
            /// are the client's and the TLS library's, not this crate's.
            #[must_use]
            pub fn into_bytes(self) -> bytes::Bytes {
                bytes::Bytes::from_owner(BytesOwner(self))
            }
        }

        #[cfg(feature = "http")]
        impl From<$name> for bytes::Bytes {
            fn from(body: $name) -> Self {
                body.into_bytes()
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                wipe(&mut self.0);
            }
        }

        impl zeroize::ZeroizeOnDrop for $name {}

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({} bytes, [REDACTED])"), self.0.len())
            }
        }

        impl sealed_body::Body for $name {
            fn body_bytes(&self) -> &[u8] {
                &self.0
            }
        }

        #[diagnostic::do_not_recommend]
        impl ZeroizingBody for $name {}
    };
}

zeroizing_body! {
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
    JsonBody
}

#[cfg(feature = "sts")]
zeroizing_body! {
    /// A serialized `application/x-www-form-urlencoded` request body (STS
    /// `AssumeRole`, feature `sts`) that holds secrets: allocated once at its exact
    /// final size, wiped when dropped, bytes only through
    /// [`ExposeSecret::expose_secret`], `Debug` showing the length only.
    FormBody
}

/// A request body held in memory that is wiped when it is dropped: this crate's
/// [`JsonBody`] (and, with feature `sts`, `FormBody`), or a `zeroize::Zeroizing<Vec<u8>>` of your own. The signer
/// (feature `sigv4`) reads the bytes it hashes through this trait.
///
/// This trait is sealed: it cannot be implemented outside this crate.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a zeroizing body: the signer takes only bodies that are wiped when dropped",
    label = "a plain body would leave the request's secrets in freed memory",
    note = "sign the request as `to_json()` gives it (a `JsonBody`), or wrap your bytes: `zeroize::Zeroizing::new(bytes)` (a `Zeroizing<Vec<u8>>`)"
)]
pub trait ZeroizingBody: sealed_body::Body {}

impl sealed_body::Body for Zeroizing<Vec<u8>> {
    fn body_bytes(&self) -> &[u8] {
        self
    }
}
#[diagnostic::do_not_recommend]
impl ZeroizingBody for Zeroizing<Vec<u8>> {}

/// Lends a zeroizing body's bytes to `Bytes::from_owner`; the body (and so its
/// wiping `Drop`) goes with it.
#[cfg(feature = "http")]
struct BytesOwner<B>(B);

#[cfg(feature = "http")]
impl<B: ExposeSecret<[u8]>> AsRef<[u8]> for BytesOwner<B> {
    fn as_ref(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

/// An exact-size copy of some secret bytes that is wiped when dropped: the owner
/// behind a [`bytes::Bytes`] made with `Bytes::from_owner`, so the bytes are wiped
/// when the last `Bytes` referring to them is dropped.
#[cfg(any(
    feature = "sigv4",
    feature = "portal",
    all(feature = "cache", feature = "http")
))]
pub(crate) struct WipedOnDrop(Box<[u8]>);

#[cfg(any(
    feature = "sigv4",
    feature = "portal",
    all(feature = "cache", feature = "http")
))]
impl WipedOnDrop {
    pub(crate) fn copy_of(bytes: &[u8]) -> Self {
        Self(Box::from(bytes))
    }
}

#[cfg(any(
    feature = "sigv4",
    feature = "portal",
    all(feature = "cache", feature = "http")
))]
impl AsRef<[u8]> for WipedOnDrop {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(any(
    feature = "sigv4",
    feature = "portal",
    all(feature = "cache", feature = "http")
))]
impl Drop for WipedOnDrop {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// How much stack the signer wipes ([`on_wiped_stack`]): its deepest use of
/// the stack is about 10 KiB in a debug build and under 3 KiB optimized
/// (measured the way `tests/secrets_on_the_stack.rs` looks: the stack painted,
/// then compared after a signature), so 16 KiB.
#[cfg(feature = "sigv4")]
pub(crate) const SIGNER_STACK: usize = 16 * 1024;

/// How much stack a PKCE pair wipes: it uses about 4.6 KiB in a debug build
/// and under 2 KiB optimized (measured as above), so 8 KiB.
#[cfg(feature = "login")]
pub(crate) const PKCE_STACK: usize = 8 * 1024;

/// Runs `f` in a frame of its own, then wipes `N` bytes of stack below the
/// caller's frame, where `f`'s frames were: RustCrypto's `hmac` and `sha2` keep
/// padded keys and message words in stack temporaries they do not wipe (the
/// signing key chain, a PKCE verifier), and moves leave copies of returned
/// values there. Best effort, as zeroize says of [`zeroize::zeroize_stack`]:
/// `tests/secrets_on_the_stack.rs` checks it.
#[cfg(any(feature = "sigv4", feature = "login"))]
pub(crate) fn on_wiped_stack<const N: usize, T>(f: impl FnOnce() -> T) -> T {
    #[inline(never)]
    fn out_of_line<T>(f: impl FnOnce() -> T) -> T {
        f()
    }
    let out = out_of_line(f);
    zeroize::zeroize_stack::<N>();
    out
}
