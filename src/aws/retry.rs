//! One retry policy for every AWS call: throttling and transient faults are
//! retried with exponential backoff and full jitter, up to `max_retries`.
//! The SDKs' own retries are off (see clients.rs) so the count is ours.
//! While no AWS endpoint has ever answered this process, a call that gets
//! no answer (connection refused or cut, timed out) gives up after
//! [`NO_ANSWER_RETRIES`]: a network that does not reach AWS at all is said in
//! a second, not after `max_retries` of backoff.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio_util::sync::CancellationToken;

/// Error codes worth another try: throttling, and "busy right now".
const RETRYABLE_CODES: &[&str] = &[
    "LimitExceededException",
    "ResourceInUseException",
    "ThrottlingException",
    "ThrottledClientException",
    "ServiceUnavailableException",
    "ServiceFailureException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
];

/// Retries of a call that got no answer while nothing has ever answered.
pub const NO_ANSWER_RETRIES: u32 = 2;

/// Whether any AWS endpoint has answered this provider process (any HTTP
/// response, an error one included): from then on a connection failure is
/// a blip worth the whole retry budget.
static EVER_ANSWERED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Set once anything answered: the process's (tests give their own).
    pub answered: &'static AtomicBool,
}

impl RetryPolicy {
    pub fn new(max_retries: u32) -> Self {
        Self {
            max_retries,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            answered: &EVER_ANSWERED,
        }
    }

    fn ever_answered(&self) -> bool {
        self.answered.load(Ordering::Relaxed)
    }

    fn note_answer(&self) {
        self.answered.store(true, Ordering::Relaxed);
    }

    /// Full jitter: uniform in [0, min(max, base * 2^attempt)].
    fn delay(&self, attempt: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        cap.mul_f64(rand::random::<f64>())
    }
}

/// How an SDK error should be treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified {
    /// The service answered and the answer is worth another try.
    Retryable(String),
    /// No answer came (a connection failed or a request timed out).
    NoAnswer(String),
    /// The service answered and another try would get the same answer.
    Final,
    /// No answer, and another try would get none either (a host name that
    /// does not resolve, a request that could not be built).
    FinalNoAnswer,
}

/// Classifies an SDK error: connection failures, timeouts, 5xx, 429 and the
/// codes above are retryable.
pub fn classify<E, R>(err: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> Classified
where
    E: ProvideErrorMetadata,
    R: std::fmt::Debug + HasStatus,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    match err {
        // A connection that failed or broke is worth another try; a request
        // that could not be built (no credentials, say) is not.
        // A host name that does not resolve will not resolve on retry.
        SdkError::DispatchFailure(e)
            if e.as_connector_error()
                .is_some_and(|c| is_name_resolution_failure(c)) =>
        {
            Classified::FinalNoAnswer
        }
        // The HTTP client marks "connection closed before the response"
        // as transient: the request may or may not have been executed, which
        // callers of non-idempotent calls account for (kinesis.rs).
        SdkError::DispatchFailure(e)
            if e.is_io()
                || e.is_timeout()
                || e.as_other() == Some(aws_smithy_types::retry::ErrorKind::TransientError) =>
        {
            Classified::NoAnswer("connection failed".into())
        }
        SdkError::DispatchFailure(_) => Classified::FinalNoAnswer,
        SdkError::TimeoutError(_) => Classified::NoAnswer("request timed out".into()),
        SdkError::ResponseError(_) => Classified::Retryable("malformed or cut-off response".into()),
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or_default();
            let status = se.raw().status_code();
            if RETRYABLE_CODES.contains(&code) || status == 429 || status >= 500 {
                Classified::Retryable(format!(
                    "{} (HTTP {status})",
                    if code.is_empty() {
                        "server error"
                    } else {
                        code
                    }
                ))
            } else {
                Classified::Final
            }
        }
        // ConstructionFailure: the request never left.
        _ => Classified::FinalNoAnswer,
    }
}

/// `classify`, except that errors `is_final` picks are not retried: for a
/// call where a usually transient code means something else.
pub fn classify_unless<E, R>(
    is_final: impl Fn(&SdkError<E, R>) -> bool,
) -> impl Fn(&SdkError<E, R>) -> Classified
where
    E: ProvideErrorMetadata,
    R: std::fmt::Debug + HasStatus,
{
    move |e| {
        if is_final(e) {
            Classified::Final
        } else {
            classify(e)
        }
    }
}

