//! The response shapes and streamed payloads of channels and messages.

use serde_json::{Value, json};

use crate::iso;
use crate::store::{ChannelRecord, Message};
use chimesdk_domain::events::{self, MessageStatus};

pub(super) fn channel_payload(c: &ChannelRecord) -> events::Channel {
    events::Channel {
        name: Some(c.name.clone()),
        channel_arn: Some(c.arn.clone()),
        mode: Some(c.mode.clone()),
        privacy: Some(c.privacy.clone()),
        metadata: c.metadata.clone(),
        created_by: Some(c.created_by.clone()),
        created_timestamp: Some(events::Timestamp::Iso(iso(c.created))),
        last_message_timestamp: c.last_message.map(|t| events::Timestamp::Iso(iso(t))),
        last_updated_timestamp: Some(events::Timestamp::Iso(iso(c.updated))),
        channel_flow_arn: None,
        elastic_channel_configuration: c.elastic.clone(),
        expiration_settings: c.expiration.clone(),
    }
}

pub(super) fn channel_json(c: &ChannelRecord) -> Value {
    json!({
        "Name": c.name, "ChannelArn": c.arn, "Mode": c.mode, "Privacy": c.privacy, "Metadata": c.metadata,
        "CreatedBy": c.created_by, "CreatedTimestamp": c.created, "LastMessageTimestamp": c.last_message,
        "LastUpdatedTimestamp": c.updated, "ElasticChannelConfiguration": c.elastic, "ExpirationSettings": c.expiration,
    })
}

pub(super) fn message_payload(channel_arn: &str, m: &Message) -> events::ChannelMessage {
    events::ChannelMessage {
        channel_arn: Some(channel_arn.to_string()),
        message_id: Some(m.id.clone()),
        content: m.content.clone(),
        metadata: m.metadata.clone(),
        r#type: Some(m.r#type.clone()),
        created_timestamp: Some(events::Timestamp::Iso(iso(m.created))),
        last_edited_timestamp: m.edited.map(|t| events::Timestamp::Iso(iso(t))),
        last_updated_timestamp: Some(events::Timestamp::Iso(iso(m.updated))),
        sender: Some(m.sender.clone()),
        redacted: Some(m.redacted),
        persistence: Some(m.persistence.clone()),
        status: Some(MessageStatus {
            value: Some("SENT".into()),
            detail: None,
        }),
        message_attributes: m.attributes.clone(),
        sub_channel_id: m.sub_channel_id.clone(),
        content_type: m.content_type.clone(),
        target: m.target.clone(),
    }
}

/// ChannelMessageSummary, as ListChannelMessages returns.
pub(super) fn message_summary_json(m: &Message) -> Value {
    json!({
        "MessageId": m.id, "Content": m.content, "Metadata": m.metadata, "Type": m.r#type,
        "CreatedTimestamp": m.created, "LastUpdatedTimestamp": m.updated, "LastEditedTimestamp": m.edited,
        "Sender": m.sender, "Redacted": m.redacted, "Status": { "Value": "SENT" },
        "MessageAttributes": m.attributes, "ContentType": m.content_type, "Target": m.target,
    })
}

/// ChannelMessage, as GetChannelMessage returns.
pub(super) fn message_json(channel_arn: &str, m: &Message) -> Value {
    let mut v = message_summary_json(m);
    v["ChannelArn"] = json!(channel_arn);
    v["Persistence"] = json!(m.persistence);
    v["SubChannelId"] = json!(m.sub_channel_id);
    v
}
