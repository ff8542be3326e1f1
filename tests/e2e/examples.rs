//! Every HCL file under examples/ runs here against the local services, so
//! the examples (and the docs that embed them) never rot. The calls the
//! provider makes along the way are exactly what examples/iam/iam-policy.json
//! (the lifecycle) and examples/iam/iam-policy-plan.json (plan only) allow.

use std::collections::BTreeSet;

use test_support::Workspace;
use test_support::env::{Env, ONLY_TO_PROVE_AN_OBJECT_GONE};

/// The provider block the examples leave to their user, pointed at the proxies.
fn local_provider(ws: &Workspace, env: &Env) {
    ws.write("local_provider.tf", &env.provider());
}

/// Allowed by the lifecycle policy, but made only for a stream that already
/// existed (adopted, ON_DEMAND, or left by an interrupted apply): the paths
/// tests/e2e_lifecycle.rs and tests/e2e_faults.rs cover.
const ONLY_FOR_EXISTING_STREAMS: &[&str] = &["kinesis:UpdateStreamMode"];
/// Made by the service, not by the provider: the first
/// PutMessagingStreamingConfigurations creates the service-linked role.
const MADE_BY_THE_SERVICE: &[&str] = &["iam:CreateServiceLinkedRole"];
/// Read at plan only for a stream with a customer-managed key (the example
/// stays on the AWS managed one until its re-key): tests/e2e_kms.rs.
const ONLY_FOR_CUSTOMER_MANAGED_KEYS: &[&str] = &["kms:DescribeKey", "kms:GetKeyPolicy"];
/// The operations the Kinesis proxy sees that are KMS's (the provider's
/// `kms` endpoint is the same moto).
const KMS_OPERATIONS: &[&str] = &["DescribeKey", "GetKeyPolicy"];
/// Likewise IAM's (the provider's `iam` endpoint).
const IAM_OPERATIONS: &[&str] = &["GetRole"];

/// The IAM actions of `examples/iam/<file>`, every statement's.
pub(crate) fn policy_actions(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(format!(
        "{}/examples/iam/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
        })
        .collect()
}

/// The calls recorded since the last take, as IAM actions (STS
/// GetCallerIdentity needs no permission).
fn used_calls(env: &Env) -> BTreeSet<String> {
    env.kinesis
        .take_calls()
        .into_iter()
        .filter(|c| c != "GetCallerIdentity")
        .map(|c| {
            if KMS_OPERATIONS.contains(&c.as_str()) {
                format!("kms:{c}")
            } else if IAM_OPERATIONS.contains(&c.as_str()) {
                format!("iam:{c}")
            } else {
                format!("kinesis:{c}")
            }
        })
        .chain(
            env.chime
                .take_calls()
                .into_iter()
                .map(|c| format!("chime:{c}")),
        )
        .collect()
}

