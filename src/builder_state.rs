//! The compile errors of the typed builders, in plain words.
//!
//! typed-builder tracks each field of a builder in the builder's type: `()` while
//! unset, `(T,)` once set. Its own diagnostics for a misuse are a `#[deprecated]`
//! warning plus an error about a placeholder argument, and they name one missing field
//! per compile. The bounds below replace them with one error per mistake, each a
//! sentence that names the field:
//!
//! - `build()` has one bound `state: field::NAME::Required<T>` per required field,
//!   implemented only for the set state, so every missing field is its own error
//!   (``missing required field `subject_token` ``, noting the setter to call), all in
//!   one compile.
//! - Every setter has the bound `<Self as FieldState<field::NAME::Name>>::State:
//!   field::NAME::Unset`, implemented only for the unset state, so a second call is an
//!   error (``field `subject_token` is set twice``). typed-builder still generates its
//!   own method for that case (a deprecated one taking a placeholder), which cannot be
//!   turned off: after our error the compiler also prints that warning and a
//!   "mismatched types" error about the argument.
//!
//! A message attribute takes a string literal (`{This}` is not available to
//! `#[diagnostic::on_unimplemented]`, and a marker type given as `{Field}` prints with
//! its full path outside this crate), so each field name has its own module in
//! [`field`] with its messages spelled out; a new field name adds one entry there.
//! The traits are implemented through generic impls marked
//! `#[diagnostic::do_not_recommend]`: the compiler then reports the field's own trait
//! instead of listing the impl it "almost" matched.
//!
//! Everything here is `pub` inside a private module: usable in the bounds of public
//! methods (no `private_bounds` lint), not nameable or implementable by users.
//!
//! ## Applying it to a `#[derive(TypedBuilder)]` struct
//!
//! The `fields!` macro in `grant.rs` does all of this for the grants, and
//! [`typed_struct!`] writes steps 2 and 3 for the other builders (one line per
//! field):
//!
//! 1. Add each new field name to `field_names!` below, with its messages.
//! 2. On the struct: `#[builder(build_method(vis = "", name = __build))]`, so that
//!    typed-builder's own `build` and its deprecated placeholders become private and
//!    unused.
//! 3. Every field with a setter gets a `transform` setter whose where-clause is the
//!    set-twice bound (`into` and `strip_option` become `value.into()`, `Some(value)`):
//!    `#[builder(setter(fn transform(value: impl Into<String>) -> String where <Self as
//!    crate::builder_state::FieldState<crate::builder_state::field::client_id::Name>>::State:
//!    crate::builder_state::field::client_id::Unset, { value.into() }))]`.
//! 4. `crate::builder_state::field_states!(TheBuilder [a b c] a b);`: the builder type,
//!    every field in declaration order (`via_mutators` fields too) in brackets, then the
//!    fields that have setters.
//! 5. A public `build()` in an inherent impl generic over every field's state (name the
//!    type parameters after the fields; a `via_mutators` field is always `(T,)` and
//!    can be written so), in the same module as the derive (the builder's `fields`
//!    member is private to it). One where-bound per field, on the *method*: `a:
//!    field::a::Required<A>` if required, `b: Optional<B>` if defaulted. (Bounds on
//!    the impl block instead give one "method exists but its trait bounds were not
//!    satisfied" error, without these messages.) The body destructures `self.fields`
//!    and calls `into_value()` on each.
//! 6. A trybuild snapshot in `tests/compile_fail/` for a missing field and a field set
//!    twice; read the `.stderr` it writes (`TRYBUILD=overwrite`).
//! 7. For each optional field, a `maybe_*` setter taking an `Option`
//!    ([`maybe_setters!`], one line per field), built on the [`SetState`] impls
//!    that step 4 writes for every field; a field named only for them (set by
//!    mutators) still needs its entry in `field_names!`.

/// The state of a set field, `(T,)`.
pub trait IsSet<Field> {
    /// `T`.
    type Value;
    /// The field's value.
    fn into_value(self) -> Self::Value;
}

impl<Field, T> IsSet<Field> for (T,) {
    type Value = T;
    fn into_value(self) -> T {
        self.0
    }
}

