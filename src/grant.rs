//! The grants: one marker type each, and which operation accepts which.
//!
//! | grant | [`CreateTokenWithIam`](crate::CreateTokenWithIam) | [`CreateToken`](crate::CreateToken) |
//! |---|---|---|
//! | [`AuthorizationCode`] | yes | yes |
//! | [`RefreshToken`] | yes | yes |
//! | [`JwtBearer`] | yes | no |
//! | [`TokenExchange`] | yes | no |
//! | [`DeviceCode`] | no | yes |
//!
//! Naming a grant on an operation that does not accept it is a compile error that
//! names the operation that does:
//!
//! ```compile_fail
//! use ssooidc_token::{CreateTokenWithIam, grant::DeviceCode};
//! fn send(request: CreateTokenWithIam<DeviceCode>) {}
//! ```
//!
//! and so is calling its entry point on the wrong operation
//! (`CreateTokenWithIam::device_code()`, `CreateToken::jwt_bearer()`,
//! `CreateToken::token_exchange()`):
//!
//! ```compile_fail
//! use ssooidc_token::CreateTokenWithIam;
//! let builder = CreateTokenWithIam::device_code(); // use `CreateToken::device_code()`
//! ```
//!
//! The markers live here, and only here; a user names them in a request's type:
//!
//! ```
//! use ssooidc_token::grant::{Grant, TokenExchange};
//! use ssooidc_token::CreateTokenWithIam;
//!
//! fn exchange(request: &CreateTokenWithIam<TokenExchange>) -> &'static str {
//!     request.grant_type()
//! }
//! assert_eq!(TokenExchange::GRANT_TYPE, "urn:ietf:params:oauth:grant-type:token-exchange");
//! # let _ = exchange;
//! ```

mod authorization_code;
mod device_code;
mod jwt_bearer;
mod refresh_token;
mod token_exchange;

pub use authorization_code::{
    AuthorizationCode, IamAuthorizationCodeBuilder, IamAuthorizationCodeFields,
    PublicAuthorizationCodeBuilder, PublicAuthorizationCodeFields,
};
pub use device_code::{DeviceCode, PublicDeviceCodeBuilder, PublicDeviceCodeFields};
pub use jwt_bearer::{IamJwtBearerBuilder, IamJwtBearerFields, JwtBearer};
pub use refresh_token::{
    IamRefreshTokenBuilder, IamRefreshTokenFields, PublicRefreshTokenBuilder,
    PublicRefreshTokenFields, RefreshToken,
};
pub use token_exchange::{IamTokenExchangeBuilder, IamTokenExchangeFields, TokenExchange};

use crate::fields::GrantFields;

mod sealed {
    use crate::fields::GrantFields;

    pub trait Sealed {}

