//! Schema-guided validation: run every attribute's validators, in nested
//! blocks too, naming set elements by their identifying attribute.

use super::diag::Diagnostics;
use super::schema::{Block, Nesting};
use crate::value::{AttributePath, Value};

/// Runs every attribute's validators on its known values, recursing into
/// nested blocks. Null and unknown values are skipped: they are checked
/// again once known (plan, then apply).
pub fn validate_attributes(
    block: &Block,
    value: &Value,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    validate_in(block, value, path, "", diags);
}

/// `shown` is the path as messages name it: a set element by its
/// identifying attribute (`streaming_configuration[data_type = "Channel"]`)
/// where the protocol path can only say "some element".
fn validate_in(
    block: &Block,
    value: &Value,
    path: &AttributePath,
    shown: &str,
    diags: &mut Diagnostics,
) {
    let Value::Object(attrs) = value else { return };
    let join = |name: &str| {
        if shown.is_empty() {
            name.to_string()
        } else {
            format!("{shown}.{name}")
        }
    };
    for attr in &block.attributes {
        let Some(v) = attrs.get(&attr.name) else {
            continue;
        };
        if v.is_null() || v.is_unknown() {
            continue;
        }
        let attr_path = path.clone().attribute(&attr.name);
        for validator in &attr.validators {
            if let Err(why) = validator.check(v) {
                diags.error_at(
                    attr_path.clone(),
                    format!("Invalid value for {}", attr.name),
                    format!("{} {}; {why}.", join(&attr.name), validator.description()),
                );
            }
        }
    }
    for nested in &block.blocks {
        let Some(v) = attrs.get(&nested.name) else {
            continue;
        };
        let nested_path = path.clone().attribute(&nested.name);
        let nested_shown = join(&nested.name);
        match (nested.nesting, v) {
            (Nesting::Single, Value::Object(_)) => {
                validate_in(&nested.block, v, &nested_path, &nested_shown, diags)
            }
            (Nesting::List, Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    validate_in(
                        &nested.block,
                        item,
                        &nested_path.clone().index(i as i64),
                        &format!("{nested_shown}[{i}]"),
                        diags,
                    );
                }
            }
            (Nesting::Set, Value::Set(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let key = nested
                        .identified_by
                        .and_then(|k| Some((k, item.get_attr(k)?.as_str()?)));
                    let element = match key {
                        Some((k, v)) => format!("{nested_shown}[{k} = {v:?}]"),
                        None if items.len() == 1 => format!("{nested_shown}[0]"),
                        None => format!("{nested_shown}[*]"),
                    };
                    validate_in(
                        &nested.block,
                        item,
                        &nested_path.clone().set_element(i, items.len()),
                        &element,
                        diags,
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::framework::{Attribute, NestedBlock, at_least, one_of};
    use crate::value::{Number, PathStep};

    fn schema() -> Block {
        Block::new("t")
            .attribute(
                Attribute::string("kind")
                    .required()
                    .validate(one_of(&["a", "b"])),
            )
            .block(NestedBlock::new(
                "item",
                Nesting::List,
                Block::new("i").attribute(Attribute::number("n").optional().validate(at_least(2))),
            ))
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    #[test]
    fn validators_point_at_the_nested_attribute() {
        let v = obj(vec![
            ("kind", Value::String("c".into())),
            (
                "item",
                Value::List(vec![
                    obj(vec![("n", Value::Number(Number::Int(5)))]),
                    obj(vec![("n", Value::Number(Number::Int(1)))]),
                    obj(vec![("n", Value::unknown())]),
                ]),
            ),
        ]);
        let mut diags = Diagnostics::new();
        validate_attributes(&schema(), &v, &AttributePath::root(), &mut diags);
        assert_eq!(diags.0.len(), 2, "{diags:?}");
        assert_eq!(diags.0[0].path, Some(AttributePath::attr("kind")));
        assert_eq!(
            diags.0[1].path.as_ref().unwrap().steps,
            vec![
                PathStep::Attribute("item".into()),
                PathStep::ElementKeyInt(1),
                PathStep::Attribute("n".into())
            ]
        );
        assert!(diags.0[1].detail.contains("must be at least 2"));
    }

    #[test]
    fn a_set_element_is_named_by_its_identifying_attribute() {
        let schema = Block::new("t").block(
            NestedBlock::new(
                "sc",
                Nesting::Set,
                Block::new("s")
                    .attribute(Attribute::string("data_type").required())
                    .attribute(Attribute::number("n").optional().validate(at_least(2))),
            )
            .identified_by("data_type"),
        );
        let item = |dt: &str, n: i64| {
            obj(vec![
                ("data_type", Value::String(dt.into())),
                ("n", Value::Number(Number::Int(n))),
            ])
        };
        let v = obj(vec![(
            "sc",
            Value::Set(vec![item("Channel", 5), item("ChannelMessage", 1)]),
        )]);
        let mut diags = Diagnostics::new();
        validate_attributes(&schema, &v, &AttributePath::root(), &mut diags);
        assert_eq!(diags.0.len(), 1, "{diags:?}");
        assert!(
            diags.0[0]
                .detail
                .starts_with("sc[data_type = \"ChannelMessage\"].n must be at least 2"),
            "{}",
            diags.0[0].detail
        );
        assert_eq!(diags.0[0].path.as_ref().unwrap().to_string(), "sc[*].n");
    }
}
