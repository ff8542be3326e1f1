//! Fixtures shared by the workspace's tests (a dev-dependency, never
//! published): the local services on free ports, a Terraform workspace
//! running the real binaries, and AWS helpers.
#![forbid(unsafe_code)]
// `new()` starts processes and binds ports; a `Default` would hide that.
#![allow(clippy::new_without_default)]

pub mod aws;
pub mod background;
pub mod env;
pub mod fuzz;
pub mod lambda;
pub mod model;
pub mod paths;
pub mod plugin_client;
pub mod processor;
pub mod proxy;
pub mod services;
pub mod signals;
pub mod skip;
pub mod terraform;
pub mod tls_front;

pub use aws::Aws;
pub use services::Services;
pub use terraform::Workspace;
