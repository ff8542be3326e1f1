//! Rule 9 through the real `terraform` against moto's KMS: a stream's
//! customer-managed key must let Chime SDK messaging's service-linked role
//! write, checked at plan (one DescribeKey and one GetKeyPolicy per key per
//! plan) and before apply mutates anything; and chimesdk-local losing the
//! records of a stream whose key the service could not use, which the
//! chimesdk_verify_streaming action then reports.

use test_support::Workspace;
use test_support::env::{Env, managed, mutating, referenced};
use test_support::proxy::{Fault, Proxy};

const ROOT_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#;
const OTHER_PRINCIPAL_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AdminsOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}"#;
const DENY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"NoKinesisWrites","Effect":"Deny","Principal":"*","Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"kinesis.*.amazonaws.com"}}}]}"#;

fn with_key(key: &str) -> String {
    managed(
        "Channel",
        "chime-messaging-cmk",
        &format!("      kms_key_id = \"{key}\"\n"),
    )
}

/// Plans; returns (exit code, the diagnostics of `-json`).
fn plan(ws: &Workspace) -> (i32, test_support::terraform::Run) {
    let r = ws.plan_json();
    (r.code, r)
}

fn kms_calls(calls: &[String]) -> (usize, usize) {
    (
        Proxy::count(calls, "DescribeKey"),
        Proxy::count(calls, "GetKeyPolicy"),
    )
}

#[test]
fn the_aws_managed_key_needs_no_kms_call() {
    let env = Env::new();
    let ws = Workspace::new();
    env.write(&ws, &managed("Channel", "chime-messaging-default", ""));
    env.kinesis.take_calls();
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    assert_eq!(kms_calls(&env.kinesis.take_calls()), (0, 0));
}

#[test]
fn a_key_with_the_default_policy_passes_and_applies() {
    let env = Env::new();
    let key = env.aws.create_key(ROOT_POLICY);
    let ws = Workspace::new();
    env.write(&ws, &with_key(&key));
    env.kinesis.take_calls();
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    assert!(
        r.diagnostics().iter().all(|d| d["severity"] != "error"),
        "{}",
        r.output()
    );
    assert_eq!(kms_calls(&env.kinesis.take_calls()), (1, 1));
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.stream("chime-messaging-cmk").unwrap().2.as_deref(),
        Some(key.as_str())
    );
}

#[test]
fn a_policy_that_names_only_another_principal_is_an_error_on_kms_key_id_and_changes_nothing() {
    let env = Env::new();
    let key = env.aws.create_key(OTHER_PRINCIPAL_POLICY);
    let ws = Workspace::new();
    env.write(&ws, &with_key(&key));
    let (code, r) = plan(&ws);
    assert_eq!(code, 1, "{}", r.output());
    let found = r.find(
        "error",
        &format!("KMS key {key} does not let Chime SDK messaging write"),
    );
    assert_eq!(found.len(), 1, "{}", r.output());
    let detail = found[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("AWSServiceRoleForChimeSDKMessaging")
            && detail.contains("kinesis.us-east-1.amazonaws.com"),
        "{detail}"
    );
    assert!(
        detail.contains("\"Sid\": \"AllowChimeSdkMessagingToWriteToKinesis\""),
        "the statement to add: {detail}"
    );
    assert!(
        found[0]["snippet"]["code"]
            .as_str()
            .unwrap_or_default()
            .contains("kms_key_id"),
        "on the attribute that chose the key: {:?}",
        found[0]
    );
    // Apply refuses the same way, before any mutating call.
    env.kinesis.take_calls();
    env.chime.take_calls();
    let applied = ws.apply();
    applied.assert_failed();
    let calls = [env.kinesis.take_calls(), env.chime.take_calls()].concat();
    for op in mutating() {
        assert_eq!(Proxy::count(&calls, op), 0, "{op}");
    }
}

