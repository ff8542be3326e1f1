//! The action's configuration: model and schema, one declaration.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use tfplugin::framework::{BlockSchema, duration_at_most, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_verify_streaming";
pub const DEFAULT_TIMEOUT: &str = "2m";
/// Long enough for any delivery worth waiting for; a run stays bounded.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "Proves that an AppInstance's messaging events reach its Kinesis streams: creates a temporary user \
                   and channel, sends one message, and waits for the `CREATE_CHANNEL` and `CREATE_CHANNEL_MESSAGE` \
                   records on the configured streams; then deletes what it created, also when it fails or is \
                   cancelled."
)]
pub struct Config {
    #[tf(
        required,
        description = "ARN of the AppInstance whose streaming configuration is verified.",
        validate = regex_match(r"^arn:[^:]+:chime:[^:]+:[0-9]{12}:app-instance/.+$", "must be an AppInstance ARN")
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(
        optional,
        set,
        description = "Which data types to verify: `ChannelMessage`, `Channel` or both. Default: every data type \
                       the AppInstance streams."
    )]
    pub data_types: Attr<Vec<String>>,
    #[tf(
        optional,
        description = "An existing AppInstanceUser to create the channel and send the message as. Default: a \
                       temporary user, deleted afterwards."
    )]
    pub app_instance_user_arn: Attr<String>,
    // Optional, not defaulted: an action's schema has no computed values.
    #[tf(
        optional,
        description = "How long to wait for the records, e.g. `90s` or `5m`; at most `30m`. Default `2m`.",
        validate = duration_at_most(MAX_TIMEOUT)
    )]
    pub timeout: Attr<String>,
}
