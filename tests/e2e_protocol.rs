//! The provider process driven by the real `terraform`: schema, validation
//! diagnostics, clean shutdown, and the refusal to run by hand.

mod support;

use std::process::Command;

use support::terraform::provider_block;
use support::{Services, Workspace};

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
    let aws = support::Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("cycle");
    let mut ws = Workspace::new();
    ws.copy_example("quickstart");
    ws.set_env("TF_VAR_app_instance_arn", &app);
    ws.set_env("TF_VAR_kinesis_endpoint", &svc.moto_url);
    ws.set_env("TF_VAR_chime_endpoint", &svc.chime_url);
    ws.run(&["validate", "-no-color"]).assert_ok();
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 2, "plan shows the create:\n{}", plan.output());
    ws.apply().assert_ok();
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
}

#[allow(dead_code)]
fn unused() -> String {
    provider_block("", "")
}
