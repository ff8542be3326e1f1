//! Every tfplugin6 RPC, served in-process over an in-memory duplex pipe
//! (no sockets, no Terraform): what the protocol layer answers and how.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::values::{dv, obj, resource_type, s};
use chimesdk_provider::provider::ChimeSdkProvider;
use hyper_util::rt::TokioIo;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::proto::tfplugin6::provider_server::ProviderServer as ProviderService;
use tfplugin::proto::tfplugin6::{self as pb, attribute_path::step::Selector};
use tfplugin::tfprotocol::ProviderServer;
use tfplugin::value::{Number, Type, Value, decode};
use tonic::transport::{Endpoint, Server, Uri};

const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";
const RT: &str = "chimesdk_messaging_streaming_configuration";

pub(crate) async fn client() -> ProviderClient<tonic::transport::Channel> {
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    let server = ProviderServer::new(Arc::new(ChimeSdkProvider::new()));
    tokio::spawn(async move {
        Server::builder()
            .add_service(ProviderService::new(server))
            .serve_with_incoming(tokio_stream::once(Ok::<_, std::io::Error>(server_io)))
            .await
            .unwrap();
    });
    let mut client_io = Some(client_io);
    let channel = Endpoint::try_from("http://in-process")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let io = client_io.take();
            async move {
                io.map(TokioIo::new)
                    .ok_or_else(|| std::io::Error::other("connector used twice"))
            }
        }))
        .await
        .unwrap();
    ProviderClient::new(channel)
}

fn stream(name: Value) -> Value {
    obj(vec![("name", name)])
}

fn block(data_type: &str, resource_arn: Value, stream: Value) -> Value {
    obj(vec![
        ("data_type", s(data_type)),
        ("resource_arn", resource_arn),
        ("stream", stream),
    ])
}

fn config(app: Value, blocks: Vec<Value>) -> Value {
    obj(vec![
        ("app_instance_arn", app),
        ("streaming_configuration", Value::Set(blocks)),
    ])
}

