//! Chime SDK messaging: streaming configurations and the channel operations
//! that raise streamed events.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::request::{
    bearer, body, length, one_of, optional_bearer, optional_str, page, paginate, required_str,
};
use super::store::{ChannelRecord, Grant, Membership, Message, Store, message_key};
use super::{App, Emit, iso, now, prereq};
use crate::arn::AppInstanceArn;
use crate::events::{
    self, ElasticChannelConfiguration, Event, EventType, ExpirationSettings, Identity,
    MessageStatus, Payload, SubChannel,
};

type Reply = ApiResult<(StatusCode, Json<Value>)>;
type Params = Query<HashMap<String, String>>;

// ---- streaming configurations ----

pub async fn put_streaming(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let b = body(&raw)?;
    let Some(Value::Array(list)) = b.get("StreamingConfigurations") else {
        return Err(ApiError::bad_request("StreamingConfigurations is required"));
    };
    if list.is_empty() || list.len() > 2 {
        return Err(ApiError::bad_request(
            "StreamingConfigurations must have 1 or 2 members",
        ));
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in list {
        let data_type = one_of(
            "DataType",
            Some(required_str(item, "DataType")?),
            &["Channel", "ChannelMessage"],
            "",
        )?;
        let resource_arn = required_str(item, "ResourceArn")?;
        if pairs.iter().any(|(dt, _)| *dt == data_type) {
            return Err(ApiError::bad_request(format!(
                "DataType {data_type} appears more than once"
            )));
        }
        pairs.push((data_type, resource_arn));
    }
    if !app.read(|s| Ok(s.app_instances.contains_key(&arn))).await? {
        return Err(ApiError::not_found(format!("AppInstance {arn} not found")));
    }
    let app_instance = AppInstanceArn::parse(&arn)
        .map_err(|e| ApiError::bad_request(format!("AppInstanceArn: {e}")))?;
    let mut checked: Vec<&str> = Vec::new();
    for (_, resource_arn) in &pairs {
        if !checked.contains(&resource_arn.as_str()) {
            prereq::check_stream(&app.kinesis, &app_instance, resource_arn).await?;
            checked.push(resource_arn);
        }
    }
    let stored = pairs.clone();
    app.transact(|s, _| {
        s.streaming.insert(arn.clone(), stored);
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::OK,
        Json(json!({ "StreamingConfigurations": configs_json(&pairs) })),
    ))
}

fn configs_json(pairs: &[(String, String)]) -> Vec<Value> {
    pairs
        .iter()
        .map(|(dt, arn)| json!({ "DataType": dt, "ResourceArn": arn }))
        .collect()
}

pub async fn get_streaming(State(app): State<Arc<App>>, Path(arn): Path<String>) -> Reply {
    app.read(|s| {
        if !s.app_instances.contains_key(&arn) {
            return Err(ApiError::not_found(format!("AppInstance {arn} not found")));
        }
        match s.streaming.get(&arn) {
            Some(pairs) if !pairs.is_empty() => Ok((
                StatusCode::OK,
                Json(json!({ "StreamingConfigurations": configs_json(pairs) })),
            )),
            _ => Err(ApiError::not_found(format!(
                "No streaming configurations found for AppInstance {arn}"
            ))),
        }
    })
    .await
}

pub async fn delete_streaming(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        s.streaming.remove(&arn);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- helpers ----

/// The caller must be an AppInstanceUser of the channel's AppInstance.
fn caller(s: &Store, bearer: &str, app_arn: &str) -> ApiResult<Identity> {
    match s.users.get(bearer) {
        Some(u) if u.app_instance_arn == app_arn => Ok(s.identity_of(bearer)),
        // Users of the real service report UnauthorizedClientException (401)
        // for a bearer that is not a user of the AppInstance.
        _ => Err(ApiError::unauthorized(format!(
            "{bearer} is not an AppInstanceUser of {app_arn}"
        ))),
    }
}

// Most channel operations model no NotFoundException: a channel that does
// not exist is one the bearer cannot access (ForbiddenException, modelled
// for every operation).
fn no_channel(arn: &str) -> ApiError {
    ApiError::forbidden(format!(
        "Channel {arn} does not exist or the bearer cannot access it"
    ))
}

fn channel<'a>(s: &'a Store, arn: &str) -> ApiResult<&'a ChannelRecord> {
    s.channels.get(arn).ok_or_else(|| no_channel(arn))
}

