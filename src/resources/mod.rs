//! The provider's managed resources.

pub mod messaging_streaming_configuration;

use std::sync::Arc;

use crate::framework::Resource;
use crate::provider::SharedClients;

pub fn all(clients: &SharedClients) -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(
        messaging_streaming_configuration::MessagingStreamingConfiguration::new(clients.clone()),
    )]
}