fn copy(ws: &Workspace, dir: &str) {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(dir);
    for entry in std::fs::read_dir(src).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&p, ws.path().join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn gitops_example_validates() {
    let ws = Workspace::new();
    copy(&ws, "gitops");
    ws.run(&["validate", "-no-color"]).assert_ok();
}

#[test]
fn provider_example_validates() {
    let ws = Workspace::new();
    copy(&ws, "provider");
    ws.run(&["validate", "-no-color"]).assert_ok();
}

#[test]
fn resource_example_runs_and_needs_only_the_documented_permissions() {
    let env = Env::new();
    let messages = env.aws.create_stream("chime-messaging-messages", 2, true);
    let mut ws = Workspace::new();
    copy(&ws, "resources/chimesdk_messaging_streaming_configuration");
    std::fs::remove_file(ws.path().join("import.tf")).unwrap();
    local_provider(&ws, &env);
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    ws.set_env("TF_VAR_messages_stream_arn", &messages);
    env.kinesis.take_calls();
    env.chime.take_calls();

    // Plan alone (a create, then the refresh of an up-to-date resource)
    // needs only the read-only policy, and uses all of it.
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    let mut planned = used_calls(&env);
    ws.apply().assert_ok();
    let applied = used_calls(&env);
    assert_eq!(ws.plan_exit().code, 0);
    planned.extend(used_calls(&env));
    let mut plan_policy = policy_actions("iam-policy-plan.json");
    for a in ONLY_FOR_CUSTOMER_MANAGED_KEYS {
        assert!(plan_policy.remove(*a), "{a} is in the plan policy");
    }
    plan_policy.remove("chime:ListAppInstances");
    assert_eq!(
        planned, plan_policy,
        "plan's calls are exactly the plan policy"
    );
    // The re-key below goes to a customer-managed key whose policy lets the
    // account's IAM (and so Chime SDK messaging's role) use it.
    env.aws.create_alias(
        "alias/other",
        &env.aws.create_key(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#,
        ),
    );
    // An update that scales, re-keys, changes retention and drops a tag,
    // then destroy: every call kind.
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    ws.write(
        "resource.tf",
        &tf.replace("shard_count            = 2", "shard_count            = 4")
            .replace("retention_period_hours = 24", "retention_period_hours = 48")
            .replace("alias/aws/kinesis", "alias/other")
            .replace("        cost-center = \"cc-1234\"\n", ""),
    );
    ws.apply().assert_ok();
    // And back down: the retention decrease.
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    ws.write(
        "resource.tf",
        &tf.replace("retention_period_hours = 48", "retention_period_hours = 24"),
    );
    ws.apply().assert_ok();
    ws.destroy().assert_ok();
    assert_eq!(
        env.aws.stream_names(),
        vec!["chime-messaging-messages".to_string()]
    );

    let used = planned
        .into_iter()
        .chain(applied)
        .chain(used_calls(&env))
        .collect::<BTreeSet<_>>();
    let allowed = policy_actions("iam-policy.json");
    let missing: Vec<&String> = used.iter().filter(|u| !allowed.contains(*u)).collect();
    assert!(
        missing.is_empty(),
        "calls not in examples/iam/iam-policy.json: {missing:?}"
    );
    let unused: Vec<&String> = allowed
        .iter()
        .filter(|a| !used.contains(*a))
        .filter(|a| {
            !ONLY_FOR_EXISTING_STREAMS.contains(&a.as_str())
                && !MADE_BY_THE_SERVICE.contains(&a.as_str())
                && !ONLY_TO_PROVE_AN_OBJECT_GONE.contains(&a.as_str())
        })
        .collect();
    assert!(
        unused.is_empty(),
        "examples/iam/iam-policy.json allows what the lifecycle never calls: {unused:?}"
    );
    for needed in [
        "kinesis:CreateStream",
        "kinesis:UpdateShardCount",
        "kinesis:StartStreamEncryption",
        "kinesis:DeleteStream",
        "kinesis:RemoveTagsFromStream",
        "chime:PutMessagingStreamingConfigurations",
        "chime:DeleteMessagingStreamingConfigurations",
    ] {
        assert!(used.contains(needed), "{needed} was exercised: {used:?}");
    }
}

#[test]
fn import_and_data_source_examples_run() {
    let env = Env::new();
    let messages = env.aws.create_stream("chime-messaging-messages", 2, true);
    assert_eq!(
        env.aws
            .put_streaming_configuration(&env.app, &[("ChannelMessage", &messages)])
            .0,
        200
    );

    let mut ws = Workspace::new();
    copy(&ws, "resources/chimesdk_messaging_streaming_configuration");
    std::fs::remove_file(ws.path().join("resource.tf")).unwrap();
    local_provider(&ws, &env);
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    ws.set_env("TF_VAR_messages_stream_arn", &messages);
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply().assert_ok();
    assert_eq!(ws.plan_exit().code, 0);

    let mut ds = Workspace::new();
    copy(
        &ds,
        "data-sources/chimesdk_messaging_streaming_configuration",
    );
    local_provider(&ds, &env);
    ds.set_env("TF_VAR_app_instance_arn", &env.app);
    ds.apply().assert_ok();
    let out = ds.run(&["output", "-json", "streams_by_data_type"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!({ "ChannelMessage": messages })
    );
}

#[test]
fn quickstart_module_passes_terraform_test() {
    // examples/quickstart/tests/*.tftest.hcl: planned values, the module's
    // input validations (expect_failures) and an apply, with `terraform test`.
    let env = Env::new();
    let ws = Workspace::new();
    copy(&ws, "quickstart");
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart/tests");
    std::fs::create_dir(ws.path().join("tests")).unwrap();
    for entry in std::fs::read_dir(tests).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, ws.path().join("tests").join(p.file_name().unwrap())).unwrap();
    }
    let r = ws.run(&[
        "test",
        "-no-color",
        "-var",
        &format!("kinesis_endpoint={}", env.kinesis.url),
        "-var",
        &format!("chime_endpoint={}", env.chime.url),
    ]);
    r.assert_ok();
    assert!(r.stdout.contains("5 passed, 0 failed"), "{}", r.output());
    assert!(
        env.aws.stream_names().is_empty(),
        "terraform test destroyed what it applied"
    );
    let (_, apps) = env.aws.chime("GET", "/app-instances", None, None);
    assert_eq!(
        apps["AppInstances"].as_array().map(Vec::len),
        Some(1),
        "only the Env's own AppInstance is left: {apps}"
    );
}

