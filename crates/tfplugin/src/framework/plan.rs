//! The framework's part of planning, from the schema alone: defaults, the
//! plan a resource gets before its own changes (computed values kept or
//! marked unknown), UseStateForUnknown and RequiresReplace(If), at any
//! depth of nested blocks.

use std::collections::BTreeMap;

use super::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::value::{AttributePath, Value};

/// `config` with every null attribute that has a default set to it, in
/// nested blocks too (an absent block gets none: its attributes are not
/// configured at all).
pub fn with_defaults(block: &Block, config: &Value) -> Value {
    let Value::Object(attrs) = config else {
        return config.clone();
    };
    let mut out = attrs.clone();
    for a in &block.attributes {
        if let Some(default) = &a.default
            && out.get(&a.name).is_none_or(Value::is_null)
        {
            out.insert(a.name.clone(), default.clone());
        }
    }
    for nested in &block.blocks {
        if let Some(v) = out.get_mut(&nested.name) {
            *v = map_elements(v, |item| with_defaults(&nested.block, item));
        }
    }
    Value::Object(out)
}

fn map_elements(v: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match v {
        Value::Object(_) => f(v),
        Value::List(items) => Value::List(items.iter().map(&f).collect()),
        Value::Set(items) => Value::Set(items.iter().map(&f).collect()),
        other => other.clone(),
    }
}

/// The elements of a nested block in `planned` with their counterparts in
/// `prior` (`Value::Null` when there is none) and the path step to them. A
/// list pairs by position; a set by its `identified_by` attribute, else not
/// at all (cty sets have no stable order to pair by).
fn paired<'a>(
    nested: &NestedBlock,
    planned: &'a Value,
    prior: &'a Value,
    path: &AttributePath,
) -> Vec<(AttributePath, &'a Value, &'a Value)> {
    const NULL: &Value = &Value::Null;
    let path = path.clone().attribute(&nested.name);
    match (nested.nesting, planned) {
        (Nesting::Single, Value::Object(_)) => vec![(path, planned, prior)],
        (Nesting::List, Value::List(items)) => {
            let before = match prior {
                Value::List(p) => p.as_slice(),
                _ => &[],
            };
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    (
                        path.clone().index(i as i64),
                        item,
                        before.get(i).unwrap_or(NULL),
                    )
                })
                .collect()
        }
        (Nesting::Set, Value::Set(items)) => {
            let before = match prior {
                Value::Set(p) => p.as_slice(),
                _ => &[],
            };
            let key = |v: &'a Value| {
                nested
                    .identified_by
                    .and_then(|k| v.get_attr(k))
                    .filter(|k| !k.is_null() && !k.is_unknown())
            };
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let counterpart = key(item)
                        .and_then(|k| before.iter().find(|p| key(p) == Some(k)))
                        .unwrap_or(NULL);
                    (path.clone().set_element(i, items.len()), item, counterpart)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The plan before the resource's own changes, as terraform-plugin-framework
/// makes it: configured values (defaults applied); a computed attribute the
/// configuration leaves null keeps its prior value when nothing else
/// changes, and is unknown ("known after apply") when something does,
/// unless it is marked UseStateForUnknown and has a prior value.
pub fn framework_plan(block: &Block, config: &Value, prior: &Value) -> Value {
    let kept = merge(block, config, prior, false);
    if !prior.is_null() && kept == *prior {
        return kept;
    }
    merge(block, config, prior, true)
}

fn merge(block: &Block, config: &Value, prior: &Value, changing: bool) -> Value {
    let Value::Object(attrs) = config else {
        return config.clone();
    };
    let mut out = BTreeMap::new();
    for a in &block.attributes {
        let configured = attrs.get(&a.name).cloned().unwrap_or(Value::Null);
        let before = prior.get_attr(&a.name).cloned().unwrap_or(Value::Null);
        out.insert(
            a.name.clone(),
            planned_attribute(a, configured, before, changing),
        );
    }
    for nested in &block.blocks {
        let configured = attrs.get(&nested.name).cloned().unwrap_or(Value::Null);
        let before = prior.get_attr(&nested.name).unwrap_or(&Value::Null);
        let pairs = paired(nested, &configured, before, &AttributePath::root());
        let merged: Vec<Value> = pairs
            .into_iter()
            .map(|(_, c, p)| merge(&nested.block, c, p, changing))
            .collect();
        let value = match (&configured, nested.nesting) {
            (Value::Object(_), Nesting::Single) => merged.into_iter().next().unwrap_or(Value::Null),
            (Value::List(_), Nesting::List) => Value::List(merged),
            (Value::Set(_), Nesting::Set) => Value::Set(merged),
            _ => configured,
        };
        out.insert(nested.name.clone(), value);
    }
    Value::Object(out)
}

