//! The resource's AWS calls (Chime SDK messaging): an AppInstance's streaming
//! configurations, got, put and deleted.

use aws_sdk_chimesdkmessaging::types::{MessagingDataType, StreamingConfiguration};
use tokio_util::sync::CancellationToken;

use crate::aws::AwsClients;
use crate::aws::error::{AwsError, deleted};
use crate::aws::retry::{classify, with_retries};

/// One (data type, stream ARN) pair as the service holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Configured {
    pub data_type: String,
    pub resource_arn: String,
}

/// The AppInstance's streaming configurations; empty when none (the service
/// answers NotFound then).
pub async fn find_streaming_configurations(
    c: &AwsClients,
    app_instance_arn: &str,
    cancel: &CancellationToken,
) -> Result<Vec<Configured>, AwsError> {
    let result = with_retries(
        c.retry,
        cancel,
        "GetMessagingStreamingConfigurations",
        classify,
        || {
            c.chime
                .get_messaging_streaming_configurations()
                .app_instance_arn(app_instance_arn)
                .send()
        },
    )
    .await
    .map_err(AwsError::from);
    match result {
        Ok(out) => {
            let mut list: Vec<Configured> = out
                .streaming_configurations()
                .iter()
                .map(|s| Configured {
                    data_type: s.data_type().as_str().to_string(),
                    resource_arn: s.resource_arn().to_string(),
                })
                .collect();
            list.sort();
            Ok(list)
        }
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

pub async fn put_streaming_configurations(
    c: &AwsClients,
    app_instance_arn: &str,
    desired: &[Configured],
    cancel: &CancellationToken,
) -> Result<(), AwsError> {
    let configs = desired
        .iter()
        .map(|d| {
            StreamingConfiguration::builder()
                .data_type(MessagingDataType::from(d.data_type.as_str()))
                .resource_arn(&d.resource_arn)
                .build()
                .map_err(|e| AwsError::Other(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    with_retries(
        c.retry,
        cancel,
        "PutMessagingStreamingConfigurations",
        classify,
        || {
            c.chime
                .put_messaging_streaming_configurations()
                .app_instance_arn(app_instance_arn)
                .set_streaming_configurations(Some(configs.clone()))
                .send()
        },
    )
    .await?;
    Ok(())
}

/// Deletes the configuration; none there counts as done.
pub async fn delete_streaming_configurations(
    c: &AwsClients,
    app_instance_arn: &str,
    cancel: &CancellationToken,
) -> Result<(), AwsError> {
    deleted(
        with_retries(
            c.retry,
            cancel,
            "DeleteMessagingStreamingConfigurations",
            classify,
            || {
                c.chime
                    .delete_messaging_streaming_configurations()
                    .app_instance_arn(app_instance_arn)
                    .send()
            },
        )
        .await
        .map_err(AwsError::from),
    )
}
