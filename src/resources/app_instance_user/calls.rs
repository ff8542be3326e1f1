//! The AWS calls of `chimesdk_app_instance_user`: Chime SDK identity's
//! AppInstanceUser operations, through the provider's one call helper.

use aws_sdk_chimesdkidentity::types::{ExpirationCriterion, ExpirationSettings};

use crate::aws::Aws;
use crate::aws::app_instances::{listed_in_app_instance, rfc3339, tag_list};
use crate::aws::error::AwsError;
use crate::aws::gone::{Listed, deleted_or_listed, found_or_listed, list_to_the_end};
use crate::aws::tags::Tags;

/// What DescribeAppInstanceUser says about a user.
pub struct User {
    pub arn: String,
    pub name: String,
    pub metadata: Option<String>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
    pub expiration: Option<Expiration>,
}

/// A user's ExpirationSettings: days and what they count from.
#[derive(Debug, Clone, PartialEq)]
pub struct Expiration {
    pub days: i32,
    pub criterion: String,
}

fn settings(e: &Expiration) -> Result<ExpirationSettings, AwsError> {
    ExpirationSettings::builder()
        .expiration_days(e.days)
        .expiration_criterion(ExpirationCriterion::from(e.criterion.as_str()))
        .build()
        .map_err(|e| AwsError::Other(e.to_string()))
}

/// What the new user is made with.
pub struct NewUser<'a> {
    pub app_instance_arn: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub metadata: Option<&'a str>,
    pub expiration: Option<Expiration>,
    pub tags: &'a Tags,
}

/// CreateAppInstanceUser; `token` makes a retried call return the same user.
pub async fn create(c: &Aws<'_>, user: &NewUser<'_>, token: &str) -> Result<String, AwsError> {
    let tags = tag_list(user.tags)?;
    let expiration = user.expiration.as_ref().map(settings).transpose()?;
    let out = c
        .call("CreateAppInstanceUser", || {
            c.identity
                .create_app_instance_user()
                .app_instance_arn(user.app_instance_arn)
                .app_instance_user_id(user.user_id)
                .name(user.name)
                .set_metadata(user.metadata.map(str::to_string))
                .set_expiration_settings(expiration.clone())
                .set_tags(tags.clone())
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

/// DescribeAppInstanceUser; `None` only when it is proven gone. As for
/// DescribeAppInstance, the model lists no NotFoundException (what the real
/// service answers for a deleted user is unverified; chimesdk-local answers
/// BadRequestException), so an ambiguous answer is settled by
/// ListAppInstanceUsers.
pub async fn find(c: &Aws<'_>, arn: &str) -> Result<Option<User>, AwsError> {
    let answer = c
        .call("DescribeAppInstanceUser", || {
            c.identity
                .describe_app_instance_user()
                .app_instance_user_arn(arn)
                .send()
        })
        .await;
    let found =
        found_or_listed(answer, &format!("AppInstanceUser {arn}"), || listed(c, arn)).await?;
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
        expiration: u.expiration_settings().map(|e| Expiration {
            days: e.expiration_days(),
            criterion: e.expiration_criterion().as_str().to_string(),
        }),
    }))
}

/// PutAppInstanceUserExpirationSettings: sets or changes the expiry, or
/// removes it (`None`: the call without ExpirationSettings).
pub async fn put_expiration(
    c: &Aws<'_>,
    arn: &str,
    expiration: Option<&Expiration>,
) -> Result<(), AwsError> {
    let expiration = expiration.map(settings).transpose()?;
    c.call("PutAppInstanceUserExpirationSettings", || {
        c.identity
            .put_app_instance_user_expiration_settings()
            .app_instance_user_arn(arn)
            .set_expiration_settings(expiration.clone())
            .send()
    })
    .await?;
    Ok(())
}

/// UpdateAppInstanceUser: name and metadata together (the call takes both).
pub async fn update(c: &Aws<'_>, arn: &str, name: &str, metadata: &str) -> Result<(), AwsError> {
    c.call("UpdateAppInstanceUser", || {
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

/// DeleteAppInstanceUser; one proven gone counts as deleted.
pub async fn delete(c: &Aws<'_>, arn: &str) -> Result<(), AwsError> {
    let answer = c
        .call("DeleteAppInstanceUser", || {
            c.identity
                .delete_app_instance_user()
                .app_instance_user_arn(arn)
                .send()
        })
        .await;
    deleted_or_listed(answer, &format!("AppInstanceUser {arn}"), || listed(c, arn)).await
}

/// The most ListAppInstanceUsers returns per page (the model's MaxResults).
const LIST_PAGE_MAX: i32 = 50;

/// One page of ListAppInstanceUsers: the users' ARNs and the next token.
pub async fn list_page(
    c: &Aws<'_>,
    app_instance_arn: &str,
    next_token: Option<String>,
) -> Result<(Vec<String>, Option<String>), AwsError> {
    let out = c
        .call("ListAppInstanceUsers", || {
            c.identity
                .list_app_instance_users()
                .app_instance_arn(app_instance_arn)
                .max_results(LIST_PAGE_MAX)
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
    let arns = out
        .app_instance_users()
        .iter()
        .filter_map(|u| u.app_instance_user_arn().map(str::to_string))
        .collect();
    Ok((
        arns,
        out.next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    ))
}

/// Whether ListAppInstanceUsers of the user's AppInstance, read to the
/// end, lists the user. A user cannot outlive its AppInstance: when the
/// List itself is answered ambiguously, an AppInstance proven gone proves
/// the user gone too.
async fn listed(c: &Aws<'_>, arn: &str) -> Result<Listed, AwsError> {
    let Some((app_instance_arn, _)) = arn.rsplit_once("/user/") else {
        return Err(AwsError::Other(format!(
            "{arn} is not an AppInstanceUser ARN (APP_INSTANCE_ARN/user/ID)"
        )));
    };
    let listing = list_to_the_end(
        "ListAppInstanceUsers",
        |token| list_page(c, app_instance_arn, token),
        |user: &String| user == arn,
    )
    .await;
    listed_in_app_instance(c, app_instance_arn, listing).await
}
