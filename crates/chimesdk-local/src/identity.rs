//! Chime SDK identity: AppInstances and AppInstanceUsers.
//!
//! The identity model lists no NotFoundException for these operations: a
//! missing resource is a BadRequestException.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::request::{body, optional_str, page, paginate, required_str};
use super::store::{AppInstance, AppInstanceUser};
use super::{App, now};

type Reply = ApiResult<(StatusCode, Json<Value>)>;

pub async fn create_app_instance(State(app): State<Arc<App>>, raw: Bytes) -> Reply {
    let b = body(&raw)?;
    let name = required_str(&b, "Name")?;
    let metadata = optional_str(&b, "Metadata")?;
    let token = required_str(&b, "ClientRequestToken")?;
    let tags = match b.get("Tags") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(v) => parse_tags(v)?,
    };
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
                    tags,
                    admins: Default::default(),
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
        let channels: Vec<String> = s
            .channels
            .values()
            .filter(|c| c.app_instance_arn == arn)
            .map(|c| c.arn.clone())
            .collect();
        for channel in channels {
            s.remove_channel(&channel);
        }
        s.streaming.remove(&arn);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn update_app_instance(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let b = body(&raw)?;
    let name = required_str(&b, "Name")?;
    let metadata = required_str(&b, "Metadata")?;
    app.transact(|s, _| {
        let a = s
            .app_instances
            .get_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstance {arn} not found")))?;
        a.name = name;
        a.metadata = Some(metadata);
        a.updated = now();
        Ok(())
    })
    .await?;
    Ok((StatusCode::OK, Json(json!({ "AppInstanceArn": arn }))))
}

/// At most 50 tags per AppInstance (the model's limit per call; the
/// service's limit per resource is unverified).
const MAX_TAGS: usize = 50;

/// `[{"Key","Value"}]`, 1-50 entries, keys 1-128 and values 1-256 characters.
fn parse_tags(v: &Value) -> ApiResult<BTreeMap<String, String>> {
    let list = v
        .as_array()
        .ok_or_else(|| ApiError::bad_request("Tags must be a list of {Key, Value}"))?;
    if list.is_empty() || list.len() > MAX_TAGS {
        return Err(ApiError::bad_request(format!(
            "Tags must have 1 to {MAX_TAGS} members"
        )));
    }
    let mut tags = BTreeMap::new();
    for t in list {
        let key = required_str(t, "Key")?;
        let value = required_str(t, "Value")?;
        tags.insert(key, value);
    }
    Ok(tags)
}

fn tags_json(tags: &BTreeMap<String, String>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect(),
    )
}

/// POST /tags?operation=tag-resource and ?operation=untag-resource.
pub async fn tag_or_untag(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
    raw: Bytes,
) -> ApiResult<StatusCode> {
    let b = body(&raw)?;
    let arn = required_str(&b, "ResourceARN")?;
    enum Change {
        Tag(BTreeMap<String, String>),
        Untag(Vec<String>),
    }
    let change = match q.get("operation").map(String::as_str) {
        Some("tag-resource") => Change::Tag(parse_tags(b.get("Tags").unwrap_or(&Value::Null))?),
        Some("untag-resource") => {
            let keys = b
                .get("TagKeys")
                .and_then(Value::as_array)
                .filter(|k| !k.is_empty() && k.len() <= MAX_TAGS)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("TagKeys must have 1 to {MAX_TAGS} members"))
                })?;
            Change::Untag(
                keys.iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect(),
            )
        }
        _ => return Err(ApiError::unknown_operation("POST", "/tags")),
    };
    app.transact(|s, _| {
        let a = s
            .app_instances
            .get_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("Resource {arn} not found")))?;
        match change {
            Change::Tag(tags) => {
                let mut merged = a.tags.clone();
                merged.extend(tags);
                if merged.len() > MAX_TAGS {
                    return Err(ApiError::resource_limit_exceeded(format!(
                        "An AppInstance takes at most {MAX_TAGS} tags"
                    )));
                }
                a.tags = merged;
            }
            Change::Untag(keys) => a.tags.retain(|k, _| !keys.contains(k)),
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /tags?arn=...
pub async fn list_tags(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let arn = q
        .get("arn")
        .cloned()
        .ok_or_else(|| ApiError::bad_request("arn (ResourceARN) is required"))?;
    app.read(|s| {
        let a = s
            .app_instances
            .get(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("Resource {arn} not found")))?;
        Ok((StatusCode::OK, Json(json!({ "Tags": tags_json(&a.tags) }))))
    })
    .await
}

pub async fn create_app_instance_user(State(app): State<Arc<App>>, raw: Bytes) -> Reply {
    let b = body(&raw)?;
    let app_arn = required_str(&b, "AppInstanceArn")?;
    let user_id = required_str(&b, "AppInstanceUserId")?;
    let name = required_str(&b, "Name")?;
    let metadata = optional_str(&b, "Metadata")?;
    let token = required_str(&b, "ClientRequestToken")?;
    let expiration = b
        .get("ExpirationSettings")
        .cloned()
        .filter(|v| !v.is_null());
    let arn = app
        .transact(|s, _| {
            let key = format!("CreateAppInstanceUser|{app_arn}|{token}");
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

/// ListAppInstanceUsers: the AppInstance's users, in ARN order, a page at a
/// time.
pub async fn list_app_instance_users(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let (start, max) = page(&q)?;
    let app_arn = q
        .get("app-instance-arn")
        .cloned()
        .ok_or_else(|| ApiError::bad_request("app-instance-arn (AppInstanceArn) is required"))?;
    app.read(|s| {
        if !s.app_instances.contains_key(&app_arn) {
            return Err(ApiError::bad_request(format!(
                "AppInstance {app_arn} not found"
            )));
        }
        let mut users: Vec<&AppInstanceUser> = s
            .users
            .values()
            .filter(|u| u.app_instance_arn == app_arn)
            .collect();
        users.sort_by(|a, b| a.arn.cmp(&b.arn));
        let all: Vec<Value> = users
            .iter()
            .map(|u| json!({ "AppInstanceUserArn": u.arn, "Name": u.name, "Metadata": u.metadata }))
            .collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(
                json!({ "AppInstanceArn": app_arn, "AppInstanceUsers": items, "NextToken": next }),
            ),
        ))
    })
    .await
}

/// UpdateAppInstanceUser: name and metadata (both required by the model).
pub async fn update_app_instance_user(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    raw: Bytes,
) -> Reply {
    let b = body(&raw)?;
    let name = required_str(&b, "Name")?;
    let metadata = required_str(&b, "Metadata")?;
    app.transact(|s, _| {
        let u = s
            .users
            .get_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceUser {arn} not found")))?;
        u.name = name;
        u.metadata = Some(metadata);
        u.updated = now();
        Ok(())
    })
    .await?;
    Ok((StatusCode::OK, Json(json!({ "AppInstanceUserArn": arn }))))
}

/// DeleteAppInstanceUser: the user goes; channels and messages it made stay.
pub async fn delete_app_instance_user(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        s.users
            .remove(&arn)
            .map(|_| ())
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceUser {arn} not found")))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
