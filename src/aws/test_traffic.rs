//! The messaging traffic the verify actions make: a channel their temporary
//! AppInstanceUser (made with `chimesdk_app_instance_user`'s calls)
//! creates, the channel flow it is associated with, one message and its
//! status, and the channel's removal. Every call carries an idempotency
//! token where the API takes one, so a retried create makes nothing twice.

use aws_sdk_chimesdkmessaging::types::{
    ChannelMessagePersistenceType, ChannelMessageType, ChannelMode, ChannelPrivacy,
};

use super::error::AwsError;
use super::gone::Found;
use super::scope::Aws;

/// CreateChannel as `bearer` (private, restricted: nobody else sees it);
/// returns its ARN.
pub async fn create_channel(
    c: &Aws<'_>,
    app_instance_arn: &str,
    name: &str,
    bearer: &str,
    token: &str,
) -> Result<String, AwsError> {
    let out = c
        .call("CreateChannel", || {
            c.chime
                .create_channel()
                .app_instance_arn(app_instance_arn)
                .name(name)
                .mode(ChannelMode::Restricted)
                .privacy(ChannelPrivacy::Private)
                .client_request_token(token)
                .chime_bearer(bearer)
                .send()
        })
        .await?;
    out.channel_arn()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Other("CreateChannel returned no ChannelArn".into()))
}

/// DeleteChannel as `bearer`. DeleteChannel models no not-found error, so
/// no answer but success counts as done: the action reports a channel it
/// could not delete as left behind, with the command that removes it.
pub async fn delete_channel(c: &Aws<'_>, channel_arn: &str, bearer: &str) -> Result<(), AwsError> {
    c.call("DeleteChannel", || {
        c.chime
            .delete_channel()
            .channel_arn(channel_arn)
            .chime_bearer(bearer)
            .send()
    })
    .await
    .deleted()
}

/// SendChannelMessage as `bearer`: one standard, persistent message (whether
/// non-persistent ones are streamed is unverified; this one goes with its
/// channel). Returns the message ID.
pub async fn send_message(
    c: &Aws<'_>,
    channel_arn: &str,
    content: &str,
    bearer: &str,
    token: &str,
) -> Result<String, AwsError> {
    let out = c
        .call("SendChannelMessage", || {
            c.chime
                .send_channel_message()
                .channel_arn(channel_arn)
                .content(content)
                .r#type(ChannelMessageType::Standard)
                .persistence(ChannelMessagePersistenceType::Persistent)
                .client_request_token(token)
                .chime_bearer(bearer)
                .send()
        })
        .await?;
    out.message_id()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Other("SendChannelMessage returned no MessageId".into()))
}

/// AssociateChannelFlow as `bearer` (an AppInstanceAdmin).
pub async fn associate_flow(
    c: &Aws<'_>,
    channel_arn: &str,
    flow_arn: &str,
    bearer: &str,
) -> Result<(), AwsError> {
    c.call("AssociateChannelFlow", || {
        c.chime
            .associate_channel_flow()
            .channel_arn(channel_arn)
            .channel_flow_arn(flow_arn)
            .chime_bearer(bearer)
            .send()
    })
    .await?;
    Ok(())
}

/// A message's status (`SENT`, `PENDING`, `DENIED`, `FAILED`), its detail
/// and its content, as GetChannelMessage answers.
pub struct MessageState {
    pub status: String,
    pub detail: Option<String>,
    pub content: Option<String>,
}

pub async fn message_state(
    c: &Aws<'_>,
    channel_arn: &str,
    message_id: &str,
    bearer: &str,
) -> Result<MessageState, AwsError> {
    let out = c
        .call("GetChannelMessage", || {
            c.chime
                .get_channel_message()
                .channel_arn(channel_arn)
                .message_id(message_id)
                .chime_bearer(bearer)
                .send()
        })
        .await?;
    let m = out.channel_message();
    let status = m.and_then(|m| m.status());
    Ok(MessageState {
        status: status
            .and_then(|s| s.value())
            .map_or("SENT", |v| v.as_str())
            .to_string(),
        detail: status.and_then(|s| s.detail()).map(str::to_string),
        content: m.and_then(|m| m.content()).map(str::to_string),
    })
}