fn channel_mut<'a>(s: &'a mut Store, arn: &str) -> ApiResult<&'a mut ChannelRecord> {
    s.channels.get_mut(arn).ok_or_else(|| no_channel(arn))
}

/// The channel's AppInstance and the calling user, once the bearer is known
/// to be allowed there: the preamble of every channel operation.
fn channel_caller(s: &Store, arn: &str, who: &str) -> ApiResult<(String, Identity)> {
    let app_arn = channel(s, arn)?.app_instance_arn.clone();
    let identity = caller(s, who, &app_arn)?;
    Ok((app_arn, identity))
}

fn member_identity(s: &Store, app_arn: &str, member: &str) -> ApiResult<Identity> {
    match s.users.get(member) {
        Some(u) if u.app_instance_arn == app_arn => Ok(s.identity_of(member)),
        _ => Err(ApiError::bad_request(format!(
            "AppInstanceUser {member} not found in {app_arn}"
        ))),
    }
}

fn emit(out: &mut Vec<Emit>, app_arn: &str, event_type: EventType, payload: Payload) {
    out.push(Emit {
        app_instance_arn: app_arn.to_string(),
        event: Event {
            event_type,
            payload,
        },
    });
}

fn channel_payload(c: &ChannelRecord) -> events::Channel {
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

fn channel_json(c: &ChannelRecord) -> Value {
    json!({
        "Name": c.name, "ChannelArn": c.arn, "Mode": c.mode, "Privacy": c.privacy, "Metadata": c.metadata,
        "CreatedBy": c.created_by, "CreatedTimestamp": c.created, "LastMessageTimestamp": c.last_message,
        "LastUpdatedTimestamp": c.updated, "ElasticChannelConfiguration": c.elastic, "ExpirationSettings": c.expiration,
    })
}

fn message_payload(channel_arn: &str, m: &Message) -> events::ChannelMessage {
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
fn message_summary_json(m: &Message) -> Value {
    json!({
        "MessageId": m.id, "Content": m.content, "Metadata": m.metadata, "Type": m.r#type,
        "CreatedTimestamp": m.created, "LastUpdatedTimestamp": m.updated, "LastEditedTimestamp": m.edited,
        "Sender": m.sender, "Redacted": m.redacted, "Status": { "Value": "SENT" },
        "MessageAttributes": m.attributes, "ContentType": m.content_type, "Target": m.target,
    })
}

/// ChannelMessage, as GetChannelMessage returns.
fn message_json(channel_arn: &str, m: &Message) -> Value {
    let mut v = message_summary_json(m);
    v["ChannelArn"] = json!(channel_arn);
    v["Persistence"] = json!(m.persistence);
    v["SubChannelId"] = json!(m.sub_channel_id);
    v
}

fn parse_elastic(v: &Value) -> ApiResult<ElasticChannelConfiguration> {
    let int = |k: &str, min: i64, max: i64| -> ApiResult<i64> {
        match v.get(k).and_then(Value::as_i64) {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request(format!(
                "ElasticChannelConfiguration.{k} must be from {min} to {max}"
            ))),
            None => Err(ApiError::bad_request(format!(
                "ElasticChannelConfiguration.{k} is required"
            ))),
        }
    };
    Ok(ElasticChannelConfiguration {
        maximum_sub_channels: int("MaximumSubChannels", 2, 1_000_000)?,
        target_memberships_per_sub_channel: int("TargetMembershipsPerSubChannel", 2, 1_000_000)?,
        minimum_membership_percentage: int("MinimumMembershipPercentage", 1, 40)?,
    })
}

fn parse_expiration(v: &Value) -> ApiResult<ExpirationSettings> {
    let days = v
        .get("ExpirationDays")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiError::bad_request("ExpirationSettings.ExpirationDays is required"))?;
    if !(1..=5475).contains(&days) {
        return Err(ApiError::bad_request(
            "ExpirationSettings.ExpirationDays must be from 1 to 5475",
        ));
    }
    let criterion = one_of(
        "ExpirationSettings.ExpirationCriterion",
        Some(required_str(v, "ExpirationCriterion")?),
        &["CREATED_TIMESTAMP", "LAST_MESSAGE_TIMESTAMP"],
        "",
    )?;
    Ok(ExpirationSettings {
        expiration_days: days,
        expiration_criterion: criterion,
    })
}

