//! Whether a Lex V2 bot alias's resource policy lets Chime SDK messaging
//! run the bot for an AppInstance's AppInstanceBots: the developer guide
//! ("appinstance-bots") has the service principal
//! `messaging.chime.amazonaws.com` call `lex:PutSession`,
//! `lex:DeleteSession` and `lex:RecognizeText` on the alias, with
//! `AWS:SourceAccount` the account and `AWS:SourceArn` the AppInstanceBot.
//!
//! Before a bot is created its ARN is not known: the request then carries
//! `APP_INSTANCE_ARN/bot/*` as its source ARN, which a policy's pattern
//! matches only when it covers every bot of the AppInstance (a policy that
//! names one bot ARN does not). How the service matches the source ARN is
//! unverified.

use super::policy::{self, Request, Verdict};

/// The principal the service calls Lex as.
pub const SERVICE_PRINCIPAL: &str = "messaging.chime.amazonaws.com";
/// What the service calls on the alias.
pub const ACTIONS: [&str; 3] = ["lex:PutSession", "lex:DeleteSession", "lex:RecognizeText"];

/// An AppInstanceBot's use of a bot alias.
#[derive(Debug, Clone)]
pub struct BotUse {
    pub account: String,
    pub app_instance_arn: String,
    /// `None` before the bot is created.
    pub bot_arn: Option<String>,
    pub alias_arn: String,
}

impl BotUse {
    fn source_arn(&self) -> String {
        self.bot_arn
            .clone()
            .unwrap_or_else(|| format!("{}/bot/*", self.app_instance_arn))
    }

    fn request(&self, action: &str) -> Request {
        Request {
            aws_principals: Vec::new(),
            service_principal: Some(SERVICE_PRINCIPAL.to_string()),
            action: action.to_string(),
            resource: self.alias_arn.clone(),
            context: [
                ("aws:sourceaccount", self.account.clone()),
                ("aws:sourcearn", self.source_arn()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        }
    }

    /// The statement that lets the service run the alias for every bot of
    /// the AppInstance, for a fix.
    pub fn statement_to_add(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "Sid": "AllowChimeSdkMessagingAppInstanceBots",
            "Effect": "Allow",
            "Principal": { "Service": SERVICE_PRINCIPAL },
            "Action": ACTIONS,
            "Resource": self.alias_arn,
            "Condition": {
                "StringEquals": { "AWS:SourceAccount": self.account },
                "ArnLike": { "AWS:SourceArn": format!("{}/bot/*", self.app_instance_arn) }
            }
        }))
        .expect("a literal serializes")
    }
}

