//! `chimesdk_app_instance_user` through real Terraform, from its own
//! examples: create with an expiry and tags, rename, re-expire and re-tag in
//! place, drift, replace, a bad user ID refused at plan, import by ARN and by
//! identity, the past-expiry warning, default tags, `terraform query` with
//! generated configuration, the data source, destroy, and only the
//! documented permissions.

use std::collections::BTreeSet;

use crate::examples::policy_actions;
use serde_json::{Value, json};

use crate::app_instance::{provider_with_default_tags, tags};
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
    assert_eq!(
        d["AppInstanceUser"]["ExpirationSettings"],
        json!({"ExpirationDays": 365, "ExpirationCriterion": "CREATED_TIMESTAMP"})
    );
    assert_eq!(tags(&env, &arn), json!([["team", "support"]]));
    assert_eq!(v["expiration_criterion"], "CREATED_TIMESTAMP");
    assert_eq!(v["tags_all"], json!({"team": "support"}));
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

    // Expiry and tags change in place: one Put, a tag and an untag, no
    // rename; then the expiry removed (the Put without settings).
    edit(
        &ws,
        "expiration_days      = 365",
        "expiration_days      = 30",
    );
    edit(&ws, "team = \"support\"", "owner = \"platform\"");
    ws.apply().assert_ok();
    let calls = take(&env, &mut seen);
    for (op, n) in [
        ("PutAppInstanceUserExpirationSettings", 1),
        ("TagResource", 1),
        ("UntagResource", 1),
        ("UpdateAppInstanceUser", 0),
        ("DeleteAppInstanceUser", 0),
    ] {
        assert_eq!(Proxy::count(&calls, op), n, "{op}: {calls:?}");
    }
    assert_eq!(
        describe(&env, &arn).1["AppInstanceUser"]["ExpirationSettings"]["ExpirationDays"],
        30
    );
    assert_eq!(tags(&env, &arn), json!([["owner", "platform"]]));
    assert_eq!(ws.plan_exit().code, 0);
    edit(&ws, "  expiration_days      = 30\n", "");
    ws.apply().assert_ok();
    let d = describe(&env, &arn).1;
    assert!(
        d["AppInstanceUser"].get("ExpirationSettings").is_none(),
        "{d}"
    );
    assert!(ws.resource_values(USER).unwrap()["expiration_days"].is_null());
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
    // The tag calls are the user's (the example's AppInstance has no tags,
    // though it reads them too).
    let used: BTreeSet<String> = seen
        .into_iter()
        .filter(|c| {
            c.contains("AppInstanceUser")
                || ["TagResource", "UntagResource", "ListTagsForResource"].contains(&c.as_str())
        })
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

fn user_config(provider: &str, app: &str, extra: &str) -> String {
    format!(
        "{provider}\nresource \"chimesdk_app_instance_user\" \"x\" {{\n  app_instance_arn     = \"{app}\"\n  app_instance_user_id = \"old-timer\"\n  name                 = \"Old timer\"\n{extra}}}\n"
    )
}

