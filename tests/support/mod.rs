//! Shared fixtures for the end-to-end tests: the local services, a Terraform
//! workspace running the real binaries, and AWS helpers.
#![allow(dead_code)]

pub mod aws;
pub mod background;
pub mod env;
pub mod model;
pub mod proxy;
pub mod services;
pub mod terraform;
pub mod tls_front;

pub use aws::Aws;
pub use services::Services;
pub use terraform::Workspace;
