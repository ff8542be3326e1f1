//! The provider block: schema, static validation, and reading it (with its
//! environment variables and files) into client settings.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::aws::clients::ClientSettings;
use crate::aws::credentials::{
    AssumeRole, AssumeRoleWithWebIdentity, RoleSession, WebIdentityToken,
};
use crate::aws::http::{HttpSettings, ProxySettings, check_ca_bundle};
use crate::aws::tags::{MAX_USER_TAGS, tag_problem};
use tfplugin::framework::{
    Attribute, Block, Diagnostics, NestedBlock, Nesting, Schema, at_least, not_empty,
    parse_duration, regex_match,
};
use tfplugin::value::{Attr, AttributePath, Type, Value, from_value};

pub const DEFAULT_MAX_RETRIES: i64 = 10;
const ENDPOINTS: [(&str, &str); 6] = [
    ("kinesis", "Amazon Kinesis Data Streams"),
    (
        "iam",
        "AWS IAM (GetRole: whether Chime SDK messaging's service-linked role exists, at plan)",
    ),
    (
        "kms",
        "AWS KMS (DescribeKey and GetKeyPolicy: plan-time checks of customer-managed stream keys)",
    ),
    ("chime_sdk_messaging", "Amazon Chime SDK messaging"),
    (
        "chime_sdk_identity",
        "Amazon Chime SDK identity (AppInstances and their tags)",
    ),
    (
        "sts",
        "AWS STS (GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity); no other service uses it",
    ),
];
const ROLE_ARN: &str = r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$";
const ROLE_ARN_WHAT: &str =
    "must be an IAM role ARN such as `arn:aws:iam::111122223333:role/terraform`";
const SESSION_NAME: &str = r"^[\w+=,.@-]{2,64}$";
const SESSION_NAME_WHAT: &str = "must be 2-64 characters of letters, digits and `+=,.@-_`";
const POLICY_ARN: &str = r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$";
const ACCOUNT_ID: &str = r"^\d{12}$";
/// STS accepts role sessions of 15 minutes to 12 hours (a role's own
/// maximum may be lower; STS says so at configure).
const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
const MAX_SESSION: Duration = Duration::from_secs(12 * 3600);

fn set_of_strings(name: &str) -> Attribute {
    Attribute::typed(name, Type::Set(Box::new(Type::String)))
}

fn map_of_strings(name: &str) -> Attribute {
    Attribute::typed(name, Type::Map(Box::new(Type::String)))
}

fn list_of_strings(name: &str) -> Attribute {
    Attribute::typed(name, Type::List(Box::new(Type::String)))
}

/// The attributes assume_role and assume_role_with_web_identity share;
/// `role_arn` is the given attribute (required, or optional with an
/// environment fallback).
fn role_session_attributes(block: Block, role_arn: Attribute) -> Block {
    block
        .attribute(role_arn.validate(regex_match(ROLE_ARN, ROLE_ARN_WHAT)))
        .attribute(
            Attribute::string("session_name")
                .optional()
                .describe("Session name; default `terraform-provider-chimesdk`.")
                .validate(regex_match(SESSION_NAME, SESSION_NAME_WHAT)),
        )
        .attribute(
            Attribute::string("duration")
                .optional()
                .describe("How long the role session lasts, as a duration from `15m` to `12h` (e.g. `1h`). Default: STS's (1 hour)."),
        )
        .attribute(
            Attribute::string("policy")
                .optional()
                .describe("An IAM policy document (JSON) that further restricts the session."),
        )
        .attribute(
            set_of_strings("policy_arns")
                .optional()
                .describe("ARNs of managed IAM policies that further restrict the session."),
        )
}

