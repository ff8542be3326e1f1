//! Credentials from STS that the provider block asks for: AssumeRole (with
//! every argument terraform-provider-aws takes) and AssumeRoleWithWebIdentity
//! (how GitHub Actions and GitLab pipelines authenticate). The SDK clients
//! cache what these return until shortly before it expires.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, future};
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};

pub const DEFAULT_SESSION_NAME: &str = "terraform-provider-chimesdk";

/// What every STS role assumption shares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleSession {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub duration: Option<Duration>,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
}

impl RoleSession {
    fn session_name(&self) -> String {
        self.session_name
            .clone()
            .unwrap_or_else(|| DEFAULT_SESSION_NAME.into())
    }

    fn duration_seconds(&self) -> Option<i32> {
        self.duration
            .map(|d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
    }

    fn policy_descriptors(&self) -> Option<Vec<PolicyDescriptorType>> {
        (!self.policy_arns.is_empty()).then(|| {
            self.policy_arns
                .iter()
                .map(|arn| PolicyDescriptorType::builder().arn(arn).build())
                .collect()
        })
    }
}

/// `assume_role { ... }`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssumeRole {
    pub session: RoleSession,
    pub external_id: Option<String>,
    pub tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
}

/// Where a web identity token comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum WebIdentityToken {
    Value(String),
    /// Read on every refresh: CI systems rotate the file.
    File(PathBuf),
}

/// `assume_role_with_web_identity { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRoleWithWebIdentity {
    pub session: RoleSession,
    pub token: WebIdentityToken,
}

fn from_sts(
    creds: Option<&aws_sdk_sts::types::Credentials>,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let c = creds.ok_or_else(|| {
        CredentialsError::unhandled("STS answered without credentials".to_string())
    })?;
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        provider,
    ))
}

/// A failed STS call as a credentials error: operation, role and cause.
fn sts_failure(
    operation: &str,
    role_arn: &str,
    e: &(dyn std::error::Error + 'static),
) -> CredentialsError {
    CredentialsError::provider_error(format!(
        "STS {operation} for {role_arn}: {}",
        aws_smithy_types::error::display::DisplayErrorContext(e)
    ))
}

/// STS AssumeRole with the credentials of the STS client it is given.
#[derive(Debug)]
pub struct AssumeRoleProvider {
    pub sts: aws_sdk_sts::Client,
    pub role: AssumeRole,
}

impl AssumeRoleProvider {
    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let r = &self.role;
        let mut tags = Vec::with_capacity(r.tags.len());
        for (k, v) in &r.tags {
            tags.push(
                Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .map_err(CredentialsError::invalid_configuration)?,
            );
        }
        let out = self
            .sts
            .assume_role()
            .role_arn(&r.session.role_arn)
            .role_session_name(r.session.session_name())
            .set_external_id(r.external_id.clone())
            .set_duration_seconds(r.session.duration_seconds())
            .set_policy(r.session.policy.clone())
            .set_policy_arns(r.session.policy_descriptors())
            .set_tags((!tags.is_empty()).then_some(tags))
            .set_transitive_tag_keys(
                (!r.transitive_tag_keys.is_empty()).then(|| r.transitive_tag_keys.clone()),
            )
            .set_source_identity(r.source_identity.clone())
            .send()
            .await
            .map_err(|e| sts_failure("AssumeRole", &r.session.role_arn, &e))?;
        from_sts(out.credentials(), "AssumeRole")
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.assume())
    }
}

/// STS AssumeRoleWithWebIdentity; the call is unsigned, so it needs no
/// other credentials.
#[derive(Debug)]
pub struct WebIdentityProvider {
    pub sts: aws_sdk_sts::Client,
    pub role: AssumeRoleWithWebIdentity,
}

impl WebIdentityProvider {
    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let r = &self.role;
        let token = match &r.token {
            WebIdentityToken::Value(v) => v.clone(),
            WebIdentityToken::File(path) => std::fs::read_to_string(path)
                .map_err(|e| {
                    CredentialsError::invalid_configuration(format!(
                        "reading the web identity token file {}: {e}",
                        path.display()
                    ))
                })?
                .trim()
                .to_string(),
        };
        let out = self
            .sts
            .assume_role_with_web_identity()
            .role_arn(&r.session.role_arn)
            .role_session_name(r.session.session_name())
            .web_identity_token(token)
            .set_duration_seconds(r.session.duration_seconds())
            .set_policy(r.session.policy.clone())
            .set_policy_arns(r.session.policy_descriptors())
            .send()
            .await
            .map_err(|e| sts_failure("AssumeRoleWithWebIdentity", &r.session.role_arn, &e))?;
        from_sts(out.credentials(), "AssumeRoleWithWebIdentity")
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.assume())
    }
}
