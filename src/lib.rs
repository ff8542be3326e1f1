//! terraform-provider-chimesdk: a Terraform provider (plugin protocol v6) for
//! Amazon Chime SDK messaging streaming, plus a local Chime SDK endpoint.
#![forbid(unsafe_code)]

pub mod value;
