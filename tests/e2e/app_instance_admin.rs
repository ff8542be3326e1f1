//! `chimesdk_app_instance_admin` through real Terraform, from its own
//! examples: make an admin, drift, replace, the plan-time checks (another
//! AppInstance's user, a user that does not exist) refused with nothing
//! made, import by the ARN pair and by identity, `terraform query` with
//! generated configuration, destroy, and only the documented permissions.

use std::collections::BTreeSet;

use crate::examples::policy_actions;
use serde_json::{Value, json};
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::Proxy;

const ADMIN: &str = "chimesdk_app_instance_admin.moderator";
const EXAMPLE: &str = "resources/chimesdk_app_instance_admin";

fn admin_path(app: &str, admin: &str) -> String {
    format!("/app-instances/{}/admins/{}", enc(app), enc(admin))
}

fn is_admin(env: &Env, app: &str, admin: &str) -> bool {
    let (status, _) = env.aws.chime("GET", &admin_path(app, admin), None, None);
    status == 200
}

fn make_user(env: &Env, app: &str, id: &str) -> String {
    let (status, body) = env.aws.chime(
        "POST",
        "/app-instance-users",
        Some(json!({
            "AppInstanceArn": app, "AppInstanceUserId": id, "Name": id,
            "ClientRequestToken": format!("token-{id}"),
        })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    body["AppInstanceUserArn"].as_str().unwrap().to_string()
}

fn make_admin(env: &Env, app: &str, admin: &str) {
    let (status, body) = env.aws.chime(
        "POST",
        &format!("/app-instances/{}/admins", enc(app)),
        Some(json!({ "AppInstanceAdminArn": admin })),
        None,
    );
    assert_eq!(status, 201, "{body}");
}

fn example(env: &Env, skip: &str) -> Workspace {
    let ws = Workspace::new();
    ws.copy_example(EXAMPLE);
    std::fs::remove_file(ws.path().join(skip)).unwrap();
    ws.write("local_provider.tf", &env.provider());
    ws
}

#[test]
fn lifecycle_drift_replace_import_destroy_with_the_documented_permissions() {
    let env = Env::new();
    let mut seen: Vec<String> = Vec::new();
    let ws = example(&env, "import.tf");
    env.chime.take_calls();
    ws.apply().assert_ok();
    let app = ws.resource_values("chimesdk_app_instance.chat").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let user = format!("{app}/user/moderator");
    let v = ws.resource_values(ADMIN).unwrap();
    assert_eq!(v["id"], format!("{app},{user}").as_str());
    assert_eq!(v["app_instance_admin_arn"], user.as_str());
    assert!(
        v["created_timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );
    assert!(is_admin(&env, &app, &user));
    assert_eq!(ws.plan_exit().code, 0, "no change after apply");
    seen.extend(env.chime.take_calls());

    // Removed outside Terraform: the refresh drops it, the plan makes it again.
    let (status, body) = env
        .aws
        .chime("DELETE", &admin_path(&app, &user), None, None);
    assert_eq!(status, 204, "{body}");
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply().assert_ok();
    assert!(is_admin(&env, &app, &user));

    // Another user: the admin is replaced, the first one removed.
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    ws.write(
        "resource.tf",
        &(tf.replace(
            "chimesdk_app_instance_user.moderator.arn",
            "chimesdk_app_instance_user.lead.arn",
        ) + "\nresource \"chimesdk_app_instance_user\" \"lead\" {\n  app_instance_arn     = chimesdk_app_instance.chat.arn\n  app_instance_user_id = \"lead\"\n  name                 = \"Lead\"\n}\n"),
    );
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    ws.apply().assert_ok();
    let lead = format!("{app}/user/lead");
    assert!(is_admin(&env, &app, &lead));
    assert!(
        !is_admin(&env, &app, &user),
        "the replaced admin was removed"
    );
    seen.extend(env.chime.take_calls());

    // Made by hand, then imported by the ARN pair.
    let agent = make_user(&env, &app, "agent-7");
    make_admin(&env, &app, &agent);
    let mut imported = example(&env, "resource.tf");
    imported.set_env("TF_VAR_app_instance_arn", &app);
    imported.set_env("TF_VAR_admin_arn", &agent);
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
    assert!(!is_admin(&env, &app, &agent), "destroyed");

    ws.destroy().assert_ok();
    assert!(!is_admin(&env, &app, &lead), "destroyed");
    seen.extend(env.chime.take_calls());

    // Every AppInstanceAdmin call made is in the policy, and the policy
    // allows none it never made (the user's and AppInstance's calls are in
    // their own policies; DescribeAppInstanceUser is the admin's plan check).
    let used: BTreeSet<String> = seen
        .iter()
        .filter(|c| c.contains("AppInstanceAdmin"))
        .map(|c| format!("chime:{c}"))
        .collect();
    let allowed: BTreeSet<String> = policy_actions("iam-policy-app-instance-admin.json")
        .into_iter()
        .filter(|a| a.contains("AppInstanceAdmin"))
        .collect();
    assert_eq!(
        used, allowed,
        "used calls vs. examples/iam/iam-policy-app-instance-admin.json"
    );
    assert!(
        seen.iter().any(|c| c == "DescribeAppInstanceUser")
            && policy_actions("iam-policy-app-instance-admin.json")
                .contains("chime:DescribeAppInstanceUser")
    );
}

fn admin_config(env: &Env, app: &str, admin: &str) -> String {
    format!(
        "{}\nresource \"chimesdk_app_instance_admin\" \"x\" {{\n  app_instance_arn       = \"{app}\"\n  app_instance_admin_arn = \"{admin}\"\n}}\n",
        env.provider()
    )
}

/// The error's detail and the attribute it points at.
fn plan_error(ws: &Workspace, summary: &str) -> (String, Value) {
    let r = ws.plan_json();
    r.assert_failed();
    let d = r.find("error", summary);
    assert_eq!(d.len(), 1, "{}", r.output());
    (
        d[0]["detail"].as_str().unwrap_or_default().to_string(),
        d[0]["range"].clone(),
    )
}

#[test]
fn plan_refuses_another_app_instances_user_and_a_missing_user_and_makes_nothing() {
    let env = Env::new();
    let other_app = env.aws.create_app_instance("other");
    let stranger = make_user(&env, &other_app, "stranger");
    let ws = Workspace::new();
    ws.write("main.tf", &admin_config(&env, &env.app, &stranger));
    env.chime.take_calls();
    let (detail, _) = plan_error(&ws, "Admin is not of this AppInstance");
    assert!(
        detail.contains("is not a user or bot of the AppInstance") && detail.contains(&stranger),
        "{detail}"
    );
    let r = ws.plan_json();
    let d = r.find("error", "Admin is not of this AppInstance");
    assert_eq!(
        d[0]["snippet"]["code"]
            .as_str()
            .map(|c| c.contains("app_instance_admin_arn")),
        Some(true),
        "the error points at app_instance_admin_arn: {}",
        d[0]
    );

    let ghost = format!("{}/user/ghost", env.app);
    ws.write("main.tf", &admin_config(&env, &env.app, &ghost));
    let (detail, _) = plan_error(&ws, "AppInstanceUser does not exist");
    assert!(
        detail.contains("ghost") && detail.contains("Create it first"),
        "{detail}"
    );
    let r = ws.apply();
    r.assert_failed();
    let calls = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceAdmin"),
        0,
        "{calls:?}"
    );
    assert!(!is_admin(&env, &env.app, &ghost));
}

#[test]
fn query_lists_an_app_instances_admins_and_generates_their_configuration() {
    let env = Env::new();
    let a = make_user(&env, &env.app, "alice");
    let b = make_user(&env, &env.app, "bob");
    make_user(&env, &env.app, "carol");
    make_admin(&env, &env.app, &a);
    make_admin(&env, &env.app, &b);
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    std::fs::copy(
        test_support::paths::repo_root()
            .join("examples/list-resources/chimesdk_app_instance_admin/list.tfquery.hcl"),
        ws.path().join("list.tfquery.hcl"),
    )
    .unwrap();
    let mut ws = ws;
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("list.chimesdk_app_instance_admin.chat"))
        .collect();
    assert_eq!(listed.len(), 2, "{}", r.stdout);
    assert!(listed.iter().any(|l| l.contains(&a)) && listed.iter().any(|l| l.contains(&b)));

    let r = ws.run(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    r.assert_ok();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert!(
        !generated.contains("created_timestamp"),
        "computed: {generated}"
    );
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceAdmin"),
        0,
        "{calls:?}"
    );
    assert_eq!(ws.plan_exit().code, 0, "imported as generated: no changes");
    let state = ws.run(&["state", "identities", "-json"]);
    state.assert_ok();
    assert!(
        state.stdout.contains(&a) && state.stdout.contains("app_instance_admin_arn"),
        "the identity is in state: {}",
        state.stdout
    );
}
