//! `terraform query` on the real Terraform 1.15.5 (TERRAFORM): the list
//! resources of both types against chimesdk-local, `limit`, pagination
//! (ListAppInstances pages hold 50), and `-generate-config-out`, whose
//! resources and import blocks then plan as a pure import.

use serde_json::Value;
use test_support::Workspace;
use test_support::env::{Env, mutating};
use test_support::proxy::{Fault, Proxy};

fn lists(limit: Option<u32>) -> String {
    let limit = limit
        .map(|l| format!("  limit    = {l}\n"))
        .unwrap_or_default();
    format!(
        "list \"chimesdk_app_instance\" \"all\" {{\n  provider = chimesdk\n{limit}}}\n\
         list \"chimesdk_messaging_streaming_configuration\" \"all\" {{\n  provider = chimesdk\n{limit}}}\n"
    )
}

/// A workspace with the provider and the two `list` blocks.
fn query_workspace(env: &Env, limit: Option<u32>) -> Workspace {
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    ws.write("all.tfquery.hcl", &lists(limit));
    ws
}

/// The results `terraform query` printed for one list block:
/// (identity, display name) per line.
fn results(run: &test_support::terraform::Run, list: &str) -> Vec<(String, String)> {
    let prefix = format!("list.{list}.all");
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter(|rest| rest.starts_with(char::is_whitespace))
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            let identity = parts.next().unwrap_or_default().to_string();
            (identity, parts.collect::<Vec<_>>().join(" "))
        })
        .collect()
}

fn remove_app_instance(env: &Env, arn: &str) {
    let (status, body) = env.aws.chime(
        "DELETE",
        &format!("/app-instances/{}", test_support::aws::enc(arn)),
        None,
        None,
    );
    assert_eq!(status, 204, "{body}");
}

/// Generates configuration, checks it plans as imports only, applies it
/// and checks nothing in AWS changed. Returns the generated file.
fn generate_and_import(env: &Env, ws: &Workspace, expected_imports: usize) -> String {
    let r = ws.run(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    r.assert_ok();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap_or_default();
    assert_eq!(
        generated.matches("import {").count(),
        expected_imports,
        "{generated}"
    );
    let plan = ws.plan_json();
    plan.assert_ok();
    let actions: Vec<String> = plan
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "planned_change")
        .map(|v| {
            v["change"]["action"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(actions.len(), expected_imports, "{}", plan.stdout);
    assert!(
        actions.iter().all(|a| a == "import"),
        "a pure import: {actions:?}"
    );
    env.chime.take_calls();
    env.kinesis.take_calls();
    ws.apply().assert_ok();
    let calls = [env.chime.take_calls(), env.kinesis.take_calls()].concat();
    for op in mutating() {
        assert_eq!(Proxy::count(&calls, op), 0, "importing made a {op}");
    }
    assert_eq!(ws.plan_exit().code, 0, "imported and generated: no changes");
    generated
}

#[test]
fn an_account_without_app_instances_lists_nothing() {
    let env = Env::new();
    remove_app_instance(&env, &env.app);
    let ws = query_workspace(&env, None);
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    assert!(
        results(&r, "chimesdk_app_instance").is_empty(),
        "{}",
        r.output()
    );
    assert!(
        results(&r, "chimesdk_messaging_streaming_configuration").is_empty(),
        "{}",
        r.output()
    );
    let generated = ws.run(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    generated.assert_ok();
    let text = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap_or_default();
    assert!(!text.contains("resource \""), "{text}");
}

#[test]
pub(crate) fn one_app_instance_with_its_configuration_is_listed_generated_and_imported() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-query", 2, true);
    let (status, body) = env.aws.put_streaming_configuration(
        &env.app,
        &[("Channel", &stream), ("ChannelMessage", &stream)],
    );
    assert_eq!(status, 200, "{body}");
    let bare = env.aws.create_app_instance("no-streaming");
    // The two documented examples, as a user copies them.
    let ws = Workspace::new();
    ws.write("main.tf", &env.provider());
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/list-resources");
    for list in [
        "chimesdk_app_instance",
        "chimesdk_messaging_streaming_configuration",
    ] {
        std::fs::copy(
            examples.join(list).join("list.tfquery.hcl"),
            ws.path().join(format!("{list}.tfquery.hcl")),
        )
        .unwrap();
    }
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    let mut apps = results(&r, "chimesdk_app_instance");
    apps.sort();
    let mut expected = vec![
        (format!("arn={}", env.app), "test".to_string()),
        (format!("arn={bare}"), "no-streaming".to_string()),
    ];
    expected.sort();
    assert_eq!(apps, expected);
    assert_eq!(
        results(&r, "chimesdk_messaging_streaming_configuration"),
        vec![(
            format!("app_instance_arn={}", env.app),
            "test (Channel: chime-messaging-query; ChannelMessage: chime-messaging-query)"
                .to_string()
        )],
        "the AppInstance without a configuration is not a result"
    );
    let generated = generate_and_import(&env, &ws, 3);
    assert!(!generated.contains("tags = {}"), "{generated}");
    assert!(!generated.contains("timeouts"), "{generated}");
    assert!(!generated.contains("tags_all"), "computed: {generated}");
}

#[test]
fn sixty_app_instances_page_through_and_limit_stops_early() {
    let env = Env::new();
    for i in 1..60 {
        env.aws.create_app_instance(&format!("tenant-{i:02}"));
    }
    let ws = query_workspace(&env, Some(7));
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    assert_eq!(
        results(&r, "chimesdk_app_instance").len(),
        7,
        "limit = 7:\n{}",
        r.output()
    );
    // Generated configuration honours the limit too, and imports cleanly.
    let limited = query_workspace(&env, Some(7));
    generate_and_import(&env, &limited, 7);
    env.chime.take_calls();

    // Throttled twice: the provider's one retry policy carries the listing.
    env.chime
        .inject("ListAppInstances", Fault::ChimeThrottle, 2);
    ws.write("all.tfquery.hcl", &lists(Some(1000)));
    let r = ws.run(&["query", "-no-color"]);
    r.assert_ok();
    let apps = results(&r, "chimesdk_app_instance");
    assert_eq!(apps.len(), 60, "{}", r.output());
    let unique: std::collections::BTreeSet<_> = apps.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), 60, "each AppInstance once");
    let calls = env.chime.take_calls();
    assert!(
        Proxy::count(&calls, "ListAppInstances") >= 2,
        "paginated: {calls:?}"
    );
    generate_and_import(&env, &ws, 60);
}
