//! chimesdk-local's HTTP/1 server: at most `max_connections` connections
//! at once (the rest wait in the listen backlog), a deadline for each
//! request head and body so that a slow client cannot hold a connection,
//! and a graceful stop.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// hyper's own buffer for a request head. Heads over [`MAX_HEAD_BYTES`]
/// are refused by our middleware with the modelled JSON error; only a head
/// over this buffer is refused by hyper itself (a bare 431).
const HEAD_BUFFER_BYTES: usize = 256 << 10;
/// The largest request head (request line and headers) answered.
pub const MAX_HEAD_BYTES: usize = 16 << 10;
/// The most headers a request may carry.
pub const MAX_HEADERS: usize = 100;
/// How long in-flight requests may take to finish once asked to stop.
const DRAIN: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    /// For a request head to arrive whole (also how long an idle
    /// keep-alive connection is kept), and for a body to arrive whole.
    pub client_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 512,
            client_timeout: Duration::from_secs(10),
        }
    }
}

pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let stop = CancellationToken::new();
    let connections = TaskTracker::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // EMFILE and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(router.clone());
        let stop = stop.clone();
        connections.spawn(async move {
            let _permit = permit;
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.client_timeout)
                .max_buf_size(HEAD_BUFFER_BYTES)
                // Past 100, our middleware answers (hyper's own 431 is bare).
                .max_headers(MAX_HEADERS * 4)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                _ = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    stop.cancel();
    connections.close();
    if tokio::time::timeout(DRAIN, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("stopping with requests still in flight");
    }
    Ok(())
}
