//! AWS access: the shared clients, the one call helper (`AwsClients::call`:
//! retry policy, cancellation; `gone::Found` says when an object is proven
//! gone, asking its List call when the answer is ambiguous), typed
//! errors, and per service the calls the resources and data sources make
//! (`find_*` answers `None` or empty for what does not exist; `wait_*` polls).

pub mod app_instances;
pub mod clients;
pub mod credentials;
pub mod endpoints;
pub mod error;
pub mod gone;
pub mod http;
pub mod iam;
pub mod kinesis;
pub mod kms;
pub mod lookups;
pub mod messaging_tags;
pub mod not_found;
pub mod regions;
pub mod retry;
pub mod scope;
pub mod stream_reader;
pub mod tags;
pub mod test_traffic;
pub mod wait;

pub use clients::AwsClients;
pub use error::AwsError;
pub use scope::{Aws, Made};
