//! chimesdk-local as clients see it: the real AWS CLI for every operation
//! (status, shapes, errors per the service model), one aws-sdk-rust
//! scenario, and the events it streams to moto's Kinesis.

use std::process::Command;

use serde_json::{Value, json};
use test_support::aws::enc;
use test_support::proxy::{Fault, Proxy};
use test_support::{Aws, Services};

struct Cli {
    url: String,
}

impl Cli {
    /// Runs `aws SERVICE OP ARGS` against chimesdk-local: Ok(JSON) or Err(stderr).
    fn run(&self, args: &[&str]) -> Result<Value, String> {
        let out = Command::new("aws")
            .args(args)
            .args([
                "--endpoint-url",
                &self.url,
                "--output",
                "json",
                "--region",
                "us-east-1",
            ])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .output()
            .expect("the AWS CLI (pip install awscli)");
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            Ok(if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            })
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn ok(&self, args: &[&str]) -> Value {
        self.run(args)
            .unwrap_or_else(|e| panic!("aws {args:?} failed: {e}"))
    }
}

struct World {
    svc: Services,
    aws: Aws,
    cli: Cli,
    app: String,
    alice: String,
    bob: String,
}

fn world() -> World {
    let svc = Services::start();
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let cli = Cli {
        url: svc.chime_url.clone(),
    };
    let app = cli.ok(&[
        "chime-sdk-identity",
        "create-app-instance",
        "--name",
        "w",
        "--client-request-token",
        "app-1",
    ])["AppInstanceArn"]
        .as_str()
        .unwrap()
        .to_string();
    let user = |id: &str| {
        cli.ok(&[
            "chime-sdk-identity",
            "create-app-instance-user",
            "--app-instance-arn",
            &app,
            "--app-instance-user-id",
            id,
            "--name",
            id,
            "--client-request-token",
            &format!("user-{id}"),
        ])["AppInstanceUserArn"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let alice = user("alice");
    let bob = user("bob");
    World {
        svc,
        aws,
        cli,
        app,
        alice,
        bob,
    }
}

fn stream_arn(name: &str) -> String {
    format!("arn:aws:kinesis:us-east-1:123456789012:stream/{name}")
}

mod channel_flows;
mod cli;
mod errors;
mod events;
mod idempotency;
mod model;
mod sdk;
