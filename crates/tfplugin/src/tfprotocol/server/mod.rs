//! `tfplugin6.Provider` implemented over a `framework::Provider`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::action::ActionEntry;
use super::convert;
use super::identity::Identity;
use super::list::ListEntry;
use super::unsupported;

mod lookup;
mod managed;
mod registry;
use crate::framework::{DataSource, Provider, ProviderData, Resource, Schema};
use crate::proto::tfplugin6::{self as pb, provider_server};
use crate::value::Type;
use lookup::{decode_as, validate_config};

struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
    identity: Option<Identity>,
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
    list_resources: BTreeMap<&'static str, Arc<ListEntry>>,
    actions: BTreeMap<&'static str, Arc<ActionEntry>>,
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
        move_resource_state: true,
        generate_resource_config: true,
    }
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
            list_resources: self
                .list_resources
                .keys()
                .map(|n| pb::get_metadata::ListResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            state_stores: Vec::new(),
            actions: self
                .actions
                .keys()
                .map(|n| pb::get_metadata::ActionMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
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
        self.upgrade_state(req.into_inner()).await
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
        self.read(req.into_inner()).await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Rpc<pb::plan_resource_change::Response> {
        self.plan(req.into_inner()).await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Rpc<pb::apply_resource_change::Response> {
        self.apply(req.into_inner()).await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Rpc<pb::import_resource_state::Response> {
        self.import(req.into_inner()).await
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Rpc<pb::move_resource_state::Response> {
        let req = req.into_inner();
        let _s = span("MoveResourceState", &req.target_type_name).entered();
        Ok(Response::new(self.moved(req)))
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Rpc<pb::generate_resource_config::Response> {
        self.generate_config(req.into_inner()).await
    }

    async fn get_resource_identity_schemas(
        &self,
        req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Rpc<pb::get_resource_identity_schemas::Response> {
        self.identity_schemas(req.into_inner()).await
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Rpc<pb::upgrade_resource_identity::Response> {
        self.upgrade_identity(req.into_inner()).await
    }

    type ListResourceStream = super::list::EventStream;

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Rpc<Self::ListResourceStream> {
        let req = req.into_inner();
        let span = span("ListResource", &req.type_name);
        let ctx = self.ctx();
        let Some(entry) = self.list_resources.get(req.type_name.as_str()).cloned() else {
            return Ok(Response::new(super::list::diagnostics_only(
                self.unknown_list_type(&req.type_name),
            )));
        };
        Ok(Response::new(super::list::stream(entry, req, ctx, span)))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Rpc<pb::validate_list_resource_config::Response> {
        let req = req.into_inner();
        let _s = span("ValidateListResourceConfig", &req.type_name).entered();
        let diagnostics = match self.list_resources.get(req.type_name.as_str()) {
            None => self.unknown_list_type(&req.type_name),
            Some(entry) => entry.validate(&req),
        };
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics,
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
                diagnostics: unsupported::no_ephemeral(
                    self.provider.type_name(),
                    &req.into_inner().type_name,
                ),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Rpc<pb::open_ephemeral_resource::Response> {
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: unsupported::no_ephemeral(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Rpc<pb::renew_ephemeral_resource::Response> {
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics: unsupported::no_ephemeral(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
            ..Default::default()
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Rpc<pb::close_ephemeral_resource::Response> {
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: unsupported::no_ephemeral(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
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
                    "The {} provider defines no functions; {:?} does not exist.",
                    self.provider.type_name(),
                    crate::framework::truncated(req.into_inner().name, 200)
                ),
                function_argument: None,
            }),
        }))
    }

    async fn validate_state_store_config(
        &self,
        req: Request<pb::validate_state_store::Request>,
    ) -> Rpc<pb::validate_state_store::Response> {
        Ok(Response::new(pb::validate_state_store::Response {
            diagnostics: unsupported::no_state_store(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
        }))
    }

    async fn configure_state_store(
        &self,
        req: Request<pb::configure_state_store::Request>,
    ) -> Rpc<pb::configure_state_store::Response> {
        Ok(Response::new(pb::configure_state_store::Response {
            diagnostics: unsupported::no_state_store(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
        }))
    }

    type ReadStateBytesStream = unsupported::OneShot<pb::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        req: Request<pb::read_state_bytes::Request>,
    ) -> Rpc<Self::ReadStateBytesStream> {
        Ok(Response::new(unsupported::one_shot(
            pb::read_state_bytes::Response {
                diagnostics: unsupported::no_state_store(
                    self.provider.type_name(),
                    &req.into_inner().type_name,
                ),
                ..Default::default()
            },
        )))
    }

    async fn write_state_bytes(
        &self,
        req: Request<tonic::Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Rpc<pb::write_state_bytes::Response> {
        let mut chunks = req.into_inner();
        let type_name = match chunks.message().await {
            Ok(Some(chunk)) => chunk.type_name,
            _ => String::new(),
        };
        Ok(Response::new(pb::write_state_bytes::Response {
            diagnostics: unsupported::no_state_store(self.provider.type_name(), &type_name),
        }))
    }

    async fn get_states(
        &self,
        req: Request<pb::get_states::Request>,
    ) -> Rpc<pb::get_states::Response> {
        Ok(Response::new(pb::get_states::Response {
            state_id: Vec::new(),
            diagnostics: unsupported::no_state_store(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
        }))
    }

    async fn delete_state(
        &self,
        req: Request<pb::delete_state::Request>,
    ) -> Rpc<pb::delete_state::Response> {
        Ok(Response::new(pb::delete_state::Response {
            diagnostics: unsupported::no_state_store(
                self.provider.type_name(),
                &req.into_inner().type_name,
            ),
        }))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> Rpc<pb::validate_action_config::Response> {
        let req = req.into_inner();
        let _s = span("ValidateActionConfig", &req.type_name).entered();
        let diagnostics = match self.actions.get(req.type_name.as_str()) {
            None => self.unknown_action(&req.type_name),
            Some(entry) => validate_config(
                "action configuration",
                &entry.schema,
                &entry.ty,
                req.config.as_ref(),
                |config, diags| entry.action.validate(config, diags),
            ),
        };
        Ok(Response::new(pb::validate_action_config::Response {
            diagnostics,
        }))
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> Rpc<pb::plan_action::Response> {
        let req = req.into_inner();
        let span = span("PlanAction", &req.action_type);
        let ctx = self.ctx();
        let diagnostics = async {
            let Some(entry) = self.actions.get(req.action_type.as_str()) else {
                return self.unknown_action(&req.action_type);
            };
            match decode_as(req.config.as_ref(), &entry.ty, "action configuration") {
                Err(d) => d,
                Ok(config) => convert::diagnostics(&entry.action.plan(&config, &ctx).await),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(pb::plan_action::Response {
            diagnostics,
            deferred: None,
        }))
    }

    type InvokeActionStream = super::action::EventStream;

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> Rpc<Self::InvokeActionStream> {
        let req = req.into_inner();
        let span = span("InvokeAction", &req.action_type);
        let Some(entry) = self.actions.get(req.action_type.as_str()).cloned() else {
            return Ok(Response::new(super::action::completed_only(
                self.unknown_action(&req.action_type),
            )));
        };
        Ok(Response::new(super::action::invoke(
            entry,
            req,
            self.ctx(),
            span,
        )))
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
