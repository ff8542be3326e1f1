//! Channel flows at work: a standard message sent to a channel that holds a
//! flow is PENDING while the flow's processors run, one after another in
//! execution order. Each processor's function is invoked through the Lambda
//! Invoke API (`--lambda-endpoint`, an asynchronous `Event` invocation with
//! the event the developer guide documents) once its resource policy
//! (GetPolicy at `--lambda-policy-endpoint`) is shown to let
//! `messaging.chime.amazonaws.com` invoke it, judged by the provider's own
//! `chimesdk_domain::lambda_policy`. The processor answers with
//! ChannelFlowCallback: `DeleteResource` denies the message, anything else
//! is the (possibly changed) message, passed to the next processor. A
//! processor that cannot be invoked takes its FallbackAction: ABORT marks
//! the message FAILED, CONTINUE passes it on unchanged.
//!
//! Only the message that is finally sent is streamed (CREATE_CHANNEL_MESSAGE,
//! with the processed content): the guide lists no event type for a pending,
//! denied or failed message. Runs live in memory: a restart leaves a
//! persistent message PENDING. Both are chimesdk-local's choices
//! (contributing/chimesdk-local.md).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::shapes::message_payload;
use super::*;
use crate::App;
use crate::error::ApiError;
use crate::request::Input;
use crate::store::{ChannelFlow, Message, message_key};
use chimesdk_domain::arn::AppInstanceArn;
use chimesdk_domain::events::{EventType, MessageStatus, Payload};
use chimesdk_domain::lambda_policy::ProcessorUse;
use chimesdk_domain::policy::Verdict;

/// Where processors are invoked and their policies read.
#[derive(Debug, Clone)]
pub struct LambdaEndpoints {
    pub invoke: String,
    pub policy: String,
}

/// One processor of a flow, as a run needs it.
#[derive(Debug, Clone)]
pub struct Step {
    pub function_arn: String,
    pub abort_on_failure: bool,
}

/// A message on its way through a flow.
#[derive(Debug, Clone)]
pub struct Run {
    pub app_instance_arn: String,
    pub channel_arn: String,
    pub steps: Vec<Step>,
    /// The processor that has it (or runs next).
    pub step: usize,
    pub message: Message,
}

/// The runs waiting for a processor's callback, by CallbackId.
#[derive(Default)]
pub struct Runs(std::sync::Mutex<HashMap<String, Run>>);

impl Runs {
    fn wait(&self, callback_id: String, run: Run) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(callback_id, run);
    }

    fn take(&self, callback_id: &str) -> Option<Run> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(callback_id)
    }
}

/// The flow's processors in execution order.
pub fn steps_of(flow: &ChannelFlow) -> Vec<(i64, Step)> {
    let mut steps: Vec<(i64, Step)> = flow
        .processors
        .iter()
        .filter_map(|p| {
            Some((
                p.get("ExecutionOrder")?.as_i64()?,
                Step {
                    function_arn: p
                        .pointer("/Configuration/Lambda/ResourceArn")?
                        .as_str()?
                        .to_string(),
                    abort_on_failure: p.get("FallbackAction")?.as_str()? == "ABORT",
                },
            ))
        })
        .collect();
    steps.sort_by_key(|(order, _)| *order);
    steps
}

fn status(value: &str, detail: Option<String>) -> Option<MessageStatus> {
    Some(MessageStatus {
        value: Some(value.to_string()),
        detail,
    })
}

pub fn pending() -> Option<MessageStatus> {
    status("PENDING", None)
}

/// Starts a run (after the send that made it is answered).
pub fn start(app: Arc<App>, run: Run) {
    tokio::spawn(advance(app, run));
}

/// Invokes the run's current processor, or, past the last, sends the
/// message. A processor that cannot be invoked takes its fallback.
async fn advance(app: Arc<App>, mut run: Run) {
    loop {
        let Some(step) = run.steps.get(run.step).cloned() else {
            return finish(&app, run, None).await;
        };
        let callback_id = uuid::Uuid::new_v4().to_string();
        // Waiting before the invocation: the callback may come before
        // Invoke returns.
        app.flow_runs.wait(callback_id.clone(), run.clone());
        let invoked = invoke(&app, &run, &step, &callback_id).await;
        if invoked.is_ok() {
            tracing::info!(function = %step.function_arn, message_id = %run.message.id, "invoked channel flow processor");
            return;
        }
        if app.flow_runs.take(&callback_id).is_none() {
            // Answered although the invocation reported a failure.
            return;
        }
        match invoked {
            Ok(()) => return,
            Err(why) if step.abort_on_failure => {
                tracing::warn!(function = %step.function_arn, %why, "processor failed; FallbackAction ABORT");
                return finish(&app, run, status("FAILED", Some(why))).await;
            }
            Err(why) => {
                tracing::warn!(function = %step.function_arn, %why, "processor skipped; FallbackAction CONTINUE");
                run.step += 1;
            }
        }
    }
}

