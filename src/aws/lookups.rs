//! Plan-time lookups shared by every resource a provider process plans: one
//! call per stream, AppInstance or account, however many resources ask, and
//! concurrent askers wait for that one call. Never used before a mutation:
//! apply's re-checks call AWS afresh.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::AwsClients;
use super::error::AwsError;
use super::kinesis::{self, ShardLimits, StreamSummary};
use super::kms::{self as kms_calls, KeyFacts};

type Slot<T> = Arc<OnceCell<Result<T, AwsError>>>;

#[derive(Default)]
pub struct SharedLookups {
    streams: Mutex<HashMap<String, Slot<StreamSummary>>>,
    app_instances: Mutex<HashMap<String, Slot<bool>>>,
    limits: OnceCell<Result<ShardLimits, AwsError>>,
    /// By the key as the stream names it (alias, ARN or ID).
    keys: Mutex<HashMap<String, Slot<KeyFacts>>>,
    /// By key ID.
    key_policies: Mutex<HashMap<String, Slot<String>>>,
    service_linked_role: OnceCell<Result<bool, AwsError>>,
}

/// The first caller runs `call`; its answer (a NotFound included) is kept.
/// A cancelled call is not kept, so the next asker tries again.
async fn once<T: Clone, F: Future<Output = Result<T, AwsError>>>(
    cell: &OnceCell<Result<T, AwsError>>,
    call: impl FnOnce() -> F,
) -> Result<T, AwsError> {
    cell.get_or_try_init(|| async {
        match call().await {
            Err(AwsError::Cancelled) => Err(AwsError::Cancelled),
            answer => Ok(answer),
        }
    })
    .await
    .cloned()
    .and_then(|answer| answer)
}

fn slot<T>(map: &Mutex<HashMap<String, Slot<T>>>, key: &str) -> Slot<T> {
    map.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(key.to_string())
        .or_default()
        .clone()
}

impl SharedLookups {
    pub async fn stream_summary(
        &self,
        c: &AwsClients,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<StreamSummary, AwsError> {
        let cell = slot(&self.streams, name);
        once(&cell, || kinesis::describe_stream_summary(c, name, cancel)).await
    }

    pub async fn app_instance_exists(
        &self,
        c: &AwsClients,
        arn: &str,
        cancel: &CancellationToken,
    ) -> Result<bool, AwsError> {
        let cell = slot(&self.app_instances, arn);
        once(&cell, || {
            super::app_instances::app_instance_exists(c, arn, cancel)
        })
        .await
    }

    pub async fn key(
        &self,
        c: &AwsClients,
        key: &str,
        cancel: &CancellationToken,
    ) -> Result<KeyFacts, AwsError> {
        let cell = slot(&self.keys, key);
        once(&cell, || kms_calls::describe_key(c, key, cancel)).await
    }

    pub async fn key_policy(
        &self,
        c: &AwsClients,
        key_id: &str,
        cancel: &CancellationToken,
    ) -> Result<String, AwsError> {
        let cell = slot(&self.key_policies, key_id);
        once(&cell, || kms_calls::key_policy(c, key_id, cancel)).await
    }

    pub async fn service_linked_role_exists(
        &self,
        c: &AwsClients,
        cancel: &CancellationToken,
    ) -> Result<bool, AwsError> {
        once(&self.service_linked_role, || {
            super::iam::service_linked_role_exists(c, cancel)
        })
        .await
    }

    pub async fn shard_limits(
        &self,
        c: &AwsClients,
        cancel: &CancellationToken,
    ) -> Result<ShardLimits, AwsError> {
        once(&self.limits, || kinesis::describe_limits(c, cancel)).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn one_call_serves_every_asker_and_a_cancelled_one_is_not_kept() {
        let cell: OnceCell<Result<u32, AwsError>> = OnceCell::new();
        let calls = AtomicU32::new(0);
        let call = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Err::<u32, _>(AwsError::service("ResourceNotFoundException", "gone"))
        };
        let (a, b) = tokio::join!(once(&cell, call), once(&cell, call));
        assert_eq!(
            a,
            Err(AwsError::service("ResourceNotFoundException", "gone"))
        );
        assert_eq!(b, a);
        assert_eq!(once(&cell, call).await, a);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "one call for three askers");

        let cell: OnceCell<Result<u32, AwsError>> = OnceCell::new();
        assert_eq!(
            once(&cell, || async { Err::<u32, _>(AwsError::Cancelled) }).await,
            Err(AwsError::Cancelled)
        );
        assert_eq!(once(&cell, || async { Ok(7) }).await, Ok(7), "tried again");
    }
}
