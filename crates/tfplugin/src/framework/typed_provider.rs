//! Typed providers: the provider block as a model struct and what
//! configure hands to every resource as a typed value, as resources have
//! their `Model` (the framework decodes, the provider writes what is its own).

use std::sync::Arc;

use async_trait::async_trait;

use super::action::Action;
use super::context::{CallContext, ProviderData};
use super::declare::BlockSchema;
use super::diag::Diagnostics;
use super::list::ListResource;
use super::provider::Provider;
use super::registry::Registry;
use super::resource::{DataSource, Resource};
use super::schema::Schema;
use super::typed::ModelValue;
use crate::value::{Value, from_value};

#[async_trait]
pub trait TypedProvider: Send + Sync + 'static {
    /// The provider block's values; `Attr<T>` for each attribute (a value
    /// from a resource not yet created is unknown at validate); its
    /// `BlockSchema` is the provider block's schema.
    type Model: ModelValue + BlockSchema;
    /// What configure hands over: every resource's `TypedResource::Data`.
    type Data: Send + Sync + 'static;

    /// Registry type name, e.g. "example".
    const TYPE_NAME: &'static str;

    /// Checks beyond attribute validators, on the configuration as written
    /// (also at configure, before anything is called).
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Called once per process before anything needs credentials; `None`
    /// (with an error said) when the provider cannot be configured.
    async fn configure(
        &self,
        config: Self::Model,
        terraform_version: &str,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<Self::Data>;

    /// Adds what the provider serves: its resources, their lists and data
    /// sources, its actions.
    fn register(&self, registry: &mut Registry);
}

/// The provider block as `P::Model`, or an error said (a bug: the schema
/// and the model disagree).
fn decode<P: TypedProvider>(config: &Value, diags: &mut Diagnostics) -> Option<P::Model> {
    match from_value(config) {
        Ok(m) => Some(m),
        Err(e) => {
            diags.error(
                "Provider could not read its configuration",
                format!("Reading the provider block failed: {e}. Please report this bug."),
            );
            None
        }
    }
}

fn registry<P: TypedProvider>(p: &P) -> Registry {
    let mut registry = Registry::default();
    p.register(&mut registry);
    registry
}

#[async_trait]
impl<P: TypedProvider> Provider for P {
    fn type_name(&self) -> &'static str {
        P::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(P::Model::block())
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(model) = decode::<P>(config, diags) {
            TypedProvider::validate(self, &model, diags);
        }
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        ctx: &CallContext,
    ) -> (Option<ProviderData>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(model) = decode::<P>(config, &mut diags) else {
            return (None, diags);
        };
        TypedProvider::validate(self, &model, &mut diags);
        if diags.has_errors() {
            return (None, diags);
        }
        let data = TypedProvider::configure(self, model, terraform_version, ctx, &mut diags).await;
        (data.map(|d| Arc::new(d) as ProviderData), diags)
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        registry(self).resources
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        registry(self).data_sources
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        registry(self).list_resources
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        registry(self).actions
    }

    fn registry(&self) -> Registry {
        registry(self)
    }
}
