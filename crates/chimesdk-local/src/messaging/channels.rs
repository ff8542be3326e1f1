//! Channels: create, describe, list, update, delete, expiration settings,
//! and the sub-channels of elastic channels.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::*;
use super::{members::*, shapes::*};
use crate::error::{ApiError, ApiResult};
use crate::request::{
    Bearer, body, one_of, optional_bearer, optional_str, page, paginate, required_str,
};
use crate::store::ChannelRecord;
use crate::{App, now};
use chimesdk_domain::events::{
    ElasticChannelConfiguration, EventType, ExpirationSettings, Payload,
};

pub(super) fn parse_elastic(v: &Value) -> ApiResult<ElasticChannelConfiguration> {
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

pub(super) fn parse_expiration(v: &Value) -> ApiResult<ExpirationSettings> {
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

pub async fn create_channel(State(app): State<Arc<App>>, Bearer(who): Bearer, raw: Bytes) -> Reply {
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
    Bearer(who): Bearer,
    Path(arn): Path<String>,
) -> Reply {
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        Ok((StatusCode::OK, Json(json!({ "Channel": channel_json(c) }))))
    })
    .await
}

pub async fn list_channels(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Query(q): Params,
) -> Reply {
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
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
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
    Bearer(who): Bearer,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
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

pub async fn list_sub_channels(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply {
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
