//! A framework for Terraform providers over plugin protocol v6: cty values,
//! schemas, typed resources, data sources, actions and list resources, the
//! gRPC protocol server, and go-plugin's handshake with mutual TLS.
//!
//! It knows nothing of any cloud: a provider implements
//! [`framework::Provider`] and hands it to [`plugin::serve`] with
//! [`plugin::ServeOptions`] naming the product.
#![forbid(unsafe_code)]

// The derive names `::tfplugin`, also for the framework's own models.
extern crate self as tfplugin;

pub mod framework;
pub mod plugin;
pub mod proto;
pub mod tfprotocol;
pub mod value;
