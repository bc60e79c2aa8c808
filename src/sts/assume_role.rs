//! STS `AssumeRole` with an identity context: the request, its form body, and
//! sending it signed.

use std::fmt;
use std::time::SystemTime;

use http::Request;
use secrecy::ExposeSecret;

use super::{IdentityContext, StsEndpoint, IDENTITY_CENTER_CONTEXT_PROVIDER};
use crate::builder_state::{field, Optional};
use crate::error::{BuildError, Problem, Rule};
use crate::{FormBody, SignError, SigningCredentials};

/// The SigV4 signing name of STS.
pub const STS_SIGNING_NAME: &str = "sts";

crate::builder_state::typed_struct! {
    /// The fields of an [`AssumeRole`] request, as its builder collects them. The
    /// request dereferences to this, so call these accessors on the request.
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = AssumeRoleBuilder,
            doc = "Builds an [`AssumeRole`] request. Start with [`AssumeRole::builder`].\n\nRequired: `role_arn`, `role_session_name`, `identity_context`. Optional: `duration_seconds`, `policy`, `policy_arn` (repeatable), `source_identity`, `tag` (repeatable), `transitive_tag_key` (repeatable), `external_id`, `mfa`, `minimum_session_token_size`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
        mutators(
            /// Adds the ARN of a managed policy to use as a session policy
            /// (`PolicyArns`, repeatable, at most 10).
            pub fn policy_arn(&mut self, arn: impl Into<String>) {
                self.policy_arns.push(arn.into());
            }
            /// Adds a session tag (`Tags`, repeatable, at most 50; keys unique,
            /// ignoring case).
            pub fn tag(&mut self, key: impl Into<String>, value: impl Into<String>) {
                self.tags.push((key.into(), value.into()));
            }
            /// Marks a session tag's key as transitive (`TransitiveTagKeys`,
            /// repeatable, at most 50): the tag then passes on to the sessions
            /// of a role chain.
            pub fn transitive_tag_key(&mut self, key: impl Into<String>) {
                self.transitive_tag_keys.push(key.into());
            }
        ),
    )]
    pub struct AssumeRoleFields {
        required role_arn: into String = "Sets `RoleArn` (required): the role to assume, `arn:<partition>:iam::<account>:role/<name>`.",
        required role_session_name: into String = "Sets `RoleSessionName` (required): 2 to 64 characters of letters, digits and `+=,.@-_`; it shows in CloudTrail.",
        required identity_context: exact IdentityContext = "Sets the identity context (required), sent as `ProvidedContexts.member.1` with provider ARN `arn:aws:iam::aws:contextProvider/IdentityCenter`.",
        optional duration_seconds: exact u32 = "Sets `DurationSeconds` (optional): 900 to 43,200; the role's maximum session duration applies.",
        optional policy: into String = "Sets `Policy` (optional): an inline session policy (JSON), at most 2,048 characters.",
        raw #[builder(via_mutators)] policy_arns: Vec<String>,
        optional source_identity: into String = "Sets `SourceIdentity` (optional): 2 to 64 characters of letters, digits and `+=,.@-_`, not starting with `aws:`.",
        raw #[builder(via_mutators)] tags: Vec<(String, String)>,
        raw #[builder(via_mutators)] transitive_tag_keys: Vec<String>,
        optional secret external_id = "Sets `ExternalId` (optional, secret): the value the role's trust policy asks for in `sts:ExternalId`, 2 to 1,224 characters of letters, digits and `+=,.@:/-_`. Kept like a password (it may be one): zeroizing, never shown.",
        raw #[builder(default, setter(
            fn transform(serial_number: impl Into<String>, token_code: impl crate::IntoSecret) -> Option<Mfa>
            where
                <Self as crate::builder_state::FieldState<crate::builder_state::field::mfa::Name>>::State:
                    crate::builder_state::field::mfa::Unset,
            {
                Some(Mfa::new(serial_number, token_code))
            },
            doc = "Sets `SerialNumber` and `TokenCode` together (optional; the role's trust policy may require MFA): the MFA device's serial number or ARN (9 to 256 characters of letters, digits and `+=/:,.@-_`), and the six-digit code it shows now (secret: zeroizing, never shown). One setter for both, so that a request cannot carry one without the other.",
        ))]
        mfa: Option<Mfa>,
        optional minimum_session_token_size: exact u32 = "Sets `MinimumSessionTokenSize` (optional): 0 to 4,096 bytes; STS pads the session token it issues to at least this size (0 leaves it as it is).",
    }
}

