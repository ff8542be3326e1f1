//! The provider's data sources.

mod messaging_streaming_configuration;

use std::sync::Arc;

use crate::framework::DataSource;
use crate::provider::SharedClients;

pub fn all(clients: &SharedClients) -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(
        messaging_streaming_configuration::MessagingStreamingConfigurationData::new(
            clients.clone(),
        ),
    )]
}
