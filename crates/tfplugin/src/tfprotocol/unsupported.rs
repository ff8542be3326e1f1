//! Answers for what the 1.15 protocol has and this provider does not offer
//! (ephemeral resources, state stores): the
//! schema never announces them, so Terraform calls these only by mistake,
//! and gets an error diagnostic naming what does not exist.

use std::pin::Pin;

use futures::Stream;
use tonic::Status;

use super::convert;
use crate::proto::tfplugin6 as pb;

pub type OneShot<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// A server stream of exactly one message.
pub fn one_shot<T: Send + 'static>(message: T) -> OneShot<T> {
    Box::pin(futures::stream::iter([Ok(message)]))
}

pub fn no_ephemeral(provider: &str, type_name: &str) -> Vec<pb::Diagnostic> {
    convert::error(
        "Unknown ephemeral resource type",
        format!(
            "The {provider} provider has no ephemeral resources; {type_name:?} does not exist."
        ),
    )
}

pub fn no_state_store(provider: &str, type_name: &str) -> Vec<pb::Diagnostic> {
    convert::error(
        "Unknown state store",
        format!(
            "The {provider} provider offers no state store; {type_name:?} does not exist. Store state with a \
             backend (for example `backend \"s3\"`) instead."
        ),
    )
}
