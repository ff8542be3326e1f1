//! The service models' input constraints (required members, lengths, ranges,
//! patterns, enums), generated from botocore into `constraints.json` by
//! `scripts/gen-local-model` and checked for every request before a handler
//! runs: what the service would refuse is refused here too.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File {
    services: BTreeMap<String, ServiceFile>,
}

#[derive(Deserialize)]
struct ServiceFile {
    operations: BTreeMap<String, OperationFile>,
    shapes: HashMap<String, ShapeFile>,
}

#[derive(Deserialize)]
struct OperationFile {
    method: String,
    uri: String,
    input: String,
}

#[derive(Deserialize)]
struct ShapeFile {
    r#type: String,
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<String>,
    r#enum: Option<Vec<String>>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    sensitive: bool,
    member: Option<String>,
    key: Option<String>,
    value: Option<String>,
    #[serde(default)]
    members: BTreeMap<String, MemberFile>,
}

#[derive(Deserialize)]
struct MemberFile {
    shape: String,
    location: Option<String>,
    #[serde(rename = "locationName")]
    location_name: Option<String>,
}

/// Where a member of an input travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Body,
    Uri,
    Header,
    Query,
}

struct Member {
    name: String,
    shape: usize,
    location: Location,
    /// The wire name: the URI label, header or query key.
    wire: String,
}

struct Shape {
    kind: String,
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<(regex_lite::Regex, String)>,
    allowed: Option<Vec<String>>,
    required: Vec<String>,
    sensitive: bool,
    member: Option<usize>,
    key: Option<usize>,
    value: Option<usize>,
    members: Vec<Member>,
}

enum Segment {
    Literal(String),
    Label(String),
}

/// One served operation: how its requests look and what its input allows.
pub struct Operation {
    /// The model's name (`chime-sdk-identity`).
    pub service: String,
    pub name: String,
    method: String,
    segments: Vec<Segment>,
    /// `?operation=redact`-style literals a request must carry.
    query: Vec<(String, String)>,
    input: usize,
}

impl Operation {
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path as the router writes it: `/channels/{channelArn}`.
    pub fn axum_path(&self) -> String {
        let mut path = String::new();
        for s in &self.segments {
            path.push('/');
            match s {
                Segment::Literal(l) => path.push_str(l),
                Segment::Label(name) => {
                    path.push('{');
                    path.push_str(name);
                    path.push('}');
                }
            }
        }
        path
    }

    /// How many query literals the operation has (`operation=redact`: one).
    pub fn query_literals(&self) -> usize {
        self.query.len()
    }

    /// Whether a query carries this operation's literals (`operation=redact`).
    pub fn carries(&self, query: &[(String, String)]) -> bool {
        self.query.iter().all(|q| query.contains(q))
    }

    /// The URI labels of a path of this operation, decoded; `None` when the
    /// path is not this operation's.
    pub fn labels(&self, path: &str) -> Option<HashMap<String, String>> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut labels = HashMap::new();
        for (want, got) in self.segments.iter().zip(segments) {
            match want {
                Segment::Literal(l) if *l == got => {}
                Segment::Literal(_) => return None,
                Segment::Label(name) => {
                    labels.insert(name.clone(), got);
                }
            }
        }
        Some(labels)
    }
}

pub struct Models {
    operations: Vec<Operation>,
    shapes: Vec<Shape>,
}

static MODELS: LazyLock<Models> = LazyLock::new(|| {
    Models::parse(include_str!("constraints.json")).expect("constraints.json is generated")
});

pub fn models() -> &'static Models {
    &MODELS
}

