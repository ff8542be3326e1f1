//! Channels and messages in the service's shapes: as streamed payloads
//! (ISO-8601 timestamps) and as the REST API answers them (epoch seconds).

use crate::iso;
use crate::store::{ChannelRecord, Message};
use chimesdk_domain::events::{self, MessageStatus, Timestamp};

/// A streamed record's timestamp.
fn streamed(t: f64) -> Timestamp {
    Timestamp::Iso(iso(t))
}

/// A REST answer's timestamp.
fn answered(t: f64) -> Timestamp {
    Timestamp::Epoch(t)
}

fn channel(c: &ChannelRecord, stamp: fn(f64) -> Timestamp) -> events::Channel {
    events::Channel {
        name: Some(c.name.clone()),
        channel_arn: Some(c.arn.clone()),
        mode: Some(c.mode.clone()),
        privacy: Some(c.privacy.clone()),
        metadata: c.metadata.clone(),
        created_by: Some(c.created_by.clone()),
        created_timestamp: Some(stamp(c.created)),
        last_message_timestamp: c.last_message.map(stamp),
        last_updated_timestamp: Some(stamp(c.updated)),
        channel_flow_arn: None,
        elastic_channel_configuration: c.elastic.clone(),
        expiration_settings: c.expiration.clone(),
    }
}

pub(super) fn channel_payload(c: &ChannelRecord) -> events::Channel {
    channel(c, streamed)
}

/// Channel, as DescribeChannel answers.
pub(super) fn channel_out(c: &ChannelRecord) -> events::Channel {
    channel(c, answered)
}

/// ChannelSummary, as ListChannels answers.
pub(super) fn channel_summary(c: &ChannelRecord) -> events::Channel {
    events::Channel {
        name: Some(c.name.clone()),
        channel_arn: Some(c.arn.clone()),
        mode: Some(c.mode.clone()),
        privacy: Some(c.privacy.clone()),
        metadata: c.metadata.clone(),
        last_message_timestamp: c.last_message.map(answered),
        ..Default::default()
    }
}

fn message(channel_arn: &str, m: &Message, stamp: fn(f64) -> Timestamp) -> events::ChannelMessage {
    events::ChannelMessage {
        channel_arn: Some(channel_arn.to_string()),
        message_id: Some(m.id.clone()),
        content: m.content.clone(),
        metadata: m.metadata.clone(),
        r#type: Some(m.r#type.clone()),
        created_timestamp: Some(stamp(m.created)),
        last_edited_timestamp: m.edited.map(stamp),
        last_updated_timestamp: Some(stamp(m.updated)),
        sender: Some(m.sender.clone()),
        redacted: Some(m.redacted),
        persistence: Some(m.persistence.clone()),
        status: Some(m.status.clone().unwrap_or(MessageStatus {
            value: Some("SENT".into()),
            detail: None,
        })),
        message_attributes: m.attributes.clone(),
        sub_channel_id: m.sub_channel_id.clone(),
        content_type: m.content_type.clone(),
        target: m.target.clone(),
    }
}

pub(super) fn message_payload(channel_arn: &str, m: &Message) -> events::ChannelMessage {
    message(channel_arn, m, streamed)
}

/// ChannelMessage, as GetChannelMessage answers.
pub(super) fn message_out(channel_arn: &str, m: &Message) -> events::ChannelMessage {
    message(channel_arn, m, answered)
}

/// ChannelMessageSummary, as ListChannelMessages answers: no channel,
/// persistence or sub-channel of its own.
pub(super) fn message_summary(m: &Message) -> events::ChannelMessage {
    events::ChannelMessage {
        channel_arn: None,
        persistence: None,
        sub_channel_id: None,
        ..message("", m, answered)
    }
}
