//! The plan-time checks of a bot's Lex alias through real Terraform, one
//! test each: every way an alias is unusable is refused on
//! `lex.bot_alias_arn` with nothing made, and a lookup the caller may not
//! make is a warning naming the permission.

use serde_json::Value;
use test_support::Workspace;
use test_support::env::Env;
use test_support::proxy::{Fault, Proxy};

use super::{ALIAS, MESSAGING, alias_answers, describe, policy, usable_alias};

/// The stack with one bot naming `alias` (and `extra` lines in its lex block).
fn bot_config(env: &Env, alias: &str, extra: &str) -> String {
    format!(
        "{}\nresource \"chimesdk_app_instance_bot\" \"x\" {{\n  app_instance_arn = \"{}\"\n  name             = \"Helper\"\n  lex {{\n    bot_alias_arn = \"{alias}\"\n    locale_id     = \"en_US\"\n{extra}  }}\n}}\n",
        env.provider(),
        env.app
    )
}

/// The plan fails with one error of `summary` on the lex block's `attribute`
/// (its detail returned), and an apply makes no bot.
fn refused(env: &Env, ws: &Workspace, summary: &str, attribute: &str) -> String {
    let r = ws.plan_json();
    r.assert_failed();
    let d = r.find("error", summary);
    assert_eq!(d.len(), 1, "{summary}: {}", r.output());
    assert!(
        d[0]["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains(attribute)),
        "{summary} points at {attribute}: {}",
        d[0]
    );
    env.chime.take_calls();
    ws.apply().assert_failed();
    let calls = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&calls, "CreateAppInstanceBot"),
        0,
        "{summary}: {calls:?}"
    );
    d[0]["detail"].as_str().unwrap_or_default().to_string()
}

#[test]
fn an_alias_in_another_region_is_refused_before_any_call() {
    let env = Env::new();
    let ws = Workspace::new();
    let elsewhere = ALIAS.replace("us-east-1", "eu-west-1");
    ws.write("main.tf", &bot_config(&env, &elsewhere, ""));
    let detail = refused(
        &env,
        &ws,
        "Lex bot alias is not in the AppInstance's account and region",
        "bot_alias_arn",
    );
    assert!(detail.contains("eu-west-1"), "{detail}");
}

#[test]
fn a_malformed_alias_arn_and_a_bad_welcome_intent_are_refused_on_their_attributes() {
    let env = Env::new();
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        &bot_config(
            &env,
            "arn:aws:lex:us-east-1:123456789012:bot/HELPDESK01",
            "",
        ),
    );
    let r = ws.plan_json();
    r.assert_failed();
    let d: Vec<Value> = r
        .diagnostics()
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(
        d.len() == 1
            && d[0]["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("must be a Lex V2 bot alias ARN")
            && d[0]["snippet"]["code"]
                .as_str()
                .unwrap_or_default()
                .contains("bot_alias_arn"),
        "{d:?}"
    );
    ws.write(
        "main.tf",
        &bot_config(&env, ALIAS, "    welcome_intent = \"Say hello!\"\n"),
    );
    let r = ws.plan_json();
    r.assert_failed();
    let d: Vec<Value> = r
        .diagnostics()
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(
        d.len() == 1
            && d[0]["snippet"]["code"]
                .as_str()
                .unwrap_or_default()
                .contains("welcome_intent"),
        "{d:?}"
    );
    env.chime.take_calls();
    ws.apply().assert_failed();
    assert_eq!(
        Proxy::count(&env.chime.take_calls(), "CreateAppInstanceBot"),
        0
    );
}

#[test]
fn a_policy_naming_chime_amazonaws_com_is_refused_quoting_the_statement_to_add() {
    let env = Env::new();
    usable_alias(&env, ALIAS);
    env.aws
        .put_lex_policy(ALIAS, &policy("chime.amazonaws.com", "Allow"));
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let detail = refused(
        &env,
        &ws,
        "Lex bot alias policy does not allow Chime SDK messaging",
        "bot_alias_arn",
    );
    assert!(
        detail.contains(MESSAGING)
            && detail.contains("AWS:SourceArn")
            && detail.contains(&format!("{}/bot/*", env.app)),
        "{detail}"
    );
}

