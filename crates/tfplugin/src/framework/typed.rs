//! Typed resources and data sources: a resource names its `Model`, its
//! private state and the provider data it needs, and writes plan / create /
//! read / update / delete / import against them. Decoding and encoding,
//! defaults, plan modifiers, the create/update/delete dispatch, timeouts
//! and private state are done here, once. The schema is the model's
//! (`#[derive(BlockSchema)]`); the `timeouts` block and its value are the
//! framework's, so no model carries them.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::context::CallContext;
use super::declare::BlockSchema;
use super::diag::Diagnostics;
use super::generate::generated_config;
use super::identity::IdentitySchema;
use super::plan::{framework_plan, requires_replace_paths, use_state_for_unknown, with_defaults};
use super::resource::{
    ApplyRequest, ApplyResponse, DataSource, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    Resource,
};
use super::schema::Schema;
use super::timeouts::{Deadline, Op, timeouts_block};
use super::upgrade::{StateUpgrade, upgrade_state};
use crate::value::{Type, Value, from_value, to_value};

pub use super::declare::ModelValue;

/// PlanResourceChange for a change (not a destroy), after the framework's
/// own planning.
pub struct Plan<'a, R: TypedResource> {
    /// The configuration with schema defaults applied.
    pub config: R::Model,
    /// `None` for a create.
    pub prior: Option<R::Model>,
    /// The framework's plan: configured values, computed ones kept or
    /// unknown (see `framework::plan::framework_plan`).
    pub planned: R::Model,
    pub private: &'a R::Private,
    pub data: &'a R::Data,
    pub ctx: &'a CallContext,
}

/// A create (`prior` is `None`) or an update.
pub struct Change<'a, R: TypedResource> {
    pub prior: Option<R::Model>,
    pub planned: R::Model,
    pub config: R::Model,
    /// What exists, as the state will record it: the prior state at the
    /// start (`None` for a create). The resource writes into it as the
    /// apply goes; the framework stores what it holds at the end, also
    /// after a failure, so the next apply completes from there.
    pub state: &'a mut Option<R::Model>,
    /// Read at the start, written with the new state whatever happens.
    pub private: &'a mut R::Private,
    pub data: &'a R::Data,
    /// Its `deadline` is the operation's, from the `timeouts` block.
    pub ctx: &'a CallContext,
}

pub struct Destroy<'a, R: TypedResource> {
    pub prior: R::Model,
    /// What is left: the prior state at the start; `None` once deleted.
    pub state: &'a mut Option<R::Model>,
    pub private: &'a mut R::Private,
    pub data: &'a R::Data,
    /// Its `deadline` is the delete's, from the `timeouts` block.
    pub ctx: &'a CallContext,
}

pub struct Refresh<'a, R: TypedResource> {
    pub current: R::Model,
    pub private: &'a mut R::Private,
    pub data: &'a R::Data,
    pub ctx: &'a CallContext,
}

