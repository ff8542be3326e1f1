//! The provider block's model and schema, one declaration: its attributes,
//! blocks and validators.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::aws::endpoints::SERVICES;
use crate::aws::tags::MAX_USER_TAGS;
use tfplugin::framework::{
    Attribute, Block, BlockSchema, Schema, at_least, not_empty, regex_match,
};
use tfplugin::value::Attr;

pub const DEFAULT_MAX_RETRIES: i64 = 10;
pub(super) const ROLE_ARN: &str = r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$";
pub(super) const ROLE_ARN_WHAT: &str =
    "must be an IAM role ARN such as `arn:aws:iam::111122223333:role/terraform`";
pub(super) const SESSION_NAME: &str = r"^[\w+=,.@-]{2,64}$";
pub(super) const SESSION_NAME_WHAT: &str =
    "must be 2-64 characters of letters, digits and `+=,.@-_`";
pub(super) const POLICY_ARN: &str = r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$";
pub(super) const ACCOUNT_ID: &str = r"^\d{12}$";
/// STS accepts role sessions of 15 minutes to 12 hours (a role's own
/// maximum may be lower; STS says so at configure).
pub(super) const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
pub(super) const MAX_SESSION: Duration = Duration::from_secs(12 * 3600);

const SESSION_NAME_DESCRIPTION: &str = "Session name; default `terraform-provider-chimesdk`.";
const DURATION_DESCRIPTION: &str = "How long the role session lasts, as a duration from `15m` to `12h` (e.g. `1h`). \
     Default: STS's (1 hour).";
const POLICY_DESCRIPTION: &str =
    "An IAM policy document (JSON) that further restricts the session.";
const POLICY_ARNS_DESCRIPTION: &str =
    "ARNs of managed IAM policies that further restrict the session.";

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(
    description = "The chimesdk provider configures Amazon Chime SDK messaging streaming to Amazon Kinesis data \
                   streams."
)]
pub struct ProviderConfig {
    #[tf(
        optional,
        description = "AWS region for all calls. Environment: `AWS_REGION`, `AWS_DEFAULT_REGION`; shared config: \
                       `region`. Chime SDK messaging has endpoints in `us-east-1` and `eu-central-1` only.",
        validate = regex_match(r"^[a-z0-9]+(-[a-z0-9]+)*$", "must be a region name such as `us-east-1`")
    )]
    pub(super) region: Attr<String>,
    #[tf(
        optional,
        description = "Named profile in the shared config and credentials files. Environment: `AWS_PROFILE`.",
        validate = not_empty()
    )]
    pub(super) profile: Attr<String>,
    #[tf(
        optional,
        description = "Paths of shared config files, instead of `~/.aws/config`. Environment: `AWS_CONFIG_FILE` \
                       (one path)."
    )]
    pub(super) shared_config_files: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        description = "Paths of shared credentials files, instead of `~/.aws/credentials`. Environment: \
                       `AWS_SHARED_CREDENTIALS_FILE` (one path)."
    )]
    pub(super) shared_credentials_files: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        description = "How many times a throttled or failed AWS call is retried, with exponential backoff and \
                       jitter. Default `10`.",
        validate = at_least(0)
    )]
    pub(super) max_retries: Attr<i64>,
    #[tf(
        optional,
        description = "Skip STS GetCallerIdentity at start-up. The AWS account is then unknown and not compared \
                       with the AppInstance's. Conflicts with `allowed_account_ids` and `forbidden_account_ids`. \
                       Default `false`."
    )]
    pub(super) skip_credentials_validation: Attr<bool>,
    #[tf(
        optional,
        set,
        description = "Accounts the provider may work in: any other account fails ConfigureProvider, naming the \
                       account, before any other call. Conflicts with `forbidden_account_ids`."
    )]
    pub(super) allowed_account_ids: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        set,
        description = "Accounts the provider must not work in. Conflicts with `allowed_account_ids`."
    )]
    pub(super) forbidden_account_ids: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        description = "Path of a PEM file of CA certificates to trust besides the system's (a TLS-inspecting \
                       proxy, a private endpoint). Environment: `AWS_CA_BUNDLE`; shared config: `ca_bundle`."
    )]
    pub(super) custom_ca_bundle: Attr<String>,
    #[tf(
        optional,
        description = "Proxy URL for `http://` endpoints. Environment: `HTTP_PROXY` / `http_proxy`."
    )]
    pub(super) http_proxy: Attr<String>,
    #[tf(
        optional,
        description = "Proxy URL for `https://` endpoints (every AWS endpoint). Environment: `HTTPS_PROXY` / \
                       `https_proxy`."
    )]
    pub(super) https_proxy: Attr<String>,
    #[tf(
        optional,
        description = "Comma-separated hosts, domains (`.example.com`) and IP ranges that bypass the proxy. \
                       Environment: `NO_PROXY` / `no_proxy`."
    )]
    pub(super) no_proxy: Attr<String>,
    #[tf(block, list, min_items = 0, max_items = 1)]
    pub(super) endpoints: Attr<Vec<EndpointsBlock>>,
    #[tf(block, list, min_items = 0, max_items = 1)]
    pub(super) assume_role: Attr<Vec<AssumeRoleBlock>>,
    #[tf(block, list, min_items = 0, max_items = 1)]
    pub(super) assume_role_with_web_identity: Attr<Vec<WebIdentityBlock>>,
    #[tf(block, list, min_items = 0, max_items = 1)]
    pub(super) default_tags: Attr<Vec<DefaultTagsBlock>>,
}

