//! Facts about Amazon Chime SDK messaging that the provider and
//! chimesdk-local share: ARNs, the streaming prerequisites, the event
//! records Chime writes to Kinesis, and the policy rules (a KMS key's, a
//! Lex bot alias's, a channel flow processor's Lambda function's) the
//! service depends on.
#![forbid(unsafe_code)]

pub mod arn;
pub mod events;
pub mod kms_policy;
pub mod lambda_policy;
pub mod lex_policy;
pub mod policy;
pub mod streaming;
