//! The resource's model and schema, one declaration: what users write,
//! with the docs text.

use serde::{Deserialize, Serialize};

use tfplugin::framework::{BlockSchema, Op, between, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_app_instance_retention_settings";
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] =
    &[(Op::Create, "5m"), (Op::Update, "5m"), (Op::Delete, "5m")];
/// An AppInstance ARN, as the other resources accept it.
const APP_INSTANCE_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]{1,1011}$";
/// The identity model's RetentionDays: 1-5475 (15 years).
pub const MAX_RETENTION_DAYS: i64 = 5475;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "How long an Amazon Chime SDK AppInstance keeps its channel messages. Messages older than the \
                   period are deleted for good once the service's grace period (30 days, by the developer guide) \
                   has passed, so the plan warns, with the cut-off date, whenever a period is set or shortened. \
                   Destroying the resource removes the setting: messages are then kept."
)]
pub struct Model {
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The AppInstance ARN: the import ID."
    )]
    pub id: Attr<String>,
    #[tf(
        required,
        requires_replace,
        description = "ARN of the AppInstance. Changing it replaces the setting (removed from the old AppInstance, \
                       set on the new).",
        identity = "ARN of the AppInstance.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(
        required,
        description = "Days to keep channel messages: 1-5475. Changing it updates the setting in place; a shorter \
                       period deletes more messages (the plan warns).",
        validate = between(1, MAX_RETENTION_DAYS)
    )]
    pub retention_days: Attr<i64>,
    #[tf(
        computed,
        description = "When the service starts deleting messages past the period (RFC 3339), as \
                       PutAppInstanceRetentionSettings answered; it moves with every change of `retention_days`."
    )]
    pub initiate_deletion_timestamp: Attr<String>,
}
