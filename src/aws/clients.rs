//! The one set of AWS clients a configured provider shares with every
//! resource: aws-config's standard chain (or web identity, then an assumed
//! role), each service with its own endpoint, one HTTP client setup.

use std::path::PathBuf;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use tokio_util::sync::CancellationToken;

use super::credentials::{
    AssumeRole, AssumeRoleProvider, AssumeRoleWithWebIdentity, WebIdentityProvider,
};
use super::endpoints::{Endpoints, Service};
use super::error::AwsError;
use super::http::{HttpClients, HttpSettings, HttpSetupError};
use super::retry::{RetryPolicy, classify, with_retries};
use super::tags::Tags;

/// What the provider block (and its environment variables) ask for,
/// already validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub shared_config_files: Vec<PathBuf>,
    pub shared_credentials_files: Vec<PathBuf>,
    pub max_retries: u32,
    pub skip_credentials_validation: bool,
    pub allowed_account_ids: Vec<String>,
    pub forbidden_account_ids: Vec<String>,
    pub endpoints: Endpoints,
    pub assume_role: Option<AssumeRole>,
    pub assume_role_with_web_identity: Option<AssumeRoleWithWebIdentity>,
    pub http: HttpSettings,
    /// `default_tags { tags }`: set on every stream a resource creates.
    pub default_tags: Tags,
}

pub struct AwsClients {
    pub kinesis: aws_sdk_kinesis::Client,
    pub kms: aws_sdk_kms::Client,
    pub iam: aws_sdk_iam::Client,
    pub chime: aws_sdk_chimesdkmessaging::Client,
    pub identity: aws_sdk_chimesdkidentity::Client,
    /// Lex V2 models: a bot alias and its resource policy, at plan.
    pub lex: aws_sdk_lexmodelsv2::Client,
    /// Lambda: a channel flow processor's function and policy, at plan.
    pub lambda: aws_sdk_lambda::Client,
    pub region: String,
    /// `None` when skip_credentials_validation left it unresolved.
    pub account_id: Option<String>,
    pub partition: String,
    /// A custom Chime SDK messaging endpoint is set: any region may work.
    pub custom_chime_endpoint: bool,
    pub retry: RetryPolicy,
    /// The provider's `default_tags`, merged under each stream's own tags.
    pub default_tags: Tags,
    /// Plan-time lookups, shared by every resource this process plans.
    pub lookups: super::lookups::SharedLookups,
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
    /// STS never answered: the network (or the endpoint, or the proxy).
    #[error("no answer from STS at {url}")]
    StsUnreachable {
        url: String,
        proxy: Option<String>,
        why: String,
    },
    #[error("account {0} is not allowed")]
    AccountNotAllowed(String),
    #[error("account {0} is forbidden")]
    AccountForbidden(String),
    #[error(transparent)]
    Http(#[from] HttpSetupError),
}

/// The regional STS endpoint the SDK calls when none is configured.
fn default_sts_url(region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://sts.{region}.{suffix}")
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

/// Region, profile, shared files, timeouts and the base credential chain.
/// No endpoint here: each service gets its own (an `sts` endpoint must not
/// reroute Kinesis or Chime).
async fn base_config(settings: &ClientSettings, http: &HttpClients) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // Our retry policy (retry.rs) does every retry; one attempt here.
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        )
        // The credential chain's own calls (SSO, IMDS, profile roles) go
        // through the STS endpoint's client: HTTPS unless sts says http.
        .http_client(http.for_endpoint(settings.endpoints.get(Service::Sts)));
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if !settings.shared_config_files.is_empty() || !settings.shared_credentials_files.is_empty() {
        let mut files = EnvConfigFiles::builder();
        for f in &settings.shared_config_files {
            files = files.with_file(EnvConfigFileKind::Config, f);
        }
        for f in &settings.shared_credentials_files {
            files = files.with_file(EnvConfigFileKind::Credentials, f);
        }
        // Listing only config files keeps the default credentials file, and
        // the other way round, as the AWS provider does.
        if settings.shared_config_files.is_empty() {
            files = files.include_default_config_file(true);
        }
        if settings.shared_credentials_files.is_empty() {
            files = files.include_default_credentials_file(true);
        }
        loader = loader.profile_files(files.build());
    }
    loader.load().await
}

/// A service's config builder from the shared config, with its endpoint
/// override (the `endpoints` table) and the HTTP client for that endpoint's
/// scheme. A macro: each SDK has its own builder type with the same methods.
macro_rules! at_endpoint {
    ($sdk:ident, $config:expr, $service:expr, $settings:expr, $http:expr) => {{
        let endpoint = $settings.endpoints.get($service);
        let builder =
            $sdk::config::Builder::from($config).http_client($http.for_endpoint(endpoint));
        match endpoint {
            Some(url) => builder.endpoint_url(url),
            None => builder,
        }
    }};
}

/// An STS client for `config`'s credentials, at the `sts` endpoint.
fn sts_client(
    config: &SdkConfig,
    settings: &ClientSettings,
    http: &HttpClients,
    credentials: Option<SharedCredentialsProvider>,
) -> aws_sdk_sts::Client {
    let mut b = at_endpoint!(aws_sdk_sts, config, Service::Sts, settings, http);
    b.set_credentials_provider(credentials);
    aws_sdk_sts::Client::from_conf(b.build())
}

