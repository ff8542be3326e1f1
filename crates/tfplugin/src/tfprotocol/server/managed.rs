//! The managed-resource RPCs: state upgrades, Read, Plan, Apply, Import,
//! Move, generated configuration, and the identity each carries (derived
//! by `tfprotocol::identity` from the state the resource returns).

use tonic::Response;
use tracing::Instrument;

use super::super::convert;
use super::lookup::{decode_as, decode_state, undecodable};
use super::{ProviderServer, ResourceEntry, Rpc, span};
use crate::framework::{ApplyRequest, Diagnostics, PlanRequest, ReadRequest};
use crate::proto::tfplugin6 as pb;
use crate::value::Value;

impl ProviderServer {
    pub(super) async fn upgrade_state(
        &self,
        req: pb::upgrade_resource_state::Request,
    ) -> Rpc<pb::upgrade_resource_state::Response> {
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
        // The resource's steps from the stored version to its current one,
        // then the JSON read under the current schema.
        let raw = req.raw_state.unwrap_or_default();
        let raw_json = if raw.json.is_empty() {
            raw.json
        } else {
            let upgraded = serde_json::from_slice(&raw.json)
                .map_err(|e| convert::error("Stored state is not JSON", e.to_string()))
                .and_then(|state| {
                    entry
                        .resource
                        .upgrade_state_json(req.version, state)
                        .map_err(|d| convert::diagnostics(&d))
                });
            match upgraded {
                Ok(state) => serde_json::to_vec(&state).unwrap_or_default(),
                Err(diagnostics) => {
                    return Ok(Response::new(pb::upgrade_resource_state::Response {
                        upgraded_state: None,
                        diagnostics,
                    }));
                }
            }
        };
        let json = pb::DynamicValue {
            msgpack: Vec::new(),
            json: raw_json,
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

    pub(super) async fn read(
        &self,
        req: pb::read_resource::Request,
    ) -> Rpc<pb::read_resource::Response> {
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
            let mut diagnostics = convert::diagnostics(&out.diagnostics);
            let new_identity = match &entry.identity {
                None => None,
                Some(identity) => {
                    match identity.after_read(req.current_identity.as_ref(), &out.new_state) {
                        Ok(id) => id,
                        Err(why) => {
                            diagnostics.extend(identity_changed(&req.type_name, &why));
                            return pb::read_resource::Response {
                                new_state: req.current_state.clone(),
                                diagnostics,
                                private: req.private.clone(),
                                deferred: None,
                                new_identity: req.current_identity.clone(),
                            };
                        }
                    }
                }
            };
            pb::read_resource::Response {
                new_state: Some(convert::encode(&out.new_state, &entry.ty)),
                diagnostics,
                private: out.private,
                deferred: None,
                new_identity,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    pub(super) async fn plan(
        &self,
        req: pb::plan_resource_change::Request,
    ) -> Rpc<pb::plan_resource_change::Response> {
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
                // Destroy: the plan is null; private state and identity carry over.
                return pb::plan_resource_change::Response {
                    planned_state: Some(convert::encode(&Value::Null, &entry.ty)),
                    planned_private: req.prior_private,
                    planned_identity: req.prior_identity,
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
            let planned_identity = match &entry.identity {
                None => None,
                Some(identity) => {
                    match identity.planned(req.prior_identity.as_ref(), &prior, &planned) {
                        Ok(id) => id,
                        Err(why) => {
                            return pb::plan_resource_change::Response {
                                diagnostics: undecodable("prior identity", why),
                                ..Default::default()
                            };
                        }
                    }
                }
            };
            pb::plan_resource_change::Response {
                planned_state: Some(convert::encode(&planned, &entry.ty)),
                requires_replace,
                planned_private: out.private,
                diagnostics: convert::diagnostics(&out.diagnostics),
                legacy_type_system: false,
                deferred: None,
                planned_identity,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    pub(super) async fn apply(
        &self,
        req: pb::apply_resource_change::Request,
    ) -> Rpc<pb::apply_resource_change::Response> {
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
                        new_identity: None,
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
                new_identity: entry
                    .identity
                    .as_ref()
                    .and_then(|i| i.of_state(&out.new_state)),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(response))
    }

    pub(super) async fn import(
        &self,
        req: pb::import_resource_state::Request,
    ) -> Rpc<pb::import_resource_state::Response> {
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
            let id = match import_id(entry, &req) {
                Ok(id) => id,
                Err(diagnostics) => {
                    return pb::import_resource_state::Response {
                        diagnostics,
                        ..Default::default()
                    };
                }
            };
            let (state, diags) = entry.resource.import(&id, &ctx).await;
            let imported_resources = if diags.has_errors() || state.is_null() {
                Vec::new()
            } else {
                vec![pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(convert::encode(&state, &entry.ty)),
                    private: Vec::new(),
                    identity: entry.identity.as_ref().and_then(|i| i.of_state(&state)),
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

    pub(super) async fn generate_config(
        &self,
        req: pb::generate_resource_config::Request,
    ) -> Rpc<pb::generate_resource_config::Response> {
        let _s = span("GenerateResourceConfig", &req.type_name).entered();
        let response = match self.resource(&req.type_name).and_then(|entry| {
            let state = decode_state(req.state.as_ref(), &entry.ty, "state")?;
            Ok((entry, state))
        }) {
            Err(diagnostics) => pb::generate_resource_config::Response {
                config: None,
                diagnostics,
            },
            Ok((entry, state)) => {
                let (config, diags) = entry.resource.generate_config(&state);
                pb::generate_resource_config::Response {
                    config: (!diags.has_errors()).then(|| convert::encode(&config, &entry.ty)),
                    diagnostics: convert::diagnostics(&diags),
                }
            }
        };
        Ok(Response::new(response))
    }

    pub(super) async fn identity_schemas(
        &self,
        _req: pb::get_resource_identity_schemas::Request,
    ) -> Rpc<pb::get_resource_identity_schemas::Response> {
        let _s = span("GetResourceIdentitySchemas", "").entered();
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .resources
                .iter()
                .filter_map(|(name, e)| {
                    Some((name.to_string(), e.identity.as_ref()?.wire_schema()))
                })
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    pub(super) async fn upgrade_identity(
        &self,
        req: pb::upgrade_resource_identity::Request,
    ) -> Rpc<pb::upgrade_resource_identity::Response> {
        let _s = span("UpgradeResourceIdentity", &req.type_name).entered();
        let upgraded = self.resource(&req.type_name).and_then(|entry| {
            let Some(identity) = &entry.identity else {
                return Err(convert::error(
                    "Resource type has no identity",
                    format!("{} declares no identity, so there is none to upgrade. Remove the identity from the state \
                             (`terraform state rm` and import again).", req.type_name),
                ));
            };
            if req.version != identity.schema.version {
                return Err(convert::error(
                    "Stored identity is of an unknown version",
                    format!(
                        "The stored identity of this {} has version {} and this provider knows only version {}. \
                         It was written by another provider version: use that version, or `terraform state rm` and \
                         import the resource again.",
                        req.type_name, req.version, identity.schema.version
                    ),
                ));
            }
            let json = req.raw_identity.as_ref().map(|r| r.json.as_slice()).unwrap_or_default();
            let value = identity.decode_json(json).map_err(|why| undecodable("stored identity", why))?;
            Ok(identity.encode(&value))
        });
        Ok(Response::new(match upgraded {
            Ok(upgraded_identity) => pb::upgrade_resource_identity::Response {
                upgraded_identity,
                diagnostics: Vec::new(),
            },
            Err(diagnostics) => pb::upgrade_resource_identity::Response {
                upgraded_identity: None,
                diagnostics,
            },
        }))
    }
}

/// The ID `import` gets: the request's, or the one its identity stands for.
fn import_id(
    entry: &ResourceEntry,
    req: &pb::import_resource_state::Request,
) -> Result<String, Vec<pb::Diagnostic>> {
    let Some(given) = req.identity.as_ref() else {
        return Ok(req.id.clone());
    };
    let Some(identity) = &entry.identity else {
        return Err(convert::error(
            "Resource type has no identity",
            format!(
                "{} cannot be imported by identity. Give the import block an `id` instead.",
                req.type_name
            ),
        ));
    };
    let value = identity
        .decode(Some(given))
        .map_err(|why| undecodable("import identity", why))?;
    let mut diags = Diagnostics::new();
    identity
        .schema
        .import_id(&req.type_name, &value, &mut diags)
        .ok_or_else(|| convert::diagnostics(&diags))
}

fn identity_changed(type_name: &str, why: &str) -> Vec<pb::Diagnostic> {
    convert::error(
        "Resource identity changed",
        format!(
            "{why}. The identity of a {type_name} names one remote object for its whole life, so the object in \
             state is not the one found now. If the state was edited or restored from another workspace, \
             `terraform state rm` the resource and import the object you mean."
        ),
    )
}

impl ProviderServer {
    /// MoveResourceState: a resource of the same type name from another
    /// provider address (a fork, a renamed namespace) moves as it is; other
    /// types cannot be translated.
    pub(super) fn moved(
        &self,
        req: pb::move_resource_state::Request,
    ) -> pb::move_resource_state::Response {
        let refused = |diagnostics| pb::move_resource_state::Response {
            diagnostics,
            ..Default::default()
        };
        if req.source_type_name != req.target_type_name {
            return refused(convert::error(
                "Moving resources into this type is not supported",
                format!(
                    "A `moved` block from {} to {} needs the provider to translate state between types, which the \
                     {} provider does not do. Use an `import` block for the target instead.",
                    req.source_type_name,
                    req.target_type_name,
                    self.provider.type_name()
                ),
            ));
        }
        let entry = match self.resource(&req.target_type_name) {
            Ok(e) => e,
            Err(d) => return refused(d),
        };
        if req.source_schema_version != entry.schema.version {
            return refused(convert::error(
                "Cannot move state of another schema version",
                format!(
                    "The {} state from {} has schema version {} and this provider's has {}. Upgrade the source \
                     provider first, or use an `import` block.",
                    req.target_type_name,
                    req.source_provider_address,
                    req.source_schema_version,
                    entry.schema.version
                ),
            ));
        }
        let json = pb::DynamicValue {
            msgpack: Vec::new(),
            json: req.source_state.map(|r| r.json).unwrap_or_default(),
        };
        let state = match decode_state(Some(&json), &entry.ty, "moved state") {
            Ok(s) => s,
            Err(d) => return refused(d),
        };
        pb::move_resource_state::Response {
            target_state: Some(convert::encode(&state, &entry.ty)),
            diagnostics: Vec::new(),
            target_private: req.source_private,
            target_identity: entry.identity.as_ref().and_then(|i| i.of_state(&state)),
        }
    }
}
