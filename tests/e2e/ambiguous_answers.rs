//! An object leaves the state only when the service proves it gone: an
//! ambiguous answer (BadRequest, Forbidden) from chimesdk-local's fault
//! switch, for an AppInstance or user that exists, fails the plan or the
//! destroy and keeps the state, creating nothing; a deleted one is still
//! found gone (its List call lacks it) and planned again.

use std::collections::BTreeSet;

use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::Proxy;
use test_support::terraform::Run;

const APP: &str = "chimesdk_app_instance.chat";
const USER: &str = "chimesdk_app_instance_user.agent";

fn config(env: &Env) -> String {
    format!(
        "{}
resource \"chimesdk_app_instance\" \"chat\" {{
  name = \"chat\"
}}

resource \"chimesdk_app_instance_user\" \"agent\" {{
  app_instance_arn     = chimesdk_app_instance.chat.arn
  app_instance_user_id = \"agent\"
  name                 = \"Agent\"
}}
",
        env.provider()
    )
}

fn app_instance_count(env: &Env) -> usize {
    let (status, body) = env
        .aws
        .chime("GET", "/app-instances?max-results=50", None, None);
    assert_eq!(status, 200, "{body}");
    body["AppInstances"].as_array().map_or(0, Vec::len)
}

fn arn_of(ws: &test_support::Workspace, address: &str) -> String {
    ws.resource_values(address).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every Chime call made since the last look is allowed by the AppInstance
/// and user policies: the List calls that prove an object gone included.
fn assert_allowed(env: &Env, seen: &mut BTreeSet<String>) {
    seen.extend(env.chime.take_calls());
    let mut allowed = BTreeSet::new();
    for file in [
        "iam-policy-app-instance.json",
        "iam-policy-app-instance-user.json",
    ] {
        let path = test_support::paths::repo_root()
            .join("examples/iam")
            .join(file);
        let policy: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for statement in policy["Statement"].as_array().unwrap() {
            for action in statement["Action"].as_array().unwrap() {
                allowed.insert(action.as_str().unwrap().to_string());
            }
        }
    }
    let denied: Vec<&String> = seen
        .iter()
        .filter(|c| !allowed.contains(&format!("chime:{c}")))
        .collect();
    assert!(denied.is_empty(), "calls no policy allows: {denied:?}");
}

/// Deletes the object at `path` (its REST path) behind Terraform's back.
fn delete_outside_terraform(env: &Env, path: &str) {
    let (status, body) = env.aws.chime("DELETE", path, None, None);
    assert_eq!(status, 204, "DELETE {path}: {body}");
}

/// `terraform plan` succeeds and plans `creates` creations and nothing else.
fn assert_plans_only_creates(ws: &test_support::Workspace, creates: usize) {
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains(&format!("{creates} to add, 0 to change, 0 to destroy")),
        "{}",
        plan.output()
    );
}

fn in_state(ws: &test_support::Workspace) -> Vec<String> {
    let r = ws.run(&["state", "list"]);
    r.assert_ok();
    r.stdout.lines().map(str::to_string).collect()
}

/// The run failed with the unproven-answer error for `object`, quoting the
/// service's answer and what the List call said.
fn assert_unproven(run: &Run, operation: &str, error: &str, listing: &str) {
    run.assert_failed();
    let out = run
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for want in [
        format!("{operation} answered {error}"),
        "which does not prove".to_string(),
        listing.to_string(),
        "left as it was".to_string(),
    ] {
        assert!(out.contains(&want), "no {want:?} in:\n{out}");
    }
    assert!(
        !out.contains("will be created"),
        "nothing is planned for creation:\n{out}"
    );
}

