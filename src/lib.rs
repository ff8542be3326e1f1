//! terraform-provider-chimesdk: a Terraform provider (plugin protocol v6) for
//! Amazon Chime SDK messaging streaming, plus a local Chime SDK endpoint.
#![forbid(unsafe_code)]

pub mod actions;
pub mod arn;
pub mod aws;
pub mod data_sources;
pub mod events;
pub mod framework;
pub mod kms_policy;
pub mod local;
pub mod plugin;
pub mod proto;
pub mod provider;
pub mod resources;
pub mod streaming;
pub mod tfprotocol;
pub mod value;
