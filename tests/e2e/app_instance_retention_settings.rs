//! `chimesdk_app_instance_retention_settings` through real Terraform, from
//! its own examples: the plan's warning with the cut-off date before a
//! period is set or shortened (and none when it grows), drift, import by ID
//! and by identity, destroy turning retention off, an AppInstance of
//! another region refused with nothing set, and only the documented
//! permissions.

use std::collections::BTreeSet;

use crate::examples::policy_actions;
use serde_json::{Value, json};
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::Proxy;

const RETENTION: &str = "chimesdk_app_instance_retention_settings.chat";
const EXAMPLE: &str = "resources/chimesdk_app_instance_retention_settings";
const WARNING: &str = "Messages will be deleted for good";

fn retention_path(app: &str) -> String {
    format!("/app-instances/{}/retention-settings", enc(app))
}

/// The days GetAppInstanceRetentionSettings shows, if any.
fn retention_days(env: &Env, app: &str) -> Option<i64> {
    let (status, body) = env.aws.chime("GET", &retention_path(app), None, None);
    assert_eq!(status, 200, "{body}");
    body["AppInstanceRetentionSettings"]["ChannelRetentionSettings"]["RetentionDays"].as_i64()
}

fn put_retention(env: &Env, app: &str, days: Option<i64>) {
    let channel = match days {
        Some(d) => json!({ "RetentionDays": d }),
        None => json!({}),
    };
    let (status, body) = env.aws.chime(
        "PUT",
        &retention_path(app),
        Some(json!({ "AppInstanceRetentionSettings": { "ChannelRetentionSettings": channel } })),
        None,
    );
    assert_eq!(status, 200, "{body}");
}