fn path(d: &pb::Diagnostic) -> Vec<String> {
    d.attribute
        .as_ref()
        .map(|p| {
            p.steps
                .iter()
                .map(|s| match &s.selector {
                    Some(Selector::AttributeName(n)) => n.clone(),
                    Some(Selector::ElementKeyInt(i)) => format!("[{i}]"),
                    Some(Selector::ElementKeyString(k)) => format!("[{k:?}]"),
                    None => "?".into(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn metadata_and_schema() {
    let mut c = client().await;
    let m = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let names = |list: Vec<String>| list.into_iter().collect::<std::collections::BTreeSet<_>>();
    // Exactly what the provider registers, which includes these two with
    // their data sources.
    let provider = ChimeSdkProvider::new();
    let registered = names(
        tfplugin::framework::Provider::resources(&provider)
            .iter()
            .map(|r| r.type_name().to_string())
            .collect(),
    );
    let registered_data = names(
        tfplugin::framework::Provider::data_sources(&provider)
            .iter()
            .map(|d| d.type_name().to_string())
            .collect(),
    );
    let with_data_sources = names(vec![
        RT.to_string(),
        "chimesdk_app_instance".to_string(),
        "chimesdk_app_instance_bot".to_string(),
        "chimesdk_app_instance_user".to_string(),
        "chimesdk_channel_flow".to_string(),
    ]);
    let resources = names(m.resources.iter().map(|r| r.type_name.clone()).collect());
    let data_sources = names(m.data_sources.iter().map(|d| d.type_name.clone()).collect());
    assert_eq!(resources, registered);
    assert_eq!(data_sources, registered_data);
    assert!(resources.is_superset(&with_data_sources), "{resources:?}");
    assert_eq!(data_sources, with_data_sources);
    let caps = m.server_capabilities.unwrap();
    assert!(caps.plan_destroy && caps.get_provider_schema_optional);

    let schema = c
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let block = schema.resource_schemas[RT].block.as_ref().unwrap();
    let sc = block
        .block_types
        .iter()
        .find(|b| b.type_name == "streaming_configuration")
        .unwrap();
    assert_eq!(
        sc.nesting,
        pb::schema::nested_block::NestingMode::Set as i32
    );
    assert_eq!((sc.min_items, sc.max_items), (1, 2));
    let arn = block
        .attributes
        .iter()
        .find(|a| a.name == "app_instance_arn")
        .unwrap();
    assert_eq!(arn.r#type, b"\"string\"");
    assert!(arn.required && !arn.computed);
    assert_eq!(arn.description_kind, pb::StringKind::Markdown as i32);
    let ds = schema.data_source_schemas[RT].block.as_ref().unwrap();
    let list = ds
        .attributes
        .iter()
        .find(|a| a.name == "streaming_configurations")
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list.r#type),
        r#"["list",["object",{"data_type":"string","resource_arn":"string"}]]"#
    );
}

#[tokio::test]
async fn validate_provider_config_reports_paths_in_field_2() {
    let mut c = client().await;
    let ty = ChimeSdkProvider::new();
    let pty = tfplugin::framework::Provider::schema(&ty).value_type();
    let cfg = obj(vec![
        ("region", s("us-east-1")),
        (
            "endpoints",
            Value::List(vec![obj(vec![
                ("kinesis", s("ftp://x")),
                ("sts", Value::unknown()),
            ])]),
        ),
    ]);
    let r = c
        .validate_provider_config(pb::validate_provider_config::Request {
            config: dv(&cfg, &pty),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(path(&r.diagnostics[0]), vec!["endpoints", "[0]", "kinesis"]);
    assert!(r.diagnostics[0].detail.contains("http or https"));
}

#[tokio::test]
async fn validate_resource_config_skips_unknowns_and_points_at_errors() {
    let mut c = client().await;
    let ty = resource_type();
    let unknown_cfg = config(
        Value::unknown(),
        vec![block("Channel", Value::Null, stream(Value::unknown()))],
    );
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: RT.into(),
            config: dv(&unknown_cfg, &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

    let bad = config(
        s(APP),
        vec![block(
            "Channel",
            Value::Null,
            obj(vec![
                ("name", s("events")),
                ("shard_count", Value::Number(Number::Int(1))),
            ]),
        )],
    );
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: RT.into(),
            config: dv(&bad, &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    let mut paths: Vec<Vec<String>> = r.diagnostics.iter().map(path).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            vec![
                "streaming_configuration".to_string(),
                "[0]".into(),
                "stream".into(),
                "name".into()
            ],
            vec![
                "streaming_configuration".to_string(),
                "[0]".into(),
                "stream".into(),
                "shard_count".into()
            ],
        ]
    );
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.severity == pb::diagnostic::Severity::Error as i32)
    );

    // In a two-element set the path stops at the set (source order is unknown to providers).
    let two = config(
        s(APP),
        vec![
            block("Channel", Value::Null, stream(s("events"))),
            block(
                "ChannelMessage",
                Value::Null,
                stream(s("chime-messaging-ok")),
            ),
        ],
    );
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: RT.into(),
            config: dv(&two, &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(path(&r.diagnostics[0]), vec!["streaming_configuration"]);
    assert!(r.diagnostics[0].detail.contains("\"events\""));

    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "chimesdk_nope".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Unknown resource type");
}

#[tokio::test]
async fn validate_data_resource_config() {
    let mut c = client().await;
    let ty = Type::Object(BTreeMap::from([
        ("id".to_string(), Type::String),
        ("app_instance_arn".to_string(), Type::String),
        (
            "streaming_configurations".to_string(),
            Type::list(Type::Object(BTreeMap::from([
                ("data_type".to_string(), Type::String),
                ("resource_arn".to_string(), Type::String),
            ]))),
        ),
    ]));
    let cfg = obj(vec![(
        "app_instance_arn",
        s("arn:aws:chime:us-east-1:123456789012:channel/x"),
    )]);
    let r = c
        .validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: RT.into(),
            config: dv(&cfg, &ty),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(path(&r.diagnostics[0]), vec!["app_instance_arn"]);
}

#[tokio::test]
async fn upgrade_resource_state_reads_json_under_the_current_schema() {
    let mut c = client().await;
    let json = format!(
        r#"{{"id":"{APP}","app_instance_arn":"{APP}","removed_attribute":1,"streaming_configuration":[{{"data_type":"Channel","resource_arn":"arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a","stream":null}}],"timeouts":null}}"#
    );
    let r = c
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: RT.into(),
            version: 0,
            raw_state: Some(pb::RawState {
                json: json.into_bytes(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let v = decode(&r.upgraded_state.unwrap().msgpack, &resource_type()).unwrap();
    assert_eq!(v.get_attr("id"), Some(&s(APP)));
    assert!(
        matches!(v.get_attr("streaming_configuration"), Some(Value::Set(items)) if items.len() == 1)
    );
}

mod configured;
mod hostile;
