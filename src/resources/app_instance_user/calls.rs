//! The AWS calls of `chimesdk_app_instance_user`: Chime SDK identity's
//! AppInstanceUser operations, through the provider's one call helper.

use tokio_util::sync::CancellationToken;

use crate::aws::AwsClients;
use crate::aws::app_instances::rfc3339;
use crate::aws::error::{AwsError, NotFoundIsNone, deleted};

/// What DescribeAppInstanceUser says about a user.
pub struct User {
    pub arn: String,
    pub name: String,
    pub metadata: Option<String>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
}

/// CreateAppInstanceUser; `token` makes a retried call return the same user.
pub async fn create(
    c: &AwsClients,
    app_instance_arn: &str,
    user_id: &str,
    name: &str,
    metadata: Option<&str>,
    token: &str,
    cancel: &CancellationToken,
) -> Result<String, AwsError> {
    let out = c
        .call("CreateAppInstanceUser", cancel, || {
            c.identity
                .create_app_instance_user()
                .app_instance_arn(app_instance_arn)
                .app_instance_user_id(user_id)
                .name(name)
                .set_metadata(metadata.map(str::to_string))
                .client_request_token(token)
                .send()
        })
        .await?;
    out.app_instance_user_arn()
        .map(str::to_string)
        .ok_or_else(|| {
            AwsError::Other("CreateAppInstanceUser returned no AppInstanceUserArn".into())
        })
}

/// DescribeAppInstanceUser; `None` when it does not exist. As for
/// DescribeAppInstance, the model lists no NotFoundException: a missing
/// user comes back as BadRequestException from chimesdk-local (what the
/// real service answers is unverified).
pub async fn find(
    c: &AwsClients,
    arn: &str,
    cancel: &CancellationToken,
) -> Result<Option<User>, AwsError> {
    let found = c
        .call("DescribeAppInstanceUser", cancel, || {
            c.identity
                .describe_app_instance_user()
                .app_instance_user_arn(arn)
                .send()
        })
        .await
        .found_unless(&["BadRequestException"])?;
    let Some(out) = found else { return Ok(None) };
    let Some(u) = out.app_instance_user() else {
        return Err(AwsError::Other(format!(
            "DescribeAppInstanceUser for {arn} returned no AppInstanceUser"
        )));
    };
    Ok(Some(User {
        arn: u.app_instance_user_arn().unwrap_or(arn).to_string(),
        name: u.name().unwrap_or_default().to_string(),
        metadata: u.metadata().map(str::to_string),
        created: rfc3339(u.created_timestamp()),
        last_updated: rfc3339(u.last_updated_timestamp()),
    }))
}

/// UpdateAppInstanceUser: name and metadata together (the call takes both).
pub async fn update(
    c: &AwsClients,
    arn: &str,
    name: &str,
    metadata: &str,
    cancel: &CancellationToken,
) -> Result<(), AwsError> {
    c.call("UpdateAppInstanceUser", cancel, || {
        c.identity
            .update_app_instance_user()
            .app_instance_user_arn(arn)
            .name(name)
            .metadata(metadata)
            .send()
    })
    .await?;
    Ok(())
}

/// DeleteAppInstanceUser; one already gone counts as deleted.
pub async fn delete(c: &AwsClients, arn: &str, cancel: &CancellationToken) -> Result<(), AwsError> {
    deleted(
        c.call("DeleteAppInstanceUser", cancel, || {
            c.identity
                .delete_app_instance_user()
                .app_instance_user_arn(arn)
                .send()
        })
        .await,
    )
}
