//! AWS IAM: whether Chime SDK messaging's service-linked role exists.

use tokio_util::sync::CancellationToken;

use super::AwsClients;
use super::error::AwsError;
use super::gone::Found;
use chimesdk_domain::kms_policy::SERVICE_LINKED_ROLE;

/// GetRole for the service-linked role; `false` when IAM has none.
pub async fn service_linked_role_exists(
    c: &AwsClients,
    cancel: &CancellationToken,
) -> Result<bool, AwsError> {
    let role = c
        .call("GetRole", cancel, || {
            c.iam.get_role().role_name(SERVICE_LINKED_ROLE).send()
        })
        .await
        .found()?;
    Ok(role.is_some())
}
