//! The plan-time checks of a bot's Lex V2 alias: in the AppInstance's
//! account and region (from the ARNs alone); existing, Available and with
//! the locale enabled (DescribeBotAlias); and a resource policy that lets
//! Chime SDK messaging run it (DescribeResourcePolicy, judged by
//! `chimesdk_domain::lex_policy`). Each lookup is made once per alias per
//! provider process; a check the caller may not make is a warning naming
//! the permission.

use std::collections::BTreeMap;

use crate::aws::{Aws, AwsError};
use chimesdk_domain::arn::AppInstanceArn;
use chimesdk_domain::lex_policy::{self, BotUse};
use chimesdk_domain::policy::Verdict;
use tfplugin::framework::Diagnostics;
use tfplugin::value::AttributePath;

/// The alias attribute's path, where every alias finding points.
fn alias_path() -> AttributePath {
    AttributePath::attr("lex").attribute("bot_alias_arn")
}

/// A bot alias ARN's parts: `arn:aws:lex:REGION:ACCOUNT:bot-alias/BOT/ALIAS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasArn {
    pub region: String,
    pub account: String,
    pub bot_id: String,
    pub alias_id: String,
}

impl AliasArn {
    pub fn parse(arn: &str) -> Option<AliasArn> {
        let rest = arn.strip_prefix("arn:")?;
        let mut parts = rest.splitn(5, ':');
        let (_partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let (bot_id, alias_id) = resource.strip_prefix("bot-alias/")?.split_once('/')?;
        (service == "lex" && !bot_id.is_empty() && !alias_id.is_empty()).then(|| AliasArn {
            region: region.to_string(),
            account: account.to_string(),
            bot_id: bot_id.to_string(),
            alias_id: alias_id.to_string(),
        })
    }
}

/// Why the alias cannot serve the AppInstance's bots, from the ARNs alone:
/// the guide puts it in the AppInstance's account and region.
pub fn placement_problem(app: &AppInstanceArn, alias: &AliasArn) -> Option<String> {
    let mut wrong = Vec::new();
    if alias.region != app.region {
        wrong.push(format!(
            "region {:?} (the AppInstance's is {:?})",
            alias.region, app.region
        ));
    }
    if alias.account != app.account {
        wrong.push(format!(
            "account {} (the AppInstance's is {})",
            alias.account, app.account
        ));
    }
    (!wrong.is_empty()).then(|| {
        format!(
            "The Lex V2 bot alias is in {}. An AppInstanceBot's Lex bot must be in its AppInstance's account and \
             region (developer guide, \"appinstance-bots\"). Use an alias of a bot in {} / {}.",
            wrong.join(" and "),
            app.account,
            app.region
        )
    })
}

/// What DescribeBotAlias says that the checks need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AliasFacts {
    pub status: Option<String>,
    /// Locale ID -> enabled.
    pub locales: BTreeMap<String, bool>,
}

/// Why the alias, as described, cannot run the bot in `locale`.
pub fn alias_problem(facts: &AliasFacts, locale: &str) -> Option<(&'static str, String)> {
    match facts.status.as_deref() {
        Some("Available") => {}
        status => {
            return Some((
                "Lex bot alias is not Available",
                format!(
                    "DescribeBotAlias says the alias is {}. Chime SDK messaging can use only an Available alias: wait \
                     for the alias (or the bot version it points at) to finish building, or point the alias at a \
                     built version.",
                    status.unwrap_or("in no status")
                ),
            ));
        }
    }
    if facts.locales.get(locale) != Some(&true) {
        let enabled: Vec<&str> = facts
            .locales
            .iter()
            .filter(|(_, on)| **on)
            .map(|(l, _)| l.as_str())
            .collect();
        return Some((
            "Locale not enabled on the Lex bot alias",
            format!(
                "lex.locale_id = {locale:?}, but the alias has it {} (enabled: {}). Enable the locale in the alias's \
                 botAliasLocaleSettings, or set locale_id to an enabled one.",
                if facts.locales.contains_key(locale) {
                    "disabled"
                } else {
                    "not configured"
                },
                if enabled.is_empty() {
                    "none".to_string()
                } else {
                    enabled.join(", ")
                }
            ),
        ));
    }
    None
}

async fn describe_alias(c: &Aws<'_>, alias: &AliasArn) -> Result<Option<AliasFacts>, AwsError> {
    let answer = c
        .call("DescribeBotAlias", || {
            c.lex
                .describe_bot_alias()
                .bot_id(&alias.bot_id)
                .bot_alias_id(&alias.alias_id)
                .send()
        })
        .await;
    match answer {
        Ok(out) => Ok(Some(AliasFacts {
            status: out.bot_alias_status().map(|s| s.as_str().to_string()),
            locales: out
                .bot_alias_locale_settings()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.enabled())).collect())
                .unwrap_or_default(),
        })),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

