//! The plan-time checks of a channel flow's processors, one test per
//! finding users meet (each asserting the attribute it points at and that
//! nothing was created), and a flow that a channel holds at destroy and at
//! replacement.

use serde_json::{Value, json};
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::Proxy;

use super::{ANY_APP_INSTANCE, CALLBACK_POLICY, MESSAGING, describe, usable_function};

/// A flow in the test's AppInstance with these processors (HCL blocks).
fn flow_config(env: &Env, processors: &str) -> String {
    format!(
        "{}\nresource \"chimesdk_channel_flow\" \"f\" {{\n  app_instance_arn = \"{}\"\n  name             = \"checked\"\n{processors}}}\n",
        env.provider(),
        env.app
    )
}

fn processor(name: &str, function: &str, order: u32) -> String {
    format!(
        "  processors {{\n    name                = \"{name}\"\n    lambda_function_arn = \"{function}\"\n    execution_order     = {order}\n    fallback_action     = \"ABORT\"\n  }}\n"
    )
}

/// The one diagnostic of this severity and summary, pointing at processor
/// `index`'s function.
fn finding_at(
    r: &test_support::terraform::Run,
    severity: &str,
    summary: &str,
    index: u64,
) -> Value {
    let found = r.find(severity, summary);
    assert_eq!(found.len(), 1, "{summary}: {}", r.output());
    let detail = found[0]["detail"].as_str().unwrap_or_default().to_string();
    let range = found[0]["range"].clone();
    assert!(
        !range.is_null(),
        "{summary} points at the configuration: {}",
        found[0]
    );
    let snippet = found[0]["snippet"]["code"].as_str().unwrap_or_default();
    assert!(
        snippet.contains("lambda_function_arn"),
        "{summary} points at lambda_function_arn of processor {index}: {}",
        found[0]
    );
    json!({ "detail": detail, "line": range["start"]["line"] })
}

fn no_flow_created(env: &Env) {
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateChannelFlow"), 0, "{calls:?}");
}

#[test]
fn a_policy_for_chime_amazonaws_com_is_a_plan_error_that_quotes_the_statement_to_add() {
    let env = Env::new();
    let function = env
        .aws
        .create_function("public-example", Some(CALLBACK_POLICY));
    env.aws
        .allow_invoke("public-example", "chime.amazonaws.com", ANY_APP_INSTANCE);
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &function, 1)),
    );
    env.chime.take_calls();
    let r = ws.plan_json();
    r.assert_failed();
    let f = finding_at(
        &r,
        "error",
        "Lambda function policy does not allow Chime SDK messaging",
        0,
    );
    let detail = f["detail"].as_str().unwrap();
    assert!(
        detail.contains("\"Service\": \"messaging.chime.amazonaws.com\"")
            && detail.contains(&format!("\"AWS:SourceArn\": \"{}\"", env.app))
            && detail.contains("aws lambda add-permission"),
        "{detail}"
    );
    no_flow_created(&env);

    // A Deny of the service principal is quoted, and wins over a grant.
    let denied = usable_function(&env, "denied");
    // moto's AddPermission makes only Allow statements: the Deny is answered
    // at the proxy as GetPolicy's policy.
    env.kinesis.inject(
        "GetPolicy",
        test_support::proxy::Fault::Answer(
            200,
            json!({ "Policy": format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{MESSAGING}"}},"Action":"lambda:InvokeFunction","Resource":"{denied}"}},{{"Effect":"Deny","Principal":{{"Service":"{MESSAGING}"}},"Action":"lambda:InvokeFunction","Resource":"{denied}"}}]}}"#
            ), "RevisionId": "1" })
            .to_string(),
        ),
        10,
    );
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &denied, 1)),
    );
    let r = ws.plan_json();
    r.assert_failed();
    let f = finding_at(
        &r,
        "error",
        "Lambda function policy denies Chime SDK messaging",
        0,
    );
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("\"Effect\":\"Deny\""),
        "{f}"
    );
    no_flow_created(&env);
}

