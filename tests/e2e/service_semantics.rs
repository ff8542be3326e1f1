//! What real Kinesis and Chime SDK do that moto and the emulator do not
//! show by themselves, reproduced with the fault proxy: lost responses to
//! mutating calls, scaling limits, the account's shard quota, and an
//! AppInstance deleted out of band.

use test_support::env::{Env, managed, mutating, referenced};
use test_support::proxy::{Fault, Proxy};

const STREAM: &str = "chime-messaging-semantics";

fn shards(env: &Env, name: &str) -> i32 {
    env.aws.stream(name).map_or(0, |s| s.0)
}

fn with_shards(n: i64) -> String {
    managed("Channel", STREAM, &format!("      shard_count = {n}\n"))
}

fn assert_nothing_changed(calls: &[String]) {
    for op in mutating() {
        assert_eq!(Proxy::count(calls, op), 0, "{op} was called: {calls:?}");
    }
}

#[test]
fn a_create_stream_whose_response_was_lost_is_recognised_as_ours() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &with_shards(2));
    // Kinesis creates the stream; the answer never arrives; the retry then
    // meets ResourceInUseException.
    env.kinesis.inject("CreateStream", Fault::LoseResponse, 1);
    ws.apply().assert_ok();
    let calls = env.kinesis.take_calls();
    assert_eq!(Proxy::count(&calls, "CreateStream"), 2, "{calls:?}");
    assert_eq!(shards(&env, STREAM), 2);
    assert_eq!(ws.plan_exit().code, 0);
    // Recorded as created by this resource: destroy deletes it.
    ws.destroy().assert_ok();
    assert!(
        !env.aws.stream_names().contains(&STREAM.to_string()),
        "the stream the lost CreateStream made was deleted as ours"
    );
}

#[test]
fn update_shard_count_whose_response_was_lost_still_converges() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &with_shards(2));
    ws.apply().assert_ok();
    env.write(&ws, &with_shards(4));
    // The first UpdateShardCount goes through and its answer is lost; the
    // retry is refused because nothing is left to change (how real Kinesis
    // answers that retry is unverified; moto would accept it).
    env.kinesis
        .inject("UpdateShardCount", Fault::LoseResponse, 1);
    env.kinesis.inject(
        "UpdateShardCount",
        Fault::Error(
            400,
            "InvalidArgumentException",
            "Target shard count is the current shard count",
        ),
        1,
    );
    env.kinesis.take_calls();
    ws.apply().assert_ok();
    assert_eq!(shards(&env, STREAM), 4);
    let calls = env.kinesis.take_calls();
    assert_eq!(Proxy::count(&calls, "UpdateShardCount"), 2, "{calls:?}");
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn a_scaling_limit_is_not_retried_and_the_error_names_it() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &with_shards(2));
    ws.apply().assert_ok();
    env.write(&ws, &with_shards(4));
    env.kinesis.inject(
        "UpdateShardCount",
        Fault::Error(
            400,
            "LimitExceededException",
            "Stream chime-messaging-semantics has already been scaled 10 times in the last 24 hours",
        ),
        5,
    );
    env.kinesis.take_calls();
    let r = ws.apply();
    r.assert_failed();
    let calls = env.kinesis.take_calls();
    assert_eq!(
        Proxy::count(&calls, "UpdateShardCount"),
        1,
        "a scaling limit is not retried: {calls:?}"
    );
    let out = r.output().replace('\n', " ").replace("  ", " ");
    assert!(
        out.contains("at most 10 scaling operations in a rolling 24 hours"),
        "the error names the limit: {out}"
    );
    assert!(
        out.contains("already been scaled 10 times"),
        "and quotes Kinesis: {out}"
    );
    // Rate limiting with the same code is still retried.
    env.kinesis.clear_faults();
    env.kinesis
        .inject("UpdateShardCount", Fault::KinesisThrottle, 2);
    ws.apply().assert_ok();
    assert_eq!(shards(&env, STREAM), 4);
}

