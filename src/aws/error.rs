//! One error type for AWS calls. A service's answer keeps its operation and
//! error code as data (`AwsError::Service`), so callers ask `has_code` /
//! `is_not_found` / `is_access_denied` instead of matching on message text.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::retry::RetryError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    /// The service answered with an error. `operation` is the call that
    /// got it (empty when not made through `AwsClients::call`).
    #[error("{code}: {message}")]
    Service {
        operation: String,
        code: String,
        message: String,
    },
    /// An answer that may mean the object is gone, or may mean the request
    /// was refused, which the object's List call did not settle
    /// (`gone::found_or_listed`): the object stays where it was.
    #[error(
        "{operation} answered {answer}, which does not prove that {object} is gone, and {listing}. It was \
         left as it was; if it was deleted, `terraform state rm` removes it from the state"
    )]
    Unproven {
        operation: String,
        answer: Box<AwsError>,
        object: String,
        /// What the List call said: "ListAppInstances still lists it", or
        /// why it could not say.
        listing: String,
    },
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

const DENIED: &[&str] = &[
    "AccessDeniedException",
    "ForbiddenException",
    "UnauthorizedClientException",
    "AccessDenied",
];

impl AwsError {
    pub fn service(code: &str, message: impl Into<String>) -> Self {
        AwsError::Service {
            operation: String::new(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The service's answer to `operation` (the provider names its calls
    /// as the service models do).
    pub fn answer_to(operation: &str, code: &str, message: impl Into<String>) -> Self {
        AwsError::Service {
            operation: operation.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The same error, known to answer `operation`.
    pub fn during(self, operation: &str) -> Self {
        match self {
            AwsError::Service { code, message, .. } => AwsError::Service {
                operation: operation.to_string(),
                code,
                message,
            },
            other => other,
        }
    }

    /// The call that got this answer, if it is known.
    pub fn operation(&self) -> Option<&str> {
        match self {
            AwsError::Service { operation, .. } if !operation.is_empty() => Some(operation),
            AwsError::Unproven { operation, .. } => Some(operation),
            _ => None,
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

    /// The service proved that the thing asked about does not exist: its
    /// answer is the not-found error that the operation's model lists
    /// (`not_found::MODELLED_NOT_FOUND`). Read drops it, Delete is done.
    pub fn is_not_found(&self) -> bool {
        match self {
            AwsError::Service {
                operation, code, ..
            } => super::not_found::modelled_not_found(operation, code),
            _ => false,
        }
    }

    /// The credentials may not make this call (live checks warn instead).
    /// An unproven answer is what its first answer was.
    pub fn is_access_denied(&self) -> bool {
        match self {
            AwsError::Unproven { answer, .. } => answer.is_access_denied(),
            _ => self.code().is_some_and(|c| DENIED.contains(&c)),
        }
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
            (Some(code), message) => AwsError::Service {
                operation: String::new(),
                code,
                message,
            },
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
        let gone = AwsError::answer_to(
            "DescribeStreamSummary",
            "ResourceNotFoundException",
            "Stream x not found",
        );
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
    fn a_not_found_proves_absence_only_where_the_operation_models_it() {
        // DescribeAppInstance models no NotFoundException: such an answer
        // (from a proxy, a future service version) proves nothing by itself.
        let unmodelled = AwsError::answer_to("DescribeAppInstance", "NotFoundException", "x");
        assert!(!unmodelled.is_not_found());
        let modelled = AwsError::answer_to(
            "GetMessagingStreamingConfigurations",
            "NotFoundException",
            "x",
        );
        assert!(modelled.is_not_found());
        // An answer whose call is unknown proves nothing either.
        assert!(!AwsError::service("ResourceNotFoundException", "x").is_not_found());
        assert!(
            AwsError::service("ResourceNotFoundException", "x")
                .during("DeleteStream")
                .is_not_found()
        );
    }
}
