//! Hostile or extreme values, straight over gRPC.

use super::configured::configured_client;
use super::*;

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