fn arn_list(b: &Value, field: &str) -> ApiResult<Vec<String>> {
    match b.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::bad_request(format!("{field} must be a list of ARNs")))
            })
            .collect(),
        Some(_) => Err(ApiError::bad_request(format!(
            "{field} must be a list of ARNs"
        ))),
    }
}

/// Adds a member; in an elastic channel, picks (or opens) a sub-channel.
fn add_member(
    c: &mut ChannelRecord,
    member: Identity,
    r#type: String,
    invited_by: Identity,
    sub: Option<String>,
    out: &mut Vec<Emit>,
) -> ApiResult<Option<String>> {
    let member_arn = member.arn.clone().unwrap_or_default();
    if let Some(existing) = c.members.get(&member_arn) {
        return Ok(existing.sub_channel_id.clone());
    }
    if c.bans.contains_key(&member_arn) {
        return Err(ApiError::forbidden(format!(
            "{member_arn} is banned from this channel"
        )));
    }
    let sub_channel_id = match &c.elastic {
        None if sub.is_some() => {
            return Err(ApiError::bad_request(
                "SubChannelId is only valid for elastic channels",
            ));
        }
        None => None,
        Some(cfg) => Some(match sub {
            Some(id) if c.sub_channels.contains_key(&id) => id,
            Some(id) => return Err(ApiError::bad_request(format!("SubChannel {id} not found"))),
            None => {
                let count = |id: &str| {
                    c.members
                        .values()
                        .filter(|m| m.sub_channel_id.as_deref() == Some(id))
                        .count() as i64
                };
                let open = c
                    .sub_channels
                    .keys()
                    .find(|id| count(id) < cfg.target_memberships_per_sub_channel)
                    .cloned();
                match open {
                    Some(id) => id,
                    None if (c.sub_channels.len() as i64) < cfg.maximum_sub_channels => {
                        let id = uuid::Uuid::new_v4().simple().to_string();
                        c.sub_channels.insert(id.clone(), now());
                        emit(
                            out,
                            &c.app_instance_arn,
                            EventType::CreateSubChannel,
                            Payload::SubChannel(SubChannel {
                                channel_arn: Some(c.arn.clone()),
                                sub_channel_id: Some(id.clone()),
                            }),
                        );
                        id
                    }
                    None => {
                        return Err(ApiError::bad_request(
                            "The elastic channel has reached its maximum number of sub-channels",
                        ));
                    }
                }
            }
        }),
    };
    let t = now();
    let membership = Membership {
        r#type,
        invited_by,
        created: t,
        updated: t,
        sub_channel_id: sub_channel_id.clone(),
    };
    let payload = events::ChannelMembership {
        invited_by: Some(membership.invited_by.clone()),
        r#type: Some(membership.r#type.clone()),
        member: Some(member),
        channel_arn: Some(c.arn.clone()),
        created_timestamp: Some(events::Timestamp::Iso(iso(t))),
        last_updated_timestamp: Some(events::Timestamp::Iso(iso(t))),
        sub_channel_id: sub_channel_id.clone(),
    };
    c.members.insert(member_arn, membership);
    emit(
        out,
        &c.app_instance_arn,
        EventType::CreateChannelMembership,
        Payload::ChannelMembership(payload),
    );
    Ok(sub_channel_id)
}

