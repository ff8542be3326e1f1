//! Faults between the provider and AWS, injected by the test proxy:
//! throttling, 5xx, dropped connections, delays, UPDATING streams, refused
//! permissions, and a provider killed in the middle of an apply.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_support::env::{Env, managed, referenced};
use test_support::proxy::{Fault, Proxy};

fn count(calls: &[String], op: &str) -> usize {
    Proxy::count(calls, op)
}

#[test]
fn transient_faults_are_retried_within_budget() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-flaky", ""));
    env.kinesis
        .inject("CreateStream", Fault::KinesisThrottle, 2);
    env.kinesis.inject("DescribeStreamSummary", Fault::Drop, 1);
    env.kinesis
        .inject("StartStreamEncryption", Fault::ServerError, 1);
    env.chime.inject(
        "PutMessagingStreamingConfigurations",
        Fault::ChimeThrottle,
        1,
    );
    env.chime
        .inject("PutMessagingStreamingConfigurations", Fault::ServerError, 1);
    env.chime.inject(
        "GetMessagingStreamingConfigurations",
        Fault::Delay(Duration::from_millis(500)),
        1,
    );
    ws.apply().assert_ok();
    let k = env.kinesis.take_calls();
    let c = env.chime.take_calls();
    assert_eq!(count(&k, "CreateStream"), 3, "2 throttled + 1: {k:?}");
    assert_eq!(count(&c, "PutMessagingStreamingConfigurations"), 3, "{c:?}");
    assert_eq!(
        env.aws.stream_names(),
        vec!["chime-messaging-flaky".to_string()],
        "no duplicate stream"
    );
    assert_eq!(env.aws.streaming_configuration(&env.app).unwrap().len(), 1);
}

#[test]
fn exhausted_retries_fail_clearly_and_the_next_apply_completes() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-resume", ""));
    // max_retries = 3 in the test provider block: 4 attempts, all refused.
    env.chime
        .inject("PutMessagingStreamingConfigurations", Fault::ServerError, 4);
    let r = ws.apply_json();
    r.assert_failed();
    let summary = format!(
        "writing Chime SDK messaging streaming configuration ({})",
        env.app
    );
    let d = r.find("error", &summary);
    assert_eq!(d.len(), 1, "{}", r.output());
    assert!(
        d[0]["detail"]
            .as_str()
            .unwrap()
            .contains("gave up after 4 attempts"),
        "{}",
        d[0]
    );
    assert_eq!(
        env.aws.stream_names(),
        vec!["chime-messaging-resume".to_string()],
        "the stream exists"
    );
    assert_eq!(env.aws.streaming_configuration(&env.app), None);

    env.chime.clear_faults();
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.stream_names(),
        vec!["chime-messaging-resume".to_string()],
        "completed without a duplicate"
    );
    assert!(env.aws.streaming_configuration(&env.app).is_some());
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
    assert!(
        env.aws.stream_names().is_empty(),
        "the stream is still known as ours and deleted"
    );
}

#[test]
fn waits_for_updating_streams_and_honours_timeouts() {
    let env = Env::new();
    let ws = env.stack();
    env.write(&ws, &managed("Channel", "chime-messaging-slow", ""));
    env.kinesis.inject(
        "DescribeStreamSummary",
        Fault::Rewrite("\"ACTIVE\"".into(), "\"UPDATING\"".into()),
        3,
    );
    ws.apply().assert_ok();
    env.kinesis.clear_faults();

    let ws2 = env.stack();
    let app2 = env.aws.create_app_instance("timeouts");
    env.write_for(
        &ws2,
        &app2,
        &(managed("Channel", "chime-messaging-stuck", "")
            + "  timeouts {\n    create = \"2s\"\n  }\n"),
    );
    env.kinesis.inject(
        "DescribeStreamSummary",
        Fault::Rewrite("\"ACTIVE\"".into(), "\"CREATING\"".into()),
        10_000,
    );
    let started = Instant::now();
    let r = ws2.apply_json();
    r.assert_failed();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the timeout bounded the wait"
    );
    let d = r.find(
        "error",
        "waiting for Kinesis stream (chime-messaging-stuck)",
    );
    assert_eq!(d.len(), 1, "{}", r.output());
    assert!(
        d[0]["detail"]
            .as_str()
            .unwrap()
            .contains("The create timeout of 2s ran out"),
        "{}",
        d[0]
    );
    env.kinesis.clear_faults();
    ws2.apply().assert_ok();
    assert!(env.aws.streaming_configuration(&app2).is_some());
}

