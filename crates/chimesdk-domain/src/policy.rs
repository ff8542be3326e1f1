//! Whether a resource-based policy (a KMS key policy, a Lex V2 bot alias's
//! resource policy) allows one request: IAM's evaluation of a policy's text
//! for a principal, an action, a resource and the request's condition keys.
//! A Deny that applies wins; an Allow is needed otherwise.
//!
//! What cannot be judged from the policy text (NotPrincipal, a condition
//! key or operator this evaluator does not know, multi-valued conditions)
//! is reported as such, never guessed.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// A request as a policy sees it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `Principal.AWS` values that name the caller (account IDs, role or
    /// root ARNs).
    pub aws_principals: Vec<String>,
    /// The `Principal.Service` that is the caller, if a service calls.
    pub service_principal: Option<String>,
    pub action: String,
    pub resource: String,
    /// Condition key (lower case) -> the request's value.
    pub context: BTreeMap<String, String>,
}

impl Request {
    fn context(&self, key: &str) -> Option<String> {
        self.context.get(&key.to_ascii_lowercase()).cloned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A statement allows it and none denies it.
    Allowed,
    /// No statement allows it.
    NotAllowed,
    /// This statement denies it.
    Denied { statement: String },
    /// The answer depends on something the text does not settle.
    CannotVerify { why: String, statement: String },
}

#[derive(Debug, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    Unsure(String),
}

impl Match {
    fn and(self, other: impl FnOnce() -> Match) -> Match {
        match self {
            Match::No => Match::No,
            Match::Yes => other(),
            Match::Unsure(why) => match other() {
                Match::No => Match::No,
                _ => Match::Unsure(why),
            },
        }
    }
}

/// IAM's wildcard match: `*` any run, `?` one character.
pub fn glob(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A string or a list of strings.
fn strings(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn principal_matches(statement: &Json, req: &Request, kind: PolicyKind) -> Match {
    if statement.get("NotPrincipal").is_some() {
        return Match::Unsure("the statement uses NotPrincipal".into());
    }
    let Some(principal) = statement.get("Principal") else {
        // An identity policy's statements name no principal: the identity
        // it is attached to is the caller.
        return match kind {
            PolicyKind::Identity => Match::Yes,
            PolicyKind::Resource => Match::No,
        };
    };
    if principal.as_str() == Some("*") {
        return Match::Yes;
    }
    let aws = principal.get("AWS").map(strings).unwrap_or_default();
    if aws
        .iter()
        .any(|p| p == "*" || req.aws_principals.contains(p))
    {
        return Match::Yes;
    }
    let services = principal.get("Service").map(strings).unwrap_or_default();
    match &req.service_principal {
        Some(s) if services.iter().any(|p| p.eq_ignore_ascii_case(s)) => Match::Yes,
        _ => Match::No,
    }
}

fn action_matches(statement: &Json, req: &Request) -> Match {
    let hit = |list: &Json| strings(list).iter().any(|p| glob(p, &req.action, true));
    match (statement.get("Action"), statement.get("NotAction")) {
        (Some(a), _) => {
            if hit(a) {
                Match::Yes
            } else {
                Match::No
            }
        }
        (None, Some(n)) => {
            if hit(n) {
                Match::No
            } else {
                Match::Yes
            }
        }
        (None, None) => Match::No,
    }
}

fn resource_matches(statement: &Json, req: &Request) -> Match {
    match (statement.get("Resource"), statement.get("NotResource")) {
        (Some(r), _) => {
            if strings(r).iter().any(|p| glob(p, &req.resource, false)) {
                Match::Yes
            } else {
                Match::No
            }
        }
        (None, Some(n)) => {
            if strings(n).iter().any(|p| glob(p, &req.resource, false)) {
                Match::No
            } else {
                Match::Yes
            }
        }
        // A resource policy may leave Resource out: it is the resource itself.
        (None, None) => Match::Yes,
    }
}

/// One condition operator over its keys; every key must hold.
fn operator_holds(op: &str, keys: &Json, req: &Request) -> Match {
    let Some(keys) = keys.as_object() else {
        return Match::Unsure(format!("the condition {op} is not an object"));
    };
    if op.starts_with("ForAnyValue:") || op.starts_with("ForAllValues:") {
        return Match::Unsure(format!("the condition uses {op}"));
    }
    let (base, if_exists) = match op.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (op, false),
    };
    let mut result = Match::Yes;
    for (key, expected) in keys {
        let Some(actual) = req.context(key) else {
            if if_exists {
                continue;
            }
            return Match::Unsure(format!(
                "the condition key {key} cannot be judged from here"
            ));
        };
        let expected = strings(expected);
        let any = |f: &dyn Fn(&str) -> bool| expected.iter().any(|e| f(e));
        let holds = match base {
            "StringEquals" | "ArnEquals" => any(&|e| e == actual),
            "StringEqualsIgnoreCase" => any(&|e| e.eq_ignore_ascii_case(&actual)),
            "StringLike" | "ArnLike" => any(&|e| glob(e, &actual, false)),
            "StringNotEquals" | "ArnNotEquals" => !any(&|e| e == actual),
            "StringNotEqualsIgnoreCase" => !any(&|e| e.eq_ignore_ascii_case(&actual)),
            "StringNotLike" | "ArnNotLike" => !any(&|e| glob(e, &actual, false)),
            other => {
                return Match::Unsure(format!(
                    "the condition operator {other} is not evaluated here"
                ));
            }
        };
        if !holds {
            result = Match::No;
        }
    }
    result
}

fn conditions_hold(statement: &Json, req: &Request) -> Match {
    let Some(condition) = statement.get("Condition") else {
        return Match::Yes;
    };
    let Some(ops) = condition.as_object() else {
        return Match::Unsure("the Condition is not an object".into());
    };
    let mut result = Match::Yes;
    for (op, keys) in ops {
        result = result.and(|| operator_holds(op, keys, req));
    }
    result
}

fn statement_matches(statement: &Json, req: &Request, kind: PolicyKind) -> Match {
    action_matches(statement, req)
        .and(|| resource_matches(statement, req))
        .and(|| principal_matches(statement, req, kind))
        .and(|| conditions_hold(statement, req))
}

/// A resource-based policy names its principals; an identity policy (a
/// role's) applies to the identity it is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PolicyKind {
    Resource,
    Identity,
}

