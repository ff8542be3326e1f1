//! A small fault-injecting HTTP proxy for tests: forwards to an upstream
//! (moto or chimesdk-local), records every call by operation name, and
//! injects throttling, 5xx, delays, dropped connections or rewritten
//! bodies for chosen operations.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};

use super::background::BackgroundServer;

#[derive(Debug, Clone)]
pub enum Fault {
    /// Kinesis-style throttling: 400 LimitExceededException.
    KinesisThrottle,
    /// Chime-style throttling: 429 ThrottledClientException.
    ChimeThrottle,
    /// 500 with a service error body.
    ServerError,
    /// 403 AccessDeniedException.
    AccessDenied,
    /// Waits, then forwards.
    Delay(Duration),
    /// Closes the connection without answering.
    Drop,
    /// Forwards the request, then closes the connection without passing
    /// the answer on: the call took effect and its response was lost.
    LoseResponse,
    /// Answers with this HTTP status and AWS error code.
    Error(u16, &'static str, &'static str),
    /// Forwards, then replaces text in the response body.
    Rewrite(String, String),
    /// (status, code, message) as a Query API (IAM, STS) answers: XML.
    XmlError(u16, &'static str, &'static str),
    /// Answers with this status and JSON body instead of the upstream: an
    /// answer the emulator behind cannot give (moto's Lex V2 aliases have
    /// IDs the model's ARN pattern refuses, so it holds none a bot may name).
    Answer(u16, String),
}

#[derive(Debug, Clone)]
struct Rule {
    operation: String,
    fault: Fault,
    remaining: usize,
}

#[derive(Default)]
struct Shared {
    calls: Vec<String>,
    /// (operation, request body), for tests that check what was sent.
    requests: Vec<(String, String)>,
    /// As a forward proxy: `CONNECT host:port` tunnels asked for (refused),
    /// and `GET host:port` (any method) requests forwarded.
    proxied: Vec<String>,
    rules: Vec<Rule>,
}

pub struct Proxy {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
    _server: BackgroundServer,
}

/// The operation a request is for: Kinesis/STS by header or form, Chime by
/// the botocore models' routes.
fn operation(method: &str, path: &str, query: &str, target: Option<&str>, body: &[u8]) -> String {
    if let Some(t) = target {
        return t.rsplit('.').next().unwrap_or(t).to_string();
    }
    if let Some(action) = std::str::from_utf8(body)
        .ok()
        .and_then(|b| b.split('&').find_map(|kv| kv.strip_prefix("Action=")))
    {
        return action.to_string();
    }
    if let Some(op) = crate::model::shared().rest_operation(method, path, query) {
        return op;
    }
    format!("{method} {path}")
}

/// moto routes Lex V2 models requests only with the trailing slash botocore
/// sends (`/policy/{resourceArn}/`); the Rust SDK sends none. A request
/// signed for `lex` gets it added on its way to the upstream.
fn moto_lex_path(headers: &hyper::HeaderMap, path_and_query: &str) -> String {
    let signed_for_lex = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("/lex/aws4_request"));
    let (path, query) = path_and_query
        .split_once('?')
        .map_or((path_and_query, None), |(p, q)| (p, Some(q)));
    if !signed_for_lex || path.ends_with('/') {
        return path_and_query.to_string();
    }
    match query {
        Some(q) => format!("{path}/?{q}"),
        None => format!("{path}/"),
    }
}

fn fault_response(fault: &Fault) -> Response<Full<Bytes>> {
    let (status, kind, body) = match fault {
        Fault::KinesisThrottle => (
            StatusCode::BAD_REQUEST,
            "LimitExceededException",
            r#"{"__type":"LimitExceededException","message":"Rate exceeded for stream"}"#,
        ),
        Fault::ChimeThrottle => (
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottledClientException",
            r#"{"Code":"Throttled","Message":"Rate exceeded"}"#,
        ),
        Fault::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceFailureException",
            r#"{"Code":"ServiceFailure","Message":"injected failure"}"#,
        ),
        Fault::AccessDenied => (
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            r#"{"__type":"AccessDeniedException","message":"not authorized"}"#,
        ),
        Fault::Error(status, code, message) => {
            return Response::builder()
                .status(*status)
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amzn-ErrorType", *code)
                .body(Full::new(Bytes::from(
                    serde_json::json!({ "__type": code, "Code": code, "message": message, "Message": message })
                        .to_string(),
                )))
                .unwrap();
        }
        Fault::Answer(status, body) => {
            return Response::builder()
                .status(*status)
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(body.clone())))
                .unwrap();
        }
        Fault::XmlError(status, code, message) => {
            return Response::builder()
                .status(*status)
                .header("content-type", "text/xml")
                .body(Full::new(Bytes::from(format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                     <RequestId>fault</RequestId></ErrorResponse>"
                ))))
                .unwrap();
        }
        _ => unreachable!("handled by forwarding"),
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-ErrorType", kind)
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

