//! AWS access: the shared clients, the retry policy, and per service the
//! `find_*` (typed NotFound), `status_*` and `wait_*` helpers that the
//! resource, the data source and the tests reuse.

pub mod chime;
pub mod clients;
pub mod credentials;
pub mod error;
pub mod http;
pub mod kinesis;
pub mod lookups;
pub mod regions;
pub mod retry;
pub mod tags;
pub mod wait;

pub use clients::AwsClients;
pub use error::AwsError;
