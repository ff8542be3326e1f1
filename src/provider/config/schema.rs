//! The provider block's schema: its attributes, blocks and validators.

use std::time::Duration;

use crate::aws::endpoints::SERVICES;
use crate::aws::tags::MAX_USER_TAGS;
use tfplugin::framework::{
    Attribute, Block, NestedBlock, Nesting, Schema, at_least, not_empty, regex_match,
};
use tfplugin::value::Type;

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

pub(super) fn set_of_strings(name: &str) -> Attribute {
    Attribute::typed(name, Type::Set(Box::new(Type::String)))
}

pub(super) fn map_of_strings(name: &str) -> Attribute {
    Attribute::typed(name, Type::Map(Box::new(Type::String)))
}

pub(super) fn list_of_strings(name: &str) -> Attribute {
    Attribute::typed(name, Type::List(Box::new(Type::String)))
}

/// The attributes assume_role and assume_role_with_web_identity share;
/// `role_arn` is the given attribute (required, or optional with an
/// environment fallback).
pub(super) fn role_session_attributes(block: Block, role_arn: Attribute) -> Block {
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
    for row in &SERVICES {
        endpoints = endpoints.attribute(Attribute::string(row.attribute).optional().describe(
            &format!(
                "Endpoint URL for {}, e.g. `http://127.0.0.1:4566`.",
                row.used_for
            ),
        ));
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
