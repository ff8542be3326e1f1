//! The provider's managed resources.

use std::sync::Arc;

use crate::framework::Resource;
use crate::provider::SharedClients;

pub fn all(_clients: &SharedClients) -> Vec<Arc<dyn Resource>> {
    Vec::new()
}
