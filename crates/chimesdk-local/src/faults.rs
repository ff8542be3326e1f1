//! The test-only fault switch (`--test-faults`, off by default): answer a
//! chosen operation on a chosen object with a chosen modelled error, so
//! tests can show what a client does with an answer the real service may
//! give (a BadRequest for an AppInstance that exists, say). Rules are set
//! at `/_chimesdk-local/faults`; without the flag that path is not served.
//! The same flag serves `/_chimesdk-local/backdate`, which moves a user's
//! creation time into the past (what a user made long ago looks like).

use std::sync::Arc;
use std::sync::Mutex;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::App;
use super::error::{ApiError, ApiResult};

/// One rule: `operation` (the model's name) on a request naming `arn` (in
/// its path, query or body; `*`: any request) is answered `error`, `times`
/// times (every time when absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub operation: String,
    pub arn: String,
    /// A modelled exception name, e.g. `BadRequestException`.
    pub error: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub times: Option<u32>,
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<Fault>>,
}

/// The Chime SDK errors a rule may answer (the models' error shapes).
fn modelled(error: &str, message: String) -> Option<ApiError> {
    Some(match error {
        "BadRequestException" => ApiError::bad_request(message),
        "ConflictException" => ApiError::conflict(message),
        "ForbiddenException" => ApiError::forbidden(message),
        "NotFoundException" => ApiError::not_found(message),
        "ResourceLimitExceededException" => ApiError::resource_limit_exceeded(message),
        "ServiceFailureException" => ApiError::service_failure(message),
        "UnauthorizedClientException" => ApiError::unauthorized(message),
        "ServiceUnavailableException" => {
            let mut e = ApiError::service_failure(message);
            e.exception = "ServiceUnavailableException";
            e.code = "ServiceUnavailable";
            e.status = StatusCode::SERVICE_UNAVAILABLE;
            e
        }
        "ThrottledClientException" => {
            let mut e = ApiError::bad_request(message);
            e.exception = "ThrottledClientException";
            e.code = "Throttled";
            e.status = StatusCode::TOO_MANY_REQUESTS;
            e
        }
        _ => return None,
    })
}

const ERRORS: &str = "BadRequestException, ConflictException, ForbiddenException, NotFoundException, \
                      ResourceLimitExceededException, ServiceFailureException, ServiceUnavailableException, \
                      ThrottledClientException, UnauthorizedClientException";

impl Faults {
    /// The rules; a panic elsewhere while they were held leaves them usable.
    fn rules(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The error for `operation` on a request that names any of `objects`,
    /// if a rule says so; a rule with `times` left counts one down.
    pub fn answer<'a>(
        &self,
        operation: &str,
        objects: impl Iterator<Item = &'a str> + Clone,
    ) -> Option<ApiError> {
        let mut rules = self.rules();
        let at = rules.iter().position(|r| {
            r.operation == operation && (r.arn == "*" || objects.clone().any(|o| o == r.arn))
        })?;
        let rule = rules[at].clone();
        match rules[at].times {
            Some(1) => {
                rules.remove(at);
            }
            Some(n) => rules[at].times = Some(n - 1),
            None => {}
        }
        tracing::info!(operation, arn = %rule.arn, error = %rule.error, "answering with a test fault");
        modelled(
            &rule.error,
            rule.message
                .unwrap_or_else(|| format!("{} (a test fault of chimesdk-local)", rule.error)),
        )
    }
}

/// `POST /_chimesdk-local/faults`: adds a rule.
pub async fn add(State(app): State<Arc<App>>, Json(rule): Json<Fault>) -> ApiResult<StatusCode> {
    if modelled(&rule.error, String::new()).is_none() {
        return Err(ApiError::bad_request(format!(
            "error {:?} is not one of {ERRORS}",
            rule.error
        )));
    }
    if rule.times == Some(0) {
        return Err(ApiError::bad_request(
            "times must be at least 1 (or absent: every time)",
        ));
    }
    app.faults.rules().push(rule);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /_chimesdk-local/faults`: the rules in force.
pub async fn list(State(app): State<Arc<App>>) -> Json<Vec<Fault>> {
    Json(app.faults.rules().clone())
}

/// `DELETE /_chimesdk-local/faults`: removes every rule.
pub async fn clear(State(app): State<Arc<App>>) -> StatusCode {
    app.faults.rules().clear();
    StatusCode::NO_CONTENT
}

/// `POST /_chimesdk-local/backdate` body: the user and how many seconds
/// earlier it was created.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backdate {
    pub arn: String,
    pub seconds: f64,
}

/// `POST /_chimesdk-local/backdate`: the user's `CreatedTimestamp` moves
/// `seconds` into the past.
pub async fn backdate(
    State(app): State<Arc<App>>,
    Json(Backdate { arn, seconds }): Json<Backdate>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        let u = s
            .users
            .get_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceUser {arn} not found")))?;
        u.created -= seconds;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(times: Option<u32>) -> Fault {
        Fault {
            operation: "DescribeAppInstance".into(),
            arn: "arn:a".into(),
            error: "BadRequestException".into(),
            message: None,
            times,
        }
    }

    #[test]
    fn a_rule_answers_its_operation_on_its_object_for_its_times() {
        let faults = Faults::default();
        faults.rules().push(rule(Some(2)));
        let names = |s: &'static [&'static str]| s.iter().copied();
        assert!(
            faults
                .answer("DescribeAppInstance", names(&["arn:b"]))
                .is_none()
        );
        assert!(
            faults
                .answer("ListAppInstances", names(&["arn:a"]))
                .is_none()
        );
        let e = faults
            .answer("DescribeAppInstance", names(&["x", "arn:a"]))
            .unwrap();
        assert_eq!(
            (e.status.as_u16(), e.exception),
            (400, "BadRequestException")
        );
        assert!(
            faults
                .answer("DescribeAppInstance", names(&["arn:a"]))
                .is_some()
        );
        assert!(
            faults
                .answer("DescribeAppInstance", names(&["arn:a"]))
                .is_none(),
            "two times, then the rule is spent"
        );
        let mut any = rule(None);
        any.arn = "*".into();
        faults.rules().push(any);
        assert!(faults.answer("DescribeAppInstance", names(&[])).is_some());
        for _ in 0..3 {
            assert!(
                faults
                    .answer("DescribeAppInstance", names(&["arn:a"]))
                    .is_some()
            );
        }
    }

    #[test]
    fn every_named_error_is_modelled() {
        for name in ERRORS.split(", ") {
            let e = modelled(name.trim(), "m".into()).unwrap();
            assert_eq!(e.exception, name.trim());
        }
        assert!(modelled("NoSuchThing", "m".into()).is_none());
    }
}