fn add_moderator(c: &mut ChannelRecord, moderator: Identity, by: Identity, out: &mut Vec<Emit>) {
    let arn = moderator.arn.clone().unwrap_or_default();
    if c.moderators.contains_key(&arn) {
        return;
    }
    let t = now();
    c.moderators.insert(
        arn,
        Grant {
            created: t,
            created_by: by.clone(),
        },
    );
    emit(
        out,
        &c.app_instance_arn,
        EventType::CreateChannelModerator,
        Payload::ChannelModerator(events::ChannelModerator {
            moderator: Some(moderator),
            channel_arn: Some(c.arn.clone()),
            created_timestamp: Some(events::Timestamp::Iso(iso(t))),
            created_by: Some(by),
        }),
    );
}

// ---- channels ----

pub async fn create_channel(State(app): State<Arc<App>>, headers: HeaderMap, raw: Bytes) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let app_arn = required_str(&b, "AppInstanceArn")?;
    let name = required_str(&b, "Name")?;
    let mode = one_of(
        "Mode",
        optional_str(&b, "Mode")?,
        &["UNRESTRICTED", "RESTRICTED"],
        "UNRESTRICTED",
    )?;
    let privacy = one_of(
        "Privacy",
        optional_str(&b, "Privacy")?,
        &["PUBLIC", "PRIVATE"],
        "PUBLIC",
    )?;
    let metadata = optional_str(&b, "Metadata")?;
    let token = required_str(&b, "ClientRequestToken")?;
    let channel_id = optional_str(&b, "ChannelId")?;
    let members = arn_list(&b, "MemberArns")?;
    let moderators = arn_list(&b, "ModeratorArns")?;
    let elastic = b
        .get("ElasticChannelConfiguration")
        .filter(|v| !v.is_null())
        .map(parse_elastic)
        .transpose()?;
    let expiration = b
        .get("ExpirationSettings")
        .filter(|v| !v.is_null())
        .map(parse_expiration)
        .transpose()?;
    let arn = app
        .transact(|s, out| {
            if !s.app_instances.contains_key(&app_arn) {
                return Err(ApiError::bad_request(format!(
                    "AppInstance {app_arn} not found"
                )));
            }
            let creator = caller(s, &who, &app_arn)?;
            // A token is the caller's own, within one AppInstance: another
            // user's (or another AppInstance's) same token is another request.
            let key = format!("CreateChannel|{app_arn}|{who}|{token}");
            if let Some(arn) = s.tokens.get(&key) {
                return Ok(arn.clone());
            }
            let id = channel_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let arn = format!("{app_arn}/channel/{id}");
            if s.channels.contains_key(&arn) {
                return Err(ApiError::conflict(format!("Channel {id} already exists")));
            }
            let member_ids = members
                .iter()
                .map(|m| member_identity(s, &app_arn, m))
                .collect::<ApiResult<Vec<_>>>()?;
            let moderator_ids = moderators
                .iter()
                .map(|m| member_identity(s, &app_arn, m))
                .collect::<ApiResult<Vec<_>>>()?;
            let t = now();
            let mut c = ChannelRecord {
                arn: arn.clone(),
                app_instance_arn: app_arn.clone(),
                name,
                mode,
                privacy,
                metadata,
                created_by: creator.clone(),
                created: t,
                updated: t,
                last_message: None,
                elastic,
                expiration,
                members: Default::default(),
                bans: Default::default(),
                moderators: Default::default(),
                sub_channels: Default::default(),
            };
            emit(
                out,
                &app_arn,
                EventType::CreateChannel,
                Payload::Channel(channel_payload(&c)),
            );
            for m in member_ids {
                add_member(&mut c, m, "DEFAULT".into(), creator.clone(), None, out)?;
            }
            for m in moderator_ids {
                add_moderator(&mut c, m, creator.clone(), out);
            }
            s.channels.insert(arn.clone(), c);
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "ChannelArn": arn }))))
}

