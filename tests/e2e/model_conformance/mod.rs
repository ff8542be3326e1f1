//! What the provider takes from the AWS service models, checked against the
//! botocore models themselves (not a copy): every attribute validator
//! accepts what the model's member accepts (or, where it says why, less),
//! and every not-found answer the provider counts as proof that an object
//! is gone is one the operation's model lists.

use std::collections::{BTreeMap, BTreeSet};

use chimesdk_provider::aws::not_found::MODELLED_NOT_FOUND;
use chimesdk_provider::aws::tags::{chime_tag_problem, tag_problem};
use chimesdk_provider::provider::ChimeSdkProvider;
use serde_json::Value as Json;
use test_support::model::service_model;
use tfplugin::framework::{Attribute, Block, Provider};
use tfplugin::value::{Number, Value};

/// The services the provider calls (botocore directory names).
const SERVICES: &[&str] = &[
    "chime-sdk-identity",
    "chime-sdk-messaging",
    "kinesis",
    "kms",
    "iam",
    "sts",
    "lexv2-models",
    "lambda",
];

/// The error codes that say "no such object".
const NOT_FOUND_CODES: &[&str] = &[
    "NotFoundException",
    "ResourceNotFoundException",
    "NoSuchEntity",
];

mod members;

use members::{MEMBERS, Relation};

/// What a model member accepts: lengths or a range, a pattern, an enum.
struct Constraint {
    integer: bool,
    min: Option<i64>,
    max: Option<i64>,
    pattern: Option<regex_lite::Regex>,
    allowed: Option<Vec<String>>,
}

/// The models' Java patterns as regex-lite takes them, anchored as the
/// service matches them (what chimesdk-local and scripts/gen-local-model do).
fn java_pattern(p: &str) -> regex_lite::Regex {
    let code_point = regex_lite::Regex::new(r"\\u([0-9A-Fa-f]{4,6})").unwrap();
    let rust = code_point.replace_all(p, r"\u{$1}");
    regex_lite::Regex::new(&format!("^(?:{rust})$")).unwrap()
}

fn constraint(service: &str, shape: &str, member: &str) -> Constraint {
    let model = service_model(service);
    let member_shape = model["shapes"][shape]["members"][member]["shape"]
        .as_str()
        .unwrap_or_else(|| panic!("{service} {shape}.{member} is not in the model"));
    let s = &model["shapes"][member_shape];
    Constraint {
        integer: matches!(s["type"].as_str(), Some("integer" | "long")),
        min: s["min"].as_f64().map(|n| n as i64),
        max: s["max"].as_f64().map(|n| n as i64),
        pattern: s["pattern"].as_str().map(java_pattern),
        allowed: s["enum"]
            .as_array()
            .map(|v| v.iter().map(|e| e.as_str().unwrap().to_string()).collect()),
    }
}

impl Constraint {
    fn accepts(&self, v: &Value) -> bool {
        match v {
            Value::String(s) => {
                let chars = s.chars().count() as i64;
                self.min.is_none_or(|m| chars >= m)
                    && self.max.is_none_or(|m| chars <= m)
                    && self.pattern.as_ref().is_none_or(|p| p.is_match(s))
                    && self
                        .allowed
                        .as_ref()
                        .is_none_or(|a| a.iter().any(|e| e == s))
            }
            Value::Number(n) => {
                let n = n.as_i64().unwrap();
                self.min.is_none_or(|m| n >= m) && self.max.is_none_or(|m| n <= m)
            }
            _ => unreachable!(),
        }
    }

