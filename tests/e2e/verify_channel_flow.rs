//! Action `chimesdk_verify_channel_flow` on the real Terraform 1.15.5
//! against chimesdk-local running flows (processors at a test Invoke API
//! server, their policies on moto): triggered by the documented example
//! after create, invoked with `terraform apply -invoke`, reporting a
//! changed message with its time, a FAILED one when the function's policy
//! names `chime.amazonaws.com`, a processor that never answers at the
//! timeout, and Ctrl-C. Every run leaves no channel, admin or user behind,
//! and uses exactly its documented policy.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::channel_flow::{
    ANY_APP_INSTANCE, CALLBACK_POLICY, make_flow_falling_back, usable_function,
};
use crate::examples::policy_actions;
use test_support::Workspace;
use test_support::env::Env;
use test_support::processor::Answer;
use test_support::proxy::Proxy;

const ACTION: &str = "action.chimesdk_verify_channel_flow.check";

fn action_only(env: &Env, flow: &str, timeout: &str) -> Workspace {
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    ws.write(
        "action.tf",
        &format!(
            "action \"chimesdk_verify_channel_flow\" \"check\" {{\n  config {{\n    channel_flow_arn = \"{flow}\"\n    timeout          = \"{timeout}\"\n  }}\n}}\n"
        ),
    );
    ws
}

fn invoke_args() -> Vec<String> {
    ["apply", "-auto-approve", "-input=false", "-no-color"]
        .into_iter()
        .map(str::to_string)
        .chain([format!("-invoke={ACTION}")])
        .collect()
}

fn invoke(ws: &Workspace) -> test_support::terraform::Run {
    let args = invoke_args();
    ws.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Every user, admin entry and channel the action made is gone (`calls`:
/// the Chime calls made since the last take).
fn assert_nothing_left(calls: &[String]) {
    for (create, delete) in [
        ("CreateAppInstanceUser", "DeleteAppInstanceUser"),
        ("CreateAppInstanceAdmin", "DeleteAppInstanceAdmin"),
        ("CreateChannel", "DeleteChannel"),
    ] {
        assert_eq!(Proxy::count(calls, create), 1, "{create}: {calls:?}");
        assert_eq!(Proxy::count(calls, delete), 1, "{delete}: {calls:?}");
    }
}

#[test]
fn the_example_triggers_it_after_create_and_it_reports_the_changed_message() {
    let env = Env::with_processor(Answer::Shout);
    let function = usable_function(&env, "shouter");
    let mut ws = Workspace::new();
    ws.copy_example("actions/chimesdk_verify_channel_flow");
    ws.write("local_provider.tf", &env.provider());
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    ws.set_env("TF_VAR_lambda_function_arn", &function);
    env.chime.take_calls();
    let r = ws.apply();
    r.assert_ok();
    let out = r.output();
    for line in [
        "made admin",
        "sent message",
        "SENT after",
        "changed by the processors: \"CHIMESDK_VERIFY_CHANNEL_FLOW",
        "deleted the verification channel, admin and user",
    ] {
        assert!(out.contains(line), "{line:?} missing:\n{out}");
    }
    assert_nothing_left(&env.chime.take_calls());
    let invoked = env.processor.as_ref().unwrap().invocations();
    assert_eq!(invoked.len(), 1, "{invoked:?}");

    // Invoked on demand, from a workspace with the action alone: its calls
    // are exactly its documented policy.
    let flow = ws.resource_values("chimesdk_channel_flow.this").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let only = action_only(&env, &flow, "30s");
    env.chime.take_calls();
    let r = invoke(&only);
    r.assert_ok();
    assert!(r.output().contains("Actions: 1 invoked"), "{}", r.output());
    let calls = env.chime.take_calls();
    assert_nothing_left(&calls);
    let used: BTreeSet<String> = calls.iter().map(|c| format!("chime:{c}")).collect();
    let mut documented = policy_actions("iam-policy-verify-channel-flow.json");
    // Only an ambiguous answer makes these List calls (the modelled
    // NotFound answers of chimesdk-local prove the deletes).
    for only_to_prove in [
        "chime:ListAppInstanceAdmins",
        "chime:ListAppInstanceUsers",
        "chime:ListAppInstances",
        "chime:ListChannelFlows",
    ] {
        assert!(documented.remove(only_to_prove), "{only_to_prove}");
    }
    assert_eq!(
        used, documented,
        "examples/iam/iam-policy-verify-channel-flow.json"
    );
}

#[test]
fn a_policy_for_chime_amazonaws_com_makes_the_message_fail_and_no_invocation() {
    let env = Env::with_processor(Answer::Shout);
    // The plan refuses this function, so the flow is made out of band.
    let function = env
        .aws
        .create_function("public-example", Some(CALLBACK_POLICY));
    env.aws
        .allow_invoke("public-example", "chime.amazonaws.com", ANY_APP_INSTANCE);
    let flow = make_flow_falling_back(&env, &env.app, "Refused", &function, "ABORT");
    let ws = action_only(&env, &flow, "30s");
    env.chime.take_calls();
    let r = invoke(&ws);
    r.assert_failed();
    let out = r.output();
    assert!(
        out.contains("The channel flow failed the test message")
            && out.contains("FAILED after")
            && out.contains("does not let messaging.chime.amazonaws.com invoke it"),
        "{out}"
    );
    assert!(env.processor.as_ref().unwrap().invocations().is_empty());
    assert_nothing_left(&env.chime.take_calls());
}

#[test]
fn a_processor_that_never_answers_fails_at_the_timeout_and_ctrl_c_cleans_up() {
    let env = Env::with_processor(Answer::Silent);
    let function = usable_function(&env, "silent");
    let flow = make_flow_falling_back(&env, &env.app, "Silent", &function, "ABORT");
    let ws = action_only(&env, &flow, "2s");
    env.chime.take_calls();
    let r = invoke(&ws);
    r.assert_failed();
    let out = r.output();
    assert!(
        out.contains("No answer from the channel flow's processors")
            && out.contains("still PENDING after 2s")
            && out.contains("chime:ChannelFlowCallback"),
        "{out}"
    );
    assert_nothing_left(&env.chime.take_calls());

    // Too long a timeout fails at validate, a flow in another region at
    // plan: no traffic.
    let r = invoke(&action_only(&env, &flow, "2h"));
    assert_eq!(r.code, 1, "{}", r.output());
    assert!(r.output().contains("at most 30m"), "{}", r.output());
    let elsewhere = flow.replace("us-east-1", "eu-central-1");
    let r = invoke(&action_only(&env, &elsewhere, "30s"));
    assert_eq!(r.code, 1, "{}", r.output());
    let out = r.output();
    assert!(
        out.contains("Channel flow is in another region") && out.contains("\"eu-central-1\""),
        "{out}"
    );
    assert!(env.chime.take_calls().is_empty());

    // Ctrl-C while the message is pending: stops promptly, deletes all.
    let ws = action_only(&env, &flow, "10m");
    let tf = ws
        .command(&invoke_args().iter().map(String::as_str).collect::<Vec<_>>())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut calls = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && Proxy::count(&calls, "GetChannelMessage") == 0 {
        std::thread::sleep(Duration::from_millis(100));
        calls.extend(env.chime.take_calls());
    }
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
    calls.extend(env.chime.take_calls());
    assert_nothing_left(&calls);
    assert_eq!(
        ws.providers_left(Duration::from_secs(5)),
        Vec::<u32>::new(),
        "a provider outlived Terraform"
    );
}