/// The state of an unset field, `()`.
pub trait IsUnset<Field> {}

impl<Field> IsUnset<Field> for () {}

/// An optional field's state: unset reads as `T::default()`.
pub trait Optional<T> {
    /// The field's value, or the default.
    fn into_value(self) -> T;
}

impl<T: Default> Optional<T> for () {
    fn into_value(self) -> T {
        T::default()
    }
}

impl<T> Optional<T> for (T,) {
    fn into_value(self) -> T {
        self.0
    }
}

/// `AuthorizeUrl`'s one either-or requirement: the region (the URL is then the
/// region's `/authorize`) or the authorization endpoint, or both (the endpoint
/// wins). Implemented for the states of the pair `(region, authorization_endpoint)`
/// where at least one is set, so a builder with neither does not compile.
#[diagnostic::on_unimplemented(
    message = "missing required field `region` or `authorization_endpoint`",
    label = "a required field is not set on this builder",
    note = "call `.region(...)` or `.authorization_endpoint(...)` before `.build()`"
)]
#[cfg(feature = "login")]
pub trait RegionOrEndpoint {
    /// The region and the endpoint, at least one of them `Some`.
    fn into_values(self) -> (Option<String>, Option<String>);
}

#[cfg(feature = "login")]
#[diagnostic::do_not_recommend]
impl RegionOrEndpoint for ((Option<String>,), ()) {
    fn into_values(self) -> (Option<String>, Option<String>) {
        (self.0 .0, None)
    }
}

#[cfg(feature = "login")]
#[diagnostic::do_not_recommend]
impl RegionOrEndpoint for ((), (Option<String>,)) {
    fn into_values(self) -> (Option<String>, Option<String>) {
        (None, self.1 .0)
    }
}

#[cfg(feature = "login")]
#[diagnostic::do_not_recommend]
impl RegionOrEndpoint for ((Option<String>,), (Option<String>,)) {
    fn into_values(self) -> (Option<String>, Option<String>) {
        (self.0 .0, self.1 .0)
    }
}

/// The state of `Field` in a builder of type `Self`.
pub trait FieldState<Field> {
    /// `()` or `(T,)`.
    type State;
}

/// One module per field name: a marker `Name`, and the traits `Required<T>` (set) and
/// `Unset` (not set yet) carrying the messages.
pub mod field {
    macro_rules! field_names {
        ($(
            $name:ident {
                missing: $missing:literal,
                setter: $setter:literal,
                twice: $twice:literal $(,)?
            }
        )*) => {$(
            // A field name some feature's builder uses (`role_arn` with `sts`) is
            // unused without it.
            #[allow(non_camel_case_types, dead_code)]
            #[doc = concat!("The field `", stringify!($name), "`.")]
            pub mod $name {
                /// Names the field in `FieldState`.
                #[allow(missing_debug_implementations)]
                pub enum Name {}

                /// Implemented once the field is set. (Unused for optional fields.)
                #[allow(dead_code)]
                #[diagnostic::on_unimplemented(
                    message = $missing,
                    label = "a required field is not set on this builder",
                    note = $setter
                )]
                pub trait Required<T> {
                    /// The field's value.
                    fn into_value(self) -> T;
                }

                #[diagnostic::do_not_recommend]
                impl<S: super::super::IsSet<Name>> Required<S::Value> for S {
                    fn into_value(self) -> S::Value {
                        super::super::IsSet::into_value(self)
                    }
                }

                /// Implemented until the field is set.
                #[diagnostic::on_unimplemented(
                    message = $twice,
                    label = "this builder has the field set already",
                    note = "each field is set once: remove one of the two calls"
                )]
                pub trait Unset {}

