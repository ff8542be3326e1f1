//! What the real service meets when its service-linked role cannot use a
//! stream's KMS key: before each PutRecords, a stream encrypted with a
//! customer-managed key is checked (the key in the Kinesis endpoint's KMS,
//! its policy judged by `kms_policy`), and a key the role could not use
//! refuses the batch with the KMS error Kinesis would answer, so records
//! are dead-lettered as they would be lost. A key whose policy cannot be
//! judged, or a lookup that fails, lets the batch through.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_kms::types::{KeyManagerType, KeyState};

use chimesdk_domain::arn::StreamArn;
use chimesdk_domain::kms_policy::{ACTION, SERVICE_LINKED_ROLE, Verdict, WriteRequest, evaluate};

const AWS_MANAGED_KEY: &str = "alias/aws/kinesis";
/// A verdict is reused this long: a key changed in the meantime is seen
/// within a second.
const FRESH_FOR: Duration = Duration::from_secs(1);

pub struct KeyGate {
    kinesis: aws_sdk_kinesis::Client,
    kms: aws_sdk_kms::Client,
    region: String,
    verdicts: Mutex<HashMap<String, (Instant, Option<String>)>>,
}

/// A KMS client on the Kinesis endpoint, configured as delivery's own.
pub fn kms_client(endpoint: &str, region: &str) -> aws_sdk_kms::Client {
    aws_sdk_kms::Client::new(&super::aws_clients::sdk_config(endpoint, region))
}

impl KeyGate {
    pub fn new(kinesis: aws_sdk_kinesis::Client, kms: aws_sdk_kms::Client, region: &str) -> Self {
        Self {
            kinesis,
            kms,
            region: region.to_string(),
            verdicts: Mutex::new(HashMap::new()),
        }
    }

    /// `Some("KMS...Exception: why")` when the role could not write to `stream`.
    pub async fn refusal(&self, stream: &str) -> Option<String> {
        if let Some((at, verdict)) = self
            .verdicts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(stream)
            && at.elapsed() < FRESH_FOR
        {
            return verdict.clone();
        }
        let verdict = self.judge(stream).await;
        self.verdicts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(stream.to_string(), (Instant::now(), verdict.clone()));
        verdict
    }

    async fn judge(&self, stream: &str) -> Option<String> {
        let summary = self
            .kinesis
            .describe_stream_summary()
            .stream_name(stream)
            .send()
            .await
            .ok()?;
        let s = summary.stream_description_summary()?;
        let key = s.key_id().filter(|k| *k != AWS_MANAGED_KEY)?.to_string();
        let stream_arn = StreamArn::parse(s.stream_arn()).ok()?;
        let described = match self.kms.describe_key().key_id(&key).send().await {
            Ok(d) => d,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_not_found_exception()) =>
            {
                return Some(format!(
                    "KMSNotFoundException: the key {key} does not exist"
                ));
            }
            Err(_) => return None,
        };
        let m = described.key_metadata()?;
        if m.key_manager() == Some(&KeyManagerType::Aws) {
            return None;
        }
        match m.key_state() {
            Some(KeyState::Disabled) => {
                return Some(format!("KMSDisabledException: the key {key} is disabled"));
            }
            Some(state) if *state != KeyState::Enabled => {
                return Some(format!(
                    "KMSInvalidStateException: the key {key} is {}",
                    state.as_str()
                ));
            }
            _ => {}
        }
        let policy = self
            .kms
            .get_key_policy()
            .key_id(m.key_id())
            .policy_name("default")
            .send()
            .await
            .ok()?;
        let request = WriteRequest {
            account: stream_arn.account.clone(),
            partition: stream_arn.partition.clone(),
            region: self.region.clone(),
            stream_arn: s.stream_arn().to_string(),
            key_arn: m.arn().unwrap_or_default().to_string(),
        };
        match evaluate(policy.policy().unwrap_or_default(), &request) {
            Verdict::NotAllowed | Verdict::Denied { .. } => Some(format!(
                "KMSAccessDeniedException: {SERVICE_LINKED_ROLE} is not authorized to perform {ACTION} on the key {key}"
            )),
            Verdict::Allowed | Verdict::CannotVerify { .. } => None,
        }
    }
}