    /// The fields struct of grant `G` for `CreateTokenWithIAM`. A grant that the
    /// operation does not take names [`NotAccepted`] instead, which lands the compile
    /// error here, after `G` is known to be a grant (so a type that is not a grant
    /// never gets the device-code note).
    #[diagnostic::on_unimplemented(
        message = "`{G}` is not a grant of CreateTokenWithIAM",
        label = "CreateTokenWithIam does not accept this grant",
        note = "the device-code grant belongs to the public-client operation: use `CreateToken::device_code()` (`CreateToken<DeviceCode>`)",
        note = "CreateTokenWithIam accepts AuthorizationCode, RefreshToken, JwtBearer and TokenExchange"
    )]
    pub trait IamFields<G>: GrantFields {}

    #[diagnostic::do_not_recommend]
    impl<F: FieldsFor<Iam, G>, G> IamFields<G> for F {}

    /// The fields struct of grant `G` for `CreateToken`; see [`IamFields`].
    #[diagnostic::on_unimplemented(
        message = "`{G}` is not a grant of CreateToken",
        label = "CreateToken does not accept this grant",
        note = "the JWT-bearer and token-exchange grants belong to the IAM operation: use `CreateTokenWithIam::jwt_bearer()` or `CreateTokenWithIam::token_exchange()`",
        note = "CreateToken accepts AuthorizationCode, DeviceCode and RefreshToken"
    )]
    pub trait PublicFields<G>: GrantFields {}

    #[diagnostic::do_not_recommend]
    impl<F: FieldsFor<Public, G>, G> PublicFields<G> for F {}

    /// Implemented by each fields struct for its operation (`Iam` or `Public`) and
    /// grant. (`IamFields` and `PublicFields` are implemented through it so that their
    /// messages are not followed by a list of the structs that do implement them.)
    pub trait FieldsFor<Operation, G>: GrantFields {}

    /// `CreateTokenWithIAM`, for [`FieldsFor`].
    #[allow(missing_debug_implementations)]
    pub enum Iam {}

    /// `CreateToken`, for [`FieldsFor`].
    #[allow(missing_debug_implementations)]
    pub enum Public {}

    /// Never implemented: the bound of `CreateTokenWithIam::device_code()`, which exists
    /// only to point a user who guessed it to the operation that takes the grant.
    #[diagnostic::on_unimplemented(
        message = "the device-code grant is not a grant of CreateTokenWithIAM",
        label = "there is no `CreateTokenWithIam::device_code()`",
        note = "the device-code grant belongs to the public-client operation: use `CreateToken::device_code()` (`CreateToken<DeviceCode>`)"
    )]
    pub trait DeviceCodeIsPublicClient {}

    /// Never implemented: the bound of `CreateToken::jwt_bearer()`; see
    /// [`DeviceCodeIsPublicClient`].
    #[diagnostic::on_unimplemented(
        message = "the JWT-bearer grant is not a grant of CreateToken",
        label = "there is no `CreateToken::jwt_bearer()`",
        note = "the JWT-bearer grant belongs to the IAM operation: use `CreateTokenWithIam::jwt_bearer()` (`CreateTokenWithIam<JwtBearer>`)"
    )]
    pub trait JwtBearerIsIam {}

    /// Never implemented: the bound of `CreateToken::token_exchange()`; see
    /// [`DeviceCodeIsPublicClient`].
    #[diagnostic::on_unimplemented(
        message = "the token-exchange grant is not a grant of CreateToken",
        label = "there is no `CreateToken::token_exchange()`",
        note = "the token-exchange grant belongs to the IAM operation: use `CreateTokenWithIam::token_exchange()` (`CreateTokenWithIam<TokenExchange>`)"
    )]
    pub trait TokenExchangeIsIam {}

    /// Never implemented: the bound of the IAM builders' `client_secret()`, which
    /// exists only to say why there is none (without it, the compiler suggests
    /// `client_id`, which would put the secret in a plain, shown field).
    #[diagnostic::on_unimplemented(
        message = "CreateTokenWithIAM takes no client secret: it is signed with IAM credentials (SigV4)",
        label = "there is no `client_secret` on a CreateTokenWithIam builder",
        note = "sign the built request: `to_signed_http(&endpoint, &credentials, now)`, or `send(&client, &endpoint, &credentials)`",
        note = "a client secret belongs to the public-client operation, `CreateToken` (`CreateToken::authorization_code()`, `device_code()`, `refresh_token()`)"
    )]
    pub trait IamTakesNoClientSecret {}

    /// Stands for the fields struct of an operation that does not take the grant.
    #[allow(missing_debug_implementations)]
    pub enum NotAccepted {}
}

/// `client_secret()` on each `CreateTokenWithIam` builder: a compile error that
/// says why there is none (see `sealed::IamTakesNoClientSecret`).
macro_rules! no_client_secret {
    ($($builder:ident),* $(,)?) => {$(
        impl<F> $builder<F> {
            #[doc(hidden)]
            pub fn client_secret<'a>(self, _secret: impl crate::IntoSecret) -> Self
            where
                &'a (): sealed::IamTakesNoClientSecret,
            {
                self
            }
        }
    )*};
}