                #[diagnostic::do_not_recommend]
                impl<S: super::super::IsUnset<Name>> Unset for S {}
            }
        )*};
    }

    field_names! {
        client_id {
            missing: "missing required field `client_id`",
            setter: "call `.client_id(...)` before `.build()`",
            twice: "field `client_id` is set twice",
        }
        client_secret {
            missing: "missing required field `client_secret`",
            setter: "call `.client_secret(...)` before `.build()`",
            twice: "field `client_secret` is set twice",
        }
        code {
            missing: "missing required field `code`",
            setter: "call `.code(...)` before `.build()`",
            twice: "field `code` is set twice",
        }
        code_verifier {
            missing: "missing required field `code_verifier`",
            setter: "call `.code_verifier(...)` before `.build()`",
            twice: "field `code_verifier` is set twice",
        }
        redirect_uri {
            missing: "missing required field `redirect_uri`",
            setter: "call `.redirect_uri(...)` before `.build()`",
            twice: "field `redirect_uri` is set twice",
        }
        refresh_token {
            missing: "missing required field `refresh_token`",
            setter: "call `.refresh_token(...)` before `.build()`",
            twice: "field `refresh_token` is set twice",
        }
        assertion {
            missing: "missing required field `assertion`",
            setter: "call `.assertion(...)` before `.build()`",
            twice: "field `assertion` is set twice",
        }
        subject_token {
            missing: "missing required field `subject_token`",
            setter: "call `.subject_token(...)` before `.build()`",
            twice: "field `subject_token` is set twice",
        }
        subject_token_type {
            missing: "missing required field `subject_token_type`",
            setter: "call `.subject_token_type(...)` before `.build()`",
            twice: "field `subject_token_type` is set twice",
        }
        requested_token_type {
            missing: "missing required field `requested_token_type`",
            setter: "call `.requested_token_type(...)` before `.build()`",
            twice: "field `requested_token_type` is set twice",
        }
        device_code {
            missing: "missing required field `device_code`",
            setter: "call `.device_code(...)` before `.build()`",
            twice: "field `device_code` is set twice",
        }
        client_name {
            missing: "missing required field `client_name`",
            setter: "call `.client_name(...)` before `.build()`",
            twice: "field `client_name` is set twice",
        }
        issuer_url {
            missing: "missing required field `issuer_url`",
            setter: "call `.issuer_url(...)` before `.build()`",
            twice: "field `issuer_url` is set twice",
        }
        entitled_application_arn {
            missing: "missing required field `entitled_application_arn`",
            setter: "call `.entitled_application_arn(...)` before `.build()`",
            twice: "field `entitled_application_arn` is set twice",
        }
        start_url {
            missing: "missing required field `start_url`",
            setter: "call `.start_url(...)` before `.build()`",
            twice: "field `start_url` is set twice",
        }
        region {
            missing: "missing required field `region`",
            setter: "call `.region(...)` before `.build()`",
            twice: "field `region` is set twice",
        }
        pkce {
            missing: "missing required field `pkce`",
            setter: "call `.pkce(...)` before `.build()`",
            twice: "field `pkce` is set twice",
        }
        state {
            missing: "missing required field `state`",
            setter: "call `.state(...)` before `.build()`",
            twice: "field `state` is set twice",
        }
        authorization_endpoint {
            missing: "missing required field `authorization_endpoint`",
            setter: "call `.authorization_endpoint(...)` before `.build()`",
            twice: "field `authorization_endpoint` is set twice",
        }
        role_arn {
            missing: "missing required field `role_arn`",
            setter: "call `.role_arn(...)` before `.build()`",
            twice: "field `role_arn` is set twice",
        }
        role_session_name {
            missing: "missing required field `role_session_name`",
            setter: "call `.role_session_name(...)` before `.build()`",
            twice: "field `role_session_name` is set twice",
        }
        identity_context {
            missing: "missing required field `identity_context`",
            setter: "call `.identity_context(...)` before `.build()`",
            twice: "field `identity_context` is set twice",
        }
        duration_seconds {
            missing: "missing required field `duration_seconds`",
            setter: "call `.duration_seconds(...)` before `.build()`",
            twice: "field `duration_seconds` is set twice",
        }
        policy {
            missing: "missing required field `policy`",
            setter: "call `.policy(...)` before `.build()`",
            twice: "field `policy` is set twice",
        }
        access_token {
            missing: "missing required field `access_token`",
            setter: "call `.access_token(...)` before `.build()`",
            twice: "field `access_token` is set twice",
        }
        expires_at {
            missing: "missing required field `expires_at`",
            setter: "call `.expires_at(...)` before `.build()`",
            twice: "field `expires_at` is set twice",
        }
        registration_expires_at {
            missing: "missing required field `registration_expires_at`",
            setter: "call `.registration_expires_at(...)` before `.build()`",
            twice: "field `registration_expires_at` is set twice",
        }
        application_arn {
            missing: "missing required field `application_arn`",
            setter: "call `.application_arn(...)` before `.build()`",
            twice: "field `application_arn` is set twice",
        }
        oidc_endpoint {
            missing: "missing required field `oidc_endpoint`",
            setter: "call `.oidc_endpoint(...)` before `.build()`",
            twice: "field `oidc_endpoint` is set twice",
        }
        sts_endpoint {
            missing: "missing required field `sts_endpoint`",
            setter: "call `.sts_endpoint(...)` before `.build()`",
            twice: "field `sts_endpoint` is set twice",
        }
        app_credentials {
            missing: "missing required field `app_credentials`",
            setter: "call `.app_credentials(...)` before `.build()`",
            twice: "field `app_credentials` is set twice",
        }
        idp_token {
            missing: "missing required field `idp_token`",
            setter: "call `.idp_token(...)` before `.build()`",
            twice: "field `idp_token` is set twice",
        }
        client {
            missing: "missing required field `client`",
            setter: "call `.client(...)` before `.build()`",
            twice: "field `client` is set twice",
        }
        refresh_window {
            missing: "missing required field `refresh_window`",
            setter: "call `.refresh_window(...)` before `.build()`",
            twice: "field `refresh_window` is set twice",
        }
        time_source {
            missing: "missing required field `time_source`",
            setter: "call `.time_source(...)` before `.build()`",
            twice: "field `time_source` is set twice",
        }
        source_identity {
            missing: "missing required field `source_identity`",
            setter: "call `.source_identity(...)` before `.build()`",
            twice: "field `source_identity` is set twice",
        }
        external_id {
            missing: "missing required field `external_id`",
            setter: "call `.external_id(...)` before `.build()`",
            twice: "field `external_id` is set twice",
        }
        mfa {
            missing: "missing required field `mfa`",
            setter: "call `.mfa(...)` before `.build()`",
            twice: "field `mfa` is set twice",
        }
        minimum_session_token_size {
            missing: "missing required field `minimum_session_token_size`",
            setter: "call `.minimum_session_token_size(...)` before `.build()`",
            twice: "field `minimum_session_token_size` is set twice",
        }
        // `grant_type`, `policy_arns`, `scope`, `scopes`, `tags` and
        // `transitive_tag_keys` are set through mutators (never missing, never
        // set twice): named for `SetState` only.
        grant_type {
            missing: "missing required field `grant_type`",
            setter: "call `.grant_type(...)` before `.build()`",
            twice: "field `grant_type` is set twice",
        }
        policy_arns {
            missing: "missing required field `policy_arns`",
            setter: "call `.policy_arns(...)` before `.build()`",
            twice: "field `policy_arns` is set twice",
        }
        scope {
            missing: "missing required field `scope`",
            setter: "call `.scope(...)` before `.build()`",
            twice: "field `scope` is set twice",
        }
        scopes {
            missing: "missing required field `scopes`",
            setter: "call `.scopes(...)` before `.build()`",
            twice: "field `scopes` is set twice",
        }
        tags {
            missing: "missing required field `tags`",
            setter: "call `.tags(...)` before `.build()`",
            twice: "field `tags` is set twice",
        }
        transitive_tag_keys {
            missing: "missing required field `transitive_tag_keys`",
            setter: "call `.transitive_tag_keys(...)` before `.build()`",
            twice: "field `transitive_tag_keys` is set twice",
        }
        session_name {
            missing: "missing required field `session_name`",
            setter: "call `.session_name(...)` before `.build()` (or `.legacy_profile()`, for a profile without an sso-session)",
            twice: "field `session_name` is set twice (`.legacy_profile()` sets it too: a profile without an sso-session has none)",
        }
        endpoint {
            missing: "missing required field `endpoint`",
            setter: "call `.endpoint(...)` before `.build()`",
            twice: "field `endpoint` is set twice",
        }
        cache {
            missing: "missing required field `cache`",
            setter: "call `.cache(...)` before `.build()`",
            twice: "field `cache` is set twice",
        }
        account_id {
            missing: "missing required field `account_id`",
            setter: "call `.account_id(...)` before `.build()`",
            twice: "field `account_id` is set twice",
        }
        role_name {
            missing: "missing required field `role_name`",
            setter: "call `.role_name(...)` before `.build()`",
            twice: "field `role_name` is set twice",
        }
        session {
            missing: "missing required field `session`",
            setter: "call `.session(...)` before `.build()`",
            twice: "field `session` is set twice",
        }
        portal_endpoint {
            missing: "missing required field `portal_endpoint`",
            setter: "call `.portal_endpoint(...)` before `.build()`",
            twice: "field `portal_endpoint` is set twice",
        }
        role_cache {
            missing: "missing required field `role_cache`",
            setter: "call `.role_cache(...)` before `.build()`",
            twice: "field `role_cache` is set twice",
        }
        flow {
            missing: "missing required field `flow`",
            setter: "call `.flow(...)` before `.build()`",
            twice: "field `flow` is set twice",
        }
        loopback_timeout {
            missing: "missing required field `loopback_timeout`",
            setter: "call `.loopback_timeout(...)` before `.build()`",
            twice: "field `loopback_timeout` is set twice",
        }
        resolved {
            missing: "missing required field `resolved`",
            setter: "call `.resolved(...)` before `.build()`",
            twice: "field `resolved` is set twice",
        }
    }
}