/// The MFA device and its current code, sent as `SerialNumber` and `TokenCode`
/// (set with [`AssumeRoleBuilder::mfa`]). The code shows as `[REDACTED]`.
///
/// ```
/// use ssooidc_token::sts::{AssumeRole, IdentityContext};
/// use ssooidc_token::ExposeSecret;
///
/// let request = AssumeRole::builder()
///     .role_arn("arn:aws:iam::123456789012:role/partner")
///     .role_session_name("alice")
///     .identity_context(IdentityContext::new("AQoJb3JpZ2lu")?)
///     .external_id("partner-42")
///     .mfa("arn:aws:iam::123456789012:mfa/alice", "123456")
///     .build()?;
/// let mfa = request.mfa().unwrap();
/// assert_eq!(mfa.serial_number(), "arn:aws:iam::123456789012:mfa/alice");
/// assert!(!format!("{request:?}").contains("123456\""));
/// assert!(!format!("{request:?}").contains("partner-42"));
/// assert!(std::str::from_utf8(request.to_form().expose_secret())?.contains(
///     "&ExternalId=partner-42\
///      &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456&"
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Mfa {
    serial_number: String,
    token_code: secrecy::SecretString,
}

impl Mfa {
    /// The pair, the code moved into its zeroizing buffer.
    fn new(serial_number: impl Into<String>, token_code: impl crate::IntoSecret) -> Self {
        Self {
            serial_number: serial_number.into(),
            token_code: crate::IntoSecret::into_secret(token_code),
        }
    }

    /// `SerialNumber`: the device's serial number or ARN.
    #[must_use]
    pub fn serial_number(&self) -> &str {
        &self.serial_number
    }

    /// `TokenCode`: the six-digit code (secret).
    #[must_use]
    pub fn token_code(&self) -> &secrecy::SecretString {
        &self.token_code
    }
}

/// The token code shows as `[REDACTED]`.
impl fmt::Debug for Mfa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mfa")
            .field("serial_number", &self.serial_number)
            .field("token_code", &"[REDACTED]")
            .finish()
    }
}

crate::builder_state::field_states!(
    AssumeRoleBuilder
    [role_arn role_session_name identity_context duration_seconds policy policy_arns source_identity tags transitive_tag_keys external_id mfa minimum_session_token_size]
    role_arn role_session_name identity_context duration_seconds policy source_identity external_id mfa minimum_session_token_size
);

crate::builder_state::maybe_setters!(AssumeRoleBuilder {
    maybe_duration_seconds: duration_seconds exact u32,
    maybe_policy: policy into String,
    maybe_source_identity: source_identity into String,
    maybe_external_id: external_id secret,
    maybe_minimum_session_token_size: minimum_session_token_size exact u32,
    fn maybe_mfa(mfa: Option<(impl Into<String>, impl crate::IntoSecret)>) -> Option<Mfa> {
        mfa.map(|(serial_number, token_code)| Mfa::new(serial_number, token_code))
    }
});

#[allow(non_camel_case_types)]
impl<
        role_arn,
        role_session_name,
        identity_context,
        duration_seconds,
        policy,
        source_identity,
        external_id,
        mfa,
        minimum_session_token_size,
    >
    AssumeRoleBuilder<(
        role_arn,
        role_session_name,
        identity_context,
        duration_seconds,
        policy,
        (Vec<String>,),
        source_identity,
        (Vec<(String, String)>,),
        (Vec<String>,),
        external_id,
        mfa,
        minimum_session_token_size,
    )>
{
    /// Checks every field against STS's rules and returns the request, or a
    /// [`BuildError`](crate::BuildError) listing every problem (field and rule,
    /// never a value).
    ///
    /// Only compiles once `role_arn`, `role_session_name` and `identity_context`
    /// are set; each one missing is its own compile error naming it.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks one of STS's rules.
    pub fn build(self) -> Result<AssumeRole, BuildError>
    where
        role_arn: field::role_arn::Required<String>,
        role_session_name: field::role_session_name::Required<String>,
        identity_context: field::identity_context::Required<IdentityContext>,
        duration_seconds: Optional<Option<u32>>,
        policy: Optional<Option<String>>,
        source_identity: Optional<Option<String>>,
        external_id: Optional<Option<secrecy::SecretString>>,
        mfa: Optional<Option<Mfa>>,
        minimum_session_token_size: Optional<Option<u32>>,
    {
        let (
            role_arn,
            role_session_name,
            identity_context,
            duration_seconds,
            policy,
            (policy_arns,),
            source_identity,
            (tags,),
            (transitive_tag_keys,),
            external_id,
            mfa,
            minimum_session_token_size,
        ) = self.fields;
        AssumeRole::checked(AssumeRoleFields {
            role_arn: role_arn.into_value(),
            role_session_name: role_session_name.into_value(),
            identity_context: identity_context.into_value(),
            duration_seconds: duration_seconds.into_value(),
            policy: policy.into_value(),
            policy_arns,
            source_identity: source_identity.into_value(),
            tags,
            transitive_tag_keys,
            external_id: external_id.into_value(),
            mfa: mfa.into_value(),
            minimum_session_token_size: minimum_session_token_size.into_value(),
        })
    }
}

