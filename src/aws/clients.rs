//! The one set of AWS clients a configured provider shares with every
//! resource: built from aws-config's standard credential chain.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use tokio_util::sync::CancellationToken;

use super::retry::{RetryPolicy, classify, with_retries};

/// What the provider block asks for, already validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub max_retries: u32,
    pub skip_credentials_validation: bool,
    pub kinesis_endpoint: Option<String>,
    pub chime_sdk_messaging_endpoint: Option<String>,
    pub chime_sdk_identity_endpoint: Option<String>,
    pub sts_endpoint: Option<String>,
    pub assume_role: Option<AssumeRole>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

pub struct AwsClients {
    pub kinesis: aws_sdk_kinesis::Client,
    pub chime: aws_sdk_chimesdkmessaging::Client,
    pub identity: aws_sdk_chimesdkidentity::Client,
    pub region: String,
    /// `None` when skip_credentials_validation left it unresolved.
    pub account_id: Option<String>,
    pub partition: String,
    pub retry: RetryPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigureError {
    #[error("no AWS region")]
    NoRegion,
    #[error("no AWS credentials")]
    NoCredentials(String),
    #[error("AWS credentials could not be loaded")]
    CredentialsFailed(String),
    #[error("checking the AWS credentials with STS GetCallerIdentity failed")]
    CallerIdentity(String),
}

/// The partition a region belongs to, for ARNs.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

async fn base_config(settings: &ClientSettings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // Our retry policy (retry.rs) does every retry; one attempt here.
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(sts) = &settings.sts_endpoint {
        // Only STS is affected; the other services get their own below.
        loader = loader.endpoint_url(sts);
    }
    loader.load().await
}

impl AwsClients {
    pub async fn connect(
        settings: &ClientSettings,
        cancel: &CancellationToken,
    ) -> Result<AwsClients, ConfigureError> {
        let mut config = base_config(settings).await;
        let region = config
            .region()
            .map(|r| r.to_string())
            .filter(|r| !r.is_empty())
            .ok_or(ConfigureError::NoRegion)?;

        if let Some(role) = &settings.assume_role {
            let mut builder = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
                .session_name(
                    role.session_name
                        .clone()
                        .unwrap_or_else(|| "terraform-provider-chimesdk".into()),
                )
                .configure(&config);
            if let Some(id) = &role.external_id {
                builder = builder.external_id(id);
            }
            let provider = builder.build().await;
            config = config
                .into_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(provider),
                )
                .build();
        }

        let retry = RetryPolicy::new(settings.max_retries);
        let mut account_id = None;
        if !settings.skip_credentials_validation {
            let creds = config
                .credentials_provider()
                .ok_or_else(|| ConfigureError::NoCredentials(String::new()))?;
            match creds.provide_credentials().await {
                Ok(_) => {}
                Err(CredentialsError::CredentialsNotLoaded(e)) => {
                    return Err(ConfigureError::NoCredentials(format!("{e:?}")));
                }
                Err(e) => return Err(ConfigureError::CredentialsFailed(error_chain(&e))),
            }
            let sts = aws_sdk_sts::Client::new(&config);
            let identity = with_retries(retry, cancel, "STS GetCallerIdentity", classify, || {
                sts.get_caller_identity().send()
            })
            .await
            .map_err(|e| ConfigureError::CallerIdentity(e.to_string()))?;
            account_id = identity.account().map(str::to_string);
        }

        let mut kinesis = aws_sdk_kinesis::config::Builder::from(&config);
        if let Some(url) = &settings.kinesis_endpoint {
            kinesis = kinesis.endpoint_url(url);
        }
        let mut chime = aws_sdk_chimesdkmessaging::config::Builder::from(&config);
        if let Some(url) = &settings.chime_sdk_messaging_endpoint {
            chime = chime.endpoint_url(url);
        }
        let mut identity = aws_sdk_chimesdkidentity::config::Builder::from(&config);
        if let Some(url) = &settings.chime_sdk_identity_endpoint {
            identity = identity.endpoint_url(url);
        }
        Ok(AwsClients {
            kinesis: aws_sdk_kinesis::Client::from_conf(kinesis.build()),
            chime: aws_sdk_chimesdkmessaging::Client::from_conf(chime.build()),
            identity: aws_sdk_chimesdkidentity::Client::from_conf(identity.build()),
            partition: partition_of(&region).to_string(),
            region,
            account_id,
            retry,
        })
    }
}

/// An error and its causes on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
