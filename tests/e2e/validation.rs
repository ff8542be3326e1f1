//! Every prerequisite rule, through the real `terraform`: the error's
//! summary, where it points in the source, and that nothing in AWS was
//! created or changed.

use test_support::terraform::provider_block;
use test_support::{Aws, Services, Workspace};

const APP_ACCOUNT: &str = "123456789012";

struct Case {
    svc: Services,
    aws: Aws,
    ws: Workspace,
    app: String,
}

fn setup() -> Case {
    let svc = Services::start();
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("validation");
    let ws = Workspace::new();
    Case { svc, aws, ws, app }
}

impl Case {
    /// Writes main.tf: the provider block, then the resource with `body`.
    fn resource(&self, app_arn: &str, body: &str) {
        self.resource_with_provider(
            &provider_block(&self.svc.moto_url, &self.svc.chime_url),
            app_arn,
            body,
        );
    }

    fn resource_with_provider(&self, provider: &str, app_arn: &str, body: &str) {
        self.ws.write(
            "main.tf",
            &format!(
                "{provider}\nresource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{app_arn}\"\n{body}}}\n"
            ),
        );
    }

    /// Line number (1-based) of the first line of main.tf containing `needle`.
    fn line_of(&self, needle: &str) -> u64 {
        let text = std::fs::read_to_string(self.ws.path().join("main.tf")).unwrap();
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in main.tf")) as u64
            + 1
    }

    /// Runs apply, expects exactly one error with this summary at the line
    /// containing `at`, and checks that AWS is untouched.
    fn expect_error(&self, summary: &str, at: &str, streams_before: &[&str]) -> serde_json::Value {
        let r = self.ws.apply_json();
        r.assert_failed();
        let found = r.find("error", summary);
        assert_eq!(
            found.len(),
            1,
            "expected one {summary:?} error:\n{}",
            r.output()
        );
        let line = found[0]["range"]["start"]["line"].as_u64().unwrap_or(0);
        assert_eq!(
            line,
            self.line_of(at),
            "{summary:?} should point at `{at}`: {}",
            found[0]
        );
        self.assert_untouched(streams_before);
        found[0].clone()
    }

    fn assert_untouched(&self, streams_before: &[&str]) {
        let mut streams = self.aws.stream_names();
        streams.sort();
        let mut expected: Vec<String> = streams_before.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(streams, expected, "no stream created or deleted");
        assert_eq!(
            self.aws.streaming_configuration(&self.app),
            None,
            "no configuration written"
        );
    }
}

fn managed(data_type: &str, stream: &str) -> String {
    format!(
        "  streaming_configuration {{\n    data_type = \"{data_type}\"\n    stream {{\n{stream}    }}\n  }}\n"
    )
}

fn referenced(data_type: &str, arn: &str) -> String {
    format!(
        "  streaming_configuration {{\n    data_type    = \"{data_type}\"\n    resource_arn = \"{arn}\"\n  }}\n"
    )
}

fn stream_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:kinesis:{region}:{account}:stream/{name}")
}

#[test]
fn rule1_app_instance_arn_must_be_an_app_instance() {
    let c = setup();
    let user_arn = format!("{}/user/u1", c.app);
    c.resource(
        &user_arn,
        &managed("Channel", "      name = \"chime-messaging-a\"\n"),
    );
    let d = c.expect_error("Invalid AppInstance ARN", "app_instance_arn", &[]);
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("user or channel ARN"),
        "{d}"
    );
}

#[test]
fn rule2_data_type_must_be_known_and_not_repeated() {
    let c = setup();
    c.resource(
        &c.app,
        &managed("Messages", "      name = \"chime-messaging-a\"\n"),
    );
    let d = c.expect_error("Invalid value for data_type", "data_type", &[]);
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("`ChannelMessage`, `Channel`"),
        "{d}"
    );

    c.resource(
        &c.app,
        &(managed("Channel", "      name = \"chime-messaging-a\"\n")
            + &managed("Channel", "      name = \"chime-messaging-b\"\n")),
    );
    // Two blocks in a set: Terraform can only be pointed at the resource; the detail names the data type.
    let d = c.expect_error(
        "Duplicate data type",
        "resource \"chimesdk_messaging_streaming_configuration\"",
        &[],
    );
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("data_type = \"Channel\""),
        "{d}"
    );

    let three = managed("Channel", "      name = \"chime-messaging-a\"\n").repeat(3);
    c.resource(&c.app, &three);
    let r = c.ws.apply_json();
    r.assert_failed();
    assert!(
        r.output()
            .contains("Too many streaming_configuration blocks"),
        "{}",
        r.output()
    );
    c.assert_untouched(&[]);
}

