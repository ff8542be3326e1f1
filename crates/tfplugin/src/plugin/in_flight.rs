//! The calls being answered, from a request's arrival until its response
//! body is sent: what a stopping provider waits for (and nothing more, so
//! an idle connection Terraform keeps open does not hold the exit up).

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio_util::task::{TaskTracker, task_tracker::TaskTrackerToken};
use tonic::codegen::{Body, BoxFuture, Service, http};

/// Counts each request as a token held by its response body.
#[derive(Clone, Default)]
pub struct InFlight(TaskTracker);

impl InFlight {
    /// Resolves once no call is in flight; no new call counts after this
    /// starts (the server is stopping).
    pub async fn settled(&self) {
        self.0.close();
        self.0.wait().await;
    }
}

impl<S> tower_layer::Layer<S> for InFlight {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            calls: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Counted<S> {
    inner: S,
    calls: TaskTracker,
}

impl<S, Req, ResBody> Service<http::Request<Req>> for Counted<S>
where
    S: Service<http::Request<Req>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<CountedBody<ResBody>>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Req>) -> Self::Future {
        let token = self.calls.token();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| CountedBody {
                inner: body,
                _token: token,
            }))
        })
    }
}

/// A response body that keeps its call counted until it is sent (dropped).
pub struct CountedBody<B> {
    inner: B,
    _token: TaskTrackerToken,
}

impl<B: Body + Unpin> Body for CountedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn settles_at_once_with_no_call_and_after_the_last_body_otherwise() {
        let idle = InFlight::default();
        tokio::time::timeout(Duration::from_millis(100), idle.settled())
            .await
            .expect("nothing in flight: settled at once");

        let busy = InFlight::default();
        let token = busy.0.token();
        let waiting = tokio::spawn({
            let busy = busy.clone();
            async move { busy.settled().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a call is still being answered");
        drop(token);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("settled once the body is sent")
            .unwrap();
    }
}