/// A checked STS `AssumeRole` request that carries an IAM Identity Center
/// identity context (`ProvidedContexts`): the step from a
/// `CreateTokenWithIAM` answer to an identity-enhanced IAM session.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ssooidc_token::sts::{AssumeRole, IdentityContext, StsEndpoint};
/// use ssooidc_token::{ExposeSecret, SigningCredentials};
///
/// let request = AssumeRole::builder()
///     .role_arn("arn:aws:iam::123456789012:role/app")
///     .role_session_name("alice")
///     .identity_context(IdentityContext::new("AQoJb3JpZ2lu+/=")?)
///     .duration_seconds(900)
///     .build()?;
/// assert_eq!(
///     request.to_form().expose_secret(),
///     b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp\
///       &RoleSessionName=alice&DurationSeconds=900\
///       &ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter\
///       &ProvidedContexts.member.1.ContextAssertion=AQoJb3JpZ2lu%2B%2F%3D"
/// );
/// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let signed = request.to_signed_http(&StsEndpoint::new("eu-west-1")?, &credentials, time)?;
/// assert_eq!(signed.uri(), "https://sts.eu-west-1.amazonaws.com/");
/// assert!(signed.headers()["authorization"].to_str()?.contains("/eu-west-1/sts/aws4_request"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AssumeRole {
    fields: AssumeRoleFields,
    len: usize,
}

impl AssumeRole {
    /// Starts an `AssumeRole` request.
    pub fn builder() -> AssumeRoleBuilder {
        AssumeRoleFields::builder()
    }

    /// The exact length in bytes of the body [`to_form`](Self::to_form) returns.
    #[must_use]
    pub fn form_len(&self) -> usize {
        self.len
    }

    /// The `application/x-www-form-urlencoded` body, byte for byte what
    /// `aws-sdk-sts` sends: `Action` and `Version` first, then the members in the
    /// SDK's order, values percent-encoded (all but `A-Z a-z 0-9 - _ . ~`).
    ///
    /// Written into one allocation of its exact final size (measured at
    /// `build()`), wiped when dropped.
    #[must_use]
    pub fn to_form(&self) -> FormBody {
        let mut out = Vec::with_capacity(self.len);
        let Ok(()) = self.fields.visit(&mut Write(&mut out));
        debug_assert_eq!(out.len(), self.len);
        debug_assert_eq!(out.capacity(), self.len);
        FormBody::new(out)
    }

    /// `POST https://sts.{region}.amazonaws.com/` (or the endpoint's URL) with
    /// `content-type: application/x-www-form-urlencoded`, `content-length` and
    /// the zeroizing form body. It still needs a SigV4 signature
    /// ([`to_signed_http`](Self::to_signed_http)).
    #[must_use]
    pub fn to_http(&self, endpoint: &StsEndpoint) -> Request<FormBody> {
        crate::http::post(
            endpoint.endpoint().uri("/"),
            self.to_form(),
            "application/x-www-form-urlencoded",
        )
    }

    /// The request signed with SigV4 (signing name `sts`) by the crate's own
    /// zeroizing signer, ready to send.
    ///
    /// # Errors
    /// [`SignError`] if signing fails (an empty secret key, a session token that
    /// is not visible ASCII...).
    pub fn to_signed_http(
        &self,
        endpoint: &StsEndpoint,
        credentials: &SigningCredentials,
        time: SystemTime,
    ) -> Result<Request<FormBody>, SignError> {
        let mut request = self.to_http(endpoint);
        crate::sign_for_service(
            &mut request,
            credentials,
            endpoint.region(),
            STS_SIGNING_NAME,
            time,
        )?;
        Ok(request)
    }
}

