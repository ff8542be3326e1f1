//! The botocore service models (the authority for chimesdk-local's wire
//! format), loaded through the Python botocore the AWS CLI ships with: the
//! proxy names Chime calls by their routes and tests list mutating calls
//! from them, instead of keeping hand-written lists.

use std::sync::OnceLock;

use serde_json::Value;

pub struct Model {
    identity: Value,
    messaging: Value,
    kinesis: Value,
    /// Lex V2 models and Lambda (moto's): the proxy names their REST
    /// calls too.
    lex: Value,
    lambda: Value,
}

/// The models, loaded once per test process.
pub fn shared() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(Model::load)
}

/// Every operation of Kinesis and Chime SDK identity and messaging that
/// changes something: all but Describe*, Get*, List* and Search*. A run
/// that should change nothing must make none of them.
pub fn mutating() -> &'static [String] {
    static OPS: OnceLock<Vec<String>> = OnceLock::new();
    OPS.get_or_init(|| {
        let m = shared();
        let mut ops: Vec<String> = [&m.kinesis, &m.identity, &m.messaging]
            .iter()
            .flat_map(|svc| svc["operations"].as_object().unwrap().keys())
            .filter(|op| {
                !["Describe", "Get", "List", "Search"]
                    .iter()
                    .any(|p| op.starts_with(p))
            })
            .cloned()
            .collect();
        ops.sort();
        ops.dedup();
        ops
    })
}

/// Any botocore service model by its directory name (`kms`, `iam`,
/// `chime-sdk-identity`, ...), newest API version, loaded once.
pub fn service_model(name: &str) -> &'static Value {
    static MODELS: OnceLock<std::sync::Mutex<std::collections::HashMap<String, &'static Value>>> =
        OnceLock::new();
    let mut models = MODELS.get_or_init(Default::default).lock().unwrap();
    if let Some(m) = models.get(name) {
        return m;
    }
    let script = r#"
import botocore, gzip, json, os, sys
base = os.path.join(os.path.dirname(botocore.__file__), "data", sys.argv[1])
version = sorted(os.listdir(base))[-1]
path = os.path.join(base, version, "service-2.json")
print(json.dumps(json.load(open(path)) if os.path.exists(path) else json.load(gzip.open(path + ".gz", "rt"))))
"#;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(python)
        .args(["-c", script, name])
        .output()
        .expect("python3 with botocore (pip install awscli)");
    assert!(
        out.status.success(),
        "loading the {name} model: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model: &'static Value = Box::leak(Box::new(serde_json::from_slice(&out.stdout).unwrap()));
    models.insert(name.to_string(), model);
    model
}

impl Model {
    /// The models chimesdk-local serves and the proxy names calls
    /// by, at the API versions the provider's SDKs speak.
    pub fn load() -> Model {
        let at = |name: &str, version: &str| {
            let model = service_model(name);
            assert_eq!(
                model["metadata"]["apiVersion"], version,
                "botocore's newest {name} model is not API version {version}"
            );
            model.clone()
        };
        Model {
            identity: at("chime-sdk-identity", "2021-04-20"),
            messaging: at("chime-sdk-messaging", "2021-05-15"),
            kinesis: at("kinesis", "2013-12-02"),
            lex: at("lexv2-models", "2020-08-07"),
            lambda: at("lambda", "2015-03-31"),
        }
    }

