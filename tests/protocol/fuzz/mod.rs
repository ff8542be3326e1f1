//! Fuzzing, kept: property-based fuzz targets (test_support::fuzz)
//! for the cty msgpack and state-JSON decoders and every tfplugin6 request
//! (chimesdk-local's targets are in its crate's tests). Inputs are
//! structured values of the schemas' types, random bytes, and mutations of
//! the golden captures from Terraform itself. Each target runs for
//! `CHIMESDK_FUZZ_SECONDS` (10 by default; CI runs 30) with fresh seeds and
//! prints how many cases it ran; a failure is shrunk to a minimal input.
//! Every finding becomes a test under "Findings" at the bottom.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chimesdk_provider::provider::ChimeSdkProvider;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use test_support::fuzz::{bytes_from, fuzz, json_value, text};
use tfplugin::framework::Provider as _;
use tfplugin::proto::tfplugin6::{self as pb, provider_server::Provider as Rpc};
use tfplugin::tfprotocol::ProviderServer;
use tfplugin::value::{Number, Type, Value, decode, encode, from_state_json};

const RESOURCE: &str = "chimesdk_messaging_streaming_configuration";

// ---- inputs ----

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn golden_msgpack() -> Vec<Vec<u8>> {
    [
        "numbers_config.msgpack",
        "plan_config.msgpack",
        "plan_proposed_new_state.msgpack",
        "provider_config.msgpack",
    ]
    .iter()
    .map(|n| golden(n))
    .collect()
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::Int),
        prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY), any::<f64>()]
            .prop_map(Number::Float),
        "-?[0-9]{1,40}(\\.[0-9]{1,20})?(e-?[0-9]{1,4})?".prop_map(Number::Decimal),
        (0i64..20_000).prop_map(Number::Int),
    ]
}