no_client_secret!(
    IamAuthorizationCodeBuilder,
    IamRefreshTokenBuilder,
    IamJwtBearerBuilder,
    IamTokenExchangeBuilder,
);

/// A grant type. Sealed: the grants are the ones AWS defines.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a grant",
    label = "not a grant type",
    note = "the grants are the types of `ssooidc_token::grant`: AuthorizationCode, DeviceCode, JwtBearer, RefreshToken and TokenExchange"
)]
pub trait Grant: sealed::Sealed {
    /// The `grantType` string sent on the wire.
    const GRANT_TYPE: &'static str;
    /// The grant's name in messages (`"token-exchange"`).
    const NAME: &'static str;
    #[doc(hidden)]
    type IamFields;
    #[doc(hidden)]
    type PublicFields;
}

/// A grant that `CreateTokenWithIAM` accepts: [`AuthorizationCode`],
/// [`RefreshToken`], [`JwtBearer`], [`TokenExchange`].
///
/// Implemented for every [`Grant`] that has fields for the operation.
pub trait IamGrant: Grant {
    #[doc(hidden)]
    type Fields: GrantFields;
}

impl<G: Grant> IamGrant for G
where
    G::IamFields: sealed::IamFields<G>,
{
    type Fields = G::IamFields;
}

/// A grant that `CreateToken` (registered public clients) accepts:
/// [`AuthorizationCode`], [`DeviceCode`], [`RefreshToken`].
///
/// Implemented for every [`Grant`] that has fields for the operation.
pub trait PublicClientGrant: Grant {
    #[doc(hidden)]
    type Fields: GrantFields;
}

impl<G: Grant> PublicClientGrant for G
where
    G::PublicFields: sealed::PublicFields<G>,
{
    type Fields = G::PublicFields;
}

/// Marks a fields struct as the one of `$grant` for operation `$op`.
macro_rules! operation_fields {
    (CreateTokenWithIam, $name:ident, $grant:ident) => {
        impl crate::grant::sealed::FieldsFor<crate::grant::sealed::Iam, $grant> for $name {}
    };
    (CreateToken, $name:ident, $grant:ident) => {
        impl crate::grant::sealed::FieldsFor<crate::grant::sealed::Public, $grant> for $name {}
    };
}
pub(crate) use operation_fields;

/// `before` with `added` after it, for the builders' `scope` and `scopes`.
///
/// By value and out of line, so that a builder's scopes are never lent to a
/// call: a builder whose field is lent lives on the stack, and each move of it
/// (one per setter) then reads back its fields with loads wider than the stores
/// that wrote them, which stalls (store forwarding fails) for about ten cycles
/// each; half of `build()`'s own time before this.
#[inline(never)]
pub(crate) fn appended(
    mut before: Vec<String>,
    added: impl IntoIterator<Item = String>,
) -> Vec<String> {
    before.extend(added);
    before
}

