//! Resource identity on the wire: the identity each Read, Plan, Apply,
//! Import and Move answers with, derived from the state the framework
//! returns, and the protocol's rules for it: a missing prior identity is
//! filled in, an identity never changes, a create plans none until it is known.

use super::convert;
use crate::framework::{IdentitySchema, Schema};
use crate::proto::tfplugin6 as pb;
use crate::value::{Type, Value};

pub struct Identity {
    pub schema: IdentitySchema,
    pub ty: Type,
}

impl Identity {
    /// `None` for a resource without identity; an identity naming an
    /// attribute its schema lacks is a provider bug, caught by the tests.
    pub fn new(schema: Option<IdentitySchema>, resource: &Schema) -> Option<Self> {
        let schema = schema?;
        match schema.value_type(resource) {
            Ok(ty) => Some(Self { schema, ty }),
            Err(e) => {
                tracing::error!(error = %e, "ignoring an identity declaration");
                None
            }
        }
    }

    pub fn wire_schema(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.schema.version,
            identity_attributes: self
                .schema
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.to_string(),
                    r#type: crate::value::Type::String.to_json_bytes(),
                    required_for_import: true,
                    optional_for_import: false,
                    description: a.description.to_string(),
                })
                .collect(),
        }
    }

    pub fn encode(&self, identity: &Value) -> Option<pb::ResourceIdentityData> {
        (!identity.is_null()).then(|| pb::ResourceIdentityData {
            identity_data: Some(convert::encode(identity, &self.ty)),
        })
    }

    /// The identity Terraform sent; null when it sent none (state written
    /// before identities, or a Terraform older than 1.12).
    pub fn decode(&self, data: Option<&pb::ResourceIdentityData>) -> Result<Value, String> {
        convert::decode(data.and_then(|d| d.identity_data.as_ref()), &self.ty)
    }

    /// The identity of a state.
    pub fn of_state(&self, state: &Value) -> Option<pb::ResourceIdentityData> {
        self.encode(&self.schema.of_state(state))
    }

    /// After a Read: the refreshed state's identity, which must be the
    /// stored one when there is one. `Err` says what changed.
    pub fn after_read(
        &self,
        stored: Option<&pb::ResourceIdentityData>,
        new_state: &Value,
    ) -> Result<Option<pb::ResourceIdentityData>, String> {
        let new = self.schema.of_state(new_state);
        let stored = self.decode(stored)?;
        if !stored.is_null() && stored.is_wholly_known() && !new.is_null() && stored != new {
            return Err(format!(
                "The stored identity is {} and the object read now has {}",
                shown(&stored),
                shown(&new)
            ));
        }
        Ok(self.encode(&new))
    }

    /// The planned identity: the stored one when there is one, else the
    /// planned (for a create) or prior state's.
    pub fn planned(
        &self,
        prior_identity: Option<&pb::ResourceIdentityData>,
        prior: &Value,
        planned: &Value,
    ) -> Result<Option<pb::ResourceIdentityData>, String> {
        let stored = self.decode(prior_identity)?;
        if !stored.is_null() {
            return Ok(self.encode(&stored));
        }
        if prior.is_null() {
            // A create: the identity is known only once the object exists.
            // Terraform 1.15 cannot render a plan that holds an unknown
            // identity beside drift ("Failed to marshal plan to json: value
            // is not known" once a refresh dropped the object), and omitting
            // it is valid: the apply's new identity is the first one.
            let identity = self.schema.of_state(planned);
            if identity.is_wholly_known() {
                Ok(self.encode(&identity))
            } else {
                Ok(None)
            }
        } else {
            Ok(self.of_state(prior))
        }
    }

    /// JSON identity (UpgradeResourceIdentity, MoveResourceState) under the
    /// current identity schema.
    pub fn decode_json(&self, json: &[u8]) -> Result<Value, String> {
        convert::decode(
            Some(&pb::DynamicValue {
                msgpack: Vec::new(),
                json: json.to_vec(),
            }),
            &self.ty,
        )
    }
}

fn shown(identity: &Value) -> String {
    match identity {
        Value::Object(attrs) => attrs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k} = {}",
                    v.as_str()
                        .map_or_else(|| format!("{v:?}"), |s| format!("{s:?}"))
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Attribute, Block};

    fn identity() -> Identity {
        let schema = Schema::new(
            Block::new("t")
                .attribute(Attribute::string("arn").computed())
                .attribute(Attribute::string("name").required()),
        );
        Identity::new(Some(IdentitySchema::of(&[("arn", "ARN")])), &schema).unwrap()
    }

    fn state(arn: Value) -> Value {
        Value::Object(
            [
                ("arn".to_string(), arn),
                ("name".to_string(), Value::String("n".into())),
            ]
            .into(),
        )
    }

    fn arn(a: &str) -> Value {
        Value::String(a.into())
    }

    fn decoded(i: &Identity, d: Option<pb::ResourceIdentityData>) -> Value {
        i.decode(d.as_ref()).unwrap()
    }

    #[test]
    fn a_read_fills_in_a_missing_identity_and_refuses_a_changed_one() {
        let i = identity();
        let filled = i.after_read(None, &state(arn("a"))).unwrap();
        assert_eq!(
            decoded(&i, filled.clone()),
            i.schema.of_state(&state(arn("a")))
        );
        assert!(i.after_read(filled.as_ref(), &state(arn("a"))).is_ok());
        let changed = i.after_read(filled.as_ref(), &state(arn("b"))).unwrap_err();
        assert!(
            changed.contains("arn = \"a\"") && changed.contains("arn = \"b\""),
            "{changed}"
        );
        assert_eq!(
            i.after_read(filled.as_ref(), &Value::Null).unwrap(),
            None,
            "gone: no identity"
        );
    }

    #[test]
    fn a_create_plans_no_identity_until_it_is_known() {
        let i = identity();
        // Terraform 1.15 cannot render a plan holding an unknown identity
        // beside drift: none is planned, the apply gives the first one.
        let create = i
            .planned(None, &Value::Null, &state(Value::unknown()))
            .unwrap();
        assert_eq!(create, None);
        let known = i.planned(None, &Value::Null, &state(arn("a"))).unwrap();
        assert_eq!(decoded(&i, known), i.schema.of_state(&state(arn("a"))));
        // An update of a state written before identities: the prior state's.
        let update = i
            .planned(None, &state(arn("a")), &state(Value::unknown()))
            .unwrap();
        assert_eq!(decoded(&i, update), i.schema.of_state(&state(arn("a"))));
        // A stored identity stays what it is.
        let stored = i.of_state(&state(arn("a")));
        let kept = i
            .planned(stored.as_ref(), &state(arn("a")), &state(arn("a")))
            .unwrap();
        assert_eq!(kept, stored);
    }
}
