//! The provider's managed resources, each a `TypedResource` in its folder.

pub mod app_instance;
pub mod messaging_streaming_configuration;

use std::sync::Arc;

use crate::framework::{Resource, resource};

pub fn all() -> Vec<Arc<dyn Resource>> {
    vec![
        resource(app_instance::AppInstanceResource),
        resource(messaging_streaming_configuration::MessagingStreamingConfiguration),
    ]
}