pub async fn describe_channel(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
) -> Reply {
    let who = bearer(&headers)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        Ok((StatusCode::OK, Json(json!({ "Channel": channel_json(c) }))))
    })
    .await
}

pub async fn list_channels(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Params,
) -> Reply {
    let who = bearer(&headers)?;
    let app_arn = q
        .get("app-instance-arn")
        .cloned()
        .ok_or_else(|| ApiError::bad_request("app-instance-arn is required"))?;
    let privacy = q.get("privacy").cloned();
    if let Some(p) = &privacy {
        one_of("privacy", Some(p.clone()), &["PUBLIC", "PRIVATE"], "")?;
    }
    let (start, max) = page(&q)?;
    app.read(|s| {
        caller(s, &who, &app_arn)?;
        let all: Vec<Value> = s
            .channels
            .values()
            .filter(|c| c.app_instance_arn == app_arn && privacy.as_ref().is_none_or(|p| *p == c.privacy))
            .map(|c| json!({ "Name": c.name, "ChannelArn": c.arn, "Mode": c.mode, "Privacy": c.privacy, "Metadata": c.metadata, "LastMessageTimestamp": c.last_message }))
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((StatusCode::OK, Json(json!({ "Channels": items, "NextToken": next }))))
    })
    .await
}

pub async fn update_channel(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let name = optional_str(&b, "Name")?;
    let mode = optional_str(&b, "Mode")?
        .map(|m| one_of("Mode", Some(m), &["UNRESTRICTED", "RESTRICTED"], ""))
        .transpose()?;
    let metadata = optional_str(&b, "Metadata")?;
    app.transact(|s, out| {
        let (app_arn, _) = channel_caller(s, &arn, &who)?;
        let c = channel_mut(s, &arn)?;
        if let Some(n) = name {
            c.name = n;
        }
        if let Some(m) = mode {
            c.mode = m;
        }
        if metadata.is_some() {
            c.metadata = metadata;
        }
        c.updated = now();
        emit(
            out,
            &app_arn,
            EventType::UpdateChannel,
            Payload::Channel(channel_payload(c)),
        );
        Ok(())
    })
    .await?;
    Ok((StatusCode::OK, Json(json!({ "ChannelArn": arn }))))
}

