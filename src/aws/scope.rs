//! One operation's use of AWS: the shared clients with the operation's
//! cancellation and deadline (its `CallContext`), and the one call helper.
//! Every AWS call of a plan, read, apply step or action runs through
//! [`Aws::call`], so none is outside the operation's limits and no
//! function takes a cancellation token or a deadline of its own.

use std::future::Future;
use std::ops::Deref;
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::clients::AwsClients;
use super::error::AwsError;
use super::retry::{HasStatus, RetryError, Unanswered, classify, classify_unless, with_retries};
use tfplugin::framework::{CallContext, DEFAULT_OPERATION_TIMEOUT, Deadline};

/// How a create that takes no idempotency token ended.
pub enum Made {
    /// This call made the object; also when a retry was refused as
    /// "exists" after an attempt got no answer (that attempt made it).
    ByThisCall,
    /// It existed before the call: the refusal.
    Existed(AwsError),
}

/// The clients as one operation uses them.
#[derive(Clone, Copy)]
pub struct Aws<'a> {
    clients: &'a AwsClients,
    ctx: &'a CallContext,
}

impl Deref for Aws<'_> {
    type Target = AwsClients;

    fn deref(&self) -> &AwsClients {
        self.clients
    }
}

impl<'a> Aws<'a> {
    pub fn new(clients: &'a AwsClients, ctx: &'a CallContext) -> Self {
        Self { clients, ctx }
    }

    pub fn clients(&self) -> &'a AwsClients {
        self.clients
    }

    /// The operation's context (for what it says about its deadline).
    pub fn ctx(&self) -> &'a CallContext {
        self.ctx
    }

    /// Tripped when Terraform stops the provider.
    pub fn cancel(&self) -> &'a CancellationToken {
        &self.ctx.cancel
    }

    /// The operation's budget (apply's create, update or delete); `None`
    /// for plan, read, import and actions, which the retry policy bounds.
    pub fn deadline(&self) -> Option<&'a Deadline> {
        self.ctx.deadline.as_ref()
    }

    /// When a wait must give up: the operation's deadline, or for an
    /// operation without one, the framework's default operation timeout.
    pub fn wait_until(&self) -> Instant {
        self.deadline()
            .map_or_else(|| Instant::now() + DEFAULT_OPERATION_TIMEOUT, Deadline::at)
    }

    /// What is left of the operation's time.
    pub fn remaining(&self) -> Duration {
        self.wait_until().saturating_duration_since(Instant::now())
    }

    /// One AWS call: the provider's retry policy (`max_retries`, backoff,
    /// which errors are worth another try), stopped when Terraform cancels
    /// or the operation's deadline passes (the error names `operation`),
    /// and the SDK's error turned into an [`AwsError`] that names
    /// `operation`. What proves the object gone is `gone`'s: `.found()` /
    /// `.deleted()` on the result, or `gone::found_or_listed` /
    /// `deleted_or_listed` with the object's List call.
    pub async fn call<T, E, R, F, Fut>(&self, operation: &str, op: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        let attempts = with_retries(self.retry, self.cancel(), operation, classify, op);
        self.bounded(operation, attempts)
            .await?
            .map_err(|e: RetryError<SdkError<E, R>>| AwsError::from(e).during(operation))
    }

    /// A create that takes no idempotency token: [`Aws::call`], except that
    /// the answer `exists` says the object is there already is not retried
    /// (waiting will not change it), and counts as made by this call when
    /// an earlier attempt got no answer.
    pub async fn call_creating<T, E, R, F, Fut>(
        &self,
        operation: &str,
        exists: impl Fn(&SdkError<E, R>) -> bool,
        mut op: F,
    ) -> Result<Made, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        let unanswered = Unanswered::default();
        let attempts = with_retries(
            self.retry,
            self.cancel(),
            operation,
            classify_unless(&exists),
            || {
                let attempt = op();
                let unanswered = &unanswered;
                async move { unanswered.note(attempt.await) }
            },
        );
        match self.bounded(operation, attempts).await? {
            Ok(_) => Ok(Made::ByThisCall),
            Err(RetryError::Failed(e)) if exists(&e) && unanswered.seen() => {
                tracing::info!(
                    operation,
                    "retried after a lost answer and refused as existing: the lost attempt made it"
                );
                Ok(Made::ByThisCall)
            }
            Err(RetryError::Failed(e)) if exists(&e) => Ok(Made::Existed(
                AwsError::from(RetryError::Failed(e)).during(operation),
            )),
            Err(e) => Err(AwsError::from(e).during(operation)),
        }
    }

    /// `work` (one call with its retries, or a wait) within the operation's
    /// deadline; past it, an error that names `operation`. For the calls
    /// that judge their own errors before they become an [`AwsError`].
    pub async fn bounded<T>(
        &self,
        operation: &str,
        work: impl Future<Output = T>,
    ) -> Result<T, AwsError> {
        match self.deadline() {
            None => Ok(work.await),
            Some(deadline) => tokio::time::timeout_at(deadline.at(), work)
                .await
                .map_err(|_| AwsError::TimedOut {
                    what: operation.to_string(),
                    last: "no answer before the operation's deadline".into(),
                }),
        }
    }
}
