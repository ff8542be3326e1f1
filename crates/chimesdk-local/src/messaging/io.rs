//! The messaging operations' inputs and outputs, with the members the
//! messaging model names. Channels, memberships, bans, moderators and
//! messages are answered in the shapes the streamed payloads use
//! (`chimesdk_domain::events`), with the REST API's epoch timestamps. An
//! absent optional member is `None` and is not sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use chimesdk_domain::events::{
    Channel, ChannelMessage, ElasticChannelConfiguration, ExpirationSettings, Identity,
    MessageStatus, Target,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChannel {
    pub app_instance_arn: String,
    pub name: String,
    pub mode: Option<String>,
    pub privacy: Option<String>,
    pub metadata: Option<String>,
    pub client_request_token: String,
    pub channel_id: Option<String>,
    #[serde(default)]
    pub member_arns: Vec<String>,
    #[serde(default)]
    pub moderator_arns: Vec<String>,
    pub elastic_channel_configuration: Option<ElasticChannelConfiguration>,
    pub expiration_settings: Option<ExpirationSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateChannel {
    pub name: Option<String>,
    pub mode: Option<String>,
    pub metadata: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutChannelExpirationSettings {
    pub expiration_settings: Option<ExpirationSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChannelMembership {
    pub member_arn: String,
    pub r#type: String,
    pub sub_channel_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChannelBan {
    pub member_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChannelModerator {
    pub channel_moderator_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendChannelMessage {
    pub content: String,
    pub r#type: String,
    pub persistence: String,
    pub metadata: Option<String>,
    pub client_request_token: String,
    pub sub_channel_id: Option<String>,
    pub content_type: Option<String>,
    pub message_attributes: Option<BTreeMap<String, Value>>,
    pub target: Option<Vec<Target>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateChannelMessage {
    pub content: String,
    pub metadata: Option<String>,
    pub content_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelArnOut {
    pub channel_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeChannelOut {
    pub channel: Channel,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListChannelsOut {
    pub channels: Vec<Channel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExpirationOut {
    pub channel_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_settings: Option<ExpirationSettings>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct SubChannelSummary {
    pub sub_channel_id: String,
    pub membership_count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSubChannelsOut {
    pub channel_arn: String,
    pub sub_channels: Vec<SubChannelSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MemberOut {
    pub channel_arn: String,
    pub member: Identity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_channel_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipSummary {
    pub member: Identity,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMembershipsOut {
    pub channel_arn: String,
    pub channel_memberships: Vec<MembershipSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModeratorOut {
    pub channel_arn: String,
    pub channel_moderator: Identity,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageOut {
    pub channel_arn: String,
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MessageStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_channel_id: Option<String>,
}

impl MessageOut {
    /// A message the service accepted (Send, Update): its status is SENT.
    pub fn sent(channel_arn: &str, message_id: &str, sub_channel_id: Option<String>) -> Self {
        MessageOut {
            channel_arn: channel_arn.to_string(),
            message_id: message_id.to_string(),
            status: Some(MessageStatus {
                value: Some("SENT".into()),
                detail: None,
            }),
            sub_channel_id,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMessageOut {
    pub channel_message: ChannelMessage,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMessagesOut {
    pub channel_arn: String,
    pub channel_messages: Vec<ChannelMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_channel_id: Option<String>,
}