/// Gives the fields' accessors (`role_arn()`, `identity_context()`...) on the
/// request itself.
impl std::ops::Deref for AssumeRole {
    type Target = AssumeRoleFields;
    fn deref(&self) -> &AssumeRoleFields {
        &self.fields
    }
}

/// The identity context shows as `[REDACTED]`.
impl fmt::Debug for AssumeRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRole")
            .field("fields", &self.fields)
            .field("form_len", &self.len)
            .finish()
    }
}

impl AssumeRoleFields {
    /// `RoleArn`.
    #[must_use]
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    /// `RoleSessionName`.
    #[must_use]
    pub fn role_session_name(&self) -> &str {
        &self.role_session_name
    }

    /// The identity context sent as the context assertion.
    #[must_use]
    pub fn identity_context(&self) -> &IdentityContext {
        &self.identity_context
    }

    /// `DurationSeconds`, if set.
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }

    /// `Policy`, if set.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    /// `PolicyArns`, in the order added.
    #[must_use]
    pub fn policy_arns(&self) -> &[String] {
        &self.policy_arns
    }

    /// `SourceIdentity`, if set.
    #[must_use]
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }

    /// `Tags` as (key, value) pairs, in the order added.
    #[must_use]
    pub fn tags(&self) -> &[(String, String)] {
        &self.tags
    }

    /// `TransitiveTagKeys`, in the order added.
    #[must_use]
    pub fn transitive_tag_keys(&self) -> &[String] {
        &self.transitive_tag_keys
    }

    /// `ExternalId` (secret), if set.
    #[must_use]
    pub fn external_id(&self) -> Option<&secrecy::SecretString> {
        self.external_id.as_ref()
    }

    /// The MFA device and code (`SerialNumber`, `TokenCode`), if set.
    #[must_use]
    pub fn mfa(&self) -> Option<&Mfa> {
        self.mfa.as_ref()
    }

    /// `MinimumSessionTokenSize`, if set.
    #[must_use]
    pub fn minimum_session_token_size(&self) -> Option<u32> {
        self.minimum_session_token_size
    }

    /// Lists the form's members in the SDK's order.
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.pair(Key::Plain("Action"), "AssumeRole")?;
        v.pair(Key::Plain("Version"), "2011-06-15")?;
        v.pair(Key::Plain("RoleArn"), &self.role_arn)?;
        v.pair(Key::Plain("RoleSessionName"), &self.role_session_name)?;
        for (i, arn) in self.policy_arns.iter().enumerate() {
            v.pair(Key::Member("PolicyArns", i + 1, "arn"), arn)?;
        }
        if let Some(policy) = &self.policy {
            v.pair(Key::Plain("Policy"), policy)?;
        }
        if let Some(duration) = self.duration_seconds {
            let mut digits = [0u8; 10];
            v.pair(
                Key::Plain("DurationSeconds"),
                decimal(duration, &mut digits),
            )?;
        }
        for (i, (key, value)) in self.tags.iter().enumerate() {
            v.pair(Key::Member("Tags", i + 1, "Key"), key)?;
            v.pair(Key::Member("Tags", i + 1, "Value"), value)?;
        }
        for (i, key) in self.transitive_tag_keys.iter().enumerate() {
            v.pair(Key::Item("TransitiveTagKeys", i + 1), key)?;
        }
        if let Some(external_id) = &self.external_id {
            v.pair(Key::Plain("ExternalId"), external_id.expose_secret())?;
        }
        if let Some(mfa) = &self.mfa {
            v.pair(Key::Plain("SerialNumber"), &mfa.serial_number)?;
            v.pair(Key::Plain("TokenCode"), mfa.token_code.expose_secret())?;
        }
        if let Some(source) = &self.source_identity {
            v.pair(Key::Plain("SourceIdentity"), source)?;
        }
        v.pair(
            Key::Member("ProvidedContexts", 1, "ProviderArn"),
            IDENTITY_CENTER_CONTEXT_PROVIDER,
        )?;
        v.pair(
            Key::Member("ProvidedContexts", 1, "ContextAssertion"),
            self.identity_context.expose_secret(),
        )?;
        if let Some(size) = self.minimum_session_token_size {
            let mut digits = [0u8; 10];
            v.pair(
                Key::Plain("MinimumSessionTokenSize"),
                decimal(size, &mut digits),
            )?;
        }
        Ok(())
    }

    fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut fail = |field, index, rule| problems.push(Problem::new(field, index, rule));
        if !is_role_arn(&self.role_arn) {
            fail("role_arn", None, Rule::RoleArn);
        }
        if !is_session_name(&self.role_session_name) {
            fail("role_session_name", None, Rule::SessionName);
        }
        if let Some(duration) = self.duration_seconds {
            if !(900..=43_200).contains(&duration) {
                fail("duration_seconds", None, Rule::DurationSeconds);
            }
        }
        if let Some(policy) = &self.policy {
            let len = policy.chars().count();
            let chars_ok = policy
                .chars()
                .all(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{ff}'));
            if len == 0 || len > 2_048 || !chars_ok {
                fail("policy", None, Rule::SessionPolicy);
            }
        }
        if self.policy_arns.len() > 10 {
            fail("policy_arn", None, Rule::TooManyPolicyArns);
        }
        let mut total = self.policy.as_ref().map_or(0, |p| p.chars().count());
        for (i, arn) in self.policy_arns.iter().enumerate() {
            let len = arn.chars().count();
            total += len;
            if !(20..=2_048).contains(&len) || !arn.starts_with("arn:") || !is_visible(arn) {
                fail("policy_arn", Some(i), Rule::PolicyArn);
            }
        }
        // Each within its own limit, but too long together (reported once).
        let each_fits = self
            .policy
            .as_ref()
            .is_none_or(|p| p.chars().count() <= 2_048)
            && self.policy_arns.iter().all(|a| a.chars().count() <= 2_048);
        if each_fits && total > 2_048 {
            let field = if self.policy.is_some() {
                "policy"
            } else {
                "policy_arn"
            };
            fail(field, None, Rule::SessionPoliciesTotal);
        }
        if let Some(source) = &self.source_identity {
            let reserved = source
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:"));
            if !is_session_name(source) || reserved {
                fail("source_identity", None, Rule::SourceIdentity);
            }
        }
        let too_many_tags = self.tags.len() > 50;
        if too_many_tags {
            fail("tag", None, Rule::TooManyTags);
        }
        for (i, (key, value)) in self.tags.iter().enumerate() {
            let key_len = key.chars().count();
            if !(1..=128).contains(&key_len) || !key.chars().all(is_tag_char) {
                fail("tag", Some(i), Rule::TagKey);
            } else if !too_many_tags
                && self.tags[..i]
                    .iter()
                    .any(|(earlier, _)| same_key(earlier, key))
            {
                fail("tag", Some(i), Rule::DuplicateTagKey);
            }
            if value.chars().count() > 256 || !value.chars().all(is_tag_char) {
                fail("tag", Some(i), Rule::TagValue);
            }
        }
        self.check_chaining_and_mfa(&mut problems);
        problems
    }

    /// The members beside the session's own: transitive tag keys, external ID,
    /// MFA and the token size.
    fn check_chaining_and_mfa(&self, problems: &mut Vec<Problem>) {
        let mut fail = |field, index, rule| problems.push(Problem::new(field, index, rule));
        if self.transitive_tag_keys.len() > 50 {
            fail("transitive_tag_key", None, Rule::TooManyTransitiveTagKeys);
        }
        for (i, key) in self.transitive_tag_keys.iter().enumerate() {
            let len = key.chars().count();
            if !(1..=128).contains(&len) || !key.chars().all(is_tag_char) {
                fail("transitive_tag_key", Some(i), Rule::TagKey);
            }
        }
        if let Some(external_id) = &self.external_id {
            if !is_path_name(external_id.expose_secret(), 2..=1_224) {
                fail("external_id", None, Rule::ExternalId);
            }
        }
        if let Some(mfa) = &self.mfa {
            if !is_path_name(&mfa.serial_number, 9..=256) {
                fail("mfa", None, Rule::MfaSerialNumber);
            }
            let code = mfa.token_code.expose_secret().as_bytes();
            if code.len() != 6 || !code.iter().all(u8::is_ascii_digit) {
                fail("mfa", None, Rule::MfaTokenCode);
            }
        }
        if self
            .minimum_session_token_size
            .is_some_and(|size| size > 4_096)
        {
            fail(
                "minimum_session_token_size",
                None,
                Rule::MinimumSessionTokenSize,
            );
        }
    }
}

