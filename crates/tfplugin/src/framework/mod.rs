//! The provider-building toolkit: schemas, validators, plan modifiers,
//! timeouts, diagnostics, identities, and typed resources, list resources
//! and data sources served through the object-safe Resource / ListResource
//! / DataSource / Provider traits.
//!
//! It knows cty values (crate::value) but neither gRPC nor any cloud: the protocol
//! layer drives these traits, and resources implement them.

mod action;
mod context;
mod declare;
mod diag;
mod docs;
mod duration;
mod generate;
mod identity;
mod list;
mod plan;
mod provider;
mod registry;
mod resource;
mod schema;
mod timeouts;
mod typed;
mod typed_provider;
mod upgrade;
mod validators;
mod walk;

pub use action::{Action, Progress, TypedAction, action};
pub use context::{CallContext, ProviderData};
pub use declare::{BlockSchema, CtySetType, CtyType};
pub use diag::{Diagnostic, Diagnostics, Severity, truncated};
pub use docs::schema_markdown;
pub use duration::parse_duration;
pub use generate::generated_config;
pub use identity::{IdentityAttribute, IdentitySchema};
pub use list::{
    Found, ListEvent, ListRequest, ListResource, Listing, NoListConfig, OBJECT_READ_CONCURRENCY,
    TypedList, list_resource,
};
pub use plan::{framework_plan, requires_replace_paths, use_state_for_unknown, with_defaults};
pub use provider::Provider;
pub use registry::Registry;
pub use resource::{
    ApplyRequest, ApplyResponse, DataSource, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    Resource,
};
pub use schema::{Attribute, Block, NestedBlock, Nesting, PlanModifier, Schema};
pub use timeouts::{
    DEFAULT_OPERATION_TIMEOUT, Deadline, MAX_OPERATION_TIMEOUT, Op, operation_timeout,
};
pub use typed::{
    Change, Destroy, ModelValue, Plan, Refresh, TypedDataSource, TypedResource, data_source,
    resource, served_schema,
};
pub use typed_provider::TypedProvider;
pub use upgrade::{StateUpgrade, upgrade_state};
pub use validators::{
    Validator, at_least, between, duration_at_most, length_between, not_empty, one_of, regex_match,
    starts_with,
};
pub use walk::validate_attributes;
