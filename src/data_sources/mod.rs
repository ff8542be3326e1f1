//! The provider's data sources.

use std::sync::Arc;

use crate::framework::DataSource;
use crate::provider::SharedClients;

pub fn all(_clients: &SharedClients) -> Vec<Arc<dyn DataSource>> {
    Vec::new()
}