/// The plan's deletion warnings: (detail, the attribute's line).
fn warnings(ws: &Workspace) -> Vec<(String, String)> {
    let r = ws.plan_json();
    r.assert_ok();
    r.find("warning", WARNING)
        .iter()
        .map(|d| {
            (
                d["detail"].as_str().unwrap_or_default().to_string(),
                d["snippet"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn set_days(ws: &Workspace, days: i64) {
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    let line = tf
        .lines()
        .find(|l| l.contains("retention_days"))
        .unwrap()
        .to_string();
    ws.write(
        "resource.tf",
        &tf.replace(&line, &format!("  retention_days   = {days}")),
    );
}

/// Today minus `days`, as the warning names the cut-off (UTC date).
fn cut_off(days: i64) -> String {
    (time::OffsetDateTime::now_utc() - time::Duration::days(days))
        .date()
        .to_string()
}

#[test]
fn warns_before_deleting_messages_sets_drifts_imports_and_turns_retention_off() {
    let env = Env::new();
    let mut seen: Vec<String> = Vec::new();
    let ws = Workspace::new();
    ws.copy_example(EXAMPLE);
    std::fs::remove_file(ws.path().join("import.tf")).unwrap();
    ws.write("local_provider.tf", &env.provider());
    env.chime.take_calls();

    // A period where none was: warned, with the cut-off date, on the attribute.
    let w = warnings(&ws);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].0.contains("where none was set") && w[0].0.contains(&cut_off(365)),
        "{}",
        w[0].0
    );
    assert!(w[0].1.contains("retention_days"), "{}", w[0].1);
    ws.apply().assert_ok();
    let app = ws.resource_values("chimesdk_app_instance.chat").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let v = ws.resource_values(RETENTION).unwrap();
    assert_eq!(v["id"], app.as_str());
    assert_eq!(v["retention_days"], 365);
    let first_deletion = v["initiate_deletion_timestamp"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(first_deletion.ends_with('Z'), "{v}");
    assert_eq!(retention_days(&env, &app), Some(365));
    assert_eq!(ws.plan_exit().code, 0, "no change after apply");
    assert!(warnings(&ws).is_empty(), "no change, no warning");

    // Shorter: warned with the new cut-off; longer: quiet.
    set_days(&ws, 30);
    let w = warnings(&ws);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].0.contains("from 365 to 30 days") && w[0].0.contains(&cut_off(30)),
        "{}",
        w[0].0
    );
    ws.apply().assert_ok();
    assert_eq!(retention_days(&env, &app), Some(30));
    set_days(&ws, 90);
    assert!(warnings(&ws).is_empty(), "a longer period deletes nothing");
    ws.apply().assert_ok();
    assert_eq!(retention_days(&env, &app), Some(90));
    seen.extend(env.chime.take_calls());

    // Changed outside Terraform: the plan puts it back (and warns: 400 -> 90
    // is a shortening); removed outside: the plan sets it again.
    put_retention(&env, &app, Some(400));
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout.contains("1 to change") && plan.stdout.contains("400 -> 90"),
        "{}",
        plan.stdout
    );
    put_retention(&env, &app, None);
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(plan.stdout.contains("1 to add"), "{}", plan.stdout);
    ws.apply().assert_ok();
    assert_eq!(retention_days(&env, &app), Some(90));

    // Set by hand on another AppInstance, then imported by its ARN.
    let other = env.aws.create_app_instance("imported");
    put_retention(&env, &other, Some(14));
    let mut imported = Workspace::new();
    imported.copy_example(EXAMPLE);
    std::fs::remove_file(imported.path().join("resource.tf")).unwrap();
    imported.write("local_provider.tf", &env.provider());
    imported.set_env("TF_VAR_app_instance_arn", &other);
    imported.set_env("TF_VAR_retention_days", "14");
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
    let ids = imported.run(&["state", "identities", "-json"]);
    ids.assert_ok();
    assert!(
        ids.stdout.contains(&other),
        "identity in state: {}",
        ids.stdout
    );
    imported.destroy().assert_ok();
    assert_eq!(retention_days(&env, &other), None, "destroy turns it off");
    seen.extend(env.chime.take_calls());

    // The example's AppInstance goes too; the setting is removed first.
    ws.destroy().assert_ok();
    seen.extend(env.chime.take_calls());

    let used: BTreeSet<String> = seen
        .iter()
        .filter(|c| c.contains("Retention"))
        .map(|c| format!("chime:{c}"))
        .collect();
    let allowed: BTreeSet<String> =
        policy_actions("iam-policy-app-instance-retention-settings.json")
            .into_iter()
            .filter(|a| a.contains("Retention"))
            .collect();
    assert_eq!(
        used, allowed,
        "used calls vs. examples/iam/iam-policy-app-instance-retention-settings.json"
    );
}

#[test]
fn import_by_identity_and_a_period_set_outside_terraform_counts_at_create() {
    let env = Env::new();
    put_retention(&env, &env.app, Some(10));
    let ws = Workspace::new();
    let block = |days: i64| {
        format!(
            "{}\nresource \"chimesdk_app_instance_retention_settings\" \"x\" {{\n  app_instance_arn = \"{}\"\n  retention_days   = {days}\n}}\n",
            env.provider(),
            env.app
        )
    };
    // The period in force (10 days, set by hand) is read at plan: 30 is longer.
    ws.write("main.tf", &block(30));
    assert!(warnings(&ws).is_empty(), "10 -> 30 deletes nothing");
    ws.write("main.tf", &block(5));
    let w = warnings(&ws);
    assert!(
        w.len() == 1 && w[0].0.contains("from 10 to 5 days"),
        "{w:?}"
    );

    ws.write(
        "main.tf",
        &format!(
            "{}\nimport {{\n  to       = chimesdk_app_instance_retention_settings.x\n  identity = {{ app_instance_arn = \"{}\" }}\n}}\n",
            block(10),
            env.app
        ),
    );
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout.contains("1 to import, 0 to add, 0 to change"),
        "{}",
        plan.stdout
    );
    ws.apply().assert_ok();
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn an_app_instance_in_another_region_is_refused_and_nothing_is_set() {
    let env = Env::new();
    let elsewhere = env.app.replace(":us-east-1:", ":eu-west-1:");
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        &format!(
            "{}\nresource \"chimesdk_app_instance_retention_settings\" \"x\" {{\n  app_instance_arn = \"{elsewhere}\"\n  retention_days   = 30\n}}\n",
            env.provider()
        ),
    );
    env.chime.take_calls();
    let r = ws.plan_json();
    r.assert_failed();
    let d = r.find("error", "AppInstance is in another region");
    assert_eq!(d.len(), 1, "{}", r.output());
    assert!(
        d[0]["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("app_instance_arn")),
        "{}",
        d[0]
    );
    let detail: &Value = &d[0]["detail"];
    assert!(detail.as_str().unwrap().contains("eu-west-1"), "{detail}");
    ws.apply().assert_failed();
    let calls = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "PutAppInstanceRetentionSettings"),
        0,
        "{calls:?}"
    );
}

#[test]
fn a_period_that_cannot_be_read_at_plan_warns_naming_the_permission_and_counts_as_none() {
    let env = Env::new();
    env.chime.inject(
        "GetAppInstanceRetentionSettings",
        test_support::proxy::Fault::AccessDenied,
        1,
    );
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        &format!(
            "{}\nresource \"chimesdk_app_instance_retention_settings\" \"x\" {{\n  app_instance_arn = \"{}\"\n  retention_days   = 30\n}}\n",
            env.provider(),
            env.app
        ),
    );
    let r = ws.plan_json();
    r.assert_ok();
    let could_not = r.find("warning", "Could not read the AppInstance's retention");
    assert_eq!(could_not.len(), 1, "{}", r.output());
    assert!(
        could_not[0]["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("chime:GetAppInstanceRetentionSettings"),
        "{}",
        could_not[0]
    );
    // Unread, the period counts as none: the deletion warning errs on the
    // side of saying so.
    assert_eq!(r.find("warning", WARNING).len(), 1, "{}", r.output());
}