pub async fn delete_channel(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    let who = bearer(&headers)?;
    app.transact(|s, out| {
        let (app_arn, _) = channel_caller(s, &arn, &who)?;
        let c = s.remove_channel(&arn).expect("checked above");
        emit(
            out,
            &app_arn,
            EventType::DeleteChannel,
            Payload::Channel(channel_payload(&c)),
        );
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn put_expiration(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    // The model makes ChimeBearer optional here (an IAM caller may set
    // expiration without acting as a user).
    let who = optional_bearer(&headers);
    let b = body(&raw)?;
    let settings = b
        .get("ExpirationSettings")
        .filter(|v| !v.is_null())
        .map(parse_expiration)
        .transpose()?;
    let stored = app
        .transact(|s, out| {
            let app_arn = match &who {
                Some(who) => channel_caller(s, &arn, who)?.0,
                None => channel(s, &arn)?.app_instance_arn.clone(),
            };
            let c = channel_mut(s, &arn)?;
            c.expiration = settings;
            c.updated = now();
            emit(
                out,
                &app_arn,
                EventType::UpdateChannelExpirationSettings,
                Payload::Channel(channel_payload(c)),
            );
            Ok(c.expiration.clone())
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({ "ChannelArn": arn, "ExpirationSettings": stored })),
    ))
}

// ---- messages ----

pub async fn send_message(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let content = required_str(&b, "Content")?;
    length("Content", &content, 1, 4096)?;
    let kind = one_of(
        "Type",
        Some(required_str(&b, "Type")?),
        &["STANDARD", "CONTROL"],
        "",
    )?;
    let persistence = one_of(
        "Persistence",
        Some(required_str(&b, "Persistence")?),
        &["PERSISTENT", "NON_PERSISTENT"],
        "",
    )?;
    let metadata = optional_str(&b, "Metadata")?;
    let token = required_str(&b, "ClientRequestToken")?;
    let sub = optional_str(&b, "SubChannelId")?;
    let content_type = optional_str(&b, "ContentType")?;
    let attributes = match b.get("MessageAttributes") {
        Some(Value::Object(m)) => Some(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        _ => None,
    };
    let target = b
        .get("Target")
        .filter(|v| !v.is_null())
        .map(|v| serde_json::from_value(v.clone()))
        .transpose()
        .map_err(|e| ApiError::bad_request(format!("Target: {e}")))?;
    let (id, sub_out) = app
        .transact(|s, out| {
            let key = format!("SendChannelMessage|{arn}|{who}|{token}");
            if let Some(id) = s.tokens.get(&key) {
                let sub = s
                    .messages
                    .get(&message_key(&arn, id))
                    .and_then(|m| m.sub_channel_id.clone());
                return Ok((id.clone(), sub));
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
            };
            c.last_message = Some(t);
            emit(
                out,
                &app_arn,
                EventType::CreateChannelMessage,
                Payload::ChannelMessage(message_payload(&arn, &m)),
            );
            let id = m.id.clone();
            // NON_PERSISTENT messages are delivered, never stored.
            if m.persistence == "PERSISTENT" {
                s.messages.insert(message_key(&arn, &id), m);
            }
            s.tokens.insert(key, id.clone());
            Ok((id, sub_channel_id))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "ChannelArn": arn, "MessageId": id, "Status": { "Value": "SENT" }, "SubChannelId": sub_out }),
        ),
    ))
}

pub async fn get_message(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((arn, id)): Path<(String, String)>,
) -> Reply {
    let who = bearer(&headers)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        let m = s
            .messages
            .get(&message_key(&arn, &id))
            .ok_or_else(|| ApiError::not_found(format!("Message {id} not found")))?;
        Ok((
            StatusCode::OK,
            Json(json!({ "ChannelMessage": message_json(&arn, m) })),
        ))
    })
    .await
}

pub async fn list_messages(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply {
    let who = bearer(&headers)?;
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
        let mut all: Vec<Value> = s
            .channel_messages(&arn)
            .into_iter()
            .filter(|m| sub.is_none() || m.sub_channel_id == sub)
            .map(message_summary_json)
            .collect();
        if order == "DESCENDING" {
            all.reverse();
        }
        let (items, next) = paginate(&all, start, max);
        Ok((StatusCode::OK, Json(json!({ "ChannelArn": arn, "ChannelMessages": items, "NextToken": next, "SubChannelId": sub }))))
    })
    .await
}

/// Shared by update, redact and delete: check the caller, find the
/// message; its AppInstance and its key in the store.
fn message_lookup(s: &Store, arn: &str, id: &str, who: &str) -> ApiResult<(String, String)> {
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
    headers: HeaderMap,
    Path((arn, id)): Path<(String, String)>,
    raw: Bytes,
) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let content = required_str(&b, "Content")?;
    length("Content", &content, 0, 4096)?;
    let metadata = optional_str(&b, "Metadata")?;
    let content_type = optional_str(&b, "ContentType")?;
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
    Ok((
        StatusCode::OK,
        Json(
            json!({ "ChannelArn": arn, "MessageId": id, "Status": { "Value": "SENT" }, "SubChannelId": sub }),
        ),
    ))
}