    /// Values on each side of every bound, and strings of the shapes the
    /// provider's attributes take.
    fn probes(&self) -> Vec<Value> {
        if self.integer {
            let mut ns: BTreeSet<i64> =
                [0, 1, 2, 23, 24, 8760, 8761, 10_000, 10_001, 1 << 40].into();
            for b in [self.min, self.max].into_iter().flatten() {
                ns.extend([b - 1, b, b + 1]);
            }
            return ns
                .into_iter()
                .map(|n| Value::Number(Number::Int(n)))
                .collect();
        }
        let mut out: BTreeSet<String> = [
            "",
            "a",
            "Z",
            "0",
            " ",
            "  ",
            "\t",
            "\n",
            "a b",
            " a",
            "a ",
            "-a",
            "a-",
            "a:b",
            "a_b",
            "a.b",
            "a@b",
            "a/b",
            "a\nb",
            "\u{1}",
            "é",
            "日本",
            "😀",
            "aws:x",
            "Channel",
            "ChannelMessage",
            "channel",
            "alias/aws/kinesis",
            "chime-messaging-x",
            "arn:aws:chime:us-east-1:123456789012:app-instance/abc",
            "arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/u",
            "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-x",
            "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST",
            "arn:aws:lex:us-east-1:123456789012:bot-alias/abcdefghij/KLMNOPQRST",
            "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRS",
            "arn:aws:lambda:us-east-1:123456789012:function:filter",
            "arn:aws:lambda:us-east-1:123456789012:function:filter:live",
            "arn:aws:lambda:us-east-1:123456789012:function:filter:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:filter:a:b",
            "arn:aws:lambda:us-east-1:123456789012:function:",
            "arn:aws:lambda:eu-west-1:123456789012:function:filter",
            "Welcome",
            "Say_hello",
            "Say__hello",
            "_Welcome",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        for n in [self.min, self.max].into_iter().flatten() {
            for len in [n - 1, n, n + 1].into_iter().filter(|l| *l >= 0) {
                let len = len as usize;
                out.insert("a".repeat(len));
                out.insert(" ".repeat(len));
                for prefix in [
                    "chime-messaging-",
                    "arn:aws:chime:us-east-1:123456789012:app-instance/",
                ] {
                    if len > prefix.len() {
                        out.insert(format!("{prefix}{}", "a".repeat(len - prefix.len())));
                    }
                }
            }
        }
        // An enum's own values, and each in the wrong case.
        for e in self.allowed.iter().flatten() {
            out.insert(e.clone());
            out.insert(e.to_lowercase());
        }
        out.into_iter().map(Value::String).collect()
    }
}

/// A probe as a failure names it: long strings by their length.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 40 => {
            let head: String = s.chars().take(20).collect();
            format!("{head:?}... ({} characters)", s.chars().count())
        }
        other => format!("{other:?}"),
    }
}

fn find<'a>(block: &'a Block, path: &[&str]) -> Option<&'a Attribute> {
    match path {
        [name] => block.attributes.iter().find(|a| a.name == *name),
        [nested, rest @ ..] => find(
            &block.blocks.iter().find(|b| b.name == *nested)?.block,
            rest,
        ),
        [] => None,
    }
}

/// Every resource's and data source's schema, by type name.
fn schemas() -> BTreeMap<String, Block> {
    let provider = ChimeSdkProvider::new();
    let mut out = BTreeMap::new();
    for r in provider.resources() {
        out.insert(r.type_name().to_string(), r.schema().block);
    }
    for d in provider.data_sources() {
        out.insert(format!("data.{}", d.type_name()), d.schema().block);
    }
    out
}

/// (type, path) of every attribute that has a validator, but for the
/// framework's own `timeouts` block.
fn validated(block: &Block, at: &mut Vec<String>, out: &mut BTreeSet<Vec<String>>) {
    for a in &block.attributes {
        if !a.validators.is_empty() {
            let mut path = at.clone();
            path.push(a.name.clone());
            out.insert(path);
        }
    }
    for b in &block.blocks {
        if b.name == "timeouts" {
            continue;
        }
        at.push(b.name.clone());
        validated(&b.block, at, out);
        at.pop();
    }
}

