//! `chimesdk-local`: a local Amazon Chime SDK identity + messaging endpoint
//! that streams real events to a Kinesis endpoint (moto, or AWS).
//!
//! Faithful to the service model for the operations it serves (paths,
//! status codes, JSON names, errors); SigV4 signatures are accepted without
//! checking. See contributing/chimesdk-local.md for what it does not emulate.

mod aws_clients;
mod constraints;
mod delivery;
mod error;
mod faults;
mod identity;
mod key_gate;
pub mod logging;
mod messaging;
mod persist;
mod prereq;
mod record;
mod request;
mod server;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use tokio::sync::Mutex;

pub use aws_clients::http_client;
pub use delivery::{Record, Status};
pub use error::ApiError;
use error::ApiResult;
pub use server::Limits;
pub use store::Store;

use chimesdk_domain::arn::StreamArn;
use chimesdk_domain::events::Event;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub kinesis_endpoint: String,
    pub region: String,
    pub account_id: String,
    pub state_file: Option<PathBuf>,
    pub limits: Limits,
    /// Serve `/_chimesdk-local/faults` (tests only; see faults.rs).
    pub test_faults: bool,
}

pub struct App {
    pub config: Config,
    store: Mutex<Store>,
    kinesis: aws_sdk_kinesis::Client,
    /// The state file, when there is one; else state lives in memory.
    db: Option<Arc<std::sync::Mutex<persist::Db>>>,
    delivery: delivery::Delivery,
    /// The last record number used; a state file's highest at start.
    last_seq: std::sync::atomic::AtomicU64,
    /// The test-only fault rules (empty unless `test_faults`).
    faults: faults::Faults,
}

/// An event raised by an operation, for the AppInstance it belongs to.
pub struct Emit {
    pub app_instance_arn: String,
    pub event: Event,
}

impl App {
    /// Must run inside the Tokio runtime: delivery workers start here, and
    /// records a state file still holds are replayed at once.
    pub fn new(config: Config) -> std::io::Result<Arc<App>> {
        let (db, store, outbox, last_seq) = match &config.state_file {
            Some(path) => {
                let (db, store, outbox) = persist::Db::open(path)?;
                let last = db
                    .last_seq()
                    .map_err(|e| std::io::Error::other(format!("state file: {e}")))?;
                (
                    Some(Arc::new(std::sync::Mutex::new(db))),
                    store,
                    outbox,
                    last,
                )
            }
            None => (None, Store::default(), Vec::new(), 0),
        };
        let kinesis = aws_clients::kinesis_client(&config.kinesis_endpoint, &config.region);
        let keys = key_gate::KeyGate::new(
            kinesis.clone(),
            key_gate::kms_client(&config.kinesis_endpoint, &config.region),
            &config.region,
        );
        let delivery = delivery::Delivery::new(kinesis.clone(), keys, db.clone());
        if !outbox.is_empty() {
            tracing::info!(
                records = outbox.len(),
                "replaying records the state file holds"
            );
        }
        delivery.enqueue(outbox);
        Ok(Arc::new(App {
            config,
            store: Mutex::new(store),
            kinesis,
            db,
            delivery,
            last_seq: std::sync::atomic::AtomicU64::new(last_seq),
            faults: faults::Faults::default(),
        }))
    }

    pub fn arn_prefix(&self) -> String {
        format!(
            "arn:aws:chime:{}:{}",
            self.config.region, self.config.account_id
        )
    }