/// Judges `policy` (a resource-based policy's JSON text) for `req`.
pub fn evaluate(policy: &str, req: &Request) -> Verdict {
    evaluate_as(policy, req, PolicyKind::Resource)
}

/// Judges an identity policy (attached to the caller) for `req`; the
/// request's principals are not consulted.
pub fn evaluate_identity_policy(policy: &str, req: &Request) -> Verdict {
    evaluate_as(policy, req, PolicyKind::Identity)
}

/// Several policies that apply together (a role's attached and inline
/// policies): a Deny in any wins; what cannot be judged in any leaves the
/// answer unjudged (it may hide a Deny); else an Allow in any.
pub fn combine(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    let mut allowed = false;
    let mut unsure = None;
    for v in verdicts {
        match v {
            Verdict::Denied { .. } => return v,
            Verdict::Allowed => allowed = true,
            Verdict::CannotVerify { .. } => {
                unsure.get_or_insert(v);
            }
            Verdict::NotAllowed => {}
        }
    }
    match (unsure, allowed) {
        (Some(v), _) => v,
        (None, true) => Verdict::Allowed,
        (None, false) => Verdict::NotAllowed,
    }
}

fn evaluate_as(policy: &str, req: &Request, kind: PolicyKind) -> Verdict {
    let parsed: Json = match serde_json::from_str(policy) {
        Ok(p) => p,
        Err(e) => {
            return Verdict::CannotVerify {
                why: format!("the policy is not JSON ({e})"),
                statement: String::new(),
            };
        }
    };
    let statements = match parsed.get("Statement") {
        Some(Json::Array(list)) => list.clone(),
        Some(single @ Json::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    };
    let mut allowed = false;
    let mut unsure_allow: Option<Verdict> = None;
    let mut unsure_deny: Option<Verdict> = None;
    for s in &statements {
        let text = serde_json::to_string(s).unwrap_or_default();
        let deny = s.get("Effect").and_then(Json::as_str) == Some("Deny");
        match statement_matches(s, req, kind) {
            Match::No => {}
            Match::Yes if deny => return Verdict::Denied { statement: text },
            Match::Yes => allowed = true,
            Match::Unsure(why) => {
                let slot = if deny {
                    &mut unsure_deny
                } else {
                    &mut unsure_allow
                };
                slot.get_or_insert(Verdict::CannotVerify {
                    why,
                    statement: text,
                });
            }
        }
    }
    // A Deny that may apply leaves even a certain grant uncertain.
    if let Some(v) = unsure_deny {
        return v;
    }
    if allowed {
        return Verdict::Allowed;
    }
    unsure_allow.unwrap_or(Verdict::NotAllowed)
}