async fn alias_policy(c: &Aws<'_>, alias_arn: &str) -> Result<Option<String>, AwsError> {
    let answer = c
        .call("DescribeResourcePolicy", || {
            c.lex
                .describe_resource_policy()
                .resource_arn(alias_arn)
                .send()
        })
        .await;
    match answer {
        Ok(out) => Ok(Some(out.policy().unwrap_or_default().to_string())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn could_not_check(what: &str, permission: &str, e: &AwsError, diags: &mut Diagnostics) {
    let detail = if e.is_access_denied() {
        format!("{e}. Grant {permission} to check it at plan time.")
    } else {
        format!("{e}. The apply goes ahead unchecked.")
    };
    diags.warning_at(alias_path(), format!("Could not check {what}"), detail);
}

/// The live checks of the alias, for `bot` (its ARN `None` before create)
/// in `locale`.
pub async fn check_alias(
    c: &Aws<'_>,
    alias: &AliasArn,
    bot: &BotUse,
    locale: &str,
    diags: &mut Diagnostics,
) {
    let key = bot.alias_arn.clone();
    match c
        .lookups
        .once("DescribeBotAlias", &key, || describe_alias(c, alias))
        .await
    {
        Ok(None) => diags.error_at(
            alias_path(),
            "Lex bot alias does not exist",
            format!(
                "DescribeBotAlias found no alias {} of bot {} in {}. Create the bot and its alias first, or correct \
                 lex.bot_alias_arn.",
                alias.alias_id, alias.bot_id, alias.region
            ),
        ),
        Ok(Some(facts)) => {
            if let Some((summary, detail)) = alias_problem(&facts, locale) {
                diags.error_at(alias_path(), summary, detail);
            }
        }
        Err(e) => could_not_check("the Lex bot alias", "lex:DescribeBotAlias", &e, diags),
    }
    let policy = c
        .lookups
        .once("DescribeResourcePolicy", &key, || alias_policy(c, &key))
        .await;
    let fix = bot.statement_to_add();
    match policy {
        Ok(None) => diags.error_at(
            alias_path(),
            "Lex bot alias has no resource policy",
            format!(
                "DescribeResourcePolicy found no policy on {key}: Chime SDK messaging may not run the bot, and the \
                 bot would never answer. Add this statement to the alias's resource policy:\n{fix}"
            ),
        ),
        Ok(Some(text)) => match lex_policy::evaluate(&text, bot) {
            Ok(()) => {}
            Err((action, Verdict::Denied { statement })) => diags.error_at(
                alias_path(),
                "Lex bot alias policy denies Chime SDK messaging",
                format!(
                    "The alias's resource policy denies {action} to {} with this statement:\n{statement}\nRemove or \
                     narrow it, and allow with:\n{fix}",
                    lex_policy::SERVICE_PRINCIPAL
                ),
            ),
            Err((action, Verdict::CannotVerify { why, statement })) => diags.warning_at(
                alias_path(),
                "Could not judge the Lex bot alias policy",
                format!(
                    "Whether the alias's resource policy allows {action} to {} depends on what this check cannot \
                     judge ({why}):\n{statement}\nThe statement the developer guide describes:\n{fix}",
                    lex_policy::SERVICE_PRINCIPAL
                ),
            ),
            Err((action, _)) => diags.error_at(
                alias_path(),
                "Lex bot alias policy does not allow Chime SDK messaging",
                format!(
                    "No statement of the alias's resource policy allows {action} to the service principal {} for \
                     this account and a source ARN covering this AppInstance's bots (a policy naming \
                     `chime.amazonaws.com`, as some public examples do, is not it). Add this statement:\n{fix}",
                    lex_policy::SERVICE_PRINCIPAL
                ),
            ),
        },
        Err(e) => could_not_check(
            "the Lex bot alias policy",
            "lex:DescribeResourcePolicy",
            &e,
            diags,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALIAS: &str = "arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID12345/ALIASID123";

    #[test]
    fn an_alias_arn_splits_and_must_share_the_app_instances_account_and_region() {
        let alias = AliasArn::parse(ALIAS).unwrap();
        assert_eq!(
            (alias.bot_id.as_str(), alias.alias_id.as_str()),
            ("BOTID12345", "ALIASID123")
        );
        let app =
            AppInstanceArn::parse("arn:aws:chime:us-east-1:123456789012:app-instance/a").unwrap();
        assert_eq!(placement_problem(&app, &alias), None);
        let elsewhere = AliasArn::parse(&ALIAS.replace("us-east-1", "eu-west-1")).unwrap();
        let why = placement_problem(&app, &elsewhere).unwrap();
        assert!(why.contains("region \"eu-west-1\""), "{why}");
        let other = AliasArn::parse(&ALIAS.replace("123456789012", "999999999999")).unwrap();
        assert!(
            placement_problem(&app, &other)
                .unwrap()
                .contains("account 999999999999")
        );
        assert_eq!(AliasArn::parse("arn:aws:lex:us-east-1:1:bot/B"), None);
    }

    #[test]
    fn an_alias_must_be_available_with_the_locale_enabled() {
        let facts = |status: &str, locales: &[(&str, bool)]| AliasFacts {
            status: Some(status.into()),
            locales: locales.iter().map(|(l, on)| (l.to_string(), *on)).collect(),
        };
        assert_eq!(
            alias_problem(&facts("Available", &[("en_US", true)]), "en_US"),
            None
        );
        let (summary, detail) =
            alias_problem(&facts("Creating", &[("en_US", true)]), "en_US").unwrap();
        assert_eq!(summary, "Lex bot alias is not Available");
        assert!(detail.contains("Creating"), "{detail}");
        let (_, detail) = alias_problem(
            &facts("Available", &[("en_US", false), ("de_DE", true)]),
            "en_US",
        )
        .unwrap();
        assert!(
            detail.contains("disabled") && detail.contains("enabled: de_DE"),
            "{detail}"
        );
        let (_, detail) = alias_problem(&facts("Available", &[]), "en_US").unwrap();
        assert!(
            detail.contains("not configured") && detail.contains("enabled: none"),
            "{detail}"
        );
    }
}
