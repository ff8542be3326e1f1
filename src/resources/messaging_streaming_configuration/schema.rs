//! The resource's model and schema, one declaration: what users write, with
//! the docs text.

use serde::{Deserialize, Serialize};

use crate::aws::tags::{MAX_USER_TAGS, TagsAttr};
use chimesdk_domain::streaming::{DataType, STREAM_PREFIX};
use tfplugin::framework::{
    BlockSchema, Op, between, length_between, not_empty, one_of, regex_match, starts_with,
};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_messaging_streaming_configuration";
pub const DEFAULT_SHARDS: i64 = 2;
pub const DEFAULT_KMS_KEY: &str = "alias/aws/kinesis";
pub const DEFAULT_RETENTION_HOURS: i64 = 24;
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] = &[
    (Op::Create, "10m"),
    (Op::Update, "30m"),
    (Op::Delete, "15m"),
];
pub const STREAM_NAME_PATTERN: &str = r"^[a-zA-Z0-9_.-]{1,128}$";
/// Kinesis allows at most 10,000 shards per stream.
pub const MAX_SHARDS: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "Streams an Amazon Chime SDK AppInstance's messaging data (messages and channel events) to Amazon \
                   Kinesis data streams, checking every prerequisite at plan time."
)]
pub struct Model {
    #[tf(computed, use_state_for_unknown, description = "The AppInstance ARN.")]
    pub id: Attr<String>,
    #[tf(
        required,
        description = "ARN of the AppInstance whose data is streamed, at most 1600 characters (the Chime SDK \
                       model's limit). Changing it replaces the resource.",
        requires_replace,
        identity = "ARN of the AppInstance whose data is streamed; an AppInstance has at most one streaming \
                    configuration."
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(block, set, min_items = 1, max_items = 2, identified_by = "data_type")]
    pub streaming_configuration: Attr<Vec<BlockModel>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "Where one data type is streamed. One or two blocks, at most one per `data_type`; their order \
                   does not matter. Set exactly one of `resource_arn` (a stream you manage elsewhere) or `stream` (a \
                   stream this provider manages)."
)]
pub struct BlockModel {
    #[tf(
        required,
        description = "`ChannelMessage` (message events) or `Channel` (channel, membership, ban, moderator and \
                       sub-channel events).",
        validate = one_of(&DataType::NAMES)
    )]
    pub data_type: Attr<String>,
    #[tf(
        optional,
        computed,
        description = "ARN of an existing Kinesis data stream, checked at plan time and never modified: same \
                       account and region as the AppInstance, name starting with `chime-messaging-`, at least 2 \
                       open shards (in either capacity mode), KMS encryption on. Computed when `stream` is set."
    )]
    pub resource_arn: Attr<String>,
    #[tf(block, single)]
    pub stream: Attr<StreamModel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "A Kinesis data stream the provider owns: created if missing (PROVISIONED), encrypted with KMS, \
                   scaled to `shard_count`, and waited for until ACTIVE. A stream that already exists with this name \
                   is adopted and converged; an adopted stream is never deleted."
)]
pub struct StreamModel {
    #[tf(
        required,
        description = "Stream name. Must start with `chime-messaging-` and use only `a-zA-Z0-9_.-` (at most 128 \
                       characters).",
        validate = regex_match(STREAM_NAME_PATTERN, "must be 1-128 characters of `a-zA-Z0-9_.-`"),
        validate = starts_with(STREAM_PREFIX)
    )]
    pub name: Attr<String>,
    #[tf(
        description = "Number of shards (PROVISIONED mode). At least 2, as Chime SDK messaging requires, and at most \
                       10,000 (Kinesis). Default `2`.",
        default = DEFAULT_SHARDS,
        validate = between(2, MAX_SHARDS)
    )]
    pub shard_count: Attr<i64>,
    #[tf(
        description = "KMS key for server-side encryption: key ID, key ARN, alias name or alias ARN. Default \
                       `alias/aws/kinesis` (the AWS managed key).",
        default = DEFAULT_KMS_KEY,
        // Not empty, and the model's at most 2048: one error each.
        validate = not_empty(),
        validate = length_between(0, 2048)
    )]
    pub kms_key_id: Attr<String>,
    #[tf(
        description = "How long records stay in the stream, 24 to 8760 hours. Default `24`.",
        default = DEFAULT_RETENTION_HOURS,
        validate = between(24, 8760)
    )]
    pub retention_period_hours: Attr<i64>,
    #[tf(
        description = "Keep the stream when this resource is destroyed or stops using it. Default `false`: a stream \
                       this resource created is deleted.",
        default = false
    )]
    pub retain_on_destroy: Attr<bool>,
    #[tf(
        optional,
        description = format!(
            "Tags for the stream, merged over the provider's `default_tags` (on the same key this value wins). Keys \
             are 1-128 characters, values at most 256, both letters, digits, white space and `_.:/=+-@%`; keys \
             must not start with `aws:`. At most {MAX_USER_TAGS} tags including the default tags (Kinesis allows \
             50; the provider's owner tag takes one). Streams given by `resource_arn` are never tagged."
        )
    )]
    pub tags: TagsAttr,
    #[tf(
        computed,
        description = "Every tag the stream has: `tags` merged over the provider's `default_tags`. The provider's \
                       own owner tag (`chimesdk:managed-by-app-instance`) is not shown."
    )]
    pub tags_all: TagsAttr,
}
