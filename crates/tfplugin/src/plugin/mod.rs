//! The plugin process: go-plugin handshake, unix socket or loopback TCP, strict mutual TLS,
//! go-plugin's side services, hclog logging and the serve loop.
//!
//! It serves any `framework::Provider`; it knows nothing of the cloud behind it.

pub use ::early_interrupt;
pub mod handshake;
mod in_flight;
mod listen;
pub mod logging;
mod parent;
mod product;
mod serve;
mod services;
pub mod signals;
#[cfg(unix)]
mod socket;
pub mod tls;

pub use early_interrupt::EarlyInterrupt;
pub use product::Product;
pub use serve::{ServeError, ServeOptions, serve};
pub use signals::ProcessSignals;
