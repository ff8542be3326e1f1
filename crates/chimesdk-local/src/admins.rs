//! Chime SDK identity: AppInstanceAdmins, the users of an AppInstance made
//! its administrators. An admin is kept on its AppInstance's row, so it goes
//! with the AppInstance.
//!
//! As for the other identity operations, the model lists no
//! NotFoundException: a missing AppInstance or admin is a
//! BadRequestException here (what the real service answers is unverified).
//! Making an admin twice is a ConflictException (modelled for the
//! operation; that the service answers it for this case is unverified).
//! Deleting a user leaves its admin entry (unverified either way).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};
use super::identity::app_instance;
use super::request::{Input, page, paginate};
use super::{App, now};
use chimesdk_domain::events::Identity;

type Reply<T> = ApiResult<(StatusCode, Json<T>)>;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAppInstanceAdmin {
    app_instance_admin_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAppInstanceAdminOut {
    app_instance_admin: Identity,
    app_instance_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceAdminOut {
    admin: Identity,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_instance_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_timestamp: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAppInstanceAdminOut {
    app_instance_admin: AppInstanceAdminOut,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAppInstanceAdminsOut {
    app_instance_arn: String,
    app_instance_admins: Vec<AppInstanceAdminOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// CreateAppInstanceAdmin: a user or bot of this AppInstance becomes its
/// admin.
pub async fn create_app_instance_admin(
    State(app): State<Arc<App>>,
    Path(app_arn): Path<String>,
    Input(input): Input<CreateAppInstanceAdmin>,
) -> Reply<CreateAppInstanceAdminOut> {
    let admin = input.app_instance_admin_arn;
    app.transact(|s, _| {
        app_instance(s, &app_arn)?;
        let of_this_app = s.users.get(&admin).map(|u| &u.app_instance_arn) == Some(&app_arn)
            || s.bots.get(&admin).map(|b| &b.app_instance_arn) == Some(&app_arn);
        if !of_this_app {
            return Err(ApiError::bad_request(format!(
                "{admin} is not an AppInstanceUser or AppInstanceBot of {app_arn}"
            )));
        }
        let a = s.app_instances.get_mut(&app_arn).expect("checked above");
        if a.admins.contains_key(&admin) {
            return Err(ApiError::conflict(format!(
                "{admin} is already an admin of {app_arn}"
            )));
        }
        a.admins.insert(admin.clone(), now());
        Ok(())
    })
    .await?;
    let who = app.read(|s| Ok(s.identity_of(&admin))).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreateAppInstanceAdminOut {
            app_instance_admin: who,
            app_instance_arn: app_arn,
        }),
    ))
}

pub async fn describe_app_instance_admin(
    State(app): State<Arc<App>>,
    Path((app_arn, admin)): Path<(String, String)>,
) -> Reply<DescribeAppInstanceAdminOut> {
    app.read(|s| {
        let created = *app_instance(s, &app_arn)?
            .admins
            .get(&admin)
            .ok_or_else(|| {
                ApiError::bad_request(format!("{admin} is not an admin of {app_arn}"))
            })?;
        Ok((
            StatusCode::OK,
            Json(DescribeAppInstanceAdminOut {
                app_instance_admin: AppInstanceAdminOut {
                    admin: s.identity_of(&admin),
                    app_instance_arn: Some(app_arn.clone()),
                    created_timestamp: Some(created),
                },
            }),
        ))
    })
    .await
}

pub async fn delete_app_instance_admin(
    State(app): State<Arc<App>>,
    Path((app_arn, admin)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        app_instance(s, &app_arn)?;
        let a = s.app_instances.get_mut(&app_arn).expect("checked above");
        a.admins.remove(&admin).ok_or_else(|| {
            ApiError::bad_request(format!("{admin} is not an admin of {app_arn}"))
        })?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// ListAppInstanceAdmins: in ARN order, a page at a time.
pub async fn list_app_instance_admins(
    State(app): State<Arc<App>>,
    Path(app_arn): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply<ListAppInstanceAdminsOut> {
    let (start, max) = page(&q)?;
    app.read(|s| {
        let all: Vec<&String> = app_instance(s, &app_arn)?.admins.keys().collect();
        let (items, next) = paginate(&all, start, max);
        Ok((
            StatusCode::OK,
            Json(ListAppInstanceAdminsOut {
                app_instance_arn: app_arn.clone(),
                app_instance_admins: items
                    .iter()
                    .map(|admin| AppInstanceAdminOut {
                        admin: s.identity_of(admin),
                        app_instance_arn: None,
                        created_timestamp: None,
                    })
                    .collect(),
                next_token: next,
            }),
        ))
    })
    .await
}