    /// Runs one operation against the store. Its changes and the records
    /// its events raise are written to the state file in one transaction
    /// before the caller is answered, and the records are handed to
    /// delivery before the next operation runs: events follow the order of
    /// the calls.
    pub async fn transact<T>(
        &self,
        op: impl FnOnce(&mut Store, &mut Vec<Emit>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let mut store = self.store.lock().await;
        let mut emits = Vec::new();
        let out = op(&mut store, &mut emits);
        // A failed operation has raised nothing (its events are dropped),
        // but any row it changed is still written, so that the file never
        // disagrees with what later calls see.
        let records = match &out {
            Ok(_) => self.records(&store, emits),
            Err(_) => Vec::new(),
        };
        match &self.db {
            Some(db) => {
                let written = db
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .commit(&mut store, &records);
                if let Err(e) = written {
                    tracing::error!(error = %e, "writing the state file failed");
                    return Err(ApiError::service_failure(format!(
                        "chimesdk-local could not write its state file: {e}"
                    )));
                }
            }
            None => store.forget_changes(),
        }
        self.delivery.enqueue(records);
        out
    }

    /// The Kinesis records for an operation's events: those of data types
    /// with a configured stream (events before streaming is configured are
    /// not sent), numbered in order.
    fn records(&self, store: &Store, emits: Vec<Emit>) -> Vec<Record> {
        let mut records = Vec::new();
        for emit in emits {
            let Some(data_type) = emit.event.event_type.data_type() else {
                continue;
            };
            let Some(dest) = store.destination(&emit.app_instance_arn, data_type.as_str()) else {
                continue;
            };
            let Ok(stream) = StreamArn::parse(dest) else {
                continue;
            };
            records.push(Record {
                seq: self
                    .last_seq
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    + 1,
                stream_name: stream.name,
                partition_key: emit
                    .event
                    .payload
                    .channel_arn()
                    .unwrap_or(&emit.app_instance_arn)
                    .to_string(),
                data: emit.event.encode(),
            });
        }
        records
    }

    /// Reads the store without changing it.
    pub async fn read<T>(&self, op: impl FnOnce(&Store) -> ApiResult<T>) -> ApiResult<T> {
        let store = self.store.lock().await;
        op(&store)
    }

    /// What delivery has done since start.
    pub fn delivery_status(&self) -> Status {
        self.delivery.status()
    }
}

/// `GET /_chimesdk-local/delivery`: chimesdk-local's own, not the service's.
async fn delivery_status(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
) -> axum::Json<Status> {
    axum::Json(app.delivery_status())
}

pub fn router(app: Arc<App>) -> Router {
    let mut router = Router::new();
    if app.config.test_faults {
        router = router.route(
            "/_chimesdk-local/faults",
            post(faults::add).get(faults::list).delete(faults::clear),
        );
    }
    router
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
            post(identity::create_app_instance_user).get(identity::list_app_instance_users),
        )
        .route(
            "/app-instance-users/{arn}",
            get(identity::describe_app_instance_user)
                .put(identity::update_app_instance_user)
                .delete(identity::delete_app_instance_user),
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
        .route("/_chimesdk-local/delivery", get(delivery_status))
        .fallback(|req: Request| async move {
            ApiError::unknown_operation(req.method().as_str(), req.uri().path()).into_response()
        })
        .method_not_allowed_fallback(|req: Request| async move {
            ApiError::unknown_operation(req.method().as_str(), req.uri().path()).into_response()
        })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            model_constraints,
        ))
        .layer(axum::middleware::from_fn(head_limits))
        .layer(axum::middleware::map_response(omit_nulls))
        .layer(axum::middleware::map_response(modelled_errors))
        .with_state(app)
}

/// The largest request body accepted (axum's default for `Bytes`).
const BODY_LIMIT: usize = 2 << 20;

/// Refuses a request whose members break the service model's constraints
/// (lengths, ranges, patterns, enums, required members) before any handler
/// sees it. A body that is not a JSON object goes on to the handler, which
/// says so.
async fn model_constraints(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let models = constraints::models();
    let Some((op, labels)) = models.operation(req.method().as_str(), req.uri().path(), &query)
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let timeout = app.config.limits.client_timeout;
    let bytes = match tokio::time::timeout(timeout, axum::body::to_bytes(body, BODY_LIMIT)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            let mut error = ApiError::bad_request(format!(
                "The request body is larger than {BODY_LIMIT} bytes"
            ));
            error.status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
            return error.into_response();
        }
        Err(_) => {
            let mut error = ApiError::bad_request(format!(
                "The request body did not arrive within {} s",
                timeout.as_secs_f64()
            ));
            error.status = axum::http::StatusCode::REQUEST_TIMEOUT;
            return error.into_response();
        }
    };
    let json = if bytes.iter().all(u8::is_ascii_whitespace) {
        Some(serde_json::Value::Object(Default::default()))
    } else {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .filter(serde_json::Value::is_object)
    };
    if let Some(json) = &json {
        let problems = models.problems(op, &labels, &parts.headers, &query, json);
        if !problems.is_empty() {
            tracing::debug!(operation = %op.name, problems = problems.len(), "refused by the model's constraints");
            return ApiError::bad_request(problems.join("; ")).into_response();
        }
    }
    if app.config.test_faults {
        // The objects a request names: its URI labels, query values and
        // the body's top-level strings.
        let body_strings = json
            .as_ref()
            .and_then(serde_json::Value::as_object)
            .into_iter()
            .flat_map(|o| o.values().filter_map(serde_json::Value::as_str));
        let named = labels
            .values()
            .map(String::as_str)
            .chain(query.iter().map(|(_, v)| v.as_str()))
            .chain(body_strings);
        if let Some(error) = app.faults.answer(&op.name, named) {
            return error.into_response();
        }
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// A request head over [`server::MAX_HEAD_BYTES`] or with more than
/// [`server::MAX_HEADERS`] headers gets 431 in the modelled JSON shape.
async fn head_limits(req: Request, next: axum::middleware::Next) -> axum::response::Response {
    let head: usize = req.method().as_str().len()
        + req.uri().to_string().len()
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>();
    let count = req.headers().len();
    if head > server::MAX_HEAD_BYTES || count > server::MAX_HEADERS {
        let mut error = ApiError::bad_request(format!(
            "The request head is {head} bytes in {count} headers; at most {} bytes and {} headers are accepted",
            server::MAX_HEAD_BYTES,
            server::MAX_HEADERS
        ));
        error.status = axum::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE;
        return error.into_response();
    }
    next.run(req).await
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
    let limits = app.config.limits;
    server::serve(listener, router(app), limits, shutdown).await
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
