//! The messaging traffic `chimesdk_verify_streaming` makes to see events
//! arrive: a channel its temporary AppInstanceUser (made with
//! `chimesdk_app_instance_user`'s calls) creates, one message, and the
//! channel's removal. Every call carries an idempotency token where the API
//! takes one, so a retried create makes nothing twice.

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
/// channel).
pub async fn send_message(
    c: &Aws<'_>,
    channel_arn: &str,
    content: &str,
    bearer: &str,
    token: &str,
) -> Result<(), AwsError> {
    c.call("SendChannelMessage", || {
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
    Ok(())
}