/// Implements [`FieldState`] for each listed field of a typed builder, and
/// [`SetState`] for every field:
/// `field_states!(Builder [every field, in order] the fields that have setters)`.
macro_rules! field_states {
    ($builder:ident $all:tt $($field:ident)*) => {
        $( $crate::builder_state::field_state!($builder $all $field); )*
        $crate::builder_state::set_states!($builder [] $all);
    };
}
pub(crate) use field_states;

/// Sets a field's state in a typed builder of type `Self`, whatever the other
/// fields' states: the builder with `Field` in state `(V,)`. What the
/// `maybe_*` setters ([`maybe_setters!`]) are written with.
pub trait SetState<Field, V> {
    /// The builder with the field set.
    type Output;
    /// Sets the field to `value`.
    fn set_state(self, value: V) -> Self::Output;
}

/// Implements [`SetState`] for each field of `$builder`, walking the fields in
/// order: `[before] [this after...]`.
macro_rules! set_states {
    ($builder:ident [$($before:ident)*] [$this:ident $($after:ident)*]) => {
        #[allow(non_camel_case_types)]
        impl<$($before,)* $this, $($after,)* __V>
            $crate::builder_state::SetState<$crate::builder_state::field::$this::Name, __V>
            for $builder<($($before,)* $this, $($after,)*)>
        {
            type Output = $builder<($($before,)* (__V,), $($after,)*)>;
            fn set_state(self, value: __V) -> Self::Output {
                let ($($before,)* _, $($after,)*) = self.fields;
                $builder {
                    fields: ($($before,)* (value,), $($after,)*),
                    phantom: self.phantom,
                }
            }
        }
        $crate::builder_state::set_states!($builder [$($before)* $this] [$($after)*]);
    };
    ($builder:ident [$($before:ident)*] []) => {};
}
pub(crate) use set_states;

