//! What every grant's fields struct provides to the request types. Hidden: users
//! meet these structs only through their builders.

use std::fmt;

use crate::any_request::RequestMembers;
use crate::error::ParseError;
use crate::validation::Checks;
use crate::wire::Members;

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
