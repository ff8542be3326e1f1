//! The resource's whole life through real Terraform: create, every kind of
//! update, reorder, import, disappears, drift, destroy, retain, adopt, and
//! two stacks for one AppInstance.

use test_support::env::{Env, managed, mutating, referenced};
use test_support::proxy::Proxy;

fn arn(name: &str) -> String {
    Env::stream_arn(name)
}

fn configured(env: &Env) -> Option<Vec<(String, String)>> {
    env.aws.streaming_configuration(&env.app)
}

fn pairs(list: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
    let mut v: Vec<(String, String)> = list.iter().map(|(d, n)| (d.to_string(), arn(n))).collect();
    v.sort();
    Some(v)
}

#[test]
fn create_then_update_in_every_direction() {
    let env = Env::new();
    let ws = env.stack();
    let external = env.aws.create_stream("chime-messaging-external", 2, true);

    // Create: one managed stream.
    env.write(&ws, &managed("ChannelMessage", "chime-messaging-m1", ""));
    ws.apply().assert_ok();
    assert_eq!(
        configured(&env),
        pairs(&[("ChannelMessage", "chime-messaging-m1")])
    );
    assert_eq!(ws.plan_exit().code, 0);
    let values = ws
        .resource_values("chimesdk_messaging_streaming_configuration.this")
        .unwrap();
    assert_eq!(values["id"], env.app.as_str());
    assert_eq!(
        values["streaming_configuration"][0]["resource_arn"],
        arn("chime-messaging-m1").as_str()
    );
    assert_eq!(
        values["streaming_configuration"][0]["stream"]["shard_count"],
        2
    );

    // Add the second data type, on a stream managed elsewhere.
    env.write(
        &ws,
        &(managed("ChannelMessage", "chime-messaging-m1", "") + &referenced("Channel", &external)),
    );
    ws.apply().assert_ok();
    assert_eq!(
        configured(&env),
        pairs(&[
            ("Channel", "chime-messaging-external"),
            ("ChannelMessage", "chime-messaging-m1")
        ])
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Move Channel to another managed stream, with other settings.
    env.write(
        &ws,
        &(managed("ChannelMessage", "chime-messaging-m1", "")
            + &managed(
                "Channel",
                "chime-messaging-m2",
                "      shard_count = 3\n      retention_period_hours = 48\n",
            )),
    );
    ws.apply().assert_ok();
    assert_eq!(
        configured(&env),
        pairs(&[
            ("Channel", "chime-messaging-m2"),
            ("ChannelMessage", "chime-messaging-m1")
        ])
    );
    assert_eq!(
        env.aws.stream("chime-messaging-m2"),
        Some((3, true, Some("alias/aws/kinesis".into()), 48))
    );
    assert!(
        env.aws.stream("chime-messaging-external").is_some(),
        "a referenced stream is never touched"
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Switch ChannelMessage from a managed stream to resource_arn: the
    // stream this resource created and no longer uses is deleted.
    env.write(
        &ws,
        &(referenced("ChannelMessage", &external)
            + &managed(
                "Channel",
                "chime-messaging-m2",
                "      shard_count = 3\n      retention_period_hours = 48\n",
            )),
    );
    ws.apply().assert_ok();
    assert_eq!(
        configured(&env),
        pairs(&[
            ("Channel", "chime-messaging-m2"),
            ("ChannelMessage", "chime-messaging-external")
        ])
    );
    assert_eq!(
        env.aws.stream("chime-messaging-m1"),
        None,
        "unused created stream removed"
    );
    assert_eq!(ws.plan_exit().code, 0);

    // And back: resource_arn -> stream.
    env.write(
        &ws,
        &(managed("ChannelMessage", "chime-messaging-m1", "")
            + &managed(
                "Channel",
                "chime-messaging-m2",
                "      shard_count = 3\n      retention_period_hours = 48\n",
            )),
    );
    ws.apply().assert_ok();
    assert_eq!(
        configured(&env),
        pairs(&[
            ("Channel", "chime-messaging-m2"),
            ("ChannelMessage", "chime-messaging-m1")
        ])
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Scaling down in steps, and a new key: a customer-managed one whose
    // policy lets the account's IAM (and so Chime SDK messaging) use it.
    env.aws.create_alias(
        "alias/custom",
        &env.aws.create_key(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#,
        ),
    );
    env.write(
        &ws,
        &(managed(
            "ChannelMessage",
            "chime-messaging-m1",
            "      shard_count = 8\n      kms_key_id = \"alias/custom\"\n",
        ) + &managed(
            "Channel",
            "chime-messaging-m2",
            "      shard_count = 3\n      retention_period_hours = 48\n",
        )),
    );
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.stream("chime-messaging-m1"),
        Some((8, true, Some("alias/custom".into()), 24))
    );
    assert_eq!(ws.plan_exit().code, 0);

    ws.destroy().assert_ok();
    assert_eq!(configured(&env), None);
    assert_eq!(
        env.aws.stream_names(),
        vec!["chime-messaging-external".to_string()],
        "destroy deletes only what it created"
    );
}

#[test]
fn reordering_blocks_is_not_a_change() {
    let env = Env::new();
    let ws = env.stack();
    let a = managed("ChannelMessage", "chime-messaging-a", "");
    let b = managed("Channel", "chime-messaging-b", "      shard_count = 4\n");
    env.write(&ws, &(a.clone() + &b));
    ws.apply().assert_ok();
    env.write(&ws, &(b + &a));
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        0,
        "reordered blocks must plan no changes:\n{}",
        plan.output()
    );
}

#[test]
fn import_by_command_and_by_block_then_empty_plan() {
    let env = Env::new();
    let s1 = env.aws.create_stream("chime-messaging-i1", 2, true);
    let s2 = env.aws.create_stream("chime-messaging-i2", 2, true);
    let (status, body) = env
        .aws
        .put_streaming_configuration(&env.app, &[("Channel", &s1), ("ChannelMessage", &s2)]);
    assert_eq!(status, 200, "{body}");
    let blocks = referenced("ChannelMessage", &s2) + &referenced("Channel", &s1);

    let ws = env.stack();
    env.write(&ws, &blocks);
    let r = ws.run(&[
        "import",
        "-input=false",
        "-no-color",
        "chimesdk_messaging_streaming_configuration.this",
        &env.app,
    ]);
    r.assert_ok();
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        0,
        "imported + matching config = no changes:\n{}",
        plan.output()
    );

    let ws2 = env.stack();
    env.write(&ws2, &blocks);
    let main = std::fs::read_to_string(ws2.path().join("main.tf")).unwrap();
    ws2.write(
        "main.tf",
        &format!("{main}\nimport {{\n  to = chimesdk_messaging_streaming_configuration.this\n  id = \"{}\"\n}}\n", env.app),
    );
    let plan = ws2.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );

    let bad = ws.run(&[
        "import",
        "-input=false",
        "-no-color",
        "chimesdk_messaging_streaming_configuration.other",
        "not-an-arn",
    ]);
    bad.assert_failed();
}

