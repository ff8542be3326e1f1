//! cty values <-> msgpack, the encoding Terraform uses on the wire.
//!
//! Decoding is guided by the schema type, as in cty itself: msgpack alone
//! cannot tell a list from a set, or an object from a map.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::path::Breadcrumb;
use super::{Number, Refinements, Type, Value};

/// cty's extension code for a refined unknown; every other code is a plain unknown.
const REFINED_UNKNOWN_EXT: i8 = 12;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("malformed msgpack: {0}")]
    Malformed(String),
    #[error("at {path}: expected {expected}, found {found}")]
    Mismatch {
        path: String,
        expected: String,
        found: String,
    },
    #[error("trailing bytes after the value")]
    Trailing,
}

pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut rd = bytes;
    let mp =
        rmpv::decode::read_value(&mut rd).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rd.is_empty() {
        return Err(DecodeError::Trailing);
    }
    from_mp(&mp, ty, &Breadcrumb::Root)
}

pub fn encode(value: &Value, ty: &Type) -> Vec<u8> {
    let mp = to_mp(value, ty);
    let mut out = Vec::with_capacity(64);
    rmpv::encode::write_value(&mut out, &mp).expect("writing msgpack into a Vec cannot fail");
    out
}

fn mismatch(path: &Breadcrumb, expected: &str, found: &Mp) -> DecodeError {
    let found = match found {
        Mp::Nil => "nil",
        Mp::Boolean(_) => "bool",
        Mp::Integer(_) => "integer",
        Mp::F32(_) | Mp::F64(_) => "float",
        Mp::String(_) => "string",
        Mp::Binary(_) => "binary",
        Mp::Array(_) => "array",
        Mp::Map(_) => "map",
        Mp::Ext(..) => "extension",
    };
    DecodeError::Mismatch {
        path: path.describe(),
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

fn from_mp(mp: &Mp, ty: &Type, path: &Breadcrumb) -> Result<Value, DecodeError> {
    match mp {
        Mp::Nil => return Ok(Value::Null),
        Mp::Ext(code, payload) => return Ok(Value::Unknown(decode_refinements(*code, payload))),
        _ => {}
    }
    match ty {
        Type::String => match mp {
            Mp::String(s) => s
                .as_str()
                .map(|s| Value::String(s.to_string()))
                .ok_or_else(|| DecodeError::Malformed(format!("{path}: string is not UTF-8"))),
            _ => Err(mismatch(path, "string", mp)),
        },
        Type::Bool => match mp {
            Mp::Boolean(b) => Ok(Value::Bool(*b)),
            _ => Err(mismatch(path, "bool", mp)),
        },
        Type::Number => number_from_mp(mp)
            .map(Value::Number)
            .ok_or_else(|| mismatch(path, "number", mp)),
        Type::List(elem) | Type::Set(elem) => {
            let Mp::Array(items) = mp else {
                return Err(mismatch(path, "array", mp));
            };
            let values = items
                .iter()
                .enumerate()
                .map(|(i, item)| from_mp(item, elem, &Breadcrumb::Index(path, i)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(values)
            } else {
                Value::List(values)
            })
        }
        Type::Tuple(elems) => {
            let Mp::Array(items) = mp else {
                return Err(mismatch(path, "array", mp));
            };
            if items.len() != elems.len() {
                return Err(mismatch(path, &format!("tuple of {}", elems.len()), mp));
            }
            let values = items
                .iter()
                .zip(elems)
                .enumerate()
                .map(|(i, (item, t))| from_mp(item, t, &Breadcrumb::Index(path, i)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Tuple(values))
        }
        Type::Map(elem) => {
            let Mp::Map(entries) = mp else {
                return Err(mismatch(path, "map", mp));
            };
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = k.as_str().ok_or_else(|| mismatch(path, "string key", k))?;
                out.insert(
                    key.to_string(),
                    from_mp(v, elem, &Breadcrumb::Key(path, key))?,
                );
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let Mp::Map(entries) = mp else {
                return Err(mismatch(path, "object", mp));
            };
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = k.as_str().ok_or_else(|| mismatch(path, "string key", k))?;
                let Some(attr_ty) = attrs.get(key) else {
                    return Err(DecodeError::Mismatch {
                        path: path.to_string(),
                        expected: "a known attribute".into(),
                        found: format!("attribute {key:?}"),
                    });
                };
                out.insert(
                    key.to_string(),
                    from_mp(v, attr_ty, &Breadcrumb::Attribute(path, key))?,
                );
            }
            // A missing attribute is null: we always see every attribute.
            for name in attrs.keys() {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            let Mp::Array(pair) = mp else {
                return Err(mismatch(path, "[type, value] pair", mp));
            };
            let [ty_json, inner] = pair.as_slice() else {
                return Err(mismatch(path, "[type, value] pair", mp));
            };
            let ty_bytes: &[u8] = match ty_json {
                Mp::Binary(b) => b,
                Mp::String(s) => s.as_bytes(),
                other => return Err(mismatch(path, "type JSON", other)),
            };
            let inner_ty = Type::from_json_bytes(ty_bytes)
                .map_err(|e| DecodeError::Malformed(format!("{path}: {e}")))?;
            let inner_value = from_mp(inner, &inner_ty, path)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner_value)))
        }
    }
}

