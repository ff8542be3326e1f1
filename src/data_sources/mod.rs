//! The provider's data sources, each a `TypedDataSource`.

mod app_instance;
mod messaging_streaming_configuration;

use std::sync::Arc;

use tfplugin::framework::{DataSource, data_source};

pub fn all() -> Vec<Arc<dyn DataSource>> {
    vec![
        data_source(app_instance::AppInstanceData),
        data_source(messaging_streaming_configuration::MessagingStreamingConfigurationData),
    ]
}