/// Judges the alias's policy for every action the service calls: the first
/// that is not allowed decides (a Deny first, then what cannot be judged,
/// then a missing grant), with the action it is about.
pub fn evaluate(policy: &str, bot: &BotUse) -> Result<(), (&'static str, Verdict)> {
    let verdicts: Vec<(&'static str, Verdict)> = ACTIONS
        .iter()
        .map(|a| (*a, policy::evaluate(policy, &bot.request(a))))
        .collect();
    let rank = |v: &Verdict| match v {
        Verdict::Denied { .. } => 0,
        Verdict::CannotVerify { .. } => 1,
        Verdict::NotAllowed => 2,
        Verdict::Allowed => 3,
    };
    match verdicts.into_iter().min_by_key(|(_, v)| rank(v)) {
        Some((_, Verdict::Allowed)) | None => Ok(()),
        Some(worst) => Err(worst),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/app";
    const ALIAS: &str = "arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID12345/ALIASID123";

    fn bot(arn: Option<&str>) -> BotUse {
        BotUse {
            account: "123456789012".into(),
            app_instance_arn: APP.into(),
            bot_arn: arn.map(str::to_string),
            alias_arn: ALIAS.into(),
        }
    }

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    fn allow(principal: &str, actions: &str, condition: &str) -> String {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Service":"{principal}"}},"Action":{actions},"Resource":"{ALIAS}"{condition}}}"#
        )
    }

    const ALL: &str = r#"["lex:PutSession","lex:DeleteSession","lex:RecognizeText"]"#;

    #[test]
    fn the_guides_statement_allows_every_bot_of_the_app_instance() {
        let fix: serde_json::Value = serde_json::from_str(&bot(None).statement_to_add()).unwrap();
        let text = policy(&fix.to_string());
        assert_eq!(evaluate(&text, &bot(None)), Ok(()));
        assert_eq!(
            evaluate(&text, &bot(Some(&format!("{APP}/bot/b1")))),
            Ok(())
        );
    }

    #[test]
    fn a_table_of_policies() {
        let source = |op: &str, arn: &str| {
            format!(
                r#","Condition":{{"{op}":{{"AWS:SourceArn":"{arn}"}},"StringEquals":{{"AWS:SourceAccount":"123456789012"}}}}"#
            )
        };
        let cases: Vec<(&str, String, Option<&str>, &str)> = vec![
            (
                "the public examples' principal",
                allow("chime.amazonaws.com", ALL, ""),
                None,
                "NotAllowed",
            ),
            (
                "the right principal, no condition",
                allow(SERVICE_PRINCIPAL, ALL, ""),
                None,
                "Allowed",
            ),
            (
                "lex:* covers the three",
                allow(SERVICE_PRINCIPAL, r#""lex:*""#, ""),
                None,
                "Allowed",
            ),
            (
                "RecognizeText missing",
                allow(
                    SERVICE_PRINCIPAL,
                    r#"["lex:PutSession","lex:DeleteSession"]"#,
                    "",
                ),
                None,
                "NotAllowed",
            ),
            (
                "a wildcard source covering the AppInstance",
                allow(
                    SERVICE_PRINCIPAL,
                    ALL,
                    &source("ArnLike", &format!("{APP}/*")),
                ),
                None,
                "Allowed",
            ),
            (
                "one bot's ARN, before the bot exists",
                allow(
                    SERVICE_PRINCIPAL,
                    ALL,
                    &source("ArnEquals", &format!("{APP}/bot/b1")),
                ),
                None,
                "NotAllowed",
            ),
            (
                "one bot's ARN, for that bot",
                allow(
                    SERVICE_PRINCIPAL,
                    ALL,
                    &source("ArnEquals", &format!("{APP}/bot/b1")),
                ),
                Some("b1"),
                "Allowed",
            ),
            (
                "another AppInstance's bots",
                allow(
                    SERVICE_PRINCIPAL,
                    ALL,
                    &source(
                        "ArnLike",
                        "arn:aws:chime:us-east-1:123456789012:app-instance/other/bot/*",
                    ),
                ),
                None,
                "NotAllowed",
            ),
            (
                "another account",
                allow(
                    SERVICE_PRINCIPAL,
                    ALL,
                    r#","Condition":{"StringEquals":{"AWS:SourceAccount":"999999999999"}}"#,
                ),
                None,
                "NotAllowed",
            ),
            (
                "a condition key not judged here",
                allow(
                    SERVICE_PRINCIPAL,
                    ALL,
                    r#","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}"#,
                ),
                None,
                "CannotVerify",
            ),
            (
                "a Deny after the Allow",
                format!(
                    r#"{},{{"Effect":"Deny","Principal":"*","Action":"lex:RecognizeText","Resource":"*"}}"#,
                    allow(SERVICE_PRINCIPAL, ALL, "")
                ),
                None,
                "Denied",
            ),
        ];
        for (what, statements, bot_id, expected) in cases {
            let arn = bot_id.map(|id| format!("{APP}/bot/{id}"));
            let got = match evaluate(&policy(&statements), &bot(arn.as_deref())) {
                Ok(()) => "Allowed",
                Err((_, Verdict::NotAllowed)) => "NotAllowed",
                Err((_, Verdict::Denied { .. })) => "Denied",
                Err((_, Verdict::CannotVerify { .. })) => "CannotVerify",
                Err((_, Verdict::Allowed)) => unreachable!(),
            };
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn the_missing_action_is_named() {
        let text = policy(&allow(
            SERVICE_PRINCIPAL,
            r#"["lex:PutSession","lex:DeleteSession"]"#,
            "",
        ));
        assert_eq!(
            evaluate(&text, &bot(None)),
            Err(("lex:RecognizeText", Verdict::NotAllowed))
        );
    }
}
