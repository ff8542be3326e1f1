//! Action `chimesdk_verify_streaming` on the real Terraform 1.15.5
//! (TERRAFORM) against chimesdk-local + moto: invoked with `terraform apply
//! -invoke`, triggered by the streaming configuration's `action_trigger`,
//! and failing, with the stream named, when a stream was deleted after the
//! configuration (chimesdk-local dead-letters its records). Every run must
//! leave no channel and no user behind.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use test_support::env::{Env, ONLY_TO_PROVE_AN_OBJECT_GONE, managed};
use test_support::proxy::{Fault, Proxy};
use test_support::terraform::provider_block;
use test_support::{Aws, Services, Workspace};

const ACTION: &str = "action.chimesdk_verify_streaming.check";

fn action_block(app: &str, extra: &str) -> String {
    format!(
        "action \"chimesdk_verify_streaming\" \"check\" {{\n  config {{\n    app_instance_arn = \"{app}\"\n{extra}  }}\n}}\n"
    )
}

fn invoke(ws: &Workspace) -> test_support::terraform::Run {
    ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-invoke={ACTION}"),
    ])
}

/// The verification channels seen on `stream`: (created, deleted).
fn verification_channels(env: &Env, stream: &str) -> (Vec<String>, Vec<String>) {
    let records = env.aws.records(stream);
    let channels = |event: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r.data["EventType"] == event)
            .filter_map(|r| r.data["Payload"]["ChannelArn"].as_str().map(str::to_string))
            .filter(|_| true)
            .collect()
    };
    (channels("CREATE_CHANNEL"), channels("DELETE_CHANNEL"))
}

/// Every user and channel the action created was deleted (`calls`: the
/// Chime calls made since the requests were last taken).
fn assert_nothing_left(env: &Env, calls: &[String]) {
    for (create, delete) in [
        ("CreateAppInstanceUser", "DeleteAppInstanceUser"),
        ("CreateChannel", "DeleteChannel"),
    ] {
        assert!(Proxy::count(calls, create) >= 1, "{create}: {calls:?}");
        assert_eq!(
            Proxy::count(calls, create),
            Proxy::count(calls, delete),
            "{calls:?}"
        );
    }
    let users: Vec<String> = env
        .chime
        .take_requests()
        .into_iter()
        .filter(|(op, _)| op == "CreateAppInstanceUser")
        .filter_map(|(_, body)| serde_json::from_str::<serde_json::Value>(&body).ok())
        .filter_map(|b| {
            b["AppInstanceUserId"]
                .as_str()
                .map(|id| format!("{}/user/{id}", env.app))
        })
        .collect();
    for user in users {
        let (status, body) = env.aws.chime(
            "GET",
            &format!("/app-instance-users/{}", test_support::aws::enc(&user)),
            None,
            None,
        );
        assert!(status >= 400, "{user} still exists: {body}");
    }
}

/// Needed where the suite cannot call it: reading a stream encrypted with
/// a customer-managed key (moto enforces no key policy).
const KINESIS_DOES_IT: &[&str] = &["kms:Decrypt"];
/// Called only to explain records that did not arrive (checked in
/// records_that_never_arrive_fail_at_the_timeout_saying_what_was_seen).
const ONLY_ON_FAILURE: &[&str] = &["kinesis:DescribeStreamSummary"];

#[test]
pub(crate) fn invoked_from_the_cli_it_sees_both_records_and_leaves_nothing() {
    let env = Env::new();
    let stack = Workspace::new();
    env.write(
        &stack,
        &(managed("Channel", "chime-messaging-verify", "")
            + &managed("ChannelMessage", "chime-messaging-verify", "")),
    );
    stack.apply().assert_ok();
    // A workspace with the action alone: every call it makes is the action's.
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    ws.write(
        "action.tf",
        &action_block(&env.app, "    timeout          = \"30s\"\n"),
    );
    env.chime.take_calls();
    env.chime.take_requests();
    env.kinesis.take_calls();
    let r = invoke(&ws);
    r.assert_ok();
    let out = r.output();
    for line in [
        "chime-messaging-verify: 2 open shards, reading from now on",
        "chime-messaging-verify: CREATE_CHANNEL arrived",
        "chime-messaging-verify: CREATE_CHANNEL_MESSAGE arrived",
        "deleted the verification channel and user",
        "Actions: 1 invoked",
    ] {
        assert!(out.contains(line), "{line:?} missing:\n{out}");
    }
    let (created, deleted) = verification_channels(&env, "chime-messaging-verify");
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(deleted, created, "the channel was deleted");

    // The documented least-privilege policy is exactly what was used.
    let chime_calls = env.chime.take_calls();
    let used: BTreeSet<String> = env
        .kinesis
        .take_calls()
        .into_iter()
        .filter(|c| c != "GetCallerIdentity")
        .map(|c| format!("kinesis:{c}"))
        .chain(chime_calls.iter().map(|c| format!("chime:{c}")))
        .collect();
    let mut documented = crate::examples::policy_actions("iam-policy-verify-streaming.json");
    for a in KINESIS_DOES_IT
        .iter()
        .chain(ONLY_ON_FAILURE)
        .chain(ONLY_TO_PROVE_AN_OBJECT_GONE)
    {
        assert!(documented.remove(*a), "{a} is not in the policy");
    }
    assert_eq!(
        used, documented,
        "examples/iam/iam-policy-verify-streaming.json"
    );
    assert_nothing_left(&env, &chime_calls);
}

