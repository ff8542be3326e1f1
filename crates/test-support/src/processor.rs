//! A Lambda Invoke API server standing in for channel flow processors, as
//! `sam local start-lambda` would for real ones: it records each
//! invocation's event and answers the way it is told, calling
//! ChannelFlowCallback back on chimesdk-local as a processor's code would.

use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use crate::aws::enc;
use crate::background::BackgroundServer;

/// What the processor does with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Calls back with the content in capitals.
    Shout,
    /// Calls back with `DeleteResource`: the message is denied.
    Deny,
    /// Answers the Invoke with a 500: the invocation failed.
    Fail,
    /// Accepts the Invoke and never calls back: the message stays PENDING.
    Silent,
}

struct State {
    chime_url: Option<String>,
    answer: Answer,
    /// (function in the path, the event) of each invocation.
    invocations: Vec<(String, Value)>,
}

pub struct Processor {
    pub url: String,
    state: Arc<Mutex<State>>,
    _server: BackgroundServer,
}

impl Processor {
    pub fn start(answer: Answer) -> Processor {
        let state = Arc::new(Mutex::new(State {
            chime_url: None,
            answer,
            invocations: Vec::new(),
        }));
        let shared = state.clone();
        let server = BackgroundServer::start(move |stream| {
            let shared = shared.clone();
            async move {
                let svc = service_fn(move |req| handle(req, shared.clone()));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            }
        });
        Processor {
            url: format!("http://{}", server.addr),
            state,
            _server: server,
        }
    }

    /// Where ChannelFlowCallback goes (chimesdk-local starts after this).
    pub fn call_back_to(&self, chime_url: &str) {
        self.state.lock().unwrap().chime_url = Some(chime_url.to_string());
    }

    pub fn answer(&self, answer: Answer) {
        self.state.lock().unwrap().answer = answer;
    }

    pub fn invocations(&self) -> Vec<(String, Value)> {
        self.state.lock().unwrap().invocations.clone()
    }
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let path = req.uri().path().to_string();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let reply = |status: StatusCode, body: &str| {
        Ok(Response::builder()
            .status(status)
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap())
    };
    let Some(function) = path
        .strip_prefix("/2015-03-31/functions/")
        .and_then(|p| p.strip_suffix("/invocations"))
    else {
        return reply(StatusCode::NOT_FOUND, r#"{"Message":"not an Invoke"}"#);
    };
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (answer, chime) = {
        let mut s = state.lock().unwrap();
        s.invocations.push((
            percent_encoding::percent_decode_str(function)
                .decode_utf8_lossy()
                .into_owned(),
            event.clone(),
        ));
        (s.answer, s.chime_url.clone())
    };
    if answer == Answer::Fail {
        return reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"Type":"Service","Message":"the processor failed"}"#,
        );
    }
    if answer == Answer::Silent {
        return reply(StatusCode::ACCEPTED, "");
    }
    let message = &event["ChannelMessage"];
    let channel = message["ChannelArn"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let callback = match answer {
        Answer::Deny => json!({
            "CallbackId": event["CallbackId"], "DeleteResource": true,
            "ChannelMessage": { "MessageId": message["MessageId"] },
        }),
        _ => json!({
            "CallbackId": event["CallbackId"],
            "ChannelMessage": {
                "MessageId": message["MessageId"],
                "Content": message["Content"].as_str().unwrap_or_default().to_uppercase(),
            },
        }),
    };
    if let Some(chime) = chime {
        tokio::task::spawn_blocking(move || {
            let url = format!(
                "{chime}/channels/{}?operation=channel-flow-callback",
                enc(&channel)
            );
            if let Err(e) = ureq::post(&url).send_json(&callback) {
                eprintln!("the test processor's ChannelFlowCallback failed: {e}");
            }
        });
    }
    reply(StatusCode::ACCEPTED, "")
}
