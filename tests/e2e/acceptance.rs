//! Acceptance tests against real AWS, in the terraform-provider-aws way: they
//! run only with `CHIMESDK_ACCEPTANCE=1` and AWS credentials in the
//! environment, and otherwise say why they were skipped. They create
//! AppInstances and Kinesis streams named `chime-messaging-tfacc-*`
//! (`scripts/sweep REGION` deletes leftovers). See contributing/acceptance-tests.md.

use aws_sdk_chimesdkidentity::Client as Identity;
use aws_sdk_chimesdkmessaging::Client as Messaging;
use aws_sdk_kinesis::Client as Kinesis;
use aws_sdk_kinesis::types::EncryptionType;
use test_support::Workspace;
use test_support::skip::skipped;

const PREFIX: &str = "chime-messaging-tfacc-";

struct Account {
    rt: tokio::runtime::Runtime,
    region: String,
    identity: Identity,
    messaging: Messaging,
    kinesis: Kinesis,
}

/// The account to test in, or `None` (with the reason printed) when
/// acceptance tests are not enabled here.
fn account() -> Option<Account> {
    if std::env::var("CHIMESDK_ACCEPTANCE").as_deref() != Ok("1") {
        skipped("set CHIMESDK_ACCEPTANCE=1 (and AWS credentials) to run it against AWS");
        return None;
    }
    let has_credentials = std::env::var_os("AWS_ACCESS_KEY_ID").is_some()
        || std::env::var_os("AWS_PROFILE").is_some()
        || std::env::var_os("AWS_WEB_IDENTITY_TOKEN_FILE").is_some();
    if !has_credentials {
        skipped(
            "no AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or AWS_WEB_IDENTITY_TOKEN_FILE)",
        );
        return None;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let config = rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(test_support::paths::http_client())
            .region(aws_config::Region::new(region.clone()))
            .load(),
    );
    Some(Account {
        identity: Identity::new(&config),
        messaging: Messaging::new(&config),
        kinesis: Kinesis::new(&config),
        region,
        rt,
    })
}

struct Stream {
    open_shards: i32,
    kms: bool,
    tags: Vec<(String, String)>,
}

fn unique(what: &str) -> String {
    format!(
        "{PREFIX}{what}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// An AppInstance that is deleted when the test ends, however it ends.
struct AppInstance<'a> {
    account: &'a Account,
    arn: String,
}

impl Drop for AppInstance<'_> {
    fn drop(&mut self) {
        let _ = self.account.rt.block_on(
            self.account
                .identity
                .delete_app_instance()
                .app_instance_arn(&self.arn)
                .send(),
        );
    }
}

impl Account {
    fn app_instance(&self) -> AppInstance<'_> {
        let out = self
            .rt
            .block_on(
                self.identity
                    .create_app_instance()
                    .name(unique("app"))
                    .client_request_token(uuid::Uuid::new_v4().to_string())
                    .send(),
            )
            .expect("CreateAppInstance");
        AppInstance {
            account: self,
            arn: out.app_instance_arn().unwrap().to_string(),
        }
    }

    /// A stream as Kinesis reports it, or `None` if it is gone.
    fn stream(&self, name: &str) -> Option<Stream> {
        self.rt.block_on(async {
            let s = self
                .kinesis
                .describe_stream_summary()
                .stream_name(name)
                .send()
                .await
                .ok()?;
            let s = s.stream_description_summary()?.clone();
            let tags = self
                .kinesis
                .list_tags_for_stream()
                .stream_name(name)
                .send()
                .await
                .ok()?
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            Some(Stream {
                open_shards: s.open_shard_count(),
                kms: s.encryption_type() == Some(&EncryptionType::Kms),
                tags,
            })
        })
    }

    fn configured(&self, app: &str) -> Vec<(String, String)> {
        self.rt.block_on(async {
            match self
                .messaging
                .get_messaging_streaming_configurations()
                .app_instance_arn(app)
                .send()
                .await
            {
                Ok(out) => out
                    .streaming_configurations()
                    .iter()
                    .map(|c| {
                        (
                            c.data_type().as_str().to_string(),
                            c.resource_arn().to_string(),
                        )
                    })
                    .collect(),
                Err(_) => Vec::new(),
            }
        })
    }

    /// A stream made outside Terraform, as a team's own aws_kinesis_stream would be.
    fn own_stream(&self, name: &str) -> String {
        self.rt.block_on(async {
            self.kinesis
                .create_stream()
                .stream_name(name)
                .shard_count(2)
                .send()
                .await
                .expect("CreateStream");
            loop {
                let s = self
                    .kinesis
                    .describe_stream_summary()
                    .stream_name(name)
                    .send()
                    .await
                    .expect("DescribeStreamSummary");
                let s = s.stream_description_summary().unwrap();
                if s.stream_status().as_str() == "ACTIVE" {
                    if s.encryption_type() == Some(&EncryptionType::Kms) {
                        return s.stream_arn().to_string();
                    }
                    self.kinesis
                        .start_stream_encryption()
                        .stream_name(name)
                        .encryption_type(EncryptionType::Kms)
                        .key_id("alias/aws/kinesis")
                        .send()
                        .await
                        .expect("StartStreamEncryption");
                }
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        })
    }

    fn delete_stream(&self, name: &str) {
        let _ = self.rt.block_on(
            self.kinesis
                .delete_stream()
                .stream_name(name)
                .enforce_consumer_deletion(true)
                .send(),
        );
    }

    fn workspace(&self, app: &str, blocks: &str) -> Workspace {
        let mut ws = Workspace::new();
        ws.use_real_aws();
        ws.write("main.tf", &self.config(app, blocks));
        ws
    }

    fn config(&self, app: &str, blocks: &str) -> String {
        format!(
            "terraform {{\n  required_providers {{\n    chimesdk = {{ source = \"chimesdk/chimesdk\" }}\n  }}\n}}\n\n\
             provider \"chimesdk\" {{\n  region = \"{}\"\n  default_tags {{\n    tags = {{ suite = \"tfacc\" }}\n  }}\n}}\n\n\
             resource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{app}\"\n{blocks}}}\n",
            self.region
        )
    }
}

