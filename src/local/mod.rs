//! `chimesdk-local`: a local Amazon Chime SDK identity + messaging endpoint
//! that streams real events to a Kinesis endpoint (moto, or AWS).
//!
//! Faithful to the service model for the operations it serves (paths,
//! status codes, JSON names, errors); SigV4 signatures are accepted without
//! checking. See contributing/chimesdk-local.md for what it does not emulate.

mod delivery;
mod error;
mod identity;
mod messaging;
mod prereq;
mod request;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use tokio::sync::{Mutex, mpsc};

pub use delivery::Outgoing;
pub use error::ApiError;
use error::ApiResult;
pub use store::Store;

use crate::arn::StreamArn;
use crate::events::Event;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub kinesis_endpoint: String,
    pub region: String,
    pub account_id: String,
    pub state_file: Option<PathBuf>,
}

pub struct App {
    pub config: Config,
    store: Mutex<Store>,
    kinesis: aws_sdk_kinesis::Client,
    outbox: mpsc::Sender<Outgoing>,
}

/// An event raised by an operation, for the AppInstance it belongs to.
pub struct Emit {
    pub app_instance_arn: String,
    pub event: Event,
}

impl App {
    pub fn new(config: Config) -> std::io::Result<Arc<App>> {
        let store = match &config.state_file {
            Some(path) => Store::load(path)?,
            None => Store::default(),
        };
        let kinesis = delivery::kinesis_client(&config.kinesis_endpoint, &config.region);
        let outbox = delivery::start(kinesis.clone());
        Ok(Arc::new(App {
            config,
            store: Mutex::new(store),
            kinesis,
            outbox,
        }))
    }

    pub fn arn_prefix(&self) -> String {
        format!(
            "arn:aws:chime:{}:{}",
            self.config.region, self.config.account_id
        )
    }

    /// Runs one operation against the store. On success the state file is
    /// written and the operation's events are queued, in order, before the
    /// next operation can run: events follow the order of the calls.
    pub async fn transact<T>(
        &self,
        op: impl FnOnce(&mut Store, &mut Vec<Emit>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let mut store = self.store.lock().await;
        let mut emits = Vec::new();
        let out = op(&mut store, &mut emits)?;
        if let Some(path) = &self.config.state_file
            && let Err(e) = store.save(path)
        {
            tracing::error!(error = %e, "writing the state file failed");
        }
        for emit in emits {
            let Some(data_type) = emit.event.event_type.data_type() else {
                continue;
            };
            // Events before streaming is configured are not sent.
            let Some(dest) = store.destination(&emit.app_instance_arn, data_type.as_str()) else {
                continue;
            };
            let Ok(stream) = StreamArn::parse(dest) else {
                continue;
            };
            let outgoing = Outgoing {
                stream_name: stream.name,
                partition_key: emit
                    .event
                    .payload
                    .channel_arn()
                    .unwrap_or(&emit.app_instance_arn)
                    .to_string(),
                data: emit.event.encode(),
            };
            if self.outbox.send(outgoing).await.is_err() {
                tracing::error!("event delivery task has stopped");
            }
        }
        Ok(out)
    }

    /// Reads the store without changing it.
    pub async fn read<T>(&self, op: impl FnOnce(&Store) -> ApiResult<T>) -> ApiResult<T> {
        let store = self.store.lock().await;
        op(&store)
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/app-instances",
            post(identity::create_app_instance).get(identity::list_app_instances),
        )
        .route(
            "/app-instances/{arn}",
            get(identity::describe_app_instance)
                .put(identity::update_app_instance)
                .delete(identity::delete_app_instance),
        )
        .route(
            "/tags",
            post(identity::tag_or_untag).get(identity::list_tags),
        )
        .route(
            "/app-instance-users",
            post(identity::create_app_instance_user),
        )
        .route(
            "/app-instance-users/{arn}",
            get(identity::describe_app_instance_user),
        )
        .route(
            "/app-instances/{arn}/streaming-configurations",
            put(messaging::put_streaming)
                .get(messaging::get_streaming)
                .delete(messaging::delete_streaming),
        )
        .route(
            "/channels",
            post(messaging::create_channel).get(messaging::list_channels),
        )
        .route(
            "/channels/{arn}",
            get(messaging::describe_channel)
                .put(messaging::update_channel)
                .delete(messaging::delete_channel),
        )
        .route(
            "/channels/{arn}/expiration-settings",
            put(messaging::put_expiration),
        )
        .route(
            "/channels/{arn}/messages",
            post(messaging::send_message).get(messaging::list_messages),
        )
        .route(
            "/channels/{arn}/messages/{id}",
            get(messaging::get_message)
                .put(messaging::update_message)
                .post(messaging::redact_message)
                .delete(messaging::delete_message),
        )
        .route(
            "/channels/{arn}/memberships",
            post(messaging::create_membership).get(messaging::list_memberships),
        )
        .route(
            "/channels/{arn}/memberships/{member}",
            axum::routing::delete(messaging::delete_membership),
        )
        .route("/channels/{arn}/bans", post(messaging::create_ban))
        .route(
            "/channels/{arn}/bans/{member}",
            axum::routing::delete(messaging::delete_ban),
        )
        .route(
            "/channels/{arn}/moderators",
            post(messaging::create_moderator),
        )
        .route(
            "/channels/{arn}/moderators/{moderator}",
            axum::routing::delete(messaging::delete_moderator),
        )
        .route(
            "/channels/{arn}/subchannels",
            get(messaging::list_sub_channels),
        )
        .fallback(|req: Request| async move {
            ApiError::unknown_operation(req.method().as_str(), req.uri().path()).into_response()
        })
        .method_not_allowed_fallback(|req: Request| async move {
            ApiError::unknown_operation(req.method().as_str(), req.uri().path()).into_response()
        })
        .layer(axum::middleware::map_response(omit_nulls))
        .layer(axum::middleware::map_response(modelled_errors))
        .with_state(app)
}

/// Errors that axum itself answers (a body over its size limit, a path it
/// cannot decode) come as text; clients parse the service's JSON shape and
/// its `x-amzn-ErrorType`. Our own errors already have both.
async fn modelled_errors(resp: axum::response::Response) -> axum::response::Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error())
        || resp.headers().contains_key("x-amzn-ErrorType")
    {
        return resp;
    }
    let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let message = String::from_utf8_lossy(&bytes).trim().to_string();
    let mut error = if status.is_server_error() {
        ApiError::service_failure(message)
    } else {
        ApiError::bad_request(message)
    };
    // The status says what happened (413: the body is too large).
    error.status = status;
    error.into_response()
}

/// The service omits absent members rather than sending `null`.
async fn omit_nulls(resp: axum::response::Response) -> axum::response::Response {
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let out = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut v) => {
            strip_nulls(&mut v);
            serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec())
        }
        Err(_) => bytes.to_vec(),
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(out))
}

fn strip_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Binds, prints the address on the first stdout line, serves until `shutdown`.
pub async fn serve(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = App::new(config)?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "http://{addr}")?;
        out.flush()?;
    }
    tracing::info!(%addr, "chimesdk-local listening");
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Seconds since the epoch, as the REST API reports timestamps.
pub fn now() -> f64 {
    let t = time::OffsetDateTime::now_utc();
    (t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0
}

/// ISO-8601 with milliseconds, as streamed records carry timestamps.
pub fn iso(epoch: f64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos((epoch * 1e9) as i128)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&format).unwrap_or_default()
}