#[test]
fn a_change_needing_more_than_ten_scaling_operations_fails_at_plan() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &with_shards(2));
    ws.apply().assert_ok();

    env.write(&ws, &with_shards(4096));
    env.kinesis.take_calls();
    let r = ws.plan_json();
    r.assert_failed();
    let d = r.find(
        "error",
        "Shard count change needs more scaling operations than Kinesis allows in a day",
    );
    assert_eq!(d.len(), 1, "{}", r.output());
    let detail = d[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("takes 11 UpdateShardCount operations"),
        "{detail}"
    );
    assert!(detail.contains("2 -> 4 -> 8"), "{detail}");
    assert!(detail.contains("set shard_count = 2048 now"), "{detail}");
    assert_eq!(d[0]["range"]["start"]["line"], line_of(&ws, "shard_count"));
    assert_nothing_changed(&env.kinesis.take_calls());

    // Ten operations are allowed.
    env.write(&ws, &with_shards(2048));
    assert_eq!(ws.plan_exit().code, 2);
}

#[test]
fn the_account_shard_quota_is_checked_at_plan() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &with_shards(4));
    // moto reports a fixed quota of 6000 and nothing open: make the account
    // nearly full, 8 of 10.
    env.kinesis.inject(
        "DescribeLimits",
        Fault::Rewrite(
            r#""ShardLimit": 6000, "OpenShardCount": 0"#.into(),
            r#""ShardLimit": 10, "OpenShardCount": 8"#.into(),
        ),
        1,
    );
    let r = ws.plan_json();
    r.assert_failed();
    let d = r.find("error", "Not enough Kinesis shard quota");
    assert_eq!(d.len(), 1, "{}", r.output());
    let detail = d[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("adds 4 shards (chime-messaging-semantics +4)")
            && detail.contains("8 open shards of its quota of 10"),
        "{detail}"
    );
    assert_eq!(d[0]["range"]["start"]["line"], line_of(&ws, "shard_count"));
    assert_nothing_changed(&env.kinesis.take_calls());

    // Refused: a warning, and the plan goes on.
    env.kinesis.inject("DescribeLimits", Fault::AccessDenied, 1);
    let r = ws.plan_json();
    r.assert_ok();
    assert_eq!(
        r.find("warning", "Could not check the Kinesis shard quota")
            .len(),
        1,
        "{}",
        r.output()
    );
    // Room enough: no diagnostic.
    let r = ws.plan_json();
    r.assert_ok();
    assert!(r.find("error", "Not enough Kinesis shard quota").is_empty());
}

fn line_of(ws: &test_support::Workspace, needle: &str) -> u64 {
    let text = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

#[test]
fn a_deleted_app_instance_keeps_plan_working_and_destroy_deletes_its_streams() {
    // Get and Delete for a deleted AppInstance may answer NotFound (the
    // emulator), BadRequest or Forbidden (injected): unverified which.
    for answer in [
        None,
        Some(Fault::Error(
            400,
            "BadRequestException",
            "AppInstance not found",
        )),
        Some(Fault::Error(403, "ForbiddenException", "Forbidden")),
    ] {
        let env = Env::new();
        let ws = env.stack();
        let external = env.aws.create_stream("chime-messaging-external", 2, true);
        env.write(
            &ws,
            &(with_shards(2) + &referenced("ChannelMessage", &external)),
        );
        ws.apply().assert_ok();

        let (status, _) = env.aws.chime(
            "DELETE",
            &format!("/app-instances/{}", test_support::aws::enc(&env.app)),
            None,
            None,
        );
        assert_eq!(status, 204);
        if let Some(fault) = &answer {
            env.chime
                .inject("GetMessagingStreamingConfigurations", fault.clone(), 100);
            env.chime
                .inject("DeleteMessagingStreamingConfigurations", fault.clone(), 100);
        }

        let plan = ws.plan_json();
        plan.assert_ok();
        assert_eq!(
            plan.find("warning", "AppInstance no longer exists").len(),
            1,
            "{answer:?}: {}",
            plan.output()
        );
        ws.destroy().assert_ok();
        assert_eq!(
            env.aws.stream_names(),
            vec!["chime-messaging-external".to_string()],
            "{answer:?}: the stream this resource created is deleted, the referenced one kept"
        );
    }
}
