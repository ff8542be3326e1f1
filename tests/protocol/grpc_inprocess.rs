//! Every tfplugin6 RPC, served in-process over an in-memory duplex pipe
//! (no sockets, no Terraform): what the protocol layer answers and how.

use std::collections::BTreeMap;
use std::sync::Arc;

use chimesdk_provider::provider::ChimeSdkProvider;
use hyper_util::rt::TokioIo;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::proto::tfplugin6::provider_server::ProviderServer as ProviderService;
use tfplugin::proto::tfplugin6::{self as pb, attribute_path::step::Selector};
use tfplugin::tfprotocol::ProviderServer;
use tfplugin::value::{Number, Type, Value, decode, encode};
use tonic::transport::{Endpoint, Server, Uri};

const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";
const RT: &str = "chimesdk_messaging_streaming_configuration";

async fn client() -> ProviderClient<tonic::transport::Channel> {
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

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn resource_type() -> Type {
    chimesdk_provider::resources::messaging_streaming_configuration::schema::schema().value_type()
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode(v, ty),
        json: Vec::new(),
    })
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
    let expected = names(vec![RT.to_string(), "chimesdk_app_instance".to_string()]);
    assert_eq!(
        names(m.resources.iter().map(|r| r.type_name.clone()).collect()),
        expected
    );
    assert_eq!(
        names(m.data_sources.iter().map(|d| d.type_name.clone()).collect()),
        expected
    );
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

async fn configured_client() -> ProviderClient<tonic::transport::Channel> {
    let mut c = client().await;
    let pty = tfplugin::framework::Provider::schema(&ChimeSdkProvider::new()).value_type();
    // No network before the first AWS call: nothing listens on these ports.
    let cfg = obj(vec![
        ("region", s("us-east-1")),
        ("skip_credentials_validation", Value::Bool(true)),
        (
            "endpoints",
            Value::List(vec![obj(vec![
                ("kinesis", s("http://127.0.0.1:9")),
                ("chime_sdk_messaging", s("http://127.0.0.1:9")),
            ])]),
        ),
    ]);
    let r = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: dv(&cfg, &pty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    c
}

#[tokio::test]
async fn plan_fills_defaults_keeps_refinements_and_plans_destroy_as_null() {
    let mut c = configured_client().await;
    let ty = resource_type();
    // "arn:aws:chime:us-east-1:123456789012:app-instance/${x}" arrives as a refined unknown.
    let mut refinement = vec![0xc7, 0x00, 0x0c, 0x82, 0x01, 0xc2, 0x02];
    let prefix = b"arn:aws:chime:us-east-1:123456789012:app-instance/";
    refinement.push(0xd9);
    refinement.push(prefix.len() as u8);
    refinement.extend_from_slice(prefix);
    refinement[1] = (refinement.len() - 3) as u8;
    let refined = decode(&refinement, &Type::String).unwrap();
    assert!(refined.is_unknown());
    let cfg = config(
        refined.clone(),
        vec![block(
            "Channel",
            Value::Null,
            stream(s("chime-messaging-a")),
        )],
    );
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: RT.into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&cfg, &ty),
            config: dv(&cfg, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let planned_bytes = r.planned_state.unwrap().msgpack;
    assert!(
        planned_bytes
            .windows(refinement.len())
            .any(|w| w == refinement.as_slice()),
        "refinement passed through byte for byte"
    );
    let planned = decode(&planned_bytes, &ty).unwrap();
    let Some(Value::Set(blocks)) = planned.get_attr("streaming_configuration") else {
        panic!()
    };
    let st = blocks[0].get_attr("stream").unwrap();
    assert_eq!(
        st.get_attr("shard_count"),
        Some(&Value::Number(Number::Int(2)))
    );
    assert_eq!(st.get_attr("kms_key_id"), Some(&s("alias/aws/kinesis")));
    assert_eq!(
        st.get_attr("retention_period_hours"),
        Some(&Value::Number(Number::Int(24)))
    );
    assert_eq!(st.get_attr("retain_on_destroy"), Some(&Value::Bool(false)));
    assert!(
        blocks[0].get_attr("resource_arn").unwrap().is_unknown(),
        "account unknown (skip_credentials_validation)"
    );

    // A stored state is wholly known.
    let stored = config(
        s(APP),
        vec![block(
            "Channel",
            Value::Null,
            stream(s("chime-messaging-a")),
        )],
    );
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: RT.into(),
            prior_state: dv(&stored, &ty),
            proposed_new_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            prior_private: b"{\"created_streams\":[\"x\"]}".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.planned_state.unwrap().msgpack,
        vec![0xc0],
        "destroy plans null"
    );
    assert_eq!(
        r.planned_private,
        b"{\"created_streams\":[\"x\"]}".to_vec(),
        "private state carried"
    );
}

