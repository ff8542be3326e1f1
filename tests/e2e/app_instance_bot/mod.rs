//! `chimesdk_app_instance_bot` through real Terraform, from its own
//! examples: create, update in place, drift, import by ARN and by identity,
//! `terraform query` with generated configuration, the data source, a bot
//! made an admin, destroy, and only the documented permissions. The Lex
//! alias checks are in `checks.rs`.
//!
//! The alias's resource policy is moto's (it keeps a policy for any ARN).
//! DescribeBotAlias is answered at the recording proxy in front of moto:
//! moto 5.2.1 gives aliases UUID IDs and a `$` in their ARNs, which the
//! model's LexBotAliasArn pattern refuses, so it holds no alias a bot may
//! name (contributing/decisions.md, "The rest of an AppInstance").

use std::collections::BTreeSet;

use crate::app_instance::tags;
use crate::examples::policy_actions;
use serde_json::{Value, json};
use test_support::Workspace;
use test_support::aws::enc;
use test_support::env::Env;
use test_support::proxy::{Fault, Proxy};

mod checks;

const BOT: &str = "chimesdk_app_instance_bot.helpdesk";
const EXAMPLE: &str = "resources/chimesdk_app_instance_bot";
pub(super) const ALIAS: &str = "arn:aws:lex:us-east-1:123456789012:bot-alias/HELPDESK01/PRODALIAS1";
pub(super) const MESSAGING: &str = "messaging.chime.amazonaws.com";

/// The policy the guide describes, for `principal`, over every bot of every
/// AppInstance of the account.
pub(super) fn policy(principal: &str, effect: &str) -> String {
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
pub(super) fn alias_answers(env: &Env, status: &str, locales: &[(&str, bool)]) {
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
pub(super) fn usable_alias(env: &Env, alias: &str) {
    alias_answers(env, "Available", &[("en_US", true)]);
    env.aws.put_lex_policy(alias, &policy(MESSAGING, "Allow"));
}

pub(super) fn describe(env: &Env, arn: &str) -> (u16, Value) {
    env.aws.chime(
        "GET",
        &format!("/app-instance-bots/{}", enc(arn)),
        None,
        None,
    )
}

pub(super) fn make_bot(env: &Env, name: &str) -> String {
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
