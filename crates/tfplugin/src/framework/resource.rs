//! The object-safe resources and data sources the protocol server drives,
//! as the protocol sees them (values, bytes).
//! Resources are written against `framework::typed` instead, which
//! implements these; the protocol server enforces the protocol's own rules
//! (a destroy plan is null, refinements survive planning).

use async_trait::async_trait;

use super::context::CallContext;
use super::diag::Diagnostics;
use super::generate::generated_config;
use super::identity::IdentitySchema;
use super::schema::Schema;
use crate::value::{AttributePath, Value};

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

    /// A stored state of schema `version`, as JSON, brought to the current
    /// schema's version (the server then reads it under the current schema).
    fn upgrade_state_json(
        &self,
        version: i64,
        state: serde_json::Value,
    ) -> Result<serde_json::Value, Diagnostics> {
        super::upgrade::upgrade_state(self.type_name(), version, self.schema().version, &[], state)
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