#[tokio::test]
async fn an_unchanged_plan_needs_no_replacement_and_no_aws_call() {
    let mut c = configured_client().await;
    let ty = resource_type();
    let full_stream = obj(vec![
        ("name", s("chime-messaging-a")),
        ("shard_count", Value::Number(Number::Int(2))),
        ("kms_key_id", s("alias/aws/kinesis")),
        ("retention_period_hours", Value::Number(Number::Int(24))),
        ("retain_on_destroy", Value::Bool(false)),
    ]);
    let state = |app: &str| {
        let mut v = config(
            s(app),
            vec![block(
                "Channel",
                s("arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a"),
                full_stream.clone(),
            )],
        );
        if let Value::Object(m) = &mut v {
            m.insert("id".into(), s(app));
        }
        v
    };
    // Same AppInstance, nothing changed: no replacement, and the endpoints
    // (nothing listens there) are never called.
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: RT.into(),
            prior_state: dv(&state(APP), &ty),
            proposed_new_state: dv(&state(APP), &ty),
            config: dv(
                &config(
                    s(APP),
                    vec![block(
                        "Channel",
                        Value::Null,
                        stream(s("chime-messaging-a")),
                    )],
                ),
                &ty,
            ),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.requires_replace.is_empty());
}

#[tokio::test]
async fn import_rejects_what_is_not_an_app_instance_arn() {
    let mut c = configured_client().await;
    let r = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: RT.into(),
            id: "nope".into(),
            client_capabilities: None,
            identity: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.imported_resources.is_empty());
    assert_eq!(r.diagnostics[0].summary, "Invalid import ID");
}

