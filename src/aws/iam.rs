//! AWS IAM: whether Chime SDK messaging's service-linked role exists.

use tokio_util::sync::CancellationToken;

use super::AwsClients;
use super::error::AwsError;
use super::retry::{classify, with_retries};
use chimesdk_domain::kms_policy::SERVICE_LINKED_ROLE;

/// GetRole for the service-linked role; `false` when IAM has none.
pub async fn service_linked_role_exists(
    c: &AwsClients,
    cancel: &CancellationToken,
) -> Result<bool, AwsError> {
    let result = with_retries(c.retry, cancel, "GetRole", classify, || {
        c.iam.get_role().role_name(SERVICE_LINKED_ROLE).send()
    })
    .await
    .map_err(AwsError::from);
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.has_code("NoSuchEntity") || e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}
