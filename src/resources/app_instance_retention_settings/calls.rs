//! The AWS calls of `chimesdk_app_instance_retention_settings`: Chime SDK
//! identity's Put/GetAppInstanceRetentionSettings, through the provider's
//! one call helper. Neither lists a NotFoundException: a refused Get is
//! settled by ListAppInstances (a setting cannot outlive its AppInstance).

use aws_sdk_chimesdkidentity::types::{AppInstanceRetentionSettings, ChannelRetentionSettings};

use crate::aws::Aws;
use crate::aws::app_instances::{app_instance_listed, rfc3339};
use crate::aws::error::AwsError;
use crate::aws::gone::found_or_listed;

/// An AppInstance's retention, as the service answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Retention {
    pub days: i32,
    pub initiate_deletion: Option<String>,
}

fn settings(days: Option<i32>) -> AppInstanceRetentionSettings {
    AppInstanceRetentionSettings::builder()
        .channel_retention_settings(
            ChannelRetentionSettings::builder()
                .set_retention_days(days)
                .build(),
        )
        .build()
}

/// PutAppInstanceRetentionSettings with `days`; the answer's deletion time.
pub async fn put(c: &Aws<'_>, app_instance_arn: &str, days: i32) -> Result<Retention, AwsError> {
    let out = c
        .call("PutAppInstanceRetentionSettings", || {
            c.identity
                .put_app_instance_retention_settings()
                .app_instance_arn(app_instance_arn)
                .app_instance_retention_settings(settings(Some(days)))
                .send()
        })
        .await?;
    Ok(Retention {
        days,
        initiate_deletion: rfc3339(out.initiate_deletion_timestamp()),
    })
}

/// PutAppInstanceRetentionSettings with an empty ChannelRetentionSettings:
/// the guide's way to turn retention off. An AppInstance proven gone has
/// nothing left to remove.
pub async fn remove(c: &Aws<'_>, app_instance_arn: &str) -> Result<(), AwsError> {
    let answer = c
        .call("PutAppInstanceRetentionSettings", || {
            c.identity
                .put_app_instance_retention_settings()
                .app_instance_arn(app_instance_arn)
                .app_instance_retention_settings(settings(None))
                .send()
        })
        .await;
    found_or_listed(answer, &format!("AppInstance {app_instance_arn}"), || {
        app_instance_listed(c, app_instance_arn)
    })
    .await
    .map(|_| ())
}

/// GetAppInstanceRetentionSettings: `None` when no period is set, or when
/// the AppInstance is proven gone (ListAppInstances lacks it).
pub async fn find(c: &Aws<'_>, app_instance_arn: &str) -> Result<Option<Retention>, AwsError> {
    let answer = c
        .call("GetAppInstanceRetentionSettings", || {
            c.identity
                .get_app_instance_retention_settings()
                .app_instance_arn(app_instance_arn)
                .send()
        })
        .await;
    let found = found_or_listed(answer, &format!("AppInstance {app_instance_arn}"), || {
        app_instance_listed(c, app_instance_arn)
    })
    .await?;
    Ok(found.and_then(|out| {
        let days = out
            .app_instance_retention_settings()
            .and_then(|s| s.channel_retention_settings())
            .and_then(|c| c.retention_days())?;
        Some(Retention {
            days,
            initiate_deletion: rfc3339(out.initiate_deletion_timestamp()),
        })
    }))
}
