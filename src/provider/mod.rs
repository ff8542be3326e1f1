//! The chimesdk provider, a typed one: its configuration block as a model,
//! and ConfigureProvider turning that model into the one set of AWS clients
//! (`AwsClients`, the provider data) every resource shares.

mod config;

use async_trait::async_trait;

use crate::aws::AwsClients;
use crate::aws::clients::ConfigureError;
use tfplugin::framework::{CallContext, Diagnostics, Registry, TypedProvider};
use tfplugin::value::AttributePath;

pub use config::{ProviderConfig, schema};

/// Registry address users write as `source = "chimesdk/chimesdk"`.
pub const REGISTRY_ADDRESS: &str = "registry.terraform.io/chimesdk/chimesdk";

/// How the framework names this provider in messages, logs and variables.
pub const PRODUCT: tfplugin::plugin::Product = tfplugin::plugin::Product {
    name: "chimesdk",
    binary: "terraform-provider-chimesdk",
    version: env!("CARGO_PKG_VERSION"),
    address: REGISTRY_ADDRESS,
    env_prefix: "CHIMESDK",
    log_targets: &["chimesdk_provider", "tfplugin"],
    about: "Amazon Chime SDK messaging streaming to Kinesis",
};

/// The provider: its configuration block, and the resources and data
/// sources it serves. ConfigureProvider's result (`AwsClients`) reaches them
/// as provider data.
#[derive(Default)]
pub struct ChimeSdkProvider;

impl ChimeSdkProvider {
    pub fn new() -> Self {
        Self
    }
}

#[async_trait]
impl TypedProvider for ChimeSdkProvider {
    type Model = ProviderConfig;
    type Data = AwsClients;

    const TYPE_NAME: &'static str = "chimesdk";

    fn validate(&self, config: &ProviderConfig, diags: &mut Diagnostics) {
        config::validate(config, diags);
    }

    async fn configure(
        &self,
        config: ProviderConfig,
        _terraform_version: &str,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<AwsClients> {
        let settings = match config.into_settings(&|name| std::env::var(name).ok()) {
            Ok(s) => s,
            Err(e) => {
                diags.error_at(e.path, e.summary, e.detail);
                return None;
            }
        };
        match AwsClients::connect(&settings, &ctx.cancel).await {
            Ok(clients) => {
                tracing::debug!(region = %clients.region, account = ?clients.account_id, "provider configured");
                Some(clients)
            }
            Err(e) => {
                report_configure_error(e, &settings, diags);
                None
            }
        }
    }

    fn register(&self, registry: &mut Registry) {
        crate::resources::register(registry);
        crate::actions::register(registry);
    }
}

fn report_configure_error(
    e: ConfigureError,
    settings: &crate::aws::clients::ClientSettings,
    diags: &mut Diagnostics,
) {
    match e {
        ConfigureError::NoRegion => diags.error_at(
            AttributePath::attr("region"),
            "No AWS region configured",
            "Set `region` in the provider block, or the AWS_REGION / AWS_DEFAULT_REGION environment variable, \
             or a region in the profile's shared config.",
        ),
        ConfigureError::NoCredentials(why) => {
            // The SDK's own account of the search is for the debug log: the
            // user needs the list of places, not its error types.
            tracing::debug!(why = %why, "no credentials");
            diags.error(
            "No AWS credentials found",
            format!(
                "The provider looked for credentials in: environment variables (AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY), the shared config and credentials files (profile {:?}), SSO, web identity \
                 (AWS_WEB_IDENTITY_TOKEN_FILE), and container and EC2 instance metadata; none had any. Provide one of \
                 them, or set skip_credentials_validation = true for local emulators that accept any signature.",
                settings.profile.clone().unwrap_or_else(|| "default".into())
            ),
        )
        }
        ConfigureError::CredentialsFailed(why) => diags.error("Loading AWS credentials failed", why),
        ConfigureError::AccountNotAllowed(account) => diags.error_at(
            AttributePath::attr("allowed_account_ids"),
            "AWS account not allowed",
            format!(
                "The credentials belong to account {account}, which is not in allowed_account_ids ({}). Nothing was \
                 called besides STS GetCallerIdentity. Use the credentials (or role) of an allowed account, or add \
                 {account} to allowed_account_ids.",
                settings.allowed_account_ids.join(", ")
            ),
        ),
        ConfigureError::AccountForbidden(account) => diags.error_at(
            AttributePath::attr("forbidden_account_ids"),
            "AWS account forbidden",
            format!(
                "The credentials belong to account {account}, which forbidden_account_ids lists. Nothing was called \
                 besides STS GetCallerIdentity. Use the credentials (or role) of another account."
            ),
        ),
        ConfigureError::Http(e) => diags.error("Setting up the HTTP client failed", e.to_string()),
        ConfigureError::StsUnreachable { url, proxy, why } => diags.error(
            "Cannot reach AWS",
            format!(
                "STS at {url}{} did not answer ({why}). Nothing answered, so the credentials were not checked yet. \
                 Check the network first: that this machine resolves and reaches {url}{}; then the `sts` endpoint \
                 (endpoints {{ sts = ... }}) if you set one; then the credentials.",
                proxy.as_deref().map(|p| format!(" (through the proxy {p})")).unwrap_or_default(),
                proxy
                    .as_deref()
                    .map(|p| format!(", or the proxy {p} is up and allows it (https_proxy / HTTPS_PROXY, no_proxy)"))
                    .unwrap_or_default(),
            ),
        ),
        ConfigureError::CallerIdentity(why) => diags.error(
            "Checking AWS credentials failed",
            format!(
                "STS GetCallerIdentity with the resolved credentials failed: {why}. Check the credentials, the `sts` \
                 endpoint, or set skip_credentials_validation = true."
            ),
        ),
    }
}
