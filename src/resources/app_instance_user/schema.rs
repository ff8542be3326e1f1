//! The resource's schema and model: what users write, with the docs text.

use serde::{Deserialize, Serialize};

use crate::aws::tags::TagsAttr;
use crate::resources::tagging::MAX_TAGS;
use tfplugin::framework::{BlockSchema, Op, between, length_between, one_of, regex_match};
use tfplugin::value::Attr;

// The identity model's Metadata shape is the AppInstance's.
use crate::resources::app_instance::schema::METADATA_PATTERN;

pub const TYPE_NAME: &str = "chimesdk_app_instance_user";
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] =
    &[(Op::Create, "5m"), (Op::Update, "5m"), (Op::Delete, "5m")];
/// The identity model's UserId: 1-64 characters, letters and digits at
/// both ends.
const USER_ID_PATTERN: &str = r"^[A-Za-z0-9]([A-Za-z0-9:_.@-]{0,62}[A-Za-z0-9])?$";
/// An AppInstance ARN. The model's ChimeArn takes at most 1024 characters
/// after the account's colon: `app-instance/` and an ID of up to 1011.
const APP_INSTANCE_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]{1,1011}$";
/// The identity model's UserName: 1-100 characters matching `.*\S.*` (at
/// least one that is not white space; no line break).
const USER_NAME_PATTERN: &str = r"^.*\S.*$";
/// The identity model's ExpirationDays: 1-5475.
pub const MAX_EXPIRATION_DAYS: i64 = 5475;
/// The model's only ExpirationCriterion for a user.
pub const CREATED_TIMESTAMP: &str = "CREATED_TIMESTAMP";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "A user of an Amazon Chime SDK AppInstance: the identity that sends messages and joins channels."
)]
pub struct Model {
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The AppInstanceUser ARN."
    )]
    pub id: Attr<String>,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The AppInstanceUser ARN: the AppInstance ARN, `/user/` and the user ID.",
        identity = "The AppInstanceUser ARN, e.g. `arn:aws:chime:us-east-1:123456789012:app-instance/ID/user/USER`."
    )]
    pub arn: Attr<String>,
    #[tf(
        required,
        description = "ARN of the AppInstance the user belongs to. Changing it replaces the user.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        ),
        requires_replace
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(
        required,
        description = "The user's ID within the AppInstance (1-64 characters: letters, digits and `:_.@-`, starting \
                       and ending with a letter or digit). Changing it replaces the user.",
        validate = regex_match(
            USER_ID_PATTERN,
            "must be 1-64 characters of letters, digits and `:_.@-`, starting and ending with a letter or digit",
        ),
        requires_replace
    )]
    pub app_instance_user_id: Attr<String>,
    #[tf(
        required,
        description = "The user's display name. Changing it updates the user in place.",
        validate = length_between(1, 100),
        validate = regex_match(
            USER_NAME_PATTERN,
            "must have a character that is not white space, and no line break",
        )
    )]
    pub name: Attr<String>,
    #[tf(
        optional,
        sensitive,
        description = "Free-form metadata. Sensitive, as the service model marks it. Changing it updates the user \
                       in place.",
        validate = regex_match(METADATA_PATTERN, "must be at most 1024 characters, without line breaks")
    )]
    pub metadata: Attr<String>,
    #[tf(
        optional,
        description = "Days after `expiration_criterion` when the service deletes the user (1-5475); unset, the \
                       user never expires. Set, changed and removed in place (PutAppInstanceUserExpirationSettings). \
                       The plan warns when the expiry this sets is already past: the service deletes such a user \
                       within hours, and every later plan would create it again.",
        validate = between(1, MAX_EXPIRATION_DAYS)
    )]
    pub expiration_days: Attr<i64>,
    #[tf(
        optional,
        computed,
        description = "What `expiration_days` counts from: `CREATED_TIMESTAMP` (the model's only criterion for a \
                       user), the default when `expiration_days` is set; null when it is not.",
        validate = one_of(&["CREATED_TIMESTAMP"])
    )]
    pub expiration_criterion: Attr<String>,
    #[tf(
        optional,
        description = format!(
            "Tags for the user, merged over the provider's `default_tags` (on the same key this value wins). Keys \
             are 1-128 characters and must not start with `aws:`; values are 1-256 characters. At most {MAX_TAGS} \
             tags including the default tags. Changed in place."
        )
    )]
    pub tags: TagsAttr,
    #[tf(
        computed,
        description = "Every tag the user has: `tags` merged over the provider's `default_tags`."
    )]
    pub tags_all: TagsAttr,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "When the user was created (RFC 3339)."
    )]
    pub created_timestamp: Attr<String>,
    #[tf(
        computed,
        description = "When the user's name or metadata last changed (RFC 3339)."
    )]
    pub last_updated_timestamp: Attr<String>,
}

/// The `list "chimesdk_app_instance_user"` block's `config`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, BlockSchema)]
pub struct ListConfig {
    #[tf(
        required,
        description = "ARN of the AppInstance whose users are listed.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
}
