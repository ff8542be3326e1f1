//! Resource `chimesdk_messaging_streaming_configuration`: the trait impl
//! stays thin; the work is in schema, model, validate, plan, reconcile and
//! read.

mod checks;
pub mod model;
mod plan;
mod read;
mod reconcile;
pub mod schema;
mod validate;

use async_trait::async_trait;

use self::model::{Model, Private};
use crate::framework::{
    ApplyRequest, ApplyResponse, CallContext, Diagnostics, PlanRequest, PlanResponse, ReadRequest,
    ReadResponse, Resource, Schema,
};
use crate::provider::SharedClients;
use crate::value::{Type, Value, from_value, to_value};

pub struct MessagingStreamingConfiguration {
    clients: SharedClients,
    /// The state's cty type, derived from the schema once.
    ty: Type,
}

impl MessagingStreamingConfiguration {
    pub fn new(clients: SharedClients) -> Self {
        Self {
            clients,
            ty: schema::schema().value_type(),
        }
    }

    fn encode(&self, m: Option<&Model>, diags: &mut Diagnostics) -> Value {
        let Some(m) = m else { return Value::Null };
        match to_value(m, &self.ty) {
            Ok(v) => v,
            Err(e) => {
                diags.error(
                    "Provider could not write a value",
                    format!("{e}. Please report this bug."),
                );
                Value::Null
            }
        }
    }
}

fn decode(v: &Value, what: &str, diags: &mut Diagnostics) -> Option<Model> {
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

#[async_trait]
impl Resource for MessagingStreamingConfiguration {
    fn type_name(&self) -> &'static str {
        schema::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode(config, "configuration", diags) {
            validate::validate_model(&m, diags);
        }
    }

    async fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let mut diags = Diagnostics::new();
        let Some(config) = decode(req.config, "configuration", &mut diags) else {
            return PlanResponse {
                diagnostics: diags,
                ..Default::default()
            };
        };
        let prior = decode(req.prior, "prior state", &mut diags);
        plan::recheck_static(&config, &mut diags);
        if diags.has_errors() {
            return PlanResponse {
                diagnostics: diags,
                ..Default::default()
            };
        }
        let clients = self.clients.get(&mut diags);
        let planned = plan::planned_model(&config, prior.as_ref(), clients.as_deref());
        let planned_value = self.encode(Some(&planned), &mut diags);
        let changed = planned_value != *req.prior;
        if let Some(c) = &clients {
            let private = Private::from_bytes(req.prior_private);
            let input = plan::LiveInputs {
                config: &config,
                planned: &planned,
                prior: prior.as_ref(),
                private: &private,
                changed,
            };
            plan::live_checks(c, input, req.ctx, &mut diags).await;
        }
        PlanResponse {
            planned: planned_value,
            private: req.prior_private.to_vec(),
            diagnostics: diags,
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let mut diags = Diagnostics::new();
        let private = Private::from_bytes(req.private);
        let Some(clients) = self.clients.get(&mut diags) else {
            return ApplyResponse {
                new_state: req.prior.clone(),
                private: req.private.to_vec(),
                diagnostics: diags,
            };
        };
        let prior = decode(req.prior, "prior state", &mut diags);
        let planned = decode(req.planned, "planned state", &mut diags);
        if diags.has_errors() {
            return ApplyResponse {
                new_state: req.prior.clone(),
                private: req.private.to_vec(),
                diagnostics: diags,
            };
        }
        let outcome = match (&prior, &planned) {
            (Some(prior), None) => reconcile::delete(&clients, prior, private, req.ctx).await,
            (_, Some(planned)) => {
                reconcile::create_or_update(&clients, prior.as_ref(), planned, private, req.ctx)
                    .await
            }
            (None, None) => {
                return ApplyResponse {
                    new_state: Value::Null,
                    private: Vec::new(),
                    diagnostics: diags,
                };
            }
        };
        diags.extend(outcome.diagnostics);
        let new_state = self.encode(outcome.model.as_ref(), &mut diags);
        ApplyResponse {
            new_state,
            private: outcome.private.to_bytes(),
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
        let Some(current) = decode(req.current, "current state", &mut diags) else {
            return keep(diags);
        };
        let Some(clients) = self.clients.get(&mut diags) else {
            return keep(diags);
        };
        let refreshed = read::refresh(&clients, &current, req.ctx, &mut diags).await;
        let new_state = self.encode(refreshed.as_ref(), &mut diags);
        ReadResponse {
            new_state,
            private: req.private.to_vec(),
            diagnostics: diags,
        }
    }

    async fn import(&self, id: &str, ctx: &CallContext) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(clients) = self.clients.get(&mut diags) else {
            return (Value::Null, diags);
        };
        let model = read::import(&clients, id, ctx, &mut diags).await;
        let value = self.encode(model.as_ref(), &mut diags);
        (value, diags)
    }
}