/// The `timeouts` block bounds every call of the operation, not only its
/// waits: a PutMessagingStreamingConfigurations that does not answer ends
/// the apply at the deadline, the error naming the call and the budget;
/// the next apply completes.
#[test]
fn a_call_that_does_not_answer_is_bounded_by_the_operation_timeout() {
    let env = Env::new();
    let ws = env.stack();
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-unanswered", "")
            + "  timeouts {\n    create = \"4s\"\n  }\n"),
    );
    env.chime.inject(
        "PutMessagingStreamingConfigurations",
        Fault::Delay(Duration::from_secs(30)),
        1,
    );
    let started = Instant::now();
    let r = ws.apply();
    r.assert_failed();
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "the deadline ended the call: {:?}",
        started.elapsed()
    );
    let text = r.output().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("timed out waiting for PutMessagingStreamingConfigurations"),
        "{text}"
    );
    assert!(text.contains("The create timeout of 4s ran out"), "{text}");
    env.chime.clear_faults();
    ws.apply().assert_ok();
    assert!(env.aws.streaming_configuration(&env.app).is_some());
    assert_eq!(ws.plan_exit().code, 0);
}

#[test]
fn a_refused_lookup_at_plan_is_a_warning() {
    let env = Env::new();
    let ws = env.stack();
    let s = env.aws.create_stream("chime-messaging-private", 2, true);
    env.write(&ws, &referenced("Channel", &s));
    env.kinesis
        .inject("DescribeStreamSummary", Fault::AccessDenied, 1);
    let r = ws.plan_json();
    r.assert_ok();
    assert_eq!(
        r.find(
            "warning",
            "Could not check Kinesis stream chime-messaging-private"
        )
        .len(),
        1,
        "{}",
        r.output()
    );
}

#[test]
fn an_apply_killed_midway_is_completed_by_the_next() {
    let env = Env::new();
    let ws = env.stack();
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-k1", "")
            + &managed("ChannelMessage", "chime-messaging-k2", "")),
    );
    // Hold the configuration write long enough to kill the provider.
    env.chime.inject(
        "PutMessagingStreamingConfigurations",
        Fault::Delay(Duration::from_secs(60)),
        1,
    );
    let mut tf = ws
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut calls = Vec::new();
    while Instant::now() < deadline
        && !calls
            .iter()
            .any(|c: &String| c == "PutMessagingStreamingConfigurations")
    {
        std::thread::sleep(Duration::from_millis(100));
        calls.extend(env.chime.take_calls());
    }
    assert!(
        calls
            .iter()
            .any(|c| c == "PutMessagingStreamingConfigurations"),
        "apply reached the configuration write"
    );
    let killed = Command::new("pkill")
        .args([
            "-KILL",
            "-P",
            &tf.id().to_string(),
            "-f",
            "terraform-provider-chimesdk",
        ])
        .status()
        .unwrap();
    assert!(killed.success(), "provider process found and killed");
    let status = tf.wait().unwrap();
    assert!(!status.success(), "terraform reports the crashed provider");
    let mut streams = env.aws.stream_names();
    streams.sort();
    assert_eq!(
        streams,
        vec![
            "chime-messaging-k1".to_string(),
            "chime-messaging-k2".to_string()
        ]
    );

    env.chime.clear_faults();
    ws.apply().assert_ok();
    let mut streams = env.aws.stream_names();
    streams.sort();
    assert_eq!(
        streams,
        vec![
            "chime-messaging-k1".to_string(),
            "chime-messaging-k2".to_string()
        ],
        "no duplicates"
    );
    assert_eq!(env.aws.streaming_configuration(&env.app).unwrap().len(), 2);
    assert_eq!(ws.plan_exit().code, 0);
    ws.destroy().assert_ok();
    assert!(
        env.aws.stream_names().is_empty(),
        "streams created before the kill are known as ours (owner tag): no orphans"
    );
}

#[test]
fn ctrl_c_during_a_long_wait_stops_promptly_with_a_diagnostic() {
    let env = Env::new();
    let ws = env.stack();
    env.write(
        &ws,
        &(managed("Channel", "chime-messaging-ctrlc", "")
            + "  timeouts {\n    create = \"10m\"\n  }\n"),
    );
    // The stream never becomes ACTIVE: the apply would wait 10 minutes.
    env.kinesis.inject(
        "DescribeStreamSummary",
        Fault::Rewrite("\"ACTIVE\"".into(), "\"CREATING\"".into()),
        100_000,
    );
    let tf = ws
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !env.kinesis.take_calls().iter().any(|c| c == "CreateStream")
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let interrupted = Instant::now();
    Command::new("kill")
        .args(["-INT", &tf.id().to_string()])
        .status()
        .unwrap();
    let out = tf.wait_with_output().unwrap();
    let elapsed = interrupted.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success());
    assert!(
        elapsed < Duration::from_secs(15),
        "stopped {elapsed:?} after Ctrl-C:\n{text}"
    );
    assert!(
        text.contains("cancelled because Terraform was interrupted"),
        "{text}"
    );
    assert!(!ws.log().contains("failed to exit gracefully"));
    assert_eq!(
        ws.providers_left(Duration::from_secs(5)),
        Vec::<u32>::new(),
        "no provider outlives Terraform"
    );
}
