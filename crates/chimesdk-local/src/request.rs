//! Reading requests the way the service validates them: JSON bodies,
//! required members, the bearer header, enums and pages (lengths and
//! patterns are the models', checked before a handler runs: constraints.rs).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ApiError, ApiResult};

/// A request body as JSON; an empty body is an empty object.
pub fn body(bytes: &[u8]) -> ApiResult<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object",
        ));
    }
    Ok(v)
}

/// A request body read into its operation's typed input (the model's
/// member names; an absent optional member is `None`), as a handler's
/// argument (`Input(input): Input<CreateAppInstance>`). The model's
/// constraints were checked before (middleware), so a body that does not
/// fit is rare: a member of the wrong JSON type, say.
pub struct Input<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Input<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        serde_json::from_value(body(&bytes)?)
            .map(Input)
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "The request does not fit the operation's input: {e}"
                ))
            })
    }
}

pub fn one_of(
    field: &str,
    value: Option<String>,
    allowed: &[&str],
    default: &str,
) -> ApiResult<String> {
    match value {
        None => Ok(default.to_string()),
        Some(v) if allowed.contains(&v.as_str()) => Ok(v),
        Some(v) => Err(ApiError::bad_request(format!(
            "{field} must be one of {}, not {v:?}",
            allowed.join(", ")
        ))),
    }
}

pub fn length(field: &str, value: &str, min: usize, max: usize) -> ApiResult<()> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ApiError::bad_request(format!(
            "{field} must be {min} to {max} characters long"
        )));
    }
    Ok(())
}

/// The `x-amz-chime-bearer` header every channel operation requires: the
/// caller, as a handler's argument (`Bearer(who): Bearer`).
pub struct Bearer(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        required_bearer(&parts.headers).map(Bearer)
    }
}

/// The bearer where the model requires it: a BadRequestException without.
pub fn required_bearer(headers: &HeaderMap) -> ApiResult<String> {
    optional_bearer(headers).ok_or_else(|| {
        ApiError::bad_request("The x-amz-chime-bearer header (ChimeBearer) is required")
    })
}

/// The bearer where the model makes it optional.
pub fn optional_bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-amz-chime-bearer")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// A query member the operation's model requires. The middleware refuses a
/// request without it before any handler runs; this is the handler's way
/// to read it.
pub fn required_query(
    query: &std::collections::HashMap<String, String>,
    name: &str,
) -> ApiResult<String> {
    query
        .get(name)
        .cloned()
        .ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
}

/// MaxResults (1-50) and an index NextToken.
pub fn page(query: &std::collections::HashMap<String, String>) -> ApiResult<(usize, usize)> {
    let max = match query.get("max-results") {
        None => 50,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=50).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    "max-results must be an integer from 1 to 50",
                ));
            }
        },
    };
    let start = match query.get("next-token") {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request("next-token is not a token this service issued"))?,
    };
    Ok((start, max))
}

/// Slices a page and says where the next one starts.
pub fn paginate<T: Clone>(items: &[T], start: usize, max: usize) -> (Vec<T>, Option<String>) {
    let end = (start + max).min(items.len());
    let page = items
        .get(start.min(items.len())..end)
        .unwrap_or_default()
        .to_vec();
    let next = (end < items.len()).then(|| end.to_string());
    (page, next)
}
