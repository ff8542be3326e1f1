//! Facts about Amazon Chime SDK messaging that the provider and
//! chimesdk-local share: ARNs, the streaming prerequisites, the event
//! records Chime writes to Kinesis, and the KMS key policy rules.
#![forbid(unsafe_code)]

pub mod arn;
pub mod events;
pub mod kms_policy;
pub mod streaming;
