//! Resource `chimesdk_messaging_streaming_configuration`: the typed
//! resource's entry points; the work is in schema, model, validate, plan,
//! reconcile and read.

pub mod calls;
mod checks;
mod data_source;
mod keys;
mod list;
pub mod model;
mod plan;
mod read;
mod reconcile;
pub mod schema;
mod steps;
mod validate;

pub use data_source::MessagingStreamingConfigurationData;

use async_trait::async_trait;

use self::model::{Model, Private};
use crate::aws::{Aws, AwsClients};
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
};
use tfplugin::value::Attr;

#[derive(Clone)]
pub struct MessagingStreamingConfiguration;

/// The folder's one registration: the resource with its list and its data
/// source.
pub fn register(registry: &mut Registry) {
    registry
        .listed_resource(MessagingStreamingConfiguration)
        .data_source(MessagingStreamingConfigurationData);
}

#[async_trait]
impl TypedResource for MessagingStreamingConfiguration {
    type Model = Model;
    type Private = Private;
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    fn validate(&self, config: &Model, diags: &mut Diagnostics) {
        validate::validate_model(config, diags);
    }

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let planned = plan::planned_model(&req.config, req.prior.as_ref(), req.data);
        let input = plan::LiveInputs {
            config: &req.config,
            planned: &planned,
            prior: req.prior.as_ref(),
            private: req.private,
            changed: req.prior.as_ref() != Some(&planned),
        };
        plan::live_checks(&Aws::new(req.data, req.ctx), input, diags).await;
        planned
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        self.update(req, diags).await;
    }

    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        reconcile::create_or_update(
            c,
            req.prior.as_ref(),
            &req.planned,
            req.state,
            req.private,
            diags,
        )
        .await;
    }

    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        reconcile::delete(c, &req.prior, req.state, req.private, diags).await;
    }

    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Model> {
        read::refresh(&Aws::new(req.data, req.ctx), &req.current, diags).await
    }

    /// A block with a managed `stream` gets its `resource_arn` from it.
    fn tidy_generated_config(&self, config: &mut Model) {
        if let Attr::Known(blocks) = &mut config.streaming_configuration {
            for b in blocks.iter_mut().filter(|b| !b.stream.is_null()) {
                b.resource_arn = Attr::Null;
            }
        }
    }

    async fn import(
        &self,
        id: &str,
        clients: &AwsClients,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<Model> {
        read::import(&Aws::new(clients, ctx), id, diags).await
    }
}