pub async fn redact_message(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((arn, id)): Path<(String, String)>,
    Query(q): Params,
) -> Reply {
    if q.get("operation").map(String::as_str) != Some("redact") {
        return Err(ApiError::unknown_operation(
            "POST",
            &format!("/channels/{arn}/messages/{id}"),
        ));
    }
    let who = bearer(&headers)?;
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
        Json(json!({ "ChannelArn": arn, "MessageId": id, "SubChannelId": sub })),
    ))
}

pub async fn delete_message(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((arn, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let who = bearer(&headers)?;
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

// ---- memberships, bans, moderators, sub-channels ----

pub async fn create_membership(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let member = required_str(&b, "MemberArn")?;
    let kind = one_of(
        "Type",
        Some(required_str(&b, "Type")?),
        &["DEFAULT", "HIDDEN"],
        "",
    )?;
    let sub = optional_str(&b, "SubChannelId")?;
    let (identity, sub_out) = app
        .transact(|s, out| {
            let (app_arn, inviter) = channel_caller(s, &arn, &who)?;
            // CreateChannelMembership models NotFoundException for an unknown member.
            let identity = member_identity(s, &app_arn, &member)
                .map_err(|e| ApiError::not_found(e.message))?;
            let c = channel_mut(s, &arn)?;
            let sub_out = add_member(c, identity.clone(), kind, inviter, sub, out)?;
            Ok((identity, sub_out))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "ChannelArn": arn, "Member": identity, "SubChannelId": sub_out })),
    ))
}

pub async fn delete_membership(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((arn, member)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let who = bearer(&headers)?;
    app.transact(|s, out| {
        let (app_arn, _) = channel_caller(s, &arn, &who)?;
        let identity = s.identity_of(&member);
        let c = channel_mut(s, &arn)?;
        if !remove_member(c, &app_arn, &member, identity, out) {
            return Err(ApiError::bad_request(format!(
                "{member} is not a member of this channel"
            )));
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a membership, streaming DELETE_CHANNEL_MEMBERSHIP, and closes an
/// elastic sub-channel that loses its last member. False if not a member.
fn remove_member(
    c: &mut ChannelRecord,
    app_arn: &str,
    member: &str,
    identity: Identity,
    out: &mut Vec<Emit>,
) -> bool {
    let Some(m) = c.members.remove(member) else {
        return false;
    };
    emit(
        out,
        app_arn,
        EventType::DeleteChannelMembership,
        Payload::ChannelMembership(events::ChannelMembership {
            invited_by: Some(m.invited_by.clone()),
            r#type: Some(m.r#type.clone()),
            member: Some(identity),
            channel_arn: Some(c.arn.clone()),
            created_timestamp: Some(events::Timestamp::Iso(iso(m.created))),
            last_updated_timestamp: Some(events::Timestamp::Iso(iso(now()))),
            sub_channel_id: m.sub_channel_id.clone(),
        }),
    );
    if let Some(sub) = m.sub_channel_id
        && !c
            .members
            .values()
            .any(|o| o.sub_channel_id.as_deref() == Some(sub.as_str()))
    {
        c.sub_channels.remove(&sub);
        emit(
            out,
            app_arn,
            EventType::DeleteSubChannel,
            Payload::SubChannel(SubChannel {
                channel_arn: Some(c.arn.clone()),
                sub_channel_id: Some(sub),
            }),
        );
    }
    true
}

pub async fn list_memberships(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply {
    let who = bearer(&headers)?;
    let kind = q.get("type").cloned();
    let sub = q.get("sub-channel-id").cloned();
    let (start, max) = page(&q)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        let all: Vec<Value> = c
            .members
            .iter()
            .filter(|(_, m)| {
                kind.as_ref().is_none_or(|k| *k == m.r#type)
                    && (sub.is_none() || m.sub_channel_id == sub)
            })
            .map(|(arn, _)| json!({ "Member": s.identity_of(arn) }))
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(json!({ "ChannelArn": arn, "ChannelMemberships": items, "NextToken": next })),
        ))
    })
    .await
}

pub async fn create_ban(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let member = required_str(&b, "MemberArn")?;
    let identity = app
        .transact(|s, out| {
            let (app_arn, by) = channel_caller(s, &arn, &who)?;
            let identity = member_identity(s, &app_arn, &member)?;
            let c = channel_mut(s, &arn)?;
            if !c.bans.contains_key(&member) {
                let t = now();
                c.bans.insert(
                    member.clone(),
                    Grant {
                        created: t,
                        created_by: by.clone(),
                    },
                );
                emit(
                    out,
                    &app_arn,
                    EventType::CreateChannelBan,
                    Payload::ChannelBan(events::ChannelBan {
                        member: Some(identity.clone()),
                        channel_arn: Some(arn.clone()),
                        created_timestamp: Some(events::Timestamp::Iso(iso(t))),
                        created_by: Some(by),
                    }),
                );
                // The model: a banned member "is automatically kicked from the
                // channel".
                // Whether the service also streams DELETE_CHANNEL_MEMBERSHIP
                // for it is unverified; we do, so that a consumer tracking
                // members from the stream stays right.
                remove_member(c, &app_arn, &member, identity.clone(), out);
            }
            Ok(identity)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "ChannelArn": arn, "Member": identity })),
    ))
}

