//! The resource's model and schema, one declaration: what users write,
//! with the docs text.

use serde::{Deserialize, Serialize};

use tfplugin::framework::{BlockSchema, Op, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_app_instance_admin";
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] = &[(Op::Create, "5m"), (Op::Delete, "5m")];
/// An AppInstance ARN, as the user resource accepts it.
const APP_INSTANCE_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]{1,1011}$";
/// A user's or a bot's ARN: its AppInstance's ARN, `/user/` or `/bot/`, an
/// ID. The model's ChimeArn takes at most 1024 characters after the
/// account's colon; two IDs of at most 500 stay within it.
const ADMIN_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]{1,500}/(user|bot)/[^/]{1,500}$";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "An administrator of an Amazon Chime SDK AppInstance: one of its AppInstanceUsers (or \
                   AppInstanceBots) allowed to manage every channel of the AppInstance. Both ARNs are fixed: \
                   changing either replaces the admin."
)]
pub struct Model {
    #[tf(
        computed,
        use_state_for_unknown,
        description = "`app_instance_arn` and `app_instance_admin_arn`, joined by a comma: the import ID."
    )]
    pub id: Attr<String>,
    #[tf(
        required,
        requires_replace,
        description = "ARN of the AppInstance. Changing it replaces the admin.",
        identity = "ARN of the AppInstance.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(
        required,
        requires_replace,
        description = "ARN of the AppInstanceUser (or AppInstanceBot) to make an admin; it must belong to \
                       `app_instance_arn`. Changing it replaces the admin.",
        identity = "ARN of the user (or bot) that is the admin.",
        validate = regex_match(
            ADMIN_ARN_PATTERN,
            "must be an AppInstanceUser or AppInstanceBot ARN such as \
             `arn:aws:chime:us-east-1:123456789012:app-instance/ID/user/USER`",
        )
    )]
    pub app_instance_admin_arn: Attr<String>,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "When the user became an admin (RFC 3339)."
    )]
    pub created_timestamp: Attr<String>,
}

/// The `list "chimesdk_app_instance_admin"` block's `config`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, BlockSchema)]
pub struct ListConfig {
    #[tf(
        required,
        description = "ARN of the AppInstance whose admins are listed.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
}