#[async_trait]
pub trait TypedResource: Send + Sync + Sized + 'static {
    /// The resource's values, `Attr<T>` for each attribute; its
    /// `BlockSchema` is the resource's schema.
    type Model: ModelValue + BlockSchema;
    /// Kept beside the state, out of the user's sight; its `Default` is
    /// "nothing" and is stored as no bytes.
    type Private: ModelValue + Default + PartialEq;
    /// What the provider's configure hands over.
    type Data: Send + Sync + 'static;

    const TYPE_NAME: &'static str;
    /// The operations its `timeouts` block limits, with their defaults; the
    /// framework appends the block (see [`served_schema`]).
    const TIMEOUTS: &'static [(Op, &'static str)] = &[];
    /// The schema's version: raised when a stored state needs rewriting to
    /// be read, with a step in [`TypedResource::STATE_UPGRADES`] from each
    /// earlier version.
    const SCHEMA_VERSION: i64 = 0;
    /// One step from each earlier schema version to the next.
    const STATE_UPGRADES: &'static [StateUpgrade] = &[];

    /// Static checks beyond attribute validators, on the configuration with
    /// defaults applied; no provider data (validate runs unconfigured).
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// The resource's own planning: values only it can know, live checks.
    /// UseStateForUnknown and RequiresReplace are applied to what it returns.
    async fn plan(&self, req: Plan<'_, Self>, _diags: &mut Diagnostics) -> Self::Model {
        req.planned
    }

    /// Writes what it reached into `req.state`, also on failure.
    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics);
    /// `None`: the object is gone; Terraform drops it from state.
    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Self::Model>;
    /// Writes what it reached into `req.state`, also on failure.
    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics);
    /// Sets `req.state` to `None` once the object is deleted.
    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics);

    /// The state attributes that name the remote object for life (see
    /// `framework::identity`): the model's fields marked `identity`. With
    /// one, `import` also serves import blocks that give an identity
    /// instead of an ID.
    fn identity(&self) -> Option<IdentitySchema> {
        Self::Model::identity()
    }

    /// What only this resource knows to leave out of a generated
    /// configuration, after the framework left out computed values,
    /// defaults and empty collections.
    fn tidy_generated_config(&self, _config: &mut Self::Model) {}

    /// The state for `terraform import ID`, completed by a Read afterwards.
    async fn import(
        &self,
        _id: &str,
        _data: &Self::Data,
        _ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        diags.error(
            format!("{} does not support import", Self::TYPE_NAME),
            "Remove the import block or the `terraform import` command for this resource type.",
        );
        None
    }
}

/// The schema Terraform sees: the model's, plus the `timeouts` block when
/// the resource declares [`TypedResource::TIMEOUTS`].
pub fn served_schema<R: TypedResource>() -> Schema {
    let mut block = R::Model::block();
    if !R::TIMEOUTS.is_empty() {
        block = block.block(timeouts_block(R::TIMEOUTS));
    }
    Schema {
        version: R::SCHEMA_VERSION,
        block,
    }
}

/// `value` with the `timeouts` of `from` (null where `from` has none): the
/// framework's block, which no model carries.
fn with_timeouts_of(mut value: Value, from: &Value) -> Value {
    if let Value::Object(attrs) = &mut value
        && attrs.contains_key(TIMEOUTS)
    {
        let timeouts = from.get_attr(TIMEOUTS).cloned().unwrap_or(Value::Null);
        attrs.insert(TIMEOUTS.to_string(), timeouts);
    }
    value
}

const TIMEOUTS: &str = "timeouts";

/// The protocol-facing resource for a typed one.
pub fn resource<R: TypedResource>(r: R) -> Arc<dyn Resource> {
    let schema = served_schema::<R>();
    Arc::new(TypedServer {
        ty: schema.value_type(),
        schema,
        inner: r,
    })
}

struct TypedServer<R> {
    inner: R,
    schema: Schema,
    ty: Type,
}

fn decode<M: DeserializeOwned>(v: &Value, what: &str, diags: &mut Diagnostics) -> Option<M> {
    if v.is_null() {
        return None;
    }
    match from_value(v) {
        Ok(m) => Some(m),
        Err(e) => {
            diags.error(
                "Provider could not read a value",
                format!("Reading the {what} failed: {e}. Please report this bug."),
            );
            None
        }
    }
}

fn encode<M: Serialize>(m: Option<&M>, ty: &Type, diags: &mut Diagnostics) -> Value {
    let Some(m) = m else { return Value::Null };
    to_value(m, ty).unwrap_or_else(|e| {
        diags.error(
            "Provider could not write a value",
            format!("{e}. Please report this bug."),
        );
        Value::Null
    })
}

fn private_from<P: DeserializeOwned + Default>(bytes: &[u8]) -> P {
    if bytes.is_empty() {
        P::default()
    } else {
        // Written by an older version in another shape: start afresh.
        serde_json::from_slice(bytes).unwrap_or_default()
    }
}

fn private_to<P: Serialize + Default + PartialEq>(p: &P) -> Vec<u8> {
    if *p == P::default() {
        Vec::new()
    } else {
        serde_json::to_vec(p).unwrap_or_default()
    }
}

impl<R: TypedResource> TypedServer<R> {
    fn data(&self, ctx: &CallContext, diags: &mut Diagnostics) -> Option<Arc<R::Data>> {
        ctx.provider_data::<R::Data>(diags)
    }
}