fn planned_attribute(a: &Attribute, configured: Value, before: Value, changing: bool) -> Value {
    if !configured.is_null() || !a.computed {
        return configured;
    }
    if !changing || (a.uses_state_for_unknown() && !before.is_null()) {
        return before;
    }
    Value::unknown()
}

/// UseStateForUnknown on a plan the resource made: an unknown planned
/// value of a marked attribute becomes its prior value, when there is one
/// and the configuration does not itself say "unknown".
pub fn use_state_for_unknown(block: &Block, config: &Value, prior: &Value, planned: &mut Value) {
    let Value::Object(attrs) = planned else {
        return;
    };
    for a in block
        .attributes
        .iter()
        .filter(|a| a.uses_state_for_unknown())
    {
        let configured_unknown = config.get_attr(&a.name).is_some_and(Value::is_unknown);
        if let (Some(v), Some(before)) = (attrs.get_mut(&a.name), prior.get_attr(&a.name))
            && v.is_unknown()
            && !before.is_null()
            && !configured_unknown
        {
            *v = before.clone();
        }
    }
    for nested in &block.blocks {
        let Some(value) = attrs.get_mut(&nested.name) else {
            continue;
        };
        let before = prior.get_attr(&nested.name).unwrap_or(&Value::Null);
        let configured = config.get_attr(&nested.name).unwrap_or(&Value::Null);
        let snapshot = value.clone();
        let pairs = paired(nested, &snapshot, before, &AttributePath::root());
        let config_pairs = paired(nested, &snapshot, configured, &AttributePath::root());
        let mut updated: Vec<Value> = Vec::new();
        for ((_, item, p), (_, _, c)) in pairs.into_iter().zip(config_pairs) {
            let mut item = item.clone();
            use_state_for_unknown(&nested.block, c, p, &mut item);
            updated.push(item);
        }
        *value = match &snapshot {
            Value::Object(_) => updated.into_iter().next().unwrap_or(Value::Null),
            Value::List(_) => Value::List(updated),
            Value::Set(_) => Value::Set(updated),
            other => other.clone(),
        };
    }
}

/// The attributes marked RequiresReplace (or RequiresReplaceIf, when its
/// condition holds) whose planned value differs from the prior state, at
/// any depth; an unknown planned value counts as a change. In a set
/// without `identified_by` the path stops at the set: its elements cannot
/// be paired, so a marked attribute counts as changed when the set's
/// values of it differ.
pub fn requires_replace_paths(block: &Block, prior: &Value, planned: &Value) -> Vec<AttributePath> {
    let mut out = Vec::new();
    if !prior.is_null() && !planned.is_null() {
        replace_in(block, prior, planned, &AttributePath::root(), &mut out);
    }
    out
}

fn replace_in(
    block: &Block,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    for a in &block.attributes {
        let before = prior.get_attr(&a.name).unwrap_or(&Value::Null);
        let after = planned.get_attr(&a.name).unwrap_or(&Value::Null);
        if a.change_replaces(before, after) {
            out.push(path.clone().attribute(&a.name));
        }
    }
    for nested in &block.blocks {
        let before = prior.get_attr(&nested.name).unwrap_or(&Value::Null);
        let after = planned.get_attr(&nested.name).unwrap_or(&Value::Null);
        if nested.nesting == Nesting::Set && nested.identified_by.is_none() {
            if marked_values(&nested.block, before) != marked_values(&nested.block, after) {
                out.push(path.clone().attribute(&nested.name));
            }
            continue;
        }
        for (p, item, counterpart) in paired(nested, after, before, path) {
            replace_in(&nested.block, counterpart, item, &p, out);
        }
        // An element that went away takes its marked values with it.
        for (p, item, counterpart) in paired(nested, before, after, path) {
            if counterpart.is_null() {
                replace_in(&nested.block, item, &Value::Null, &p, out);
            }
        }
    }
    out.dedup();
}

