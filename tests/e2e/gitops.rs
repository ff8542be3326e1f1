//! The GitOps flow: a plan saved on the pull request (`plan -out`) and
//! applied on merge (`apply PLANFILE`), possibly hours later. Applying it
//! must work on an unchanged world and refuse, writing nothing, when the
//! world changed in a way that breaks a prerequisite.

use test_support::aws::enc;
use test_support::env::{Env, managed, referenced};

const PLAN: &str = "pr.tfplan";

fn line_of(ws: &test_support::Workspace, needle: &str) -> u64 {
    let text = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

#[test]
fn a_saved_plan_applies_on_an_unchanged_world() {
    let env = Env::new();
    let ws = env.stack();
    let external = env.aws.create_stream("chime-messaging-external", 2, true);
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-saved", "")
            + &referenced("ChannelMessage", &external)),
    );
    ws.run(&["plan", "-input=false", "-no-color", "-out", PLAN])
        .assert_ok();
    assert_eq!(
        env.aws.streaming_configuration(&env.app),
        None,
        "plan wrote nothing"
    );
    ws.run(&["apply", "-input=false", "-no-color", PLAN])
        .assert_ok();
    assert_eq!(env.aws.streaming_configuration(&env.app).unwrap().len(), 2);
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
}

#[test]
fn a_saved_plan_is_refused_when_a_referenced_stream_lost_its_encryption() {
    let env = Env::new();
    let ws = env.stack();
    let external = env.aws.create_stream("chime-messaging-external", 2, true);
    // One block: Terraform can point at an attribute of a set element only
    // when the set has one (see contributing/decisions.md).
    env.write(&ws, &referenced("ChannelMessage", &external));
    ws.run(&["plan", "-input=false", "-no-color", "-out", PLAN])
        .assert_ok();
    // Between the pull request and the merge.
    env.aws.stop_encryption("chime-messaging-external");

    let r = ws.run(&["apply", "-input=false", "-json", PLAN]);
    r.assert_failed();
    let d = r.find(
        "error",
        "Kinesis stream chime-messaging-external is not encrypted",
    );
    assert_eq!(d.len(), 1, "{}", r.output());
    assert_eq!(
        d[0]["range"]["start"]["line"],
        line_of(&ws, "resource_arn"),
        "the error points at resource_arn"
    );
    assert_eq!(
        env.aws.streaming_configuration(&env.app),
        None,
        "no configuration written"
    );
}

#[test]
fn a_saved_plan_is_refused_when_the_app_instance_was_deleted() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-saved", ""));
    ws.run(&["plan", "-input=false", "-no-color", "-out", PLAN])
        .assert_ok();
    let (status, _) = env.aws.chime(
        "DELETE",
        &format!("/app-instances/{}", enc(&env.app)),
        None,
        None,
    );
    assert_eq!(status, 204);

    let r = ws.run(&["apply", "-input=false", "-json", PLAN]);
    r.assert_failed();
    let d = r.find("error", "AppInstance does not exist");
    assert_eq!(d.len(), 1, "{}", r.output());
    assert_eq!(
        d[0]["range"]["start"]["line"],
        line_of(&ws, "app_instance_arn"),
        "the error points at app_instance_arn"
    );
    assert!(
        env.aws.stream_names().is_empty(),
        "no stream created for a missing AppInstance"
    );
}
