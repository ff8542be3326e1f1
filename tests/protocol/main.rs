//! The plugin protocol in process and over the wire: gRPC calls on the
//! server, mutual TLS, foreign binaries, and property-based fuzz targets.

mod foreign_binaries;
mod fuzz;
mod grpc_identity_list;
mod grpc_inprocess;
mod macos_binaries;
mod schema_golden;
mod tls_security;
mod values;