/// A set's values of its elements' marked attributes, in a stable order.
fn marked_values(block: &Block, set: &Value) -> Vec<String> {
    let Value::Set(items) = set else {
        return Vec::new();
    };
    let mut values: Vec<String> = items
        .iter()
        .map(|item| {
            let picked: Vec<String> = block
                .attributes
                .iter()
                .filter(|a| {
                    a.plan_modifiers
                        .iter()
                        .any(|m| !matches!(m, super::PlanModifier::UseStateForUnknown))
                })
                .map(|a| format!("{:?}", item.get_attr(&a.name)))
                .collect();
            picked.join("\u{1f}")
        })
        .collect();
    values.sort();
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Attribute, PlanModifier};
    use crate::value::{Number, PathStep};

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn s(v: &str) -> Value {
        Value::String(v.into())
    }
    fn n(v: i64) -> Value {
        Value::Number(Number::Int(v))
    }

    fn only_grows(prior: &Value, planned: &Value) -> bool {
        matches!((prior, planned), (Value::Number(a), Value::Number(b)) if b.as_i64() < a.as_i64())
    }

    fn schema() -> Block {
        Block::new("t")
            .attribute(
                Attribute::string("id")
                    .computed()
                    .modify_plan(PlanModifier::UseStateForUnknown),
            )
            .attribute(Attribute::string("updated").computed())
            .attribute(
                Attribute::string("name")
                    .required()
                    .modify_plan(PlanModifier::RequiresReplace),
            )
            .attribute(Attribute::number("size").default_value(n(2)))
            .block(NestedBlock::new(
                "part",
                Nesting::Single,
                Block::new("p")
                    .attribute(
                        Attribute::string("kind")
                            .optional()
                            .modify_plan(PlanModifier::RequiresReplace),
                    )
                    .attribute(Attribute::number("count").default_value(n(1)).modify_plan(
                        PlanModifier::RequiresReplaceIf {
                            when: only_grows,
                            description: "when it shrinks",
                        },
                    )),
            ))
            .block(
                NestedBlock::new(
                    "item",
                    Nesting::Set,
                    Block::new("i")
                        .attribute(Attribute::string("key").required())
                        .attribute(
                            Attribute::string("arn")
                                .computed()
                                .modify_plan(PlanModifier::UseStateForUnknown),
                        )
                        .attribute(
                            Attribute::string("zone")
                                .optional()
                                .modify_plan(PlanModifier::RequiresReplace),
                        ),
                )
                .identified_by("key"),
            )
    }

    fn config(name: &str, count: Value, zone: &str) -> Value {
        obj(vec![
            ("id", Value::Null),
            ("updated", Value::Null),
            ("name", s(name)),
            ("size", Value::Null),
            ("part", obj(vec![("kind", s("k")), ("count", count)])),
            (
                "item",
                Value::Set(vec![obj(vec![
                    ("key", s("a")),
                    ("arn", Value::Null),
                    ("zone", s(zone)),
                ])]),
            ),
        ])
    }

    fn state(name: &str, count: i64, zone: &str) -> Value {
        obj(vec![
            ("id", s("i-1")),
            ("updated", s("t0")),
            ("name", s(name)),
            ("size", n(2)),
            ("part", obj(vec![("kind", s("k")), ("count", n(count))])),
            (
                "item",
                Value::Set(vec![obj(vec![
                    ("key", s("a")),
                    ("arn", s("arn:a")),
                    ("zone", s(zone)),
                ])]),
            ),
        ])
    }

    #[test]
    fn defaults_fill_null_attributes_at_any_depth() {
        let c = with_defaults(&schema(), &config("x", Value::Null, "z1"));
        assert_eq!(c.get_attr("size"), Some(&n(2)));
        assert_eq!(c.get_attr("part").unwrap().get_attr("count"), Some(&n(1)));
        let set = with_defaults(&schema(), &config("x", n(7), "z1"));
        assert_eq!(
            set.get_attr("part").unwrap().get_attr("count"),
            Some(&n(7)),
            "a set value stays"
        );
    }

    #[test]
    fn a_create_plans_computed_values_unknown() {
        let c = with_defaults(&schema(), &config("x", Value::Null, "z1"));
        let planned = framework_plan(&schema(), &c, &Value::Null);
        assert!(planned.get_attr("id").unwrap().is_unknown());
        assert!(planned.get_attr("updated").unwrap().is_unknown());
        let Some(Value::Set(items)) = planned.get_attr("item") else {
            panic!()
        };
        assert!(items[0].get_attr("arn").unwrap().is_unknown());
    }

    #[test]
    fn no_change_keeps_the_state_and_a_change_keeps_only_marked_values() {
        let prior = state("x", 1, "z1");
        let same = with_defaults(&schema(), &config("x", Value::Null, "z1"));
        assert_eq!(framework_plan(&schema(), &same, &prior), prior);

        let renamed = with_defaults(&schema(), &config("y", Value::Null, "z1"));
        let planned = framework_plan(&schema(), &renamed, &prior);
        assert_eq!(
            planned.get_attr("id"),
            Some(&s("i-1")),
            "UseStateForUnknown"
        );
        assert!(
            planned.get_attr("updated").unwrap().is_unknown(),
            "unmarked computed value"
        );
        let Some(Value::Set(items)) = planned.get_attr("item") else {
            panic!()
        };
        assert_eq!(
            items[0].get_attr("arn"),
            Some(&s("arn:a")),
            "in a set element, paired by key"
        );
    }

    #[test]
    fn use_state_for_unknown_restores_what_a_resource_left_unknown() {
        let prior = state("x", 1, "z1");
        let c = with_defaults(&schema(), &config("x", Value::Null, "z2"));
        let mut planned = c.clone();
        if let Value::Object(m) = &mut planned {
            m.insert("id".into(), Value::unknown());
        }
        use_state_for_unknown(&schema(), &c, &prior, &mut planned);
        assert_eq!(planned.get_attr("id"), Some(&s("i-1")));
        let mut created = c.clone();
        use_state_for_unknown(&schema(), &c, &Value::Null, &mut created);
        assert_eq!(
            created.get_attr("id"),
            Some(&Value::Null),
            "nothing to keep on create"
        );
    }

    #[test]
    fn requires_replace_at_any_depth_and_only_when_its_condition_holds() {
        let prior = state("x", 3, "z1");
        let paths = |planned: &Value| requires_replace_paths(&schema(), &prior, planned);
        assert!(paths(&prior).is_empty());
        assert_eq!(
            paths(&state("y", 3, "z1")),
            vec![AttributePath::attr("name")]
        );
        assert_eq!(
            paths(&state("x", 3, "z2")),
            vec![
                AttributePath::attr("item")
                    .set_element(0, 1)
                    .attribute("zone")
            ]
        );
        assert!(
            paths(&state("x", 5, "z1")).is_empty(),
            "count grows: updated in place"
        );
        let shrunk = paths(&state("x", 2, "z1"));
        assert_eq!(
            shrunk[0].steps,
            vec![
                PathStep::Attribute("part".into()),
                PathStep::Attribute("count".into())
            ]
        );
        assert!(
            requires_replace_paths(&schema(), &Value::Null, &prior).is_empty(),
            "a create"
        );
        assert!(
            requires_replace_paths(&schema(), &prior, &Value::Null).is_empty(),
            "a destroy"
        );
    }

    #[test]
    fn an_unidentified_set_replaces_when_its_marked_values_change() {
        let block = Block::new("t").block(NestedBlock::new(
            "rule",
            Nesting::Set,
            Block::new("r")
                .attribute(
                    Attribute::string("cidr")
                        .required()
                        .modify_plan(PlanModifier::RequiresReplace),
                )
                .attribute(Attribute::string("note").optional()),
        ));
        let rules = |cidr: &str, note: &str| {
            obj(vec![(
                "rule",
                Value::Set(vec![obj(vec![("cidr", s(cidr)), ("note", s(note))])]),
            )])
        };
        let prior = rules("10.0.0.0/8", "a");
        assert!(requires_replace_paths(&block, &prior, &rules("10.0.0.0/8", "b")).is_empty());
        assert_eq!(
            requires_replace_paths(&block, &prior, &rules("10.1.0.0/16", "a")),
            vec![AttributePath::attr("rule")]
        );
    }
}
