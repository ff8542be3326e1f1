//! Whether a channel flow processor's Lambda function lets Chime SDK
//! messaging invoke it, and whether its execution role may answer: the
//! developer guide ("processor-setup") has the service principal
//! `messaging.chime.amazonaws.com` call `lambda:InvokeFunction`, with
//! `AWS:SourceAccount` the account and an `AWS:SourceArn` covering the
//! AppInstance, and the role allowed `chime:ChannelFlowCallback`.
//!
//! The request judged carries the AppInstance's ARN as its source ARN. The
//! guide writes the condition as `arn:aws:chime:REGION:ACCOUNT:appInstance/`
//! with a wildcard; which ARN the service sends and how it matches it is
//! unverified. chimesdk-local judges a policy with this same module before
//! it invokes a function, so local runs and plans agree.

use super::policy::{self, Request, Verdict};

/// The principal the service invokes processors as.
pub const SERVICE_PRINCIPAL: &str = "messaging.chime.amazonaws.com";
/// What the service calls on the function.
pub const INVOKE: &str = "lambda:InvokeFunction";
/// What the processor calls back with.
pub const CALLBACK: &str = "chime:ChannelFlowCallback";

/// A processor's function as one AppInstance's channel flows use it.
#[derive(Debug, Clone)]
pub struct ProcessorUse {
    pub account: String,
    pub app_instance_arn: String,
    /// As the processor names it (a qualifier included).
    pub function_arn: String,
}

