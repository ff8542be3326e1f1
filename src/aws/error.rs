//! One error type for AWS calls, with the distinctions callers act on:
//! not found (Read drops, Delete succeeds), access denied (live checks
//! warn), cancelled, and everything else with its code and message.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::retry::RetryError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("access denied: {0}")]
    AccessDenied(String),
    #[error("cancelled because Terraform was interrupted")]
    Cancelled,
    #[error("timed out waiting for {what}; last seen: {last}")]
    TimedOut { what: String, last: String },
    #[error("{0}")]
    Failed(String),
}

const NOT_FOUND: &[&str] = &["ResourceNotFoundException", "NotFoundException"];
const DENIED: &[&str] = &[
    "AccessDeniedException",
    "ForbiddenException",
    "UnauthorizedClientException",
    "AccessDenied",
];

fn describe<E, R>(e: &SdkError<E, R>) -> (String, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("UnknownError").to_string();
            let message = se.err().message().unwrap_or("").to_string();
            (code, message)
        }
        other => (String::new(), DisplayErrorContext(other).to_string()),
    }
}

impl<E, R> From<RetryError<SdkError<E, R>>> for AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    fn from(err: RetryError<SdkError<E, R>>) -> Self {
        match err {
            RetryError::Cancelled => AwsError::Cancelled,
            RetryError::Exhausted {
                attempts,
                last,
                source,
            } => {
                let (code, message) = describe(&source);
                let detail = if code.is_empty() {
                    message
                } else {
                    format!("{code}: {message}")
                };
                AwsError::Failed(format!(
                    "gave up after {attempts} attempts ({last}); last response: {detail}"
                ))
            }
            RetryError::Failed(source) => {
                let (code, message) = describe(&source);
                if NOT_FOUND.contains(&code.as_str()) {
                    AwsError::NotFound(message)
                } else if DENIED.contains(&code.as_str()) {
                    AwsError::AccessDenied(format!("{code}: {message}"))
                } else if code.is_empty() {
                    AwsError::Failed(message)
                } else {
                    AwsError::Failed(format!("{code}: {message}"))
                }
            }
        }
    }
}