/// For a builder's optional fields, a second setter taking an `Option` (`None`
/// leaves the field unset, as not calling the setter does), for values that are
/// optional at run time, such as settings read from a file; with the same
/// set-twice error as the field's own setter. One line per field, of the kind
/// its setter is (`into T`, `exact T`, `secret`), or a body for any other:
///
/// ```text
/// maybe_setters!(Builder {
///     maybe_policy: policy into String,
///     maybe_duration_seconds: duration_seconds exact u32,
///     maybe_external_id: external_id secret,
///     /// Docs.
///     fn maybe_mfa(mfa: Option<(impl Into<String>, impl IntoSecret)>) -> Option<Mfa> { ... }
/// });
/// ```
macro_rules! maybe_setters {
    ($builder:ident { $($items:tt)* }) => {
        impl<Fields> $builder<Fields> {
            $crate::builder_state::maybe_setters!(@items $($items)*);
        }
    };
    (@items) => {};
    (@items $name:ident : $field:ident into $t:ty, $($rest:tt)*) => {
        $crate::builder_state::maybe_setters!(@one $field, stringify!($field),
            fn $name($field: Option<impl Into<$t>>) -> Option<$t> { $field.map(Into::into) });
        $crate::builder_state::maybe_setters!(@items $($rest)*);
    };
    (@items $name:ident : $field:ident exact $t:ty, $($rest:tt)*) => {
        $crate::builder_state::maybe_setters!(@one $field, stringify!($field),
            fn $name($field: Option<$t>) -> Option<$t> { $field });
        $crate::builder_state::maybe_setters!(@items $($rest)*);
    };
    (@items $name:ident : $field:ident secret, $($rest:tt)*) => {
        $crate::builder_state::maybe_setters!(@one $field, stringify!($field),
            fn $name($field: Option<impl $crate::IntoSecret>) -> Option<secrecy::SecretString> {
                $field.map($crate::IntoSecret::into_secret)
            });
        $crate::builder_state::maybe_setters!(@items $($rest)*);
    };
    (@items fn $name:ident($field:ident : $arg:ty) -> $value:ty $body:block $($rest:tt)*) => {
        $crate::builder_state::maybe_setters!(@one $field, stringify!($field),
            fn $name($field: $arg) -> $value $body);
        $crate::builder_state::maybe_setters!(@items $($rest)*);
    };
    (@one $field:ident, $shown:expr, fn $name:ident($arg_name:ident : $arg:ty) -> $value:ty $body:block) => {
        #[doc = concat!(
            "Calls [`", $shown, "`](Self::", $shown, ") with the value when given `Some`; ",
            "`None` leaves the field unset, as not calling it does. For a value that is ",
            "optional at run time (a setting that may be absent), without a branch per ",
            "combination of optional fields."
        )]
        pub fn $name(
            self,
            $arg_name: $arg,
        ) -> <Self as $crate::builder_state::SetState<
            $crate::builder_state::field::$field::Name,
            $value,
        >>::Output
        where
            Self: $crate::builder_state::SetState<$crate::builder_state::field::$field::Name, $value>
                + $crate::builder_state::FieldState<$crate::builder_state::field::$field::Name>,
            <Self as $crate::builder_state::FieldState<
                $crate::builder_state::field::$field::Name,
            >>::State: $crate::builder_state::field::$field::Unset,
        {
            $crate::builder_state::SetState::set_state(self, $body)
        }
    };
}
pub(crate) use maybe_setters;

