//! Plain Rust structs from cty values and back, through serde.
//!
//! A struct field of type `Attr<T>` sees a value as Known, Null or Unknown.
//! The bridge goes through `serde_json::Value`, marking an unknown with a
//! reserved key that no schema attribute can have (names are identifiers).
//! Refinements do not cross into structs; `Value::keep_refinements_from`
//! restores them where a planned value passes a config value through.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use super::path::Breadcrumb;
use super::{Number, Type, Value};

const UNKNOWN_MARKER: &str = "$cty.unknown";

/// One attribute as Terraform sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Attr<T> {
    Known(T),
    #[default]
    Null,
    Unknown,
}

impl<T> Attr<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Attr::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Attr::Unknown)
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Attr::Null)
    }
}

impl<T> From<Option<T>> for Attr<T> {
    fn from(o: Option<T>) -> Self {
        o.map_or(Attr::Null, Attr::Known)
    }
}

impl<T: Serialize> Serialize for Attr<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Attr::Known(v) => v.serialize(s),
            Attr::Null => s.serialize_none(),
            Attr::Unknown => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(UNKNOWN_MARKER, &true)?;
                m.end()
            }
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Attr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = Json::deserialize(d)?;
        if json.is_null() {
            return Ok(Attr::Null);
        }
        if is_unknown_marker(&json) {
            return Ok(Attr::Unknown);
        }
        serde_json::from_value(json)
            .map(Attr::Known)
            .map_err(serde::de::Error::custom)
    }
}

fn is_unknown_marker(json: &Json) -> bool {
    matches!(json, Json::Object(m) if m.len() == 1 && m.contains_key(UNKNOWN_MARKER))
}

#[derive(Debug, thiserror::Error)]
pub enum TypedError {
    #[error("value does not fit the Rust type: {0}")]
    Deserialize(#[from] serde_json::Error),
    #[error("at {path}: {message}")]
    Shape { path: String, message: String },
}

/// Reads a cty value into a Rust type.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, TypedError> {
    Ok(serde_json::from_value(to_json(value, &Breadcrumb::Root)?)?)
}

/// Writes a Rust value as a cty value of the given type.
pub fn to_value<T: Serialize>(data: &T, ty: &Type) -> Result<Value, TypedError> {
    let json = serde_json::to_value(data)?;
    from_json(&json, ty, &Breadcrumb::Root)
}

/// Reads a stored state (JSON, as Terraform keeps it) under the current
/// schema type. Attributes the schema no longer has are dropped, as
/// terraform-plugin-framework does, so removing one never breaks a state.
pub fn from_state_json(json: &Json, ty: &Type) -> Result<Value, TypedError> {
    from_json_lenient(json, ty, &Breadcrumb::Root, true)
}

/// The JSON a Rust type reads. An infinite number has no JSON form and no
/// Rust field takes it: an error at its path, not a silent null.
fn to_json(value: &Value, path: &Breadcrumb) -> Result<Json, TypedError> {
    Ok(match value {
        Value::Null => Json::Null,
        Value::Unknown(_) => {
            let mut m = Map::new();
            m.insert(UNKNOWN_MARKER.into(), Json::Bool(true));
            Json::Object(m)
        }
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(Number::Int(i)) => Json::from(*i),
        Value::Number(Number::Float(f)) => match serde_json::Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => return Err(shape(path, format!("{f} is not a finite number"))),
        },
        Value::Number(Number::Decimal(s)) => match s.parse::<i64>() {
            Ok(i) => Json::from(i),
            Err(_) => Json::String(s.clone()),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &Breadcrumb::Index(path, i)))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) | Value::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v, &Breadcrumb::Attribute(path, k))?)))
                .collect::<Result<_, TypedError>>()?,
        ),
        Value::Dynamic(_, inner) => to_json(inner, path)?,
    })
}

fn shape(path: &Breadcrumb, message: impl Into<String>) -> TypedError {
    TypedError::Shape {
        path: path.describe(),
        message: message.into(),
    }
}

fn from_json(json: &Json, ty: &Type, path: &Breadcrumb) -> Result<Value, TypedError> {
    from_json_lenient(json, ty, path, false)
}