#[test]
fn an_explicit_deny_is_quoted() {
    let env = Env::new();
    let key = env.aws.create_key(DENY_POLICY);
    let ws = Workspace::new();
    env.write(&ws, &with_key(&key));
    let (code, r) = plan(&ws);
    assert_eq!(code, 1, "{}", r.output());
    let found = r.find(
        "error",
        &format!("KMS key {key} denies Chime SDK messaging"),
    );
    assert_eq!(found.len(), 1, "{}", r.output());
    assert!(
        found[0]["detail"]
            .as_str()
            .unwrap()
            .contains("NoKinesisWrites")
    );
}

#[test]
fn a_disabled_key_and_one_pending_deletion_are_errors() {
    let env = Env::new();
    let disabled = env.aws.create_key(ROOT_POLICY);
    env.aws.disable_key(&disabled);
    let pending = env.aws.create_key(ROOT_POLICY);
    env.aws.schedule_key_deletion(&pending);
    for (key, state) in [(disabled, "Disabled"), (pending, "PendingDeletion")] {
        let ws = Workspace::new();
        env.write(&ws, &with_key(&key));
        let (code, r) = plan(&ws);
        assert_eq!(code, 1, "{}", r.output());
        assert_eq!(
            r.find("error", &format!("KMS key {key} is {state}")).len(),
            1,
            "{}",
            r.output()
        );
    }
}

#[test]
fn a_referenced_stream_is_checked_by_its_current_key() {
    let env = Env::new();
    let key = env.aws.create_key(OTHER_PRINCIPAL_POLICY);
    let stream = env
        .aws
        .create_stream_with_key("chime-messaging-byhand", &key);
    let ws = Workspace::new();
    env.write(&ws, &referenced("Channel", &stream));
    let (code, r) = plan(&ws);
    assert_eq!(code, 1, "{}", r.output());
    assert_eq!(
        r.find(
            "error",
            &format!("KMS key {key} does not let Chime SDK messaging write")
        )
        .len(),
        1
    );
}

#[test]
fn a_refused_policy_lookup_is_a_warning_and_the_plan_goes_on() {
    let env = Env::new();
    let key = env.aws.create_key(ROOT_POLICY);
    let ws = Workspace::new();
    env.write(&ws, &with_key(&key));
    env.kinesis.inject("GetKeyPolicy", Fault::AccessDenied, 100);
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    let found = r.find("warning", &format!("Could not check KMS key {key}"));
    assert_eq!(found.len(), 1, "{}", r.output());
    assert!(
        found[0]["detail"]
            .as_str()
            .unwrap()
            .contains("kms:GetKeyPolicy")
    );
}

#[test]
fn many_resources_sharing_one_key_look_it_up_once_per_plan() {
    let env = Env::new();
    let key = env.aws.create_key(ROOT_POLICY);
    let apps: Vec<String> = (0..4)
        .map(|i| env.aws.create_app_instance(&format!("shared-{i}")))
        .collect();
    let ws = Workspace::new();
    let mut hcl = env.provider();
    for (i, app) in apps.iter().enumerate() {
        hcl += &format!(
            "resource \"chimesdk_messaging_streaming_configuration\" \"s{i}\" {{\n  app_instance_arn = \"{app}\"\n{}}}\n",
            managed(
                "Channel",
                &format!("chime-messaging-shared-{i}"),
                &format!("      kms_key_id = \"{key}\"\n")
            )
        );
    }
    ws.write("main.tf", &hcl);
    env.kinesis.take_calls();
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    assert_eq!(
        kms_calls(&env.kinesis.take_calls()),
        (1, 1),
        "one key, one lookup of each kind"
    );
}

/// Streams `Channel` events of the Env's AppInstance to a new stream
/// encrypted with `key`, set up by hand (as the AWS CLI would), and runs
/// the verify action on it.
fn verify_with_key(env: &Env, stream: &str, key: &str) -> test_support::terraform::Run {
    let arn = env.aws.create_stream_with_key(stream, key);
    let (status, body) = env
        .aws
        .put_streaming_configuration(&env.app, &[("Channel", &arn)]);
    assert_eq!(status, 200, "{body}");
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    ws.write(
        "action.tf",
        &format!(
            "action \"chimesdk_verify_streaming\" \"check\" {{\n  config {{\n    app_instance_arn = \"{}\"\n    timeout = \"6s\"\n  }}\n}}\n",
            env.app
        ),
    );
    ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.chimesdk_verify_streaming.check",
    ])
}

