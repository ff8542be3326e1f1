//! Chime SDK identity: AppInstances and AppInstanceUsers, and the tags of
//! every taggable identity object.
//!
//! The identity model lists no NotFoundException for these operations: a
//! missing resource is a BadRequestException.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::request::{Input, page, paginate, required_query};
use super::store::{AppInstance, AppInstanceUser, Store};
use super::{App, now};

type Reply<T> = ApiResult<(StatusCode, Json<T>)>;

// The operations' inputs and outputs, as the identity model names their
// members. An absent optional member is `None` and is not sent.

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAppInstance {
    name: String,
    metadata: Option<String>,
    client_request_token: String,
    tags: Option<Vec<Tag>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameAndMetadata {
    name: String,
    metadata: String,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub(crate) key: String,
    pub(crate) value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagOrUntag {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tags: Option<Vec<Tag>>,
    tag_keys: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAppInstanceUser {
    app_instance_arn: String,
    app_instance_user_id: String,
    name: String,
    metadata: Option<String>,
    client_request_token: String,
    expiration_settings: Option<Value>,
    tags: Option<Vec<Tag>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExpirationSettingsIn {
    expiration_settings: Option<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExpirationSettingsOut {
    app_instance_user_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_settings: Option<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceArn {
    app_instance_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceUserArn {
    app_instance_user_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceOut {
    app_instance_arn: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_timestamp: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAppInstanceOut {
    app_instance: AppInstanceOut,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAppInstancesOut {
    app_instances: Vec<AppInstanceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsOut {
    tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceUserOut {
    app_instance_user_arn: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_settings: Option<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAppInstanceUserOut {
    app_instance_user: AppInstanceUserOut,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAppInstanceUsersOut {
    app_instance_arn: String,
    app_instance_users: Vec<AppInstanceUserOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// The AppInstance of this ARN, or the BadRequestException the identity
/// operations answer for a missing one.
pub(crate) fn app_instance<'a>(s: &'a Store, arn: &str) -> ApiResult<&'a AppInstance> {
    s.app_instances
        .get(arn)
        .ok_or_else(|| ApiError::bad_request(format!("AppInstance {arn} not found")))
}

fn app_instance_out(a: &AppInstance, full: bool) -> AppInstanceOut {
    AppInstanceOut {
        app_instance_arn: a.arn.clone(),
        name: a.name.clone(),
        metadata: a.metadata.clone(),
        created_timestamp: full.then_some(a.created),
        last_updated_timestamp: full.then_some(a.updated),
    }
}

fn user_out(u: &AppInstanceUser, full: bool) -> AppInstanceUserOut {
    AppInstanceUserOut {
        app_instance_user_arn: u.arn.clone(),
        name: u.name.clone(),
        metadata: u.metadata.clone(),
        created_timestamp: full.then_some(u.created),
        last_updated_timestamp: full.then_some(u.updated),
        expiration_settings: u.expiration_settings.clone().filter(|_| full),
    }
}

pub async fn create_app_instance(
    State(app): State<Arc<App>>,
    Input(input): Input<CreateAppInstance>,
) -> Reply<AppInstanceArn> {
    let CreateAppInstance {
        name,
        metadata,
        client_request_token: token,
        tags,
    } = input;
    let tags = match tags {
        None => BTreeMap::new(),
        Some(list) => tag_map(list)?,
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
                    retention: None,
                },
            );
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppInstanceArn {
            app_instance_arn: arn,
        }),
    ))
}

pub async fn describe_app_instance(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> Reply<DescribeAppInstanceOut> {
    app.read(|s| {
        let a = app_instance(s, &arn)?;
        Ok((
            StatusCode::OK,
            Json(DescribeAppInstanceOut {
                app_instance: app_instance_out(a, true),
            }),
        ))
    })
    .await
}

pub async fn list_app_instances(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply<ListAppInstancesOut> {
    let (start, max) = page(&q)?;
    app.read(|s| {
        let all: Vec<&AppInstance> = s.app_instances.values().collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(ListAppInstancesOut {
                app_instances: items.iter().map(|a| app_instance_out(a, false)).collect(),
                next_token: next,
            }),
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
        s.bots.retain(|_, b| b.app_instance_arn != arn);
        s.channel_flows.retain(|_, f| f.app_instance_arn != arn);
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
    Input(NameAndMetadata { name, metadata }): Input<NameAndMetadata>,
) -> Reply<AppInstanceArn> {
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
    Ok((
        StatusCode::OK,
        Json(AppInstanceArn {
            app_instance_arn: arn,
        }),
    ))
}

/// At most 50 tags per AppInstance (the model's limit per call; the
/// service's limit per resource is unverified).
const MAX_TAGS: usize = 50;

/// 1-50 `{Key, Value}` entries (lengths are the model's, checked before).
pub(crate) fn tag_map(list: Vec<Tag>) -> ApiResult<BTreeMap<String, String>> {
    if list.is_empty() || list.len() > MAX_TAGS {
        return Err(ApiError::bad_request(format!(
            "Tags must have 1 to {MAX_TAGS} members"
        )));
    }
    Ok(list.into_iter().map(|t| (t.key, t.value)).collect())
}

/// POST /tags?operation=tag-resource and ?operation=untag-resource.
pub async fn tag_or_untag(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
    Input(input): Input<TagOrUntag>,
) -> ApiResult<StatusCode> {
    let arn = input.resource_arn;
    enum Change {
        Tag(BTreeMap<String, String>),
        Untag(Vec<String>),
    }
    let change = match q.get("operation").map(String::as_str) {
        Some("tag-resource") => Change::Tag(tag_map(input.tags.unwrap_or_default())?),
        Some("untag-resource") => {
            let keys = input
                .tag_keys
                .filter(|k| !k.is_empty() && k.len() <= MAX_TAGS)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("TagKeys must have 1 to {MAX_TAGS} members"))
                })?;
            Change::Untag(keys)
        }
        _ => return Err(ApiError::unknown_operation("POST", "/tags")),
    };
    app.transact(|s, _| {
        let tags = s
            .tags_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("Resource {arn} not found")))?;
        match change {
            Change::Tag(more) => {
                let mut merged = tags.clone();
                merged.extend(more);
                if merged.len() > MAX_TAGS {
                    return Err(ApiError::resource_limit_exceeded(format!(
                        "A resource takes at most {MAX_TAGS} tags"
                    )));
                }
                *tags = merged;
            }
            Change::Untag(keys) => tags.retain(|k, _| !keys.contains(k)),
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
) -> Reply<TagsOut> {
    let arn = required_query(&q, "arn")?;
    app.read(|s| {
        let tags = s
            .tags(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("Resource {arn} not found")))?
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        Ok((StatusCode::OK, Json(TagsOut { tags })))
    })
    .await
}

pub async fn create_app_instance_user(
    State(app): State<Arc<App>>,
    Input(input): Input<CreateAppInstanceUser>,
) -> Reply<AppInstanceUserArn> {
    let CreateAppInstanceUser {
        app_instance_arn: app_arn,
        app_instance_user_id: user_id,
        name,
        metadata,
        client_request_token: token,
        expiration_settings: expiration,
        tags,
    } = input;
    let tags = match tags {
        None => BTreeMap::new(),
        Some(list) => tag_map(list)?,
    };
    let arn = app
        .transact(|s, _| {
            let key = format!("CreateAppInstanceUser|{app_arn}|{token}");
            if let Some(arn) = s.tokens.get(&key) {
                return Ok(arn.clone());
            }
            app_instance(s, &app_arn)?;
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
                    tags,
                },
            );
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppInstanceUserArn {
            app_instance_user_arn: arn,
        }),
    ))
}

pub async fn describe_app_instance_user(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> Reply<DescribeAppInstanceUserOut> {
    app.read(|s| {
        let u = s
            .users
            .get(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceUser {arn} not found")))?;
        Ok((
            StatusCode::OK,
            Json(DescribeAppInstanceUserOut {
                app_instance_user: user_out(u, true),
            }),
        ))
    })
    .await
}

/// ListAppInstanceUsers: the AppInstance's users, in ARN order, a page at a
/// time.
pub async fn list_app_instance_users(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply<ListAppInstanceUsersOut> {
    let (start, max) = page(&q)?;
    let app_arn = required_query(&q, "app-instance-arn")?;
    app.read(|s| {
        app_instance(s, &app_arn)?;
        let mut users: Vec<&AppInstanceUser> = s
            .users
            .values()
            .filter(|u| u.app_instance_arn == app_arn)
            .collect();
        users.sort_by(|a, b| a.arn.cmp(&b.arn));
        let (items, next) = paginate(&users, start, max);
        Ok((
            StatusCode::OK,
            Json(ListAppInstanceUsersOut {
                app_instance_arn: app_arn.clone(),
                app_instance_users: items.iter().map(|u| user_out(u, false)).collect(),
                next_token: next,
            }),
        ))
    })
    .await
}

/// UpdateAppInstanceUser: name and metadata (both required by the model).
pub async fn update_app_instance_user(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    Input(NameAndMetadata { name, metadata }): Input<NameAndMetadata>,
) -> Reply<AppInstanceUserArn> {
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
    Ok((
        StatusCode::OK,
        Json(AppInstanceUserArn {
            app_instance_user_arn: arn,
        }),
    ))
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

/// PutAppInstanceUserExpirationSettings: set, change or (without
/// `ExpirationSettings`) remove a user's expiry. chimesdk-local does not
/// delete expired users (the service does, within hours).
pub async fn put_user_expiration(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    Input(ExpirationSettingsIn {
        expiration_settings,
    }): Input<ExpirationSettingsIn>,
) -> Reply<ExpirationSettingsOut> {
    let settings = expiration_settings.clone();
    app.transact(|s, _| {
        let u = s
            .users
            .get_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceUser {arn} not found")))?;
        u.expiration_settings = settings;
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::OK,
        Json(ExpirationSettingsOut {
            app_instance_user_arn: arn,
            expiration_settings,
        }),
    ))
}
