//! The object-safe provider the protocol server drives: its block, its
//! configure, and what it serves. The top of the framework: it names the
//! resources, data sources, lists and actions, and none of them names it.

use std::sync::Arc;

use async_trait::async_trait;

use super::action::Action;
use super::context::{CallContext, ProviderData};
use super::diag::Diagnostics;
use super::list::ListResource;
use super::registry::Registry;
use super::resource::{DataSource, Resource};
use super::schema::Schema;
use crate::value::Value;

#[async_trait]
pub trait Provider: Send + Sync {
    /// Registry type name, e.g. "example".
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}
    /// Called once per process before anything needs credentials; the data
    /// returned reaches every later call's `CallContext`.
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        ctx: &CallContext,
    ) -> (Option<ProviderData>, Diagnostics);
    fn resources(&self) -> Vec<Arc<dyn Resource>>;
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        Vec::new()
    }
    /// All four at once, for the server, which asks once: a provider that
    /// builds them together (a typed one) builds them once.
    fn registry(&self) -> Registry {
        Registry {
            resources: self.resources(),
            data_sources: self.data_sources(),
            list_resources: self.list_resources(),
            actions: self.actions(),
        }
    }
}
