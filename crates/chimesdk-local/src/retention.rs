//! Chime SDK identity: an AppInstance's message retention
//! (Put/GetAppInstanceRetentionSettings), kept on its AppInstance's row.
//!
//! `InitiateDeletionTimestamp` is answered as the time of the Put plus the
//! 30-day grace period the developer guide ("Managing message retention")
//! describes; what the real service answers is unverified. chimesdk-local
//! stores the setting and deletes no message because of it.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::error::ApiResult;
use super::identity::app_instance;
use super::request::Input;
use super::store::Retention;
use super::{App, now};

type Reply<T> = ApiResult<(StatusCode, Json<T>)>;

/// The guide's grace period before messages past the retention are deleted.
const GRACE_SECONDS: f64 = 30.0 * 86_400.0;

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelRetentionSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    retention_days: Option<u32>,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceRetentionSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_retention_settings: Option<ChannelRetentionSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRetention {
    app_instance_retention_settings: AppInstanceRetentionSettings,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RetentionOut {
    app_instance_retention_settings: AppInstanceRetentionSettings,
    #[serde(skip_serializing_if = "Option::is_none")]
    initiate_deletion_timestamp: Option<f64>,
}

fn out(r: Option<&Retention>) -> RetentionOut {
    RetentionOut {
        app_instance_retention_settings: AppInstanceRetentionSettings {
            channel_retention_settings: r.map(|r| ChannelRetentionSettings {
                retention_days: Some(r.days),
            }),
        },
        initiate_deletion_timestamp: r.map(|r| r.initiate_deletion),
    }
}

/// PutAppInstanceRetentionSettings: `RetentionDays` sets the period; an
/// empty `ChannelRetentionSettings` removes it (the guide's "Disabling").
pub async fn put_retention(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    Input(input): Input<PutRetention>,
) -> Reply<RetentionOut> {
    let days = input
        .app_instance_retention_settings
        .channel_retention_settings
        .and_then(|c| c.retention_days);
    let kept = app
        .transact(|s, _| {
            app_instance(s, &arn)?;
            let a = s.app_instances.get_mut(&arn).expect("checked above");
            a.retention = days.map(|days| Retention {
                days,
                initiate_deletion: now() + GRACE_SECONDS,
            });
            Ok(a.retention.clone())
        })
        .await?;
    Ok((StatusCode::OK, Json(out(kept.as_ref()))))
}

/// GetAppInstanceRetentionSettings: the period, or empty settings when none
/// is set.
pub async fn get_retention(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> Reply<RetentionOut> {
    app.read(|s| {
        let a = app_instance(s, &arn)?;
        Ok((StatusCode::OK, Json(out(a.retention.as_ref()))))
    })
    .await
}