fn lambda_client(endpoint: &str, region: &str) -> aws_sdk_lambda::Client {
    aws_sdk_lambda::Client::new(&crate::aws_clients::sdk_config(endpoint, region))
}

/// Reads the function's policy, then invokes it with the guide's event.
async fn invoke(app: &App, run: &Run, step: &Step, callback_id: &str) -> Result<(), String> {
    let Some(endpoints) = &app.config.lambda else {
        return Err(
            "chimesdk-local runs without --lambda-endpoint: the processor cannot be reached".into(),
        );
    };
    let app_arn = AppInstanceArn::parse(&run.app_instance_arn).map_err(|e| e.to_string())?;
    let policy = lambda_client(&endpoints.policy, &app_arn.region)
        .get_policy()
        .function_name(&step.function_arn)
        .send()
        .await
        .map_err(|e| format!("GetPolicy for {}: {}", step.function_arn, error_text(&e)))?;
    let use_ = ProcessorUse {
        account: app_arn.account.clone(),
        app_instance_arn: run.app_instance_arn.clone(),
        function_arn: step.function_arn.clone(),
    };
    match use_.invoke_verdict(policy.policy().unwrap_or_default()) {
        Verdict::Allowed => {}
        other => {
            return Err(format!(
                "the resource policy of {} does not let messaging.chime.amazonaws.com invoke it for {} ({other:?})",
                step.function_arn, run.app_instance_arn
            ));
        }
    }
    let event = json!({
        "EventType": "CREATE_CHANNEL_MESSAGE",
        "CallbackId": callback_id,
        "ChannelMessage": message_payload(&run.channel_arn, &run.message),
    });
    lambda_client(&endpoints.invoke, &app_arn.region)
        .invoke()
        .function_name(&step.function_arn)
        .invocation_type(aws_sdk_lambda::types::InvocationType::Event)
        .payload(aws_smithy_types::Blob::new(event.to_string()))
        .send()
        .await
        .map_err(|e| format!("Invoke {}: {}", step.function_arn, error_text(&e)))?;
    Ok(())
}

fn error_text<E: std::error::Error>(e: &E) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Ends a run: sent (`None`), DENIED or FAILED. A persistent message is
/// updated in the store; a sent one is streamed.
async fn finish(app: &App, run: Run, outcome: Option<MessageStatus>) {
    let Run {
        app_instance_arn,
        channel_arn,
        mut message,
        ..
    } = run;
    message.status = outcome;
    let id = message.id.clone();
    let result = app
        .transact(|s, out| {
            if message.status.is_none() {
                emit(
                    out,
                    &app_instance_arn,
                    EventType::CreateChannelMessage,
                    Payload::ChannelMessage(message_payload(&channel_arn, &message)),
                );
            }
            let key = message_key(&channel_arn, &message.id);
            if message.persistence == "PERSISTENT" && s.messages.contains_key(&key) {
                s.messages.insert(key, message);
            }
            Ok(())
        })
        .await;
    if let Err(e) = result {
        tracing::warn!(message_id = %id, error = ?e, "could not record the outcome of a channel flow");
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelFlowCallback {
    callback_id: String,
    delete_resource: Option<bool>,
    channel_message: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallbackOut {
    channel_arn: String,
    callback_id: String,
}

/// ChannelFlowCallback: the processor's answer for the message it was
/// given. An unknown CallbackId is a BadRequestException (unverified).
pub async fn channel_flow_callback(
    State(app): State<Arc<App>>,
    Path(channel_arn): Path<String>,
    Input(input): Input<ChannelFlowCallback>,
) -> Reply<CallbackOut> {
    let Some(mut run) = app.flow_runs.take(&input.callback_id) else {
        return Err(ApiError::bad_request(format!(
            "No message waits for CallbackId {}",
            input.callback_id
        )));
    };
    if run.channel_arn != channel_arn
        || input
            .channel_message
            .get("MessageId")
            .and_then(Value::as_str)
            != Some(&run.message.id)
    {
        let callback_id = input.callback_id.clone();
        app.flow_runs.wait(input.callback_id, run);
        return Err(ApiError::bad_request(format!(
            "CallbackId {callback_id} is for another channel or message"
        )));
    }
    let out = CallbackOut {
        channel_arn,
        callback_id: input.callback_id,
    };
    if input.delete_resource == Some(true) {
        finish(&app, run, status("DENIED", None)).await;
        return Ok((StatusCode::OK, Json(out)));
    }
    let changed = &input.channel_message;
    let text = |member: &str| {
        changed
            .get(member)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let Some(content) = text("Content") {
        run.message.content = Some(content);
    }
    if let Some(metadata) = text("Metadata") {
        run.message.metadata = Some(metadata);
    }
    if let Some(content_type) = text("ContentType") {
        run.message.content_type = Some(content_type);
    }
    if let Some(Value::Object(attributes)) = changed.get("MessageAttributes") {
        run.message.attributes = Some(attributes.clone().into_iter().collect());
    }
    run.step += 1;
    start(app.clone(), run);
    Ok((StatusCode::OK, Json(out)))
}