#[test]
fn rule3_exactly_one_of_resource_arn_and_stream() {
    let c = setup();
    let arn = stream_arn("us-east-1", APP_ACCOUNT, "chime-messaging-a");
    c.resource(
        &c.app,
        &format!("  streaming_configuration {{\n    data_type    = \"Channel\"\n    resource_arn = \"{arn}\"\n    stream {{\n      name = \"chime-messaging-a\"\n    }}\n  }}\n"),
    );
    c.expect_error("Both resource_arn and stream are set", "resource_arn", &[]);

    c.resource(
        &c.app,
        "  streaming_configuration {\n    data_type = \"Channel\"\n  }\n",
    );
    c.expect_error("Neither resource_arn nor stream is set", "data_type", &[]);
}

#[test]
fn rule4_resource_arn_is_a_matching_kinesis_stream() {
    let c = setup();
    let cases = [
        (
            "arn:aws:sqs:us-east-1:123456789012:chime-messaging-q".to_string(),
            "Invalid Kinesis stream ARN",
            "not \"kinesis\"",
        ),
        (
            stream_arn("us-east-1", APP_ACCOUNT, "events"),
            "Stream name must start with chime-messaging-",
            "\"events\"",
        ),
        (
            stream_arn("eu-west-1", APP_ACCOUNT, "chime-messaging-a"),
            "Stream is not in the AppInstance's account and region",
            "region \"eu-west-1\"",
        ),
        (
            stream_arn("us-east-1", "999999999999", "chime-messaging-a"),
            "Stream is not in the AppInstance's account and region",
            "account \"999999999999\"",
        ),
    ];
    for (arn, summary, detail) in cases {
        c.resource(&c.app, &referenced("ChannelMessage", &arn));
        let d = c.expect_error(summary, "resource_arn", &[]);
        assert!(
            d["detail"].as_str().unwrap().contains(detail),
            "{summary}: {d}"
        );
    }
}

#[test]
fn rule5_managed_stream_settings() {
    let c = setup();
    let cases = [
        (
            "      name = \"chime-messaging-a b\"\n",
            "Invalid value for name",
            "name",
        ),
        (
            "      name = \"events\"\n",
            "Invalid value for name",
            "name",
        ),
        (
            "      name = \"chime-messaging-a\"\n      shard_count = 1\n",
            "Invalid value for shard_count",
            "shard_count",
        ),
        (
            "      name = \"chime-messaging-a\"\n      kms_key_id = \"\"\n",
            "Invalid value for kms_key_id",
            "kms_key_id",
        ),
        (
            "      name = \"chime-messaging-a\"\n      retention_period_hours = 12\n",
            "Invalid value for retention_period_hours",
            "retention_period_hours",
        ),
    ];
    for (stream, summary, at) in cases {
        c.resource(&c.app, &managed("Channel", stream));
        let found = c.expect_error(summary, at, &[]);
        if stream.contains("\"events\"") {
            // The fix is spelled out: the name with the prefix.
            assert!(
                found["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("\"chime-messaging-events\""),
                "{found}"
            );
        }
    }
    c.resource(
        &c.app,
        &(managed("Channel", "      name = \"chime-messaging-x\"\n")
            + &managed(
                "ChannelMessage",
                "      name = \"chime-messaging-x\"\n      shard_count = 4\n",
            )),
    );
    let d = c.expect_error(
        "Conflicting settings for one managed stream",
        "resource \"chimesdk_messaging_streaming_configuration\"",
        &[],
    );
    assert!(
        d["detail"].as_str().unwrap().contains("shard_count 2 vs 4")
            || d["detail"].as_str().unwrap().contains("shard_count 4 vs 2"),
        "{d}"
    );
}

