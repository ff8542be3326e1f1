//! Direct AWS calls for arranging and checking tests: Kinesis, KMS and IAM
//! on moto through the SDKs, Lex V2 models policies on moto and Chime
//! identity/messaging on chimesdk-local over plain HTTP.

use aws_sdk_kinesis::types::EncryptionType;
use serde_json::{Value, json};

pub struct Aws {
    pub kinesis: aws_sdk_kinesis::Client,
    pub kms: aws_sdk_kms::Client,
    pub iam: aws_sdk_iam::Client,
    pub moto_url: String,
    pub chime_url: String,
    rt: tokio::runtime::Runtime,
}

pub fn enc(arn: &str) -> String {
    percent_encoding::utf8_percent_encode(arn, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Aws {
    pub fn new(moto_url: &str, chime_url: &str) -> Aws {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let creds = aws_credential_types::Credentials::new("test", "test", None, None, "tests");
        let conf = aws_sdk_kinesis::Config::builder()
            .behavior_version(aws_sdk_kinesis::config::BehaviorVersion::latest())
            .region(aws_sdk_kinesis::config::Region::new("us-east-1"))
            .credentials_provider(creds.clone())
            .endpoint_url(moto_url)
            .http_client(crate::paths::http_client())
            .build();
        let iam = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(creds.clone())
            .endpoint_url(moto_url)
            .http_client(crate::paths::http_client())
            .build();
        let kms = aws_sdk_kms::Config::builder()
            .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
            .region(aws_sdk_kms::config::Region::new("us-east-1"))
            .credentials_provider(creds)
            .endpoint_url(moto_url)
            .http_client(crate::paths::http_client())
            .build();
        Aws {
            kinesis: aws_sdk_kinesis::Client::from_conf(conf),
            kms: aws_sdk_kms::Client::from_conf(kms),
            iam: aws_sdk_iam::Client::from_conf(iam),
            moto_url: moto_url.to_string(),
            chime_url: chime_url.to_string(),
            rt,
        }
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Puts `policy` on `resource_arn` in moto's Lex V2 models (which keeps
    /// a policy for any ARN, an alias it does not have included), replacing
    /// one there. Plain HTTP as botocore sends it: moto routes these only
    /// with botocore's trailing slash, which the Rust SDK does not send.
    pub fn put_lex_policy(&self, resource_arn: &str, policy: &str) {
        let url = format!("{}/policy/{}/", self.moto_url, enc(resource_arn));
        let auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lex/aws4_request, \
                    SignedHeaders=host, Signature=0";
        let r = ureq::post(&url)
            .header("Authorization", auth)
            .header("Content-Type", "application/json")
            .send(json!({ "policy": policy }).to_string());
        assert!(r.is_ok(), "CreateResourcePolicy on moto: {r:?}");
    }

    pub fn create_app_instance(&self, name: &str) -> String {
        let r: Value = ureq::post(&format!("{}/app-instances", self.chime_url))
            .send_json(json!({ "Name": name, "ClientRequestToken": format!("tok-{}", uuid::Uuid::new_v4().simple()) }))
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        r["AppInstanceArn"].as_str().unwrap().to_string()
    }

    /// (status, JSON body) of any call to chimesdk-local.
    pub fn chime(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        bearer: Option<&str>,
    ) -> (u16, Value) {
        self.try_chime(method, path, body, bearer)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Makes chimesdk-local answer `operation` on a request naming `arn`
    /// with the modelled error `error`, `times` times (`None`: until
    /// [`Aws::clear_chime_faults`]). Its `--test-faults` switch.
    pub fn chime_fault(&self, operation: &str, arn: &str, error: &str, times: Option<u32>) {
        let (status, body) = self.chime(
            "POST",
            "/_chimesdk-local/faults",
            Some(serde_json::json!({
                "operation": operation, "arn": arn, "error": error, "times": times,
            })),
            None,
        );
        assert_eq!(status, 204, "setting a chimesdk-local fault: {body}");
    }

    pub fn clear_chime_faults(&self) {
        let (status, body) = self.chime("DELETE", "/_chimesdk-local/faults", None, None);
        assert_eq!(status, 204, "clearing chimesdk-local faults: {body}");
    }

    /// As [`Aws::chime`], with a transport failure (no server) as an error.
    pub fn try_chime(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        bearer: Option<&str>,
    ) -> Result<(u16, Value), ureq::Error> {
        let url = format!("{}{}", self.chime_url, path);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let result = match (method, body) {
            ("GET", _) => {
                let mut r = agent.get(&url);
                if let Some(b) = bearer {
                    r = r.header("x-amz-chime-bearer", b);
                }
                r.call()
            }
            ("DELETE", _) => {
                let mut r = agent.delete(&url);
                if let Some(b) = bearer {
                    r = r.header("x-amz-chime-bearer", b);
                }
                r.call()
            }
            (m, body) => {
                let mut r = if m == "PUT" {
                    agent.put(&url)
                } else {
                    agent.post(&url)
                };
                if let Some(b) = bearer {
                    r = r.header("x-amz-chime-bearer", b);
                }
                r.send_json(body.unwrap_or(json!({})))
            }
        };
        let mut resp = result?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    pub fn streaming_configuration(&self, app: &str) -> Option<Vec<(String, String)>> {
        let (status, body) = self.chime(
            "GET",
            &format!("/app-instances/{}/streaming-configurations", enc(app)),
            None,
            None,
        );
        if status == 404 {
            return None;
        }
        assert_eq!(status, 200, "{body}");
        let mut out: Vec<(String, String)> = body["StreamingConfigurations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["DataType"].as_str().unwrap().to_string(),
                    c["ResourceArn"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        out.sort();
        Some(out)
    }

    pub fn put_streaming_configuration(&self, app: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
        let list: Vec<Value> = pairs
            .iter()
            .map(|(dt, arn)| json!({ "DataType": dt, "ResourceArn": arn }))
            .collect();
        self.chime(
            "PUT",
            &format!("/app-instances/{}/streaming-configurations", enc(app)),
            Some(json!({ "StreamingConfigurations": list })),
            None,
        )
    }

    pub fn delete_streaming_configuration(&self, app: &str) {
        let (status, _) = self.chime(
            "DELETE",
            &format!("/app-instances/{}/streaming-configurations", enc(app)),
            None,
            None,
        );
        assert_eq!(status, 204);
    }

    /// A customer-managed symmetric key with this key policy; its key ID.
    pub fn create_key(&self, policy: &str) -> String {
        self.block_on(async {
            let out = self.kms.create_key().policy(policy).send().await.unwrap();
            out.key_metadata().unwrap().key_id().to_string()
        })
    }

    /// Chime SDK messaging's service-linked role, as the service makes it.
    pub fn create_service_linked_role(&self) {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"messaging.chime.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        self.block_on(async {
            self.iam
                .create_role()
                .role_name("AWSServiceRoleForChimeSDKMessaging")
                .path("/aws-service-role/messaging.chime.amazonaws.com/")
                .assume_role_policy_document(trust)
                .send()
                .await
                .unwrap()
        });
    }

    pub fn create_alias(&self, alias: &str, key_id: &str) {
        self.block_on(async {
            self.kms
                .create_alias()
                .alias_name(alias)
                .target_key_id(key_id)
                .send()
                .await
                .unwrap()
        });
    }

    pub fn disable_key(&self, key_id: &str) {
        self.block_on(async { self.kms.disable_key().key_id(key_id).send().await.unwrap() });
    }

    pub fn schedule_key_deletion(&self, key_id: &str) {
        self.block_on(async {
            self.kms
                .schedule_key_deletion()
                .key_id(key_id)
                .pending_window_in_days(7)
                .send()
                .await
                .unwrap()
        });
    }

    /// Creates a stream encrypted with `key` (any form StartStreamEncryption takes).
    pub fn create_stream_with_key(&self, name: &str, key: &str) -> String {
        let arn = self.create_stream(name, 2, false);
        self.block_on(async {
            self.kinesis
                .start_stream_encryption()
                .stream_name(name)
                .encryption_type(EncryptionType::Kms)
                .key_id(key)
                .send()
                .await
                .unwrap()
        });
        arn
    }

    /// Creates a stream out of band, optionally encrypted; waits for nothing (moto is instant).
    pub fn create_stream(&self, name: &str, shards: i32, encrypted: bool) -> String {
        self.block_on(async {
            self.kinesis
                .create_stream()
                .stream_name(name)
                .shard_count(shards)
                .send()
                .await
                .unwrap();
            if encrypted {
                self.kinesis
                    .start_stream_encryption()
                    .stream_name(name)
                    .encryption_type(EncryptionType::Kms)
                    .key_id("alias/aws/kinesis")
                    .send()
                    .await
                    .unwrap();
            }
        });
        format!("arn:aws:kinesis:us-east-1:123456789012:stream/{name}")
    }

    pub fn stream_names(&self) -> Vec<String> {
        self.block_on(async {
            self.kinesis
                .list_streams()
                .send()
                .await
                .unwrap()
                .stream_names()
                .to_vec()
        })
    }

    /// (open shards, encrypted, key, retention)
    pub fn stream(&self, name: &str) -> Option<(i32, bool, Option<String>, i32)> {
        self.block_on(async {
            let out = self
                .kinesis
                .describe_stream_summary()
                .stream_name(name)
                .send()
                .await
                .ok()?;
            let s = out.stream_description_summary()?;
            Some((
                s.open_shard_count(),
                s.encryption_type() == Some(&EncryptionType::Kms),
                s.key_id().map(str::to_string),
                s.retention_period_hours(),
            ))
        })
    }

    pub fn stop_encryption(&self, name: &str) {
        self.block_on(async {
            self.kinesis
                .stop_stream_encryption()
                .stream_name(name)
                .encryption_type(EncryptionType::Kms)
                .key_id("alias/aws/kinesis")
                .send()
                .await
                .unwrap();
        });
    }

    pub fn set_shards(&self, name: &str, n: i32) {
        self.block_on(async {
            self.kinesis
                .update_shard_count()
                .stream_name(name)
                .target_shard_count(n)
                .scaling_type(aws_sdk_kinesis::types::ScalingType::UniformScaling)
                .send()
                .await
                .unwrap();
        });
    }

    /// Every tag of a stream (one page: tests stay under 50 tags).
    pub fn tags(&self, name: &str) -> std::collections::BTreeMap<String, String> {
        self.block_on(async {
            let out = self
                .kinesis
                .list_tags_for_stream()
                .stream_name(name)
                .limit(50)
                .send()
                .await
                .unwrap();
            out.tags()
                .iter()
                .map(|t| {
                    (
                        t.key().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
    }

    /// Adds or overwrites tags out of band.
    pub fn add_tags(&self, name: &str, tags: &[(&str, &str)]) {
        self.block_on(async {
            let mut req = self.kinesis.add_tags_to_stream().stream_name(name);
            for (k, v) in tags {
                req = req.tags(*k, *v);
            }
            req.send().await.unwrap();
        });
    }

    pub fn delete_stream(&self, name: &str) {
        self.block_on(async {
            self.kinesis
                .delete_stream()
                .stream_name(name)
                .send()
                .await
                .unwrap();
        });
    }
}

/// A record as read back from Kinesis.
#[derive(Debug, Clone)]
pub struct Record {
    pub partition_key: String,
    pub data: Value,
    pub sequence: String,
}

impl Aws {
    /// Every record in the stream, shard by shard, each shard in order.
    pub fn records(&self, stream: &str) -> Vec<Record> {
        self.block_on(async {
            let shards = self
                .kinesis
                .list_shards()
                .stream_name(stream)
                .send()
                .await
                .unwrap();
            let mut out = Vec::new();
            for shard in shards.shards() {
                let mut it = self
                    .kinesis
                    .get_shard_iterator()
                    .stream_name(stream)
                    .shard_id(shard.shard_id())
                    .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::TrimHorizon)
                    .send()
                    .await
                    .unwrap()
                    .shard_iterator()
                    .map(str::to_string);
                while let Some(i) = it {
                    let r = self
                        .kinesis
                        .get_records()
                        .shard_iterator(&i)
                        .limit(10_000)
                        .send()
                        .await
                        .unwrap();
                    if r.records().is_empty() {
                        break;
                    }
                    for rec in r.records() {
                        out.push(Record {
                            partition_key: rec.partition_key().unwrap_or_default().to_string(),
                            data: serde_json::from_slice(rec.data().as_ref()).unwrap(),
                            sequence: rec.sequence_number().to_string(),
                        });
                    }
                    it = r.next_shard_iterator().map(str::to_string);
                }
            }
            out
        })
    }

    /// Polls until `pred` holds for the stream's records (delivery is asynchronous).
    pub fn wait_records(
        &self,
        stream: &str,
        what: &str,
        pred: impl Fn(&[Record]) -> bool,
    ) -> Vec<Record> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let recs = self.records(stream);
            if pred(&recs) {
                return recs;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}; have {} records",
                recs.len()
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}