fn number_from_mp(mp: &Mp) -> Option<Number> {
    match mp {
        Mp::Integer(i) => match i.as_i64() {
            Some(v) => Some(Number::Int(v)),
            None => i.as_u64().map(|u| Number::Decimal(u.to_string())),
        },
        // cty numbers may be infinite, never NaN.
        Mp::F32(f) if !f.is_nan() => Some(Number::Float(f64::from(*f))),
        Mp::F64(f) if !f.is_nan() => Some(Number::Float(*f)),
        Mp::String(s) => {
            let text = s.as_str()?;
            // cty accepts any decimal it can parse; reject what is not a number.
            if text.parse::<f64>().ok()?.is_nan() {
                return None;
            }
            Some(Number::Decimal(text.to_string()))
        }
        _ => None,
    }
}

fn decode_refinements(code: i8, payload: &[u8]) -> Option<Box<Refinements>> {
    if code != REFINED_UNKNOWN_EXT {
        return None;
    }
    let mut rd = payload;
    let Ok(Mp::Map(entries)) = rmpv::decode::read_value(&mut rd) else {
        // Unreadable refinements still mean "unknown"; keep the bytes.
        return Some(Box::new(Refinements {
            raw: Some(payload.to_vec()),
            ..Default::default()
        }));
    };
    let mut r = Refinements {
        raw: Some(payload.to_vec()),
        ..Default::default()
    };
    for (k, v) in &entries {
        let Some(key) = k.as_i64() else { continue };
        match key {
            1 => r.not_null = v.as_bool() == Some(false),
            2 => r.string_prefix = v.as_str().map(str::to_string),
            3 | 4 => {
                // [bound, inclusive]
                if let Mp::Array(pair) = v
                    && let [bound, inclusive] = pair.as_slice()
                    && let Some(n) = number_from_mp(bound)
                {
                    let b = (n, inclusive.as_bool().unwrap_or(false));
                    if key == 3 {
                        r.number_lower = Some(b)
                    } else {
                        r.number_upper = Some(b)
                    }
                }
            }
            5 => r.length_lower = v.as_i64(),
            6 => r.length_upper = v.as_i64(),
            _ => {}
        }
    }
    Some(Box::new(r))
}

fn number_to_mp(n: &Number) -> Mp {
    match n {
        Number::Int(i) => Mp::from(*i),
        Number::Float(f) => Mp::F64(*f),
        Number::Decimal(s) => Mp::from(s.as_str()),
    }
}