impl AssumeRole {
    fn checked(fields: AssumeRoleFields) -> Result<Self, BuildError> {
        let problems = fields.check();
        if !problems.is_empty() {
            return Err(BuildError::new("AssumeRole", problems));
        }
        let mut measure = Measure(0);
        let Ok(()) = fields.visit(&mut measure);
        Ok(Self {
            len: measure.0 - 1,
            fields,
        })
    }
}

/// `arn:<partition>:iam::<12 digits>:role/<path and name>`, 20 to 2,048 characters.
fn is_role_arn(arn: &str) -> bool {
    let len = arn.chars().count();
    if !(20..=2_048).contains(&len) || !is_visible(arn) {
        return false;
    }
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let partition_ok = !partition.is_empty()
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let role_ok = resource
        .strip_prefix("role/")
        .is_some_and(|name| !name.is_empty() && !name.ends_with('/'));
    partition_ok && account_ok && role_ok
}

/// `[\w+=,.@-]{2,64}`.
fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len()) && name.bytes().all(is_name_byte)
}

/// `[\w+=,.@:/-]` (`ExternalId`, `SerialNumber`), `len` characters.
fn is_path_name(text: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&text.len())
        && text
            .bytes()
            .all(|b| is_name_byte(b) || matches!(b, b':' | b'/'))
}

