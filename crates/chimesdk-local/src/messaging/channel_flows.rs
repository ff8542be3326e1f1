//! Channel flows: Create/Describe/Update/Delete/ListChannelFlows, the
//! association of a flow with a channel (an AppInstanceAdmin or the
//! channel's moderator as bearer) and ListChannelsAssociatedWithChannelFlow.
//! A flow that channels hold cannot be deleted (ConflictException, as the
//! API reference says).
//!
//! DescribeChannelFlow models no NotFoundException: a missing flow is
//! answered BadRequestException, as chimesdk-local does for the identity
//! operations without one (what the real service answers is unverified).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Tag, app_instance, tag_map};
use crate::request::{Bearer, Input, page, paginate, required_bearer, required_query};
use crate::store::{ChannelFlow, ChannelRecord};
use crate::{App, now};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChannelFlow {
    app_instance_arn: String,
    processors: Vec<Value>,
    name: String,
    tags: Option<Vec<Tag>>,
    client_request_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateChannelFlow {
    processors: Vec<Value>,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateChannelFlow {
    channel_flow_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelFlowArnOut {
    channel_flow_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelFlowOut {
    channel_flow_arn: String,
    name: String,
    processors: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_timestamp: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeChannelFlowOut {
    channel_flow: ChannelFlowOut,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListChannelFlowsOut {
    channel_flows: Vec<ChannelFlowOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociatedChannel {
    name: String,
    channel_arn: String,
    mode: String,
    privacy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAssociatedOut {
    channels: Vec<AssociatedChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Describe shows everything; List (a summary) the ARN, name and
/// processors.
fn flow_out(f: &ChannelFlow, full: bool) -> ChannelFlowOut {
    ChannelFlowOut {
        channel_flow_arn: f.arn.clone(),
        name: f.name.clone(),
        processors: f.processors.clone(),
        created_timestamp: full.then_some(f.created),
        last_updated_timestamp: full.then_some(f.updated),
    }
}

/// What the model's member constraints (checked before) leave to check:
/// each processor has its Lambda configuration, and no two share an
/// execution order (that the service refuses a repeat is unverified).
fn check_processors(processors: &[Value]) -> ApiResult<()> {
    let mut orders = Vec::new();
    for (i, p) in processors.iter().enumerate() {
        let arn = p
            .pointer("/Configuration/Lambda/ResourceArn")
            .and_then(Value::as_str);
        let order = p.get("ExecutionOrder").and_then(Value::as_i64);
        let (Some(_), Some(order)) = (arn, order) else {
            return Err(ApiError::bad_request(format!(
                "Processors[{i}] needs Configuration.Lambda.ResourceArn and ExecutionOrder"
            )));
        };
        if orders.contains(&order) {
            return Err(ApiError::bad_request(format!(
                "Processors[{i}]: ExecutionOrder {order} is used twice"
            )));
        }
        orders.push(order);
    }
    Ok(())
}

fn no_flow(arn: &str) -> ApiError {
    ApiError::bad_request(format!("ChannelFlow {arn} not found"))
}

pub async fn create_channel_flow(
    State(app): State<Arc<App>>,
    Input(input): Input<CreateChannelFlow>,
) -> Reply<ChannelFlowArnOut> {
    let CreateChannelFlow {
        app_instance_arn: app_arn,
        processors,
        name,
        tags,
        client_request_token: token,
    } = input;
    check_processors(&processors)?;
    let tags = match tags {
        None => BTreeMap::new(),
        Some(list) => tag_map(list)?,
    };
    let arn = app
        .transact(|s, _| {
            let key = format!("CreateChannelFlow|{app_arn}|{token}");
            if let Some(arn) = s.tokens.get(&key) {
                return Ok(arn.clone());
            }
            app_instance(s, &app_arn)?;
            let arn = format!("{app_arn}/channel-flow/{}", uuid::Uuid::new_v4());
            let t = now();
            s.channel_flows.insert(
                arn.clone(),
                ChannelFlow {
                    arn: arn.clone(),
                    app_instance_arn: app_arn,
                    name,
                    processors,
                    created: t,
                    updated: t,
                    tags,
                },
            );
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ChannelFlowArnOut {
            channel_flow_arn: arn,
        }),
    ))
}

pub async fn describe_channel_flow(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> Reply<DescribeChannelFlowOut> {
    app.read(|s| {
        let f = s.channel_flows.get(&arn).ok_or_else(|| no_flow(&arn))?;
        Ok((
            StatusCode::OK,
            Json(DescribeChannelFlowOut {
                channel_flow: flow_out(f, true),
            }),
        ))
    })
    .await
}

pub async fn update_channel_flow(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    Input(input): Input<UpdateChannelFlow>,
) -> Reply<ChannelFlowArnOut> {
    check_processors(&input.processors)?;
    app.transact(|s, _| {
        let f = s.channel_flows.get_mut(&arn).ok_or_else(|| no_flow(&arn))?;
        f.name = input.name;
        f.processors = input.processors;
        f.updated = now();
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::OK,
        Json(ChannelFlowArnOut {
            channel_flow_arn: arn,
        }),
    ))
}

/// The channels that hold a flow, in ARN order.
fn holders<'a>(s: &'a crate::store::Store, flow_arn: &str) -> Vec<&'a ChannelRecord> {
    s.channels
        .values()
        .filter(|c| c.channel_flow_arn.as_deref() == Some(flow_arn))
        .collect()
}

pub async fn delete_channel_flow(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        if !s.channel_flows.contains_key(&arn) {
            return Err(no_flow(&arn));
        }
        let held = holders(s, &arn);
        if let Some(first) = held.first() {
            return Err(ApiError::conflict(format!(
                "ChannelFlow {arn} is associated with {} channel(s), e.g. {}; disassociate it first",
                held.len(),
                first.arn
            )));
        }
        s.channel_flows.remove(&arn);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// ListChannelFlows: the AppInstance's flows, in ARN order, a page at a
/// time.
pub async fn list_channel_flows(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Reply<ListChannelFlowsOut> {
    let (start, max) = page(&q)?;
    let app_arn = required_query(&q, "app-instance-arn")?;
    app.read(|s| {
        app_instance(s, &app_arn)?;
        let flows: Vec<&ChannelFlow> = s
            .channel_flows
            .values()
            .filter(|f| f.app_instance_arn == app_arn)
            .collect();
        let (items, next) = paginate(&flows, start, max);
        Ok((
            StatusCode::OK,
            Json(ListChannelFlowsOut {
                channel_flows: items.iter().map(|f| flow_out(f, false)).collect(),
                next_token: next,
            }),
        ))
    })
    .await
}

/// The bearer may associate flows with the channel: an AppInstanceAdmin of
/// its AppInstance or one of its moderators (guide, "auth-by-role").
fn may_manage_flow(s: &crate::store::Store, c: &ChannelRecord, who: &str) -> ApiResult<()> {
    let admin = s
        .app_instances
        .get(&c.app_instance_arn)
        .is_some_and(|a| a.admins.contains_key(who));
    if admin || c.moderators.contains_key(who) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "{who} is neither an AppInstanceAdmin nor a moderator of {}",
            c.arn
        )))
    }
}

/// AssociateChannelFlow: the flow must be of the channel's AppInstance. A
/// channel holds one flow; associating another while one is held is a
/// Conflict (chimesdk-local's choice: unverified).
pub async fn associate_channel_flow(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path(channel_arn): Path<String>,
    Input(input): Input<AssociateChannelFlow>,
) -> ApiResult<StatusCode> {
    let flow_arn = input.channel_flow_arn;
    app.transact(|s, _| {
        let c = channel(s, &channel_arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        may_manage_flow(s, c, &who)?;
        match s.channel_flows.get(&flow_arn) {
            Some(f) if f.app_instance_arn == c.app_instance_arn => {}
            _ => {
                return Err(ApiError::not_found(format!(
                    "ChannelFlow {flow_arn} not found in {}",
                    c.app_instance_arn
                )));
            }
        }
        match c.channel_flow_arn.as_deref() {
            Some(held) if held == flow_arn => return Ok(()),
            Some(held) => {
                return Err(ApiError::conflict(format!(
                    "Channel {channel_arn} is associated with ChannelFlow {held}; disassociate it first"
                )));
            }
            None => {}
        }
        channel_mut(s, &channel_arn)?.channel_flow_arn = Some(flow_arn.clone());
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

pub async fn disassociate_channel_flow(
    State(app): State<Arc<App>>,
    Bearer(who): Bearer,
    Path((channel_arn, flow_arn)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        let c = channel(s, &channel_arn)?;
        caller(s, &who, &c.app_instance_arn)?;
        may_manage_flow(s, c, &who)?;
        if c.channel_flow_arn.as_deref() != Some(flow_arn.as_str()) {
            return Err(ApiError::not_found(format!(
                "Channel {channel_arn} is not associated with ChannelFlow {flow_arn}"
            )));
        }
        channel_mut(s, &channel_arn)?.channel_flow_arn = None;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// ListChannelsAssociatedWithChannelFlow: the channels that hold the flow,
/// in ARN order, a page at a time. It takes no bearer.
pub async fn list_associated_channels(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Reply<ListAssociatedOut> {
    let (start, max) = page(&q)?;
    let flow_arn = required_query(&q, "channel-flow-arn")?;
    app.read(|s| {
        if !s.channel_flows.contains_key(&flow_arn) {
            return Err(no_flow(&flow_arn));
        }
        let held = holders(s, &flow_arn);
        let (items, next) = paginate(&held, start, max);
        Ok((
            StatusCode::OK,
            Json(ListAssociatedOut {
                channels: items
                    .iter()
                    .map(|c| AssociatedChannel {
                        name: c.name.clone(),
                        channel_arn: c.arn.clone(),
                        mode: c.mode.clone(),
                        privacy: c.privacy.clone(),
                        metadata: c.metadata.clone(),
                    })
                    .collect(),
                next_token: next,
            }),
        ))
    })
    .await
}

/// `GET /channels`: ListChannels, or with `scope=channel-flow-associations`
/// ListChannelsAssociatedWithChannelFlow (the model gives both one path).
pub async fn list_channels_or_associated(
    state: State<Arc<App>>,
    headers: HeaderMap,
    q: Params,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    if q.get("scope").map(String::as_str) == Some("channel-flow-associations") {
        return Ok(list_associated_channels(state, q).await?.into_response());
    }
    let who = required_bearer(&headers)?;
    Ok(super::list_channels(state, Bearer(who), q)
        .await?
        .into_response())
}
