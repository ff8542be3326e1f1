//! Memberships, bans and moderators, and the events each raises.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::io::*;
use super::*;
use crate::error::{ApiError, ApiResult};
use crate::request::{Bearer, Input, one_of, page, paginate};
use crate::store::{ChannelRecord, Grant, Membership};
use crate::{App, Emit, iso, now};
use chimesdk_domain::events::{self, EventType, Identity, Payload, SubChannel};

/// Adds a member; in an elastic channel, picks (or opens) a sub-channel.
pub(super) fn add_member(
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

pub(super) fn add_moderator(
    c: &mut ChannelRecord,
    moderator: Identity,
    by: Identity,
    out: &mut Vec<Emit>,
) {
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

pub async fn create_membership(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Input(input): Input<CreateChannelMembership>,
) -> Reply<MemberOut> {
    let CreateChannelMembership {
        member_arn: member,
        r#type: kind,
        sub_channel_id: sub,
    } = input;
    let kind = one_of("Type", Some(kind), &["DEFAULT", "HIDDEN"], "")?;
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
        Json(MemberOut {
            channel_arn: arn,
            member: identity,
            sub_channel_id: sub_out,
        }),
    ))
}

pub async fn delete_membership(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, member)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
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
pub(super) fn remove_member(
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
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Query(q): Params,
) -> Reply<ListMembershipsOut> {
    let kind = q.get("type").cloned();
    let sub = q.get("sub-channel-id").cloned();
    let (start, max) = page(&q)?;
    app.read(|s| {
        let c = channel(s, &arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        let all: Vec<&String> = c
            .members
            .iter()
            .filter(|(_, m)| {
                kind.as_ref().is_none_or(|k| *k == m.r#type)
                    && (sub.is_none() || m.sub_channel_id == sub)
            })
            .map(|(arn, _)| arn)
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(ListMembershipsOut {
                channel_arn: arn.clone(),
                channel_memberships: items
                    .iter()
                    .map(|member| MembershipSummary {
                        member: s.identity_of(member),
                    })
                    .collect(),
                next_token: next,
            }),
        ))
    })
    .await
}

pub async fn create_ban(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Input(CreateChannelBan { member_arn: member }): Input<CreateChannelBan>,
) -> Reply<MemberOut> {
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
        Json(MemberOut {
            channel_arn: arn,
            member: identity,
            sub_channel_id: None,
        }),
    ))
}

pub async fn delete_ban(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, member)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
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
    Bearer(who): Bearer,
    Path(arn): Path<String>,
    Input(CreateChannelModerator {
        channel_moderator_arn: moderator,
    }): Input<CreateChannelModerator>,
) -> Reply<ModeratorOut> {
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
        Json(ModeratorOut {
            channel_arn: arn,
            channel_moderator: identity,
        }),
    ))
}

pub async fn delete_moderator(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((arn, moderator)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
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