#[async_trait]
impl<R: TypedResource> Resource for TypedServer<R> {
    fn type_name(&self) -> &'static str {
        R::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let config = with_defaults(&self.schema.block, config);
        if let Some(m) = decode(&config, "configuration", diags) {
            self.inner.validate(&m, diags);
        }
    }

    async fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let mut diags = Diagnostics::new();
        let block = &self.schema.block;
        let config_value = with_defaults(block, req.config);
        let planned_value = framework_plan(block, &config_value, req.prior);
        let config = decode::<R::Model>(&config_value, "configuration", &mut diags);
        let prior = decode(req.prior, "prior state", &mut diags);
        let planned = decode(&planned_value, "plan", &mut diags);
        let (Some(config), Some(planned)) = (config, planned) else {
            if !diags.has_errors() {
                diags.error(
                    "No configuration to plan from",
                    format!(
                        "Terraform sent no configuration for a {} change; please report this bug.",
                        R::TYPE_NAME
                    ),
                );
            }
            return PlanResponse {
                diagnostics: diags,
                ..Default::default()
            };
        };
        self.inner.validate(&config, &mut diags);
        let Some(data) = self.data(req.ctx, &mut diags) else {
            return PlanResponse {
                diagnostics: diags,
                ..Default::default()
            };
        };
        if diags.has_errors() {
            return PlanResponse {
                diagnostics: diags,
                ..Default::default()
            };
        }
        let private: R::Private = private_from(req.prior_private);
        let plan = Plan {
            config,
            prior,
            planned,
            private: &private,
            data: &*data,
            ctx: req.ctx,
        };
        let model = self.inner.plan(plan, &mut diags).await;
        let mut planned =
            with_timeouts_of(encode(Some(&model), &self.ty, &mut diags), &config_value);
        use_state_for_unknown(block, &config_value, req.prior, &mut planned);
        PlanResponse {
            requires_replace: requires_replace_paths(block, req.prior, &planned),
            planned,
            private: req.prior_private.to_vec(),
            diagnostics: diags,
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let mut diags = Diagnostics::new();
        let unchanged = |diags| ApplyResponse {
            new_state: req.prior.clone(),
            private: req.private.to_vec(),
            diagnostics: diags,
        };
        if req.prior.is_null() && req.planned.is_null() {
            return unchanged(diags);
        }
        let Some(data) = self.data(req.ctx, &mut diags) else {
            return unchanged(diags);
        };
        let prior: Option<R::Model> = decode(req.prior, "prior state", &mut diags);
        let planned: Option<R::Model> = decode(req.planned, "planned state", &mut diags);
        let config: Option<R::Model> = decode(req.config, "configuration", &mut diags);
        if diags.has_errors() {
            return unchanged(diags);
        }
        let mut private: R::Private = private_from(req.private);
        let mut state = prior.clone();
        match (prior, planned, config) {
            (Some(prior), None, _) => {
                let deadline = Deadline::for_operation(req.prior, Op::Delete, R::TIMEOUTS);
                let ctx = req.ctx.with_deadline(deadline);
                let destroy = Destroy {
                    prior,
                    state: &mut state,
                    private: &mut private,
                    data: &*data,
                    ctx: &ctx,
                };
                self.inner.delete(destroy, &mut diags).await;
            }
            (prior, Some(planned), Some(config)) => {
                let op = if prior.is_some() {
                    Op::Update
                } else {
                    Op::Create
                };
                let ctx =
                    req.ctx
                        .with_deadline(Deadline::for_operation(req.planned, op, R::TIMEOUTS));
                let change = Change {
                    prior,
                    planned,
                    config,
                    state: &mut state,
                    private: &mut private,
                    data: &*data,
                    ctx: &ctx,
                };
                match op {
                    Op::Create => self.inner.create(change, &mut diags).await,
                    _ => self.inner.update(change, &mut diags).await,
                }
            }
            _ => return unchanged(diags),
        }
        ApplyResponse {
            new_state: with_timeouts_of(encode(state.as_ref(), &self.ty, &mut diags), req.planned),
            private: private_to(&private),
            diagnostics: diags,
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        let mut diags = Diagnostics::new();
        let keep = |diags| ReadResponse {
            new_state: req.current.clone(),
            private: req.private.to_vec(),
            diagnostics: diags,
        };
        let Some(current) = decode::<R::Model>(req.current, "current state", &mut diags) else {
            return keep(diags);
        };
        let Some(data) = self.data(req.ctx, &mut diags) else {
            return keep(diags);
        };
        let mut private: R::Private = private_from(req.private);
        let refresh = Refresh {
            current,
            private: &mut private,
            data: &*data,
            ctx: req.ctx,
        };
        let refreshed = self.inner.read(refresh, &mut diags).await;
        if refreshed.is_none() && diags.has_errors() {
            // A failed read never drops the resource from state.
            return keep(diags);
        }
        ReadResponse {
            new_state: with_timeouts_of(
                encode(refreshed.as_ref(), &self.ty, &mut diags),
                req.current,
            ),
            private: private_to(&private),
            diagnostics: diags,
        }
    }

    fn identity(&self) -> Option<IdentitySchema> {
        self.inner.identity()
    }

    fn upgrade_state_json(
        &self,
        version: i64,
        state: serde_json::Value,
    ) -> Result<serde_json::Value, Diagnostics> {
        upgrade_state(
            R::TYPE_NAME,
            version,
            R::SCHEMA_VERSION,
            R::STATE_UPGRADES,
            state,
        )
    }

    async fn import(&self, id: &str, ctx: &CallContext) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(data) = self.data(ctx, &mut diags) else {
            return (Value::Null, diags);
        };
        let model = self.inner.import(id, &data, ctx, &mut diags).await;
        (encode(model.as_ref(), &self.ty, &mut diags), diags)
    }

    fn generate_config(&self, state: &Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let reduced = generated_config(&self.schema.block, state);
        let Some(mut model) = decode::<R::Model>(&reduced, "generated configuration", &mut diags)
        else {
            return (reduced, diags);
        };
        self.inner.tidy_generated_config(&mut model);
        (encode(Some(&model), &self.ty, &mut diags), diags)
    }
}

