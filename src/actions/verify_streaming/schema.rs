//! The action's schema and configuration model.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use tfplugin::framework::{Attribute, Block, Schema, duration_at_most, regex_match};
use tfplugin::value::{Attr, Type};

pub const TYPE_NAME: &str = "chimesdk_verify_streaming";
pub const DEFAULT_TIMEOUT: &str = "2m";
/// Long enough for any delivery worth waiting for; a run stays bounded.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Config {
    pub app_instance_arn: Attr<String>,
    pub data_types: Attr<Vec<String>>,
    pub app_instance_user_arn: Attr<String>,
    pub timeout: Attr<String>,
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new(
            "Proves that an AppInstance's messaging events reach its Kinesis streams: creates a temporary user and \
             channel, sends one message, and waits for the `CREATE_CHANNEL` and `CREATE_CHANNEL_MESSAGE` records on \
             the configured streams; then deletes what it created, also when it fails or is cancelled.",
        )
        .attribute(
            Attribute::string("app_instance_arn")
                .required()
                .describe("ARN of the AppInstance whose streaming configuration is verified.")
                .validate(regex_match(r"^arn:[^:]+:chime:[^:]+:[0-9]{12}:app-instance/.+$", "must be an AppInstance ARN")),
        )
        .attribute(
            Attribute::typed("data_types", Type::set(Type::String))
                .optional()
                .describe(
                    "Which data types to verify: `ChannelMessage`, `Channel` or both. Default: every data type the \
                     AppInstance streams.",
                ),
        )
        .attribute(
            Attribute::string("app_instance_user_arn")
                .optional()
                .describe(
                    "An existing AppInstanceUser to create the channel and send the message as. Default: a temporary \
                     user, deleted afterwards.",
                ),
        )
        .attribute(
            // Optional, not defaulted: an action's schema has no computed values.
            Attribute::string("timeout")
                .optional()
                .describe("How long to wait for the records, e.g. `90s` or `5m`; at most `30m`. Default `2m`.")
                .validate(duration_at_most(MAX_TIMEOUT)),
        ),
    )
}
