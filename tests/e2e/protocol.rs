//! The provider process driven by the real `terraform`: schema, validation
//! diagnostics, clean shutdown, and the refusal to run by hand.

use std::process::Command;

use test_support::terraform::provider_block;
use test_support::{Services, Workspace};

#[test]
fn schema_lists_provider_resource_and_data_source_with_descriptions() {
    let ws = Workspace::new();
    ws.write("main.tf", "terraform {\n  required_providers {\n    chimesdk = { source = \"chimesdk/chimesdk\" }\n  }\n}\n");
    let r = ws.run(&["providers", "schema", "-json"]);
    r.assert_ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let p = &v["provider_schemas"]["registry.terraform.io/chimesdk/chimesdk"];
    assert!(
        p["provider"]["block"]["attributes"]["region"]["description"]
            .as_str()
            .unwrap()
            .contains("AWS region")
    );
    assert_eq!(
        p["provider"]["block"]["block_types"]["endpoints"]["nesting_mode"],
        "list"
    );
    let res = &p["resource_schemas"]["chimesdk_messaging_streaming_configuration"]["block"];
    assert_eq!(res["attributes"]["app_instance_arn"]["required"], true);
    assert_eq!(
        res["block_types"]["streaming_configuration"]["nesting_mode"],
        "set"
    );
    assert_eq!(
        res["block_types"]["streaming_configuration"]["max_items"],
        2
    );
    let stream =
        &res["block_types"]["streaming_configuration"]["block"]["block_types"]["stream"]["block"];
    assert!(
        stream["attributes"]["shard_count"]["description"]
            .as_str()
            .unwrap()
            .contains("At least 2")
    );
    assert_eq!(
        stream["attributes"]["shard_count"]["description_kind"],
        "markdown"
    );
    let ds = &p["data_source_schemas"]["chimesdk_messaging_streaming_configuration"]["block"];
    assert_eq!(
        ds["attributes"]["streaming_configurations"]["computed"],
        true
    );
    assert!(
        !ws.log().contains("failed to exit gracefully"),
        "provider must exit on Shutdown"
    );
}

#[test]
fn validate_points_at_a_bad_endpoint_url() {
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        r#"terraform {
  required_providers {
    chimesdk = { source = "chimesdk/chimesdk" }
  }
}

provider "chimesdk" {
  region = "us-east-1"
  endpoints {
    kinesis = "not a url"
  }
}

resource "chimesdk_messaging_streaming_configuration" "x" {
  app_instance_arn = "arn:aws:chime:us-east-1:123456789012:app-instance/a"
  streaming_configuration {
    data_type = "Channel"
    stream {
      name = "chime-messaging-x"
    }
  }
}
"#,
    );
    let r = ws.run(&["validate", "-json"]);
    r.assert_failed();
    let diags = r.find("error", "Invalid endpoint URL for kinesis");
    assert_eq!(diags.len(), 1, "{}", r.output());
    assert!(
        diags[0]["detail"]
            .as_str()
            .unwrap()
            .contains("\"not a url\"")
    );
    // The attribute path resolves to the `kinesis = ...` line.
    assert_eq!(diags[0]["range"]["start"]["line"], 10, "{}", diags[0]);
    assert!(!ws.log().contains("failed to exit gracefully"));
}

#[test]
fn unknown_provider_values_at_validate_are_not_errors() {
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        r#"terraform {
  required_providers {
    chimesdk = { source = "chimesdk/chimesdk" }
  }
}
variable "endpoint" { type = string }
provider "chimesdk" {
  region = "us-east-1"
  endpoints {
    kinesis = var.endpoint
  }
}
resource "chimesdk_messaging_streaming_configuration" "x" {
  app_instance_arn = "arn:aws:chime:us-east-1:123456789012:app-instance/a"
  streaming_configuration {
    data_type = "Channel"
    stream {
      name = "chime-messaging-x"
    }
  }
}
"#,
    );
    ws.run(&["validate", "-no-color"]).assert_ok();
}

#[test]
fn full_cycle_validate_plan_apply_destroy() {
    let svc = Services::start();
    let aws = test_support::Aws::new(&svc.moto_url, &svc.chime_url);
    let mut ws = Workspace::new();
    ws.copy_example("quickstart");
    ws.set_env("TF_VAR_kinesis_endpoint", &svc.moto_url);
    ws.set_env("TF_VAR_chime_endpoint", &svc.chime_url);
    ws.run(&["validate", "-no-color"]).assert_ok();
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 2, "plan shows the create:\n{}", plan.output());
    ws.apply().assert_ok();
    // The quickstart creates its own AppInstance.
    let app = ws.run(&["output", "-raw", "app_instance_arn"]).stdout;
    assert!(app.contains(":app-instance/"), "{app}");
    let arn =
        "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-quickstart".to_string();
    assert_eq!(
        aws.streaming_configuration(&app),
        Some(vec![
            ("Channel".into(), arn.clone()),
            ("ChannelMessage".into(), arn)
        ])
    );
    assert_eq!(
        aws.stream("chime-messaging-quickstart"),
        Some((2, true, Some("alias/aws/kinesis".into()), 24))
    );
    assert_eq!(ws.plan_exit().code, 0, "second plan is empty");
    ws.destroy().assert_ok();
    assert_eq!(aws.streaming_configuration(&app), None);
    let (status, _) = aws.chime(
        "GET",
        &format!("/app-instances/{}", test_support::aws::enc(&app)),
        None,
        None,
    );
    assert_ne!(status, 200, "destroy deleted the AppInstance");
    assert!(
        aws.stream_names().is_empty(),
        "destroy removed the stream it created"
    );
    assert!(!ws.log().contains("failed to exit gracefully"));
}

