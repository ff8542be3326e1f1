//! Channel messages: send, get, list, update, redact, delete.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::flow_runs;
use super::io::*;
use super::shapes::*;
use super::*;
use crate::error::{ApiError, ApiResult};
use crate::request::{Bearer, Input, length, one_of, page, paginate};
use crate::store::{Message, Store, message_key};
use crate::{App, now};
use chimesdk_domain::events::{EventType, Payload};

pub async fn send_message(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Input(input): Input<SendChannelMessage>,
) -> Reply<MessageOut> {
    let SendChannelMessage {
        content,
        r#type: kind,
        persistence,
        metadata,
        client_request_token: token,
        sub_channel_id: sub,
        content_type,
        message_attributes: attributes,
        target,
    } = input;
    length("Content", &content, 1, 4096)?;
    let kind = one_of("Type", Some(kind), &["STANDARD", "CONTROL"], "")?;
    let persistence = one_of(
        "Persistence",
        Some(persistence),
        &["PERSISTENT", "NON_PERSISTENT"],
        "",
    )?;
    let (id, sub_out, run) = app
        .transact(|s, out| {
            let key = format!("SendChannelMessage|{arn}|{who}|{token}");
            if let Some(id) = s.tokens.get(&key) {
                let sub = s
                    .messages
                    .get(&message_key(&arn, id))
                    .and_then(|m| m.sub_channel_id.clone());
                return Ok((id.clone(), sub, None));
            }
            let (app_arn, sender) = channel_caller(s, &arn, &who)?;
            let seq = s.take_message_seq();
            let c = channel_mut(s, &arn)?;
            if c.bans.contains_key(&who) {
                return Err(ApiError::forbidden(format!(
                    "{who} is banned from this channel"
                )));
            }
            if !c.members.contains_key(&who)
                && !c.moderators.contains_key(&who)
                && c.created_by.arn.as_deref() != Some(who.as_str())
            {
                return Err(ApiError::forbidden(format!(
                    "{who} is not a member of this channel"
                )));
            }
            let sub_channel_id = match (&c.elastic, sub) {
                (Some(_), Some(id)) if c.sub_channels.contains_key(&id) => Some(id),
                (Some(_), Some(id)) => {
                    return Err(ApiError::bad_request(format!("SubChannel {id} not found")));
                }
                (Some(_), None) => {
                    return Err(ApiError::bad_request(
                        "SubChannelId is required for elastic channels",
                    ));
                }
                (None, Some(_)) => {
                    return Err(ApiError::bad_request(
                        "SubChannelId is only valid for elastic channels",
                    ));
                }
                (None, None) => None,
            };
            let t = now();
            let m = Message {
                id: uuid::Uuid::new_v4().simple().to_string(),
                seq,
                content: Some(content),
                metadata,
                r#type: kind,
                persistence,
                created: t,
                updated: t,
                edited: None,
                sender,
                redacted: false,
                attributes,
                sub_channel_id: sub_channel_id.clone(),
                content_type,
                target,
                status: None,
            };
            c.last_message = Some(t);
            // A standard message of a channel that holds a flow waits for
            // its processors (control messages skip the flow).
            let flow_arn = c
                .channel_flow_arn
                .clone()
                .filter(|_| m.r#type == "STANDARD");
            let flow = flow_arn.and_then(|f| s.channel_flows.get(&f));
            let run = flow.map(|f| flow_runs::Run {
                app_instance_arn: app_arn.clone(),
                channel_arn: arn.clone(),
                steps: flow_runs::steps_of(f)
                    .into_iter()
                    .map(|(_, step)| step)
                    .collect(),
                step: 0,
                message: Message {
                    status: flow_runs::pending(),
                    ..m.clone()
                },
            });
            let m = match &run {
                Some(run) => run.message.clone(),
                None => {
                    emit(
                        out,
                        &app_arn,
                        EventType::CreateChannelMessage,
                        Payload::ChannelMessage(message_payload(&arn, &m)),
                    );
                    m
                }
            };
            let id = m.id.clone();
            // NON_PERSISTENT messages are delivered, never stored.
            if m.persistence == "PERSISTENT" {
                s.messages.insert(message_key(&arn, &id), m);
            }
            s.tokens.insert(key, id.clone());
            Ok((id, sub_channel_id, run))
        })
        .await?;
    let mut answer = MessageOut::sent(&arn, &id, sub_out);
    if let Some(run) = run {
        answer.status = flow_runs::pending();
        flow_runs::start(app, run);
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

pub async fn get_message(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, id)): Path<(String, String)>,
) -> Reply<GetMessageOut> {
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        let m = s
            .messages
            .get(&message_key(&arn, &id))
            .ok_or_else(|| ApiError::not_found(format!("Message {id} not found")))?;
        Ok((
            StatusCode::OK,
            Json(GetMessageOut {
                channel_message: message_out(&arn, m),
            }),
        ))
    })
    .await
}

