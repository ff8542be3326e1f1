//! Plan-time lookups shared by every resource a provider process plans: one
//! call per operation and object (a stream, an AppInstance, the account),
//! however many resources ask, and concurrent askers wait for that one call. Never used before a mutation:
//! apply's re-checks call AWS afresh.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::error::AwsError;

type Cell<T> = OnceCell<Result<T, AwsError>>;
/// The answer's type, the operation, the key.
type CellKey = (TypeId, &'static str, String);

/// One answer per (operation, key), kept for the process. Knows no
/// service: the caller names the operation and makes the call, so a new
/// lookup needs no change here.
#[derive(Default)]
pub struct SharedLookups {
    /// By answer type, operation and key (a stream name, a key as the
    /// stream names it, an ARN; "" for account-wide answers).
    cells: Mutex<HashMap<CellKey, Arc<dyn Any + Send + Sync>>>,
}

impl SharedLookups {
    /// `operation`'s answer for `key`: the first asker runs `call`, later
    /// and concurrent askers get its answer (a NotFound included). A
    /// cancelled call is not kept, so the next asker tries again.
    pub async fn once<T, F>(
        &self,
        operation: &'static str,
        key: &str,
        call: impl FnOnce() -> F,
    ) -> Result<T, AwsError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, AwsError>>,
    {
        let cell = {
            let mut cells = self
                .cells
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let any = cells
                .entry((TypeId::of::<T>(), operation, key.to_string()))
                .or_insert_with(|| Arc::new(Cell::<T>::new()))
                .clone();
            any.downcast::<Cell<T>>()
                .expect("a cell is keyed by its answer's type")
        };
        once(&cell, call).await
    }
}

async fn once<T: Clone, F: Future<Output = Result<T, AwsError>>>(
    cell: &Cell<T>,
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

    #[tokio::test]
    async fn answers_are_kept_per_operation_and_key() {
        let lookups = SharedLookups::default();
        let a = lookups.once("Describe", "a", || async { Ok(1u32) }).await;
        let again = lookups.once("Describe", "a", || async { Ok(2u32) }).await;
        let b = lookups.once("Describe", "b", || async { Ok(3u32) }).await;
        let other = lookups.once("List", "a", || async { Ok(4u32) }).await;
        assert_eq!((a, again, b, other), (Ok(1), Ok(1), Ok(3), Ok(4)));
    }
}