#[test]
fn configuration_deleted_out_of_band_is_recreated() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-d", ""));
    ws.apply().assert_ok();
    env.aws.delete_streaming_configuration(&env.app);
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output()
            .contains("Streaming configuration no longer exists"),
        "{}",
        plan.output()
    );
    ws.apply().assert_ok();
    assert_eq!(configured(&env), pairs(&[("Channel", "chime-messaging-d")]));
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn configuration_changed_out_of_band_shows_in_the_plan() {
    let env = Env::new();
    let ws = env.stack();
    let other = env.aws.create_stream("chime-messaging-other", 2, true);
    env.write(&ws, &managed("Channel", "chime-messaging-c", ""));
    ws.apply().assert_ok();
    env.aws
        .put_streaming_configuration(&env.app, &[("Channel", &other)]);
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.stdout.contains("chime-messaging-other"),
        "{}",
        plan.stdout
    );
    ws.apply().assert_ok();
    assert_eq!(configured(&env), pairs(&[("Channel", "chime-messaging-c")]));
}

#[test]
fn drift_of_a_managed_stream_is_planned_and_fixed() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-drift", ""));
    ws.apply().assert_ok();

    env.aws.stop_encryption("chime-messaging-drift");
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        2,
        "encryption stopped out of band:\n{}",
        plan.output()
    );
    ws.apply().assert_ok();
    assert!(
        env.aws.stream("chime-messaging-drift").unwrap().1,
        "encrypted again"
    );

    env.aws.set_shards("chime-messaging-drift", 1);
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        2,
        "shards reduced out of band:\n{}",
        plan.output()
    );
    assert!(plan.stdout.contains("shard_count"), "{}", plan.stdout);
    ws.apply().assert_ok();
    assert_eq!(env.aws.stream("chime-messaging-drift").unwrap().0, 2);

    env.aws.delete_stream("chime-messaging-drift");
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        2,
        "stream deleted out of band:\n{}",
        plan.output()
    );
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.stream("chime-messaging-drift"),
        Some((2, true, Some("alias/aws/kinesis".into()), 24))
    );
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
    assert!(env.aws.stream_names().is_empty());
}

