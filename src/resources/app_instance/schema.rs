//! The resource's schema and model: what users write, with the docs text.

use serde::{Deserialize, Serialize};

use crate::aws::tags::TagsAttr;
use crate::resources::tagging::MAX_TAGS;
use tfplugin::framework::{BlockSchema, Op, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_app_instance";
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] =
    &[(Op::Create, "5m"), (Op::Update, "5m"), (Op::Delete, "5m")];
/// The model's NonEmptyResourceName: 1-256 characters of this class.
const NAME_PATTERN: &str =
    r"^[\t\n\r\x20-\x7E\x{85}\x{A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]{1,256}$";
/// The model's Metadata: 0-1024 characters matching `.*`, which (in the
/// models' regex dialect) takes no line break.
pub(crate) const METADATA_PATTERN: &str = r"^.{0,1024}$";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "An Amazon Chime SDK AppInstance: the container of the users, channels and messages of one \
                    messaging application, and what `chimesdk_messaging_streaming_configuration` streams from."
)]
pub struct Model {
    #[tf(computed, use_state_for_unknown, description = "The AppInstance ARN.")]
    pub id: Attr<String>,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The AppInstance ARN.",
        identity = "The AppInstance ARN, e.g. `arn:aws:chime:us-east-1:123456789012:app-instance/ID`."
    )]
    pub arn: Attr<String>,
    #[tf(
        required,
        description = "The AppInstance's name. Changing it updates the AppInstance in place.",
        validate = regex_match(NAME_PATTERN, "must be 1-256 printable characters")
    )]
    pub name: Attr<String>,
    #[tf(
        optional,
        sensitive,
        description = "Free-form metadata. Sensitive, as the service model marks it. Changing it updates the \
                       AppInstance in place.",
        validate = regex_match(METADATA_PATTERN, "must be at most 1024 characters, without line breaks")
    )]
    pub metadata: Attr<String>,
    #[tf(
        optional,
        description = format!(
            "Tags for the AppInstance, merged over the provider's `default_tags` (on the same key this value wins). \
             Keys are 1-128 characters and must not start with `aws:`; values are 1-256 characters. At most \
             {MAX_TAGS} tags including the default tags."
        )
    )]
    pub tags: TagsAttr,
    #[tf(
        computed,
        description = "Every tag the AppInstance has: `tags` merged over the provider's `default_tags`."
    )]
    pub tags_all: TagsAttr,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "When the AppInstance was created (RFC 3339)."
    )]
    pub created_timestamp: Attr<String>,
    #[tf(
        computed,
        description = "When the AppInstance's name or metadata last changed (RFC 3339)."
    )]
    pub last_updated_timestamp: Attr<String>,
}
