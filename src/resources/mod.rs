//! The provider's managed resources, each a `TypedResource` in its folder.

pub mod app_instance;
pub mod messaging_streaming_configuration;

use std::sync::Arc;

use crate::aws::AwsError;
use tfplugin::framework::{Deadline, ListResource, Resource, list_resource, resource};

pub fn all() -> Vec<Arc<dyn Resource>> {
    vec![
        resource(app_instance::AppInstanceResource),
        resource(messaging_streaming_configuration::MessagingStreamingConfiguration),
    ]
}

/// The `list` blocks (`terraform query`): one per managed resource type.
pub fn lists() -> Vec<Arc<dyn ListResource>> {
    vec![
        list_resource(app_instance::AppInstanceResource),
        list_resource(messaging_streaming_configuration::MessagingStreamingConfiguration),
    ]
}

/// A failed call's text for a diagnostic; a timeout also names the budget
/// that ran out and how to raise it.
fn explain(deadline: &Deadline, e: &AwsError) -> String {
    match e {
        AwsError::TimedOut { .. } => format!("{e}. {}", deadline.ran_out()),
        other => other.to_string(),
    }
}
