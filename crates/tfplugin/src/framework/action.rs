//! Actions (Terraform 1.14+): a provider-defined operation run by
//! `terraform apply -invoke=action.TYPE.NAME` or by a resource's
//! `action_trigger`. An action declares its schema, checks its
//! configuration at plan, and reports progress while it runs; the
//! framework decodes, validates and streams, once.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::context::CallContext;
use super::declare::{BlockSchema, ModelValue};
use super::diag::Diagnostics;
use super::plan::with_defaults;
use super::schema::Schema;
use crate::value::{Value, from_value};

/// Where a running action says what it is doing; lines reach the person
/// watching the run as they are said.
#[derive(Clone)]
pub struct Progress {
    out: mpsc::Sender<String>,
}

impl Progress {
    pub fn new(out: mpsc::Sender<String>) -> Self {
        Self { out }
    }

    /// Says one line; a run nobody watches any more still completes.
    pub async fn say(&self, line: impl Into<String>) {
        let _ = self.out.send(line.into()).await;
    }

    /// Whether Terraform stopped listening (the run was cancelled).
    pub fn abandoned(&self) -> bool {
        self.out.is_closed()
    }
}

#[async_trait]
pub trait Action: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}
    /// Plan-time checks of a configuration that may hold unknown values.
    async fn plan(&self, config: &Value, ctx: &CallContext) -> Diagnostics;
    /// Runs the action; its diagnostics complete the invocation.
    async fn invoke(&self, config: &Value, ctx: &CallContext, progress: Progress) -> Diagnostics;
}

/// An action written against its configuration model.
#[async_trait]
pub trait TypedAction: Send + Sync + Sized + 'static {
    /// Its configuration; its `BlockSchema` is the action's schema.
    type Config: ModelValue + BlockSchema;
    type Data: Send + Sync + 'static;
    const TYPE_NAME: &'static str;

    /// Static checks on the configuration with defaults applied (unknown
    /// values are `Attr::Unknown`).
    fn validate(&self, _config: &Self::Config, _diags: &mut Diagnostics) {}

    /// Checks that need the provider, before anything runs.
    async fn plan(
        &self,
        _config: &Self::Config,
        _data: &Self::Data,
        _ctx: &CallContext,
        _diags: &mut Diagnostics,
    ) {
    }

    async fn invoke(
        &self,
        config: Self::Config,
        data: &Self::Data,
        ctx: &CallContext,
        progress: &Progress,
        diags: &mut Diagnostics,
    );
}

/// The protocol-facing action for a typed one.
pub fn action<A: TypedAction>(a: A) -> Arc<dyn Action> {
    Arc::new(TypedActionServer {
        schema: Schema::new(A::Config::block()),
        inner: a,
    })
}

struct TypedActionServer<A> {
    inner: A,
    schema: Schema,
}

impl<A: TypedAction> TypedActionServer<A> {
    fn decode(&self, config: &Value, diags: &mut Diagnostics) -> Option<A::Config> {
        let config = with_defaults(&self.schema.block, config);
        if config.is_null() {
            diags.error(
                "No action configuration",
                format!(
                    "Terraform sent no configuration for {}; please report this bug.",
                    A::TYPE_NAME
                ),
            );
            return None;
        }
        match from_value(&config) {
            Ok(c) => Some(c),
            Err(e) => {
                diags.error(
                    "Provider could not read a value",
                    format!(
                        "Reading the {} configuration failed: {e}. Please report this bug.",
                        A::TYPE_NAME
                    ),
                );
                None
            }
        }
    }
}

#[async_trait]
impl<A: TypedAction> Action for TypedActionServer<A> {
    fn type_name(&self) -> &'static str {
        A::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(c) = self.decode(config, diags) {
            self.inner.validate(&c, diags);
        }
    }

    async fn plan(&self, config: &Value, ctx: &CallContext) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(c) = self.decode(config, &mut diags) else {
            return diags;
        };
        self.inner.validate(&c, &mut diags);
        if diags.has_errors() {
            return diags;
        }
        if let Some(data) = ctx.provider_data::<A::Data>(&mut diags) {
            self.inner.plan(&c, &data, ctx, &mut diags).await;
        }
        diags
    }

    async fn invoke(&self, config: &Value, ctx: &CallContext, progress: Progress) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(c) = self.decode(config, &mut diags) else {
            return diags;
        };
        self.inner.validate(&c, &mut diags);
        if diags.has_errors() {
            return diags;
        }
        let Some(data) = ctx.provider_data::<A::Data>(&mut diags) else {
            return diags;
        };
        self.inner
            .invoke(c, &data, ctx, &progress, &mut diags)
            .await;
        diags
    }
}