fn managed(data_type: &str, name: &str, extra: &str) -> String {
    format!(
        "  streaming_configuration {{\n    data_type = \"{data_type}\"\n    stream {{\n      name = \"{name}\"\n{extra}    }}\n  }}\n"
    )
}

fn referenced(data_type: &str, arn: &str) -> String {
    format!(
        "  streaming_configuration {{\n    data_type    = \"{data_type}\"\n    resource_arn = \"{arn}\"\n  }}\n"
    )
}

#[test]
fn basic_create_update_and_destroy_with_a_managed_stream() {
    let Some(account) = account() else {
        return;
    };
    let app = account.app_instance();
    let stream = unique("basic");
    let ws = account.workspace(
        &app.arn,
        &managed(
            "ChannelMessage",
            &stream,
            "      tags = { team = \"chat\" }\n",
        ),
    );
    ws.apply().assert_ok();
    let created = account.stream(&stream).expect("the stream exists");
    assert_eq!((created.open_shards, created.kms), (2, true));
    let tag = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert!(
        created.tags.contains(&tag("team", "chat"))
            && created.tags.contains(&tag("suite", "tfacc"))
    );
    assert_eq!(account.configured(&app.arn).len(), 1);
    assert_eq!(ws.plan_exit().code, 0, "no diff after create");

    ws.write(
        "main.tf",
        &account.config(
            &app.arn,
            &managed(
                "ChannelMessage",
                &stream,
                "      shard_count = 3\n      retention_period_hours = 48\n      tags = { team = \"messaging\" }\n",
            ),
        ),
    );
    ws.apply().assert_ok();
    assert_eq!(account.stream(&stream).unwrap().open_shards, 3);
    assert_eq!(ws.plan_exit().code, 0, "no diff after update");

    ws.destroy().assert_ok();
    assert!(account.configured(&app.arn).is_empty());
    // Destroy waits until DescribeStreamSummary no longer finds the stream.
    assert!(
        account.stream(&stream).is_none(),
        "the managed stream is deleted"
    );
}

#[test]
fn disappears_stream_then_app_instance() {
    let Some(account) = account() else {
        return;
    };
    let app = account.app_instance();
    let stream = unique("gone");
    let ws = account.workspace(&app.arn, &managed("Channel", &stream, ""));
    ws.apply().assert_ok();

    account.delete_stream(&stream);
    std::thread::sleep(std::time::Duration::from_secs(30));
    assert_eq!(ws.plan_exit().code, 2, "a deleted stream is a diff");

    account
        .rt
        .block_on(
            account
                .identity
                .delete_app_instance()
                .app_instance_arn(&app.arn)
                .send(),
        )
        .expect("DeleteAppInstance");
    let plan = ws.plan_json();
    plan.assert_ok();
    assert_eq!(
        plan.find("warning", "AppInstance no longer exists").len(),
        1,
        "{}",
        plan.output()
    );
    ws.destroy().assert_ok();
}

#[test]
fn import_and_bring_your_own_stream() {
    let Some(account) = account() else {
        return;
    };
    let app = account.app_instance();
    let name = unique("byo");
    let arn = account.own_stream(&name);
    account
        .rt
        .block_on(
            account
                .messaging
                .put_messaging_streaming_configurations()
                .app_instance_arn(&app.arn)
                .streaming_configurations(
                    aws_sdk_chimesdkmessaging::types::StreamingConfiguration::builder()
                        .data_type(
                            aws_sdk_chimesdkmessaging::types::MessagingDataType::ChannelMessage,
                        )
                        .resource_arn(&arn)
                        .build()
                        .unwrap(),
                )
                .send(),
        )
        .expect("PutMessagingStreamingConfigurations");

    let ws = account.workspace(&app.arn, &referenced("ChannelMessage", &arn));
    ws.run(&["init", "-input=false", "-no-color"]);
    ws.run(&[
        "import",
        "-input=false",
        "-no-color",
        "chimesdk_messaging_streaming_configuration.this",
        &app.arn,
    ])
    .assert_ok();
    assert_eq!(ws.plan_exit().code, 0, "the imported configuration matches");
    ws.destroy().assert_ok();
    assert!(
        account.stream(&name).is_some(),
        "a referenced stream is never deleted"
    );
    account.delete_stream(&name);
}