pub async fn list_messages(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply<ListMessagesOut> {
    let order = one_of(
        "sort-order",
        q.get("sort-order").cloned(),
        &["ASCENDING", "DESCENDING"],
        "DESCENDING",
    )?;
    let sub = q.get("sub-channel-id").cloned();
    let (start, max) = page(&q)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        let mut all: Vec<_> = s
            .channel_messages(&arn)
            .into_iter()
            .filter(|m| sub.is_none() || m.sub_channel_id == sub)
            .map(message_summary)
            .collect();
        if order == "DESCENDING" {
            all.reverse();
        }
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(ListMessagesOut {
                channel_arn: arn.clone(),
                channel_messages: items,
                next_token: next,
                sub_channel_id: sub.clone(),
            }),
        ))
    })
    .await
}

/// Shared by update, redact and delete: check the caller, find the
/// message; its AppInstance and its key in the store.
pub(super) fn message_lookup(
    s: &Store,
    arn: &str,
    id: &str,
    who: &str,
) -> ApiResult<(String, String)> {
    let c = channel(s, arn)?;
    caller(s, who, &c.app_instance_arn)?;
    let key = message_key(arn, id);
    if !s.messages.contains_key(&key) {
        return Err(ApiError::bad_request(format!("Message {id} not found")));
    }
    Ok((c.app_instance_arn.clone(), key))
}

pub async fn update_message(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, id)): Path<(String, String)>,
    Input(UpdateChannelMessage {
        content,
        metadata,
        content_type,
    }): Input<UpdateChannelMessage>,
) -> Reply<MessageOut> {
    length("Content", &content, 0, 4096)?;
    let sub = app
        .transact(|s, out| {
            let (app_arn, key) = message_lookup(s, &arn, &id, &who)?;
            let t = now();
            let m = s.messages.get_mut(&key).expect("looked up");
            if m.redacted {
                return Err(ApiError::bad_request(
                    "A redacted message cannot be updated",
                ));
            }
            m.content = Some(content);
            if metadata.is_some() {
                m.metadata = metadata;
            }
            if content_type.is_some() {
                m.content_type = content_type;
            }
            m.edited = Some(t);
            m.updated = t;
            let payload = message_payload(&arn, m);
            let sub = m.sub_channel_id.clone();
            emit(
                out,
                &app_arn,
                EventType::UpdateChannelMessage,
                Payload::ChannelMessage(payload),
            );
            Ok(sub)
        })
        .await?;
    Ok((StatusCode::OK, Json(MessageOut::sent(&arn, &id, sub))))
}

pub async fn redact_message(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, id)): Path<(String, String)>,
    Query(q): Params,
) -> Reply<MessageOut> {
    if q.get("operation").map(String::as_str) != Some("redact") {
        return Err(ApiError::unknown_operation(
            "POST",
            &format!("/channels/{arn}/messages/{id}"),
        ));
    }
    let sub = app
        .transact(|s, out| {
            let (app_arn, key) = message_lookup(s, &arn, &id, &who)?;
            let m = s.messages.get_mut(&key).expect("looked up");
            m.content = None;
            m.metadata = None;
            m.redacted = true;
            m.updated = now();
            let payload = message_payload(&arn, m);
            let sub = m.sub_channel_id.clone();
            emit(
                out,
                &app_arn,
                EventType::RedactChannelMessage,
                Payload::ChannelMessage(payload),
            );
            Ok(sub)
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(MessageOut {
            channel_arn: arn,
            message_id: id,
            status: None,
            sub_channel_id: sub,
        }),
    ))
}

pub async fn delete_message(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.transact(|s, out| {
        let (app_arn, key) = message_lookup(s, &arn, &id, &who)?;
        // "Only admins can perform this action" (the model). Here that means
        // the channel's moderators: AppInstanceAdmins are not emulated, and
        // whether the service also lets moderators delete is unverified.
        if !channel(s, &arn)?.moderators.contains_key(&who) {
            return Err(ApiError::forbidden(format!(
                "Only admins can delete channel messages; {who} is not a moderator of {arn}"
            )));
        }
        let m = s.messages.remove(&key).expect("looked up");
        let payload = message_payload(&arn, &m);
        emit(
            out,
            &app_arn,
            EventType::DeleteChannelMessage,
            Payload::ChannelMessage(payload),
        );
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
