//! Whether a KMS key policy lets Chime SDK messaging write to a stream
//! encrypted with the key: the service-linked role asks for
//! `kms:GenerateDataKey` through Kinesis. The role's AWS managed policy
//! allows that on any key via Kinesis, and an IAM policy counts only if the
//! key policy lets the account's IAM grant it (the account root, or the
//! account ID) or names the role itself.
//!
//! What cannot be judged from the policy text (NotPrincipal, a condition
//! key or operator this evaluator does not know, multi-valued conditions)
//! is reported as such, never guessed.

use serde_json::Value as Json;

/// The role Chime SDK messaging writes with.
pub const SERVICE_LINKED_ROLE: &str = "AWSServiceRoleForChimeSDKMessaging";
/// The action a Kinesis producer needs on a customer-managed key.
pub const ACTION: &str = "kms:GenerateDataKey";

/// The request the service makes, as the policy sees it.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    /// The account of the stream and the role.
    pub account: String,
    pub partition: String,
    pub region: String,
    pub stream_arn: String,
    pub key_arn: String,
}

impl WriteRequest {
    /// The service-linked role's ARN (IAM's path convention for service-linked roles).
    pub fn role_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/aws-service-role/messaging.chime.amazonaws.com/{SERVICE_LINKED_ROLE}",
            self.partition, self.account
        )
    }

    fn via_service(&self) -> String {
        format!("kinesis.{}.amazonaws.com", self.region)
    }

    /// The value a condition key has for this request; `None`: unknown here.
    fn context(&self, key: &str) -> Option<String> {
        match key.to_ascii_lowercase().as_str() {
            "kms:viaservice" => Some(self.via_service()),
            "kms:calleraccount" | "aws:principalaccount" => Some(self.account.clone()),
            "aws:principalarn" => Some(self.role_arn()),
            "kms:encryptioncontext:aws:kinesis:arn" => Some(self.stream_arn.clone()),
            "aws:principaltype" => Some("AssumedRole".into()),
            _ => None,
        }
    }

    /// The statement that lets the role use the key, for a fix.
    pub fn statement_to_add(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "Sid": "AllowChimeSdkMessagingToWriteToKinesis",
            "Effect": "Allow",
            "Principal": { "AWS": self.role_arn() },
            "Action": ACTION,
            "Resource": "*",
            "Condition": { "StringEquals": { "kms:ViaService": self.via_service() } }
        }))
        .expect("a literal serializes")
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
fn glob(pattern: &str, text: &str, case_insensitive: bool) -> bool {
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

fn principal_matches(statement: &Json, req: &WriteRequest) -> Match {
    if statement.get("NotPrincipal").is_some() {
        return Match::Unsure("the statement uses NotPrincipal".into());
    }
    let Some(principal) = statement.get("Principal") else {
        return Match::No;
    };
    if principal.as_str() == Some("*") {
        return Match::Yes;
    }
    let aws = principal.get("AWS").map(strings).unwrap_or_default();
    let root = format!("arn:{}:iam::{}:root", req.partition, req.account);
    let role = req.role_arn();
    if aws
        .iter()
        .any(|p| p == "*" || *p == req.account || *p == root || *p == role)
    {
        Match::Yes
    } else {
        Match::No
    }
}

fn action_matches(statement: &Json) -> Match {
    let hit = |list: &Json| strings(list).iter().any(|p| glob(p, ACTION, true));
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

fn resource_matches(statement: &Json, req: &WriteRequest) -> Match {
    match (statement.get("Resource"), statement.get("NotResource")) {
        (Some(r), _) => {
            if strings(r).iter().any(|p| glob(p, &req.key_arn, false)) {
                Match::Yes
            } else {
                Match::No
            }
        }
        (None, Some(n)) => {
            if strings(n).iter().any(|p| glob(p, &req.key_arn, false)) {
                Match::No
            } else {
                Match::Yes
            }
        }
        // Key policies may leave Resource out: it is the key itself.
        (None, None) => Match::Yes,
    }
}

/// One condition operator over its keys; every key must hold.
fn operator_holds(op: &str, keys: &Json, req: &WriteRequest) -> Match {
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

fn conditions_hold(statement: &Json, req: &WriteRequest) -> Match {
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

fn statement_matches(statement: &Json, req: &WriteRequest) -> Match {
    action_matches(statement)
        .and(|| resource_matches(statement, req))
        .and(|| principal_matches(statement, req))
        .and(|| conditions_hold(statement, req))
}

/// Judges `policy` (the key policy's JSON text) for `req`.
pub fn evaluate(policy: &str, req: &WriteRequest) -> Verdict {
    let parsed: Json = match serde_json::from_str(policy) {
        Ok(p) => p,
        Err(e) => {
            return Verdict::CannotVerify {
                why: format!("the key policy is not JSON ({e})"),
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
        match statement_matches(s, req) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> WriteRequest {
        WriteRequest {
            account: "123456789012".into(),
            partition: "aws".into(),
            region: "us-east-1".into(),
            stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a".into(),
            key_arn: "arn:aws:kms:us-east-1:123456789012:key/k-1".into(),
        }
    }

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/aws-service-role/messaging.chime.amazonaws.com/AWSServiceRoleForChimeSDKMessaging";

    #[test]
    fn a_table_of_statements() {
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "the default key policy: the account root, kms:*",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}"#),
                "Allowed",
            ),
            (
                "the account ID as a plain string",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:GenerateDataKey*","Resource":"*"}"#),
                "Allowed",
            ),
            (
                "the role in a list, action in a list, with the Kinesis ViaService",
                policy(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":["arn:aws:iam::111122223333:root","{ROLE}"]}},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:ViaService":"kinesis.us-east-1.amazonaws.com"}}}}}}"#)),
                "Allowed",
            ),
            (
                "principal * with a CallerAccount condition",
                policy(r#"{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"123456789012"}}}"#),
                "Allowed",
            ),
            (
                "principal {AWS: *} with StringLike ViaService",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:GenerateDataKey","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"kinesis.*.amazonaws.com"}}}"#),
                "Allowed",
            ),
            (
                "the encryption context of this stream",
                policy(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{ROLE}"}},"Action":"kms:GenerateDataKey","Resource":"*","Condition":{{"ArnLike":{{"kms:EncryptionContext:aws:kinesis:arn":"arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-*"}}}}}}"#)),
                "Allowed",
            ),
            (
                "only another principal",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "a service principal is not the role",
                policy(r#"{"Effect":"Allow","Principal":{"Service":"messaging.chime.amazonaws.com"},"Action":"kms:*","Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "the right principal, another action",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["kms:Decrypt","kms:Describe*"],"Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "ViaService for another service",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}"#),
                "NotAllowed",
            ),
            (
                "ViaService for another region",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"kinesis.eu-central-1.amazonaws.com"}}}"#),
                "NotAllowed",
            ),
            (
                "an explicit Deny beats the root grant",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"NoKinesis","Effect":"Deny","Principal":"*","Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"kinesis.*.amazonaws.com"}}}"#),
                "Denied",
            ),
            (
                "NotAction that leaves GenerateDataKey in",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}"#),
                "Allowed",
            ),
            (
                "NotAction that takes GenerateDataKey out",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"NotAction":"kms:Generate*","Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "NotPrincipal cannot be judged",
                policy(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/x"},"Action":"kms:*","Resource":"*"}"#),
                "CannotVerify",
            ),
            (
                "an unknown condition key cannot be judged",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}"#),
                "CannotVerify",
            ),
            (
                "IfExists on an unknown key passes",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}"#),
                "Allowed",
            ),
            (
                "an unsure Deny keeps a grant from being certain",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#),
                "CannotVerify",
            ),
            (
                "a single statement object, not a list",
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*"}}"#.to_string(),
                "Allowed",
            ),
            ("not JSON", "{".to_string(), "CannotVerify"),
        ];
        for (what, text, expected) in cases {
            let got = evaluate(&text, &req());
            let name = match &got {
                Verdict::Allowed => "Allowed",
                Verdict::NotAllowed => "NotAllowed",
                Verdict::Denied { .. } => "Denied",
                Verdict::CannotVerify { .. } => "CannotVerify",
            };
            assert_eq!(name, expected, "{what}: {got:?}");
        }
        assert_eq!(evaluate(&policy(""), &req()), Verdict::NotAllowed);
    }

    #[test]
    fn a_deny_is_quoted_and_the_fix_names_the_role_and_region() {
        let denying = r#"{"Sid":"NoKinesis","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}"#;
        match evaluate(&policy(denying), &req()) {
            Verdict::Denied { statement } => {
                assert!(statement.contains("NoKinesis"), "{statement}")
            }
            other => panic!("{other:?}"),
        }
        let fix = req().statement_to_add();
        assert!(
            fix.contains(ROLE) && fix.contains("kinesis.us-east-1.amazonaws.com"),
            "{fix}"
        );
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(glob("kms:Generate*", "kms:GenerateDataKey", true));
        assert!(glob("KMS:generatedatakey", "kms:GenerateDataKey", true));
        assert!(glob("kms:GenerateDataKe?", "kms:GenerateDataKey", true));
        assert!(!glob(
            "kms:GenerateDataKeyPair*",
            "kms:GenerateDataKey",
            true
        ));
        assert!(glob("*", "anything", false));
        assert!(
            !glob("Kinesis.*", "kinesis.us-east-1", false),
            "values are case-sensitive"
        );
    }
}
