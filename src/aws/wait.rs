//! Waiting is a condition polled until true, with backoff, within the
//! operation's deadline and cancellation (its `Aws`).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::error::AwsError;
use super::scope::Aws;

/// What one poll found.
pub enum Poll<T> {
    Done(T),
    /// Not yet; the text says what was seen (for the timeout message).
    Pending(String),
    /// A state the wait cannot end in (a stream being deleted while we wait
    /// for it to become ACTIVE): waiting longer would only spend the
    /// timeout, so the wait ends with an error saying what was seen.
    Unexpected(String),
}

/// The states a wait passes through and the ones it ends in, as the AWS
/// SDKs' waiters declare them; any other state ends the wait at once.
#[derive(Debug, Clone, Copy)]
pub struct States {
    pub pending: &'static [&'static str],
    pub target: &'static [&'static str],
}

impl States {
    /// Where `status` puts the wait; `value` is what a target state returns.
    pub fn classify<T>(&self, status: &str, value: T) -> Poll<T> {
        if self.target.contains(&status) {
            Poll::Done(value)
        } else if self.pending.contains(&status) {
            Poll::Pending(format!("status {status}"))
        } else {
            Poll::Unexpected(format!(
                "status {status}, which is not one it passes through ({}) on the way to {}",
                self.pending.join(", "),
                self.target.join(" or ")
            ))
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct WaitPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Polls until `poll` says done, until the operation's deadline (`c`'s),
/// or until Terraform cancels; a timeout says what was last seen.
pub async fn wait_until<T, F, Fut>(
    c: &Aws<'_>,
    what: &str,
    policy: WaitPolicy,
    poll: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, AwsError>>,
{
    poll_until(what, c.wait_until(), c.cancel(), policy, poll).await
}

async fn poll_until<T, F, Fut>(
    what: &str,
    deadline: Instant,
    cancel: &CancellationToken,
    policy: WaitPolicy,
    mut poll: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, AwsError>>,
{
    let mut delay = policy.first_delay;
    loop {
        let last = match poll().await? {
            Poll::Done(v) => return Ok(v),
            Poll::Pending(seen) => seen,
            Poll::Unexpected(seen) => {
                return Err(AwsError::UnexpectedState {
                    what: what.to_string(),
                    seen,
                });
            }
        };
        let now = Instant::now();
        if now < deadline {
            tracing::debug!(what, seen = %last, delay_ms = delay.as_millis() as u64, "waiting");
            let sleep = delay.min(deadline - now);
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = cancel.cancelled() => return Err(AwsError::Cancelled),
            }
        }
        // The deadline is the operation's, which also bounds each poll's
        // call: at it, the wait ends with what it last saw, not with a
        // poll that could only time out.
        if Instant::now() >= deadline {
            return Err(AwsError::TimedOut {
                what: what.to_string(),
                last,
            });
        }
        delay = (delay.mul_f64(1.5)).min(policy.max_delay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn polls_until_done_with_growing_delay() {
        let mut n = 0;
        let r = poll_until(
            "x",
            Instant::now() + Duration::from_secs(60),
            &CancellationToken::new(),
            WaitPolicy::default(),
            || {
                n += 1;
                let done = n >= 4;
                async move {
                    Ok(if done {
                        Poll::Done(n)
                    } else {
                        Poll::Pending("UPDATING".into())
                    })
                }
            },
        )
        .await;
        assert_eq!(r.unwrap(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_state_outside_pending_and_target_ends_the_wait_at_once() {
        const ACTIVE: States = States {
            pending: &["CREATING", "UPDATING"],
            target: &["ACTIVE"],
        };
        let started = Instant::now();
        let mut seen = ["UPDATING", "DELETING"].into_iter();
        let r: Result<(), _> = poll_until(
            "stream s to become ACTIVE",
            Instant::now() + Duration::from_secs(600),
            &CancellationToken::new(),
            WaitPolicy::default(),
            || {
                let status = seen.next().unwrap();
                async move { Ok(ACTIVE.classify(status, ())) }
            },
        )
        .await;
        assert_eq!(
            r.unwrap_err().to_string(),
            "stopped waiting for stream s to become ACTIVE: it reached status DELETING, which is not one \
             it passes through (CREATING, UPDATING) on the way to ACTIVE"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(ACTIVE.classify("ACTIVE", 7), Poll::Done(7)));
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_says_what_was_last_seen() {
        let r: Result<(), _> = poll_until(
            "stream s to become ACTIVE",
            Instant::now() + Duration::from_secs(3),
            &CancellationToken::new(),
            WaitPolicy::default(),
            || async { Ok(Poll::Pending("status UPDATING".into())) },
        )
        .await;
        let msg = r.unwrap_err().to_string();
        assert_eq!(
            msg,
            "timed out waiting for stream s to become ACTIVE; last seen: status UPDATING"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_stops_waiting() {
        let cancel = CancellationToken::new();
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            c.cancel();
        });
        let r: Result<(), _> = poll_until(
            "x",
            Instant::now() + Duration::from_secs(600),
            &cancel,
            WaitPolicy::default(),
            || async { Ok(Poll::Pending("UPDATING".into())) },
        )
        .await;
        assert_eq!(r.unwrap_err(), AwsError::Cancelled);
    }
}
