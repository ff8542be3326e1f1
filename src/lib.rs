//! terraform-provider-chimesdk: the chimesdk provider's resources, data
//! sources, action and AWS access, served by the `tfplugin` framework.
#![forbid(unsafe_code)]

pub mod actions;
pub mod aws;
pub mod provider;
pub mod resources;