#[tokio::test]
async fn calls_before_configure_are_diagnostics_not_panics() {
    let mut c = client().await;
    let ty = resource_type();
    let cfg = config(
        s(APP),
        vec![block(
            "Channel",
            Value::Null,
            stream(s("chime-messaging-a")),
        )],
    );
    let r = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: RT.into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(&cfg, &ty),
            config: dv(&cfg, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Provider is not configured");
    let r = c
        .read_resource(pb::read_resource::Request {
            type_name: RT.into(),
            current_state: dv(&cfg, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Provider is not configured");
    assert!(r.new_state.is_some(), "state kept");
    let r = c
        .read_data_source(pb::read_data_source::Request {
            type_name: RT.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!r.diagnostics.is_empty());
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: RT.into(),
            proposed_new_state: Some(pb::DynamicValue {
                msgpack: vec![0x93],
                json: vec![],
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.diagnostics[0].summary,
        "Provider received a value it cannot decode"
    );
}

#[tokio::test]
async fn the_rest_of_the_service_answers() {
    let mut c = client().await;
    // A client stream: WriteStateBytes names the state store it was given.
    let chunks = tokio_stream::iter(vec![pb::write_state_bytes::RequestChunk {
        type_name: "chimesdk_s3".into(),
        bytes: b"{}".to_vec(),
        state_id: "default".into(),
        total_length: 2,
        range: Some(pb::StateRange { start: 0, end: 1 }),
    }]);
    let w = c.write_state_bytes(chunks).await.unwrap().into_inner();
    assert_eq!(w.diagnostics[0].summary, "Unknown state store");
    assert!(
        w.diagnostics[0].detail.contains("\"chimesdk_s3\""),
        "{}",
        w.diagnostics[0].detail
    );
    let f = c
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(f.functions.is_empty() && f.diagnostics.is_empty());
    let r = c
        .call_function(pb::call_function::Request {
            name: "f".into(),
            arguments: vec![],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.unwrap().text.contains("defines no functions"));
    let r = c
        .move_resource_state(pb::move_resource_state::Request {
            source_type_name: "a".into(),
            target_type_name: RT.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics[0].summary.contains("not supported"));
    let r = c
        .validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request {
            type_name: "x".into(),
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Unknown ephemeral resource type");
    assert!(
        !c.open_ephemeral_resource(pb::open_ephemeral_resource::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics
            .is_empty()
    );
    assert!(
        !c.renew_ephemeral_resource(pb::renew_ephemeral_resource::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics
            .is_empty()
    );
    assert!(
        !c.close_ephemeral_resource(pb::close_ephemeral_resource::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics
            .is_empty()
    );
    let r = c
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.error, "");
}

// ---- hostile or extreme values, straight over gRPC ----

#[tokio::test]
async fn diagnostics_stay_small_whatever_the_input() {
    let mut c = client().await;
    let ty = resource_type();
    // 20,000 blocks of one data type: one "Duplicate data type" each, before the cap.
    let blocks: Vec<Value> = (0..20_000)
        .map(|i| {
            block(
                "Channel",
                Value::Null,
                stream(s(&format!("chime-messaging-{i}"))),
            )
        })
        .collect();
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: RT.into(),
            config: dv(&config(s(APP), blocks), &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    let size: usize = r
        .diagnostics
        .iter()
        .map(|d| d.summary.len() + d.detail.len())
        .sum();
    assert!(
        r.diagnostics.len() <= 12,
        "{} diagnostics",
        r.diagnostics.len()
    );
    assert!(size < 20_000, "{size} bytes of diagnostics");
    assert!(
        r.diagnostics.iter().any(
            |d| d.summary.starts_with("More diagnostics") && d.detail.contains("more left out")
        ),
        "the rest are counted"
    );

    // A 1 MB value echoed in a detail is cut.
    let huge = format!(
        "arn:aws:kinesis:us-east-1:123456789012:stream/{}",
        "x".repeat(1 << 20)
    );
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: RT.into(),
            config: dv(
                &config(s(APP), vec![block("Channel", s(&huge), Value::Null)]),
                &ty,
            ),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!r.diagnostics.is_empty());
    for d in &r.diagnostics {
        assert!(d.detail.len() < 4_096, "a {} byte detail", d.detail.len());
    }
}

#[tokio::test]
async fn a_stored_state_with_unknown_values_is_refused() {
    let mut c = client().await;
    let json = format!(
        r#"{{"id":"{APP}","app_instance_arn":{{"$cty.unknown":true}},"streaming_configuration":[],"timeouts":null}}"#
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
    assert!(r.upgraded_state.is_none());
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(
        r.diagnostics[0].summary,
        "Stored state holds unknown values"
    );

    // The same through PlanResourceChange's prior state.
    let ty = resource_type();
    let prior = config(Value::unknown(), vec![]);
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: RT.into(),
            prior_state: dv(&prior, &ty),
            proposed_new_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(
        r.diagnostics[0].summary,
        "Stored state holds unknown values"
    );
}

#[tokio::test]
async fn a_shard_count_that_is_not_a_finite_number_is_an_error_not_a_default() {
    let mut c = configured_client().await;
    let ty = resource_type();
    for n in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        let st = obj(vec![
            ("name", s("chime-messaging-a")),
            ("shard_count", Value::Number(Number::Float(n))),
        ]);
        let cfg = config(s(APP), vec![block("Channel", Value::Null, st)]);
        let r = c
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: RT.into(),
                prior_state: dv(&Value::Null, &ty),
                proposed_new_state: dv(&cfg, &ty),
                config: dv(&cfg, &ty),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            r.diagnostics
                .iter()
                .any(|d| d.severity == pb::diagnostic::Severity::Error as i32),
            "{n}: {:?}",
            r.diagnostics
        );
        if let Some(planned) = r.planned_state.filter(|p| p.msgpack != vec![0xc0]) {
            let planned = decode(&planned.msgpack, &ty).unwrap();
            let text = format!("{planned:?}");
            assert!(!text.contains("Int(2)"), "{n} was planned as 2: {text}");
        }
    }
}