#[test]
fn an_ambiguous_refresh_keeps_the_app_instance_and_creates_nothing() {
    let env = Env::new();
    let ws = env.stack();
    ws.write("main.tf", &config(&env));
    ws.apply().assert_ok();
    let app = arn_of(&ws, APP);
    let count = app_instance_count(&env);
    let mut seen = BTreeSet::new();

    // The AppInstance exists, but DescribeAppInstance answers BadRequest.
    env.aws
        .chime_fault("DescribeAppInstance", &app, "BadRequestException", None);
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    assert_unproven(
        &plan,
        "DescribeAppInstance",
        "BadRequestException",
        "ListAppInstances still lists it",
    );
    assert_allowed(&env, &mut seen);
    let apply = ws.apply();
    assert_unproven(
        &apply,
        "DescribeAppInstance",
        "BadRequestException",
        "ListAppInstances still lists it",
    );
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateAppInstance"), 0, "{calls:?}");
    assert_eq!(Proxy::count(&calls, "ListAppInstances"), 1, "{calls:?}");
    seen.extend(calls);
    assert_eq!(app_instance_count(&env), count, "no second AppInstance");
    assert!(in_state(&ws).contains(&APP.to_string()), "kept in state");
    assert_eq!(arn_of(&ws, APP), app, "the state is as it was");

    // The List call itself refused: still no proof, still kept.
    env.aws
        .chime_fault("ListAppInstances", "*", "ForbiddenException", None);
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    assert_unproven(
        &plan,
        "DescribeAppInstance",
        "BadRequestException",
        "ListAppInstances, asked whether it still exists, did not say",
    );

    // Answered plainly again: nothing to do.
    env.aws.clear_chime_faults();
    assert_eq!(ws.plan_exit().code, 0);

    // Deleted outside Terraform: chimesdk-local answers BadRequest too, but
    // now ListAppInstances lacks it, so both objects are planned again.
    delete_outside_terraform(&env, &format!("/app-instances/{}", enc(&app)));
    assert_plans_only_creates(&ws, 2);
    assert_allowed(&env, &mut seen);
    for proof in ["ListAppInstances", "ListAppInstanceUsers"] {
        assert!(seen.contains(proof), "{proof} settled an answer: {seen:?}");
    }
}

#[test]
fn an_ambiguous_refresh_keeps_the_user() {
    let env = Env::new();
    let ws = env.stack();
    ws.write("main.tf", &config(&env));
    ws.apply().assert_ok();
    let user = arn_of(&ws, USER);

    env.aws
        .chime_fault("DescribeAppInstanceUser", &user, "ForbiddenException", None);
    let mut seen = BTreeSet::new();
    assert_allowed(&env, &mut seen);
    let apply = ws.apply();
    assert_unproven(
        &apply,
        "DescribeAppInstanceUser",
        "ForbiddenException",
        "ListAppInstanceUsers still lists it",
    );
    let calls = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceUser"),
        0,
        "{calls:?}"
    );
    seen.extend(calls);
    assert!(in_state(&ws).contains(&USER.to_string()), "kept in state");

    // Deleted outside Terraform: the refresh finds it gone and plans it.
    env.aws.clear_chime_faults();
    delete_outside_terraform(&env, &format!("/app-instance-users/{}", enc(&user)));
    assert_plans_only_creates(&ws, 1);
    ws.apply().assert_ok();
    assert_eq!(arn_of(&ws, USER), user, "created again");
    assert_allowed(&env, &mut seen);
}

#[test]
fn destroy_counts_an_object_as_gone_only_when_its_list_call_proves_it() {
    let env = Env::new();
    let ws = env.stack();
    ws.write("main.tf", &config(&env));
    ws.apply().assert_ok();
    let app = arn_of(&ws, APP);
    let user = arn_of(&ws, USER);
    let mut seen = BTreeSet::new();

    // Both exist; their deletes answer BadRequest: the destroy fails and
    // both stay in state.
    env.aws
        .chime_fault("DeleteAppInstanceUser", &user, "BadRequestException", None);
    let destroy = ws.destroy();
    assert_unproven(
        &destroy,
        "DeleteAppInstanceUser",
        "BadRequestException",
        "ListAppInstanceUsers still lists it",
    );
    let state = in_state(&ws);
    assert!(state.contains(&USER.to_string()), "{state:?}");
    assert!(state.contains(&APP.to_string()), "{state:?}");
    env.aws.clear_chime_faults();
    env.aws
        .chime_fault("DeleteAppInstance", &app, "BadRequestException", None);
    let destroy = ws.destroy();
    assert_unproven(
        &destroy,
        "DeleteAppInstance",
        "BadRequestException",
        "ListAppInstances still lists it",
    );
    assert_eq!(
        in_state(&ws),
        vec![APP.to_string()],
        "the user went, the AppInstance stays"
    );

    // Gone between the refresh and the delete (-refresh=false stands in for
    // that race): DeleteAppInstance answers BadRequest, ListAppInstances
    // lacks it, so the destroy is done.
    env.aws.clear_chime_faults();
    delete_outside_terraform(&env, &format!("/app-instances/{}", enc(&app)));
    assert_allowed(&env, &mut seen);
    let destroy = ws.run(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-refresh=false",
    ]);
    destroy.assert_ok();
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "DeleteAppInstance"), 1, "{calls:?}");
    assert_eq!(Proxy::count(&calls, "ListAppInstances"), 1, "{calls:?}");
    assert!(in_state(&ws).is_empty());
    seen.extend(calls);
    assert_allowed(&env, &mut seen);
}
