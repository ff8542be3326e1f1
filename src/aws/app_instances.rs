//! Chime SDK identity: AppInstances (create / describe / update / delete)
//! and their tags.

use aws_sdk_chimesdkidentity::types::Tag;
use aws_smithy_types::date_time::Format;

use super::error::AwsError;
use super::gone::{Listed, deleted_or_listed, found_or_listed, list_to_the_end, may_mean_gone};
use super::scope::Aws;
use super::tags::{TagCalls, Tags, converge};

/// An AppInstance as DescribeAppInstance returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInstance {
    pub arn: String,
    pub name: String,
    /// Null and empty are one to the service (unverified for the real one:
    /// the model allows 0 characters; chimesdk-local stores what it gets).
    pub metadata: Option<String>,
    /// RFC 3339.
    pub created: Option<String>,
    pub last_updated: Option<String>,
}

pub(crate) fn tag_list(tags: &Tags) -> Result<Option<Vec<Tag>>, AwsError> {
    if tags.is_empty() {
        // The model's TagList takes 1 to 50: none is no list at all.
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| AwsError::Other(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// A Chime identity timestamp as state holds it (RFC 3339).
pub fn rfc3339(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// CreateAppInstance; `token` makes a retried call return the same one.
pub async fn create_app_instance(
    c: &Aws<'_>,
    name: &str,
    metadata: Option<&str>,
    token: &str,
    tags: &Tags,
) -> Result<String, AwsError> {
    let tags = tag_list(tags)?;
    let out = c
        .call("CreateAppInstance", || {
            c.identity
                .create_app_instance()
                .name(name)
                .set_metadata(metadata.map(str::to_string))
                .client_request_token(token)
                .set_tags(tags.clone())
                .send()
        })
        .await?;
    out.app_instance_arn()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Other("CreateAppInstance returned no AppInstanceArn".into()))
}

/// DescribeAppInstance; `None` only when it is proven gone. The identity
/// model lists no NotFoundException for it (what the real service answers
/// for a deleted AppInstance is unverified; chimesdk-local answers
/// BadRequestException), so an ambiguous answer is settled by
/// ListAppInstances.
pub async fn find_app_instance(c: &Aws<'_>, arn: &str) -> Result<Option<AppInstance>, AwsError> {
    let answer = c
        .call("DescribeAppInstance", || {
            c.identity
                .describe_app_instance()
                .app_instance_arn(arn)
                .send()
        })
        .await;
    let found = found_or_listed(answer, &format!("AppInstance {arn}"), || {
        app_instance_listed(c, arn)
    })
    .await?;
    let Some(out) = found else { return Ok(None) };
    let Some(a) = out.app_instance() else {
        return Err(AwsError::Other(format!(
            "DescribeAppInstance for {arn} returned no AppInstance"
        )));
    };
    Ok(Some(AppInstance {
        arn: a.app_instance_arn().unwrap_or(arn).to_string(),
        name: a.name().unwrap_or_default().to_string(),
        metadata: a.metadata().map(str::to_string),
        created: rfc3339(a.created_timestamp()),
        last_updated: rfc3339(a.last_updated_timestamp()),
    }))
}

/// UpdateAppInstance: the model requires both Name and Metadata.
pub async fn update_app_instance(
    c: &Aws<'_>,
    arn: &str,
    name: &str,
    metadata: &str,
) -> Result<(), AwsError> {
    c.call("UpdateAppInstance", || {
        c.identity
            .update_app_instance()
            .app_instance_arn(arn)
            .name(name)
            .metadata(metadata)
            .send()
    })
    .await?;
    Ok(())
}

/// DeleteAppInstance; one proven gone (ListAppInstances lacks it) counts
/// as deleted.
pub async fn delete_app_instance(c: &Aws<'_>, arn: &str) -> Result<(), AwsError> {
    let answer = c
        .call("DeleteAppInstance", || {
            c.identity
                .delete_app_instance()
                .app_instance_arn(arn)
                .send()
        })
        .await;
    deleted_or_listed(answer, &format!("AppInstance {arn}"), || {
        app_instance_listed(c, arn)
    })
    .await
}

/// Whether ListAppInstances, read to its last page, lists `arn`.
pub async fn app_instance_listed(c: &Aws<'_>, arn: &str) -> Result<Listed, AwsError> {
    list_to_the_end(
        "ListAppInstances",
        |token| list_app_instances_page(c, token, LIST_PAGE_MAX),
        |a: &AppInstanceSummary| a.arn == arn,
    )
    .await
}

/// What the List of an object of an AppInstance (a user, an admin), read
/// to the end, says about it. Nothing outlives its AppInstance: when that
/// List is itself answered ambiguously, the AppInstance proven gone proves
/// the object gone too.
pub async fn listed_in_app_instance(
    c: &Aws<'_>,
    app_instance_arn: &str,
    listing: Result<Listed, AwsError>,
) -> Result<Listed, AwsError> {
    match listing {
        Err(e) if may_mean_gone(&e) => match find_app_instance(c, app_instance_arn).await? {
            None => Ok(Listed {
                by: "ListAppInstances",
                present: false,
            }),
            Some(_) => Err(e),
        },
        other => other,
    }
}

pub async fn list_tags(c: &Aws<'_>, arn: &str) -> Result<Tags, AwsError> {
    let out = c
        .call("ListTagsForResource", || {
            c.identity.list_tags_for_resource().resource_arn(arn).send()
        })
        .await?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Makes the tags of a Chime SDK identity object (an AppInstance, a user,
/// a bot) `desired`, from the tags ListTagsForResource shows it has.
pub async fn set_tags(c: &Aws<'_>, arn: &str, desired: &Tags) -> Result<(), AwsError> {
    let remote = list_tags(c, arn).await?;
    converge(&IdentityTags { c: *c, arn }, &remote, desired).await
}

/// The tag calls of an identity object.
struct IdentityTags<'a> {
    c: Aws<'a>,
    arn: &'a str,
}

#[async_trait::async_trait]
impl TagCalls for IdentityTags<'_> {
    fn object(&self) -> String {
        self.arn.to_string()
    }

    async fn remove(&self, keys: &[String]) -> Result<(), AwsError> {
        self.c
            .call("UntagResource", || {
                self.c
                    .identity
                    .untag_resource()
                    .resource_arn(self.arn)
                    .set_tag_keys(Some(keys.to_vec()))
                    .send()
            })
            .await?;
        Ok(())
    }

    async fn add(&self, tags: &Tags) -> Result<(), AwsError> {
        let tags = tag_list(tags)?;
        self.c
            .call("TagResource", || {
                self.c
                    .identity
                    .tag_resource()
                    .resource_arn(self.arn)
                    .set_tags(tags.clone())
                    .send()
            })
            .await?;
        Ok(())
    }
}

/// One AppInstance as ListAppInstances names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInstanceSummary {
    pub arn: String,
    pub name: String,
}

/// The most ListAppInstances returns per page (the model's MaxResults).
pub const LIST_PAGE_MAX: i32 = 50;

/// One page of ListAppInstances, with the token of the next (`None`: last).
pub async fn list_app_instances_page(
    c: &Aws<'_>,
    next_token: Option<String>,
    max_results: i32,
) -> Result<(Vec<AppInstanceSummary>, Option<String>), AwsError> {
    let out = c
        .call("ListAppInstances", || {
            c.identity
                .list_app_instances()
                .max_results(max_results.clamp(1, LIST_PAGE_MAX))
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
    let page = out
        .app_instances()
        .iter()
        .filter_map(|a| {
            Some(AppInstanceSummary {
                arn: a.app_instance_arn()?.to_string(),
                name: a.name().unwrap_or_default().to_string(),
            })
        })
        .collect();
    Ok((
        page,
        out.next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    ))
}

/// Whether the AppInstance exists (`false` only when proven gone, as
/// `find_app_instance` says).
pub async fn app_instance_exists(c: &Aws<'_>, app_instance_arn: &str) -> Result<bool, AwsError> {
    find_app_instance(c, app_instance_arn)
        .await
        .map(|a| a.is_some())
}

/// Whether the AppInstance is proven gone (`find_app_instance`). Any other
/// outcome (it exists, access denied, a fault, an unsettled answer) is not
/// proof.
pub async fn app_instance_gone(c: &Aws<'_>, app_instance_arn: &str) -> bool {
    matches!(app_instance_exists(c, app_instance_arn).await, Ok(false))
}