/// A data source: reads its result from its configuration.
#[async_trait]
pub trait TypedDataSource: Send + Sync + Sized + 'static {
    /// Its arguments and results; its `BlockSchema` is the data source's schema.
    type Model: ModelValue + BlockSchema;
    type Data: Send + Sync + 'static;
    const TYPE_NAME: &'static str;
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}
    /// The result; `None` with an error diagnostic when there is none.
    async fn read(
        &self,
        config: Self::Model,
        data: &Self::Data,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;
}

/// The protocol-facing data source for a typed one.
pub fn data_source<D: TypedDataSource>(d: D) -> Arc<dyn DataSource> {
    let schema = Schema::new(D::Model::block());
    Arc::new(TypedDataServer {
        ty: schema.value_type(),
        schema,
        inner: d,
    })
}

struct TypedDataServer<D> {
    inner: D,
    schema: Schema,
    ty: Type,
}

#[async_trait]
impl<D: TypedDataSource> DataSource for TypedDataServer<D> {
    fn type_name(&self) -> &'static str {
        D::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode(config, "configuration", diags) {
            self.inner.validate(&m, diags);
        }
    }

    async fn read(&self, config: &Value, ctx: &CallContext) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(data) = ctx.provider_data::<D::Data>(&mut diags) else {
            return (Value::Null, diags);
        };
        let config = with_defaults(&self.schema.block, config);
        let Some(model) = decode::<D::Model>(&config, "configuration", &mut diags) else {
            diags.error(
                "No configuration to read with",
                format!("Terraform sent no configuration for the {} data source; please report this bug.", D::TYPE_NAME),
            );
            return (Value::Null, diags);
        };
        self.inner.validate(&model, &mut diags);
        if diags.has_errors() {
            return (Value::Null, diags);
        }
        let result = self.inner.read(model, &data, ctx, &mut diags).await;
        (encode(result.as_ref(), &self.ty, &mut diags), diags)
    }
}