fn dead_letters(env: &Env) -> serde_json::Value {
    env.aws
        .chime("GET", "/_chimesdk-local/delivery", None, None)
        .1
}

#[test]
fn chimesdk_local_loses_records_for_a_key_the_service_cannot_use_and_the_action_says_why() {
    let env = Env::new();
    let key = env.aws.create_key(OTHER_PRINCIPAL_POLICY);
    let r = verify_with_key(&env, "chime-messaging-locked", &key);
    assert_eq!(r.code, 1, "{}", r.output());
    let out = r.output();
    assert!(
        out.contains("No CREATE_CHANNEL record reached chime-messaging-locked"),
        "{out}"
    );
    assert!(out.contains("customer-managed KMS key"), "{out}");
    let status = dead_letters(&env);
    let errors: Vec<&str> = status["RecentDeadLetters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["Error"].as_str())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("KMSAccessDeniedException")),
        "{status}"
    );
}

#[test]
fn chimesdk_local_delivers_for_a_key_whose_policy_lets_the_service_write() {
    let env = Env::new();
    let key = env.aws.create_key(ROOT_POLICY);
    let r = verify_with_key(&env, "chime-messaging-open", &key);
    r.assert_ok();
    assert!(
        r.output()
            .contains("chime-messaging-open: CREATE_CHANNEL arrived"),
        "{}",
        r.output()
    );
    assert_eq!(dead_letters(&env)["DeadLettered"], 0);
}

#[test]
fn chimesdk_local_loses_records_for_a_disabled_key() {
    let env = Env::new();
    let key = env.aws.create_key(ROOT_POLICY);
    env.aws.disable_key(&key);
    let r = verify_with_key(&env, "chime-messaging-disabled", &key);
    assert_eq!(r.code, 1, "{}", r.output());
    let status = dead_letters(&env);
    assert!(
        status.to_string().contains("KMSDisabledException"),
        "{status}"
    );
}

#[test]
fn a_key_in_another_account_is_a_warning_that_says_what_its_policy_must_allow() {
    let env = Env::new();
    let key = env.aws.create_key(ROOT_POLICY);
    let ws = Workspace::new();
    env.write(&ws, &with_key(&key));
    // moto has one account: the key is made to answer from another.
    env.kinesis.inject(
        "DescribeKey",
        Fault::Rewrite("123456789012".into(), "111122223333".into()),
        100,
    );
    env.kinesis.take_calls();
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    let found = r.find("warning", &format!("KMS key {key} is in another account"));
    assert_eq!(found.len(), 1, "{}", r.output());
    let detail = found[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("111122223333") && detail.contains("kms:GenerateDataKey"),
        "{detail}"
    );
    assert_eq!(
        kms_calls(&env.kinesis.take_calls()),
        (1, 0),
        "its policy is not asked for"
    );
}

#[test]
fn a_missing_service_linked_role_is_a_warning_until_it_exists() {
    let env = Env::new();
    let ws = Workspace::new();
    env.write(&ws, &managed("Channel", "chime-messaging-role", ""));
    let summary = "Chime SDK messaging's service-linked role AWSServiceRoleForChimeSDKMessaging does not exist yet";
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    let found = r.find("warning", summary);
    assert_eq!(found.len(), 1, "{}", r.output());
    assert!(
        found[0]["detail"]
            .as_str()
            .unwrap()
            .contains("iam:CreateServiceLinkedRole")
    );

    env.aws.create_service_linked_role();
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    assert!(r.find("warning", summary).is_empty(), "{}", r.output());

    env.kinesis.inject(
        "GetRole",
        Fault::XmlError(403, "AccessDenied", "not authorized to perform iam:GetRole"),
        100,
    );
    let (code, r) = plan(&ws);
    assert_eq!(code, 0, "{}", r.output());
    let refused = r.find(
        "warning",
        "Could not check that AWSServiceRoleForChimeSDKMessaging exists",
    );
    assert_eq!(refused.len(), 1, "{}", r.output());
    assert!(
        refused[0]["detail"]
            .as_str()
            .unwrap()
            .contains("iam:GetRole")
    );
}
