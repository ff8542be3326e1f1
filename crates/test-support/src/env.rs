//! One test's world: moto and chimesdk-local, each behind a recording,
//! fault-injecting proxy, and helpers to write stacks against them.

use super::processor::{Answer, Processor};
use super::proxy::Proxy;
use super::terraform::provider_block;
use super::{Aws, Services, Workspace};

pub struct Env {
    pub svc: Services,
    pub aws: Aws,
    pub kinesis: Proxy,
    pub chime: Proxy,
    pub app: String,
    /// The channel flow processors' Invoke API, when chimesdk-local runs
    /// flows ([`Env::with_processor`]).
    pub processor: Option<Processor>,
}

impl Env {
    pub fn new() -> Env {
        let svc = Services::start();
        let aws = Aws::new(&svc.moto_url, &svc.chime_url);
        let app = aws.create_app_instance("test");
        let kinesis = Proxy::start(&svc.moto_url);
        let chime = Proxy::start(&svc.chime_url);
        Env {
            svc,
            aws,
            kinesis,
            chime,
            app,
            processor: None,
        }
    }

    /// chimesdk-local invokes channel flow processors at a test processor
    /// answering `answer`, after reading their policies from moto.
    pub fn with_processor(answer: Answer) -> Env {
        let processor = Processor::start(answer);
        let mut svc = Services::start();
        let moto = svc.moto_url.clone();
        svc.restart_chime_with(&[
            "--lambda-endpoint",
            &processor.url,
            "--lambda-policy-endpoint",
            &moto,
        ]);
        processor.call_back_to(&svc.chime_url);
        let aws = Aws::new(&svc.moto_url, &svc.chime_url);
        let app = aws.create_app_instance("test");
        let kinesis = Proxy::start(&svc.moto_url);
        let chime = Proxy::start(&svc.chime_url);
        Env {
            svc,
            aws,
            kinesis,
            chime,
            app,
            processor: Some(processor),
        }
    }

    /// A workspace whose provider talks to the proxies.
    pub fn stack(&self) -> Workspace {
        Workspace::new()
    }

    pub fn provider(&self) -> String {
        provider_block(&self.kinesis.url, &self.chime.url)
    }

    /// Writes main.tf with the resource `name` holding `blocks`.
    pub fn write(&self, ws: &Workspace, blocks: &str) {
        self.write_for(ws, &self.app, blocks);
    }

    pub fn write_for(&self, ws: &Workspace, app: &str, blocks: &str) {
        ws.write(
            "main.tf",
            &format!(
                "{}\nresource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{app}\"\n{blocks}}}\n",
                self.provider()
            ),
        );
    }

    pub fn stream_arn(name: &str) -> String {
        format!("arn:aws:kinesis:us-east-1:123456789012:stream/{name}")
    }
}

pub fn managed(data_type: &str, name: &str, extra: &str) -> String {
    format!(
        "  streaming_configuration {{\n    data_type = \"{data_type}\"\n    stream {{\n      name = \"{name}\"\n{extra}    }}\n  }}\n"
    )
}

pub fn referenced(data_type: &str, arn: &str) -> String {
    format!(
        "  streaming_configuration {{\n    data_type    = \"{data_type}\"\n    resource_arn = \"{arn}\"\n  }}\n"
    )
}

pub use crate::model::mutating;

/// In the IAM policies, but called only when an answer was ambiguous: the
/// List calls that prove an object gone (src/aws/gone.rs). A lifecycle
/// without such an answer never makes them; tests/e2e/ambiguous_answers.rs
/// makes every one.
pub const ONLY_TO_PROVE_AN_OBJECT_GONE: &[&str] =
    &["chime:ListAppInstances", "chime:ListAppInstanceUsers"];
