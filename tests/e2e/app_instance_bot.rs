//! `chimesdk_app_instance_bot` through real Terraform, from its own
//! examples: create, update in place, drift, import by ARN and by identity,
//! `terraform query` with generated configuration, the data source, a bot
//! made an admin, destroy, and only the documented permissions; and every
//! plan-time check of the Lex alias refused on `lex.bot_alias_arn` with
//! nothing made.
//!
//! The alias's resource policy is moto's (it keeps a policy for any ARN).
//! DescribeBotAlias is answered at the recording proxy in front of moto:
//! moto 5.2.1 gives aliases UUID IDs and a `$` in their ARNs, which the
//! model's LexBotAliasArn pattern refuses, so it holds no alias a bot may
//! name (contributing/chimesdk-local.md, "Lex").

use std::collections::BTreeSet;

use crate::app_instance::tags;
use crate::examples::policy_actions;
use serde_json::{Value, json};
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::{Fault, Proxy};

const BOT: &str = "chimesdk_app_instance_bot.helpdesk";
const EXAMPLE: &str = "resources/chimesdk_app_instance_bot";
const ALIAS: &str = "arn:aws:lex:us-east-1:123456789012:bot-alias/HELPDESK01/PRODALIAS1";
const MESSAGING: &str = "messaging.chime.amazonaws.com";

/// The policy the guide describes, for `principal`, over every bot of every
/// AppInstance of the account.
fn policy(principal: &str, effect: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": effect,
            "Principal": { "Service": principal },
            "Action": ["lex:PutSession", "lex:DeleteSession", "lex:RecognizeText"],
            "Resource": "*",
            "Condition": {
                "StringEquals": { "AWS:SourceAccount": "123456789012" },
                "ArnLike": { "AWS:SourceArn": "arn:aws:chime:us-east-1:123456789012:app-instance/*" }
            }
        }]
    })
    .to_string()
}

/// DescribeBotAlias answers with this status and these locales.
fn alias_answers(env: &Env, status: &str, locales: &[(&str, bool)]) {
    let settings: serde_json::Map<String, Value> = locales
        .iter()
        .map(|(l, on)| (l.to_string(), json!({ "enabled": on })))
        .collect();
    env.kinesis.inject(
        "DescribeBotAlias",
        Fault::Answer(
            200,
            json!({
                "botAliasId": "PRODALIAS1", "botId": "HELPDESK01", "botAliasName": "prod",
                "botAliasStatus": status, "botAliasLocaleSettings": settings,
            })
            .to_string(),
        ),
        10_000,
    );
}

/// A usable alias: Available with en_US, and the guide's policy.
fn usable_alias(env: &Env, alias: &str) {
    alias_answers(env, "Available", &[("en_US", true)]);
    env.aws.put_lex_policy(alias, &policy(MESSAGING, "Allow"));
}

fn describe(env: &Env, arn: &str) -> (u16, Value) {
    env.aws.chime(
        "GET",
        &format!("/app-instance-bots/{}", enc(arn)),
        None,
        None,
    )
}

fn make_bot(env: &Env, name: &str) -> String {
    let (status, body) = env.aws.chime(
        "POST",
        "/app-instance-bots",
        Some(json!({
            "AppInstanceArn": env.app, "Name": name, "ClientRequestToken": format!("token-{name}"),
            "Configuration": { "Lex": { "LexBotAliasArn": ALIAS, "LocaleId": "en_US" } },
        })),
        None,
    );
    assert_eq!(status, 201, "{body}");
    body["AppInstanceBotArn"].as_str().unwrap().to_string()
}

fn edit(ws: &Workspace, from: &str, to: &str) {
    let tf = std::fs::read_to_string(ws.path().join("resource.tf")).unwrap();
    assert!(tf.contains(from), "resource.tf has no {from:?}");
    ws.write("resource.tf", &tf.replace(from, to));
}

