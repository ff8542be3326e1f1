//! Resource identity on the real Terraform 1.15.5 (TERRAFORM): import
//! blocks that give an identity, `terraform state identities`, identities
//! of created resources, and state written by Terraform 1.11.4 (no
//! identity) gaining one on the first refresh.

use serde_json::Value;
use test_support::Workspace;
use test_support::env::{Env, managed, mutating, referenced};
use test_support::proxy::Proxy;

const AI: &str = "chimesdk_app_instance.a";
const SC: &str = "chimesdk_messaging_streaming_configuration.this";

fn identities(ws: &Workspace) -> Value {
    let r = ws.run(&["state", "identities", "-json"]);
    r.assert_ok();
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// The planned changes from `plan -json`: (address, actions, importing).
fn planned_changes(ws: &Workspace) -> Vec<(String, Vec<String>, bool)> {
    let r = ws.plan_json();
    r.assert_ok();
    r.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "planned_change")
        .map(|v| {
            let c = &v["change"];
            (
                c["resource"]["addr"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                vec![c["action"].as_str().unwrap_or_default().to_string()],
                c.get("importing").is_some(),
            )
        })
        .collect()
}

fn app_instance(name: &str) -> String {
    format!("resource \"chimesdk_app_instance\" \"a\" {{\n  name = \"{name}\"\n}}\n")
}

#[test]
pub(crate) fn import_blocks_that_give_an_identity_plan_as_a_pure_import() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-identity", 2, true);
    let (status, body) = env
        .aws
        .put_streaming_configuration(&env.app, &[("Channel", &stream)]);
    assert_eq!(status, 200, "{body}");
    let ws = Workspace::new();
    env.write(&ws, &referenced("Channel", &stream));
    let app = &env.app;
    ws.write(
        "import.tf",
        &format!(
            "{}\nimport {{\n  to       = {AI}\n  identity = {{ arn = \"{app}\" }}\n}}\n\
             import {{\n  to       = {SC}\n  identity = {{ app_instance_arn = \"{app}\" }}\n}}\n",
            app_instance("test")
        ),
    );
    let mut changes = planned_changes(&ws);
    changes.sort();
    assert_eq!(
        changes,
        vec![
            (AI.to_string(), vec!["import".to_string()], true),
            (SC.to_string(), vec!["import".to_string()], true),
        ],
        "imports and nothing else"
    );
    env.chime.take_calls();
    env.kinesis.take_calls();
    ws.apply().assert_ok();
    let calls = [env.chime.take_calls(), env.kinesis.take_calls()].concat();
    for op in mutating() {
        assert_eq!(
            Proxy::count(&calls, op),
            0,
            "an import changes nothing in AWS: {op}"
        );
    }
    let ids = identities(&ws);
    assert_eq!(ids[AI]["arn"], app.as_str());
    assert_eq!(ids[SC]["app_instance_arn"], app.as_str());
    assert_eq!(ws.plan_exit().code, 0, "imported: no changes");
}

#[test]
fn an_identity_naming_nothing_fails_and_names_it() {
    let env = Env::new();
    let ws = Workspace::new();
    let missing = env.app.replace("app-instance/", "app-instance/0000");
    ws.write(
        "main.tf",
        &format!(
            "{}\n{}\nimport {{\n  to       = {AI}\n  identity = {{ arn = \"{missing}\" }}\n}}\n",
            env.provider(),
            app_instance("test")
        ),
    );
    let r = ws.plan_exit();
    assert_eq!(r.code, 1, "{}", r.output());
    assert!(
        r.output().contains("Cannot import a missing AppInstance"),
        "{}",
        r.output()
    );
    assert!(r.output().contains(&missing), "{}", r.output());
}

#[test]
pub(crate) fn a_created_resource_has_its_identity_in_state() {
    let env = Env::new();
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        &format!("{}\n{}", env.provider(), app_instance("created")),
    );
    ws.apply().assert_ok();
    let arn = ws.resource_values(AI).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(arn.starts_with("arn:aws:chime:us-east-1:123456789012:app-instance/"));
    assert_eq!(identities(&ws)[AI]["arn"], arn.as_str());
    // Renaming updates in place: the identity stays.
    ws.write(
        "main.tf",
        &format!("{}\n{}", env.provider(), app_instance("renamed")),
    );
    ws.apply().assert_ok();
    assert_eq!(identities(&ws)[AI]["arn"], arn.as_str());
    ws.destroy().assert_ok();
}

#[test]
fn state_written_without_identity_gains_one_on_the_first_refresh() {
    let old = std::env::var("TERRAFORM_1_11").expect("TERRAFORM_1_11: run scripts/test");
    let env = Env::new();
    let mut ws = Workspace::with_terraform(&old);
    env.write(&ws, &managed("Channel", "chime-messaging-upgrade", ""));
    ws.write("app.tf", &app_instance("upgraded"));
    ws.apply().assert_ok();
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert!(
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["instances"][0].get("identity").is_none()),
        "Terraform 1.11 writes no identity"
    );

    // The same working directory under Terraform 1.15.5.
    ws.terraform = std::env::var("TERRAFORM").expect("TERRAFORM: run scripts/test");
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 0, "no changes, no errors:\n{}", plan.output());
    assert_eq!(
        plan.output().matches("Warning: ").count(),
        1,
        "only the dev_overrides warning:\n{}",
        plan.output()
    );
    ws.run(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ])
    .assert_ok();
    let ids = identities(&ws);
    assert_eq!(ids[SC]["app_instance_arn"], env.app.as_str());
    assert!(ids[AI]["arn"].as_str().unwrap().contains(":app-instance/"));
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
}

#[test]
fn the_import_by_identity_examples_import_and_change_nothing() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-messages", 2, true);
    let (status, body) = env
        .aws
        .put_streaming_configuration(&env.app, &[("ChannelMessage", &stream)]);
    assert_eq!(status, 200, "{body}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/import-by-identity");
    for example in [
        "chimesdk_app_instance",
        "chimesdk_messaging_streaming_configuration",
    ] {
        let mut ws = Workspace::new();
        ws.write("main.tf", &env.provider());
        std::fs::copy(
            root.join(example).join("import.tf"),
            ws.path().join("import.tf"),
        )
        .unwrap();
        ws.set_env("TF_VAR_app_instance_arn", &env.app);
        ws.set_env("TF_VAR_messages_stream_arn", &stream);
        let changes = planned_changes(&ws);
        assert_eq!(changes.len(), 1, "{example}: {changes:?}");
        assert_eq!(changes[0].1, vec!["import".to_string()], "{example}");
        ws.apply().assert_ok();
        assert_eq!(ws.plan_exit().code, 0, "{example}");
    }
}