#[test]
pub(crate) fn the_streaming_configuration_triggers_it_after_create_and_update_only() {
    let env = Env::new();
    let ws = Workspace::new();
    let trigger = "  lifecycle {\n    action_trigger {\n      events  = [after_create, after_update]\n      actions = [action.chimesdk_verify_streaming.check]\n    }\n  }\n";
    ws.write("action.tf", &action_block(&env.app, ""));
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-trigger", "") + trigger),
    );
    let created = ws.apply();
    created.assert_ok();
    assert!(
        created.output().contains("CREATE_CHANNEL arrived"),
        "{}",
        created.output()
    );
    assert!(
        created.output().contains("Actions: 1 invoked"),
        "{}",
        created.output()
    );

    // Unchanged: nothing to trigger.
    let unchanged = ws.apply();
    unchanged.assert_ok();
    assert!(
        !unchanged.output().contains("Action started"),
        "{}",
        unchanged.output()
    );

    // Updated in place (a second data type): verified again, both types.
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-trigger", "")
            + &managed("ChannelMessage", "chime-messaging-trigger", "")
            + trigger),
    );
    let updated = ws.apply();
    updated.assert_ok();
    assert!(
        updated.output().contains("CREATE_CHANNEL_MESSAGE arrived"),
        "{}",
        updated.output()
    );
    assert_nothing_left(&env, &env.chime.take_calls());
    ws.destroy().assert_ok();
}

#[test]
fn a_stream_deleted_after_the_configuration_fails_within_the_timeout_naming_it() {
    let env = Env::new();
    let ws = Workspace::new();
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-kept", "")
            + &managed("ChannelMessage", "chime-messaging-gone", "")),
    );
    ws.write(
        "action.tf",
        &action_block(&env.app, "    timeout          = \"20s\"\n"),
    );
    ws.apply().assert_ok();
    env.aws.delete_stream("chime-messaging-gone");
    env.chime.take_calls();
    env.chime.take_requests();

    let started = Instant::now();
    let r = invoke(&ws);
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{}", r.output());
    assert!(took < Duration::from_secs(20 + 15), "took {took:?}");
    let out = r.output();
    assert!(
        out.contains("Stream chime-messaging-gone does not exist"),
        "{out}"
    );
    assert!(
        out.contains("point\n`resource_arn`") || out.contains("`resource_arn`"),
        "the fix: {out}"
    );
    // The stream that exists is still verified, and the message meant for
    // the deleted one is dead-lettered by chimesdk-local.
    assert!(
        out.contains("chime-messaging-kept: CREATE_CHANNEL arrived"),
        "{out}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = env
            .aws
            .chime("GET", "/_chimesdk-local/delivery", None, None)
            .1;
        if status["DeadLettered"].as_u64().unwrap_or(0) >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "never dead-lettered: {status}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_nothing_left(&env, &env.chime.take_calls());
}

#[test]
fn bad_configuration_fails_at_plan_and_makes_nothing() {
    let env = Env::new();
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    let other_region = env.app.replace("us-east-1", "eu-central-1");
    ws.write(
        "action.tf",
        &action_block(
            &other_region,
            "    data_types       = [\"Messages\"]\n    timeout          = \"2h\"\n",
        ),
    );
    env.chime.take_calls();
    let r = invoke(&ws);
    assert_eq!(r.code, 1, "{}", r.output());
    let out = r.output();
    assert!(
        out.contains("Unknown data type") && out.contains("\"Messages\""),
        "{out}"
    );
    assert!(out.contains("timeout"), "{out}");
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateChannel"), 0, "{calls:?}");
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceUser"),
        0,
        "{calls:?}"
    );
}