pub async fn delete_ban(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((arn, member)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let who = bearer(&headers)?;
    app.transact(|s, out| {
        let (app_arn, _) = channel_caller(s, &arn, &who)?;
        let identity = s.identity_of(&member);
        let c = channel_mut(s, &arn)?;
        let ban = c.bans.remove(&member).ok_or_else(|| {
            ApiError::bad_request(format!("{member} is not banned from this channel"))
        })?;
        emit(
            out,
            &app_arn,
            EventType::DeleteChannelBan,
            Payload::ChannelBan(events::ChannelBan {
                member: Some(identity),
                channel_arn: Some(arn.clone()),
                created_timestamp: Some(events::Timestamp::Iso(iso(ban.created))),
                created_by: Some(ban.created_by),
            }),
        );
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_moderator(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let who = bearer(&headers)?;
    let b = body(&raw)?;
    let moderator = required_str(&b, "ChannelModeratorArn")?;
    let identity = app
        .transact(|s, out| {
            let (app_arn, by) = channel_caller(s, &arn, &who)?;
            let identity = member_identity(s, &app_arn, &moderator)?;
            let c = channel_mut(s, &arn)?;
            add_moderator(c, identity.clone(), by, out);
            Ok(identity)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "ChannelArn": arn, "ChannelModerator": identity })),
    ))
}

pub async fn delete_moderator(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((arn, moderator)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let who = bearer(&headers)?;
    app.transact(|s, out| {
        let (app_arn, _) = channel_caller(s, &arn, &who)?;
        let identity = s.identity_of(&moderator);
        let c = channel_mut(s, &arn)?;
        let grant = c.moderators.remove(&moderator).ok_or_else(|| {
            ApiError::bad_request(format!("{moderator} is not a moderator of this channel"))
        })?;
        emit(
            out,
            &app_arn,
            EventType::DeleteChannelModerator,
            Payload::ChannelModerator(events::ChannelModerator {
                moderator: Some(identity),
                channel_arn: Some(arn.clone()),
                created_timestamp: Some(events::Timestamp::Iso(iso(grant.created))),
                created_by: Some(grant.created_by),
            }),
        );
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_sub_channels(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply {
    let who = bearer(&headers)?;
    let (start, max) = page(&q)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        if c.elastic.is_none() {
            return Err(ApiError::bad_request("The channel is not an elastic channel"));
        }
        let all: Vec<Value> = c
            .sub_channels
            .keys()
            .map(|id| json!({ "SubChannelId": id, "MembershipCount": c.members.values().filter(|m| m.sub_channel_id.as_deref() == Some(id)).count() }))
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((StatusCode::OK, Json(json!({ "ChannelArn": arn, "SubChannels": items, "NextToken": next }))))
    })
    .await
}
