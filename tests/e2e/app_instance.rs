//! `chimesdk_app_instance` (and its data source) through real Terraform:
//! create with an idempotency token, update in place, tags with the
//! provider's default tags, drift, disappears, import, timeouts, destroy.

use std::time::Duration;

use serde_json::{Value, json};
use test_support::aws::enc;
use test_support::env::{Env, mutating};
use test_support::proxy::{Fault, Proxy};

const ADDRESS: &str = "chimesdk_app_instance.this";

pub(crate) fn provider_with_default_tags(env: &Env, default_tags: &str) -> String {
    env.provider().replacen(
        "  max_retries = 3\n",
        &format!("  max_retries = 3\n  default_tags {{\n    tags = {{ {default_tags} }}\n  }}\n"),
        1,
    )
}

fn stack(provider: &str, body: &str) -> String {
    format!("{provider}\nresource \"chimesdk_app_instance\" \"this\" {{\n{body}}}\n")
}

fn describe(env: &Env, arn: &str) -> (u16, Value) {
    env.aws
        .chime("GET", &format!("/app-instances/{}", enc(arn)), None, None)
}

pub(crate) fn tags(env: &Env, arn: &str) -> Value {
    let (status, body) = env
        .aws
        .chime("GET", &format!("/tags?arn={}", enc(arn)), None, None);
    assert_eq!(status, 200, "{body}");
    let mut pairs: Vec<(String, String)> = body["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().unwrap().to_string(),
                t["Value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pairs.sort();
    json!(pairs)
}

fn app_instance_count(env: &Env) -> usize {
    let (_, body) = env
        .aws
        .chime("GET", "/app-instances?max-results=50", None, None);
    body["AppInstances"].as_array().map_or(0, Vec::len)
}

#[test]
fn lifecycle_create_update_tags_drift_disappears_import_destroy() {
    let env = Env::new();
    let ws = env.stack();
    let provider = provider_with_default_tags(&env, "team = \"platform\"");

    // Create, with metadata and a tag over a default one.
    ws.write(
        "main.tf",
        &stack(&provider, "  name     = \"tenant-a\"\n  metadata = \"{\\\"plan\\\":\\\"pro\\\"}\"\n  tags     = { env = \"prod\" }\n"),
    );
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateAppInstance"), 1, "{calls:?}");
    let v = ws.resource_values(ADDRESS).unwrap();
    let arn = v["arn"].as_str().unwrap().to_string();
    assert!(arn.contains(":app-instance/"), "{arn}");
    assert_eq!(v["id"], arn.as_str());
    assert_eq!(v["tags_all"], json!({ "env": "prod", "team": "platform" }));
    assert!(
        v["created_timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );
    let (status, d) = describe(&env, &arn);
    assert_eq!(status, 200);
    assert_eq!(d["AppInstance"]["Name"], "tenant-a");
    assert_eq!(d["AppInstance"]["Metadata"], "{\"plan\":\"pro\"}");
    assert_eq!(
        tags(&env, &arn),
        json!([["env", "prod"], ["team", "platform"]])
    );
    assert_eq!(
        ws.plan_exit().code,
        0,
        "an applied AppInstance plans no change"
    );
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    for op in mutating() {
        assert_eq!(
            Proxy::count(&calls, op),
            0,
            "an up-to-date apply makes no {op}: {calls:?}"
        );
    }

    // Rename and new metadata: updated in place, same ARN.
    ws.write(
        "main.tf",
        &stack(
            &provider,
            "  name     = \"tenant-a2\"\n  metadata = \"v2\"\n  tags     = { env = \"prod\" }\n",
        ),
    );
    let plan = ws.plan_json();
    assert!(plan.output().contains("\"update\""), "{}", plan.output());
    assert!(
        !plan.output().contains("\"delete\""),
        "no replacement: {}",
        plan.output()
    );
    ws.apply().assert_ok();
    let v = ws.resource_values(ADDRESS).unwrap();
    assert_eq!(v["arn"], arn.as_str());
    assert_eq!(describe(&env, &arn).1["AppInstance"]["Name"], "tenant-a2");
    assert_eq!(describe(&env, &arn).1["AppInstance"]["Metadata"], "v2");
    assert_eq!(ws.plan_exit().code, 0);

    // Tags only: no UpdateAppInstance, the default tag stays.
    ws.write("main.tf", &stack(&provider, "  name     = \"tenant-a2\"\n  metadata = \"v2\"\n  tags     = { env = \"dev\", owner = \"x\" }\n"));
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "UpdateAppInstance"), 0, "{calls:?}");
    assert_eq!(
        tags(&env, &arn),
        json!([["env", "dev"], ["owner", "x"], ["team", "platform"]])
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Drift: renamed and untagged behind Terraform's back.
    let (status, _) = env.aws.chime(
        "PUT",
        &format!("/app-instances/{}", enc(&arn)),
        Some(json!({ "Name": "renamed-by-hand", "Metadata": "v2" })),
        None,
    );
    assert_eq!(status, 200);
    env.aws.chime(
        "POST",
        "/tags?operation=untag-resource",
        Some(json!({ "ResourceARN": arn, "TagKeys": ["owner"] })),
        None,
    );
    assert_eq!(ws.plan_exit().code, 2, "drift shows in the plan");
    ws.apply().assert_ok();
    assert_eq!(describe(&env, &arn).1["AppInstance"]["Name"], "tenant-a2");
    assert_eq!(
        tags(&env, &arn),
        json!([["env", "dev"], ["owner", "x"], ["team", "platform"]])
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Import into a second workspace by ARN: no change afterwards.
    let other = env.stack();
    other.write("main.tf", &stack(&provider, "  name     = \"tenant-a2\"\n  metadata = \"v2\"\n  tags     = { env = \"dev\", owner = \"x\" }\n"));
    other
        .run(&["import", "-no-color", ADDRESS, &arn])
        .assert_ok();
    assert_eq!(other.plan_exit().code, 0, "{}", other.plan_exit().output());
    let third = env.stack();
    third.write("main.tf", &stack(&provider, "  name = \"x\"\n"));
    let bad = third.run(&["import", "-no-color", ADDRESS, "not-an-arn"]);
    assert!(
        bad.output().contains("is not an AppInstance ARN"),
        "{}",
        bad.output()
    );

    // Disappears: deleted by hand, planned again as a create.
    let (status, _) = env.aws.chime(
        "DELETE",
        &format!("/app-instances/{}", enc(&arn)),
        None,
        None,
    );
    assert_eq!(status, 204);
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 2, "{}", plan.output());
    ws.apply().assert_ok();
    let recreated = ws.resource_values(ADDRESS).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(recreated, arn);
    assert_eq!(describe(&env, &recreated).0, 200);

    // Destroy.
    ws.destroy().assert_ok();
    assert_ne!(describe(&env, &recreated).0, 200, "deleted");
    assert!(ws.state()["resources"].as_array().is_none_or(Vec::is_empty));
}

#[test]
fn a_lost_create_response_does_not_make_a_second_app_instance() {
    let env = Env::new();
    let ws = env.stack();
    ws.write(
        "main.tf",
        &stack(&env.provider(), "  name = \"tenant-b\"\n"),
    );
    let before = app_instance_count(&env);
    env.chime
        .inject("CreateAppInstance", Fault::LoseResponse, 1);
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstance"),
        2,
        "retried: {calls:?}"
    );
    assert_eq!(
        app_instance_count(&env),
        before + 1,
        "the retry's token returned the same AppInstance"
    );
    let arn = ws.resource_values(ADDRESS).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(describe(&env, &arn).1["AppInstance"]["Name"], "tenant-b");
}

#[test]
fn an_update_past_its_timeout_fails_and_the_next_apply_completes_it() {
    let env = Env::new();
    let ws = env.stack();
    ws.write(
        "main.tf",
        &stack(&env.provider(), "  name = \"tenant-c\"\n"),
    );
    ws.apply().assert_ok();
    let arn = ws.resource_values(ADDRESS).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();

    ws.write(
        "main.tf",
        &stack(
            &env.provider(),
            "  name = \"tenant-c2\"\n  timeouts {\n    update = \"1s\"\n  }\n",
        ),
    );
    env.chime
        .inject("UpdateAppInstance", Fault::Delay(Duration::from_secs(4)), 1);
    let failed = ws.apply();
    failed.assert_failed();
    let text = failed
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("The update timeout of 1s ran out"), "{text}");
    assert!(
        text.contains("timed out waiting for UpdateAppInstance"),
        "the error names the call that was running: {text}"
    );
    assert_eq!(
        ws.resource_values(ADDRESS).unwrap()["arn"],
        arn.as_str(),
        "state kept"
    );
    env.chime.clear_faults();
    ws.apply().assert_ok();
    assert_eq!(describe(&env, &arn).1["AppInstance"]["Name"], "tenant-c2");
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn bad_values_are_refused_at_plan_naming_the_attribute() {
    let env = Env::new();
    let ws = env.stack();
    let provider = provider_with_default_tags(&env, "empty = \"\"");
    ws.write(
        "main.tf",
        &stack(
            &provider,
            &format!(
                "  name = \"{}\"\n  tags = {{ \"aws:x\" = \"1\" }}\n",
                "n".repeat(257)
            ),
        ),
    );
    env.chime.take_calls();
    let run = ws.plan_exit();
    assert_eq!(run.code, 1);
    let out = run.output();
    assert!(out.contains("must be 1-256 printable characters"), "{out}");
    assert!(out.contains("reserved for AWS"), "{out}");
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateAppInstance"), 0);

    ws.write("main.tf", &stack(&provider, "  name = \"ok\"\n"));
    let run = ws.plan_exit();
    assert_eq!(run.code, 1);
    assert!(
        run.output()
            .contains("the provider's default_tags[\"empty\"]"),
        "{}",
        run.output()
    );
}

#[test]
fn the_data_source_reads_an_app_instance() {
    let env = Env::new();
    let ws = env.stack();
    ws.write(
        "main.tf",
        &format!(
            "{}\ndata \"chimesdk_app_instance\" \"this\" {{\n  arn = \"{}\"\n}}\noutput \"name\" {{ value = data.chimesdk_app_instance.this.name }}\n",
            env.provider(),
            env.app
        ),
    );
    ws.apply().assert_ok();
    let out = ws.run(&["output", "-json", "name"]);
    assert_eq!(out.output().trim(), "\"test\"");
    ws.write(
        "main.tf",
        &format!(
            "{}\ndata \"chimesdk_app_instance\" \"this\" {{\n  arn = \"{}-gone\"\n}}\n",
            env.provider(),
            env.app
        ),
    );
    let run = ws.plan_exit();
    assert!(
        run.output().contains("AppInstance not found"),
        "{}",
        run.output()
    );
}