impl ProcessorUse {
    fn invoke_request(&self) -> Request {
        Request {
            aws_principals: Vec::new(),
            service_principal: Some(SERVICE_PRINCIPAL.to_string()),
            action: INVOKE.to_string(),
            resource: self.function_arn.clone(),
            context: [
                ("aws:sourceaccount", self.account.clone()),
                ("aws:sourcearn", self.app_instance_arn.clone()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        }
    }

    /// Judges the function's resource policy (GetPolicy's text).
    pub fn invoke_verdict(&self, policy: &str) -> Verdict {
        policy::evaluate(policy, &self.invoke_request())
    }

    /// Judges the execution role's identity policies together: may the
    /// processor call back for a channel of the AppInstance?
    pub fn callback_verdict<'p>(
        &self,
        role_policies: impl IntoIterator<Item = &'p str>,
    ) -> Verdict {
        let req = Request {
            action: CALLBACK.to_string(),
            resource: format!("{}/channel/*", self.app_instance_arn),
            ..Request::default()
        };
        policy::combine(
            role_policies
                .into_iter()
                .map(|p| policy::evaluate_identity_policy(p, &req)),
        )
    }

    /// The statement that lets the service invoke the function for this
    /// AppInstance, for a fix; the same as
    /// `aws lambda add-permission --principal messaging.chime.amazonaws.com
    /// --source-account ACCOUNT --source-arn APP_INSTANCE_ARN`.
    pub fn statement_to_add(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "Sid": "AllowChimeSdkMessagingChannelFlows",
            "Effect": "Allow",
            "Principal": { "Service": SERVICE_PRINCIPAL },
            "Action": INVOKE,
            "Resource": self.function_arn,
            "Condition": {
                "StringEquals": { "AWS:SourceAccount": self.account },
                "ArnLike": { "AWS:SourceArn": self.app_instance_arn }
            }
        }))
        .expect("a literal serializes")
    }

    /// The same grant as an AWS CLI command.
    pub fn add_permission_command(&self) -> String {
        format!(
            "aws lambda add-permission --function-name {} --statement-id AllowChimeSdkMessagingChannelFlows \
             --action {INVOKE} --principal {SERVICE_PRINCIPAL} --source-account {} --source-arn {}",
            self.function_arn, self.account, self.app_instance_arn
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/app";
    const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:filter";

    fn processor() -> ProcessorUse {
        ProcessorUse {
            account: "123456789012".into(),
            app_instance_arn: APP.into(),
            function_arn: FUNCTION.into(),
        }
    }

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    fn statement(effect: &str, principal: &str, condition: &str) -> String {
        format!(
            r#"{{"Effect":"{effect}","Principal":{{"Service":"{principal}"}},"Action":"lambda:InvokeFunction","Resource":"{FUNCTION}"{condition}}}"#
        )
    }

    fn kind(v: &Verdict) -> &'static str {
        match v {
            Verdict::Allowed => "Allowed",
            Verdict::NotAllowed => "NotAllowed",
            Verdict::Denied { .. } => "Denied",
            Verdict::CannotVerify { .. } => "CannotVerify",
        }
    }

    #[test]
    fn the_statement_to_add_allows_the_invocation() {
        let p = processor();
        let fix: serde_json::Value = serde_json::from_str(&p.statement_to_add()).unwrap();
        assert_eq!(
            p.invoke_verdict(&policy(&fix.to_string())),
            Verdict::Allowed
        );
        let command = p.add_permission_command();
        assert!(
            command.contains(&format!("--source-arn {APP}")),
            "{command}"
        );
    }

    #[test]
    fn a_table_of_function_policies() {
        let source = |op: &str, arn: &str| {
            format!(
                r#","Condition":{{"{op}":{{"AWS:SourceArn":"{arn}"}},"StringEquals":{{"AWS:SourceAccount":"123456789012"}}}}"#
            )
        };
        let right = source("ArnLike", APP);
        let cases = [
            (
                "the public examples' principal",
                policy(&statement("Allow", "chime.amazonaws.com", &right)),
                "NotAllowed",
            ),
            (
                "the guide's principal and conditions",
                policy(&statement("Allow", SERVICE_PRINCIPAL, &right)),
                "Allowed",
            ),
            (
                "a wildcard over every AppInstance of the account",
                policy(&statement(
                    "Allow",
                    SERVICE_PRINCIPAL,
                    &source(
                        "ArnLike",
                        "arn:aws:chime:us-east-1:123456789012:app-instance/*",
                    ),
                )),
                "Allowed",
            ),
            (
                "another AppInstance",
                policy(&statement(
                    "Allow",
                    SERVICE_PRINCIPAL,
                    &source("ArnLike", &APP.replace("/app", "/other")),
                )),
                "NotAllowed",
            ),
            (
                "a Deny of the service beside the grant",
                policy(&format!(
                    "{},{}",
                    statement("Allow", SERVICE_PRINCIPAL, &right),
                    statement("Deny", SERVICE_PRINCIPAL, "")
                )),
                "Denied",
            ),
            (
                "a condition key the check cannot judge",
                policy(&statement(
                    "Allow",
                    SERVICE_PRINCIPAL,
                    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}"#,
                )),
                "CannotVerify",
            ),
            ("no policy statement at all", policy(""), "NotAllowed"),
        ];
        for (what, text, expected) in cases {
            assert_eq!(
                kind(&processor().invoke_verdict(&text)),
                expected,
                "{what}: {text}"
            );
        }
    }

    #[test]
    fn the_role_may_call_back_by_any_of_its_policies() {
        let p = processor();
        let grant = |action: &str, resource: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
            )
        };
        let logs = grant("logs:*", "*");
        let callback = grant(CALLBACK, &format!("{APP}/*"));
        let everything = grant("chime:*", "*");
        let other_app = grant(
            CALLBACK,
            "arn:aws:chime:us-east-1:123456789012:app-instance/x/*",
        );
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":"chime:*","Resource":"*"}]}"#;
        let unsure = r#"{"Statement":[{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        assert_eq!(kind(&p.callback_verdict([logs.as_str()])), "NotAllowed");
        assert_eq!(
            kind(&p.callback_verdict([logs.as_str(), callback.as_str()])),
            "Allowed"
        );
        assert_eq!(kind(&p.callback_verdict([everything.as_str()])), "Allowed");
        assert_eq!(
            kind(&p.callback_verdict([other_app.as_str()])),
            "NotAllowed"
        );
        assert_eq!(
            kind(&p.callback_verdict([callback.as_str(), deny])),
            "Denied"
        );
        assert_eq!(kind(&p.callback_verdict([unsure])), "CannotVerify");
        assert_eq!(kind(&p.callback_verdict([])), "NotAllowed");
    }
}