#[test]
fn rule6_unknown_values_are_checked_once_known() {
    let c = setup();
    c.ws.write(
        "main.tf",
        &format!(
            "{}\nvariable \"name\" {{ type = string }}\nresource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{}\"\n{}}}\n",
            provider_block(&c.svc.moto_url, &c.svc.chime_url),
            c.app,
            managed("Channel", "      name = var.name\n")
        ),
    );
    // At validate the variable is unknown: no error.
    c.ws.run(&["validate", "-no-color"]).assert_ok();
    // Known at plan: checked.
    let r =
        c.ws.run(&["plan", "-input=false", "-json", "-var", "name=events"]);
    r.assert_failed();
    assert_eq!(
        r.find("error", "Invalid value for name").len(),
        1,
        "{}",
        r.output()
    );
    c.assert_untouched(&[]);
}

#[test]
fn rule7_provider_must_be_in_the_app_instances_region_and_account() {
    let c = setup();
    let west = provider_block(&c.svc.moto_url, &c.svc.chime_url)
        .replace("region      = \"us-east-1\"", "region      = \"us-west-2\"");
    c.resource_with_provider(
        &west,
        &c.app,
        &managed("Channel", "      name = \"chime-messaging-a\"\n"),
    );
    let d = c.expect_error(
        "Provider is not in the AppInstance's region and account",
        "app_instance_arn",
        &[],
    );
    assert!(
        d["detail"].as_str().unwrap().contains("provider alias"),
        "{d}"
    );

    let other_account = c.app.replace(APP_ACCOUNT, "999999999999");
    c.resource(
        &other_account,
        &managed("Channel", "      name = \"chime-messaging-a\"\n"),
    );
    let d = c.expect_error(
        "Provider is not in the AppInstance's region and account",
        "app_instance_arn",
        &[],
    );
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("account \"123456789012\""),
        "{d}"
    );
}

#[test]
fn rule8_referenced_streams_meet_the_prerequisites() {
    let c = setup();
    let missing = stream_arn("us-east-1", APP_ACCOUNT, "chime-messaging-missing");
    c.resource(&c.app, &referenced("Channel", &missing));
    let d = c.expect_error(
        "Kinesis stream chime-messaging-missing does not exist",
        "resource_arn",
        &[],
    );
    assert!(
        d["detail"].as_str().unwrap().contains("`stream` block"),
        "{d}"
    );

    let one_shard = c.aws.create_stream("chime-messaging-one", 1, true);
    c.resource(&c.app, &referenced("Channel", &one_shard));
    let d = c.expect_error(
        "Kinesis stream chime-messaging-one has too few shards",
        "resource_arn",
        &["chime-messaging-one"],
    );
    assert!(
        d["detail"].as_str().unwrap().contains("update-shard-count"),
        "{d}"
    );

    let plain = c.aws.create_stream("chime-messaging-plain", 2, false);
    c.resource(&c.app, &referenced("Channel", &plain));
    let d = c.expect_error(
        "Kinesis stream chime-messaging-plain is not encrypted",
        "resource_arn",
        &["chime-messaging-one", "chime-messaging-plain"],
    );
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("encryption_type = \\\"KMS\\\"")
            || d["detail"]
                .as_str()
                .unwrap()
                .contains("encryption_type = \"KMS\""),
        "{d}"
    );
    // The stream was not modified.
    assert!(
        !c.aws.stream("chime-messaging-plain").unwrap().1,
        "still unencrypted"
    );
}

#[test]
fn the_app_instance_must_exist_before_anything_is_created() {
    let c = setup();
    let missing = c.app.replace("app-instance/", "app-instance/0000");
    c.resource(
        &missing,
        &managed("Channel", "      name = \"chime-messaging-a\"\n"),
    );
    let d = c.expect_error("AppInstance does not exist", "app_instance_arn", &[]);
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("awscc_chime_app_instance"),
        "{d}"
    );
}