macro_rules! field_state {
    ($builder:ident [$($all:ident)*] $field:ident) => {
        #[allow(non_camel_case_types)]
        impl<$($all),*> $crate::builder_state::FieldState<$crate::builder_state::field::$field::Name>
            for $builder<($($all,)*)>
        {
            type State = $field;
        }
    };
}
pub(crate) use field_state;

/// A `#[derive(TypedBuilder)]` struct whose setters follow step 3 above, from
/// one line per field instead of a block of attributes each:
///
/// ```text
/// crate::builder_state::typed_struct! {
///     #[derive(Debug, typed_builder::TypedBuilder)]
///     #[builder(builder_type(...), build_method(vis = "", name = __build))]
///     pub struct Name {
///         required role_arn: into String = "Sets `RoleArn` (required): ...",
///         required secret access_token = "Sets `accessToken` (required, secret)...",
///         optional duration_seconds: exact u32 = "Sets `DurationSeconds` (optional)...",
///         optional secret refresh_token = "...",
///         raw #[builder(via_mutators)] policy_arns: Vec<String>,
///     }
/// }
/// ```
///
/// `into T` takes `impl Into<T>`, `exact T` takes `T`, `secret` takes
/// `impl IntoSecret` into a `SecretString`; `optional` wraps the value in
/// `Some` and defaults to `None`; `raw` fields keep their own attributes. A
/// visibility (`pub(crate)`) may stand before the field's name.
// Used by the builders of the optional features only.
#[cfg_attr(
    not(any(feature = "login", feature = "sts", feature = "portal")),
    allow(unused_macros)
)]
macro_rules! typed_struct {
    (
        $(#[$($meta:tt)*])*
        $vis:vis struct $name:ident { $($fields:tt)* }
    ) => {
        $crate::builder_state::typed_struct!(@munch [$(#[$($meta)*])* $vis struct $name] [] $($fields)*);
    };
    (@munch [$($head:tt)*] [$($out:tt)*]) => {
        $($head)* { $($out)* }
    };
    (@munch $head:tt [$($out:tt)*] required secret $v:vis $f:ident = $doc:literal, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)*
            #[builder(setter(
                fn transform(value: impl $crate::IntoSecret) -> secrecy::SecretString
                where
                    <Self as $crate::builder_state::FieldState<$crate::builder_state::field::$f::Name>>::State:
                        $crate::builder_state::field::$f::Unset,
                {
                    $crate::IntoSecret::into_secret(value)
                },
                doc = $doc,
            ))]
            $v $f: secrecy::SecretString,
        ] $($rest)*);
    };
    (@munch $head:tt [$($out:tt)*] optional secret $v:vis $f:ident = $doc:literal, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)*
            #[builder(default, setter(
                fn transform(value: impl $crate::IntoSecret) -> Option<secrecy::SecretString>
                where
                    <Self as $crate::builder_state::FieldState<$crate::builder_state::field::$f::Name>>::State:
                        $crate::builder_state::field::$f::Unset,
                {
                    Some($crate::IntoSecret::into_secret(value))
                },
                doc = $doc,
            ))]
            $v $f: Option<secrecy::SecretString>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($out:tt)*] required $v:vis $f:ident : into $t:ty = $doc:literal, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)*
            #[builder(setter(
                fn transform(value: impl Into<$t>) -> $t
                where
                    <Self as $crate::builder_state::FieldState<$crate::builder_state::field::$f::Name>>::State:
                        $crate::builder_state::field::$f::Unset,
                {
                    value.into()
                },
                doc = $doc,
            ))]
            $v $f: $t,
        ] $($rest)*);
    };
    (@munch $head:tt [$($out:tt)*] optional $v:vis $f:ident : into $t:ty = $doc:literal, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)*
            #[builder(default, setter(
                fn transform(value: impl Into<$t>) -> Option<$t>
                where
                    <Self as $crate::builder_state::FieldState<$crate::builder_state::field::$f::Name>>::State:
                        $crate::builder_state::field::$f::Unset,
                {
                    Some(value.into())
                },
                doc = $doc,
            ))]
            $v $f: Option<$t>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($out:tt)*] required $v:vis $f:ident : exact $t:ty = $doc:literal, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)*
            #[builder(setter(
                fn transform(value: $t) -> $t
                where
                    <Self as $crate::builder_state::FieldState<$crate::builder_state::field::$f::Name>>::State:
                        $crate::builder_state::field::$f::Unset,
                {
                    value
                },
                doc = $doc,
            ))]
            $v $f: $t,
        ] $($rest)*);
    };
    (@munch $head:tt [$($out:tt)*] optional $v:vis $f:ident : exact $t:ty = $doc:literal, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)*
            #[builder(default, setter(
                fn transform(value: $t) -> Option<$t>
                where
                    <Self as $crate::builder_state::FieldState<$crate::builder_state::field::$f::Name>>::State:
                        $crate::builder_state::field::$f::Unset,
                {
                    Some(value)
                },
                doc = $doc,
            ))]
            $v $f: Option<$t>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($out:tt)*] raw $(#[$($m:tt)*])* $v:vis $f:ident : $t:ty, $($rest:tt)*) => {
        $crate::builder_state::typed_struct!(@munch $head [$($out)* $(#[$($m)*])* $v $f: $t,] $($rest)*);
    };
}
#[cfg(any(feature = "login", feature = "sts", feature = "portal"))]
pub(crate) use typed_struct;