async fn handle(
    req: Request<Incoming>,
    upstream: String,
    client: Client<HttpConnector, Full<Bytes>>,
    shared: Arc<Mutex<Shared>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    // Used as an HTTP(S) proxy: refuse tunnels (they would leave this
    // machine), forward plain requests to loopback only.
    if parts.method == hyper::Method::CONNECT {
        shared
            .lock()
            .unwrap()
            .proxied
            .push(format!("CONNECT {}", parts.uri));
        return Ok(Response::builder()
            .status(StatusCode::FORBIDDEN)
            .body(Full::new(Bytes::new()))
            .unwrap());
    }
    let upstream = match parts.uri.authority() {
        Some(authority) => {
            shared
                .lock()
                .unwrap()
                .proxied
                .push(format!("{} {authority}", parts.method));
            if authority.host() != "127.0.0.1" && authority.host() != "localhost" {
                return Ok(Response::builder()
                    .status(StatusCode::BAD_GATEWAY)
                    .body(Full::new(Bytes::new()))
                    .unwrap());
            }
            format!("http://{authority}")
        }
        None => upstream,
    };
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok());
    let op = operation(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        target,
        &body,
    );
    let fault = {
        let mut s = shared.lock().unwrap();
        s.calls.push(op.clone());
        s.requests
            .push((op.clone(), String::from_utf8_lossy(&body).into_owned()));
        let rule = s
            .rules
            .iter_mut()
            .find(|r| r.remaining > 0 && (r.operation == op || r.operation == "*"));
        rule.map(|r| {
            r.remaining -= 1;
            r.fault.clone()
        })
    };
    let mut rewrite = None;
    let mut lose_response = false;
    match &fault {
        Some(Fault::Drop) => return Err(std::io::Error::other("injected: connection dropped")),
        Some(Fault::LoseResponse) => lose_response = true,
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        Some(Fault::Rewrite(from, to)) => rewrite = Some((from.clone(), to.clone())),
        Some(f) => return Ok(fault_response(f)),
        None => {}
    }
    let uri = format!(
        "{upstream}{}",
        moto_lex_path(
            &parts.headers,
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/")
        )
    );
    let mut forward = Request::builder().method(parts.method.clone()).uri(uri);
    for (k, v) in &parts.headers {
        if k != "host" {
            forward = forward.header(k, v);
        }
    }
    let resp = client
        .request(forward.body(Full::new(body)).unwrap())
        .await
        .map_err(std::io::Error::other)?;
    if lose_response {
        return Err(std::io::Error::other("injected: response lost"));
    }
    let (mut rparts, rbody) = resp.into_parts();
    let mut bytes = rbody
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if let Some((from, to)) = rewrite {
        bytes = Bytes::from(String::from_utf8_lossy(&bytes).replace(&from, &to));
        rparts.headers.remove("content-length");
    }
    Ok(Response::from_parts(rparts, Full::new(bytes)))
}

impl Proxy {
    pub fn start(upstream: &str) -> Proxy {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let upstream = upstream.trim_end_matches('/').to_string();
        let client: Client<HttpConnector, Full<Bytes>> =
            Client::builder(TokioExecutor::new()).build_http();
        let s2 = shared.clone();
        let server = BackgroundServer::start(move |stream| {
            let (upstream, client, shared) = (upstream.clone(), client.clone(), s2.clone());
            async move {
                let svc = service_fn(move |req| {
                    handle(req, upstream.clone(), client.clone(), shared.clone())
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            }
        });
        Proxy {
            url: format!("http://{}", server.addr),
            shared,
            _server: server,
        }
    }

    /// Applies `fault` to the next `times` calls of `operation` ("*" = any).
    pub fn inject(&self, operation: &str, fault: Fault, times: usize) {
        self.shared.lock().unwrap().rules.push(Rule {
            operation: operation.into(),
            fault,
            remaining: times,
        });
    }

    pub fn clear_faults(&self) {
        self.shared.lock().unwrap().rules.clear();
    }

    /// Every call so far, by operation name, then forgets them.
    pub fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut self.shared.lock().unwrap().calls)
    }

    /// Every request so far as (operation, body), then forgets them.
    pub fn take_requests(&self) -> Vec<(String, String)> {
        std::mem::take(&mut self.shared.lock().unwrap().requests)
    }

    /// What passed through as a forward proxy (`CONNECT host:port`,
    /// `POST host:port`), then forgets it.
    pub fn take_proxied(&self) -> Vec<String> {
        std::mem::take(&mut self.shared.lock().unwrap().proxied)
    }

    pub fn count(calls: &[String], op: &str) -> usize {
        calls.iter().filter(|c| *c == op).count()
    }
}
