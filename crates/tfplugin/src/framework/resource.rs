//! The object-safe traits the protocol server drives: a provider, and its
//! resources and data sources as the protocol sees them (values, bytes).
//! Resources are written against `framework::typed` instead, which
//! implements these; the protocol server enforces the protocol's own rules
//! (a destroy plan is null, refinements survive planning).

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::action::Action;
use super::diag::Diagnostics;
use super::generate::generated_config;
use super::identity::IdentitySchema;
use super::list::ListResource;
use super::schema::Schema;
use crate::value::{AttributePath, Value};

/// What ConfigureProvider hands to every resource and data source (for
/// a cloud provider: its API clients), as terraform-plugin-framework's
/// `ProviderData` does.
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// What every call gets besides its payload: StopProvider trips `cancel`;
/// `provider_data` is set once ConfigureProvider succeeded.
#[derive(Clone)]
pub struct CallContext {
    pub cancel: CancellationToken,
    pub provider_data: Option<ProviderData>,
}

impl CallContext {
    /// The configured provider's data, or an error diagnostic saying why not.
    pub fn provider_data<T: Any + Send + Sync>(&self, diags: &mut Diagnostics) -> Option<Arc<T>> {
        let data = self
            .provider_data
            .clone()
            .and_then(|d| d.downcast::<T>().ok());
        if data.is_none() {
            diags.error(
                "Provider is not configured",
                "The provider was not configured before this call. This is a bug in Terraform or the provider; \
                 please report it.",
            );
        }
        data
    }
}

pub struct PlanRequest<'a> {
    /// Null when the resource is being created.
    pub prior: &'a Value,
    /// Terraform's merge of config and prior state; never null here (a
    /// destroy plan is answered by the server).
    pub proposed: &'a Value,
    pub config: &'a Value,
    pub prior_private: &'a [u8],
    pub ctx: &'a CallContext,
}

#[derive(Default)]
pub struct PlanResponse {
    pub planned: Value,
    pub private: Vec<u8>,
    pub requires_replace: Vec<AttributePath>,
    pub diagnostics: Diagnostics,
}

pub struct ApplyRequest<'a> {
    pub prior: &'a Value,
    /// Null = delete.
    pub planned: &'a Value,
    pub config: &'a Value,
    pub private: &'a [u8],
    pub ctx: &'a CallContext,
}

pub struct ApplyResponse {
    /// On failure: the state reached so far, so nothing is lost.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ReadRequest<'a> {
    pub current: &'a Value,
    pub private: &'a [u8],
    pub ctx: &'a CallContext,
}

pub struct ReadResponse {
    /// Null = the object is gone; Terraform drops it from state.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[async_trait]
pub trait Resource: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    /// Static checks beyond per-attribute validators; need no credentials.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    async fn plan(&self, req: PlanRequest<'_>) -> PlanResponse;
    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse;
    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse;

    /// The attributes that name the remote object for life; `None`: no
    /// identity (Terraform then imports by ID only).
    fn identity(&self) -> Option<IdentitySchema> {
        None
    }

    /// The state for `terraform import ID`, completed by a Read afterwards.
    async fn import(&self, _id: &str, _ctx: &CallContext) -> (Value, Diagnostics) {
        let mut d = Diagnostics::new();
        d.error(
            format!("{} does not support import", self.type_name()),
            "Remove the import block or the `terraform import` command for this resource type.",
        );
        (Value::Null, d)
    }

    /// The configuration a person would write for `state`.
    fn generate_config(&self, state: &Value) -> (Value, Diagnostics) {
        (
            generated_config(&self.schema().block, state),
            Diagnostics::new(),
        )
    }
}

#[async_trait]
pub trait DataSource: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}
    async fn read(&self, config: &Value, ctx: &CallContext) -> (Value, Diagnostics);
}

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
}
