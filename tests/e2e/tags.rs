//! Tags on the streams the resource manages, through the real `terraform`:
//! the provider's default_tags merged under the resource's own, applied and
//! reconciled on moto, drift shown by plan, the owner tag kept out of state,
//! and referenced streams never tagged.

use std::collections::BTreeMap;

use serde_json::json;
use test_support::env::{Env, managed, mutating, referenced};
use test_support::proxy::Proxy;
use test_support::terraform::Workspace;

const OWNER_TAG: &str = "chimesdk:managed-by-app-instance";
const ADDRESS: &str = "chimesdk_messaging_streaming_configuration.this";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// main.tf with `default_tags` in the provider block and the resource.
fn write(env: &Env, ws: &Workspace, defaults: &str, blocks: &str) {
    let provider = env.provider().replace(
        "  max_retries = 3\n",
        &format!("  max_retries = 3\n  default_tags {{\n    tags = {{ {defaults} }}\n  }}\n"),
    );
    ws.write(
        "main.tf",
        &format!(
            "{provider}\nresource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{}\"\n{blocks}}}\n",
            env.app
        ),
    );
}

fn tagged(name: &str, own: &str) -> String {
    managed("Channel", name, &format!("      tags = {{ {own} }}\n"))
}

/// The `stream` block's (tags, tags_all) in state.
fn state_tags(ws: &Workspace) -> (serde_json::Value, serde_json::Value) {
    let values = ws.resource_values(ADDRESS).unwrap();
    let block = values["streaming_configuration"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["data_type"] == "Channel")
        .unwrap()
        .clone();
    (
        block["stream"]["tags"].clone(),
        block["stream"]["tags_all"].clone(),
    )
}

/// Tag calls (operation, body) that named `stream`.
fn tag_calls_naming(requests: &[(String, String)], stream: &str) -> Vec<String> {
    requests
        .iter()
        .filter(|(op, body)| op.contains("Tags") && body.contains(&format!("\"{stream}\"")))
        .map(|(op, _)| op.clone())
        .collect()
}