#[test]
fn records_that_never_arrive_fail_at_the_timeout_saying_what_was_seen() {
    // chimesdk-local delivers through a proxy that throttles every
    // PutRecords: it keeps retrying, and nothing reaches the stream.
    let mut svc = Services::start();
    let upstream = Proxy::start(&svc.moto_url);
    svc.restart_chime(&upstream.url, None);
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("slow");
    let stream = aws.create_stream("chime-messaging-slow", 2, true);
    let (status, body) = aws.put_streaming_configuration(&app, &[("ChannelMessage", &stream)]);
    assert_eq!(status, 200, "{body}");
    upstream.inject("PutRecords", Fault::KinesisThrottle, 100_000);
    let chime = Proxy::start(&svc.chime_url);
    let kinesis = Proxy::start(&svc.moto_url);
    let ws = Workspace::new();
    ws.write("main.tf", &provider_block(&kinesis.url, &chime.url));
    ws.write(
        "action.tf",
        &action_block(&app, "    timeout          = \"12s\"\n"),
    );

    let started = Instant::now();
    let r = invoke(&ws);
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{}", r.output());
    assert!(
        took >= Duration::from_secs(12) && took < Duration::from_secs(12 + 15),
        "took {took:?}"
    );
    let out = r.output();
    for text in [
        "waiting on chime-messaging-slow, 2 shards: CREATE_CHANNEL_MESSAGE not yet",
        "No CREATE_CHANNEL_MESSAGE record reached chime-messaging-slow",
        "AWSServiceRoleForChimeSDKMessaging",
        "raise `timeout`",
        "deleted the verification channel and user",
    ] {
        assert!(out.contains(text), "{text:?} missing:\n{out}");
    }
    let calls = chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "CreateChannel"),
        Proxy::count(&calls, "DeleteChannel"),
        "{calls:?}"
    );
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceUser"),
        Proxy::count(&calls, "DeleteAppInstanceUser"),
        "{calls:?}"
    );
}

#[test]
fn ctrl_c_while_waiting_stops_promptly_and_deletes_what_it_made() {
    let mut svc = Services::start();
    let upstream = Proxy::start(&svc.moto_url);
    svc.restart_chime(&upstream.url, None);
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("interrupted");
    let stream = aws.create_stream("chime-messaging-interrupted", 2, true);
    let (status, body) = aws.put_streaming_configuration(&app, &[("Channel", &stream)]);
    assert_eq!(status, 200, "{body}");
    upstream.inject("PutRecords", Fault::KinesisThrottle, 100_000);
    let chime = Proxy::start(&svc.chime_url);
    let ws = Workspace::new();
    ws.write("main.tf", &provider_block(&svc.moto_url, &chime.url));
    ws.write(
        "action.tf",
        &action_block(&app, "    timeout          = \"10m\"\n"),
    );
    let tf = ws
        .command(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            &format!("-invoke={ACTION}"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut calls = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && Proxy::count(&calls, "SendChannelMessage") == 0 {
        std::thread::sleep(Duration::from_millis(100));
        calls.extend(chime.take_calls());
    }
    std::thread::sleep(Duration::from_secs(1));
    let interrupted = Instant::now();
    std::process::Command::new("kill")
        .args(["-INT", &tf.id().to_string()])
        .status()
        .unwrap();
    let out = tf.wait_with_output().unwrap();
    let elapsed = interrupted.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(
        elapsed < Duration::from_secs(15),
        "stopped {elapsed:?} after Ctrl-C:\n{text}"
    );
    calls.extend(chime.take_calls());
    assert_eq!(Proxy::count(&calls, "CreateChannel"), 1, "{calls:?}");
    assert_eq!(
        Proxy::count(&calls, "DeleteChannel"),
        1,
        "the channel is deleted after Ctrl-C: {calls:?}\n{text}"
    );
    assert_eq!(
        Proxy::count(&calls, "DeleteAppInstanceUser"),
        1,
        "{calls:?}"
    );
    // Terraform (here an embedding that exits without stopping its plugins)
    // is gone: the provider notices and ends.
    assert_eq!(
        ws.providers_left(Duration::from_secs(5)),
        Vec::<u32>::new(),
        "a provider outlived Terraform"
    );
}

#[test]
fn the_documented_example_verifies_after_create_and_on_demand() {
    let env = Env::new();
    let mut ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/actions/chimesdk_verify_streaming/action.tf"
        ),
        ws.path().join("action.tf"),
    )
    .unwrap();
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    let created = ws.apply();
    created.assert_ok();
    assert!(
        created
            .output()
            .contains("chime-messaging-verified: CREATE_CHANNEL_MESSAGE arrived"),
        "{}",
        created.output()
    );
    let on_demand = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.chimesdk_verify_streaming.this",
    ]);
    on_demand.assert_ok();
    assert!(
        on_demand.output().contains("Actions: 1 invoked"),
        "{}",
        on_demand.output()
    );
    ws.destroy().assert_ok();
}
