//! The resource's AWS calls (Chime SDK messaging): an AppInstance's streaming
//! configurations, got, put and deleted.

use aws_sdk_chimesdkmessaging::types::{MessagingDataType, StreamingConfiguration};

use crate::aws::Aws;
use crate::aws::error::AwsError;
use crate::aws::gone::{Found, Listed, deleted_or_listed};

/// One (data type, stream ARN) pair as the service holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Configured {
    pub data_type: String,
    pub resource_arn: String,
}

/// The AppInstance's streaming configurations; empty when none (the service
/// answers NotFound then).
pub async fn find_streaming_configurations(
    c: &Aws<'_>,
    app_instance_arn: &str,
) -> Result<Vec<Configured>, AwsError> {
    let found = c
        .call("GetMessagingStreamingConfigurations", || {
            c.chime
                .get_messaging_streaming_configurations()
                .app_instance_arn(app_instance_arn)
                .send()
        })
        .await
        .found()?;
    let mut list: Vec<Configured> = found
        .iter()
        .flat_map(|out| out.streaming_configurations())
        .map(|s| Configured {
            data_type: s.data_type().as_str().to_string(),
            resource_arn: s.resource_arn().to_string(),
        })
        .collect();
    list.sort();
    Ok(list)
}

pub async fn put_streaming_configurations(
    c: &Aws<'_>,
    app_instance_arn: &str,
    desired: &[Configured],
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
    c.call("PutMessagingStreamingConfigurations", || {
        c.chime
            .put_messaging_streaming_configurations()
            .app_instance_arn(app_instance_arn)
            .set_streaming_configurations(Some(configs.clone()))
            .send()
    })
    .await?;
    Ok(())
}

/// Deletes the configuration. DeleteMessagingStreamingConfigurations models
/// no not-found error, so an ambiguous answer counts as done only when
/// GetMessagingStreamingConfigurations proves none is left.
pub async fn delete_streaming_configurations(
    c: &Aws<'_>,
    app_instance_arn: &str,
) -> Result<(), AwsError> {
    let answer = c
        .call("DeleteMessagingStreamingConfigurations", || {
            c.chime
                .delete_messaging_streaming_configurations()
                .app_instance_arn(app_instance_arn)
                .send()
        })
        .await;
    deleted_or_listed(
        answer,
        &format!("the streaming configuration of {app_instance_arn}"),
        || async {
            let left = find_streaming_configurations(c, app_instance_arn).await?;
            Ok(Listed {
                by: "GetMessagingStreamingConfigurations",
                present: !left.is_empty(),
            })
        },
    )
    .await
}