/// The credentials every call uses: the standard chain, or web identity
/// instead of it; then, if asked, a role assumed with those.
fn credentials(
    base: &SdkConfig,
    settings: &ClientSettings,
    http: &HttpClients,
) -> Option<SharedCredentialsProvider> {
    let mut creds = base.credentials_provider();
    if let Some(web) = &settings.assume_role_with_web_identity {
        // AssumeRoleWithWebIdentity is unsigned: no credentials needed.
        let sts = sts_client(base, settings, http, None);
        creds = Some(SharedCredentialsProvider::new(WebIdentityProvider {
            sts,
            role: web.clone(),
        }));
    }
    if let Some(role) = &settings.assume_role {
        let sts = sts_client(base, settings, http, creds);
        creds = Some(SharedCredentialsProvider::new(AssumeRoleProvider {
            sts,
            role: role.clone(),
        }));
    }
    creds
}

/// `allowed_account_ids` / `forbidden_account_ids` against the caller's account.
pub fn check_account(settings: &ClientSettings, account: &str) -> Result<(), ConfigureError> {
    if !settings.allowed_account_ids.is_empty()
        && !settings.allowed_account_ids.iter().any(|a| a == account)
    {
        return Err(ConfigureError::AccountNotAllowed(account.to_string()));
    }
    if settings.forbidden_account_ids.iter().any(|a| a == account) {
        return Err(ConfigureError::AccountForbidden(account.to_string()));
    }
    Ok(())
}

impl AwsClients {
    pub async fn connect(
        settings: &ClientSettings,
        cancel: &CancellationToken,
    ) -> Result<AwsClients, ConfigureError> {
        let http = settings.http.clients()?;
        let base = base_config(settings, &http).await;
        let region = base
            .region()
            .map(|r| r.to_string())
            .filter(|r| !r.is_empty())
            .ok_or(ConfigureError::NoRegion)?;
        let creds = credentials(&base, settings, &http);
        let mut builder = base.into_builder();
        builder.set_credentials_provider(creds.clone());
        let config = builder.build();

        let retry = RetryPolicy::new(settings.max_retries);
        let mut account_id = None;
        if !settings.skip_credentials_validation {
            let provider = creds.ok_or_else(|| ConfigureError::NoCredentials(String::new()))?;
            match provider.provide_credentials().await {
                Ok(_) => {}
                Err(e @ CredentialsError::CredentialsNotLoaded(_)) => {
                    return Err(ConfigureError::NoCredentials(error_chain(&e)));
                }
                Err(e) => return Err(ConfigureError::CredentialsFailed(error_chain(&e))),
            }
            let sts = sts_client(&config, settings, &http, config.credentials_provider());
            let identity = with_retries(retry, cancel, "STS GetCallerIdentity", classify, || {
                sts.get_caller_identity().send()
            })
            .await
            .map_err(|e| match AwsError::from(e) {
                AwsError::Unanswered {
                    attempts,
                    last,
                    detail,
                } => {
                    let url = settings
                        .endpoints
                        .get(Service::Sts)
                        .map(str::to_string)
                        .unwrap_or_else(|| default_sts_url(&region));
                    ConfigureError::StsUnreachable {
                        proxy: settings.http.proxy.for_url(&url).map(str::to_string),
                        why: format!("{attempts} attempts, {last}: {detail}"),
                        url,
                    }
                }
                other => ConfigureError::CallerIdentity(other.to_string()),
            })?;
            let account = identity.account().unwrap_or_default().to_string();
            check_account(settings, &account)?;
            account_id = Some(account);
        }

        Ok(AwsClients {
            kinesis: aws_sdk_kinesis::Client::from_conf(
                at_endpoint!(aws_sdk_kinesis, &config, Service::Kinesis, settings, http).build(),
            ),
            kms: aws_sdk_kms::Client::from_conf(
                at_endpoint!(aws_sdk_kms, &config, Service::Kms, settings, http).build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                at_endpoint!(aws_sdk_iam, &config, Service::Iam, settings, http).build(),
            ),
            chime: aws_sdk_chimesdkmessaging::Client::from_conf(
                at_endpoint!(
                    aws_sdk_chimesdkmessaging,
                    &config,
                    Service::ChimeSdkMessaging,
                    settings,
                    http
                )
                .build(),
            ),
            identity: aws_sdk_chimesdkidentity::Client::from_conf(
                at_endpoint!(
                    aws_sdk_chimesdkidentity,
                    &config,
                    Service::ChimeSdkIdentity,
                    settings,
                    http
                )
                .build(),
            ),
            lex: aws_sdk_lexmodelsv2::Client::from_conf(
                at_endpoint!(
                    aws_sdk_lexmodelsv2,
                    &config,
                    Service::LexModelsV2,
                    settings,
                    http
                )
                .build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                at_endpoint!(aws_sdk_lambda, &config, Service::Lambda, settings, http).build(),
            ),
            partition: partition_of(&region).to_string(),
            region,
            account_id,
            custom_chime_endpoint: settings.endpoints.get(Service::ChimeSdkMessaging).is_some(),
            default_tags: settings.default_tags.clone(),
            lookups: Default::default(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_and_forbidden_accounts() {
        let mut s = ClientSettings {
            allowed_account_ids: vec!["111111111111".into()],
            ..Default::default()
        };
        assert!(check_account(&s, "111111111111").is_ok());
        assert!(matches!(
            check_account(&s, "222222222222"),
            Err(ConfigureError::AccountNotAllowed(a)) if a == "222222222222"
        ));
        s.allowed_account_ids.clear();
        s.forbidden_account_ids = vec!["222222222222".into()];
        assert!(check_account(&s, "111111111111").is_ok());
        assert!(matches!(
            check_account(&s, "222222222222"),
            Err(ConfigureError::AccountForbidden(_))
        ));
    }
}