pub fn schema() -> Schema {
    let mut endpoints = Block::new(
        "Custom service endpoints: local emulators, VPC endpoints or FIPS endpoints. Each affects its own service only.",
    );
    for (name, service) in ENDPOINTS {
        endpoints = endpoints.attribute(Attribute::string(name).optional().describe(&format!(
            "Endpoint URL for {service}, e.g. `http://127.0.0.1:4566`."
        )));
    }
    let assume_role = role_session_attributes(
        Block::new("Assume an IAM role (STS AssumeRole) with the base credentials (or the web identity's) before any call."),
        Attribute::string("role_arn").required().describe("ARN of the role to assume."),
    )
    .attribute(Attribute::string("external_id").optional().describe("External ID the role's trust policy requires.").sensitive())
    .attribute(map_of_strings("tags").optional().describe("Session tags (key to value)."))
    .attribute(set_of_strings("transitive_tag_keys").optional().describe("Keys of `tags` that pass on to roles this session assumes in turn."))
    .attribute(
        Attribute::string("source_identity")
            .optional()
            .describe("Source identity recorded in CloudTrail for this session.")
            .validate(regex_match(SESSION_NAME, SESSION_NAME_WHAT)),
    );
    let web_identity = role_session_attributes(
        Block::new(
            "Credentials from an OIDC token (STS AssumeRoleWithWebIdentity), as GitHub Actions and GitLab CI provide. \
             Used instead of the standard credential chain; `assume_role`, if set too, is assumed with these credentials.",
        ),
        Attribute::string("role_arn")
            .optional()
            .describe("ARN of the role to assume. Environment: `AWS_ROLE_ARN`."),
    )
    .attribute(
        Attribute::string("web_identity_token")
            .optional()
            .sensitive()
            .describe("The OIDC token itself. Conflicts with `web_identity_token_file`."),
    )
    .attribute(Attribute::string("web_identity_token_file").optional().describe(
        "Path of a file holding the OIDC token, read again whenever credentials are refreshed. Environment: \
         `AWS_WEB_IDENTITY_TOKEN_FILE`. Conflicts with `web_identity_token`.",
    ));

    Schema::new(
        Block::new("The chimesdk provider configures Amazon Chime SDK messaging streaming to Amazon Kinesis data streams.")
            .attribute(
                Attribute::string("region")
                    .optional()
                    .describe("AWS region for all calls. Environment: `AWS_REGION`, `AWS_DEFAULT_REGION`; shared config: `region`. Chime SDK messaging has endpoints in `us-east-1` and `eu-central-1` only.")
                    .validate(regex_match(r"^[a-z0-9]+(-[a-z0-9]+)*$", "must be a region name such as `us-east-1`")),
            )
            .attribute(
                Attribute::string("profile")
                    .optional()
                    .describe("Named profile in the shared config and credentials files. Environment: `AWS_PROFILE`.")
                    .validate(not_empty()),
            )
            .attribute(list_of_strings("shared_config_files").optional().describe(
                "Paths of shared config files, instead of `~/.aws/config`. Environment: `AWS_CONFIG_FILE` (one path).",
            ))
            .attribute(list_of_strings("shared_credentials_files").optional().describe(
                "Paths of shared credentials files, instead of `~/.aws/credentials`. Environment: `AWS_SHARED_CREDENTIALS_FILE` (one path).",
            ))
            .attribute(
                Attribute::number("max_retries")
                    .optional()
                    .describe("How many times a throttled or failed AWS call is retried, with exponential backoff and jitter. Default `10`.")
                    .validate(at_least(0)),
            )
            .attribute(
                Attribute::bool("skip_credentials_validation")
                    .optional()
                    .describe("Skip STS GetCallerIdentity at start-up. The AWS account is then unknown and not compared with the AppInstance's. Conflicts with `allowed_account_ids` and `forbidden_account_ids`. Default `false`."),
            )
            .attribute(set_of_strings("allowed_account_ids").optional().describe(
                "Accounts the provider may work in: any other account fails ConfigureProvider, naming the account, before any other call. Conflicts with `forbidden_account_ids`.",
            ))
            .attribute(set_of_strings("forbidden_account_ids").optional().describe(
                "Accounts the provider must not work in. Conflicts with `allowed_account_ids`.",
            ))
            .attribute(Attribute::string("custom_ca_bundle").optional().describe(
                "Path of a PEM file of CA certificates to trust besides the system's (a TLS-inspecting proxy, a private endpoint). Environment: `AWS_CA_BUNDLE`; shared config: `ca_bundle`.",
            ))
            .attribute(Attribute::string("http_proxy").optional().describe(
                "Proxy URL for `http://` endpoints. Environment: `HTTP_PROXY` / `http_proxy`.",
            ))
            .attribute(Attribute::string("https_proxy").optional().describe(
                "Proxy URL for `https://` endpoints (every AWS endpoint). Environment: `HTTPS_PROXY` / `https_proxy`.",
            ))
            .attribute(Attribute::string("no_proxy").optional().describe(
                "Comma-separated hosts, domains (`.example.com`) and IP ranges that bypass the proxy. Environment: `NO_PROXY` / `no_proxy`.",
            ))
            .block(NestedBlock::new("endpoints", Nesting::List, endpoints).items(0, 1))
            .block(NestedBlock::new("assume_role", Nesting::List, assume_role).items(0, 1))
            .block(NestedBlock::new("assume_role_with_web_identity", Nesting::List, web_identity).items(0, 1))
            .block(
                NestedBlock::new(
                    "default_tags",
                    Nesting::List,
                    Block::new("Tags set on every Kinesis stream a resource of this provider creates or manages (`stream` blocks); a resource's own `tags` win on the same key. Streams given by `resource_arn` are never tagged.")
                        .attribute(map_of_strings("tags").optional().describe(&format!(
                            "The default tags. Same rules as a stream's `tags`: keys 1-128 characters, values at most 256, letters, digits, white space and `_.:/=+-@%`, no `aws:` prefix, at most {MAX_USER_TAGS} tags."
                        ))),
                )
                .items(0, 1),
            ),
    )
}

#[derive(Debug, Deserialize)]
pub struct ProviderConfig {
    region: Attr<String>,
    profile: Attr<String>,
    shared_config_files: Attr<Vec<Attr<String>>>,
    shared_credentials_files: Attr<Vec<Attr<String>>>,
    max_retries: Attr<i64>,
    skip_credentials_validation: Attr<bool>,
    allowed_account_ids: Attr<Vec<Attr<String>>>,
    forbidden_account_ids: Attr<Vec<Attr<String>>>,
    custom_ca_bundle: Attr<String>,
    http_proxy: Attr<String>,
    https_proxy: Attr<String>,
    no_proxy: Attr<String>,
    endpoints: Attr<Vec<Endpoints>>,
    assume_role: Attr<Vec<AssumeRoleBlock>>,
    assume_role_with_web_identity: Attr<Vec<WebIdentityBlock>>,
    default_tags: Attr<Vec<DefaultTagsBlock>>,
}

