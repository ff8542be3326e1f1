//! Channels: create, describe, list, update, delete, expiration settings,
//! and the sub-channels of elastic channels.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

use super::io::*;
use super::*;
use super::{members::*, shapes::*};
use crate::error::{ApiError, ApiResult};
use crate::request::{Bearer, Input, one_of, optional_bearer, page, paginate, required_query};
use crate::store::ChannelRecord;
use crate::{App, now};
use chimesdk_domain::events::{
    ElasticChannelConfiguration, EventType, ExpirationSettings, Payload,
};

/// The ranges the model gives an elastic channel's settings.
pub(super) fn check_elastic(e: &ElasticChannelConfiguration) -> ApiResult<()> {
    for (name, n, min, max) in [
        ("MaximumSubChannels", e.maximum_sub_channels, 2, 1_000_000),
        (
            "TargetMembershipsPerSubChannel",
            e.target_memberships_per_sub_channel,
            2,
            1_000_000,
        ),
        (
            "MinimumMembershipPercentage",
            e.minimum_membership_percentage,
            1,
            40,
        ),
    ] {
        if !(min..=max).contains(&n) {
            return Err(ApiError::bad_request(format!(
                "ElasticChannelConfiguration.{name} must be from {min} to {max}"
            )));
        }
    }
    Ok(())
}

/// The range and criteria the model gives expiration settings.
pub(super) fn check_expiration(e: &ExpirationSettings) -> ApiResult<()> {
    if !(1..=5475).contains(&e.expiration_days) {
        return Err(ApiError::bad_request(
            "ExpirationSettings.ExpirationDays must be from 1 to 5475",
        ));
    }
    one_of(
        "ExpirationSettings.ExpirationCriterion",
        Some(e.expiration_criterion.clone()),
        &["CREATED_TIMESTAMP", "LAST_MESSAGE_TIMESTAMP"],
        "",
    )?;
    Ok(())
}

pub async fn create_channel(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Input(input): Input<CreateChannel>,
) -> Reply<ChannelArnOut> {
    let CreateChannel {
        app_instance_arn: app_arn,
        name,
        mode,
        privacy,
        metadata,
        client_request_token: token,
        channel_id,
        member_arns: members,
        moderator_arns: moderators,
        elastic_channel_configuration: elastic,
        expiration_settings: expiration,
    } = input;
    let mode = one_of(
        "Mode",
        mode,
        &["UNRESTRICTED", "RESTRICTED"],
        "UNRESTRICTED",
    )?;
    let privacy = one_of("Privacy", privacy, &["PUBLIC", "PRIVATE"], "PUBLIC")?;
    elastic.as_ref().map(check_elastic).transpose()?;
    expiration.as_ref().map(check_expiration).transpose()?;
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
                channel_flow_arn: None,
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
    Ok((
        StatusCode::CREATED,
        Json(ChannelArnOut { channel_arn: arn }),
    ))
}

pub async fn describe_channel(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
) -> Reply<DescribeChannelOut> {
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        Ok((
            StatusCode::OK,
            Json(DescribeChannelOut {
                channel: channel_out(c),
            }),
        ))
    })
    .await
}

pub async fn list_channels(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Query(q): Params,
) -> Reply<ListChannelsOut> {
    let app_arn = required_query(&q, "app-instance-arn")?;
    let privacy = q.get("privacy").cloned();
    if let Some(p) = &privacy {
        one_of("privacy", Some(p.clone()), &["PUBLIC", "PRIVATE"], "")?;
    }
    let (start, max) = page(&q)?;
    app.read(|s| {
        caller(s, &who, &app_arn)?;
        let all: Vec<&ChannelRecord> = s
            .channels
            .values()
            .filter(|c| {
                c.app_instance_arn == app_arn && privacy.as_ref().is_none_or(|p| *p == c.privacy)
            })
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(ListChannelsOut {
                channels: items.iter().map(|c| channel_summary(c)).collect(),
                next_token: next,
            }),
        ))
    })
    .await
}

pub async fn update_channel(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Input(UpdateChannel {
        name,
        mode,
        metadata,
    }): Input<UpdateChannel>,
) -> Reply<ChannelArnOut> {
    let mode = mode
        .map(|m| one_of("Mode", Some(m), &["UNRESTRICTED", "RESTRICTED"], ""))
        .transpose()?;
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
    Ok((StatusCode::OK, Json(ChannelArnOut { channel_arn: arn })))
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
    Input(input): Input<PutChannelExpirationSettings>,
) -> Reply<ExpirationOut> {
    // The model makes ChimeBearer optional here (an IAM caller may set
    // expiration without acting as a user).
    let who = optional_bearer(&headers);
    let settings = input.expiration_settings;
    settings.as_ref().map(check_expiration).transpose()?;
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
        Json(ExpirationOut {
            channel_arn: arn,
            expiration_settings: stored,
        }),
    ))
}

pub async fn list_sub_channels(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply<ListSubChannelsOut> {
    let (start, max) = page(&q)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        if c.elastic.is_none() {
            return Err(ApiError::bad_request(
                "The channel is not an elastic channel",
            ));
        }
        let all: Vec<SubChannelSummary> = c
            .sub_channels
            .keys()
            .map(|id| SubChannelSummary {
                sub_channel_id: id.clone(),
                membership_count: c
                    .members
                    .values()
                    .filter(|m| m.sub_channel_id.as_deref() == Some(id))
                    .count(),
            })
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(ListSubChannelsOut {
                channel_arn: arn.clone(),
                sub_channels: items,
                next_token: next,
            }),
        ))
    })
    .await
}
