//! Every schema the provider serves, exactly as the wire carries it
//! (GetProviderSchema and GetResourceIdentitySchemas, in their order), kept
//! against `tests/golden/provider_schemas.txt`: how a schema is declared may
//! change, what Terraform sees may not without this file changing with it.
//! `UPDATE_GOLDEN=1` rewrites the file.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fmt::Write;

use crate::grpc_inprocess::client;
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