    /// The Chime (or Lex V2 models, or Lambda) operation a REST request is for, by the
    /// models' routes:
    /// method, path segments (`{name}` matches one segment; an ARN is one
    /// percent-encoded segment) and the route's query literal if it has one
    /// (`?operation=tag-resource`). A route with a query literal wins over
    /// one without.
    pub fn rest_operation(&self, method: &str, path: &str, query: &str) -> Option<String> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let params: Vec<&str> = query.split('&').collect();
        let mut best: Option<(bool, &str)> = None;
        for svc in [&self.identity, &self.messaging, &self.lex, &self.lambda] {
            for (op, o) in svc["operations"].as_object().unwrap() {
                let h = &o["http"];
                if h["method"].as_str() != Some(method) {
                    continue;
                }
                let uri = h["requestUri"].as_str().unwrap();
                let (route, literal) = uri.split_once('?').unwrap_or((uri, ""));
                let route: Vec<&str> = route.trim_matches('/').split('/').collect();
                let path_matches = route.len() == segments.len()
                    && route.iter().zip(&segments).all(|(r, s)| {
                        if r.starts_with('{') {
                            !s.is_empty()
                        } else {
                            r == s
                        }
                    });
                if !path_matches || (!literal.is_empty() && !params.contains(&literal)) {
                    continue;
                }
                let specific = !literal.is_empty();
                if best.is_none_or(|(b, _)| specific && !b) {
                    best = Some((specific, op.as_str()));
                }
            }
        }
        best.map(|(_, op)| op.to_string())
    }

    fn service(&self, op: &str) -> &Value {
        if self.identity["operations"].get(op).is_some() {
            &self.identity
        } else {
            &self.messaging
        }
    }

    /// (method, requestUri, responseCode) from the operation's http trait.
    pub fn http(&self, op: &str) -> (String, String, u16) {
        let o = &self.service(op)["operations"][op];
        assert!(o.is_object(), "no operation {op} in the models");
        let h = &o["http"];
        (
            h["method"].as_str().unwrap().into(),
            h["requestUri"].as_str().unwrap().into(),
            h["responseCode"].as_u64().unwrap_or(200) as u16,
        )
    }

    /// Every problem of `body` against the operation's output shape.
    pub fn output_problems(&self, op: &str, body: &Value) -> Vec<String> {
        let svc = self.service(op);
        let mut problems = Vec::new();
        match svc["operations"][op]["output"]["shape"].as_str() {
            Some(shape) => check(svc, shape, body, op, &mut problems),
            None => {
                if !body.is_null() {
                    problems.push(format!("{op} has no output, got {body}"));
                }
            }
        }
        problems
    }

    /// The modelled errors of an operation (exception shape names).
    pub fn errors(&self, op: &str) -> Vec<String> {
        self.service(op)["operations"][op]["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|x| x["shape"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn check(svc: &Value, shape_name: &str, v: &Value, at: &str, problems: &mut Vec<String>) {
    let shape = &svc["shapes"][shape_name];
    let kind = shape["type"].as_str().unwrap_or("");
    let ok = match kind {
        "structure" => {
            let Some(obj) = v.as_object() else {
                problems.push(format!("{at}: expected a {shape_name} object, got {v}"));
                return;
            };
            for (k, child) in obj {
                match shape["members"].get(k) {
                    // Members bound to headers or the URI never appear in a body.
                    Some(m) if m.get("location").is_some() => {
                        problems.push(format!("{at}.{k}: a {} member in the body", m["location"]))
                    }
                    Some(m) => check(
                        svc,
                        m["shape"].as_str().unwrap(),
                        child,
                        &format!("{at}.{k}"),
                        problems,
                    ),
                    None => problems.push(format!("{at}.{k}: not a member of {shape_name}")),
                }
            }
            true
        }
        "list" => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(
                        svc,
                        shape["member"]["shape"].as_str().unwrap(),
                        item,
                        &format!("{at}[{i}]"),
                        problems,
                    );
                }
                true
            }
            None => false,
        },
        "map" => match v.as_object() {
            Some(m) => {
                for (k, item) in m {
                    check(
                        svc,
                        shape["value"]["shape"].as_str().unwrap(),
                        item,
                        &format!("{at}[{k}]"),
                        problems,
                    );
                }
                true
            }
            None => false,
        },
        "string" => v.as_str().is_some_and(|s| {
            shape["enum"]
                .as_array()
                .is_none_or(|e| e.iter().any(|x| x == s))
        }),
        "integer" | "long" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "timestamp" => v.is_number(),
        "double" | "float" => v.is_number(),
        other => {
            problems.push(format!("{at}: unhandled shape type {other}"));
            true
        }
    };
    if !ok {
        problems.push(format!("{at}: {v} is not a valid {shape_name} ({kind})"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chime_routes_name_their_operations() {
        let arn = "arn%3Aaws%3Achime%3Aus-east-1%3A123456789012%3Aapp-instance%2Fa";
        let m = shared();
        let cases = [
            (
                "GET",
                format!("/app-instances/{arn}/streaming-configurations"),
                "",
                "GetMessagingStreamingConfigurations",
            ),
            (
                "PUT",
                format!("/app-instances/{arn}/streaming-configurations"),
                "",
                "PutMessagingStreamingConfigurations",
            ),
            (
                "DELETE",
                format!("/app-instances/{arn}/streaming-configurations"),
                "",
                "DeleteMessagingStreamingConfigurations",
            ),
            (
                "GET",
                format!("/app-instances/{arn}"),
                "",
                "DescribeAppInstance",
            ),
            (
                "PUT",
                format!("/app-instances/{arn}"),
                "",
                "UpdateAppInstance",
            ),
            (
                "POST",
                "/app-instances".to_string(),
                "",
                "CreateAppInstance",
            ),
            (
                "GET",
                "/app-instances".to_string(),
                "max-results=2",
                "ListAppInstances",
            ),
            (
                "DELETE",
                format!("/app-instance-users/{arn}"),
                "",
                "DeleteAppInstanceUser",
            ),
            (
                "POST",
                format!("/channels/{arn}/messages"),
                "",
                "SendChannelMessage",
            ),
            ("GET", format!("/channels/{arn}"), "", "DescribeChannel"),
            (
                "GET",
                format!("/channels/{arn}"),
                "scope=app-instance-user-membership",
                "DescribeChannelMembershipForAppInstanceUser",
            ),
            (
                "POST",
                "/tags".to_string(),
                "operation=tag-resource",
                "TagResource",
            ),
            (
                "POST",
                "/tags".to_string(),
                "operation=untag-resource",
                "UntagResource",
            ),
            ("GET", "/tags".to_string(), "arn=x", "ListTagsForResource"),
        ];
        for (method, path, query, op) in cases {
            assert_eq!(
                m.rest_operation(method, &path, query).as_deref(),
                Some(op),
                "{method} {path}?{query}"
            );
        }
        assert_eq!(m.rest_operation("PATCH", "/tags", ""), None);
    }

    #[test]
    fn mutating_calls_come_from_all_three_models_and_exclude_reads() {
        let ops = mutating();
        for op in [
            "CreateStream",
            "StartStreamEncryption",
            "PutMessagingStreamingConfigurations",
            "CreateAppInstance",
            "TagResource",
            "UntagResource",
            "UpdateShardCount",
        ] {
            assert!(ops.iter().any(|o| o == op), "{op} missing");
        }
        for op in [
            "DescribeStreamSummary",
            "ListTagsForStream",
            "GetMessagingStreamingConfigurations",
            "SearchChannels",
        ] {
            assert!(!ops.iter().any(|o| o == op), "{op} is a read");
        }
    }
}