/// Declares a grant's fields struct and its typed builder. Every builder gets
/// `client_id` and the repeatable `scope`/`scopes`; the groups give the rest:
/// required secrets, optional secrets, required plain values, optional plain values.
macro_rules! fields {
    (
        $(#[$meta:meta])*
        struct $name:ident for $op:ident<$grant:ident>, builder $builder:ident, $builder_doc:literal {
            secrets { $( $secret:ident : $secret_doc:literal ),* $(,)? }
            optional_secrets { $( $osecret:ident : $osecret_doc:literal ),* $(,)? }
            required { $( $plain:ident : $plain_ty:ty = $plain_doc:literal ),* $(,)? }
            optional { $( $opt:ident : $opt_ty:ty = $opt_doc:literal ),* $(,)? }
            check |$f:ident, $checks:ident| $check:block
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, typed_builder::TypedBuilder)]
        #[builder(
            builder_type(
                name = $builder,
                doc = $builder_doc,
                attributes(#[derive(Debug)]),
            ),
            builder_method(vis = "pub(crate)"),
            // typed-builder's own `build` (and its deprecated placeholders for missing
            // fields) stays private and unused: the public `build()` below names every
            // missing field (see `builder_state`).
            build_method(vis = "", name = __build),
            mutators(
                /// Adds one scope (repeatable; scopes are sent in the order added).
                /// Without any, the service grants every scope configured for the
                /// application.
                #[inline]
                pub fn scope(&mut self, scope: impl Into<String>) {
                    let before = std::mem::take(&mut self.scope);
                    self.scope = crate::grant::appended(before, [scope.into()]);
                }
                /// Adds scopes from an iterator, in order, after any added before.
                #[inline]
                pub fn scopes<I>(&mut self, scopes: I)
                where
                    I: IntoIterator,
                    I::Item: Into<String>,
                {
                    // Collecting a `Vec<String>` reuses its buffer: no allocation.
                    // Collected before the builder's own scopes are taken: in this
                    // order the builder stays in registers (the other order, which
                    // saves a temporary `Vec` when scopes were given before, put it
                    // back on the stack: 1.0x-1.2x the SDK's builder, not 0.8x).
                    let added: Vec<String> = scopes.into_iter().map(Into::into).collect();
                    let before = std::mem::take(&mut self.scope);
                    self.scope = if before.is_empty() {
                        added
                    } else {
                        crate::grant::appended(before, added)
                    };
                }
            ),
        )]
        pub struct $name {
            #[builder(setter(
                fn transform(value: impl Into<String>) -> String
                where
                    <Self as crate::builder_state::FieldState<crate::builder_state::field::client_id::Name>>::State:
                        crate::builder_state::field::client_id::Unset,
                {
                    value.into()
                },
                doc = "Sets `clientId` (required): the client's identifier; for `CreateTokenWithIam`, the ARN of an application with OAuth grants configured.",
            ))]
            pub(crate) client_id: String,
            $(
                #[builder(setter(
                    fn transform(value: impl crate::IntoSecret) -> secrecy::SecretString
                    where
                        <Self as crate::builder_state::FieldState<crate::builder_state::field::$secret::Name>>::State:
                            crate::builder_state::field::$secret::Unset,
                    {
                        crate::IntoSecret::into_secret(value)
                    },
                    doc = $secret_doc,
                ))]
                pub(crate) $secret: secrecy::SecretString,
            )*
            $(
                #[builder(default, setter(
                    fn transform(value: impl crate::IntoSecret) -> Option<secrecy::SecretString>
                    where
                        <Self as crate::builder_state::FieldState<crate::builder_state::field::$osecret::Name>>::State:
                            crate::builder_state::field::$osecret::Unset,
                    {
                        Some(crate::IntoSecret::into_secret(value))
                    },
                    doc = $osecret_doc,
                ))]
                pub(crate) $osecret: Option<secrecy::SecretString>,
            )*
            $(
                #[builder(setter(
                    fn transform(value: impl Into<$plain_ty>) -> $plain_ty
                    where
                        <Self as crate::builder_state::FieldState<crate::builder_state::field::$plain::Name>>::State:
                            crate::builder_state::field::$plain::Unset,
                    {
                        value.into()
                    },
                    doc = $plain_doc,
                ))]
                pub(crate) $plain: $plain_ty,
            )*
            $(
                #[builder(default, setter(
                    fn transform(value: $opt_ty) -> Option<$opt_ty>
                    where
                        <Self as crate::builder_state::FieldState<crate::builder_state::field::$opt::Name>>::State:
                            crate::builder_state::field::$opt::Unset,
                    {
                        Some(value)
                    },
                    doc = $opt_doc,
                ))]
                pub(crate) $opt: Option<$opt_ty>,
            )*
            #[builder(via_mutators)]
            pub(crate) scope: Vec<String>,
        }

        crate::builder_state::field_states!(
            $builder
            [client_id $($secret)* $($osecret)* $($plain)* $($opt)* scope]
            client_id $($secret)* $($osecret)* $($plain)* $($opt)*
        );

        // The type parameters are the fields' states, named after the fields.
        #[allow(non_camel_case_types)]
        impl<client_id, $($secret,)* $($osecret,)* $($plain,)* $($opt,)*>
            $builder<(client_id, $($secret,)* $($osecret,)* $($plain,)* $($opt,)* (Vec<String>,),)>
        {
            /// Checks the fields' content and returns the request, or a
            /// [`BuildError`](crate::BuildError) listing every problem.
            ///
            /// Only callable once every required field is set: each one missing is a
            /// compile error that names it.
            ///
            /// # Errors
            /// A [`BuildError`](crate::BuildError) naming every field that breaks a
            /// content rule (empty or blank values, and the grant's own rules).
            #[allow(clippy::inline_always)]
            #[inline(always)]
            pub fn build(self) -> Result<crate::$op<$grant>, crate::BuildError>
            where
                client_id: crate::builder_state::field::client_id::Required<String>,
                $($secret: crate::builder_state::field::$secret::Required<secrecy::SecretString>,)*
                $($osecret: crate::builder_state::Optional<Option<secrecy::SecretString>>,)*
                $($plain: crate::builder_state::field::$plain::Required<$plain_ty>,)*
                $($opt: crate::builder_state::Optional<Option<$opt_ty>>,)*
            {
                let (client_id, $($secret,)* $($osecret,)* $($plain,)* $($opt,)* (scope,),) = self.fields;
                crate::$op::<$grant>::from_fields($name {
                    client_id: crate::builder_state::field::client_id::Required::into_value(client_id),
                    $($secret: crate::builder_state::field::$secret::Required::into_value($secret),)*
                    $($osecret: crate::builder_state::Optional::into_value($osecret),)*
                    $($plain: crate::builder_state::field::$plain::Required::into_value($plain),)*
                    $($opt: crate::builder_state::Optional::into_value($opt),)*
                    scope,
                })
            }
        }

        crate::grant::operation_fields!($op, $name, $grant);

        impl crate::fields::GrantFields for $name {
            fn client_id(&self) -> &str {
                &self.client_id
            }
            fn scope(&self) -> &[String] {
                &self.scope
            }
            #[inline]
            fn check_grant(&self, $checks: &mut crate::validation::Checks) {
                let $f = self;
                $check
            }
            fn from_members(
                m: crate::fields::RequestMembers,
            ) -> Result<Self, crate::ParseError> {
                use crate::fields::required;
                let grant = <$grant as crate::grant::Grant>::NAME;
                m.only(
                    &[
                        "client_id",
                        "scope",
                        $(stringify!($secret),)*
                        $(stringify!($osecret),)*
                        $(stringify!($plain),)*
                        $(stringify!($opt),)*
                    ],
                    grant,
                )?;
                Ok(Self {
                    client_id: required(m.client_id, "client_id", grant)?,
                    $($secret: required(m.$secret, stringify!($secret), grant)?,)*
                    $($osecret: m.$osecret,)*
                    $($plain: required(m.$plain, stringify!($plain), grant)?,)*
                    $($opt: m.$opt,)*
                    scope: m.scope.unwrap_or_default(),
                })
            }
        }
    };
}
pub(crate) use fields;

/// Visits `scope` if any scope was given (the SDK leaves it out when absent).
pub(crate) fn visit_scope<V: crate::wire::Visit>(
    visitor: &mut V,
    scope: &[String],
) -> Result<(), V::Error> {
    if scope.is_empty() {
        return Ok(());
    }
    visitor.member("scope", crate::wire::Value::List(scope))
}

/// Declares a grant marker type.
macro_rules! grant_marker {
    (
        $(#[$meta:meta])* $name:ident = $grant_type:literal, $human:literal,
        iam: $iam:ty, public: $public:ty $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {}

        impl super::sealed::Sealed for $name {}

        impl super::Grant for $name {
            const GRANT_TYPE: &'static str = $grant_type;
            const NAME: &'static str = $human;
            type IamFields = $iam;
            type PublicFields = $public;
        }
    };
}
pub(crate) use grant_marker;
