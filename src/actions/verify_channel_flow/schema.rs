//! The action's configuration: model and schema, one declaration.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use tfplugin::framework::{BlockSchema, duration_at_most, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_verify_channel_flow";
pub const DEFAULT_TIMEOUT: &str = "2m";
/// Long enough for any processor worth waiting for; a run stays bounded.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "Proves that a channel flow's processors handle messages, which no plan can: creates a temporary \
                   user, makes it an AppInstanceAdmin, creates a channel associated with the flow, sends one \
                   message, and waits for the processors' outcome (sent, changed or not, denied, or failed), with \
                   how long they took; then deletes what it created, also when it fails or is cancelled."
)]
pub struct Config {
    #[tf(
        required,
        description = "ARN of the channel flow to verify.",
        validate = regex_match(
            r"^arn:[^:]+:chime:[^:]+:[0-9]{12}:app-instance/[^/]+/channel-flow/[^/]+$",
            "must be a channel flow ARN (`APP_INSTANCE_ARN/channel-flow/ID`)"
        )
    )]
    pub channel_flow_arn: Attr<String>,
    // Optional, not defaulted: an action's schema has no computed values.
    #[tf(
        optional,
        description = "How long to wait for the processors' outcome, e.g. `90s` or `5m`; at most `30m`. Default \
                       `2m`.",
        validate = duration_at_most(MAX_TIMEOUT)
    )]
    pub timeout: Attr<String>,
}