#[derive(Debug, Clone, Deserialize)]
struct DefaultTagsBlock {
    tags: Attr<BTreeMap<String, Attr<String>>>,
}

#[derive(Debug, Clone, Deserialize)]
struct Endpoints {
    kinesis: Attr<String>,
    iam: Attr<String>,
    kms: Attr<String>,
    chime_sdk_messaging: Attr<String>,
    chime_sdk_identity: Attr<String>,
    sts: Attr<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct AssumeRoleBlock {
    role_arn: Attr<String>,
    session_name: Attr<String>,
    duration: Attr<String>,
    policy: Attr<String>,
    policy_arns: Attr<Vec<Attr<String>>>,
    external_id: Attr<String>,
    tags: Attr<BTreeMap<String, Attr<String>>>,
    transitive_tag_keys: Attr<Vec<Attr<String>>>,
    source_identity: Attr<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct WebIdentityBlock {
    role_arn: Attr<String>,
    session_name: Attr<String>,
    duration: Attr<String>,
    policy: Attr<String>,
    policy_arns: Attr<Vec<Attr<String>>>,
    web_identity_token: Attr<String>,
    web_identity_token_file: Attr<String>,
}

/// Unknown provider values are treated as unset (Terraform cannot configure
/// a provider with values from resources not yet created).
fn known<T: Clone>(a: &Attr<T>) -> Option<T> {
    a.known().cloned()
}

fn known_strings(a: &Attr<Vec<Attr<String>>>) -> Vec<String> {
    a.known()
        .map(|v| v.iter().filter_map(|s| s.known().cloned()).collect())
        .unwrap_or_default()
}

/// A provider setting that cannot be used, found while reading files and
/// the environment at ConfigureProvider.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsError {
    pub path: AttributePath,
    pub summary: String,
    pub detail: String,
}

impl ProviderConfig {
    pub fn read(config: &Value) -> Result<Self, tfplugin::value::TypedError> {
        from_value(config)
    }

    /// Settings from the block, falling back to the environment (`env`)
    /// where the AWS provider does; reads the CA bundle and checks that a
    /// token file exists.
    pub fn into_settings(
        self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ClientSettings, SettingsError> {
        let env_any = |names: &[&str]| names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()));
        let endpoints = known(&self.endpoints).and_then(|v| v.into_iter().next());
        let ep = |f: fn(&Endpoints) -> &Attr<String>| endpoints.as_ref().and_then(|e| known(f(e)));

        let ca_bundle_pem = match known(&self.custom_ca_bundle)
            .map(|p| (p, AttributePath::attr("custom_ca_bundle")))
            .or_else(|| {
                env_any(&["AWS_CA_BUNDLE"]).map(|p| (p, AttributePath::attr("custom_ca_bundle")))
            }) {
            Some((path, attr)) => Some(read_ca_bundle(&path, attr)?),
            None => None,
        };
        let proxy = ProxySettings {
            http_proxy: known(&self.http_proxy).or_else(|| env_any(&["HTTP_PROXY", "http_proxy"])),
            https_proxy: known(&self.https_proxy)
                .or_else(|| env_any(&["HTTPS_PROXY", "https_proxy"])),
            no_proxy: known(&self.no_proxy).or_else(|| env_any(&["NO_PROXY", "no_proxy"])),
        };
        for (name, url) in [
            ("http_proxy", &proxy.http_proxy),
            ("https_proxy", &proxy.https_proxy),
        ] {
            if let Some(url) = url
                && let Err(why) = check_proxy_url(url)
            {
                return Err(SettingsError {
                    path: AttributePath::attr(name),
                    summary: format!("Invalid {name}"),
                    detail: format!(
                        "{name} (or its environment variable) is {url:?}, which {why}. Use a URL such as \"http://proxy.internal:3128\"."
                    ),
                });
            }
        }

        let assume_role = known(&self.assume_role)
            .and_then(|v| v.into_iter().next())
            .and_then(|r| {
                Some(AssumeRole {
                    session: RoleSession {
                        role_arn: known(&r.role_arn)?,
                        session_name: known(&r.session_name),
                        duration: known(&r.duration).and_then(|d| parse_duration(&d).ok()),
                        policy: known(&r.policy),
                        policy_arns: known_strings(&r.policy_arns),
                    },
                    external_id: known(&r.external_id),
                    tags: known(&r.tags)
                        .map(|m| {
                            m.into_iter()
                                .filter_map(|(k, v)| Some((k, v.known()?.clone())))
                                .collect()
                        })
                        .unwrap_or_default(),
                    transitive_tag_keys: known_strings(&r.transitive_tag_keys),
                    source_identity: known(&r.source_identity),
                })
            });
        let assume_role_with_web_identity =
            match known(&self.assume_role_with_web_identity).and_then(|v| v.into_iter().next()) {
                Some(w) => Some(web_identity(w, &env_any)?),
                None => None,
            };

