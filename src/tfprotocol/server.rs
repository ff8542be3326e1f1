//! `tfplugin6.Provider` implemented over a `framework::Provider`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::convert;
use crate::framework::{
    ApplyRequest, CallContext, DataSource, Diagnostics, PlanRequest, Provider, ProviderData,
    ReadRequest, Resource, Schema, validate_attributes,
};
use crate::proto::tfplugin6::{self as pb, provider_server};
use crate::value::{AttributePath, Type, Value};

struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
}

struct DataSourceEntry {
    data_source: Arc<dyn DataSource>,
    schema: Schema,
    ty: Type,
}

pub struct ProviderServer {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_type: Type,
    resources: BTreeMap<&'static str, ResourceEntry>,
    data_sources: BTreeMap<&'static str, DataSourceEntry>,
    /// Built once: GetProviderSchema is on the path of every command.
    schema_response: pb::get_provider_schema::Response,
    stop: CancellationToken,
    /// What ConfigureProvider returned, for every later call.
    provider_data: OnceLock<ProviderData>,
}

type Rpc<T> = Result<Response<T>, Status>;

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
    }
}

impl ProviderServer {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        let provider_schema = provider.schema();
        let provider_type = provider_schema.value_type();
        let resources: BTreeMap<_, _> = provider
            .resources()
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = schema.value_type();
                (
                    r.type_name(),
                    ResourceEntry {
                        resource: r,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let data_sources: BTreeMap<_, _> = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                let ty = schema.value_type();
                (
                    d.type_name(),
                    DataSourceEntry {
                        data_source: d,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(convert::schema(&provider_schema)),
            resource_schemas: resources
                .iter()
                .map(|(k, e)| (k.to_string(), convert::schema(&e.schema)))
                .collect(),
            data_source_schemas: data_sources
                .iter()
                .map(|(k, e)| (k.to_string(), convert::schema(&e.schema)))
                .collect(),
            functions: Default::default(),
            ephemeral_resource_schemas: Default::default(),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(capabilities()),
        };
        Self {
            provider,
            provider_schema,
            provider_type,
            resources,
            data_sources,
            schema_response,
            stop: CancellationToken::new(),
            provider_data: OnceLock::new(),
        }
    }

    /// The token StopProvider trips; the serve loop shares it.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    fn ctx(&self) -> CallContext {
        CallContext {
            cancel: self.stop.child_token(),
            provider_data: self.provider_data.get().cloned(),
        }
    }

    fn resource(&self, name: &str) -> Result<&ResourceEntry, Vec<pb::Diagnostic>> {
        self.resources.get(name).ok_or_else(|| {
            convert::error(
                "Unknown resource type",
                format!("The chimesdk provider has no resource type {name:?}; this is a bug in Terraform or a version mismatch."),
            )
        })
    }

    fn data_source(&self, name: &str) -> Result<&DataSourceEntry, Vec<pb::Diagnostic>> {
        self.data_sources.get(name).ok_or_else(|| {
            convert::error(
                "Unknown data source",
                format!("The chimesdk provider has no data source {name:?}."),
            )
        })
    }
}

/// The body of every Validate*Config RPC: decode, run the schema's attribute
/// validators, then the type's own static checks.
fn validate_config(
    what: &str,
    schema: &Schema,
    ty: &Type,
    config: Option<&pb::DynamicValue>,
    checks: impl FnOnce(&Value, &mut Diagnostics),
) -> Vec<pb::Diagnostic> {
    match decode_as(config, ty, what) {
        Err(diagnostics) => diagnostics,
        Ok(config) => {
            let mut diags = Diagnostics::new();
            validate_attributes(&schema.block, &config, &AttributePath::root(), &mut diags);
            checks(&config, &mut diags);
            convert::diagnostics(&diags)
        }
    }
}

/// Decodes a request value; a failure is the diagnostic to answer with.
fn decode_as(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Vec<pb::Diagnostic>> {
    convert::decode(dv, ty).map_err(|e| undecodable(what, e))
}

/// A stored state, which Terraform never lets hold an unknown value: one
/// that does is refused rather than planned or applied from.
fn decode_state(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Vec<pb::Diagnostic>> {
    let state = decode_as(dv, ty, what)?;
    if state.is_wholly_known() {
        Ok(state)
    } else {
        Err(convert::error(
            "Stored state holds unknown values",
            format!(
                "The {what} holds a value that is not known. A state is written after apply, when every value is \
                 known, so this one was damaged or hand-edited. Restore it from a backup, or remove the resource from \
                 the state (`terraform state rm`) and import it again."
            ),
        ))
    }
}

fn undecodable(what: &str, why: String) -> Vec<pb::Diagnostic> {
    convert::error(
        "Provider received a value it cannot decode",
        format!(
            "Decoding the {what} failed: {why}. This is a bug in the provider or a Terraform version mismatch; please report it."
        ),
    )
}

fn span(rpc: &'static str, type_name: &str) -> tracing::Span {
    tracing::info_span!("rpc", tf_rpc = rpc, tf_resource_type = type_name)
}

#[tonic::async_trait]
impl provider_server::Provider for ProviderServer {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Rpc<pb::get_metadata::Response> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: Vec::new(),
            data_sources: self
                .data_sources
                .keys()
                .map(|n| pb::get_metadata::DataSourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            resources: self
                .resources
                .keys()
                .map(|n| pb::get_metadata::ResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            functions: Vec::new(),
            ephemeral_resources: Vec::new(),
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Rpc<pb::get_provider_schema::Response> {
        let _s = span("GetProviderSchema", "").entered();
        tracing::trace!("serving schema");
        Ok(Response::new(self.schema_response.clone()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Rpc<pb::validate_provider_config::Response> {
        let _s = span("ValidateProviderConfig", "").entered();
        let req = req.into_inner();
        convert::capture("ValidateProviderConfig", "config", req.config.as_ref());
        let diagnostics = validate_config(
            "provider configuration",
            &self.provider_schema,
            &self.provider_type,
            req.config.as_ref(),
            |config, diags| self.provider.validate(config, diags),
        );
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Rpc<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let _s = span("ValidateResourceConfig", &req.type_name).entered();
        convert::capture("ValidateResourceConfig", "config", req.config.as_ref());
        let diagnostics = match self.resource(&req.type_name) {
            Err(d) => d,
            Ok(entry) => validate_config(
                "resource configuration",
                &entry.schema,
                &entry.ty,
                req.config.as_ref(),
                |config, diags| entry.resource.validate(config, diags),
            ),
        };
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics,
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Rpc<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let _s = span("ValidateDataResourceConfig", &req.type_name).entered();
        let diagnostics = match self.data_source(&req.type_name) {
            Err(d) => d,
            Ok(entry) => validate_config(
                "data source configuration",
                &entry.schema,
                &entry.ty,
                req.config.as_ref(),
                |config, diags| entry.data_source.validate(config, diags),
            ),
        };
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics,
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Rpc<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let _s = span("UpgradeResourceState", &req.type_name).entered();
        let entry = match self.resource(&req.type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return Ok(Response::new(pb::upgrade_resource_state::Response {
                    upgraded_state: None,
                    diagnostics,
                }));
            }
        };
        // Schema version 0 is the only one so far: upgrading = re-reading
        // the JSON under the current schema.
        let raw = req.raw_state.unwrap_or_default();
        let json = pb::DynamicValue {
            msgpack: Vec::new(),
            json: raw.json,
        };
        let response = match decode_state(Some(&json), &entry.ty, "stored state") {
            Ok(state) => pb::upgrade_resource_state::Response {
                upgraded_state: Some(convert::encode(&state, &entry.ty)),
                diagnostics: Vec::new(),
            },
            Err(diagnostics) => pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics,
            },
        };
        Ok(Response::new(response))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Rpc<pb::configure_provider::Response> {
        let req = req.into_inner();
        let ctx = self.ctx();
        let diagnostics = async {
            match decode_as(
                req.config.as_ref(),
                &self.provider_type,
                "provider configuration",
            ) {
                Err(diagnostics) => diagnostics,
                Ok(config) => {
                    let (data, diags) = self
                        .provider
                        .configure(&config, &req.terraform_version, &ctx)
                        .await;
                    if let Some(data) = data {
                        // Terraform configures a provider process once.
                        let _ = self.provider_data.set(data);
                    }
                    convert::diagnostics(&diags)
                }
            }
        }
        .instrument(span("ConfigureProvider", ""))
        .await;
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics,
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Rpc<pb::read_resource::Response> {
        let req = req.into_inner();
        let span = span("ReadResource", &req.type_name);
        let ctx = self.ctx();
        let response = async {
            let entry = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(diagnostics) => {
                    return pb::read_resource::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let current = match decode_state(req.current_state.as_ref(), &entry.ty, "current state")
            {
                Ok(v) => v,
                Err(diagnostics) => {
                    return pb::read_resource::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let out = entry
                .resource
                .read(ReadRequest {
                    current: &current,
                    private: &req.private,
                    ctx: &ctx,
                })
                .await;
            pb::read_resource::Response {
                new_state: Some(convert::encode(&out.new_state, &entry.ty)),
                diagnostics: convert::diagnostics(&out.diagnostics),
                private: out.private,
                deferred: None,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Rpc<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let span = span("PlanResourceChange", &req.type_name);
        let ctx = self.ctx();
        convert::capture("PlanResourceChange", "config", req.config.as_ref());
        convert::capture(
            "PlanResourceChange",
            "proposed_new_state",
            req.proposed_new_state.as_ref(),
        );
        convert::capture(
            "PlanResourceChange",
            "prior_state",
            req.prior_state.as_ref(),
        );
        let response = async {
            let entry = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(diagnostics) => {
                    return pb::plan_resource_change::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let decoded = (|| {
                Ok::<_, Vec<pb::Diagnostic>>((
                    decode_state(req.prior_state.as_ref(), &entry.ty, "prior state")?,
                    decode_as(
                        req.proposed_new_state.as_ref(),
                        &entry.ty,
                        "proposed new state",
                    )?,
                    decode_as(req.config.as_ref(), &entry.ty, "configuration")?,
                ))
            })();
            let (prior, proposed, config) = match decoded {
                Ok(v) => v,
                Err(diagnostics) => {
                    return pb::plan_resource_change::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            if proposed.is_null() {
                // Destroy: the plan is null; private state carries over.
                return pb::plan_resource_change::Response {
                    planned_state: Some(convert::encode(&Value::Null, &entry.ty)),
                    planned_private: req.prior_private,
                    ..Default::default()
                };
            }
            let out = entry
                .resource
                .plan(PlanRequest {
                    prior: &prior,
                    proposed: &proposed,
                    config: &config,
                    prior_private: &req.prior_private,
                    ctx: &ctx,
                })
                .await;
            if out.diagnostics.has_errors() {
                return pb::plan_resource_change::Response {
                    diagnostics: convert::diagnostics(&out.diagnostics),
                    ..Default::default()
                };
            }
            let mut planned = out.planned;
            planned.keep_refinements_from(&proposed);
            let requires_replace = out.requires_replace.iter().map(convert::path).collect();
            pb::plan_resource_change::Response {
                planned_state: Some(convert::encode(&planned, &entry.ty)),
                requires_replace,
                planned_private: out.private,
                diagnostics: convert::diagnostics(&out.diagnostics),
                legacy_type_system: false,
                deferred: None,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Rpc<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let span = span("ApplyResourceChange", &req.type_name);
        let ctx = self.ctx();
        let response = async {
            let entry = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(diagnostics) => {
                    return pb::apply_resource_change::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let decoded = (|| {
                Ok::<_, Vec<pb::Diagnostic>>((
                    decode_state(req.prior_state.as_ref(), &entry.ty, "prior state")?,
                    decode_as(req.planned_state.as_ref(), &entry.ty, "planned state")?,
                    decode_as(req.config.as_ref(), &entry.ty, "configuration")?,
                ))
            })();
            let (prior, planned, config) = match decoded {
                Ok(v) => v,
                Err(diagnostics) => {
                    // Keep what Terraform had: never lose state on our failure.
                    return pb::apply_resource_change::Response {
                        new_state: req.prior_state.clone(),
                        private: req.planned_private.clone(),
                        diagnostics,
                        legacy_type_system: false,
                    };
                }
            };
            let out = entry
                .resource
                .apply(ApplyRequest {
                    prior: &prior,
                    planned: &planned,
                    config: &config,
                    private: &req.planned_private,
                    ctx: &ctx,
                })
                .await;
            pb::apply_resource_change::Response {
                new_state: Some(convert::encode(&out.new_state, &entry.ty)),
                private: out.private,
                diagnostics: convert::diagnostics(&out.diagnostics),
                legacy_type_system: false,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Rpc<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let span = span("ImportResourceState", &req.type_name);
        let ctx = self.ctx();
        let response = async {
            let entry = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(diagnostics) => {
                    return pb::import_resource_state::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let (state, diags) = entry.resource.import(&req.id, &ctx).await;
            let imported_resources = if diags.has_errors() || state.is_null() {
                Vec::new()
            } else {
                vec![pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(convert::encode(&state, &entry.ty)),
                    private: Vec::new(),
                }]
            };
            pb::import_resource_state::Response {
                imported_resources,
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Rpc<pb::move_resource_state::Response> {
        let req = req.into_inner();
        Ok(Response::new(pb::move_resource_state::Response {
            target_state: None,
            target_private: Vec::new(),
            diagnostics: convert::error(
                "Moving resources into this type is not supported",
                format!(
                    "A `moved` block from {} to {} needs the provider to translate state, which the chimesdk provider does not do. \
                     Use `terraform import` for the target instead.",
                    req.source_type_name, req.target_type_name
                ),
            ),
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Rpc<pb::read_data_source::Response> {
        let req = req.into_inner();
        let span = span("ReadDataSource", &req.type_name);
        let ctx = self.ctx();
        let response = async {
            let entry = match self.data_source(&req.type_name) {
                Ok(e) => e,
                Err(diagnostics) => {
                    return pb::read_data_source::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let config = match decode_as(req.config.as_ref(), &entry.ty, "configuration") {
                Ok(v) => v,
                Err(diagnostics) => {
                    return pb::read_data_source::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let (state, diags) = entry.data_source.read(&config, &ctx).await;
            pb::read_data_source::Response {
                state: (!diags.has_errors()).then(|| convert::encode(&state, &entry.ty)),
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Rpc<pb::validate_ephemeral_resource_config::Response> {
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response {
                diagnostics: no_ephemeral(&req.into_inner().type_name),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Rpc<pb::open_ephemeral_resource::Response> {
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: no_ephemeral(&req.into_inner().type_name),
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Rpc<pb::renew_ephemeral_resource::Response> {
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics: no_ephemeral(&req.into_inner().type_name),
            ..Default::default()
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Rpc<pb::close_ephemeral_resource::Response> {
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: no_ephemeral(&req.into_inner().type_name),
        }))
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Rpc<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Rpc<pb::call_function::Response> {
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                // The name is the caller's: echoed only in part when long.
                text: format!(
                    "The chimesdk provider defines no functions; {:?} does not exist.",
                    crate::framework::truncated(req.into_inner().name, 200)
                ),
                function_argument: None,
            }),
        }))
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Rpc<pb::stop_provider::Response> {
        tracing::info!("StopProvider: cancelling in-flight operations");
        self.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn no_ephemeral(type_name: &str) -> Vec<pb::Diagnostic> {
    convert::error(
        "Unknown ephemeral resource type",
        format!("The chimesdk provider has no ephemeral resources; {type_name:?} does not exist."),
    )
}
