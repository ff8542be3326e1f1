//! A record on its way to Kinesis: what delivery sends and the state file's
//! outbox keeps until it is sent.

/// One record on its way, numbered in the order its operation ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub seq: u64,
    pub stream_name: String,
    pub partition_key: String,
    pub data: Vec<u8>,
}
