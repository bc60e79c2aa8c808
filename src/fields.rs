//! What every grant's fields struct provides to the request types. Hidden: users
//! meet these structs only through their builders.

use std::fmt;

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
}