/// A value of type `ty` (or null, or unknown), nested to a few levels.
fn value_of(ty: Type, depth: u32) -> BoxedStrategy<Value> {
    let leaf: BoxedStrategy<Value> = match &ty {
        Type::String => text().prop_map(Value::String).boxed(),
        Type::Number => number().prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Dynamic => text()
            .prop_map(|s| Value::Dynamic(Type::String, Box::new(Value::String(s))))
            .boxed(),
        _ if depth == 0 => Just(Value::Null).boxed(),
        Type::List(t) => prop::collection::vec(value_of((**t).clone(), depth - 1), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(t) => prop::collection::vec(value_of((**t).clone(), depth - 1), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(t) => {
            prop::collection::btree_map(text(), value_of((**t).clone(), depth - 1), 0..4)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Tuple(ts) => ts
            .iter()
            .map(|t| value_of(t.clone(), depth - 1))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Object(attrs) => {
            let fields: Vec<BoxedStrategy<(String, Value)>> = attrs
                .iter()
                .map(|(k, t)| {
                    let k = k.clone();
                    value_of(t.clone(), depth - 1)
                        .prop_map(move |v| (k.clone(), v))
                        .boxed()
                })
                .collect();
            fields
                .prop_map(|f| Value::Object(f.into_iter().collect::<BTreeMap<_, _>>()))
                .boxed()
        }
    };
    prop_oneof![
        1 => Just(Value::Null),
        1 => Just(Value::unknown()),
        8 => leaf,
    ]
    .boxed()
}

fn provider_type() -> Type {
    ChimeSdkProvider::new().schema().value_type()
}

/// msgpack of a structured value of `ty`, or mutated / random bytes.
fn msgpack_for(ty: Type) -> impl Strategy<Value = Vec<u8>> {
    let t2 = ty.clone();
    prop_oneof![
        2 => value_of(ty, 4).prop_map(move |v| encode(&v, &t2)),
        2 => bytes_from(golden_msgpack()),
    ]
}

// ---- targets ----

#[test]
fn fuzz_msgpack_decoder() {
    let types = vec![
        resource_type(),
        provider_type(),
        Type::Dynamic,
        Type::list(Type::Number),
    ];
    let strategy = (
        prop::sample::select(types.clone()),
        bytes_from(golden_msgpack()),
    );
    fuzz("msgpack decoder", strategy, |(ty, bytes)| {
        if let Ok(v) = decode(&bytes, &ty) {
            // What decodes re-encodes to something that decodes the same.
            let again = decode(&encode(&v, &ty), &ty)
                .map_err(|e| TestCaseError::fail(format!("re-encoding broke: {e}")))?;
            prop_assert_eq!(again, v);
        }
        Ok(())
    });
}

/// A state as Terraform stores it: JSON of the resource's attributes.
fn state_json() -> impl Strategy<Value = Vec<u8>> {
    let ty = resource_type();
    let structured = value_of(ty.clone(), 4).prop_map(move |v| {
        // The JSON form of a known value; unknowns become null, as in state.
        to_json(&v).to_string().into_bytes()
    });
    let seeds = vec![br#"{"id":"arn:aws:chime:us-east-1:123456789012:app-instance/a","app_instance_arn":"arn:aws:chime:us-east-1:123456789012:app-instance/a","streaming_configuration":[{"data_type":"Channel","resource_arn":null,"stream":[{"name":"chime-messaging-x","shard_count":2,"retention_period_hours":24,"kms_key_id":"alias/aws/kinesis","tags":null,"tags_all":{}}]}],"timeouts":null}"#.to_vec()];
    prop_oneof![
        2 => structured,
        2 => bytes_from(seeds),
        1 => json_value(4).prop_map(|j| j.to_string().into_bytes()),
    ]
}

fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null | Value::Unknown(_) => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(Number::Int(i)) => J::from(*i),
        Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or(J::Null),
        Value::Number(Number::Decimal(d)) => serde_json::from_str(d).unwrap_or(J::Null),
        Value::String(s) => J::String(s.clone()),
        Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => {
            J::Array(xs.iter().map(to_json).collect())
        }
        Value::Map(m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Dynamic(_, v) => to_json(v),
    }
}

#[test]
fn fuzz_state_json_decoder() {
    let ty = resource_type();
    fuzz("state JSON decoder", state_json(), |bytes| {
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Ok(v) = from_state_json(&json, &ty)
        {
            // A decoded state encodes and decodes as the same value.
            let again = decode(&encode(&v, &ty), &ty)
                .map_err(|e| TestCaseError::fail(format!("re-encoding broke: {e}")))?;
            prop_assert_eq!(again, v);
        }
        Ok(())
    });
}
#[test]
fn fuzz_tfplugin6_requests() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = configured(&rt, dir.path());
    fuzz("tfplugin6 requests", fields(), |f| {
        let rpc = f.rpc;
        let answered = rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(20), call(&server, f)).await
        });
        let Ok(result) = answered else {
            return Err(TestCaseError::fail(format!(
                "RPC {rpc} did not answer within 20 s"
            )));
        };
        // A Status is for broken protocol only; diagnostics stay bounded.
        if let Ok(diags) = result {
            prop_assert!(diags.len() <= 101, "{} diagnostics", diags.len());
            for d in &diags {
                prop_assert!(
                    d.summary.chars().count() <= 400,
                    "summary of {} characters",
                    d.summary.len()
                );
                prop_assert!(
                    d.detail.chars().count() <= 2_100,
                    "detail of {} characters",
                    d.detail.len()
                );
            }
        }
        Ok(())
    });
}

// ---- Findings: each one found by the targets above, kept as a test ----

/// fuzz_tfplugin6_requests: CallFunction echoed a function name of any
/// length into its error (a 100 KB name, a 100 KB error).
#[test]
fn finding_call_function_does_not_echo_a_long_name_whole() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = ProviderServer::new(Arc::new(ChimeSdkProvider::new()));
    let r = rt
        .block_on(
            server.call_function(tonic::Request::new(pb::call_function::Request {
                name: format!("start{}end", "x".repeat(100_000)),
                arguments: Vec::new(),
            })),
        )
        .unwrap()
        .into_inner();
    let text = r.error.unwrap().text;
    assert!(text.len() < 400, "{} characters", text.len());
    assert!(text.contains("start") && text.contains("end"), "{text}");
}

mod rpc_calls;
use crate::values::resource_type;
use rpc_calls::{call, configured, fields};
