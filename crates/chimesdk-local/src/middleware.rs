//! What every request and response goes through besides its handler: the
//! request head's limits, the body read within the client timeout and
//! checked against its operation's input constraints (and, in tests, the
//! fault rules), and errors in the modelled JSON shape. (Absent members are
//! not sent: the handlers' typed outputs skip them.)

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::constraints::Operation;
use super::error::ApiError;
use super::{App, constraints, server};

/// The operations one route serves (more than one only when they differ
/// by a query literal), for its constraint check.
#[derive(Clone)]
pub struct RouteOperations(pub Vec<&'static Operation>);

/// The largest request body accepted (axum's default for `Bytes`).
const BODY_LIMIT: usize = 2 << 20;

/// Refuses a request whose members break the service model's constraints
/// (lengths, ranges, patterns, enums, required members) before any handler
/// sees it. A body that is not a JSON object goes on to the handler, which
/// says so.
pub async fn model_constraints(
    State((app, ops)): State<(Arc<App>, RouteOperations)>,
    req: Request,
    next: Next,
) -> Response {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let models = constraints::models();
    // The route's operation: of those sharing it, the one whose query
    // literals the request carries (the most of them).
    let Some((op, labels)) = ops
        .0
        .iter()
        .filter(|op| op.carries(&query))
        .max_by_key(|op| op.query_literals())
        .and_then(|op| Some((*op, op.labels(req.uri().path())?)))
    else {
        return ApiError::unknown_operation(req.method().as_str(), req.uri().path())
            .into_response();
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
pub async fn head_limits(req: Request, next: Next) -> Response {
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
pub async fn modelled_errors(resp: Response) -> Response {
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
