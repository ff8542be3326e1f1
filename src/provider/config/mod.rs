//! The provider block: its schema, a typed model read into client settings
//! (with its environment variables and files), and static validation.

mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

pub use schema::ProviderConfig;
pub use schema::schema;
pub use validate::validate;
