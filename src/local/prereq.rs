//! The five streaming prerequisites, checked against the Kinesis endpoint as
//! the service does before it accepts PutMessagingStreamingConfigurations.

use crate::arn::{AppInstanceArn, StreamArn};
use aws_sdk_kinesis::types::{EncryptionType, StreamMode};

use super::error::ApiError;

pub async fn check_stream(
    kinesis: &aws_sdk_kinesis::Client,
    app: &AppInstanceArn,
    resource_arn: &str,
) -> Result<(), ApiError> {
    let stream = StreamArn::parse(resource_arn).map_err(|why| {
        ApiError::bad_request(format!(
            "ResourceArn {resource_arn} is not a Kinesis data stream ARN: {why}"
        ))
    })?;
    if stream.account != app.account {
        return Err(ApiError::bad_request(format!(
            "The Kinesis stream {} must be in the same AWS account as the AppInstance ({})",
            stream.name, app.account
        )));
    }
    if stream.region != app.region {
        return Err(ApiError::bad_request(format!(
            "The Kinesis stream {} must be in the same region as the AppInstance ({})",
            stream.name, app.region
        )));
    }
    if !stream.name.starts_with("chime-messaging-") {
        return Err(ApiError::bad_request(format!(
            "The Kinesis stream name {} must start with chime-messaging-",
            stream.name
        )));
    }
    let summary = match kinesis
        .describe_stream_summary()
        .stream_name(&stream.name)
        .send()
        .await
    {
        Ok(out) => out
            .stream_description_summary
            .ok_or_else(|| ApiError::service_failure("Kinesis returned no stream summary"))?,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Err(ApiError::bad_request(format!(
                "The Kinesis stream {} does not exist",
                stream.name
            )));
        }
        Err(e) => {
            return Err(ApiError {
                status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
                exception: "ServiceUnavailableException",
                code: "ServiceUnavailable",
                message: format!(
                    "Could not check the Kinesis stream {}: {}",
                    stream.name,
                    aws_smithy_types::error::display::DisplayErrorContext(&e)
                ),
            });
        }
    };
    let on_demand = summary
        .stream_mode_details()
        .is_some_and(|m| *m.stream_mode() == StreamMode::OnDemand);
    if !on_demand && summary.open_shard_count() < 2 {
        return Err(ApiError::bad_request(format!(
            "The Kinesis stream {} must have at least 2 shards; it has {}",
            stream.name,
            summary.open_shard_count()
        )));
    }
    if summary.encryption_type() != Some(&EncryptionType::Kms) {
        return Err(ApiError::bad_request(format!(
            "The Kinesis stream {} must have server-side encryption (KMS) enabled",
            stream.name
        )));
    }
    Ok(())
}
