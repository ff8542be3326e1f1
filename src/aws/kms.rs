//! AWS KMS: what a stream's key is (DescribeKey, aliases and ARNs
//! resolved) and its key policy (GetKeyPolicy, policy `default`).

use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState, KeyUsageType};

use super::error::AwsError;
use super::scope::Aws;

/// The key Kinesis uses when a stream names the AWS managed key.
pub const AWS_MANAGED_KINESIS_KEY: &str = "alias/aws/kinesis";

/// What DescribeKey says, as the checks read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    pub key_id: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    pub aws_managed: bool,
    /// KeyState: Enabled, Disabled, PendingDeletion, ...
    pub state: String,
    pub symmetric: bool,
    pub encrypt_decrypt: bool,
}

impl KeyFacts {
    pub fn enabled(&self) -> bool {
        self.state == KeyState::Enabled.as_str()
    }
}

pub async fn describe_key(c: &Aws<'_>, key: &str) -> Result<KeyFacts, AwsError> {
    let out = c
        .call("DescribeKey", || c.kms.describe_key().key_id(key).send())
        .await?;
    let m = out
        .key_metadata()
        .ok_or_else(|| AwsError::Other(format!("DescribeKey for {key} returned no KeyMetadata")))?;
    let arn = m.arn().unwrap_or_default().to_string();
    // arn:PARTITION:kms:REGION:ACCOUNT:key/ID
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    Ok(KeyFacts {
        key_id: m.key_id().to_string(),
        region: parts.get(3).unwrap_or(&"").to_string(),
        account: m
            .aws_account_id()
            .map(str::to_string)
            .unwrap_or_else(|| parts.get(4).unwrap_or(&"").to_string()),
        arn,
        aws_managed: m.key_manager() == Some(&KeyManagerType::Aws),
        state: m
            .key_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| {
                if m.enabled() {
                    KeyState::Enabled.as_str().to_string()
                } else {
                    KeyState::Disabled.as_str().to_string()
                }
            }),
        symmetric: m.key_spec().is_none_or(|s| *s == KeySpec::SymmetricDefault),
        encrypt_decrypt: m
            .key_usage()
            .is_none_or(|u| *u == KeyUsageType::EncryptDecrypt),
    })
}

/// The key's `default` policy, as JSON text.
pub async fn key_policy(c: &Aws<'_>, key_id: &str) -> Result<String, AwsError> {
    let out = c
        .call("GetKeyPolicy", || {
            c.kms
                .get_key_policy()
                .key_id(key_id)
                .policy_name("default")
                .send()
        })
        .await?;
    Ok(out.policy().unwrap_or_default().to_string())
}