impl Models {
    fn parse(text: &str) -> Result<Models, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut models = Models {
            operations: Vec::new(),
            shapes: Vec::new(),
        };
        for (service_name, service) in &file.services {
            // Shape names are per service: index them into one table.
            let names: Vec<&String> = service.shapes.keys().collect();
            let base = models.shapes.len();
            let index = |name: &str| -> Result<usize, String> {
                names
                    .iter()
                    .position(|n| n.as_str() == name)
                    .map(|i| base + i)
                    .ok_or_else(|| format!("unknown shape {name}"))
            };
            for name in &names {
                let s = &service.shapes[name.as_str()];
                let pattern = match &s.pattern {
                    Some(p) => Some((
                        regex_lite::Regex::new(&format!("^(?:{p})$"))
                            .map_err(|e| format!("pattern of {name}: {e}"))?,
                        p.clone(),
                    )),
                    None => None,
                };
                let members = s
                    .members
                    .iter()
                    .map(|(member, m)| {
                        Ok(Member {
                            name: member.clone(),
                            shape: index(&m.shape)?,
                            location: match m.location.as_deref() {
                                None => Location::Body,
                                Some("uri") => Location::Uri,
                                Some("header") => Location::Header,
                                Some("querystring") => Location::Query,
                                Some(other) => return Err(format!("location {other}")),
                            },
                            wire: m.location_name.clone().unwrap_or_else(|| member.clone()),
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                let opt = |n: &Option<String>| n.as_deref().map(index).transpose();
                models.shapes.push(Shape {
                    kind: s.r#type.clone(),
                    min: s.min,
                    max: s.max,
                    pattern,
                    allowed: s.r#enum.clone(),
                    required: s.required.clone(),
                    sensitive: s.sensitive,
                    member: opt(&s.member)?,
                    key: opt(&s.key)?,
                    value: opt(&s.value)?,
                    members,
                });
            }
            for (name, op) in &service.operations {
                let (path, query) = op.uri.split_once('?').unwrap_or((&op.uri, ""));
                models.operations.push(Operation {
                    service: service_name.clone(),
                    name: name.clone(),
                    method: op.method.clone(),
                    segments: path
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(
                            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                                Some(label) => {
                                    Segment::Label(label.trim_end_matches('+').to_string())
                                }
                                None => Segment::Literal(s.to_string()),
                            },
                        )
                        .collect(),
                    query: query
                        .split('&')
                        .filter(|kv| !kv.is_empty())
                        .map(|kv| {
                            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                            (k.to_string(), v.to_string())
                        })
                        .collect(),
                    input: index(&op.input)?,
                });
            }
        }
        Ok(models)
    }

    /// The served operation of this service and name.
    pub fn by_name(&self, service: &str, name: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.service == service && op.name == name)
    }

    /// The operation a request is for, with its URI labels decoded; the one
    /// with the most query literals wins (`?operation=redact` over none).
    /// The router knows each route's operation; tests ask here.
    #[cfg(test)]
    pub fn operation(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
    ) -> Option<(&Operation, HashMap<String, String>)> {
        self.operations
            .iter()
            .filter(|op| op.method == method && op.carries(query))
            .filter_map(|op| Some((op, op.labels(path)?)))
            .max_by_key(|(op, _)| op.query.len())
    }

    /// Every way the request breaks its operation's input constraints.
    pub fn problems(
        &self,
        op: &Operation,
        labels: &HashMap<String, String>,
        headers: &axum::http::HeaderMap,
        query: &[(String, String)],
        body: &Value,
    ) -> Vec<String> {
        let input = &self.shapes[op.input];
        let mut problems = Vec::new();
        for m in &input.members {
            let value = match m.location {
                Location::Body => body.get(&m.name).filter(|v| !v.is_null()).cloned(),
                Location::Uri => labels.get(&m.wire).map(|v| Value::String(v.clone())),
                Location::Header => headers
                    .get(&m.wire)
                    .and_then(|v| v.to_str().ok())
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_string())),
                Location::Query => query
                    .iter()
                    .find(|(k, _)| *k == m.wire)
                    .map(|(_, v)| self.query_value(m.shape, v)),
            };
            match value {
                Some(v) => self.check(m.shape, &v, &m.name, &mut problems),
                None if input.required.contains(&m.name) => problems.push(match m.location {
                    Location::Header => format!("The {} header ({}) is required", m.wire, m.name),
                    _ => format!("{} is required", m.name),
                }),
                None => {}
            }
        }
        problems
    }

    /// Query values are text on the wire; numbers are checked as numbers.
    fn query_value(&self, shape: usize, raw: &str) -> Value {
        match self.shapes[shape].kind.as_str() {
            "integer" | "long" => raw
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(raw.to_string())),
            _ => Value::String(raw.to_string()),
        }
    }

    fn check(&self, shape: usize, value: &Value, at: &str, out: &mut Vec<String>) {
        let s = &self.shapes[shape];
        let shown = |v: &str| {
            if s.sensitive {
                String::new()
            } else {
                format!(" ({})", excerpt(v))
            }
        };
        match (s.kind.as_str(), value) {
            ("string", Value::String(v)) => {
                let n = v.chars().count() as f64;
                if s.outside(n) {
                    out.push(format!(
                        "{at} must be {} characters long; it has {n}{}",
                        bounds(s.min, s.max),
                        shown(v)
                    ));
                } else if let Some(allowed) = &s.allowed
                    && !allowed.contains(v)
                {
                    out.push(format!(
                        "{at} must be one of {}, not {v:?}",
                        allowed.join(", ")
                    ));
                } else if let Some((re, text)) = &s.pattern
                    && !re.is_match(v)
                {
                    out.push(format!("{at} must match the pattern {text}{}", shown(v)));
                }
            }
            ("integer" | "long", Value::Number(n)) if n.is_i64() || n.is_u64() => {
                if s.outside(n.as_f64().unwrap_or_default()) {
                    out.push(format!("{at} must be {}; it is {n}", range(s.min, s.max)));
                }
            }
            ("boolean", Value::Bool(_)) | ("timestamp", Value::Number(_) | Value::String(_)) => {}
            ("blob", Value::String(_)) => {}
            ("list", Value::Array(items)) => {
                let n = items.len() as f64;
                if s.outside(n) {
                    out.push(format!(
                        "{at} must have {} items; it has {n}",
                        bounds(s.min, s.max)
                    ));
                }
                if let Some(member) = s.member {
                    for (i, item) in items.iter().enumerate() {
                        self.check(member, item, &format!("{at}[{i}]"), out);
                    }
                }
            }
            ("map", Value::Object(entries)) => {
                let n = entries.len() as f64;
                if s.outside(n) {
                    out.push(format!(
                        "{at} must have {} entries; it has {n}",
                        bounds(s.min, s.max)
                    ));
                }
                for (k, v) in entries {
                    if let Some(key) = s.key {
                        self.check(key, &Value::String(k.clone()), &format!("{at} key"), out);
                    }
                    if let Some(value) = s.value {
                        self.check(value, v, &format!("{at}.{k}"), out);
                    }
                }
            }
            ("structure", Value::Object(fields)) => {
                for m in &s.members {
                    match fields.get(&m.name).filter(|v| !v.is_null()) {
                        Some(v) => self.check(m.shape, v, &format!("{at}.{}", m.name), out),
                        None if s.required.contains(&m.name) => {
                            out.push(format!("{at}.{} is required", m.name));
                        }
                        None => {}
                    }
                }
            }
            (kind, _) => out.push(format!("{at} must be {}", article(kind))),
        }
    }
}

