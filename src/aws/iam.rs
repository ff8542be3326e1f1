//! AWS IAM: whether Chime SDK messaging's service-linked role exists.

use super::error::AwsError;
use super::gone::Found;
use super::scope::Aws;
use chimesdk_domain::kms_policy::SERVICE_LINKED_ROLE;

/// GetRole for the service-linked role; `false` when IAM has none.
pub async fn service_linked_role_exists(c: &Aws<'_>) -> Result<bool, AwsError> {
    let role = c
        .call("GetRole", || {
            c.iam.get_role().role_name(SERVICE_LINKED_ROLE).send()
        })
        .await
        .found()?;
    Ok(role.is_some())
}