#[test]
fn a_function_elsewhere_missing_or_without_a_role_grant_is_found_at_plan() {
    let env = Env::new();
    let ws = Workspace::new();

    // Another region: refused from the values alone, no Lambda call.
    let elsewhere = "arn:aws:lambda:eu-west-1:123456789012:function:filter";
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", elsewhere, 1)),
    );
    env.kinesis.take_calls();
    let r = ws.run(&["validate", "-json", "-no-color"]);
    r.assert_failed();
    let f = finding_at(
        &r,
        "error",
        "Lambda function is not in the AppInstance's account and region",
        0,
    );
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("region \"eu-west-1\""),
        "{f}"
    );
    assert_eq!(
        Proxy::count(&env.kinesis.take_calls(), "GetFunctionConfiguration"),
        0
    );

    // A function deleted since it was configured.
    let gone = usable_function(&env, "deleted-filter");
    env.aws.delete_function("deleted-filter");
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &gone, 1)),
    );
    env.chime.take_calls();
    let r = ws.plan_json();
    r.assert_failed();
    let f = finding_at(&r, "error", "Lambda function does not exist", 0);
    assert!(f["detail"].as_str().unwrap().contains(&gone), "{f}");
    no_flow_created(&env);

    // A function without any resource policy (GetPolicy's
    // ResourceNotFoundException for a function that exists).
    let bare = env
        .aws
        .create_function("no-policy", Some(super::CALLBACK_POLICY));
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &bare, 1)),
    );
    let r = ws.plan_json();
    r.assert_failed();
    let f = finding_at(&r, "error", "Lambda function has no resource policy", 0);
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("--principal messaging.chime.amazonaws.com"),
        "{f}"
    );
    no_flow_created(&env);

    // Orders with a gap, and two processors: an error and a warning.
    let ok = usable_function(&env, "ok-filter");
    ws.write(
        "main.tf",
        &flow_config(
            &env,
            &format!(
                "{}{}",
                processor("first", &ok, 1),
                processor("second", &ok, 3)
            ),
        ),
    );
    let r = ws.plan_json();
    r.assert_failed();
    let orders = r.find("error", "Processors' execution orders are not 1 to n");
    assert_eq!(orders.len(), 1, "{}", r.output());
    assert!(
        orders[0]["detail"].as_str().unwrap().contains("are 1, 3"),
        "{}",
        orders[0]
    );
    assert_eq!(r.find("warning", "More than one processor").len(), 1);

    // A policy whose condition the check cannot judge: a warning quoting
    // it (answered at the proxy: moto's AddPermission writes only the
    // guide's conditions).
    let org = usable_function(&env, "org-only");
    env.kinesis.inject(
        "GetPolicy",
        test_support::proxy::Fault::Answer(
            200,
            json!({ "Policy": format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{MESSAGING}"}},"Action":"lambda:InvokeFunction","Resource":"{org}","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-abc123"}}}}}}]}}"#
            ), "RevisionId": "1" })
            .to_string(),
        ),
        1,
    );
    ws.write("main.tf", &flow_config(&env, &processor("filter", &org, 1)));
    let r = ws.plan_json();
    r.assert_ok();
    let f = finding_at(
        &r,
        "warning",
        "Could not judge the Lambda function policy",
        0,
    );
    assert!(
        f["detail"].as_str().unwrap().contains("aws:PrincipalOrgID"),
        "{f}"
    );

    // A caller that may not read the function: a warning naming the
    // permission, and the plan goes on.
    env.kinesis.inject(
        "GetFunctionConfiguration",
        test_support::proxy::Fault::AccessDenied,
        1,
    );
    let hidden = usable_function(&env, "hidden");
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &hidden, 1)),
    );
    let r = ws.plan_json();
    r.assert_ok();
    let f = finding_at(&r, "warning", "Could not check the Lambda function", 0);
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("lambda:GetFunctionConfiguration"),
        "{f}"
    );

    // A role whose policies do not allow the callback: a warning, and the
    // flow is still made.
    let mute = env.aws.create_function(
        "mute",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#),
    );
    env.aws.allow_invoke("mute", MESSAGING, ANY_APP_INSTANCE);
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &mute, 1)),
    );
    let r = ws.plan_json();
    r.assert_ok();
    let f = finding_at(&r, "warning", "The processor's role may not call back", 0);
    ws.apply().assert_ok();
    assert!(f["detail"].as_str().unwrap().contains("mute-role"), "{f}");
    // A role this caller may not read is not judged: silence.
    env.kinesis.inject(
        "ListAttachedRolePolicies",
        test_support::proxy::Fault::AccessDenied,
        10,
    );
    let other = usable_function(&env, "unreadable-role");
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &other, 1)),
    );
    let r = ws.plan_json();
    r.assert_ok();
    assert!(
        r.find("warning", "The processor's role may not call back")
            .is_empty(),
        "{}",
        r.output()
    );
    ws.destroy().assert_ok();
}

