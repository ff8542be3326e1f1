//! One error type for AWS calls. A service's answer keeps its error code as
//! data (`AwsError::Service`), so callers ask `has_code` / `is_not_found` /
//! `is_access_denied` instead of matching on message text.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::retry::RetryError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    /// The service answered with an error.
    #[error("{code}: {message}")]
    Service { code: String, message: String },
    /// Every attempt the retry policy allows failed; the last answer.
    #[error("gave up after {attempts} attempts ({last}); last response: {response}")]
    GaveUp {
        attempts: u32,
        last: String,
        response: String,
    },
    /// No attempt got an answer from the service (and nothing else had
    /// answered this process either): the network, not the call.
    #[error("no answer after {attempts} attempts ({last}): {detail}")]
    Unanswered {
        attempts: u32,
        last: String,
        detail: String,
    },
    #[error("cancelled because Terraform was interrupted")]
    Cancelled,
    #[error("timed out waiting for {what}; last seen: {last}")]
    TimedOut { what: String, last: String },
    #[error("stopped waiting for {what}: it reached {seen}")]
    UnexpectedState { what: String, seen: String },
    /// No answer from the service, a request that could not be built, or an
    /// answer that is not what the model promises.
    #[error("{0}")]
    Other(String),
}

const NOT_FOUND: &[&str] = &["ResourceNotFoundException", "NotFoundException"];
const DENIED: &[&str] = &[
    "AccessDeniedException",
    "ForbiddenException",
    "UnauthorizedClientException",
    "AccessDenied",
];

/// The optional not-found mapping of an AWS call's result: for `find_*`
/// calls, a missing object is an answer (`None`), not an error.
pub trait NotFoundIsNone<T> {
    /// `None` when the service said the object does not exist.
    fn found(self) -> Result<Option<T>, AwsError>;
    /// As `found`, also for these codes (a service that answers a missing
    /// object with a code of its own).
    fn found_unless(self, also: &[&str]) -> Result<Option<T>, AwsError>;
}

impl<T> NotFoundIsNone<T> for Result<T, AwsError> {
    fn found(self) -> Result<Option<T>, AwsError> {
        self.found_unless(&[])
    }

    fn found_unless(self, also: &[&str]) -> Result<Option<T>, AwsError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() || also.iter().any(|c| e.has_code(c)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A delete's outcome: an object already gone counts as deleted.
pub fn deleted<T>(result: Result<T, AwsError>) -> Result<(), AwsError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

impl AwsError {
    pub fn service(code: &str, message: impl Into<String>) -> Self {
        AwsError::Service {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The service's error code, when the service answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.code() == Some(code)
    }

    /// The thing asked about does not exist (Read drops it, Delete is done).
    pub fn is_not_found(&self) -> bool {
        self.code().is_some_and(|c| NOT_FOUND.contains(&c))
    }

    /// The credentials may not make this call (live checks warn instead).
    pub fn is_access_denied(&self) -> bool {
        self.code().is_some_and(|c| DENIED.contains(&c))
    }
}

fn describe<E, R>(e: &SdkError<E, R>) -> (Option<String>, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("UnknownError").to_string();
            let message = se.err().message().unwrap_or("").to_string();
            (Some(code), message)
        }
        other => (None, DisplayErrorContext(other).to_string()),
    }
}

impl<E, R> From<SdkError<E, R>> for AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    fn from(source: SdkError<E, R>) -> Self {
        match describe(&source) {
            (Some(code), message) => AwsError::Service { code, message },
            (None, message) => AwsError::Other(message),
        }
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
                let response = match describe(&source) {
                    (Some(code), message) => format!("{code}: {message}"),
                    (None, message) => message,
                };
                AwsError::GaveUp {
                    attempts,
                    last,
                    response,
                }
            }
            RetryError::Unanswered {
                attempts,
                last,
                source,
            } => AwsError::Unanswered {
                attempts,
                last,
                detail: describe(&source).1,
            },
            RetryError::Failed(source) => source.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_asked_for_not_parsed() {
        let gone = AwsError::service("ResourceNotFoundException", "Stream x not found");
        assert!(gone.is_not_found());
        assert!(!gone.is_access_denied());
        assert_eq!(
            gone.to_string(),
            "ResourceNotFoundException: Stream x not found"
        );
        let denied = AwsError::service("AccessDeniedException", "no");
        assert!(denied.is_access_denied() && !denied.is_not_found());
        let bad = AwsError::service("BadRequestException", "BadRequestException in the text");
        assert!(bad.has_code("BadRequestException"));
        // A message that merely mentions a code is not that code.
        let other = AwsError::Other("BadRequestException: said a proxy".into());
        assert!(!other.has_code("BadRequestException") && other.code().is_none());
    }

    #[test]
    fn not_found_maps_to_none_and_nothing_else_does() {
        let gone: Result<u8, AwsError> = Err(AwsError::service("ResourceNotFoundException", "x"));
        assert_eq!(gone.found(), Ok(None));
        let bad = || -> Result<u8, AwsError> { Err(AwsError::service("BadRequestException", "x")) };
        assert!(bad().found().is_err());
        assert_eq!(bad().found_unless(&["BadRequestException"]), Ok(None));
        assert_eq!(Ok::<u8, AwsError>(7).found(), Ok(Some(7)));
        assert_eq!(
            Err::<u8, _>(AwsError::Cancelled).found(),
            Err(AwsError::Cancelled)
        );
    }
}
