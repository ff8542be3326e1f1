//! The RPCs of protocol 6.9-6.10 (Terraform 1.12-1.15), served in-process:
//! identity schemas and their upgrade, identity through plan, import and
//! move, generated configuration, list validation, action validation and
//! planning, and the answers for what this provider does not offer (state
//! stores, unknown actions).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::values::{dv, obj, resource_type, s};
use chimesdk_provider::provider::ChimeSdkProvider;
use futures::StreamExt;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::proto::tfplugin6::{self as pb};
use tfplugin::tfprotocol::ProviderServer;
use tfplugin::value::{Number, Type, Value, decode};
use tonic::Request;

const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";
const RT: &str = "chimesdk_messaging_streaming_configuration";
const AI: &str = "chimesdk_app_instance";

fn server() -> ProviderServer {
    ProviderServer::new(Arc::new(ChimeSdkProvider::new()))
}

fn identity_ty() -> Type {
    Type::Object(BTreeMap::from([(
        "app_instance_arn".to_string(),
        Type::String,
    )]))
}

fn identity(app: &str) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: dv(&obj(vec![("app_instance_arn", s(app))]), &identity_ty()),
    })
}

fn identity_of(data: Option<pb::ResourceIdentityData>) -> Value {
    let d = data
        .expect("an identity")
        .identity_data
        .expect("identity data");
    decode(&d.msgpack, &identity_ty()).unwrap()
}

/// A stored streaming configuration with a managed stream at its defaults.
fn state(app: &str) -> Value {
    let stream = obj(vec![
        ("name", s("chime-messaging-a")),
        ("shard_count", Value::Number(Number::Int(2))),
        ("kms_key_id", s("alias/aws/kinesis")),
        ("retention_period_hours", Value::Number(Number::Int(24))),
        ("retain_on_destroy", Value::Bool(false)),
        ("tags", Value::Map(BTreeMap::new())),
        ("tags_all", Value::Map(BTreeMap::new())),
    ]);
    obj(vec![
        ("id", s(app)),
        ("app_instance_arn", s(app)),
        (
            "streaming_configuration",
            Value::Set(vec![obj(vec![
                ("data_type", s("Channel")),
                (
                    "resource_arn",
                    s("arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a"),
                ),
                ("stream", stream),
            ])]),
        ),
        ("timeouts", Value::Null),
    ])
}

#[tokio::test]
async fn identity_schemas_name_the_arn_of_each_resource() {
    let r = server()
        .get_resource_identity_schemas(Request::new(pb::get_resource_identity_schemas::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    let names = |t: &str| -> Vec<(String, bool)> {
        r.identity_schemas[t]
            .identity_attributes
            .iter()
            .map(|a| (a.name.clone(), a.required_for_import))
            .collect()
    };
    assert_eq!(names(AI), vec![("arn".to_string(), true)]);
    assert_eq!(names(RT), vec![("app_instance_arn".to_string(), true)]);
    assert_eq!(r.identity_schemas[RT].version, 0);
    assert_eq!(
        r.identity_schemas[RT].identity_attributes[0].r#type,
        b"\"string\""
    );
}

#[tokio::test]
async fn the_metadata_and_schema_announce_every_list_resource_and_generated_config() {
    let srv = server();
    let m = srv
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    let lists: Vec<_> = m
        .list_resources
        .iter()
        .map(|l| l.type_name.as_str())
        .collect();
    assert_eq!(
        lists,
        vec![
            AI,
            "chimesdk_app_instance_admin",
            "chimesdk_app_instance_bot",
            "chimesdk_app_instance_user",
            "chimesdk_channel_flow",
            RT
        ]
    );
    assert!(m.server_capabilities.unwrap().generate_resource_config);
    let schema = srv
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(schema.list_resource_schemas.len(), lists.len());
    assert!(schema.state_store_schemas.is_empty());
    let actions: Vec<_> = m.actions.iter().map(|a| a.type_name.as_str()).collect();
    assert_eq!(
        actions,
        vec!["chimesdk_verify_channel_flow", "chimesdk_verify_streaming"]
    );
    let action = schema.action_schemas["chimesdk_verify_streaming"]
        .schema
        .as_ref()
        .unwrap();
    let block = action.block.as_ref().unwrap();
    assert!(
        block.attributes.iter().all(|a| !a.computed),
        "an action's configuration has no computed values"
    );
}

#[tokio::test]
async fn a_stored_identity_upgrades_from_version_0_and_no_other() {
    let srv = server();
    let upgrade = |version, json: &str| {
        srv.upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: RT.into(),
            version,
            raw_identity: Some(pb::RawState {
                json: json.as_bytes().to_vec(),
                flatmap: Default::default(),
            }),
        }))
    };
    let ok = upgrade(0, &format!(r#"{{"app_instance_arn":"{APP}"}}"#))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    assert_eq!(
        identity_of(ok.upgraded_identity),
        obj(vec![("app_instance_arn", s(APP))])
    );
    let newer = upgrade(1, "{}").await.unwrap().into_inner();
    assert_eq!(
        newer.diagnostics[0].summary,
        "Stored identity is of an unknown version"
    );
    let broken = upgrade(0, "[1,").await.unwrap().into_inner();
    assert_eq!(
        broken.diagnostics[0].summary,
        "Provider received a value it cannot decode"
    );
}

