//! Service errors as Chime SDK returns them: a status, the
//! `x-amzn-ErrorType` header, and a `{"Code","Message"}` body.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// The exception name, e.g. "BadRequestException".
    pub exception: &'static str,
    /// The model's ErrorCode value, e.g. "BadRequest".
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            exception: "BadRequestException",
            code: "BadRequest",
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            exception: "NotFoundException",
            code: "NotFound",
            message: message.into(),
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            exception: "ForbiddenException",
            code: "Forbidden",
            message: message.into(),
        }
    }
    /// The bearer is not an AppInstanceUser that may act here.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            exception: "UnauthorizedClientException",
            code: "Unauthorized",
            message: message.into(),
        }
    }
    pub fn resource_limit_exceeded(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            exception: "ResourceLimitExceededException",
            code: "ResourceLimitExceeded",
            message: message.into(),
        }
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            exception: "ConflictException",
            code: "Conflict",
            message: message.into(),
        }
    }
    pub fn service_failure(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            exception: "ServiceFailureException",
            code: "ServiceFailure",
            message: message.into(),
        }
    }
    pub fn unknown_operation(method: &str, path: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            exception: "UnknownOperationException",
            code: "NotFound",
            message: format!("No operation matches {method} {path}"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "Code": self.code, "Message": self.message });
        let mut resp = (self.status, axum::Json(body)).into_response();
        resp.headers_mut()
            .insert("x-amzn-ErrorType", HeaderValue::from_static(self.exception));
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