/// A user that is an admin of `app`, a channel it made, and the channel
/// associated with `flow`. Returns the channel's ARN and the admin's.
pub(super) fn hold(env: &Env, app: &str, flow: &str) -> (String, String) {
    let (status, body) = env.aws.chime(
        "POST",
        "/app-instance-users",
        Some(json!({
            "AppInstanceArn": app, "AppInstanceUserId": "keeper", "Name": "keeper",
            "ClientRequestToken": "token-keeper",
        })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    let admin = body["AppInstanceUserArn"].as_str().unwrap().to_string();
    let (status, body) = env.aws.chime(
        "POST",
        &format!("/app-instances/{}/admins", enc(app)),
        Some(json!({ "AppInstanceAdminArn": admin })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = env.aws.chime(
        "POST",
        "/channels",
        Some(json!({ "AppInstanceArn": app, "Name": "support-room", "ClientRequestToken": "token-room" })),
        Some(&admin),
    );
    assert_eq!(status, 201, "{body}");
    let channel = body["ChannelArn"].as_str().unwrap().to_string();
    let (status, body) = env.aws.chime(
        "PUT",
        &format!("/channels/{}/channel-flow", enc(&channel)),
        Some(json!({ "ChannelFlowArn": flow })),
        Some(&admin),
    );
    assert_eq!(status, 200, "{body}");
    (channel, admin)
}

#[test]
fn a_flow_a_channel_holds_is_neither_destroyed_nor_replaced_and_the_error_names_the_channel() {
    let env = Env::new();
    let function = usable_function(&env, "held-filter");
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &function, 1)),
    );
    ws.apply().assert_ok();
    let flow = ws.resource_values("chimesdk_channel_flow.f").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let (channel, admin) = hold(&env, &env.app, &flow);

    // Replacing it (another AppInstance) is refused at plan.
    let other = env.aws.create_app_instance("other");
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &function, 1)).replace(&env.app, &other),
    );
    let r = ws.plan_json();
    r.assert_failed();
    let found = r.find(
        "error",
        "Channel flow would be replaced while channels use it",
    );
    assert_eq!(found.len(), 1, "{}", r.output());
    assert!(
        found[0]["detail"].as_str().unwrap().contains(&channel),
        "{}",
        found[0]
    );

    // Destroy stops before DeleteChannelFlow, names the channel and how to
    // let go of it; the state keeps the flow.
    ws.write(
        "main.tf",
        &flow_config(&env, &processor("filter", &function, 1)),
    );
    env.chime.take_calls();
    let r = ws.destroy();
    r.assert_failed();
    let out = r.output();
    assert!(
        out.contains("Channel flow is still associated with channels")
            && out.contains("\"support-room\"")
            && out.contains(&channel)
            && out.contains("disassociate-channel-flow"),
        "{out}"
    );
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "DeleteChannelFlow"), 0, "{calls:?}");
    assert_eq!(describe(&env, &flow).0, 200, "not deleted");
    assert!(
        ws.resource_values("chimesdk_channel_flow.f").is_some(),
        "kept in state"
    );

    // Once the channel lets go, destroy completes.
    let (status, body) = env.aws.chime(
        "DELETE",
        &format!("/channels/{}/channel-flow/{}", enc(&channel), enc(&flow)),
        None,
        Some(&admin),
    );
    assert_eq!(status, 204, "{body}");
    ws.destroy().assert_ok();
    assert_ne!(describe(&env, &flow).0, 200, "deleted");
}
