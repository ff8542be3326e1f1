//! Every schema the provider serves, exactly as the wire carries it
//! (GetProviderSchema and GetResourceIdentitySchemas, in their order), kept
//! against `tests/golden/provider_schemas.txt`: how a schema is declared may
//! change, what Terraform sees may not without this file changing with it.
//! `UPDATE_GOLDEN=1` rewrites the file.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fmt::Write;

use crate::grpc_inprocess::client;
use chimesdk_provider::provider::ChimeSdkProvider;
use tfplugin::proto::tfplugin6 as pb;

fn section<V: Debug>(out: &mut String, title: &str, map: impl IntoIterator<Item = (String, V)>) {
    for (name, value) in map.into_iter().collect::<BTreeMap<_, _>>() {
        writeln!(out, "== {title} {name}\n{value:#?}").unwrap();
    }
}

#[tokio::test]
async fn the_served_schemas_are_the_golden_ones() {
    let mut c = client().await;
    let s = c
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let ids = c
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    let mut out = String::new();
    writeln!(out, "== provider\n{:#?}", s.provider).unwrap();
    section(&mut out, "resource", s.resource_schemas);
    section(&mut out, "data source", s.data_source_schemas);
    section(&mut out, "list resource", s.list_resource_schemas);
    section(&mut out, "action", s.action_schemas);
    section(&mut out, "identity", ids.identity_schemas);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/provider_schemas.txt"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &out).unwrap();
    }
    let golden = std::fs::read_to_string(path).unwrap();
    assert!(
        golden == out,
        "the served schemas differ from {path}; if the change is meant, rerun with UPDATE_GOLDEN=1 and review the diff"
    );
}

/// States at schema version 0 as Terraform stored them (`tests/golden/
/// state_v0/`: the attributes of a terraform.tfstate written by Terraform
/// 1.15.5 with a provider whose schemas are the golden ones, `timeouts`
/// included) come through UpgradeResourceState with every value kept: no
/// step runs at version 0, and the JSON reads under the current schema.
#[tokio::test]
async fn version_0_states_upgrade_with_every_value_kept() {
    let mut c = client().await;
    for type_name in [
        "chimesdk_app_instance",
        "chimesdk_app_instance_user",
        "chimesdk_messaging_streaming_configuration",
    ] {
        let path = format!(
            "{}/tests/golden/state_v0/{type_name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let stored = std::fs::read(&path).unwrap();
        let r = c
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: type_name.into(),
                version: 0,
                raw_state: Some(pb::RawState {
                    json: stored.clone(),
                    flatmap: Default::default(),
                }),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{type_name}: {:?}", r.diagnostics);
        let upgraded = r.upgraded_state.expect("an upgraded state");
        let ty = tfplugin::framework::Provider::resources(&ChimeSdkProvider::new())
            .into_iter()
            .find(|r| r.type_name() == type_name)
            .unwrap()
            .schema()
            .value_type();
        let value = tfplugin::value::decode(&upgraded.msgpack, &ty).unwrap();
        let as_json: serde_json::Value = tfplugin::value::from_value(&value).unwrap();
        let stored: serde_json::Value = serde_json::from_slice(&stored).unwrap();
        // Every stored value is kept; an attribute added since reads null.
        let (upgraded, stored) = (as_json.as_object().unwrap(), stored.as_object().unwrap());
        for (name, value) in upgraded {
            match stored.get(name) {
                Some(was) => assert_eq!(value, was, "{type_name}.{name}"),
                None => assert!(value.is_null(), "{type_name}.{name} (added since): {value}"),
            }
        }
        for name in stored.keys() {
            assert!(
                upgraded.contains_key(name),
                "{type_name}.{name} was dropped"
            );
        }
    }
}