#[test]
fn app_instance_examples_run_and_need_only_the_documented_permissions() {
    let env = Env::new();
    let ws = Workspace::new();
    copy(&ws, "resources/chimesdk_app_instance");
    std::fs::remove_file(ws.path().join("import.tf")).unwrap();
    local_provider(&ws, &env);
    used_calls(&env);
    ws.apply().assert_ok();
    assert_eq!(ws.plan_exit().code, 0);
    let arn = ws.resource_values("chimesdk_app_instance.tenant").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    // Rename, retag (one tag changed, one removed): every update call.
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    ws.write(
        "resource.tf",
        &tf.replace(
            "name     = \"chat-${var.tenant}\"",
            "name     = \"chat-${var.tenant}-2\"",
        )
        .replace("    tenant = var.tenant\n", "    owner = \"team-a\"\n"),
    );
    ws.apply().assert_ok();
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
    let (status, _) = env.aws.chime(
        "GET",
        &format!("/app-instances/{}", test_support::aws::enc(&arn)),
        None,
        None,
    );
    assert_ne!(status, 200, "destroyed");
    let used = used_calls(&env);

    // The import and data source examples, against the Env's AppInstance.
    let mut imported = Workspace::new();
    copy(&imported, "resources/chimesdk_app_instance");
    std::fs::remove_file(imported.path().join("resource.tf")).unwrap();
    local_provider(&imported, &env);
    imported.set_env("TF_VAR_app_instance_arn", &env.app);
    let plan = imported.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    imported.apply().assert_ok();
    assert_eq!(imported.plan_exit().code, 0);
    let mut ds = Workspace::new();
    copy(&ds, "data-sources/chimesdk_app_instance");
    local_provider(&ds, &env);
    ds.set_env("TF_VAR_app_instance_arn", &env.app);
    ds.apply().assert_ok();
    assert_eq!(
        ds.run(&["output", "-raw", "app_instance_name"]).stdout,
        "test"
    );
    let used: BTreeSet<String> = used.into_iter().chain(used_calls(&env)).collect();

    let own = policy_actions("iam-policy-app-instance.json");
    let streaming = policy_actions("iam-policy.json");
    let missing: Vec<&String> = used
        .iter()
        .filter(|u| !own.contains(*u) && !streaming.contains(*u))
        .collect();
    assert!(missing.is_empty(), "calls in neither policy: {missing:?}");
    let unused: Vec<&String> = own
        .iter()
        .filter(|a| !used.contains(*a) && !ONLY_TO_PROVE_AN_OBJECT_GONE.contains(&a.as_str()))
        .collect();
    assert!(
        unused.is_empty(),
        "examples/iam/iam-policy-app-instance.json allows what is never called: {unused:?}"
    );
}

