//! The tfplugin6 gRPC service: decode each request, dispatch to the
//! framework traits, encode the answer. Every RPC runs in a tracing span
//! and with the cancellation token that StopProvider trips.
//!
//! Protocol rules live here once, not in each resource: a destroy plan is
//! null, refinements of unknown config values survive planning, and
//! RequiresReplace paths are computed from the schema.

mod action;
mod convert;
mod identity;
mod list;
mod server;
mod unsupported;

pub use convert::capture_into;
pub use server::ProviderServer;
