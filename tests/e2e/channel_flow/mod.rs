//! `chimesdk_channel_flow` through real Terraform, from its own examples:
//! create, update in place, drift, import by ARN and by identity,
//! `terraform query` with generated configuration, the data source,
//! destroy, and only the documented permissions. The processor checks and
//! a flow that channels hold are in `checks.rs`.
//!
//! The processors' functions, their resource policies and their execution
//! roles are moto's (Lambda and IAM); chimesdk-local serves the flows.

use std::collections::BTreeSet;

use crate::app_instance::tags;
use crate::examples::policy_actions;
use serde_json::{Value, json};
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::Proxy;

mod checks;
mod runs;

const FLOW: &str = "chimesdk_channel_flow.moderation";
const EXAMPLE: &str = "resources/chimesdk_channel_flow";
pub(super) const MESSAGING: &str = "messaging.chime.amazonaws.com";
/// Every AppInstance of the test account, as an `AWS:SourceArn` pattern.
pub(crate) const ANY_APP_INSTANCE: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/*";
/// An execution role's policy that lets the processor answer.
pub(crate) const CALLBACK_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"chime:ChannelFlowCallback","Resource":"arn:aws:chime:us-east-1:123456789012:app-instance/*"}]}"#;

/// A function the plan accepts: its role may call back and its policy lets
/// Chime SDK messaging invoke it for every AppInstance of the account.
pub(crate) fn usable_function(env: &Env, name: &str) -> String {
    let arn = env.aws.create_function(name, Some(CALLBACK_POLICY));
    env.aws.allow_invoke(name, MESSAGING, ANY_APP_INSTANCE);
    arn
}

pub(super) fn describe(env: &Env, arn: &str) -> (u16, Value) {
    env.aws
        .chime("GET", &format!("/channel-flows/{}", enc(arn)), None, None)
}

/// A flow made by hand (outside Terraform) in `app` with one processor
/// that falls back to CONTINUE.
pub(super) fn make_flow(env: &Env, app: &str, name: &str, function: &str) -> String {
    make_flow_falling_back(env, app, name, function, "CONTINUE")
}

pub(crate) fn make_flow_falling_back(
    env: &Env,
    app: &str,
    name: &str,
    function: &str,
    fallback: &str,
) -> String {
    let (status, body) = env.aws.chime(
        "POST",
        "/channel-flows",
        Some(json!({
            "AppInstanceArn": app, "Name": name, "ClientRequestToken": format!("token-{name}"),
            "Processors": [processor_json("pii-redaction", function, fallback)],
        })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    body["ChannelFlowArn"].as_str().unwrap().to_string()
}

fn processor_json(name: &str, function: &str, fallback: &str) -> Value {
    json!({
        "Name": name, "ExecutionOrder": 1, "FallbackAction": fallback,
        "Configuration": { "Lambda": { "ResourceArn": function, "InvocationType": "ASYNC" } },
    })
}

fn edit(ws: &Workspace, from: &str, to: &str) {
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    assert!(tf.contains(from), "resource.tf has no {from:?}");
    ws.write("resource.tf", &tf.replace(from, to));
}

/// The calls seen, as IAM actions of the channel flow's policy.
fn as_actions(calls: &[String]) -> BTreeSet<String> {
    calls
        .iter()
        .filter_map(|c| {
            if c.contains("ChannelFlow")
                || ["TagResource", "UntagResource", "ListTagsForResource"].contains(&c.as_str())
            {
                Some(format!("chime:{c}"))
            } else if ["GetFunctionConfiguration", "GetPolicy"].contains(&c.as_str()) {
                Some(format!("lambda:{c}"))
            } else if c.contains("RolePolic") || c == "GetPolicyVersion" {
                Some(format!("iam:{c}"))
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn lifecycle_update_drift_import_destroy_with_the_documented_permissions() {
    let env = Env::new();
    let function = usable_function(&env, "profanity-filter");
    let mut seen: Vec<String> = Vec::new();
    let mut ws = Workspace::new();
    ws.copy_example(EXAMPLE);
    std::fs::remove_file(ws.path().join("import.tf")).unwrap();
    ws.write("local_provider.tf", &env.provider());
    ws.set_env("TF_VAR_lambda_function_arn", &function);
    env.chime.take_calls();
    env.kinesis.take_calls();

    let r = ws.apply_json();
    r.assert_ok();
    let findings: Vec<Value> = r
        .diagnostics()
        .into_iter()
        .filter(|d| {
            d["summary"]
                .as_str()
                .is_some_and(|s| s.contains("Lambda") || s.contains("role"))
        })
        .collect();
    assert!(
        findings.is_empty(),
        "a usable function passes: {findings:?}"
    );
    let v = ws.resource_values(FLOW).unwrap();
    let arn = v["arn"].as_str().unwrap().to_string();
    assert!(arn.contains("/channel-flow/"), "{arn}");
    let (status, d) = describe(&env, &arn);
    assert_eq!(status, 200, "{d}");
    let p = &d["ChannelFlow"]["Processors"][0];
    assert_eq!(
        p["Configuration"]["Lambda"]["ResourceArn"],
        function.as_str()
    );
    assert_eq!(p["Configuration"]["Lambda"]["InvocationType"], "ASYNC");
    assert_eq!(p["FallbackAction"], "ABORT");
    assert_eq!(d["ChannelFlow"]["Name"], "Moderation");
    assert_eq!(tags(&env, &arn), json!([["team", "trust-and-safety"]]));
    assert_eq!(ws.plan_exit().code, 0, "no change after apply");
    seen.extend(env.chime.take_calls());
    let lambda_calls = env.kinesis.take_calls();
    for op in [
        "GetFunctionConfiguration",
        "GetPolicy",
        "ListAttachedRolePolicies",
        "ListRolePolicies",
        "GetRolePolicy",
    ] {
        assert!(
            Proxy::count(&lambda_calls, op) >= 1,
            "{op}: {lambda_calls:?}"
        );
    }
    seen.extend(lambda_calls);
    assert_eq!(ws.plan_exit().code, 0);
    let unchanged = env.kinesis.take_calls();
    assert_eq!(
        Proxy::count(&unchanged, "GetFunctionConfiguration"),
        0,
        "unchanged processors are not checked again: {unchanged:?}"
    );

    // Name, a processor and tags change in place.
    edit(
        &ws,
        "name             = \"Moderation\"",
        "name             = \"Moderation v2\"",
    );
    edit(
        &ws,
        "fallback_action     = \"ABORT\"",
        "fallback_action     = \"CONTINUE\"",
    );
    edit(&ws, "team = \"trust-and-safety\"", "owner = \"platform\"");
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    for (op, n) in [
        ("UpdateChannelFlow", 1),
        ("TagResource", 1),
        ("UntagResource", 1),
        ("DeleteChannelFlow", 0),
        ("CreateChannelFlow", 0),
    ] {
        assert_eq!(Proxy::count(&calls, op), n, "{op}: {calls:?}");
    }
    seen.extend(calls);
    seen.extend(env.kinesis.take_calls());
    let d = describe(&env, &arn).1;
    assert_eq!(d["ChannelFlow"]["Name"], "Moderation v2");
    assert_eq!(
        d["ChannelFlow"]["Processors"][0]["FallbackAction"],
        "CONTINUE"
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Changed behind Terraform's back: the plan shows it, apply restores it.
    let (status, body) = env.aws.chime(
        "PUT",
        &format!("/channel-flows/{}", enc(&arn)),
        Some(json!({ "Name": "Moderation v2", "Processors": [processor_json("profanity-filter", &function, "ABORT")] })),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let drift = ws.run(&["plan", "-input=false", "-no-color"]);
    assert!(
        drift
            .stdout
            .contains("~ fallback_action     = \"ABORT\" -> \"CONTINUE\""),
        "{}",
        drift.stdout
    );
    ws.apply().assert_ok();
    assert_eq!(
        describe(&env, &arn).1["ChannelFlow"]["Processors"][0]["FallbackAction"],
        "CONTINUE"
    );

    // Deleted behind Terraform's back: the refresh drops it, apply makes it.
    let (status, _) = env.aws.chime(
        "DELETE",
        &format!("/channel-flows/{}", enc(&arn)),
        None,
        None,
    );
    assert_eq!(status, 204);
    assert_eq!(ws.plan_exit().code, 2, "a vanished flow is planned again");
    ws.apply().assert_ok();
    let again = ws.resource_values(FLOW).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(describe(&env, &again).0, 200);
    seen.extend(env.chime.take_calls());
    seen.extend(env.kinesis.take_calls());

    // Made by hand, then imported by ARN with the import example.
    let redaction = make_flow(&env, &env.app, "Redaction", &function);
    let mut imported = Workspace::new();
    imported.copy_example(EXAMPLE);
    std::fs::remove_file(imported.path().join("resource.tf")).unwrap();
    imported.write("local_provider.tf", &env.provider());
    imported.set_env("TF_VAR_channel_flow_arn", &redaction);
    imported.set_env("TF_VAR_lambda_function_arn", &function);
    let plan = imported.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    imported.apply().assert_ok();
    assert_eq!(imported.plan_exit().code, 0, "imported as configured");
    imported.destroy().assert_ok();
    assert_ne!(describe(&env, &redaction).0, 200, "destroyed");

    ws.destroy().assert_ok();
    assert_ne!(describe(&env, &again).0, 200, "destroyed");
    seen.extend(env.chime.take_calls());
    seen.extend(env.kinesis.take_calls());

    // The example's AppInstance has no tags: the tag calls are the flow's.
    let used = as_actions(&seen);
    let mut allowed = policy_actions("iam-policy-channel-flow.json");
    // ListAppInstances only proves a flow's AppInstance gone, and the
    // example's role has no attached policy to read; ListChannelFlows serves
    // the list block (the query test) and proves a deleted flow gone.
    for only_elsewhere in [
        "chime:ListAppInstances",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ] {
        assert!(allowed.remove(only_elsewhere), "{only_elsewhere}");
    }
    assert_eq!(
        used, allowed,
        "used calls vs. examples/iam/iam-policy-channel-flow.json"
    );
}

#[test]
fn query_generates_flows_configuration_identity_imports_and_the_data_source_reads() {
    let env = Env::new();
    let function = usable_function(&env, "redactor");
    let a = make_flow(&env, &env.app, "Alpha", &function);
    let b = make_flow(&env, &env.app, "Bravo", &function);
    let mut ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    std::fs::copy(
        test_support::paths::repo_root()
            .join("examples/list-resources/chimesdk_channel_flow/list.tfquery.hcl"),
        ws.path().join("list.tfquery.hcl"),
    )
    .unwrap();
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    env.chime.take_calls();
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    let calls = env.chime.take_calls();
    assert!(Proxy::count(&calls, "ListChannelFlows") >= 1, "{calls:?}");
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("list.chimesdk_channel_flow.chat"))
        .collect();
    assert_eq!(listed.len(), 2, "{}", r.stdout);
    assert!(
        listed.iter().any(|l| l.contains("Alpha")) && listed.iter().any(|l| l.contains("Bravo"))
    );

    let r = ws.run(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    r.assert_ok();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert!(generated.contains(&function), "{generated}");
    assert!(generated.contains("pii-redaction"), "{generated}");
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    for op in ["CreateChannelFlow", "UpdateChannelFlow", "TagResource"] {
        assert_eq!(Proxy::count(&calls, op), 0, "{op}: {calls:?}");
    }
    assert_eq!(ws.plan_exit().code, 0, "imported as generated: no changes");
    let ids = ws.run(&["state", "identities", "-json"]);
    ids.assert_ok();
    assert!(
        ids.stdout.contains(&a) && ids.stdout.contains(&b),
        "{}",
        ids.stdout
    );

    let mut ds = Workspace::new();
    ds.copy_example("data-sources/chimesdk_channel_flow");
    ds.write("local_provider.tf", &env.provider());
    ds.set_env("TF_VAR_channel_flow_arn", &a);
    ds.apply().assert_ok();
    let out = ds.run(&["output", "-json", "lambda_function_arns"]);
    out.assert_ok();
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout).unwrap(),
        json!([function])
    );

    // Import by identity.
    let c = make_flow(&env, &env.app, "Charlie", &function);
    let by_identity = Workspace::new();
    by_identity.write(
        "main.tf",
        &format!(
            "{}\nimport {{\n  to       = chimesdk_channel_flow.c\n  identity = {{ arn = \"{c}\" }}\n}}\n\nresource \"chimesdk_channel_flow\" \"c\" {{\n  app_instance_arn = \"{}\"\n  name             = \"Charlie\"\n  processors {{\n    name                = \"pii-redaction\"\n    lambda_function_arn = \"{function}\"\n    execution_order     = 1\n    fallback_action     = \"CONTINUE\"\n  }}\n}}\n",
            env.provider(),
            env.app
        ),
    );
    let plan = by_identity.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
}