/// The Terraforms the suite runs: (name, command). scripts/test sets all three.
fn terraforms() -> Vec<(&'static str, String)> {
    ["TERRAFORM", "TERRAFORM_1_11", "TERRAFORM_1_0"]
        .into_iter()
        .map(|var| {
            let command = std::env::var(var).unwrap_or_else(|_| {
                panic!("{var} is not set: run scripts/test, which installs it")
            });
            (var, command)
        })
        .collect()
}

/// `Terraform vX.Y.Z` from `terraform version`, as (X, Y, Z).
fn terraform_version(command: &str) -> (u32, u32, u32) {
    let out = std::process::Command::new(command)
        .arg("version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("Terraform v"))
        .unwrap_or_else(|| panic!("{command} version printed {text:?}"));
    parse_version(version)
}

fn parse_version(text: &str) -> (u32, u32, u32) {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u32>().unwrap());
    (
        parts.next().unwrap(),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The lowest version an example's `required_version = ">= X.Y"` lines allow.
fn required_version(files: &[std::path::PathBuf]) -> Option<(u32, u32, u32)> {
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .filter_map(|l| l.trim().strip_prefix("required_version"))
                .map(|v| {
                    // required_version = ">= X.Y"  # a comment
                    let v = v.split('"').nth(1).unwrap_or_default();
                    let lower = v
                        .strip_prefix(">=")
                        .unwrap_or_else(|| panic!("{}: use \">= X.Y\", not {v:?}", f.display()));
                    parse_version(lower.trim())
                })
                .collect::<Vec<_>>()
        })
        .max()
}

#[test]
fn every_example_declares_the_terraform_it_needs() {
    // Checked on each Terraform the suite has: one at or above an example's
    // required_version validates it, one below refuses it.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let tf_files = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect();
        files.sort();
        files
    };
    // A module is a directory; the Registry snippets are one file each.
    let mut examples: Vec<Vec<std::path::PathBuf>> = ["quickstart", "gitops", "provider"]
        .iter()
        .map(|dir| tf_files(&root.join(dir)))
        .collect();
    for group in ["resources", "data-sources", "import-by-identity", "actions"] {
        for entry in std::fs::read_dir(root.join(group)).unwrap() {
            examples.extend(
                tf_files(&entry.unwrap().path())
                    .into_iter()
                    .map(|f| vec![f]),
            );
        }
    }
    let terraforms: Vec<_> = terraforms()
        .into_iter()
        .map(|(var, command)| (var, terraform_version(&command), command))
        .collect();
    for files in examples {
        for file in &files {
            assert!(
                required_version(std::slice::from_ref(file)).is_some(),
                "{} has no required_version",
                file.display()
            );
        }
        let dir = files[0].parent().unwrap().join(if files.len() == 1 {
            files[0].file_name().unwrap()
        } else {
            std::ffi::OsStr::new("")
        });
        let needed = required_version(&files).unwrap();
        for (var, version, command) in &terraforms {
            let ws = Workspace::with_terraform(command);
            for file in &files {
                std::fs::copy(file, ws.path().join(file.file_name().unwrap())).unwrap();
            }
            let declares_source = files.iter().any(|f| {
                std::fs::read_to_string(f)
                    .unwrap()
                    .contains("required_providers")
            });
            if !declares_source {
                // A snippet leaves the provider's source to its page's reader.
                ws.write(
                    "provider_source.tf",
                    "terraform {\n  required_providers {\n    chimesdk = { source = \"chimesdk/chimesdk\" }\n  }\n}\n",
                );
            }
            let run = ws.run(&["validate", "-no-color"]);
            if *version >= needed {
                assert!(
                    run.code == 0,
                    "{} declares {needed:?} but {var} ({version:?}) cannot validate it:\n{}",
                    dir.display(),
                    run.output()
                );
            } else {
                assert!(
                    run.code != 0,
                    "{} declares {needed:?}, yet {var} ({version:?}) validates it",
                    dir.display()
                );
            }
        }
    }
}
