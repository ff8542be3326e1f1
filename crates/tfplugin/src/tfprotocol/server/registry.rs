//! Building the server: each resource, data source, list resource and
//! action the provider registers, with its schema, type and identity worked
//! out once; and the context every call runs in.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

use super::super::action::ActionEntry;
use super::super::convert;
use super::super::identity::Identity;
use super::super::list::ListEntry;
use super::{DataSourceEntry, ProviderServer, ResourceEntry, capabilities};
use crate::framework::{CallContext, Provider};
use crate::proto::tfplugin6 as pb;

impl ProviderServer {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        let provider_schema = provider.schema();
        let provider_type = provider_schema.value_type();
        // What the provider serves, built once.
        let served = provider.registry();
        let resources: BTreeMap<_, _> = served
            .resources
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = schema.value_type();
                let identity = Identity::new(r.identity(), &schema);
                (
                    r.type_name(),
                    ResourceEntry {
                        resource: r,
                        schema,
                        ty,
                        identity,
                    },
                )
            })
            .collect();
        let data_sources: BTreeMap<_, _> = served
            .data_sources
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
        let list_resources: BTreeMap<_, _> = served
            .list_resources
            .into_iter()
            .map(|l| {
                let resource = resources
                    .get(l.type_name())
                    .map(|e| (&e.schema, e.resource.identity()));
                (l.type_name(), Arc::new(ListEntry::new(l, resource)))
            })
            .collect();
        let actions: BTreeMap<_, _> = served
            .actions
            .into_iter()
            .map(|a| (a.type_name(), Arc::new(ActionEntry::new(a))))
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
            list_resource_schemas: list_resources
                .iter()
                .map(|(k, e)| (k.to_string(), convert::schema(&e.schema)))
                .collect(),
            state_store_schemas: Default::default(),
            action_schemas: actions
                .iter()
                .map(|(k, e)| {
                    (
                        k.to_string(),
                        pb::ActionSchema {
                            schema: Some(convert::schema(&e.schema)),
                        },
                    )
                })
                .collect(),
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
            list_resources,
            actions,
            schema_response,
            stop: CancellationToken::new(),
            provider_data: OnceLock::new(),
        }
    }

    /// The token StopProvider trips; the serve loop shares it.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    pub(super) fn ctx(&self) -> CallContext {
        CallContext {
            deadline: None,
            cancel: self.stop.child_token(),
            provider_data: self.provider_data.get().cloned(),
        }
    }
}