#[test]
fn an_expiry_already_past_is_warned_at_plan_on_the_attribute() {
    let env = Env::new();
    let ws = Workspace::new();
    ws.write("main.tf", &user_config(&env.provider(), &env.app, ""));
    ws.apply().assert_ok();
    let arn = ws.resource_values("chimesdk_app_instance_user.x").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    // Made 40 days ago (chimesdk-local's test clock moves its creation time).
    let (status, body) = env.aws.chime(
        "POST",
        "/_chimesdk-local/backdate",
        Some(json!({ "arn": arn, "seconds": 40.0 * 86_400.0 })),
        None,
    );
    assert_eq!(status, 204, "{body}");

    let warned = |days: i64| {
        ws.write(
            "main.tf",
            &user_config(
                &env.provider(),
                &env.app,
                &format!("  expiration_days = {days}\n"),
            ),
        );
        let r = ws.plan_json();
        r.assert_ok();
        r.find("warning", "The user's expiry is already past")
    };
    let w = warned(30);
    assert_eq!(w.len(), 1, "30 days after a creation 40 days ago is past");
    let detail = w[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("expiration_days = 30") && detail.contains("create it again"),
        "{detail}"
    );
    assert!(
        w[0]["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("expiration_days")),
        "{}",
        w[0]
    );
    assert!(warned(60).is_empty(), "60 days is still ahead");
    ws.apply().assert_ok();
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn default_tags_merge_into_tags_all_and_the_user_carries_them() {
    let env = Env::new();
    let ws = Workspace::new();
    let provider = provider_with_default_tags(&env, "env = \"test\", team = \"default\"");
    ws.write(
        "main.tf",
        &user_config(&provider, &env.app, "  tags = { team = \"chat\" }\n"),
    );
    ws.apply().assert_ok();
    let v = ws.resource_values("chimesdk_app_instance_user.x").unwrap();
    assert_eq!(v["tags"], json!({"team": "chat"}));
    assert_eq!(v["tags_all"], json!({"env": "test", "team": "chat"}));
    let arn = v["arn"].as_str().unwrap();
    assert_eq!(tags(&env, arn), json!([["env", "test"], ["team", "chat"]]));
    assert_eq!(ws.plan_exit().code, 0, "defaults read back as defaults");
    // A bad default is refused at plan, naming where it comes from.
    let bad = provider_with_default_tags(&env, "empty = \"\"");
    ws.write("main.tf", &user_config(&bad, &env.app, ""));
    let r = ws.plan_json();
    r.assert_failed();
    let d = r.find("error", "Invalid tag for an AppInstanceUser");
    assert_eq!(d.len(), 1, "{}", r.output());
    assert!(
        d[0]["detail"].as_str().unwrap().contains("default_tags"),
        "{}",
        d[0]
    );
}

fn make_user(env: &Env, id: &str) -> String {
    let (status, body) = env.aws.chime(
        "POST",
        "/app-instance-users",
        Some(json!({
            "AppInstanceArn": env.app, "AppInstanceUserId": id, "Name": format!("User {id}"),
            "ClientRequestToken": format!("token-{id}"),
            "ExpirationSettings": {"ExpirationDays": 90, "ExpirationCriterion": "CREATED_TIMESTAMP"},
        })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    body["AppInstanceUserArn"].as_str().unwrap().to_string()
}

#[test]
fn query_generates_users_configuration_identity_imports_and_the_data_source_reads() {
    let env = Env::new();
    let alice = make_user(&env, "alice");
    let bob = make_user(&env, "bob");
    let mut ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    std::fs::copy(
        test_support::paths::repo_root()
            .join("examples/list-resources/chimesdk_app_instance_user/list.tfquery.hcl"),
        ws.path().join("list.tfquery.hcl"),
    )
    .unwrap();
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("list.chimesdk_app_instance_user.chat"))
        .collect();
    assert_eq!(listed.len(), 2, "{}", r.stdout);
    assert!(listed.iter().any(|l| l.contains(&alice)) && listed.iter().any(|l| l.contains(&bob)));

    let r = ws.run(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    r.assert_ok();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert!(generated.contains("expiration_days"), "{generated}");
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    for op in mutating() {
        assert_eq!(Proxy::count(&calls, op), 0, "imported, not made: {op}");
    }
    assert_eq!(ws.plan_exit().code, 0, "imported as generated: no changes");
    let ids = ws.run(&["state", "identities", "-json"]);
    ids.assert_ok();
    assert!(
        ids.stdout.contains(&alice),
        "identity in state: {}",
        ids.stdout
    );

    // The data source example reads one.
    let mut ds = Workspace::new();
    ds.copy_example("data-sources/chimesdk_app_instance_user");
    ds.write("local_provider.tf", &env.provider());
    ds.set_env("TF_VAR_app_instance_user_arn", &bob);
    ds.apply().assert_ok();
    assert_eq!(ds.run(&["output", "-raw", "user_name"]).stdout, "User bob");
    let v = ds
        .resource_values("data.chimesdk_app_instance_user.this")
        .unwrap();
    assert_eq!(v["expiration_days"], 90);
    assert_eq!(v["app_instance_user_id"], "bob");

    // Import by identity.
    let carol = make_user(&env, "carol");
    let by_identity = Workspace::new();
    by_identity.write(
        "main.tf",
        &format!(
            "{}\nimport {{\n  to       = chimesdk_app_instance_user.carol\n  identity = {{ arn = \"{carol}\" }}\n}}\n\nresource \"chimesdk_app_instance_user\" \"carol\" {{\n  app_instance_arn     = \"{}\"\n  app_instance_user_id = \"carol\"\n  name                 = \"User carol\"\n  expiration_days      = 90\n}}\n",
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