fn from_json_lenient(
    json: &Json,
    ty: &Type,
    path: &Breadcrumb,
    drop_extra: bool,
) -> Result<Value, TypedError> {
    let from_json = |j: &Json, t: &Type, p: &Breadcrumb| from_json_lenient(j, t, p, drop_extra);
    if json.is_null() {
        return Ok(Value::Null);
    }
    if is_unknown_marker(json) {
        return Ok(Value::unknown());
    }
    Ok(match ty {
        Type::String => Value::String(
            json.as_str()
                .ok_or_else(|| shape(path, "expected a string"))?
                .to_string(),
        ),
        Type::Bool => Value::Bool(
            json.as_bool()
                .ok_or_else(|| shape(path, "expected a bool"))?,
        ),
        Type::Number => Value::Number(match json {
            Json::Number(n) => match n.as_i64() {
                Some(i) => Number::Int(i),
                None => Number::Float(
                    n.as_f64()
                        .ok_or_else(|| shape(path, "number out of range"))?,
                ),
            },
            Json::String(s) if s.parse::<f64>().is_ok() => Number::Decimal(s.clone()),
            _ => return Err(shape(path, "expected a number")),
        }),
        Type::List(elem) | Type::Set(elem) => {
            let items = json
                .as_array()
                .ok_or_else(|| shape(path, "expected an array"))?;
            let values = items
                .iter()
                .enumerate()
                .map(|(i, j)| from_json(j, elem, &Breadcrumb::Index(path, i)))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(ty, Type::Set(_)) {
                Value::Set(values)
            } else {
                Value::List(values)
            }
        }
        Type::Tuple(types) => {
            let items = json
                .as_array()
                .ok_or_else(|| shape(path, "expected an array"))?;
            if items.len() != types.len() {
                return Err(shape(path, format!("expected {} elements", types.len())));
            }
            Value::Tuple(
                items
                    .iter()
                    .zip(types)
                    .enumerate()
                    .map(|(i, (j, t))| from_json(j, t, &Breadcrumb::Index(path, i)))
                    .collect::<Result<_, _>>()?,
            )
        }
        Type::Map(elem) => {
            let m = json
                .as_object()
                .ok_or_else(|| shape(path, "expected a map"))?;
            Value::Map(
                m.iter()
                    .map(|(k, j)| Ok((k.clone(), from_json(j, elem, &Breadcrumb::Key(path, k))?)))
                    .collect::<Result<_, TypedError>>()?,
            )
        }
        Type::Object(attrs) => {
            let m = json
                .as_object()
                .ok_or_else(|| shape(path, "expected an object"))?;
            if let Some(extra) = m.keys().find(|k| !drop_extra && !attrs.contains_key(*k)) {
                return Err(shape(path, format!("field {extra:?} is not in the schema")));
            }
            let mut out = BTreeMap::new();
            for (name, t) in attrs {
                out.insert(
                    name.clone(),
                    from_json(
                        m.get(name).unwrap_or(&Json::Null),
                        t,
                        &Breadcrumb::Attribute(path, name),
                    )?,
                );
            }
            Value::Object(out)
        }
        // A Rust value carries no cty type; infer the plainest one.
        Type::Dynamic => {
            let inferred = infer_type(json);
            let inner = from_json(json, &inferred, path)?;
            Value::Dynamic(inferred, Box::new(inner))
        }
    })
}

fn infer_type(json: &Json) -> Type {
    match json {
        Json::Bool(_) => Type::Bool,
        Json::Number(_) => Type::Number,
        Json::String(_) | Json::Null => Type::String,
        Json::Array(items) => Type::Tuple(items.iter().map(infer_type).collect()),
        Json::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Inner {
        name: Attr<String>,
        count: Attr<i64>,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Outer {
        id: Attr<String>,
        items: Attr<Vec<Inner>>,
        flag: Attr<bool>,
    }

    fn outer_type() -> Type {
        let inner = Type::Object(BTreeMap::from([
            ("name".into(), Type::String),
            ("count".into(), Type::Number),
        ]));
        Type::Object(BTreeMap::from([
            ("id".into(), Type::String),
            ("items".into(), Type::set(inner)),
            ("flag".into(), Type::Bool),
        ]))
    }

    #[test]
    fn known_null_and_unknown_cross_both_ways() {
        let data = Outer {
            id: Attr::Unknown,
            items: Attr::Known(vec![Inner {
                name: Attr::Known("a".into()),
                count: Attr::Null,
            }]),
            flag: Attr::Null,
        };
        let value = to_value(&data, &outer_type()).unwrap();
        assert!(value.get_attr("id").unwrap().is_unknown());
        assert!(matches!(value.get_attr("items"), Some(Value::Set(_))));
        let back: Outer = from_value(&value).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn decimal_numbers_reach_integer_fields() {
        let value = Value::Object(BTreeMap::from([
            ("name".into(), Value::Null),
            ("count".into(), Value::Number(Number::Decimal("42".into()))),
        ]));
        let inner: Inner = from_value(&value).unwrap();
        assert_eq!(inner.count, Attr::Known(42));
    }

    #[test]
    fn fields_outside_the_schema_are_refused() {
        #[derive(Serialize)]
        struct Extra {
            nope: i64,
        }
        let ty = Type::Object(BTreeMap::from([("name".into(), Type::String)]));
        assert!(to_value(&Extra { nope: 1 }, &ty).is_err());
    }
}