#[test]
fn every_validator_accepts_what_its_model_member_accepts() {
    let schemas = schemas();
    let mut failures = Vec::new();
    for (type_name, path, service, shape, member, relation) in MEMBERS {
        let attr = find(&schemas[*type_name], path)
            .unwrap_or_else(|| panic!("{type_name} has no attribute {}", path.join(".")));
        let model = constraint(service, shape, member);
        let ours = |v: &Value| attr.validators.iter().all(|r| r.check(v).is_ok());
        let (mut both, mut only_model) = (0, 0);
        for v in model.probes() {
            let (m, o) = (model.accepts(&v), ours(&v));
            let at = format!(
                "{type_name}.{} ({service} {shape}.{member})",
                path.join(".")
            );
            let v = shown(&v);
            match (m, o, relation) {
                (false, true, _) => {
                    failures.push(format!("{at} accepts {v}, which the model refuses"))
                }
                (true, false, Relation::Same) => {
                    failures.push(format!("{at} refuses {v}, which the model accepts"))
                }
                (true, true, _) => both += 1,
                (true, false, Relation::Narrower(_)) => only_model += 1,
                (false, false, _) => {}
            }
        }
        assert!(
            both > 0,
            "{type_name}.{}: no probe is accepted",
            path.join(".")
        );
        if let Relation::Narrower(why) = relation {
            assert!(
                only_model > 0,
                "{type_name}.{} is declared narrower ({why}) but accepts every probe the model does",
                path.join(".")
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_validated_attribute_is_checked_against_a_model_member() {
    let checked: BTreeSet<(String, Vec<String>)> = MEMBERS
        .iter()
        .map(|(t, p, ..)| (t.to_string(), p.iter().map(|s| s.to_string()).collect()))
        .collect();
    let mut unchecked = Vec::new();
    for (type_name, block) in schemas() {
        let mut paths = BTreeSet::new();
        validated(&block, &mut Vec::new(), &mut paths);
        for path in paths {
            if !checked.contains(&(type_name.clone(), path.clone())) {
                unchecked.push(format!("{type_name}.{}", path.join(".")));
            }
        }
    }
    assert!(
        unchecked.is_empty(),
        "validators with no model member in MEMBERS: {unchecked:?}"
    );
}

#[test]
fn tag_rules_accept_no_tag_the_models_refuse() {
    let chime_key = constraint("chime-sdk-identity", "Tag", "Key");
    let chime_value = constraint("chime-sdk-identity", "Tag", "Value");
    let kinesis_key = service_model("kinesis")["shapes"]["TagKey"].clone();
    let kinesis_value = service_model("kinesis")["shapes"]["TagValue"].clone();
    let within = |s: &Json, v: &str| {
        let n = v.chars().count() as f64;
        s["min"].as_f64().is_none_or(|m| n >= m) && s["max"].as_f64().is_none_or(|m| n <= m)
    };
    let probes = chime_key.probes().into_iter().chain(chime_value.probes());
    let strings: Vec<String> = probes
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .collect();
    let ok = "k".to_string();
    for s in &strings {
        let as_key = Value::String(s.clone());
        if chime_tag_problem(s, "v").is_none() {
            assert!(
                chime_key.accepts(&as_key),
                "Chime tag key {s:?} is refused by the model"
            );
        }
        if chime_tag_problem(&ok, s).is_none() {
            assert!(
                chime_value.accepts(&Value::String(s.clone())),
                "Chime tag value {s:?} is refused by the model"
            );
        }
        if tag_problem(s, "v").is_none() {
            assert!(
                within(&kinesis_key, s),
                "Kinesis tag key {s:?} is refused by the model"
            );
        }
        if tag_problem(&ok, s).is_none() {
            assert!(
                within(&kinesis_value, s),
                "Kinesis tag value {s:?} is refused by the model"
            );
        }
    }
    // The Chime model refuses an empty value, Kinesis's takes one.
    assert!(chime_tag_problem("k", "").is_some() && tag_problem("k", "").is_none());
}

/// The operations the provider calls: the names it gives `AwsClients::call`.
fn called_operations() -> BTreeSet<String> {
    let call = regex_lite::Regex::new(r#"call\(\s*"([A-Z][A-Za-z]+)""#).unwrap();
    let mut out = BTreeSet::new();
    let mut dirs = vec![test_support::paths::repo_root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.extend(call.captures_iter(&text).map(|c| c[1].to_string()));
            }
        }
    }
    out
}

/// The not-found error codes `operation`'s model lists, and the services
/// that have an operation of that name.
fn modelled(operation: &str) -> (BTreeSet<String>, Vec<&'static str>) {
    let mut codes = BTreeSet::new();
    let mut services = Vec::new();
    for service in SERVICES {
        let model = service_model(service);
        let Some(op) = model["operations"].get(operation) else {
            continue;
        };
        services.push(*service);
        for e in op["errors"].as_array().into_iter().flatten() {
            let shape = e["shape"].as_str().unwrap();
            let code = model["shapes"][shape]["error"]["code"]
                .as_str()
                .unwrap_or(shape);
            if NOT_FOUND_CODES.contains(&code) {
                codes.insert(code.to_string());
            }
        }
    }
    (codes, services)
}

#[test]
fn not_found_counts_as_proof_exactly_where_the_model_lists_it() {
    for (service, operation, code) in MODELLED_NOT_FOUND {
        let (codes, services) = modelled(operation);
        assert_eq!(
            services,
            vec![*service],
            "{operation} must be an operation of {service} alone, so its name says which model it is"
        );
        assert!(
            codes.contains(*code),
            "{service} {operation} lists no {code}: {codes:?}"
        );
    }
    let table: BTreeSet<&str> = MODELLED_NOT_FOUND.iter().map(|(_, op, _)| *op).collect();
    let calls = called_operations();
    assert!(
        calls.contains("DescribeAppInstance") && calls.len() > 20,
        "{calls:?}"
    );
    let mut missing = Vec::new();
    for op in &calls {
        let (codes, services) = modelled(op);
        assert!(
            !services.is_empty(),
            "{op} is in none of the models {SERVICES:?}"
        );
        if services.len() == 1 && !codes.is_empty() && !table.contains(op.as_str()) {
            missing.push(format!("{op} ({}: {codes:?})", services[0]));
        }
    }
    assert!(
        missing.is_empty(),
        "calls whose model lists a not-found error, missing from MODELLED_NOT_FOUND: {missing:?}"
    );
    // And the ones that must be settled by a List call list none.
    for op in [
        "DescribeAppInstance",
        "DescribeAppInstanceUser",
        "DeleteAppInstance",
        "DeleteAppInstanceUser",
        "DeleteMessagingStreamingConfigurations",
    ] {
        assert!(
            modelled(op).0.is_empty(),
            "{op} now models a not-found error"
        );
        assert!(!table.contains(op));
    }
}