        Ok(ClientSettings {
            region: known(&self.region),
            profile: known(&self.profile),
            shared_config_files: known_strings(&self.shared_config_files)
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            shared_credentials_files: known_strings(&self.shared_credentials_files)
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            max_retries: known(&self.max_retries)
                .unwrap_or(DEFAULT_MAX_RETRIES)
                .clamp(0, 1000) as u32,
            skip_credentials_validation: known(&self.skip_credentials_validation).unwrap_or(false),
            allowed_account_ids: known_strings(&self.allowed_account_ids),
            forbidden_account_ids: known_strings(&self.forbidden_account_ids),
            kinesis_endpoint: ep(|e| &e.kinesis),
            kms_endpoint: ep(|e| &e.kms),
            iam_endpoint: ep(|e| &e.iam),
            chime_sdk_messaging_endpoint: ep(|e| &e.chime_sdk_messaging),
            chime_sdk_identity_endpoint: ep(|e| &e.chime_sdk_identity),
            sts_endpoint: ep(|e| &e.sts),
            assume_role,
            assume_role_with_web_identity,
            http: HttpSettings {
                ca_bundle_pem,
                proxy,
            },
            default_tags: known(&self.default_tags)
                .and_then(|v| v.into_iter().next())
                .and_then(|b| known(&b.tags))
                .map(|m| {
                    m.into_iter()
                        .filter_map(|(k, v)| Some((k, v.known()?.clone())))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

fn web_identity(
    w: WebIdentityBlock,
    env_any: &dyn Fn(&[&str]) -> Option<String>,
) -> Result<AssumeRoleWithWebIdentity, SettingsError> {
    let block = AttributePath::attr("assume_role_with_web_identity").index(0);
    let role_arn = known(&w.role_arn)
        .or_else(|| env_any(&["AWS_ROLE_ARN"]))
        .ok_or_else(|| SettingsError {
            path: block.clone().attribute("role_arn"),
            summary: "No role for web identity".into(),
            detail: "assume_role_with_web_identity needs role_arn, or the AWS_ROLE_ARN environment variable.".into(),
        })?;
    let token = match (
        known(&w.web_identity_token),
        known(&w.web_identity_token_file),
    ) {
        (Some(token), _) => WebIdentityToken::Value(token),
        (None, file) => {
            let from_attr = file.is_some();
            let Some(file) = file.or_else(|| env_any(&["AWS_WEB_IDENTITY_TOKEN_FILE"])) else {
                return Err(SettingsError {
                    path: block.attribute("web_identity_token_file"),
                    summary: "No web identity token".into(),
                    detail: "assume_role_with_web_identity needs web_identity_token, web_identity_token_file, or the \
                             AWS_WEB_IDENTITY_TOKEN_FILE environment variable (GitHub Actions sets it with \
                             `permissions: id-token: write` and aws-actions/configure-aws-credentials)."
                        .into(),
                });
            };
            if !std::path::Path::new(&file).is_file() {
                return Err(SettingsError {
                    path: block.attribute("web_identity_token_file"),
                    summary: "Web identity token file not found".into(),
                    detail: format!(
                        "{} is {file:?}, and there is no file at that path. Check the path (in CI, that the OIDC token is \
                         written before terraform runs), or set web_identity_token instead.",
                        if from_attr {
                            "web_identity_token_file"
                        } else {
                            "AWS_WEB_IDENTITY_TOKEN_FILE"
                        }
                    ),
                });
            }
            WebIdentityToken::File(PathBuf::from(file))
        }
    };
    Ok(AssumeRoleWithWebIdentity {
        session: RoleSession {
            role_arn,
            session_name: known(&w.session_name).or_else(|| env_any(&["AWS_ROLE_SESSION_NAME"])),
            duration: known(&w.duration).and_then(|d| parse_duration(&d).ok()),
            policy: known(&w.policy),
            policy_arns: known_strings(&w.policy_arns),
        },
        token,
    })
}

fn read_ca_bundle(path: &str, attr: AttributePath) -> Result<Vec<u8>, SettingsError> {
    let pem = std::fs::read(path).map_err(|e| SettingsError {
        path: attr.clone(),
        summary: "Cannot read custom_ca_bundle".into(),
        detail: format!(
            "custom_ca_bundle (or AWS_CA_BUNDLE) is {path:?}, which cannot be read: {e}. Point it at a PEM file of CA certificates."
        ),
    })?;
    check_ca_bundle(&pem).map_err(|why| SettingsError {
        path: attr,
        summary: "custom_ca_bundle is not a PEM bundle".into(),
        detail: format!(
            "The file {path:?} given as custom_ca_bundle (or AWS_CA_BUNDLE): {why}. It must hold PEM certificates \
             (-----BEGIN CERTIFICATE----- blocks)."
        ),
    })?;
    Ok(pem)
}

fn check_proxy_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("is not a URL ({e})"))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!(
            "has no http:// or https:// scheme (it reads as {:?})",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    Ok(())
}

/// Checks that attribute validators cannot express: endpoint and proxy
/// URLs, conflicts, durations, policies, account IDs, tags; and an empty
/// region (the regex would say "does not match", which is less clear).
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    if let Some(Value::String(region)) = config.get_attr("region")
        && region.trim().is_empty()
    {
        diags.error_at(
            AttributePath::attr("region"),
            "Empty region",
            "region is set to an empty string. Set it to a region name such as \"us-east-1\", or remove it to use \
             AWS_REGION / AWS_DEFAULT_REGION or the profile's region.",
        );
    }
    if let Some(Value::List(blocks)) = config.get_attr("endpoints") {
        for (i, block) in blocks.iter().enumerate() {
            for (name, _) in ENDPOINTS {
                let Some(Value::String(raw)) = block.get_attr(name) else {
                    continue;
                };
                if let Err(why) = check_endpoint_url(raw) {
                    diags.error_at(
                        AttributePath::attr("endpoints").index(i as i64).attribute(name),
                        format!("Invalid endpoint URL for {name}"),
                        format!("endpoints.{name} = {raw:?} is not a usable endpoint URL: {why}. Use a full URL such as \"http://127.0.0.1:4566\" or \"https://kinesis.us-east-1.amazonaws.com\"."),
                    );
                }
            }
        }
    }
    for name in ["http_proxy", "https_proxy"] {
        if let Some(Value::String(raw)) = config.get_attr(name)
            && let Err(why) = check_proxy_url(raw)
        {
            diags.error_at(
                AttributePath::attr(name),
                format!("Invalid {name}"),
                format!(
                    "{name} = {raw:?} {why}. Use a URL such as \"http://proxy.internal:3128\"."
                ),
            );
        }
    }
    for name in ["custom_ca_bundle", "no_proxy"] {
        if let Some(Value::String(raw)) = config.get_attr(name)
            && raw.trim().is_empty()
        {
            diags.error_at(
                AttributePath::attr(name),
                format!("Empty {name}"),
                format!("{name} is set to an empty string. Remove it, or set it to a value."),
            );
        }
    }
    for name in ["shared_config_files", "shared_credentials_files"] {
        for (path, value) in elements(config, name) {
            if value.trim().is_empty() {
                diags.error_at(
                    path,
                    format!("Empty path in {name}"),
                    format!("{name} holds an empty path; remove it."),
                );
            }
        }
    }
    validate_accounts(config, diags);
    validate_default_tags(config, diags);
    for block in ["assume_role", "assume_role_with_web_identity"] {
        if let Some(Value::List(items)) = config.get_attr(block) {
            for (i, item) in items.iter().enumerate() {
                validate_role_session(item, &AttributePath::attr(block).index(i as i64), diags);
            }
        }
    }
    if let Some(Value::List(items)) = config.get_attr("assume_role_with_web_identity") {
        for (i, item) in items.iter().enumerate() {
            let token = item
                .get_attr("web_identity_token")
                .is_some_and(|v| !v.is_null());
            let file = item
                .get_attr("web_identity_token_file")
                .is_some_and(|v| !v.is_null());
            if token && file {
                diags.error_at(
                    AttributePath::attr("assume_role_with_web_identity").index(i as i64).attribute("web_identity_token_file"),
                    "Conflicting web identity token settings",
                    "Both web_identity_token and web_identity_token_file are set; set only one: the token file for CI \
                     systems that write and rotate it, the token itself otherwise.",
                );
            }
        }
    }
}

fn validate_default_tags(config: &Value, diags: &mut Diagnostics) {
    let Some(Value::List(blocks)) = config.get_attr("default_tags") else {
        return;
    };
    for (i, block) in blocks.iter().enumerate() {
        let Some(Value::Map(tags)) = block.get_attr("tags") else {
            continue;
        };
        let path = AttributePath::attr("default_tags")
            .index(i as i64)
            .attribute("tags");
        for (key, value) in tags {
            if let Some(why) = tag_problem(key, value.as_str().unwrap_or_default()) {
                diags.error_at(
                    path.clone().key(key),
                    "Invalid default tag",
                    format!(
                        "default_tags has the tag {key:?} = {value}: {why}. Change or remove it.",
                        value = describe(value)
                    ),
                );
            }
        }
        if tags.len() > MAX_USER_TAGS {
            diags.error_at(
                path,
                "Too many default tags",
                format!(
                    "default_tags has {} tags; a Kinesis stream takes 50, one of which the provider uses to mark the \
                     streams it created, so at most {MAX_USER_TAGS} (together with each stream's own tags). Remove {}.",
                    tags.len(),
                    tags.len() - MAX_USER_TAGS
                ),
            );
        }
    }
}

/// A value for a diagnostic: strings quoted, unknown said so.
fn describe(v: &Value) -> String {
    match v.as_str() {
        Some(s) => format!("{s:?}"),
        None => "(not yet known)".into(),
    }
}

/// The known string elements of a list or set attribute, with their paths.
fn elements(config: &Value, name: &str) -> Vec<(AttributePath, String)> {
    match config.get_attr(name) {
        Some(Value::List(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                Some((
                    AttributePath::attr(name).index(i as i64),
                    v.as_str()?.to_string(),
                ))
            })
            .collect(),
        Some(Value::Set(items)) => items
            .iter()
            .filter_map(|v| {
                let s = v.as_str()?.to_string();
                // A set element has no path of its own in the protocol.
                Some((AttributePath::attr(name), s))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn validate_accounts(config: &Value, diags: &mut Diagnostics) {
    // Compiled on first use: most configurations list no account ids.
    static ACCOUNT: std::sync::LazyLock<regex_lite::Regex> =
        std::sync::LazyLock::new(|| regex_lite::Regex::new(ACCOUNT_ID).expect("constant regex"));
    let mut lists = Vec::new();
    for name in ["allowed_account_ids", "forbidden_account_ids"] {
        let ids = elements(config, name);
        for (path, id) in &ids {
            if !ACCOUNT.is_match(id) {
                diags.error_at(
                    path.clone(),
                    format!("Invalid account ID in {name}"),
                    format!(
                        "{id:?} is not an AWS account ID; use the 12 digits, e.g. \"111122223333\"."
                    ),
                );
            }
        }
        let set = config.get_attr(name).is_some_and(|v| !v.is_null());
        lists.push((name, set));
    }
    if lists.iter().all(|(_, set)| *set) {
        diags.error_at(
            AttributePath::attr("forbidden_account_ids"),
            "Conflicting account settings",
            "allowed_account_ids and forbidden_account_ids are both set; set only one (an allow list already forbids \
             every other account).",
        );
    }
    if matches!(
        config.get_attr("skip_credentials_validation"),
        Some(Value::Bool(true))
    ) {
        for (name, set) in lists {
            if set {
                diags.error_at(
                    AttributePath::attr(name),
                    format!("{name} needs the account"),
                    format!(
                        "{name} is checked against the account that STS GetCallerIdentity reports, which \
                         skip_credentials_validation = true turns off. Remove one of the two."
                    ),
                );
            }
        }
    }
}

fn validate_role_session(block: &Value, path: &AttributePath, diags: &mut Diagnostics) {
    if let Some(Value::String(raw)) = block.get_attr("duration") {
        let problem = match parse_duration(raw) {
            Ok(d) if (MIN_SESSION..=MAX_SESSION).contains(&d) => None,
            Ok(d) => Some(format!("{raw:?} is {} seconds", d.as_secs())),
            Err(e) => Some(e),
        };
        if let Some(why) = problem {
            diags.error_at(
                path.clone().attribute("duration"),
                "Invalid role session duration",
                format!("duration: {why}; STS accepts 15m to 12h. Use a value such as \"1h\"."),
            );
        }
    }
    if let Some(Value::String(raw)) = block.get_attr("policy")
        && let Err(e) = serde_json::from_str::<serde_json::Value>(raw).and_then(|v| {
            if v.is_object() {
                Ok(())
            } else {
                Err(serde::de::Error::custom("it is not a JSON object"))
            }
        })
    {
        diags.error_at(
            path.clone().attribute("policy"),
            "Invalid session policy",
            format!("policy must be an IAM policy document in JSON ({e}). Use jsonencode({{...}}) or data.aws_iam_policy_document.json."),
        );
    }
    static POLICY_ARN_RE: std::sync::LazyLock<regex_lite::Regex> =
        std::sync::LazyLock::new(|| regex_lite::Regex::new(POLICY_ARN).expect("constant regex"));
    if let Some(Value::Set(arns)) = block.get_attr("policy_arns") {
        for arn in arns.iter().filter_map(Value::as_str) {
            if !POLICY_ARN_RE.is_match(arn) {
                diags.error_at(
                    path.clone().attribute("policy_arns"),
                    "Invalid policy ARN",
                    format!("{arn:?} is not an IAM policy ARN such as \"arn:aws:iam::aws:policy/ReadOnlyAccess\"."),
                );
            }
        }
    }
    if let Some(Value::Map(tags)) = block.get_attr("tags") {
        for (k, v) in tags {
            let long_value = v.as_str().is_some_and(|s| s.chars().count() > 256);
            if k.is_empty() || k.chars().count() > 128 || long_value {
                diags.error_at(
                    path.clone().attribute("tags").key(k),
                    "Invalid session tag",
                    format!("Session tag {k:?}: keys are 1-128 characters and values at most 256."),
                );
            }
        }
    }
    if let Some(Value::Set(keys)) = block.get_attr("transitive_tag_keys") {
        let empty = BTreeMap::new();
        let tags = match block.get_attr("tags") {
            Some(Value::Map(t)) => Some(t),
            Some(v) if v.is_unknown() => None,
            _ => Some(&empty),
        };
        if let Some(tags) = tags {
            for key in keys.iter().filter_map(Value::as_str) {
                if !tags.contains_key(key) {
                    diags.error_at(
                        path.clone().attribute("transitive_tag_keys"),
                        "Transitive tag key is not a session tag",
                        format!("transitive_tag_keys names {key:?}, which is not a key of tags. Add it to tags, or remove it here."),
                    );
                }
            }
        }
    }
}

fn check_endpoint_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| e.to_string())?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::framework::validate_attributes;
    use tfplugin::value::{Number, PathStep, Type};

    /// A provider config value with every attribute null, then `set` applied.
    fn config(set: &[(&str, Value)]) -> Value {
        let Type::Object(attrs) = schema().value_type() else {
            unreachable!()
        };
        let mut obj: BTreeMap<String, Value> =
            attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
        for (k, v) in set {
            obj.insert((*k).to_string(), v.clone());
        }
        Value::Object(obj)
    }

    fn block(ty_name: &str, set: &[(&str, Value)]) -> Value {
        let Type::Object(attrs) = schema().value_type() else {
            unreachable!()
        };
        let Type::List(inner) = &attrs[ty_name] else {
            unreachable!()
        };
        let Type::Object(fields) = inner.as_ref() else {
            unreachable!()
        };
        let mut obj: BTreeMap<String, Value> =
            fields.keys().map(|k| (k.clone(), Value::Null)).collect();
        for (k, v) in set {
            obj.insert((*k).to_string(), v.clone());
        }
        Value::List(vec![Value::Object(obj)])
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn default_tags(tags: &[(String, String)]) -> Value {
        let map = tags.iter().map(|(k, v)| (k.clone(), s(v))).collect();
        config(&[(
            "default_tags",
            block("default_tags", &[("tags", Value::Map(map))]),
        )])
    }

    fn set(items: &[&str]) -> Value {
        Value::Set(items.iter().map(|i| s(i)).collect())
    }

    fn all_diags(v: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        validate_attributes(&schema().block, v, &AttributePath::root(), &mut d);
        validate(v, &mut d);
        d
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect()
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/terraform";

    /// A config with `assume_role { role_arn = ROLE, extra... }`.
    fn role(extra: &[(&str, Value)]) -> Value {
        let mut attrs = vec![("role_arn", s(ROLE))];
        attrs.extend(extra.iter().cloned());
        config(&[("assume_role", block("assume_role", &attrs))])
    }

    #[test]
    fn bad_endpoint_url_points_at_the_attribute() {
        let d = all_diags(&config(&[(
            "endpoints",
            block("endpoints", &[("kinesis", s("not a url"))]),
        )]));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(
            d.0[0].path.as_ref().unwrap().steps,
            vec![
                PathStep::Attribute("endpoints".into()),
                PathStep::ElementKeyInt(0),
                PathStep::Attribute("kinesis".into())
            ]
        );
        assert!(d.0[0].detail.contains("\"not a url\""));
    }

    #[test]
    fn empty_region_and_malformed_role_are_errors_on_their_attributes() {
        let d = all_diags(&config(&[
            ("region", s("")),
            (
                "assume_role",
                block("assume_role", &[("role_arn", s("arn:aws:iam::12:user/x"))]),
            ),
        ]));
        let p = paths(&d);
        assert!(p.contains(&"region".to_string()), "{p:?}");
        assert!(p.contains(&"assume_role[0].role_arn".to_string()), "{p:?}");
    }

    /// Every refusal the provider block has: (config, path, words the detail must hold).
    #[test]
    fn every_bad_argument_is_refused_on_its_attribute() {
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                config(&[(
                    "assume_role_with_web_identity",
                    block(
                        "assume_role_with_web_identity",
                        &[("role_arn", s("role/x"))],
                    ),
                )]),
                "assume_role_with_web_identity[0].role_arn",
                "IAM role ARN",
            ),
            (
                role(&[("duration", s("10m"))]),
                "assume_role[0].duration",
                "15m to 12h",
            ),
            (
                role(&[("duration", s("13h"))]),
                "assume_role[0].duration",
                "15m to 12h",
            ),
            (
                role(&[("duration", s("an hour"))]),
                "assume_role[0].duration",
                "15m to 12h",
            ),
            (
                role(&[("policy", s("{not json"))]),
                "assume_role[0].policy",
                "JSON",
            ),
            (
                role(&[("policy_arns", set(&["ReadOnlyAccess"]))]),
                "assume_role[0].policy_arns",
                "\"ReadOnlyAccess\"",
            ),
            (
                role(&[("transitive_tag_keys", set(&["team"]))]),
                "assume_role[0].transitive_tag_keys",
                "\"team\"",
            ),
            (
                role(&[("source_identity", s("x"))]),
                "assume_role[0].source_identity",
                "2-64",
            ),
            (
                config(&[(
                    "assume_role_with_web_identity",
                    block(
                        "assume_role_with_web_identity",
                        &[
                            ("role_arn", s(ROLE)),
                            ("web_identity_token", s("t")),
                            ("web_identity_token_file", s("/f")),
                        ],
                    ),
                )]),
                "assume_role_with_web_identity[0].web_identity_token_file",
                "only one",
            ),
            (
                config(&[
                    ("allowed_account_ids", set(&["111122223333"])),
                    ("forbidden_account_ids", set(&["444455556666"])),
                ]),
                "forbidden_account_ids",
                "only one",
            ),
            (
                config(&[("allowed_account_ids", set(&["12345"]))]),
                "allowed_account_ids",
                "\"12345\"",
            ),
            (
                config(&[
                    ("allowed_account_ids", set(&["111122223333"])),
                    ("skip_credentials_validation", Value::Bool(true)),
                ]),
                "allowed_account_ids",
                "skip_credentials_validation",
            ),
            (
                config(&[("http_proxy", s("proxy.internal:3128"))]),
                "http_proxy",
                "scheme",
            ),
            (
                config(&[("https_proxy", s("proxy.internal"))]),
                "https_proxy",
                "proxy.internal",
            ),
            (
                config(&[("custom_ca_bundle", s(""))]),
                "custom_ca_bundle",
                "empty",
            ),
            (
                config(&[("shared_config_files", Value::List(vec![s("")]))]),
                "shared_config_files[0]",
                "empty path",
            ),
            (
                default_tags(&[("aws:team".to_string(), "x".to_string())]),
                "default_tags[0].tags[\"aws:team\"]",
                "reserved for AWS",
            ),
            (
                default_tags(
                    &(0..50)
                        .map(|i| (format!("k{i}"), "v".to_string()))
                        .collect::<Vec<_>>(),
                ),
                "default_tags[0].tags",
                "at most 49",
            ),
        ];
        for (value, path, words) in cases {
            let d = all_diags(&value);
            let found = d
                .iter()
                .find(|d| d.path.as_ref().map(|p| p.to_string()).as_deref() == Some(path));
            let Some(diag) = found else {
                panic!("no diagnostic on {path}: {:?}", paths(&d));
            };
            assert!(
                diag.detail.contains(words) || diag.summary.contains(words),
                "{path}: {:?} / {:?} should mention {words}",
                diag.summary,
                diag.detail
            );
        }
    }

    #[test]
    fn good_arguments_pass() {
        let v = config(&[
            ("allowed_account_ids", set(&["111122223333"])),
            ("http_proxy", s("http://127.0.0.1:3128")),
            ("max_retries", Value::Number(Number::Int(3))),
            (
                "assume_role",
                block(
                    "assume_role",
                    &[
                        ("role_arn", s(ROLE)),
                        ("duration", s("1h")),
                        ("policy", s(r#"{"Version":"2012-10-17","Statement":[]}"#)),
                        (
                            "policy_arns",
                            set(&["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
                        ),
                        (
                            "tags",
                            Value::Map(BTreeMap::from([("team".into(), s("platform"))])),
                        ),
                        ("transitive_tag_keys", set(&["team"])),
                        ("source_identity", s("ci-pipeline")),
                    ],
                ),
            ),
        ]);
        let d = all_diags(&v);
        assert!(d.is_empty(), "{d:?}");
    }

    fn settings(v: &Value, env: &[(&str, &str)]) -> Result<ClientSettings, SettingsError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProviderConfig::read(v)
            .unwrap()
            .into_settings(&|k| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn unknown_values_are_not_errors_and_read_as_unset() {
        let v = config(&[
            ("region", Value::unknown()),
            ("max_retries", Value::Number(Number::Int(3))),
            (
                "endpoints",
                block(
                    "endpoints",
                    &[
                        ("kinesis", s("http://127.0.0.1:4566")),
                        ("chime_sdk_messaging", Value::unknown()),
                    ],
                ),
            ),
        ]);
        assert!(all_diags(&v).is_empty());
        let s = settings(&v, &[]).unwrap();
        assert_eq!(s.region, None);
        assert_eq!(s.kinesis_endpoint.as_deref(), Some("http://127.0.0.1:4566"));
        assert_eq!(s.chime_sdk_messaging_endpoint, None);
        assert_eq!(s.max_retries, 3);
    }

    #[test]
    fn environment_variables_fill_what_the_block_leaves_unset() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "eyJ...").unwrap();
        let v = config(&[
            ("https_proxy", s("http://block-proxy:3128")),
            (
                "assume_role_with_web_identity",
                block("assume_role_with_web_identity", &[("role_arn", s(ROLE))]),
            ),
        ]);
        let got = settings(
            &v,
            &[
                ("HTTPS_PROXY", "http://env-proxy:1"),
                ("http_proxy", "http://lower-case:2"),
                ("NO_PROXY", "localhost"),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            ],
        )
        .unwrap();
        assert_eq!(
            got.http.proxy.https_proxy.as_deref(),
            Some("http://block-proxy:3128"),
            "the block wins"
        );
        assert_eq!(
            got.http.proxy.http_proxy.as_deref(),
            Some("http://lower-case:2")
        );
        assert_eq!(got.http.proxy.no_proxy.as_deref(), Some("localhost"));
        let web = got.assume_role_with_web_identity.unwrap();
        assert_eq!(web.token, WebIdentityToken::File(token));
    }

    #[test]
    fn files_that_cannot_be_used_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let not_pem = dir.path().join("bundle.pem");
        std::fs::write(&not_pem, "hello").unwrap();
        let e = settings(
            &config(&[("custom_ca_bundle", s(not_pem.to_str().unwrap()))]),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.path.to_string(), "custom_ca_bundle");
        assert!(e.detail.contains(not_pem.to_str().unwrap()), "{e:?}");

        let e = settings(&config(&[]), &[("AWS_CA_BUNDLE", "/nonexistent/ca.pem")]).unwrap_err();
        assert!(e.detail.contains("/nonexistent/ca.pem"), "{e:?}");

        let missing = dir.path().join("no-token");
        let e = settings(
            &config(&[(
                "assume_role_with_web_identity",
                block(
                    "assume_role_with_web_identity",
                    &[
                        ("role_arn", s(ROLE)),
                        ("web_identity_token_file", s(missing.to_str().unwrap())),
                    ],
                ),
            )]),
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.path.to_string(),
            "assume_role_with_web_identity[0].web_identity_token_file"
        );
        assert!(e.detail.contains(missing.to_str().unwrap()), "{e:?}");

        let e = settings(&config(&[]), &[("HTTPS_PROXY", "proxy:3128")]).unwrap_err();
        assert_eq!(e.path.to_string(), "https_proxy");
    }
}
