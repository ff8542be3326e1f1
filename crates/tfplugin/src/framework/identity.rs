//! Resource identity: which state attributes name the remote object for its
//! whole life, and the identity value a state, a plan or an import carries.
//!
//! A resource declares its identity as attributes of its own schema; the
//! framework derives every identity from the state, so a resource never
//! writes identity code. Terraform before 1.12 (and OpenTofu) never sends an
//! identity: a missing prior identity is filled in, never refused.

use std::collections::BTreeMap;

use super::diag::Diagnostics;
use super::schema::Schema;
use crate::value::{Type, Value};

/// One attribute of an identity: a string attribute of the resource schema
/// with the same name, required to import by identity.
#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    pub name: &'static str,
    pub description: &'static str,
}

#[derive(Clone, Debug)]
pub struct IdentitySchema {
    /// Bumped when the attributes change, so stored identities get upgraded.
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    /// An identity of version 0: the state attributes named.
    pub fn of(attributes: &[(&'static str, &'static str)]) -> Self {
        Self {
            version: 0,
            attributes: attributes
                .iter()
                .map(|&(name, description)| IdentityAttribute { name, description })
                .collect(),
        }
    }

    /// The identity's object type: each attribute with the type it has in
    /// `schema`. An attribute the schema lacks is a bug in the declaration.
    pub fn value_type(&self, schema: &Schema) -> Result<Type, String> {
        let mut attrs = BTreeMap::new();
        for a in &self.attributes {
            let found = schema
                .block
                .attributes
                .iter()
                .find(|s| s.name == a.name)
                .ok_or_else(|| format!("identity attribute {:?} is not in the schema", a.name))?;
            if found.ty != Type::String {
                return Err(format!("identity attribute {:?} is not a string", a.name));
            }
            attrs.insert(a.name.to_string(), found.ty.clone());
        }
        Ok(Type::Object(attrs))
    }

    /// The identity a state has: its identity attributes, unknown where the
    /// state does not know them yet; null for a null state.
    pub fn of_state(&self, state: &Value) -> Value {
        if state.is_null() {
            return Value::Null;
        }
        Value::Object(
            self.attributes
                .iter()
                .map(|a| {
                    let v = match state {
                        Value::Unknown(_) => Value::unknown(),
                        _ => state.get_attr(a.name).cloned().unwrap_or(Value::Null),
                    };
                    (a.name.to_string(), v)
                })
                .collect(),
        )
    }

    /// The import ID an identity stands for: its attribute values in
    /// declared order, joined by ","; for a one-attribute identity, the
    /// value itself. Every attribute is required for import.
    pub fn import_id(
        &self,
        type_name: &str,
        identity: &Value,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let mut parts = Vec::with_capacity(self.attributes.len());
        for a in &self.attributes {
            match identity.get_attr(a.name).and_then(Value::as_str) {
                Some(s) if !s.is_empty() => parts.push(s.to_string()),
                _ => {
                    diags.error(
                        "Incomplete identity to import by",
                        format!(
                            "The import block's identity for {type_name} has no value for {:?}. Set \
                             `identity = {{ {} = \"...\" }}` in the import block.",
                            a.name, a.name
                        ),
                    );
                    return None;
                }
            }
        }
        Some(parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Attribute, Block};

    fn schema() -> Schema {
        Schema::new(
            Block::new("t")
                .attribute(Attribute::string("arn").computed())
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::number("count").optional()),
        )
    }

    #[test]
    fn the_identity_type_takes_the_schema_types() {
        let id = IdentitySchema::of(&[("arn", "ARN")]);
        assert_eq!(
            id.value_type(&schema()).unwrap(),
            Type::Object([("arn".to_string(), Type::String)].into())
        );
        assert!(
            IdentitySchema::of(&[("nope", "")])
                .value_type(&schema())
                .is_err()
        );
        assert!(
            IdentitySchema::of(&[("count", "")])
                .value_type(&schema())
                .is_err()
        );
    }

    #[test]
    fn a_state_projects_onto_its_identity_and_keeps_unknowns() {
        let id = IdentitySchema::of(&[("arn", "ARN")]);
        let state = Value::Object(
            [
                ("arn".to_string(), Value::String("arn:x".into())),
                ("name".to_string(), Value::String("n".into())),
            ]
            .into(),
        );
        assert_eq!(
            id.of_state(&state),
            Value::Object([("arn".to_string(), Value::String("arn:x".into()))].into())
        );
        let planned = Value::Object([("arn".to_string(), Value::unknown())].into());
        assert!(!id.of_state(&planned).is_wholly_known());
        assert!(id.of_state(&Value::Null).is_null());
    }

    #[test]
    fn an_import_id_needs_every_attribute() {
        let id = IdentitySchema::of(&[("arn", "ARN")]);
        let mut diags = Diagnostics::new();
        let identity = Value::Object([("arn".to_string(), Value::String("arn:x".into()))].into());
        assert_eq!(
            id.import_id("t", &identity, &mut diags).as_deref(),
            Some("arn:x")
        );
        let empty = Value::Object([("arn".to_string(), Value::Null)].into());
        assert_eq!(id.import_id("t", &empty, &mut diags), None);
        assert!(diags.has_errors());
    }
}
