//! What every grant's fields struct provides to the request types, and the
//! request members as read from a body before a grant takes its own. Hidden:
//! users meet these through the builders and the request parser.
//!
//! The layers run one way: `fields` (this module) knows no grant; each grant in
//! `grant` implements [`GrantFields`]; `any_request` picks the grant and asks it
//! to take its members.

use std::fmt;

use secrecy::SecretString;

use crate::error::{ParseError, ParseErrorKind};
use crate::json::Reader;
use crate::validation::Checks;
use crate::wire::Members;
use crate::TokenType;

/// A grant's fields, as the typed builder produces them.
pub trait GrantFields: Members + fmt::Debug {
    /// `clientId`.
    fn client_id(&self) -> &str;
    /// `scope`, in the order given.
    fn scope(&self) -> &[String];
    /// Checks the grant's own fields (everything but `client_id` and `scope`).
    fn check_grant(&self, checks: &mut Checks);
    /// Takes the grant's members from a parsed request body, refusing members of
    /// other grants and naming any required one that is missing.
    fn from_members(members: RequestMembers) -> Result<Self, ParseError>
    where
        Self: Sized;
}

/// A request member, by wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    Assertion,
    ClientId,
    ClientSecret,
    Code,
    CodeVerifier,
    DeviceCode,
    GrantType,
    RedirectUri,
    RefreshToken,
    RequestedTokenType,
    Scope,
    SubjectToken,
    SubjectTokenType,
}

impl Member {
    /// In wire order.
    const ALL: [Self; 13] = [
        Self::Assertion,
        Self::ClientId,
        Self::ClientSecret,
        Self::Code,
        Self::CodeVerifier,
        Self::DeviceCode,
        Self::GrantType,
        Self::RedirectUri,
        Self::RefreshToken,
        Self::RequestedTokenType,
        Self::Scope,
        Self::SubjectToken,
        Self::SubjectTokenType,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::ClientId => "clientId",
            Self::ClientSecret => "clientSecret",
            Self::Code => "code",
            Self::CodeVerifier => "codeVerifier",
            Self::DeviceCode => "deviceCode",
            Self::GrantType => "grantType",
            Self::RedirectUri => "redirectUri",
            Self::RefreshToken => "refreshToken",
            Self::RequestedTokenType => "requestedTokenType",
            Self::Scope => "scope",
            Self::SubjectToken => "subjectToken",
            Self::SubjectTokenType => "subjectTokenType",
        }
    }

    /// The builder field (snake case) for this member.
    fn field(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::ClientId => "client_id",
            Self::ClientSecret => "client_secret",
            Self::Code => "code",
            Self::CodeVerifier => "code_verifier",
            Self::DeviceCode => "device_code",
            Self::GrantType => "grant_type",
            Self::RedirectUri => "redirect_uri",
            Self::RefreshToken => "refresh_token",
            Self::RequestedTokenType => "requested_token_type",
            Self::Scope => "scope",
            Self::SubjectToken => "subject_token",
            Self::SubjectTokenType => "subject_token_type",
        }
    }

    /// The member a builder field is sent as.
    fn of_field(field: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.field() == field)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Every member a request body may hold, as read, before the grant decides which
/// it needs. Secrets are held zeroizing from the moment they are decoded.
#[derive(Debug, Default)]
pub struct RequestMembers {
    present: u16,
    pub(crate) assertion: Option<SecretString>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<SecretString>,
    pub(crate) code: Option<SecretString>,
    pub(crate) code_verifier: Option<SecretString>,
    pub(crate) device_code: Option<SecretString>,
    pub(crate) grant_type: Option<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) refresh_token: Option<SecretString>,
    pub(crate) requested_token_type: Option<TokenType>,
    pub(crate) scope: Option<Vec<String>>,
    pub(crate) subject_token: Option<SecretString>,
    pub(crate) subject_token_type: Option<TokenType>,
}

impl RequestMembers {
    pub(crate) fn read(body: &[u8]) -> Result<Self, ParseError> {
        let mut m = Self::default();
        let mut reader = Reader::new(body);
        reader.object(|r, key| {
            let member = key
                .as_bytes()
                .and_then(|name| {
                    Member::ALL
                        .into_iter()
                        .find(|m| m.name().as_bytes() == name)
                })
                .ok_or_else(|| {
                    ParseError::new(ParseErrorKind::UnknownMember, None, Some(key.offset))
                })?;
            if m.present & member.bit() != 0 {
                return Err(ParseError::new(
                    ParseErrorKind::Duplicate,
                    Some(member.name()),
                    Some(key.offset),
                ));
            }
            m.present |= member.bit();
            m.read_value(r, member)
                .map_err(|e| e.in_member(member.name()))
        })?;
        reader.end()?;
        Ok(m)
    }

    fn read_value(&mut self, r: &mut Reader<'_>, member: Member) -> Result<(), ParseError> {
        let token_type = |r: &mut Reader<'_>| r.string().map(|uri| TokenType::from_uri(&uri));
        match member {
            Member::Assertion => self.assertion = Some(r.secret()?),
            Member::ClientId => self.client_id = Some(r.string()?),
            Member::ClientSecret => self.client_secret = Some(r.secret()?),
            Member::Code => self.code = Some(r.secret()?),
            Member::CodeVerifier => self.code_verifier = Some(r.secret()?),
            Member::DeviceCode => self.device_code = Some(r.secret()?),
            Member::GrantType => self.grant_type = Some(r.string()?),
            Member::RedirectUri => self.redirect_uri = Some(r.string()?),
            Member::RefreshToken => self.refresh_token = Some(r.secret()?),
            Member::RequestedTokenType => self.requested_token_type = Some(token_type(r)?),
            // `[]` (which the SDK sends for an empty list) reads as no scope:
            // `to_json` then leaves the member out.
            Member::Scope => self.scope = Some(r.strings()?),
            Member::SubjectToken => self.subject_token = Some(r.secret()?),
            Member::SubjectTokenType => self.subject_token_type = Some(token_type(r)?),
        }
        Ok(())
    }

    /// Refuses members other than those of the builder `fields` (and `grantType`),
    /// naming the first in wire order.
    pub(crate) fn only(&self, fields: &[&str], grant: &'static str) -> Result<(), ParseError> {
        let mut mask = Member::GrantType.bit();
        for member in fields.iter().filter_map(|f| Member::of_field(f)) {
            mask |= member.bit();
        }
        match Member::ALL
            .into_iter()
            .find(|m| self.present & !mask & m.bit() != 0)
        {
            Some(foreign) => Err(ParseError::new(
                ParseErrorKind::NotUsedByGrant { grant },
                Some(foreign.name()),
                None,
            )),
            None => Ok(()),
        }
    }
}

/// A required member's value, or an error naming it (by wire name) and the grant.
pub(crate) fn required<T>(
    slot: Option<T>,
    field: &'static str,
    grant: &'static str,
) -> Result<T, ParseError> {
    slot.ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::Missing { grant: Some(grant) },
            Some(Member::of_field(field).map_or(field, Member::name)),
            None,
        )
    })
}