#[tokio::test]
async fn a_destroy_plan_carries_the_identity_over() {
    let r = server()
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: RT.into(),
            prior_state: dv(&state(APP), &resource_type()),
            proposed_new_state: dv(&Value::Null, &resource_type()),
            config: dv(&Value::Null, &resource_type()),
            prior_identity: identity(APP),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(
        identity_of(r.planned_identity),
        obj(vec![("app_instance_arn", s(APP))])
    );
}

#[tokio::test]
async fn import_by_identity_needs_every_identity_attribute() {
    let r = server()
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: RT.into(),
            id: String::new(),
            client_capabilities: None,
            identity: Some(pb::ResourceIdentityData {
                identity_data: dv(
                    &obj(vec![("app_instance_arn", Value::Null)]),
                    &identity_ty(),
                ),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.imported_resources.is_empty());
    assert_eq!(r.diagnostics[0].summary, "Incomplete identity to import by");
    assert!(
        r.diagnostics[0].detail.contains("app_instance_arn"),
        "{}",
        r.diagnostics[0].detail
    );
}

#[tokio::test]
async fn a_move_within_the_type_keeps_state_and_gains_its_identity() {
    let srv = server();
    let json = serde_json::json!({
        "id": APP,
        "app_instance_arn": APP,
        "streaming_configuration": [{
            "data_type": "Channel",
            "resource_arn": "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a",
            "stream": null
        }],
        "timeouts": null
    });
    let r = srv
        .move_resource_state(Request::new(pb::move_resource_state::Request {
            source_provider_address: "registry.terraform.io/someone/chimesdk".into(),
            source_type_name: RT.into(),
            source_schema_version: 0,
            source_state: Some(pb::RawState {
                json: json.to_string().into_bytes(),
                flatmap: Default::default(),
            }),
            target_type_name: RT.into(),
            source_private: b"{}".to_vec(),
            source_identity: None,
            source_identity_schema_version: 0,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let moved = decode(&r.target_state.unwrap().msgpack, &resource_type()).unwrap();
    assert_eq!(moved.get_attr("app_instance_arn"), Some(&s(APP)));
    assert_eq!(
        identity_of(r.target_identity),
        obj(vec![("app_instance_arn", s(APP))])
    );
    assert_eq!(r.target_private, b"{}");

    let other = srv
        .move_resource_state(Request::new(pb::move_resource_state::Request {
            source_type_name: "aws_kinesis_stream".into(),
            target_type_name: RT.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        other.diagnostics[0].summary,
        "Moving resources into this type is not supported"
    );
}

#[tokio::test]
async fn generated_configuration_is_what_a_person_would_write() {
    let r = server()
        .generate_resource_config(Request::new(pb::generate_resource_config::Request {
            type_name: RT.into(),
            state: dv(&state(APP), &resource_type()),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let config = decode(&r.config.unwrap().msgpack, &resource_type()).unwrap();
    assert_eq!(config.get_attr("id"), Some(&Value::Null), "computed");
    assert_eq!(config.get_attr("app_instance_arn"), Some(&s(APP)));
    assert_eq!(config.get_attr("timeouts"), Some(&Value::Null));
    let Some(Value::Set(blocks)) = config.get_attr("streaming_configuration") else {
        panic!("{config:?}")
    };
    assert_eq!(
        blocks[0].get_attr("resource_arn"),
        Some(&Value::Null),
        "comes from the managed stream"
    );
    let stream = blocks[0].get_attr("stream").unwrap();
    assert_eq!(stream.get_attr("name"), Some(&s("chime-messaging-a")));
    for defaulted in [
        "shard_count",
        "kms_key_id",
        "retention_period_hours",
        "retain_on_destroy",
    ] {
        assert_eq!(
            stream.get_attr(defaulted),
            Some(&Value::Null),
            "{defaulted} is its default"
        );
    }
    assert_eq!(stream.get_attr("tags"), Some(&Value::Null), "no empty tags");
    assert_eq!(stream.get_attr("tags_all"), Some(&Value::Null), "computed");
}

#[tokio::test]
async fn list_configuration_is_validated_and_unknown_lists_are_named() {
    let srv = server();
    let validate = |type_name: &str, limit: Value| {
        srv.validate_list_resource_config(Request::new(
            pb::validate_list_resource_config::Request {
                type_name: type_name.into(),
                config: None,
                include_resource_object: dv(&Value::Bool(true), &Type::Bool),
                limit: dv(&limit, &Type::Number),
            },
        ))
    };
    let ok = validate(AI, Value::Number(Number::Int(60)))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    let negative = validate(RT, Value::Number(Number::Int(-1)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(negative.diagnostics[0].summary, "Invalid list limit");
    let unknown = validate("chimesdk_channel", Value::Null)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(unknown.diagnostics[0].summary, "Unknown list resource type");

    // Listing an unknown type is one event carrying the same error.
    let events: Vec<_> = srv
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: "chimesdk_channel".into(),
            config: None,
            include_resource_object: false,
            limit: 10,
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    let event = events.into_iter().next().unwrap().unwrap();
    assert_eq!(event.diagnostic[0].summary, "Unknown list resource type");
}

#[tokio::test]
async fn listing_before_configure_is_a_diagnostic() {
    let events: Vec<_> = server()
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: AI.into(),
            config: None,
            include_resource_object: false,
            limit: 0,
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    let event = events.into_iter().next().unwrap().unwrap();
    assert_eq!(event.diagnostic[0].summary, "Provider is not configured");
}

#[tokio::test]
async fn state_stores_and_unknown_actions_are_refused_by_name() {
    let srv = server();
    let store = |d: Vec<pb::Diagnostic>| {
        assert_eq!(d[0].summary, "Unknown state store");
        assert!(d[0].detail.contains("\"chimesdk_s3\""), "{}", d[0].detail);
    };
    store(
        srv.validate_state_store_config(Request::new(pb::validate_state_store::Request {
            type_name: "chimesdk_s3".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics,
    );
    store(
        srv.configure_state_store(Request::new(pb::configure_state_store::Request {
            type_name: "chimesdk_s3".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics,
    );
    store(
        srv.get_states(Request::new(pb::get_states::Request {
            type_name: "chimesdk_s3".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics,
    );
    store(
        srv.delete_state(Request::new(pb::delete_state::Request {
            type_name: "chimesdk_s3".into(),
            state_id: "default".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics,
    );
    let read: Vec<_> = srv
        .read_state_bytes(Request::new(pb::read_state_bytes::Request {
            type_name: "chimesdk_s3".into(),
            state_id: "default".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    store(read.into_iter().next().unwrap().unwrap().diagnostics);

    let action = |d: Vec<pb::Diagnostic>| assert_eq!(d[0].summary, "Unknown action type");
    action(
        srv.validate_action_config(Request::new(pb::validate_action_config::Request {
            type_name: "chimesdk_nope".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics,
    );
    action(
        srv.plan_action(Request::new(pb::plan_action::Request {
            action_type: "chimesdk_nope".into(),
            config: None,
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics,
    );
    let events: Vec<_> = srv
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "chimesdk_nope".into(),
            config: None,
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    match events.into_iter().next().unwrap().unwrap().r#type {
        Some(pb::invoke_action::event::Type::Completed(c)) => action(c.diagnostics),
        other => panic!("{other:?}"),
    }
}

fn action_type() -> Type {
    <chimesdk_provider::actions::verify_streaming::schema::Config as tfplugin::framework::CtyType>::cty_type()
}

fn action_config(pairs: Vec<(&str, Value)>) -> Value {
    let mut all: BTreeMap<String, Value> = [
        "app_instance_arn",
        "data_types",
        "app_instance_user_arn",
        "timeout",
    ]
    .into_iter()
    .map(|k| (k.to_string(), Value::Null))
    .collect();
    for (k, v) in pairs {
        all.insert(k.to_string(), v);
    }
    Value::Object(all)
}

#[tokio::test]
async fn action_configuration_is_validated_before_anything_runs() {
    let srv = server();
    let validate = |config: Value| {
        srv.validate_action_config(Request::new(pb::validate_action_config::Request {
            type_name: "chimesdk_verify_streaming".into(),
            config: dv(&config, &action_type()),
        }))
    };
    let ok = validate(action_config(vec![("app_instance_arn", s(APP))]))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    // Unknown values (an ARN known after apply) are not judged.
    let unknown = validate(action_config(vec![("app_instance_arn", Value::unknown())]))
        .await
        .unwrap()
        .into_inner();
    assert!(unknown.diagnostics.is_empty(), "{:?}", unknown.diagnostics);
    let bad = validate(action_config(vec![
        (
            "app_instance_arn",
            s("arn:aws:kinesis:us-east-1:123456789012:stream/x"),
        ),
        ("data_types", Value::Set(vec![s("Messages")])),
        ("timeout", s("2h")),
    ]))
    .await
    .unwrap()
    .into_inner();
    let summaries: Vec<_> = bad.diagnostics.iter().map(|d| d.summary.as_str()).collect();
    assert!(summaries.contains(&"Unknown data type"), "{summaries:?}");
    assert_eq!(bad.diagnostics.len(), 3, "{:?}", bad.diagnostics);
}

#[tokio::test]
async fn planning_an_action_before_configure_is_a_diagnostic() {
    let r = server()
        .plan_action(Request::new(pb::plan_action::Request {
            action_type: "chimesdk_verify_streaming".into(),
            config: dv(
                &action_config(vec![("app_instance_arn", s(APP))]),
                &action_type(),
            ),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Provider is not configured");
}
