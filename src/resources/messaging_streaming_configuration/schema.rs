//! The resource's schema: what users write, with the docs text.

use crate::aws::tags::MAX_USER_TAGS;
use chimesdk_domain::streaming::{DataType, STREAM_PREFIX};
use tfplugin::framework::{
    Attribute, Block, NestedBlock, Nesting, Op, PlanModifier, Schema, between, length_between,
    not_empty, one_of, regex_match, starts_with,
};
use tfplugin::value::{Number, Type, Value};

fn tag_map() -> Type {
    Type::Map(Box::new(Type::String))
}

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

pub fn schema() -> Schema {
    let stream = Block::new(
        "A Kinesis data stream the provider owns: created if missing (PROVISIONED), encrypted with KMS, scaled to \
         `shard_count`, and waited for until ACTIVE. A stream that already exists with this name is adopted and \
         converged; an adopted stream is never deleted.",
    )
    .attribute(
        Attribute::string("name")
            .required()
            .describe("Stream name. Must start with `chime-messaging-` and use only `a-zA-Z0-9_.-` (at most 128 characters).")
            .validate(regex_match(STREAM_NAME_PATTERN, "must be 1-128 characters of `a-zA-Z0-9_.-`"))
            .validate(starts_with(STREAM_PREFIX)),
    )
    .attribute(
        Attribute::number("shard_count")
            .describe("Number of shards (PROVISIONED mode). At least 2, as Chime SDK messaging requires, and at most 10,000 (Kinesis). Default `2`.")
            .default_value(Value::Number(Number::Int(DEFAULT_SHARDS)))
            .validate(between(2, MAX_SHARDS)),
    )
    .attribute(
        Attribute::string("kms_key_id")
            .describe("KMS key for server-side encryption: key ID, key ARN, alias name or alias ARN. Default `alias/aws/kinesis` (the AWS managed key).")
            .default_value(Value::String(DEFAULT_KMS_KEY.into()))
            // Not empty, and the model's at most 2048: one error each.
            .validate(not_empty())
            .validate(length_between(0, 2048)),
    )
    .attribute(
        Attribute::number("retention_period_hours")
            .describe("How long records stay in the stream, 24 to 8760 hours. Default `24`.")
            .default_value(Value::Number(Number::Int(DEFAULT_RETENTION_HOURS)))
            .validate(between(24, 8760)),
    )
    .attribute(
        Attribute::bool("retain_on_destroy")
            .describe("Keep the stream when this resource is destroyed or stops using it. Default `false`: a stream this resource created is deleted.")
            .default_value(Value::Bool(false)),
    )
    .attribute(
        Attribute::typed("tags", tag_map())
            .optional()
            .describe(&format!(
                "Tags for the stream, merged over the provider's `default_tags` (on the same key this value wins). Keys are \
                 1-128 characters, values at most 256, both letters, digits, white space and `_.:/=+-@%`; keys must not \
                 start with `aws:`. At most {MAX_USER_TAGS} tags including the default tags (Kinesis allows 50; the \
                 provider's owner tag takes one). Streams given by `resource_arn` are never tagged."
            )),
    )
    .attribute(Attribute::typed("tags_all", tag_map()).computed().describe(
        "Every tag the stream has: `tags` merged over the provider's `default_tags`. The provider's own owner tag \
         (`chimesdk:managed-by-app-instance`) is not shown.",
    ));

    let streaming_configuration = Block::new(
        "Where one data type is streamed. One or two blocks, at most one per `data_type`; their order does not matter. \
         Set exactly one of `resource_arn` (a stream you manage elsewhere) or `stream` (a stream this provider manages).",
    )
    .attribute(
        Attribute::string("data_type")
            .required()
            .describe("`ChannelMessage` (message events) or `Channel` (channel, membership, ban, moderator and sub-channel events).")
            .validate(one_of(&DataType::NAMES)),
    )
    .attribute(Attribute::string("resource_arn").optional().computed().describe(
        "ARN of an existing Kinesis data stream, checked at plan time and never modified: same account and region as the \
         AppInstance, name starting with `chime-messaging-`, at least 2 open shards (in either capacity mode), KMS encryption on. \
         Computed when `stream` is set.",
    ))
    .block(NestedBlock::new("stream", Nesting::Single, stream));

    Schema::new(
        Block::new(
            "Streams an Amazon Chime SDK AppInstance's messaging data (messages and channel events) to Amazon Kinesis data \
             streams, checking every prerequisite at plan time.",
        )
        .attribute(
            Attribute::string("id")
                .computed()
                .describe("The AppInstance ARN.")
                .modify_plan(PlanModifier::UseStateForUnknown),
        )
        .attribute(
            Attribute::string("app_instance_arn")
                .required()
                .describe("ARN of the AppInstance whose data is streamed, at most 1600 characters (the Chime SDK model's limit). Changing it replaces the resource.")
                .modify_plan(PlanModifier::RequiresReplace),
        )
        .block(
            NestedBlock::new("streaming_configuration", Nesting::Set, streaming_configuration)
                .items(1, 2)
                .identified_by("data_type"),
        )
    )
}
