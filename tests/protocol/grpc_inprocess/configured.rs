//! A configured provider over gRPC: plan, import, calls out of order, the rest of the service.

use super::*;

pub(super) async fn configured_client() -> ProviderClient<tonic::transport::Channel> {
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
