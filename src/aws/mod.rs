//! AWS access: the shared clients, the retry policy, and per service the
//! `find_*` (typed NotFound), `status_*` and `wait_*` helpers that the
//! resource, the data source and the tests reuse.

pub mod clients;
pub mod retry;

pub use clients::AwsClients;