#[test]
fn extreme_values_are_refused_before_anything_runs() {
    // Each once panicked the provider at apply or wrapped silently.
    let c = setup();
    let cases = [
        (
            format!(
                "{}  timeouts {{\n    create = \"18446744073709551616s\"\n  }}\n",
                managed("Channel", "      name = \"chime-messaging-a\"\n")
            ),
            "Invalid value for create",
            "create =",
        ),
        (
            format!(
                "{}  timeouts {{\n    create = \"ten minutes\"\n  }}\n",
                managed("Channel", "      name = \"chime-messaging-a\"\n")
            ),
            "Invalid value for create",
            "create =",
        ),
        (
            managed(
                "Channel",
                "      name        = \"chime-messaging-a\"\n      shard_count = 2147483648\n",
            ),
            "Invalid value for shard_count",
            "shard_count",
        ),
        (
            managed(
                "Channel",
                "      name        = \"chime-messaging-a\"\n      shard_count = 10001\n",
            ),
            "Invalid value for shard_count",
            "shard_count",
        ),
    ];
    for (body, summary, at) in cases {
        c.resource(&c.app, &body);
        c.expect_error(summary, at, &[]);
    }
    let long_app = format!("{}{}", c.app, "x".repeat(70_000));
    c.resource(
        &long_app,
        &managed("Channel", "      name = \"chime-messaging-a\"\n"),
    );
    let r = c.ws.apply_json();
    r.assert_failed();
    assert!(
        !r.output().contains("panicked") && !r.output().contains("plugin exited"),
        "{}",
        &r.output()[..2000.min(r.output().len())]
    );
    let d = r.find("error", "Invalid AppInstance ARN");
    assert_eq!(d.len(), 1, "one diagnostic for the long ARN");
    assert!(
        d[0]["detail"].as_str().unwrap().contains("at most 1600"),
        "names the limit"
    );
    c.assert_untouched(&[]);
}

#[test]
fn bad_tags_are_refused_on_their_key_before_anything_runs() {
    let c = setup();
    let stream = |tags: &str| {
        managed(
            "Channel",
            &format!("      name = \"chime-messaging-a\"\n      tags = {{\n{tags}      }}\n"),
        )
    };
    c.resource(&c.app, &stream("        \"aws:team\" = \"chat\"\n"));
    let d = c.expect_error("Invalid tag", "\"aws:team\"", &[]);
    assert!(
        d["detail"].as_str().unwrap().contains("reserved for AWS"),
        "{d}"
    );
    c.resource(
        &c.app,
        &stream("        \"chimesdk:managed-by-app-instance\" = \"x\"\n"),
    );
    c.expect_error("Invalid tag", "chimesdk:managed-by-app-instance", &[]);
    c.resource(
        &c.app,
        &stream(&format!("        team = \"{}\"\n", "v".repeat(257))),
    );
    let d = c.expect_error("Invalid tag", "team =", &[]);
    assert!(d["detail"].as_str().unwrap().contains("at most 256"), "{d}");

    // The provider's default_tags, on the provider block.
    let provider = provider_block(&c.svc.moto_url, &c.svc.chime_url).replace(
        "  max_retries = 3\n",
        "  max_retries = 3\n  default_tags {\n    tags = {\n      \"aws:owner\" = \"x\"\n    }\n  }\n",
    );
    c.resource_with_provider(
        &provider,
        &c.app,
        &managed("Channel", "      name = \"chime-messaging-a\"\n"),
    );
    let d = c.expect_error("Invalid default tag", "\"aws:owner\"", &[]);
    assert!(
        d["detail"].as_str().unwrap().contains("reserved for AWS"),
        "{d}"
    );
}

#[test]
fn an_error_in_one_of_two_blocks_names_its_data_type() {
    // Terraform cannot point at one element of a set of blocks, so the
    // message says which block it means.
    let c = setup();
    c.resource(
        &c.app,
        &(managed("ChannelMessage", "      name = \"chime-messaging-a\"\n")
            + &managed(
                "Channel",
                "      name        = \"chime-messaging-b\"\n      shard_count = 1\n",
            )),
    );
    let r = c.ws.apply_json();
    r.assert_failed();
    let d = r.find("error", "Invalid value for shard_count");
    assert_eq!(d.len(), 1, "{}", r.output());
    let detail = d[0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("streaming_configuration[data_type = \"Channel\"].stream.shard_count"),
        "{detail}"
    );
    c.assert_untouched(&[]);
}