#[test]
fn lifecycle_update_drift_import_admin_destroy_with_the_documented_permissions() {
    let env = Env::new();
    usable_alias(&env, ALIAS);
    let mut seen: Vec<String> = Vec::new();
    let mut ws = Workspace::new();
    ws.copy_example(EXAMPLE);
    std::fs::remove_file(ws.path().join("import.tf")).unwrap();
    ws.write("local_provider.tf", &env.provider());
    ws.set_env("TF_VAR_bot_alias_arn", ALIAS);
    env.chime.take_calls();
    env.kinesis.take_calls();

    let plan = ws.plan_json();
    plan.assert_ok();
    let findings: Vec<Value> = plan
        .diagnostics()
        .into_iter()
        .filter(|d| d["summary"].as_str().is_some_and(|s| s.contains("Lex")))
        .collect();
    assert!(findings.is_empty(), "a usable alias passes: {findings:?}");
    ws.apply().assert_ok();
    let v = ws.resource_values(BOT).unwrap();
    let arn = v["arn"].as_str().unwrap().to_string();
    assert!(arn.contains("/bot/"), "{arn}");
    let (status, d) = describe(&env, &arn);
    assert_eq!(status, 200, "{d}");
    let lex = &d["AppInstanceBot"]["Configuration"]["Lex"];
    assert_eq!(lex["LexBotAliasArn"], ALIAS);
    assert_eq!(lex["WelcomeIntent"], "Welcome");
    assert_eq!(lex["InvokedBy"]["StandardMessages"], "MENTIONS");
    assert_eq!(d["AppInstanceBot"]["Name"], "Helpdesk");
    assert_eq!(tags(&env, &arn), json!([["team", "support"]]));
    assert_eq!(ws.plan_exit().code, 0, "no change after apply");
    seen.extend(env.chime.take_calls());
    let lex_calls = env.kinesis.take_calls();
    assert!(
        Proxy::count(&lex_calls, "DescribeBotAlias") >= 1
            && Proxy::count(&lex_calls, "DescribeResourcePolicy") >= 1,
        "{lex_calls:?}"
    );
    seen.extend(lex_calls);
    assert_eq!(ws.plan_exit().code, 0);
    let unchanged = env.kinesis.take_calls();
    assert_eq!(
        Proxy::count(&unchanged, "DescribeBotAlias"),
        0,
        "an unchanged lex block is not checked again: {unchanged:?}"
    );

    // Name, configuration and tags change in place.
    edit(
        &ws,
        "name             = \"Helpdesk\"",
        "name             = \"Service desk\"",
    );
    edit(
        &ws,
        "standard_messages = \"MENTIONS\"",
        "standard_messages = \"ALL\"",
    );
    edit(&ws, "team = \"support\"", "owner = \"platform\"");
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    for (op, n) in [
        ("UpdateAppInstanceBot", 1),
        ("TagResource", 1),
        ("UntagResource", 1),
        ("DeleteAppInstanceBot", 0),
        ("CreateAppInstanceBot", 0),
    ] {
        assert_eq!(Proxy::count(&calls, op), n, "{op}: {calls:?}");
    }
    seen.extend(calls);
    let d = describe(&env, &arn).1;
    assert_eq!(d["AppInstanceBot"]["Name"], "Service desk");
    assert_eq!(
        d["AppInstanceBot"]["Configuration"]["Lex"]["InvokedBy"]["StandardMessages"],
        "ALL"
    );
    assert_eq!(ws.plan_exit().code, 0);

    // The bot made an admin; a bot that does not exist is refused at plan.
    let admin = |bot: &str| {
        format!(
            "\nresource \"chimesdk_app_instance_admin\" \"bot\" {{\n  app_instance_arn       = chimesdk_app_instance.chat.arn\n  app_instance_admin_arn = {bot}\n}}\n"
        )
    };
    let app = ws.resource_values("chimesdk_app_instance.chat").unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    ws.write("admin.tf", &admin(&format!("\"{app}/bot/ghost\"")));
    let r = ws.plan_json();
    r.assert_failed();
    assert_eq!(
        r.find("error", "AppInstanceBot does not exist").len(),
        1,
        "{}",
        r.output()
    );
    assert!(
        policy_actions("iam-policy-app-instance-admin.json")
            .contains("chime:DescribeAppInstanceBot"),
        "the admin's plan check reads the bot"
    );
    ws.write("admin.tf", &admin(&format!("{BOT}.arn")));
    ws.apply().assert_ok();
    let (status, _) = env.aws.chime(
        "GET",
        &format!("/app-instances/{}/admins/{}", enc(&app), enc(&arn)),
        None,
        None,
    );
    assert_eq!(status, 200, "the bot is an admin");
    ws.write("admin.tf", "");
    ws.apply().assert_ok();
    seen.extend(env.chime.take_calls());

    // Deleted behind Terraform's back: the refresh drops it, apply makes it.
    let (status, _) = env.aws.chime(
        "DELETE",
        &format!("/app-instance-bots/{}", enc(&arn)),
        None,
        None,
    );
    assert_eq!(status, 204);
    assert_eq!(ws.plan_exit().code, 2, "a vanished bot is planned again");
    ws.apply().assert_ok();
    let again = ws.resource_values(BOT).unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(describe(&env, &again).0, 200);

    // Made by hand, then imported by ARN with the import example.
    let triage = make_bot(&env, "Triage");
    let mut imported = Workspace::new();
    imported.copy_example(EXAMPLE);
    std::fs::remove_file(imported.path().join("resource.tf")).unwrap();
    imported.write("local_provider.tf", &env.provider());
    imported.set_env("TF_VAR_app_instance_bot_arn", &triage);
    imported.set_env("TF_VAR_bot_alias_arn", ALIAS);
    let plan = imported.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    imported.apply().assert_ok();
    assert_eq!(imported.plan_exit().code, 0, "imported as configured");
    imported.destroy().assert_ok();
    assert_ne!(describe(&env, &triage).0, 200, "destroyed");

    ws.destroy().assert_ok();
    assert_ne!(describe(&env, &again).0, 200, "destroyed");
    seen.extend(env.chime.take_calls());
    seen.extend(env.kinesis.take_calls());

    // The example's AppInstance has no tags: the tag calls are the bot's.
    let used: BTreeSet<String> = seen
        .iter()
        .filter_map(|c| {
            if c.contains("AppInstanceBot")
                || ["TagResource", "UntagResource", "ListTagsForResource"].contains(&c.as_str())
            {
                Some(format!("chime:{c}"))
            } else if c == "DescribeBotAlias" || c == "DescribeResourcePolicy" {
                Some(format!("lex:{c}"))
            } else {
                None
            }
        })
        .collect();
    let mut allowed = policy_actions("iam-policy-app-instance-bot.json");
    // ListAppInstances only proves a bot's AppInstance gone; DescribeAppInstanceBot's
    // modelled NotFound proves a deleted bot gone here, so ListAppInstanceBots
    // serves the list block (the query test) and ambiguous answers.
    assert!(allowed.remove("chime:ListAppInstances"));
    assert!(allowed.remove("chime:ListAppInstanceBots"));
    assert_eq!(
        used, allowed,
        "used calls vs. examples/iam/iam-policy-app-instance-bot.json"
    );
}

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
fn query_generates_bots_configuration_identity_imports_and_the_data_source_reads() {
    let env = Env::new();
    let a = make_bot(&env, "Alpha");
    let b = make_bot(&env, "Bravo");
    let mut ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    std::fs::copy(
        test_support::paths::repo_root()
            .join("examples/list-resources/chimesdk_app_instance_bot/list.tfquery.hcl"),
        ws.path().join("list.tfquery.hcl"),
    )
    .unwrap();
    ws.set_env("TF_VAR_app_instance_arn", &env.app);
    env.chime.take_calls();
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    let calls = env.chime.take_calls();
    assert!(
        Proxy::count(&calls, "ListAppInstanceBots") >= 1,
        "{calls:?}"
    );
    assert!(
        policy_actions("iam-policy-app-instance-bot.json").contains("chime:ListAppInstanceBots")
    );
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("list.chimesdk_app_instance_bot.chat"))
        .collect();
    assert_eq!(listed.len(), 2, "{}", r.stdout);
    assert!(
        listed.iter().any(|l| l.contains("Alpha")) && listed.iter().any(|l| l.contains("Bravo"))
    );

    let r = ws.run(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    r.assert_ok();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert!(generated.contains(ALIAS), "{generated}");
    env.chime.take_calls();
    ws.apply().assert_ok();
    let calls = env.chime.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateAppInstanceBot"), 0, "{calls:?}");
    assert_eq!(ws.plan_exit().code, 0, "imported as generated: no changes");
    let ids = ws.run(&["state", "identities", "-json"]);
    ids.assert_ok();
    assert!(
        ids.stdout.contains(&a) && ids.stdout.contains(&b),
        "{}",
        ids.stdout
    );

    let mut ds = Workspace::new();
    ds.copy_example("data-sources/chimesdk_app_instance_bot");
    ds.write("local_provider.tf", &env.provider());
    ds.set_env("TF_VAR_app_instance_bot_arn", &a);
    ds.apply().assert_ok();
    assert_eq!(ds.run(&["output", "-raw", "bot_alias_arn"]).stdout, ALIAS);

    // Import by identity (an unchanged lex block is not checked again).
    let c = make_bot(&env, "Charlie");
    let by_identity = Workspace::new();
    by_identity.write(
        "main.tf",
        &format!(
            "{}\nimport {{\n  to       = chimesdk_app_instance_bot.c\n  identity = {{ arn = \"{c}\" }}\n}}\n\nresource \"chimesdk_app_instance_bot\" \"c\" {{\n  app_instance_arn = \"{}\"\n  name             = \"Charlie\"\n  lex {{\n    bot_alias_arn = \"{ALIAS}\"\n    locale_id     = \"en_US\"\n  }}\n}}\n",
            env.provider(),
            env.app
        ),
    );
    let plan = by_identity.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
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