#[test]
fn default_and_own_tags_are_applied_reconciled_and_drift_is_shown() {
    let env = Env::new();
    let ws = env.stack();
    let external = env.aws.create_stream("chime-messaging-external", 2, true);
    env.aws
        .add_tags("chime-messaging-external", &[("owner", "other-team")]);
    let stream = "chime-messaging-tagged";

    // Create: defaults merged under the resource's own tags.
    write(
        &env,
        &ws,
        r#"env = "prod", team = "platform""#,
        &(tagged(stream, r#"team = "chat", app = "support""#)
            + &referenced("ChannelMessage", &external)),
    );
    ws.apply().assert_ok();
    let mut expected = tags(&[("env", "prod"), ("team", "chat"), ("app", "support")]);
    expected.insert(OWNER_TAG.into(), env.app.clone());
    assert_eq!(
        env.aws.tags(stream),
        expected,
        "Kinesis holds tags_all and the owner tag"
    );
    let (own, all) = state_tags(&ws);
    assert_eq!(own, json!({"team": "chat", "app": "support"}));
    assert_eq!(
        all,
        json!({"env": "prod", "team": "chat", "app": "support"}),
        "tags_all has the defaults and no owner tag"
    );
    env.kinesis.take_calls();
    assert_eq!(ws.plan_exit().code, 0, "nothing to change after create");
    assert!(
        env.kinesis
            .take_calls()
            .contains(&"ListTagsForStream".to_string()),
        "refresh reads the managed stream's tags"
    );

    // Update: one own tag dropped, one default changed.
    write(
        &env,
        &ws,
        r#"env = "staging", team = "platform""#,
        &(tagged(stream, r#"team = "chat""#) + &referenced("ChannelMessage", &external)),
    );
    env.kinesis.take_requests();
    ws.apply().assert_ok();
    let mut expected = tags(&[("env", "staging"), ("team", "chat")]);
    expected.insert(OWNER_TAG.into(), env.app.clone());
    assert_eq!(env.aws.tags(stream), expected);
    let requests = env.kinesis.take_requests();
    let removes: Vec<&String> = requests
        .iter()
        .filter(|(op, _)| op == "RemoveTagsFromStream")
        .map(|(_, body)| body)
        .collect();
    assert_eq!(removes.len(), 1, "one RemoveTagsFromStream: {requests:?}");
    assert!(removes[0].contains("\"app\"") && !removes[0].contains(OWNER_TAG));
    assert_eq!(ws.plan_exit().code, 0);

    // Drift: a tag added and one changed outside Terraform. Plan shows it,
    // apply puts the configured tags back.
    env.aws
        .add_tags(stream, &[("manual", "yes"), ("team", "ops")]);
    let plan = ws.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(plan.code, 2, "drift is a change:\n{}", plan.output());
    assert!(
        plan.stdout.contains("\"manual\"") && plan.stdout.contains("\"ops\""),
        "the plan names the drifted tags:\n{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains(OWNER_TAG),
        "the owner tag is never shown"
    );
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.tags(stream),
        expected,
        "drift undone, owner tag kept"
    );
    assert_eq!(ws.plan_exit().code, 0);

    // A resource tag equal to a default is still the resource's own: no
    // perpetual diff.
    write(
        &env,
        &ws,
        r#"env = "staging", team = "platform""#,
        &(tagged(stream, r#"team = "chat", env = "staging""#)
            + &referenced("ChannelMessage", &external)),
    );
    ws.apply().assert_ok();
    assert_eq!(state_tags(&ws).0, json!({"team": "chat", "env": "staging"}));
    assert_eq!(
        ws.plan_exit().code,
        0,
        "same value in tags and default_tags"
    );

    // The stream given by ARN was never tagged, nor its tags read.
    assert_eq!(
        env.aws.tags("chime-messaging-external"),
        tags(&[("owner", "other-team")])
    );
    ws.destroy().assert_ok();
    let requests = env.kinesis.take_requests();
    assert_eq!(
        tag_calls_naming(&requests, "chime-messaging-external"),
        Vec::<String>::new(),
        "no tag call named the referenced stream"
    );
}

#[test]
fn an_adopted_stream_takes_the_configured_tags_and_the_plan_says_which_go() {
    let env = Env::new();
    let ws = env.stack();
    let stream = "chime-messaging-adopted";
    env.aws.create_stream(stream, 2, true);
    env.aws
        .add_tags(stream, &[("legacy", "1"), ("team", "old")]);
    write(
        &env,
        &ws,
        r#"env = "prod""#,
        &tagged(stream, r#"team = "chat""#),
    );
    let plan = ws.plan_json();
    let warning = plan.find(
        "warning",
        &format!("Existing Kinesis stream {stream} will be adopted"),
    );
    assert_eq!(warning.len(), 1, "{}", plan.output());
    let detail = warning[0]["detail"].as_str().unwrap();
    assert!(detail.contains("removes: legacy"), "{detail}");
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.tags(stream),
        tags(&[("env", "prod"), ("team", "chat")]),
        "adopted: no owner tag, configured tags only"
    );
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
    assert!(
        env.aws.stream_names().contains(&stream.to_string()),
        "an adopted stream is kept"
    );
}

#[test]
fn forty_nine_tags_go_in_batches_and_fifty_with_defaults_fail_at_plan() {
    let env = Env::new();
    let ws = env.stack();
    let stream = "chime-messaging-many";
    let own: Vec<String> = (0..45).map(|i| format!("own{i:02} = \"v{i}\"")).collect();
    let defaults: Vec<String> = (0..4).map(|i| format!("def{i} = \"d\"")).collect();
    write(
        &env,
        &ws,
        &defaults.join(", "),
        &tagged(stream, &own.join(", ")),
    );
    env.kinesis.take_requests();
    ws.apply().assert_ok();
    let remote = env.aws.tags(stream);
    assert_eq!(remote.len(), 50, "49 tags and the owner tag");
    let requests = env.kinesis.take_requests();
    for (op, body) in requests.iter().filter(|(op, _)| op == "AddTagsToStream") {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        let n = v["Tags"].as_object().unwrap().len();
        assert!(n <= 10, "{op} sent {n} tags in one call");
    }
    assert_eq!(ws.plan_exit().code, 0);

    // One more default tag: 50 of the user's, over the limit. Plan fails on
    // the stream's tags and nothing is called that changes anything.
    let defaults: Vec<String> = (0..5).map(|i| format!("def{i} = \"d\"")).collect();
    write(
        &env,
        &ws,
        &defaults.join(", "),
        &tagged(stream, &own.join(", ")),
    );
    env.kinesis.take_calls();
    let r = ws.apply_json();
    r.assert_failed();
    let d = r.find("error", "Too many tags for one stream");
    assert_eq!(d.len(), 1, "{}", r.output());
    let detail = d[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("for data_type \"Channel\", the stream has 50 tags: 45 of its own and 5 from the provider's default_tags"),
        "{detail}"
    );
    let calls = env.kinesis.take_calls();
    for op in mutating() {
        assert_eq!(Proxy::count(&calls, op), 0, "{op} after a refused plan");
    }
    assert_eq!(env.aws.tags(stream), remote, "tags untouched");
}
