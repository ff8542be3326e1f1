//! The provider-building toolkit: schemas, validators, plan modifiers,
//! diagnostics and the Resource / DataSource / Provider traits.
//!
//! It knows cty values (crate::value) but neither gRPC nor AWS: the protocol
//! layer drives these traits, and resources implement them.

mod diag;
mod docs;
mod resource;
mod schema;
mod timeouts;
mod validators;
mod walk;

pub use diag::{Diagnostic, Diagnostics, Severity, truncated};
pub use docs::schema_markdown;
pub use resource::{
    ApplyRequest, ApplyResponse, CallContext, DataSource, PlanRequest, PlanResponse, Provider,
    ReadRequest, ReadResponse, Resource,
};
pub use schema::{Attribute, Block, NestedBlock, Nesting, PlanModifier, Schema};
pub use timeouts::{MAX_OPERATION_TIMEOUT, parse_duration};
pub use validators::{
    Validator, at_least, between, duration_at_most, not_empty, one_of, regex_match, starts_with,
};
pub use walk::{requires_replace_paths, validate_attributes};
