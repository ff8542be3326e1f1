//! Finding a request's type among those the provider registered, and
//! decoding a request's values: each with the diagnostic a user reads when
//! it fails.

use super::super::convert;
use super::{DataSourceEntry, ProviderServer, ResourceEntry};
use crate::framework::{Diagnostics, Schema, validate_attributes};
use crate::proto::tfplugin6 as pb;
use crate::value::{AttributePath, Type, Value};

impl ProviderServer {
    pub(super) fn resource(&self, name: &str) -> Result<&ResourceEntry, Vec<pb::Diagnostic>> {
        self.resources.get(name).ok_or_else(|| {
            convert::error(
                "Unknown resource type",
                format!("The {} provider has no resource type {name:?}; this is a bug in Terraform or a version mismatch.", self.provider.type_name()),
            )
        })
    }

    pub(super) fn unknown_list_type(&self, type_name: &str) -> Vec<pb::Diagnostic> {
        convert::error(
            "Unknown list resource type",
            format!(
                "The {} provider cannot list {type_name:?}. {}",
                self.provider.type_name(),
                it_has("list resources", self.list_resources.keys())
            ),
        )
    }

    pub(super) fn unknown_action(&self, type_name: &str) -> Vec<pb::Diagnostic> {
        convert::error(
            "Unknown action type",
            format!(
                "The {} provider has no action {type_name:?}. {}",
                self.provider.type_name(),
                it_has("actions", self.actions.keys())
            ),
        )
    }

    pub(super) fn data_source(&self, name: &str) -> Result<&DataSourceEntry, Vec<pb::Diagnostic>> {
        self.data_sources.get(name).ok_or_else(|| {
            convert::error(
                "Unknown data source",
                format!(
                    "The {} provider has no data source {name:?}. {}",
                    self.provider.type_name(),
                    it_has("data sources", self.data_sources.keys())
                ),
            )
        })
    }
}

/// The body of every Validate*Config RPC: decode, run the schema's attribute
/// validators, then the type's own static checks.
pub(super) fn validate_config(
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
pub(super) fn decode_as(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Vec<pb::Diagnostic>> {
    convert::decode(dv, ty).map_err(|e| undecodable(what, e))
}

/// A stored state, which Terraform never lets hold an unknown value: one
/// that does is refused rather than planned or applied from.
pub(super) fn decode_state(
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

pub(super) fn undecodable(what: &str, why: String) -> Vec<pb::Diagnostic> {
    convert::error(
        "Provider received a value it cannot decode",
        format!(
            "Decoding the {what} failed: {why}. This is a bug in the provider or a Terraform version mismatch; please report it."
        ),
    )
}

/// "It has a and b." / "It has no <what>.": the names a user may have meant.
fn it_has<'a>(what: &str, names: impl Iterator<Item = &'a &'static str>) -> String {
    let names: Vec<&str> = names.copied().collect();
    match names.as_slice() {
        [] => format!("It has no {what}."),
        [one] => format!("It has {one}."),
        [init @ .., last] => format!("It has {} and {last}.", init.join(", ")),
    }
}
