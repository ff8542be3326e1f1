//! `chimesdk_app_instance_user` through real Terraform, from its own
//! examples: create, rename in place, drift, replace, a bad user ID refused
//! at plan, import by ARN, destroy, and only the documented permissions.

use std::collections::BTreeSet;

use crate::examples::policy_actions;
use serde_json::Value;
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::{Env, mutating};
use test_support::proxy::Proxy;

const USER: &str = "chimesdk_app_instance_user.support_bot";
const EXAMPLE: &str = "resources/chimesdk_app_instance_user";

fn describe(env: &Env, arn: &str) -> (u16, Value) {
    env.aws.chime(
        "GET",
        &format!("/app-instance-users/{}", enc(arn)),
        None,
        None,
    )
}

fn example(env: &Env, skip: &str) -> Workspace {
    let ws = Workspace::new();
    ws.copy_example(EXAMPLE);
    std::fs::remove_file(ws.path().join(skip)).unwrap();
    ws.write("local_provider.tf", &env.provider());
    ws
}

fn edit(ws: &Workspace, from: &str, to: &str) {
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    assert!(tf.contains(from), "resource.tf has no {from:?}");
    ws.write("resource.tf", &tf.replace(from, to));
}

/// The Chime calls since the last take, also kept in `seen`.
fn take(env: &Env, seen: &mut BTreeSet<String>) -> Vec<String> {
    let calls = env.chime.take_calls();
    seen.extend(calls.iter().cloned());
    calls
}

#[test]
fn lifecycle_rename_drift_replace_import_destroy_with_the_documented_permissions() {
    let env = Env::new();
    let mut seen = BTreeSet::new();
    let ws = example(&env, "import.tf");
    env.chime.take_calls();
    ws.apply().assert_ok();
    let v = ws.resource_values(USER).unwrap();
    let arn = v["arn"].as_str().unwrap().to_string();
    let app = ws.resource_values("chimesdk_app_instance.chat").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(arn, format!("{app}/user/support-bot"));
    assert_eq!(v["id"], arn.as_str());
    assert!(
        v["created_timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );
    let (status, d) = describe(&env, &arn);
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["AppInstanceUser"]["Name"], "Support bot");
    assert_eq!(d["AppInstanceUser"]["Metadata"], "{\"role\":\"bot\"}");
    assert_eq!(ws.plan_exit().code, 0, "an applied user plans no change");
    take(&env, &mut seen);
    ws.apply().assert_ok();
    let calls = take(&env, &mut seen);
    for op in mutating() {
        assert_eq!(
            Proxy::count(&calls, op),
            0,
            "an up-to-date apply makes no {op}: {calls:?}"
        );
    }

    // Rename: in place, same ARN, one UpdateAppInstanceUser.
    edit(
        &ws,
        "name                 = \"Support bot\"",
        "name                 = \"Helpdesk bot\"",
    );
    ws.apply().assert_ok();
    let calls = take(&env, &mut seen);
    assert_eq!(
        Proxy::count(&calls, "UpdateAppInstanceUser"),
        1,
        "{calls:?}"
    );
    assert_eq!(
        Proxy::count(&calls, "DeleteAppInstanceUser"),
        0,
        "{calls:?}"
    );
    assert_eq!(ws.resource_values(USER).unwrap()["arn"], arn.as_str());
    assert_eq!(
        describe(&env, &arn).1["AppInstanceUser"]["Name"],
        "Helpdesk bot"
    );
    assert_eq!(ws.plan_exit().code, 0);

    // Deleted behind Terraform's back: the refresh drops it, apply creates it.
    let (status, _) = env.aws.chime(
        "DELETE",
        &format!("/app-instance-users/{}", enc(&arn)),
        None,
        None,
    );
    assert_eq!(status, 204);
    assert_eq!(ws.plan_exit().code, 2, "a vanished user is planned again");
    ws.apply().assert_ok();
    assert_eq!(describe(&env, &arn).0, 200, "created again");

    // A new user ID replaces the user; a bad one is refused at plan, naming
    // the attribute, before any call.
    edit(
        &ws,
        "app_instance_user_id = \"support-bot\"",
        "app_instance_user_id = \"-bad id-\"",
    );
    take(&env, &mut seen);
    let refused = ws.run(&["plan", "-input=false", "-no-color"]);
    refused.assert_failed();
    assert!(
        refused.output().contains("app_instance_user_id"),
        "{}",
        refused.output()
    );
    assert!(
        refused.output().contains("-bad id-"),
        "{}",
        refused.output()
    );
    let calls = take(&env, &mut seen);
    for op in mutating() {
        assert_eq!(Proxy::count(&calls, op), 0, "a refused plan makes no {op}");
    }
    edit(
        &ws,
        "app_instance_user_id = \"-bad id-\"",
        "app_instance_user_id = \"support-bot-2\"",
    );
    ws.apply().assert_ok();
    let calls = take(&env, &mut seen);
    assert_eq!(
        Proxy::count(&calls, "DeleteAppInstanceUser"),
        1,
        "{calls:?}"
    );
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceUser"),
        1,
        "{calls:?}"
    );
    assert_ne!(describe(&env, &arn).0, 200, "the old user is gone");
    let arn2 = format!("{app}/user/support-bot-2");
    assert_eq!(ws.resource_values(USER).unwrap()["arn"], arn2.as_str());

    // The import example adopts a user made outside Terraform.
    let (status, body) = env.aws.chime(
        "POST",
        "/app-instance-users",
        Some(serde_json::json!({
            "AppInstanceArn": app, "AppInstanceUserId": "agent-7", "Name": "Agent 7",
            "ClientRequestToken": "import-example-token-1",
        })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    let agent = body["AppInstanceUserArn"].as_str().unwrap().to_string();
    let mut imported = example(&env, "resource.tf");
    imported.set_env("TF_VAR_app_instance_user_arn", &agent);
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
    assert_ne!(describe(&env, &agent).0, 200, "destroyed");

    ws.destroy().assert_ok();
    assert_ne!(describe(&env, &arn2).0, 200, "destroyed");

    // Every Chime call the user resource made is in its policy (the
    // AppInstance's calls are in that resource's), and the policy allows
    // nothing it never made.
    take(&env, &mut seen);
    let used: BTreeSet<String> = seen
        .into_iter()
        .filter(|c| c.contains("AppInstanceUser"))
        .map(|c| format!("chime:{c}"))
        .collect();
    // The lifecycle's drift step proves the deleted user gone with
    // ListAppInstanceUsers; ListAppInstances only proves its AppInstance gone.
    let mut allowed = policy_actions("iam-policy-app-instance-user.json");
    assert!(allowed.remove("chime:ListAppInstances"));
    assert_eq!(
        used, allowed,
        "used calls vs. examples/iam/iam-policy-app-instance-user.json"
    );
}
