//! The configuration a person would write for a stored state, for
//! GenerateResourceConfig (`import` blocks with `-generate-config-out` and
//! `terraform query -generate-config-out`): what the service computed, what
//! equals a default, empty collections and blocks left with nothing set are
//! all left out.

use std::collections::BTreeMap;

use super::schema::{Block, Nesting};
use crate::value::Value;

/// `state` reduced to its configurable, non-default part under `block`.
pub fn generated_config(block: &Block, state: &Value) -> Value {
    let Value::Object(attrs) = state else {
        return state.clone();
    };
    let mut out = BTreeMap::new();
    for a in &block.attributes {
        let v = attrs.get(&a.name).cloned().unwrap_or(Value::Null);
        let written = a.required
            || (a.optional && !is_empty(&v) && a.default.as_ref().is_none_or(|d| *d != v));
        out.insert(a.name.clone(), if written { v } else { Value::Null });
    }
    for nested in &block.blocks {
        let v = attrs.get(&nested.name).cloned().unwrap_or(Value::Null);
        let reduced = match (nested.nesting, v) {
            (Nesting::Single, v) => {
                let inner = generated_config(&nested.block, &v);
                if sets_nothing(&inner) {
                    Value::Null
                } else {
                    inner
                }
            }
            (Nesting::List, Value::List(items)) => Value::List(
                items
                    .iter()
                    .map(|i| generated_config(&nested.block, i))
                    .collect(),
            ),
            (Nesting::Set, Value::Set(items)) => Value::Set(
                items
                    .iter()
                    .map(|i| generated_config(&nested.block, i))
                    .collect(),
            ),
            (_, other) => other,
        };
        out.insert(nested.name.clone(), reduced);
    }
    Value::Object(out)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Map(m) | Value::Object(m) => m.is_empty(),
        Value::List(l) | Value::Set(l) | Value::Tuple(l) => l.is_empty(),
        _ => false,
    }
}

/// A nested object with every attribute and block null or empty.
fn sets_nothing(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().all(|x| is_empty(x) || sets_nothing(x)),
        other => is_empty(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::timeouts::timeouts_block;
    use crate::framework::{Attribute, NestedBlock};
    use crate::value::{Number, Type};

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    fn block() -> Block {
        Block::new("r")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string("note").optional())
            .attribute(Attribute::number("size").default_value(Value::Number(Number::Int(2))))
            .attribute(Attribute::typed("tags", Type::map(Type::String)).optional())
            .attribute(Attribute::string("picked").optional().computed())
            .block(NestedBlock::new(
                "part",
                Nesting::Set,
                Block::new("p")
                    .attribute(Attribute::string("kind").required())
                    .attribute(Attribute::string("arn").computed()),
            ))
            .block(timeouts_block(&[]))
    }

    fn state(size: i64, tags: Value) -> Value {
        Value::Object(
            [
                ("id".into(), s("x-1")),
                ("name".into(), s("x")),
                ("note".into(), Value::Null),
                ("size".into(), Value::Number(Number::Int(size))),
                ("tags".into(), tags),
                ("picked".into(), s("by the service")),
                (
                    "part".into(),
                    Value::Set(vec![Value::Object(
                        [("kind".into(), s("a")), ("arn".into(), s("arn:p"))].into(),
                    )]),
                ),
                ("timeouts".into(), Value::Null),
            ]
            .into(),
        )
    }

    #[test]
    fn computed_values_defaults_and_empty_collections_are_left_out() {
        let got = generated_config(&block(), &state(2, Value::Map(BTreeMap::new())));
        assert_eq!(got.get_attr("id"), Some(&Value::Null));
        assert_eq!(got.get_attr("name"), Some(&s("x")));
        assert_eq!(
            got.get_attr("size"),
            Some(&Value::Null),
            "equal to the default"
        );
        assert_eq!(got.get_attr("tags"), Some(&Value::Null), "no `tags = {{}}`");
        assert_eq!(
            got.get_attr("picked"),
            Some(&s("by the service")),
            "optional: kept"
        );
        assert_eq!(got.get_attr("timeouts"), Some(&Value::Null));
        let Some(Value::Set(parts)) = got.get_attr("part") else {
            panic!("part: {got:?}")
        };
        assert_eq!(parts[0].get_attr("kind"), Some(&s("a")));
        assert_eq!(parts[0].get_attr("arn"), Some(&Value::Null));
    }

    #[test]
    fn values_that_differ_from_the_default_are_written() {
        let tags = Value::Map([("team".to_string(), s("chat"))].into());
        let got = generated_config(&block(), &state(4, tags.clone()));
        assert_eq!(got.get_attr("size"), Some(&Value::Number(Number::Int(4))));
        assert_eq!(got.get_attr("tags"), Some(&tags));
    }
}