/// `[\w+=,.@-]`: an ASCII letter or digit, or one of `_+=,.@-`.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'=' | b',' | b'.' | b'@' | b'-')
}

fn is_visible(text: &str) -> bool {
    text.bytes().all(|b| (0x21..0x7f).contains(&b))
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators, numbers and `_.:/=+-@`.
fn is_tag_char(c: char) -> bool {
    super::letters::is_letter(c)
        || c.is_numeric()
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || matches!(
            c,
            ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
        )
}

fn decimal(value: u32, buf: &mut [u8; 10]) -> &str {
    let mut i = buf.len();
    let mut value = value;
    loop {
        i -= 1;
        // One decimal digit.
        buf[i] = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// A form member's name: `Name`, `List.member.N.Field` (a list of
/// structures), or `List.member.N` (a list of strings).
#[derive(Clone, Copy)]
enum Key {
    Plain(&'static str),
    Member(&'static str, usize, &'static str),
    Item(&'static str, usize),
}

trait Visit {
    type Error;
    fn pair(&mut self, key: Key, value: &str) -> Result<(), Self::Error>;
}

/// Adds up the exact length, `&` before every pair included (one too many).
struct Measure(usize);

impl Visit for Measure {
    type Error = std::convert::Infallible;
    fn pair(&mut self, key: Key, value: &str) -> Result<(), Self::Error> {
        self.0 += 2 + match key {
            Key::Plain(name) => name.len(),
            Key::Member(list, index, field) => {
                let mut digits = [0u8; 10];
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                list.len() + ".member.".len() + decimal(index, &mut digits).len() + 1 + field.len()
            }
            Key::Item(list, index) => {
                let mut digits = [0u8; 10];
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                list.len() + ".member.".len() + decimal(index, &mut digits).len()
            }
        };
        self.0 += value
            .bytes()
            .map(|b| {
                if crate::validation::unreserved(b) {
                    1
                } else {
                    3
                }
            })
            .sum::<usize>();
        Ok(())
    }
}

/// Writes the pairs into a buffer allocated at the exact final size.
struct Write<'a>(&'a mut Vec<u8>);

impl Visit for Write<'_> {
    type Error = std::convert::Infallible;
    fn pair(&mut self, key: Key, value: &str) -> Result<(), Self::Error> {
        let out = &mut *self.0;
        if !out.is_empty() {
            out.push(b'&');
        }
        match key {
            Key::Plain(name) => out.extend_from_slice(name.as_bytes()),
            Key::Member(list, index, field) => {
                let mut digits = [0u8; 10];
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                out.extend_from_slice(list.as_bytes());
                out.extend_from_slice(b".member.");
                out.extend_from_slice(decimal(index, &mut digits).as_bytes());
                out.push(b'.');
                out.extend_from_slice(field.as_bytes());
            }
            Key::Item(list, index) => {
                let mut digits = [0u8; 10];
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                out.extend_from_slice(list.as_bytes());
                out.extend_from_slice(b".member.");
                out.extend_from_slice(decimal(index, &mut digits).as_bytes());
            }
        }
        out.push(b'=');
        crate::hex::percent_encode(
            value.as_bytes(),
            crate::validation::unreserved_byte,
            |piece| {
                out.extend_from_slice(piece);
            },
        );
        Ok(())
    }
}

/// Whether two tag keys are the same to STS, which compares them ignoring case
/// (without allocating for ASCII keys, the usual kind; at most 50 keys reach
/// this, so the comparison is quadratic in a bounded number).
fn same_key(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}
