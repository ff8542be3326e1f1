//! Terraform's type system (cty) as Rust data: types, values, numbers, paths.
//!
//! Nothing here knows about gRPC or any cloud: it is the vocabulary the protocol
//! layer decodes into and the resources read from.

mod msgpack;
mod path;
mod typed;
mod types;

pub use msgpack::{DecodeError, decode, encode};
pub use path::{AttributePath, PathStep};
pub use typed::{Attr, TypedError, from_state_json, from_value, to_value};
pub use types::{Type, TypeError};

use std::collections::BTreeMap;

/// A cty number, kept in the form it arrived in so that it round-trips
/// exactly: Terraform sends an integer when exact, a float when exact, and a
/// decimal string otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
    Decimal(String),
}

impl Number {
    /// The value as an integer when it is one (a float or decimal with no fraction counts).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            Number::Float(_) => None,
            Number::Decimal(s) => s.parse::<i64>().ok(),
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Decimal(s) => f.write_str(s),
        }
    }
}

/// What Terraform knows about a value that is not known yet (cty refinements).
/// The raw msgpack payload is kept so a refined unknown passes through a plan
/// byte for byte.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Refinements {
    pub not_null: bool,
    pub string_prefix: Option<String>,
    pub number_lower: Option<(Number, bool)>,
    pub number_upper: Option<(Number, bool)>,
    pub length_lower: Option<i64>,
    pub length_upper: Option<i64>,
    pub(crate) raw: Option<Vec<u8>>,
}

/// A cty value. Collections and objects hold their elements in wire order;
/// objects and maps are keyed by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    /// Not known until apply; `Some` when Terraform refined it.
    Unknown(Option<Box<Refinements>>),
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    /// A value whose type is only known at run time (schema type "dynamic").
    Dynamic(Type, Box<Value>),
}

impl Value {
    pub fn unknown() -> Value {
        Value::Unknown(None)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// An attribute of an object value; `None` for anything else.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(name),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Copies refinements from `source` into unknowns of `self` at the same
    /// places, so a planned value keeps what Terraform knew about the config.
    pub fn keep_refinements_from(&mut self, source: &Value) {
        match (self, source) {
            (Value::Unknown(mine), Value::Unknown(Some(theirs))) if mine.is_none() => {
                *mine = Some(theirs.clone());
            }
            (Value::Object(a), Value::Object(b)) | (Value::Map(a), Value::Map(b)) => {
                for (k, v) in a.iter_mut() {
                    if let Some(src) = b.get(k) {
                        v.keep_refinements_from(src);
                    }
                }
            }
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                for (v, src) in a.iter_mut().zip(b) {
                    v.keep_refinements_from(src);
                }
            }
            _ => {}
        }
    }
}

/// A schema default written as a plain Rust value (`default = 2`).
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