#[test]
fn running_by_hand_explains_and_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("This binary is a plugin for Terraform"),
        "{text}"
    );
    assert!(text.contains("dev_overrides"));
    assert!(
        text.starts_with(&format!(
            "terraform-provider-chimesdk {}",
            env!("CARGO_PKG_VERSION")
        )),
        "the message names the version: {text}"
    );
}

#[test]
fn assume_role_goes_through_sts_and_logs_reach_terraform() {
    let svc = Services::start();
    let aws = test_support::Aws::new(&svc.moto_url, &svc.chime_url);
    let sts = test_support::proxy::Proxy::start(&svc.moto_url);
    let app = aws.create_app_instance("assume");
    let mut ws = Workspace::new();
    ws.set_env("AWS_SECRET_ACCESS_KEY", "distinctive-secret-access-key-e2e");
    ws.set_env("TF_LOG", "trace");
    let provider = provider_block(&svc.moto_url, &svc.chime_url)
        .replace(&format!("sts                 = \"{}\"", svc.moto_url), &format!("sts                 = \"{}\"", sts.url))
        .replace("  max_retries = 3\n", "  max_retries = 3\n  assume_role {\n    role_arn     = \"arn:aws:iam::123456789012:role/terraform\"\n    session_name = \"e2e\"\n    external_id  = \"very-secret-external-id\"\n  }\n");
    ws.write(
        "main.tf",
        &format!("{provider}\nresource \"chimesdk_messaging_streaming_configuration\" \"x\" {{\n  app_instance_arn = \"{app}\"\n  streaming_configuration {{\n    data_type = \"Channel\"\n    stream {{\n      name = \"chime-messaging-assumed\"\n    }}\n  }}\n}}\n"),
    );
    ws.apply().assert_ok();
    let calls = sts.take_calls();
    assert!(
        calls.iter().any(|c| c == "AssumeRole"),
        "STS AssumeRole was called: {calls:?}"
    );
    assert!(calls.iter().any(|c| c == "GetCallerIdentity"), "{calls:?}");
    let log = ws.log();
    assert!(
        log.contains("provider.terraform-provider-chimesdk") && log.contains("provider configured"),
        "our hclog lines reach TF_LOG"
    );
    assert!(
        !log.contains("very-secret-external-id"),
        "secrets never logged"
    );
    assert!(
        !log.contains("distinctive-secret-access-key-e2e"),
        "credentials never logged, even at trace"
    );
    ws.destroy().assert_ok();
}

#[test]
fn missing_credentials_are_one_clear_error() {
    let svc = Services::start();
    let mut ws = Workspace::new();
    ws.write(
        "main.tf",
        &format!(
            "{}\nresource \"chimesdk_messaging_streaming_configuration\" \"x\" {{\n  app_instance_arn = \"arn:aws:chime:us-east-1:123456789012:app-instance/a\"\n  streaming_configuration {{\n    data_type = \"Channel\"\n    stream {{\n      name = \"chime-messaging-x\"\n    }}\n  }}\n}}\n",
            provider_block(&svc.moto_url, &svc.chime_url)
        ),
    );
    ws.set_env("AWS_ACCESS_KEY_ID", "");
    ws.set_env("AWS_SECRET_ACCESS_KEY", "");
    ws.set_env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    ws.set_env("AWS_CONFIG_FILE", "/nonexistent/config");
    let r = ws.run(&["plan", "-input=false", "-json"]);
    r.assert_failed();
    let d = r.find("error", "No AWS credentials found");
    assert_eq!(d.len(), 1, "{}", r.output());
    let detail = d[0]["detail"].as_str().unwrap();
    for source in [
        "environment variables",
        "shared config and credentials files",
        "SSO",
        "web identity",
        "instance metadata",
    ] {
        assert!(detail.contains(source), "names {source}: {detail}");
    }
    // It ends with what to do, not with the SDK's error types.
    assert!(
        detail.trim_end().ends_with("accept any signature."),
        "{detail}"
    );
    assert!(!detail.contains("CredentialsNotLoaded"), "{detail}");
}

#[test]
fn terraform_runs_the_whole_lifecycle_over_tcp() {
    // go-plugin's TCP transport, as on Windows, chosen by variable here:
    // Terraform's client dials whatever the handshake line announces.
    let env = test_support::env::Env::new();
    let mut ws = env.stack();
    ws.set_env("CHIMESDK_PLUGIN_TRANSPORT", "tcp");
    env.write(
        &ws,
        &test_support::env::managed("Channel", "chime-messaging-over-tcp", ""),
    );
    // dev_overrides: no `terraform init` (it would ask the Registry).
    assert_eq!(ws.plan_exit().code, 2);
    ws.apply().assert_ok();
    assert!(env.aws.stream("chime-messaging-over-tcp").is_some());
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
    assert!(env.aws.stream("chime-messaging-over-tcp").is_none());
    let log = ws.log();
    let launches: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("plugin listening"))
        .collect();
    assert!(!launches.is_empty(), "the provider says where it listens");
    assert!(
        !log.contains("{\"@level\""),
        "Terraform parsed every provider log line (none passed through as raw JSON)"
    );
    assert!(
        launches
            .iter()
            .all(|l| l.contains("network=tcp") && l.contains("address=127.0.0.1:")),
        "every provider launch listened on loopback TCP: {launches:?}"
    );
}