fn to_mp(value: &Value, ty: &Type) -> Mp {
    match value {
        Value::Null => Mp::Nil,
        Value::Unknown(None) => Mp::Ext(0, vec![0]),
        Value::Unknown(Some(r)) => match &r.raw {
            Some(raw) => Mp::Ext(REFINED_UNKNOWN_EXT, raw.clone()),
            None => Mp::Ext(REFINED_UNKNOWN_EXT, encode_refinements(r)),
        },
        Value::Bool(b) => Mp::Boolean(*b),
        Value::Number(n) => number_to_mp(n),
        Value::String(s) => Mp::from(s.as_str()),
        Value::List(items) | Value::Set(items) => {
            let elem = match ty {
                Type::List(e) | Type::Set(e) => e.as_ref(),
                _ => &Type::Dynamic,
            };
            Mp::Array(items.iter().map(|v| to_mp(v, elem)).collect())
        }
        Value::Tuple(items) => {
            let types: Vec<Type> = match ty {
                Type::Tuple(t) => t.clone(),
                _ => vec![Type::Dynamic; items.len()],
            };
            Mp::Array(
                items
                    .iter()
                    .zip(types.iter())
                    .map(|(v, t)| to_mp(v, t))
                    .collect(),
            )
        }
        Value::Map(entries) => {
            let elem = match ty {
                Type::Map(e) => e.as_ref(),
                _ => &Type::Dynamic,
            };
            Mp::Map(
                entries
                    .iter()
                    .map(|(k, v)| (Mp::from(k.as_str()), to_mp(v, elem)))
                    .collect(),
            )
        }
        Value::Object(attrs) => match ty {
            // Always every attribute of the type, sorted, nulls included.
            Type::Object(schema) => Mp::Map(
                schema
                    .iter()
                    .map(|(name, t)| {
                        (
                            Mp::from(name.as_str()),
                            to_mp(attrs.get(name).unwrap_or(&Value::Null), t),
                        )
                    })
                    .collect(),
            ),
            _ => Mp::Map(
                attrs
                    .iter()
                    .map(|(k, v)| (Mp::from(k.as_str()), to_mp(v, &Type::Dynamic)))
                    .collect(),
            ),
        },
        Value::Dynamic(inner_ty, inner) => Mp::Array(vec![
            Mp::Binary(inner_ty.to_json_bytes()),
            to_mp(inner, inner_ty),
        ]),
    }
}

