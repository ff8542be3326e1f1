//! The AWS calls of `chimesdk_app_instance_admin`: Chime SDK identity's
//! AppInstanceAdmin operations, through the provider's one call helper.
//! None of them lists a NotFoundException in the model, so an ambiguous
//! answer is settled by ListAppInstanceAdmins.

use aws_sdk_chimesdkidentity::operation::create_app_instance_admin::CreateAppInstanceAdminError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;

use crate::aws::app_instances::{listed_in_app_instance, rfc3339};
use crate::aws::error::AwsError;
use crate::aws::gone::{Listed, deleted_or_listed, found_or_listed, list_to_the_end};
use crate::aws::{Aws, Made};

/// An admin as DescribeAppInstanceAdmin shows it.
pub struct Admin {
    pub created: Option<String>,
}

/// CreateAppInstanceAdmin. The call takes no idempotency token: when a
/// retry after a lost answer is refused as a conflict, the first attempt
/// made the admin, and that counts as made; any other conflict is the
/// error (the user is an admin already).
pub async fn create(c: &Aws<'_>, app_instance_arn: &str, admin_arn: &str) -> Result<(), AwsError> {
    let conflict = |e: &SdkError<CreateAppInstanceAdminError, HttpResponse>| {
        e.as_service_error()
            .is_some_and(CreateAppInstanceAdminError::is_conflict_exception)
    };
    let made = c
        .call_creating("CreateAppInstanceAdmin", conflict, || {
            c.identity
                .create_app_instance_admin()
                .app_instance_arn(app_instance_arn)
                .app_instance_admin_arn(admin_arn)
                .send()
        })
        .await?;
    match made {
        Made::ByThisCall => Ok(()),
        Made::Existed(e) => Err(e),
    }
}

/// DescribeAppInstanceAdmin; `None` only when it is proven gone.
pub async fn find(
    c: &Aws<'_>,
    app_instance_arn: &str,
    admin_arn: &str,
) -> Result<Option<Admin>, AwsError> {
    let answer = c
        .call("DescribeAppInstanceAdmin", || {
            c.identity
                .describe_app_instance_admin()
                .app_instance_arn(app_instance_arn)
                .app_instance_admin_arn(admin_arn)
                .send()
        })
        .await
        .map(|out| Admin {
            created: rfc3339(out.app_instance_admin().and_then(|a| a.created_timestamp())),
        });
    found_or_listed(
        answer,
        &format!("admin {admin_arn} of {app_instance_arn}"),
        || listed(c, app_instance_arn, admin_arn),
    )
    .await
}

/// DeleteAppInstanceAdmin; one proven gone counts as deleted.
pub async fn delete(c: &Aws<'_>, app_instance_arn: &str, admin_arn: &str) -> Result<(), AwsError> {
    let answer = c
        .call("DeleteAppInstanceAdmin", || {
            c.identity
                .delete_app_instance_admin()
                .app_instance_arn(app_instance_arn)
                .app_instance_admin_arn(admin_arn)
                .send()
        })
        .await;
    deleted_or_listed(
        answer,
        &format!("admin {admin_arn} of {app_instance_arn}"),
        || listed(c, app_instance_arn, admin_arn),
    )
    .await
}

/// The most ListAppInstanceAdmins returns per page (the model's MaxResults).
const LIST_PAGE_MAX: i32 = 50;

/// One page of ListAppInstanceAdmins: the admins' ARNs and the next token.
pub async fn list_page(
    c: &Aws<'_>,
    app_instance_arn: &str,
    next_token: Option<String>,
) -> Result<(Vec<String>, Option<String>), AwsError> {
    let out = c
        .call("ListAppInstanceAdmins", || {
            c.identity
                .list_app_instance_admins()
                .app_instance_arn(app_instance_arn)
                .max_results(LIST_PAGE_MAX)
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
    let arns = out
        .app_instance_admins()
        .iter()
        .filter_map(|a| a.admin().and_then(|i| i.arn()).map(str::to_string))
        .collect();
    Ok((
        arns,
        out.next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    ))
}

/// Whether ListAppInstanceAdmins, read to the end, lists the admin. An
/// admin cannot outlive its AppInstance: when the List itself is answered
/// ambiguously, an AppInstance proven gone proves the admin gone too.
async fn listed(c: &Aws<'_>, app_instance_arn: &str, admin_arn: &str) -> Result<Listed, AwsError> {
    let listing = list_to_the_end(
        "ListAppInstanceAdmins",
        |token| list_page(c, app_instance_arn, token),
        |admin: &String| admin == admin_arn,
    )
    .await;
    listed_in_app_instance(c, app_instance_arn, listing).await
}