#[test]
fn retain_on_destroy_keeps_the_stream_and_adopted_streams_are_never_deleted() {
    let env = Env::new();
    let pre = env.aws.create_stream("chime-messaging-adopted", 1, false);
    let _ = pre;
    let ws = env.stack();
    env.write(
        &ws,
        &(managed(
            "Channel",
            "chime-messaging-kept",
            "      retain_on_destroy = true\n",
        ) + &managed("ChannelMessage", "chime-messaging-adopted", "")),
    );
    let plan = ws.plan_json();
    plan.assert_ok();
    assert_eq!(
        plan.find(
            "warning",
            "Existing Kinesis stream chime-messaging-adopted will be adopted"
        )
        .len(),
        1,
        "{}",
        plan.output()
    );
    ws.apply().assert_ok();
    // Adopted and converged.
    assert_eq!(
        env.aws.stream("chime-messaging-adopted"),
        Some((2, true, Some("alias/aws/kinesis".into()), 24))
    );
    ws.destroy().assert_ok();
    let mut left = env.aws.stream_names();
    left.sort();
    assert_eq!(
        left,
        vec![
            "chime-messaging-adopted".to_string(),
            "chime-messaging-kept".to_string()
        ]
    );
    assert_eq!(configured(&env), None);
}

#[test]
fn a_second_stack_cannot_take_over_a_configured_app_instance() {
    let env = Env::new();
    let a = env.stack();
    env.write(&a, &managed("Channel", "chime-messaging-a", ""));
    a.apply().assert_ok();
    let b = env.stack();
    env.write(&b, &managed("Channel", "chime-messaging-b", ""));
    let r = b.apply_json();
    r.assert_failed();
    let d = r.find("error", "AppInstance already has a streaming configuration");
    assert_eq!(d.len(), 1, "{}", r.output());
    assert!(
        d[0]["detail"]
            .as_str()
            .unwrap()
            .contains("terraform import"),
        "{}",
        d[0]
    );
    assert_eq!(
        configured(&env),
        pairs(&[("Channel", "chime-messaging-a")]),
        "stack A's configuration untouched"
    );
    assert!(
        env.aws.stream("chime-messaging-b").is_none(),
        "stack B created nothing"
    );
}

#[test]
fn up_to_date_plan_and_apply_make_the_minimum_calls() {
    let env = Env::new();
    let ws = env.stack();
    let external = env.aws.create_stream("chime-messaging-ext", 2, true);
    env.write(
        &ws,
        &(managed("ChannelMessage", "chime-messaging-own", "") + &referenced("Channel", &external)),
    );
    ws.apply().assert_ok();
    env.kinesis.take_calls();
    env.chime.take_calls();

    ws.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
    let k = env.kinesis.take_calls();
    let c = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&c, "GetMessagingStreamingConfigurations"),
        1,
        "chime calls: {c:?}"
    );
    assert_eq!(
        Proxy::count(&k, "DescribeStreamSummary"),
        2,
        "one per distinct stream: {k:?}"
    );
    for op in mutating() {
        assert_eq!(
            Proxy::count(&k, op) + Proxy::count(&c, op),
            0,
            "{op} during plan"
        );
    }

    ws.apply().assert_ok();
    let all: Vec<String> = env
        .kinesis
        .take_calls()
        .into_iter()
        .chain(env.chime.take_calls())
        .collect();
    for op in mutating() {
        assert_eq!(
            Proxy::count(&all, op),
            0,
            "{op} during an apply with nothing to change: {all:?}"
        );
    }
}

#[test]
fn data_source_reads_the_configuration() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-ds", ""));
    let main = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    ws.write(
        "main.tf",
        &format!(
            "{main}\ndata \"chimesdk_messaging_streaming_configuration\" \"read\" {{\n  app_instance_arn = chimesdk_messaging_streaming_configuration.this.id\n}}\noutput \"read\" {{\n  value = data.chimesdk_messaging_streaming_configuration.read.streaming_configurations\n}}\n"
        ),
    );
    ws.apply().assert_ok();
    let out = ws.run(&["output", "-json", "read"]);
    out.assert_ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{ "data_type": "Channel", "resource_arn": arn("chime-messaging-ds") }])
    );
}

#[test]
fn changing_the_app_instance_replaces_the_resource() {
    let env = Env::new();
    let other = env.aws.create_app_instance("other");
    let ws = env.stack();
    env.write(
        &ws,
        &managed(
            "Channel",
            "chime-messaging-move",
            "      retain_on_destroy = true\n",
        ),
    );
    ws.apply().assert_ok();
    env.write_for(
        &ws,
        &other,
        &managed(
            "Channel",
            "chime-messaging-move",
            "      retain_on_destroy = true\n",
        ),
    );
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout.contains("must be replaced") && plan.stdout.contains("# forces replacement"),
        "{}",
        plan.stdout
    );
    ws.apply().assert_ok();
    assert_eq!(
        configured(&env),
        None,
        "the old AppInstance no longer streams"
    );
    assert_eq!(
        env.aws.streaming_configuration(&other),
        Some(vec![("Channel".to_string(), arn("chime-messaging-move"))])
    );
    assert_eq!(ws.plan_exit().code, 0);
}