fn encode_refinements(r: &Refinements) -> Vec<u8> {
    let mut entries = Vec::new();
    if r.not_null {
        entries.push((Mp::from(1), Mp::Boolean(false)));
    }
    if let Some(p) = &r.string_prefix {
        entries.push((Mp::from(2), Mp::from(p.as_str())));
    }
    for (key, bound) in [(3, &r.number_lower), (4, &r.number_upper)] {
        if let Some((n, inclusive)) = bound {
            entries.push((
                Mp::from(key),
                Mp::Array(vec![number_to_mp(n), Mp::Boolean(*inclusive)]),
            ));
        }
    }
    for (key, len) in [(5, r.length_lower), (6, r.length_upper)] {
        if let Some(n) = len {
            entries.push((Mp::from(key), Mp::from(n)));
        }
    }
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &Mp::Map(entries)).expect("writing into a Vec cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(attrs: &[(&str, Type)]) -> Type {
        Type::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.to_string(), t.clone()))
                .collect(),
        )
    }

    #[test]
    fn plain_unknown_is_ext_zero() {
        assert_eq!(
            encode(&Value::unknown(), &Type::String),
            vec![0xd4, 0x00, 0x00]
        );
        assert_eq!(
            decode(&[0xd4, 0x00, 0x00], &Type::String).unwrap(),
            Value::unknown()
        );
    }

    #[test]
    fn any_extension_decodes_as_unknown() {
        // fixext1 with code 7
        assert!(
            decode(&[0xd4, 0x07, 0x01], &Type::Number)
                .unwrap()
                .is_unknown()
        );
    }

    #[test]
    fn refined_unknown_prefix_survives_round_trip() {
        // Terraform's bytes for "pre-${unknown}": ext8 len 9, code 12, {1: false, 2: "pre-"}
        let bytes = [
            0xc7, 0x09, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa4, b'p', b'r', b'e', b'-',
        ];
        let v = decode(&bytes, &Type::String).unwrap();
        let Value::Unknown(Some(r)) = &v else {
            panic!("expected refined unknown, got {v:?}")
        };
        assert!(r.not_null);
        assert_eq!(r.string_prefix.as_deref(), Some("pre-"));
        assert_eq!(encode(&v, &Type::String), bytes);
    }

    #[test]
    fn refinements_built_in_code_encode_as_cty_does() {
        let r = Refinements {
            not_null: true,
            string_prefix: Some("pre-".into()),
            ..Default::default()
        };
        let bytes = encode(&Value::Unknown(Some(Box::new(r))), &Type::String);
        assert_eq!(
            bytes,
            [
                0xc7, 0x09, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa4, b'p', b'r', b'e', b'-'
            ]
        );
    }

    #[test]
    fn numbers_decode_from_int_float_and_decimal_string() {
        assert_eq!(
            decode(&[0x05], &Type::Number).unwrap(),
            Value::Number(Number::Int(5))
        );
        assert_eq!(
            decode(&[0xd0, 0xfe], &Type::Number).unwrap(),
            Value::Number(Number::Int(-2))
        );
        let mut f = vec![0xcb];
        f.extend_from_slice(&1.5f64.to_be_bytes());
        assert_eq!(
            decode(&f, &Type::Number).unwrap(),
            Value::Number(Number::Float(1.5))
        );
        let mut s = vec![0xb4];
        s.extend_from_slice(b"12345678901234567890");
        let big = decode(&s, &Type::Number).unwrap();
        assert_eq!(
            big,
            Value::Number(Number::Decimal("12345678901234567890".into()))
        );
        assert_eq!(
            encode(&big, &Type::Number),
            s,
            "decimal strings are written back as strings"
        );
        // u64 beyond i64 becomes a decimal
        let mut u = vec![0xcf];
        u.extend_from_slice(&u64::MAX.to_be_bytes());
        assert_eq!(
            decode(&u, &Type::Number).unwrap(),
            Value::Number(Number::Decimal(u64::MAX.to_string()))
        );
        assert!(
            decode(&[0xa3, b'a', b'b', b'c'], &Type::Number).is_err(),
            "non-numeric string"
        );
    }

    #[test]
    fn objects_always_carry_every_attribute_sorted() {
        let ty = obj(&[("b", Type::String), ("a", Type::Number)]);
        let v = Value::Object(BTreeMap::from([(
            "b".to_string(),
            Value::String("x".into()),
        )]));
        // {"a": nil, "b": "x"}
        assert_eq!(
            encode(&v, &ty),
            vec![0x82, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xa1, b'x']
        );
        let back = decode(&encode(&v, &ty), &ty).unwrap();
        assert_eq!(back.get_attr("a"), Some(&Value::Null));
    }

    #[test]
    fn collections_follow_the_type() {
        let ty = obj(&[
            ("l", Type::list(Type::String)),
            ("s", Type::set(Type::Bool)),
            ("m", Type::map(Type::Number)),
            ("t", Type::Tuple(vec![Type::String, Type::Number])),
        ]);
        let v = Value::Object(BTreeMap::from([
            (
                "l".into(),
                Value::List(vec![Value::String("a".into()), Value::unknown()]),
            ),
            ("s".into(), Value::Set(vec![Value::Bool(true)])),
            (
                "m".into(),
                Value::Map(BTreeMap::from([(
                    "k".into(),
                    Value::Number(Number::Int(1)),
                )])),
            ),
            (
                "t".into(),
                Value::Tuple(vec![Value::String("x".into()), Value::Null]),
            ),
        ]));
        assert_eq!(decode(&encode(&v, &ty), &ty).unwrap(), v);
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let v = Value::Dynamic(
            Type::list(Type::String),
            Box::new(Value::List(vec![Value::String("a".into())])),
        );
        let bytes = encode(&v, &Type::Dynamic);
        // [bin(["list","string"]), ["a"]]
        let mut expected = vec![0x92, 0xc4, 17];
        expected.extend_from_slice(br#"["list","string"]"#);
        expected.extend_from_slice(&[0x91, 0xa1, b'a']);
        assert_eq!(bytes, expected);
        assert_eq!(decode(&bytes, &Type::Dynamic).unwrap(), v);
        assert_eq!(decode(&[0xc0], &Type::Dynamic).unwrap(), Value::Null);
        assert!(decode(&[0xd4, 0, 0], &Type::Dynamic).unwrap().is_unknown());
    }

    #[test]
    fn type_mismatch_names_the_path() {
        let ty = obj(&[("n", Type::Number)]);
        let bytes = encode(
            &Value::Object(BTreeMap::from([("n".into(), Value::Bool(true))])),
            &obj(&[("n", Type::Bool)]),
        );
        let err = decode(&bytes, &ty).unwrap_err().to_string();
        assert!(err.contains("at n: expected number, found bool"), "{err}");
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        assert!(matches!(
            decode(&[0xc0, 0xc0], &Type::String),
            Err(DecodeError::Trailing)
        ));
    }
}