/// Whether any attempt of a call ended without a service answer (a lost
/// connection, a timeout): such a request may have been executed, so a
/// non-idempotent call's retry can meet its own effect.
#[derive(Debug, Default)]
pub struct Unanswered(std::sync::atomic::AtomicBool);

impl Unanswered {
    /// Passes an attempt's result through, noting an unanswered failure.
    pub fn note<T, E, R>(&self, result: Result<T, SdkError<E, R>>) -> Result<T, SdkError<E, R>> {
        if let Err(e) = &result
            && e.as_service_error().is_none()
        {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        result
    }

    pub fn seen(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Whether a connection failed because the endpoint's host name did not
/// resolve. hyper-util's resolver error type is private, so its message
/// ("dns error") and the system resolver's are what identify it.
pub fn is_name_resolution_failure(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if text == "dns error" || text.contains("failed to lookup address information") {
            return true;
        }
        current = err.source();
    }
    false
}

/// The HTTP status of a raw response, for classification.
pub trait HasStatus {
    fn status_code(&self) -> u16;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// Why a retried call gave up.
#[derive(Debug, thiserror::Error)]
pub enum RetryError<E> {
    #[error("{0}")]
    Failed(E),
    #[error("gave up after {attempts} attempts; last error: {last}")]
    Exhausted {
        attempts: u32,
        last: String,
        source: E,
    },
    /// Nothing ever answered: no attempt reached a service.
    #[error("no answer after {attempts} attempts ({last})")]
    Unanswered {
        attempts: u32,
        last: String,
        source: E,
    },
    #[error("cancelled (Terraform was interrupted)")]
    Cancelled,
}

/// Runs `op` until it succeeds, fails for good, runs out of retries or is
/// cancelled. `classify_err` says which errors are worth another try.
pub async fn with_retries<T, E, F, Fut>(
    policy: RetryPolicy,
    cancel: &CancellationToken,
    what: &str,
    classify_err: impl Fn(&E) -> Classified,
    mut op: F,
) -> Result<T, RetryError<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 0u32;
    loop {
        let result = tokio::select! {
            r = op() => r,
            () = cancel.cancelled() => return Err(RetryError::Cancelled),
        };
        let err = match result {
            Ok(v) => {
                policy.note_answer();
                return Ok(v);
            }
            Err(e) => e,
        };
        let reason = match classify_err(&err) {
            Classified::FinalNoAnswer => return Err(RetryError::Failed(err)),
            Classified::Final => {
                policy.note_answer();
                return Err(RetryError::Failed(err));
            }
            Classified::Retryable(reason) => {
                policy.note_answer();
                reason
            }
            Classified::NoAnswer(reason) => {
                if !policy.ever_answered() && attempt >= policy.max_retries.min(NO_ANSWER_RETRIES) {
                    return Err(RetryError::Unanswered {
                        attempts: attempt + 1,
                        last: reason,
                        source: err,
                    });
                }
                reason
            }
        };
        if attempt >= policy.max_retries {
            return Err(RetryError::Exhausted {
                attempts: attempt + 1,
                last: reason,
                source: err,
            });
        }
        let delay = policy.delay(attempt);
        attempt += 1;
        tracing::debug!(what, attempt, reason = %reason, delay_ms = delay.as_millis() as u64, "retrying AWS call");
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = cancel.cancelled() => return Err(RetryError::Cancelled),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// A policy with its own "ever answered" flag (`answered`: its start).
    fn fast_with(max: u32, answered: bool) -> RetryPolicy {
        RetryPolicy {
            max_retries: max,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            answered: Box::leak(Box::new(AtomicBool::new(answered))),
        }
    }

    fn fast(max: u32) -> RetryPolicy {
        fast_with(max, true)
    }

    async fn count_no_answer_attempts(
        policy: RetryPolicy,
    ) -> (u32, Result<(), RetryError<&'static str>>) {
        let calls = AtomicU32::new(0);
        let r = with_retries(
            policy,
            &CancellationToken::new(),
            "t",
            |_| Classified::NoAnswer("connection failed".into()),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>("refused")
            },
        )
        .await;
        (calls.load(Ordering::SeqCst), r)
    }

    #[tokio::test]
    async fn no_answer_ever_gives_up_after_three_attempts_then_the_whole_budget_applies() {
        let policy = fast_with(10, false);
        let (calls, r) = count_no_answer_attempts(policy).await;
        assert_eq!(calls, 1 + NO_ANSWER_RETRIES);
        assert!(
            matches!(r, Err(RetryError::Unanswered { attempts: 3, .. })),
            "{r:?}"
        );
        // Once anything answered, a connection failure is a blip: every retry.
        let ok: Result<(), RetryError<&str>> = with_retries(
            policy,
            &CancellationToken::new(),
            "t",
            |_| Classified::Final,
            || async { Ok(()) },
        )
        .await;
        assert!(ok.is_ok());
        let (calls, r) = count_no_answer_attempts(policy).await;
        assert_eq!(calls, 11);
        assert!(
            matches!(r, Err(RetryError::Exhausted { attempts: 11, .. })),
            "{r:?}"
        );
        // An error answer counts as an answer too.
        let policy = fast_with(10, false);
        let _: Result<(), RetryError<&str>> = with_retries(
            policy,
            &CancellationToken::new(),
            "t",
            |_| Classified::Final,
            || async { Err("denied") },
        )
        .await;
        assert_eq!(count_no_answer_attempts(policy).await.0, 11);
    }

    #[tokio::test]
    async fn retries_transient_errors_until_success() {
        let calls = AtomicU32::new(0);
        let r: Result<u32, RetryError<&str>> = with_retries(
            fast(5),
            &CancellationToken::new(),
            "t",
            |_| Classified::Retryable("busy".into()),
            || async {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                if n < 3 { Err("busy") } else { Ok(n) }
            },
        )
        .await;
        assert_eq!(r.unwrap(), 3);
    }

    #[tokio::test]
    async fn exhaustion_reports_attempts_and_reason() {
        let r: Result<(), _> = with_retries(
            fast(2),
            &CancellationToken::new(),
            "t",
            |_| Classified::Retryable("LimitExceededException (HTTP 400)".into()),
            || async { Err::<(), _>("x") },
        )
        .await;
        let msg = r.unwrap_err().to_string();
        assert_eq!(
            msg,
            "gave up after 3 attempts; last error: LimitExceededException (HTTP 400)"
        );
    }

    #[tokio::test]
    async fn final_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = with_retries(
            fast(5),
            &CancellationToken::new(),
            "t",
            |_| Classified::Final,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>("bad request")
            },
        )
        .await;
        assert!(matches!(r, Err(RetryError::Failed("bad request"))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[derive(Debug)]
    struct Chain(&'static str, Option<Box<Chain>>);
    impl std::fmt::Display for Chain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Chain {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|c| c as _)
        }
    }

    #[test]
    fn name_resolution_failures_are_told_apart_from_refused_connections() {
        use aws_smithy_runtime_api::client::result::{ConnectorError, SdkError};
        let dns = Chain(
            "client error (Connect)",
            Some(Box::new(Chain(
                "dns error",
                Some(Box::new(Chain(
                    "failed to lookup address information: Name or service not known",
                    None,
                ))),
            ))),
        );
        let refused = Chain(
            "client error (Connect)",
            Some(Box::new(Chain("Connection refused (os error 111)", None))),
        );
        let dispatch = |e: Chain| -> SdkError<
            aws_sdk_kinesis::operation::describe_stream_summary::DescribeStreamSummaryError,
            aws_smithy_runtime_api::http::Response,
        > { SdkError::dispatch_failure(ConnectorError::io(Box::new(e))) };
        assert_eq!(classify(&dispatch(dns)), Classified::FinalNoAnswer);
        let closed: SdkError<
            aws_sdk_kinesis::operation::describe_stream_summary::DescribeStreamSummaryError,
            aws_smithy_runtime_api::http::Response,
        > = SdkError::dispatch_failure(ConnectorError::other(
            Box::new(Chain("connection closed before message completed", None)),
            Some(aws_smithy_types::retry::ErrorKind::TransientError),
        ));
        assert!(matches!(classify(&closed), Classified::NoAnswer(_)));
        assert!(matches!(
            classify(&dispatch(refused)),
            Classified::NoAnswer(_)
        ));
    }

    #[tokio::test]
    async fn cancellation_ends_the_wait() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let r: Result<(), _> = with_retries(
            fast(5),
            &cancel,
            "t",
            |_| Classified::Final,
            || async { std::future::pending::<Result<(), &str>>().await },
        )
        .await;
        assert!(matches!(r, Err(RetryError::Cancelled)));
    }
}
