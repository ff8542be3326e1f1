//! Chime SDK identity: AppInstances and AppInstanceUsers.
//!
//! The identity model lists no NotFoundException for these operations: a
//! missing resource is a BadRequestException.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::request::{body, client_token, length, optional_str, page, paginate, required_str};
use super::store::{AppInstance, AppInstanceUser};
use super::{App, now};

type Reply = ApiResult<(StatusCode, Json<Value>)>;

pub async fn create_app_instance(State(app): State<Arc<App>>, raw: Bytes) -> Reply {
    let b = body(&raw)?;
    let name = required_str(&b, "Name")?;
    length("Name", &name, 1, 256)?;
    let metadata = optional_str(&b, "Metadata")?;
    if let Some(m) = &metadata {
        length("Metadata", m, 0, 1024)?;
    }
    let token = client_token(&b)?;
    let prefix = app.arn_prefix();
    let arn = app
        .transact(|s, _| {
            let key = format!("CreateAppInstance|{token}");
            if let Some(arn) = s.tokens.get(&key) {
                return Ok(arn.clone());
            }
            let arn = format!("{prefix}:app-instance/{}", uuid::Uuid::new_v4());
            let t = now();
            s.app_instances.insert(
                arn.clone(),
                AppInstance {
                    arn: arn.clone(),
                    name,
                    metadata,
                    created: t,
                    updated: t,
                },
            );
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "AppInstanceArn": arn }))))
}

pub async fn describe_app_instance(State(app): State<Arc<App>>, Path(arn): Path<String>) -> Reply {
    app.read(|s| {
        let a = s
            .app_instances
            .get(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstance {arn} not found")))?;
        Ok((
            StatusCode::OK,
            Json(json!({ "AppInstance": {
                "AppInstanceArn": a.arn, "Name": a.name, "Metadata": a.metadata,
                "CreatedTimestamp": a.created, "LastUpdatedTimestamp": a.updated,
            }})),
        ))
    })
    .await
}

pub async fn list_app_instances(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let (start, max) = page(&q)?;
    app.read(|s| {
        let all: Vec<Value> = s
            .app_instances
            .values()
            .map(|a| json!({ "AppInstanceArn": a.arn, "Name": a.name, "Metadata": a.metadata }))
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(json!({ "AppInstances": items, "NextToken": next })),
        ))
    })
    .await
}

pub async fn delete_app_instance(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        s.app_instances
            .remove(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstance {arn} not found")))?;
        s.users.retain(|_, u| u.app_instance_arn != arn);
        s.channels.retain(|_, c| c.app_instance_arn != arn);
        s.streaming.remove(&arn);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_app_instance_user(State(app): State<Arc<App>>, raw: Bytes) -> Reply {
    let b = body(&raw)?;
    let app_arn = required_str(&b, "AppInstanceArn")?;
    let user_id = required_str(&b, "AppInstanceUserId")?;
    length("AppInstanceUserId", &user_id, 1, 64)?;
    let name = required_str(&b, "Name")?;
    length("Name", &name, 1, 100)?;
    let metadata = optional_str(&b, "Metadata")?;
    let token = client_token(&b)?;
    let expiration = b
        .get("ExpirationSettings")
        .cloned()
        .filter(|v| !v.is_null());
    let arn = app
        .transact(|s, _| {
            let key = format!("CreateAppInstanceUser|{token}");
            if let Some(arn) = s.tokens.get(&key) {
                return Ok(arn.clone());
            }
            if !s.app_instances.contains_key(&app_arn) {
                return Err(ApiError::bad_request(format!(
                    "AppInstance {app_arn} not found"
                )));
            }
            let arn = format!("{app_arn}/user/{user_id}");
            if s.users.contains_key(&arn) {
                return Err(ApiError::conflict(format!(
                    "AppInstanceUser {user_id} already exists"
                )));
            }
            let t = now();
            s.users.insert(
                arn.clone(),
                AppInstanceUser {
                    arn: arn.clone(),
                    app_instance_arn: app_arn,
                    name,
                    metadata,
                    created: t,
                    updated: t,
                    expiration_settings: expiration,
                },
            );
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "AppInstanceUserArn": arn })),
    ))
}

pub async fn describe_app_instance_user(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> Reply {
    app.read(|s| {
        let u = s
            .users
            .get(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceUser {arn} not found")))?;
        Ok((
            StatusCode::OK,
            Json(json!({ "AppInstanceUser": {
                "AppInstanceUserArn": u.arn, "Name": u.name, "Metadata": u.metadata,
                "CreatedTimestamp": u.created, "LastUpdatedTimestamp": u.updated,
                "ExpirationSettings": u.expiration_settings,
            }})),
        ))
    })
    .await
}