/// Attribute name (a row of `aws::endpoints::SERVICES`) to URL: one
/// optional attribute per row of that table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub(super) struct EndpointsBlock(pub(super) BTreeMap<String, Attr<String>>);

impl BlockSchema for EndpointsBlock {
    fn block() -> Block {
        let mut endpoints = Block::new(
            "Custom service endpoints: local emulators, VPC endpoints or FIPS endpoints. Each affects its own \
             service only.",
        );
        for row in &SERVICES {
            endpoints = endpoints.attribute(Attribute::string(row.attribute).optional().describe(
                &format!(
                    "Endpoint URL for {}, e.g. `http://127.0.0.1:4566`.",
                    row.used_for
                ),
            ));
        }
        endpoints
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(
    description = "Tags set on every Kinesis stream a resource of this provider creates or manages (`stream` \
                   blocks); a resource's own `tags` win on the same key. Streams given by `resource_arn` are never \
                   tagged."
)]
pub(super) struct DefaultTagsBlock {
    #[tf(
        optional,
        description = format!(
            "The default tags. Same rules as a stream's `tags`: keys 1-128 characters, values at most 256, \
             letters, digits, white space and `_.:/=+-@%`, no `aws:` prefix, at most {MAX_USER_TAGS} tags."
        )
    )]
    pub(super) tags: Attr<BTreeMap<String, Attr<String>>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(
    description = "Assume an IAM role (STS AssumeRole) with the base credentials (or the web identity's) before \
                   any call."
)]
pub(super) struct AssumeRoleBlock {
    #[tf(
        required,
        description = "ARN of the role to assume.",
        validate = regex_match(ROLE_ARN, ROLE_ARN_WHAT)
    )]
    pub(super) role_arn: Attr<String>,
    #[tf(
        optional,
        description = SESSION_NAME_DESCRIPTION,
        validate = regex_match(SESSION_NAME, SESSION_NAME_WHAT)
    )]
    pub(super) session_name: Attr<String>,
    #[tf(optional, description = DURATION_DESCRIPTION)]
    pub(super) duration: Attr<String>,
    #[tf(optional, description = POLICY_DESCRIPTION)]
    pub(super) policy: Attr<String>,
    #[tf(optional, set, description = POLICY_ARNS_DESCRIPTION)]
    pub(super) policy_arns: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        description = "External ID the role's trust policy requires.",
        sensitive
    )]
    pub(super) external_id: Attr<String>,
    #[tf(optional, description = "Session tags (key to value).")]
    pub(super) tags: Attr<BTreeMap<String, Attr<String>>>,
    #[tf(
        optional,
        set,
        description = "Keys of `tags` that pass on to roles this session assumes in turn."
    )]
    pub(super) transitive_tag_keys: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        description = "Source identity recorded in CloudTrail for this session.",
        validate = regex_match(SESSION_NAME, SESSION_NAME_WHAT)
    )]
    pub(super) source_identity: Attr<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(
    description = "Credentials from an OIDC token (STS AssumeRoleWithWebIdentity), as GitHub Actions and GitLab CI \
                   provide. Used instead of the standard credential chain; `assume_role`, if set too, is assumed \
                   with these credentials."
)]
pub(super) struct WebIdentityBlock {
    #[tf(
        optional,
        description = "ARN of the role to assume. Environment: `AWS_ROLE_ARN`.",
        validate = regex_match(ROLE_ARN, ROLE_ARN_WHAT)
    )]
    pub(super) role_arn: Attr<String>,
    #[tf(
        optional,
        description = SESSION_NAME_DESCRIPTION,
        validate = regex_match(SESSION_NAME, SESSION_NAME_WHAT)
    )]
    pub(super) session_name: Attr<String>,
    #[tf(optional, description = DURATION_DESCRIPTION)]
    pub(super) duration: Attr<String>,
    #[tf(optional, description = POLICY_DESCRIPTION)]
    pub(super) policy: Attr<String>,
    #[tf(optional, set, description = POLICY_ARNS_DESCRIPTION)]
    pub(super) policy_arns: Attr<Vec<Attr<String>>>,
    #[tf(
        optional,
        sensitive,
        description = "The OIDC token itself. Conflicts with `web_identity_token_file`."
    )]
    pub(super) web_identity_token: Attr<String>,
    #[tf(
        optional,
        description = "Path of a file holding the OIDC token, read again whenever credentials are refreshed. \
                       Environment: `AWS_WEB_IDENTITY_TOKEN_FILE`. Conflicts with `web_identity_token`."
    )]
    pub(super) web_identity_token_file: Attr<String>,
}

/// The provider block's schema (its model's).
pub fn schema() -> Schema {
    Schema::new(ProviderConfig::block())
}