#[test]
fn a_deny_for_the_service_is_refused_over_the_allow() {
    let env = Env::new();
    alias_answers(&env, "Available", &[("en_US", true)]);
    let mut both: Value = serde_json::from_str(&policy(MESSAGING, "Allow")).unwrap();
    let deny: Value = serde_json::from_str(&policy(MESSAGING, "Deny")).unwrap();
    both["Statement"]
        .as_array_mut()
        .unwrap()
        .push(deny["Statement"][0].clone());
    env.aws.put_lex_policy(ALIAS, &both.to_string());
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let detail = refused(
        &env,
        &ws,
        "Lex bot alias policy denies Chime SDK messaging",
        "bot_alias_arn",
    );
    assert!(
        detail.contains("\"Deny\""),
        "the statement is quoted: {detail}"
    );
}

#[test]
fn an_alias_without_a_resource_policy_is_refused() {
    let env = Env::new();
    alias_answers(&env, "Available", &[("en_US", true)]);
    env.kinesis.inject(
        "DescribeResourcePolicy",
        Fault::Error(404, "ResourceNotFoundException", "no policy"),
        10_000,
    );
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let detail = refused(
        &env,
        &ws,
        "Lex bot alias has no resource policy",
        "bot_alias_arn",
    );
    assert!(detail.contains(MESSAGING), "{detail}");
}

#[test]
fn a_missing_alias_is_refused() {
    let env = Env::new();
    env.aws.put_lex_policy(ALIAS, &policy(MESSAGING, "Allow"));
    env.kinesis.inject(
        "DescribeBotAlias",
        Fault::Error(404, "ResourceNotFoundException", "no such alias"),
        10_000,
    );
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let detail = refused(&env, &ws, "Lex bot alias does not exist", "bot_alias_arn");
    assert!(detail.contains("PRODALIAS1"), "{detail}");
}

#[test]
fn an_alias_that_is_not_available_is_refused() {
    let env = Env::new();
    env.aws.put_lex_policy(ALIAS, &policy(MESSAGING, "Allow"));
    alias_answers(&env, "Creating", &[("en_US", true)]);
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let detail = refused(&env, &ws, "Lex bot alias is not Available", "bot_alias_arn");
    assert!(detail.contains("Creating"), "{detail}");
}

#[test]
fn a_locale_the_alias_does_not_enable_is_refused() {
    let env = Env::new();
    env.aws.put_lex_policy(ALIAS, &policy(MESSAGING, "Allow"));
    alias_answers(&env, "Available", &[("en_US", false), ("de_DE", true)]);
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let detail = refused(
        &env,
        &ws,
        "Locale not enabled on the Lex bot alias",
        "bot_alias_arn",
    );
    assert!(detail.contains("enabled: de_DE"), "{detail}");
}

#[test]
fn lookups_the_caller_may_not_make_are_warnings_naming_the_permission_and_the_bot_is_made() {
    let env = Env::new();
    env.kinesis
        .inject("DescribeBotAlias", Fault::AccessDenied, 10_000);
    env.kinesis
        .inject("DescribeResourcePolicy", Fault::AccessDenied, 10_000);
    let ws = Workspace::new();
    ws.write("main.tf", &bot_config(&env, ALIAS, ""));
    let r = ws.plan_json();
    r.assert_ok();
    for (summary, permission) in [
        ("Could not check the Lex bot alias", "lex:DescribeBotAlias"),
        (
            "Could not check the Lex bot alias policy",
            "lex:DescribeResourcePolicy",
        ),
    ] {
        let w = r.find("warning", summary);
        assert_eq!(w.len(), 1, "{summary}: {}", r.output());
        assert!(
            w[0]["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(permission),
            "{}",
            w[0]
        );
    }
    ws.apply().assert_ok();
    let arn = ws.resource_values("chimesdk_app_instance_bot.x").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(describe(&env, &arn).0, 200, "unchecked, but made");
}
