//! The five streaming prerequisites (`chimesdk_domain::streaming`), checked against
//! the Kinesis endpoint as the service does before it accepts
//! PutMessagingStreamingConfigurations.

use chimesdk_domain::arn::{AppInstanceArn, StreamArn};
use chimesdk_domain::streaming::{
    MIN_OPEN_SHARDS, STREAM_PREFIX, Unmet, unmet_by_arn, unmet_by_summary,
};

use super::error::ApiError;

fn refusal(stream: &str, unmet: &Unmet) -> ApiError {
    ApiError::bad_request(match unmet {
        Unmet::Placement(wrong) => {
            let (what, _, app) = &wrong[0];
            let what = if *what == "account" {
                "AWS account"
            } else {
                what
            };
            format!(
                "The Kinesis stream {stream} must be in the same {what} as the AppInstance ({app})"
            )
        }
        Unmet::NamePrefix => {
            format!("The Kinesis stream name {stream} must start with {STREAM_PREFIX}")
        }
        Unmet::TooFewShards { open } => {
            format!(
                "The Kinesis stream {stream} must have at least {MIN_OPEN_SHARDS} shards; it has {open}"
            )
        }
        Unmet::NotEncrypted => {
            format!("The Kinesis stream {stream} must have server-side encryption (KMS) enabled")
        }
    })
}

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
    if let Some(unmet) = unmet_by_arn(&stream, Some(app)).first() {
        return Err(refusal(&stream.name, unmet));
    }
    let (open_shards, kms) = match kinesis
        .describe_stream_summary()
        .stream_name(&stream.name)
        .send()
        .await
    {
        Ok(out) => out
            .stream_description_summary
            .as_ref()
            .map(|s| {
                (
                    i64::from(s.open_shard_count()),
                    s.encryption_type() == Some(&aws_sdk_kinesis::types::EncryptionType::Kms),
                )
            })
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
    match unmet_by_summary(open_shards, kms).first() {
        Some(unmet) => Err(refusal(&stream.name, unmet)),
        None => Ok(()),
    }
}