impl Shape {
    /// A length, count or number outside the shape's min..=max.
    fn outside(&self, n: f64) -> bool {
        self.min.is_some_and(|min| n < min) || self.max.is_some_and(|max| n > max)
    }
}

/// A value as an error message shows it: quoted, and only its start when long.
fn excerpt(v: &str) -> String {
    const SHOWN: usize = 80;
    let n = v.chars().count();
    if n <= SHOWN {
        return format!("{v:?}");
    }
    let head: String = v.chars().take(SHOWN).collect();
    format!("{head:?}... ({} more characters)", n - SHOWN)
}

fn bounds(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any number of".into(),
    }
}

fn range(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("from {a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "a number".into(),
    }
}

fn article(kind: &str) -> &'static str {
    match kind {
        "string" => "a string",
        "integer" | "long" => "an integer",
        "boolean" => "a boolean",
        "timestamp" => "a timestamp",
        "blob" => "base64 text",
        "list" => "a list",
        "map" => "an object (a map)",
        "structure" => "an object",
        _ => "of the modelled type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(method: &str, path: &str, query: &[(&str, &str)], body: Value) -> Vec<String> {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (op, labels) = models()
            .operation(method, path, &query)
            .expect("a served operation");
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            "x-amz-chime-bearer",
            "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/u"
                .parse()
                .unwrap(),
        );
        models().problems(op, &labels, &headers, &query, &body)
    }

    const CHANNEL: &str =
        "/channels/arn%3Aaws%3Achime%3Aus-east-1%3A123456789012%3Aapp-instance%2Fa%2Fchannel%2Fc";

    #[test]
    fn every_pattern_in_the_models_compiles() {
        // LazyLock would panic on first use otherwise.
        assert!(models().operations.len() >= 30);
    }

    #[test]
    fn a_valid_message_passes_and_oversized_members_are_named() {
        let ok = json!({ "Content": "hi", "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": "tok-1", "Metadata": "m" });
        assert_eq!(
            problems("POST", &format!("{CHANNEL}/messages"), &[], ok.clone()),
            Vec::<String>::new()
        );
        let mut big = ok.clone();
        big["Metadata"] = json!("x".repeat(1_500_000));
        let p = problems("POST", &format!("{CHANNEL}/messages"), &[], big);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("Metadata must be 0 to 1024 characters long; it has 1500000"),
            "{p:?}"
        );
        assert!(
            !p[0].contains("xxx"),
            "Metadata is sensitive: not echoed: {p:?}"
        );
    }

    #[test]
    fn nested_members_enums_and_required_members_are_checked() {
        let body = json!({ "AppInstanceArn": "arn:aws:chime:us-east-1:123456789012:app-instance/a", "ClientRequestToken": "t!", "Mode": "OPEN", "ElasticChannelConfiguration": { "MaximumSubChannels": 1, "TargetMembershipsPerSubChannel": 2 } });
        let p = problems("POST", "/channels", &[], body);
        let text = p.join("\n");
        assert!(text.contains("Name is required"), "{text}");
        assert!(
            text.contains("Mode must be one of UNRESTRICTED, RESTRICTED"),
            "{text}"
        );
        assert!(
            text.contains("ClientRequestToken must match the pattern"),
            "{text}"
        );
        assert!(
            text.contains(
                "ElasticChannelConfiguration.MaximumSubChannels must be at least 2; it is 1"
            ),
            "{text}"
        );
        assert!(
            text.contains("ElasticChannelConfiguration.MinimumMembershipPercentage is required"),
            "{text}"
        );
    }

    #[test]
    fn uri_labels_and_query_values_are_checked_and_redact_is_its_own_operation() {
        let (op, _) = models()
            .operation(
                "POST",
                &format!("{CHANNEL}/messages/m1"),
                &[("operation".into(), "redact".into())],
            )
            .unwrap();
        assert_eq!(op.name, "RedactChannelMessage");
        let p = problems(
            "GET",
            "/channels/short/messages",
            &[("max-results", "51")],
            json!({}),
        );
        let text = p.join("\n");
        assert!(
            text.contains("ChannelArn must be 5 to 1600 characters long")
                || text.contains("ChannelArn must match"),
            "{text}"
        );
        assert!(
            text.contains("MaxResults must be from 1 to 50; it is 51"),
            "{text}"
        );
        assert!(models().operation("GET", "/no-such-thing", &[]).is_none());
    }
}
