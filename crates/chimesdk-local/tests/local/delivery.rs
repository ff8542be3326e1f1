//! chimesdk-local's delivery under trouble: a record Kinesis refuses, a
//! stream deleted under it, members over the models' limits, and `kill -9`
//! in the middle of a burst while Kinesis is slow (with `--state-file`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};
use test_support::aws::enc;
use test_support::proxy::{Fault, Proxy};
use test_support::{Aws, Services};

/// An AppInstance with one user and `channels` channels, its ChannelMessage
/// data streamed to a new stream called `stream`.
struct Tenant {
    user: String,
    channels: Vec<String>,
}

fn tenant(aws: &Aws, name: &str, stream: &str, channels: usize) -> Tenant {
    let app = aws.create_app_instance(name);
    let (status, body) = aws.chime("POST", "/app-instance-users", Some(json!({ "AppInstanceArn": app, "AppInstanceUserId": "u", "Name": "u", "ClientRequestToken": format!("{name}-u") })), None);
    assert_eq!(status, 201, "{body}");
    let user = body["AppInstanceUserArn"].as_str().unwrap().to_string();
    let arn = aws.create_stream(stream, 2, true);
    let (status, body) = aws.put_streaming_configuration(&app, &[("ChannelMessage", &arn)]);
    assert_eq!(status, 200, "{body}");
    let channels = (0..channels)
        .map(|i| {
            let (status, body) = aws.chime("POST", "/channels", Some(json!({ "AppInstanceArn": app, "Name": format!("c{i}"), "ClientRequestToken": format!("{name}-c{i}"), "MemberArns": [user] })), Some(&user));
            assert_eq!(status, 201, "{body}");
            body["ChannelArn"].as_str().unwrap().to_string()
        })
        .collect();
    Tenant { user, channels }
}

fn send(aws: &Aws, t: &Tenant, channel: usize, content: &str) -> (u16, Value) {
    try_send(aws, t, channel, content).expect("chimesdk-local answers")
}

fn try_send(
    aws: &Aws,
    t: &Tenant,
    channel: usize,
    content: &str,
) -> Result<(u16, Value), ureq::Error> {
    aws.try_chime(
        "POST",
        &format!("/channels/{}/messages", enc(&t.channels[channel])),
        Some(json!({ "Content": content, "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": format!("t-{}", content.replace(':', "-")) })),
        Some(&t.user),
    )
}

fn contents(recs: &[test_support::aws::Record], channel: &str) -> Vec<String> {
    recs.iter()
        .filter(|r| r.partition_key == channel)
        .map(|r| r.data["Payload"]["Content"].as_str().unwrap().to_string())
        .collect()
}

fn status(aws: &Aws) -> Value {
    aws.chime("GET", "/_chimesdk-local/delivery", None, None).1
}

/// Polls the status endpoint until `pred` holds (at most 30 s).
fn wait_status(aws: &Aws, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let s = status(aws);
        if pred(&s) {
            return s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}: {s}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_record_kinesis_refuses_is_dead_lettered_and_the_next_ones_arrive_in_order() {
    let mut svc = Services::start();
    let proxy = Proxy::start(&svc.moto_url);
    svc.restart_chime(&proxy.url, None);
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let t = tenant(&aws, "refused", "chime-messaging-refused", 1);
    // Kinesis refuses the next five PutRecords as invalid: the record at
    // the head is refused five times, then put aside.
    proxy.inject(
        "PutRecords",
        Fault::Error(400, "ValidationException", "1 validation error detected"),
        5,
    );
    for n in 0..5 {
        assert_eq!(send(&aws, &t, 0, &format!("m{n}")).0, 201);
    }
    let s = wait_status(&aws, "one dead letter", |s| s["DeadLettered"] == 1);
    assert_eq!(
        s["RecentDeadLetters"][0]["Stream"], "chime-messaging-refused",
        "{s}"
    );
    assert!(
        s["RecentDeadLetters"][0]["Error"]
            .as_str()
            .unwrap()
            .starts_with("ValidationException"),
        "{s}"
    );
    let recs = aws.wait_records("chime-messaging-refused", "4 messages", |r| r.len() >= 4);
    assert_eq!(
        contents(&recs, &t.channels[0]),
        ["m1", "m2", "m3", "m4"],
        "the refused head is dropped, the rest arrive in order"
    );
    let s = wait_status(&aws, "nothing pending", |s| s["Pending"] == 0);
    assert_eq!(
        (s["Delivered"].as_u64(), s["DeadLettered"].as_u64()),
        (Some(4), Some(1))
    );
}

#[test]
fn a_deleted_stream_holds_up_no_other_stream() {
    let svc = Services::start();
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let gone = tenant(&aws, "gone", "chime-messaging-gone", 1);
    let kept = tenant(&aws, "kept", "chime-messaging-kept", 1);
    aws.delete_stream("chime-messaging-gone");
    for n in 0..10 {
        assert_eq!(send(&aws, &gone, 0, &format!("g{n}")).0, 201);
        assert_eq!(send(&aws, &kept, 0, &format!("k{n}")).0, 201);
    }
    let recs = aws.wait_records("chime-messaging-kept", "10 messages", |r| r.len() >= 10);
    let expected: Vec<String> = (0..10).map(|n| format!("k{n}")).collect();
    assert_eq!(contents(&recs, &kept.channels[0]), expected);
    // The deleted stream's records are dead-lettered, not retried forever.
    let s = wait_status(&aws, "ten dead letters", |s| s["DeadLettered"] == 10);
    assert!(
        s["RecentDeadLetters"][0]["Error"]
            .as_str()
            .unwrap()
            .starts_with("ResourceNotFoundException"),
        "{s}"
    );
    assert_eq!(s["Pending"], 0, "{s}");
}

#[test]
fn members_over_the_models_limits_are_refused_and_nothing_is_streamed() {
    let svc = Services::start();
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let t = tenant(&aws, "limits", "chime-messaging-limits", 1);
    let before = status(&aws)["Queued"].as_u64().unwrap();
    // 1.5 MB of Metadata (the model allows 1024 characters) used to be
    // accepted, and its record then stalled every stream.
    let (code, body) = aws.chime(
        "POST",
        &format!("/channels/{}/messages", enc(&t.channels[0])),
        Some(json!({ "Content": "hi", "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": "big-1", "Metadata": "x".repeat(1_500_000) })),
        Some(&t.user),
    );
    assert_eq!(
        (code, body["Code"].as_str()),
        (400, Some("BadRequest")),
        "{body}"
    );
    let message = body["Message"].as_str().unwrap();
    assert!(
        message.starts_with("Metadata must be 0 to 1024 characters long; it has 1500000"),
        "{message}"
    );
    assert!(message.len() < 200, "the value is not echoed: {message}");
    // Nested members, the bearer header and query values are checked too.
    let (code, body) = aws.chime(
        "POST",
        "/channels",
        Some(json!({ "AppInstanceArn": "arn:aws:chime:us-east-1:123456789012:app-instance/x", "Name": "n", "ClientRequestToken": "c-1", "ElasticChannelConfiguration": { "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 1, "MinimumMembershipPercentage": 10 } })),
        Some(&t.user),
    );
    assert_eq!(code, 400);
    assert!(
        body["Message"].as_str().unwrap().contains(
            "ElasticChannelConfiguration.TargetMembershipsPerSubChannel must be at least 2; it is 1"
        ),
        "{body}"
    );
    let (code, body) = aws.chime(
        "GET",
        &format!("/channels/{}/messages?max-results=0", enc(&t.channels[0])),
        None,
        Some("not-an-arn"),
    );
    assert_eq!(code, 400);
    let message = body["Message"].as_str().unwrap();
    assert!(
        message.contains("ChimeBearer must match the pattern arn:")
            && message.contains("(\"not-an-arn\")"),
        "{message}"
    );
    assert!(
        message.contains("MaxResults must be from 1 to 50; it is 0"),
        "{message}"
    );
    assert_eq!(
        status(&aws)["Queued"].as_u64().unwrap(),
        before,
        "a refused call raises no event"
    );
}

#[test]
fn the_constraints_table_is_what_the_botocore_models_say() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("constraints.json");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let run = std::process::Command::new(python)
        .arg(test_support::paths::repo_root().join("scripts/gen-local-model"))
        .arg(&out)
        .output()
        .expect("python3 with botocore");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let committed: Value =
        serde_json::from_str(include_str!("../../src/constraints.json")).unwrap();
    let fresh: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(
        committed["services"] == fresh["services"],
        "crates/chimesdk-local/src/constraints.json is stale: run scripts/gen-local-model"
    );
}

/// `kill -9` while Kinesis is slow and a burst is under way: every message
/// that was answered 201 reaches the stream after a restart from the state
/// file, in order per channel.
#[test]
fn acknowledged_messages_survive_kill_9_during_a_burst() {
    let mut svc = Services::start();
    let proxy = Proxy::start(&svc.moto_url);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    svc.restart_chime(&proxy.url, Some(&state));
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let t = tenant(&aws, "durable", "chime-messaging-durable", 4);
    // Each PutRecords waits 300 ms: records pile up in the outbox.
    proxy.inject(
        "PutRecords",
        Fault::Delay(Duration::from_millis(300)),
        10_000,
    );
    let acknowledged: std::sync::Mutex<BTreeMap<usize, Vec<String>>> = Default::default();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for ch in 0..t.channels.len() {
            let (aws, t, acknowledged, stop) = (&aws, &t, &acknowledged, &stop);
            scope.spawn(move || {
                for n in 0.. {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let content = format!("{ch}:{n}");
                    // A refused connection after the kill is no answer.
                    match try_send(aws, t, ch, &content) {
                        Ok((201, _)) => {}
                        _ => return,
                    }
                    acknowledged
                        .lock()
                        .unwrap()
                        .entry(ch)
                        .or_default()
                        .push(content);
                }
            });
        }
        // Let about 200 messages be answered, then kill -9.
        while acknowledged
            .lock()
            .unwrap()
            .values()
            .map(Vec::len)
            .sum::<usize>()
            < 200
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        svc.kill_chime();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let acknowledged = acknowledged.into_inner().unwrap();
    let total: usize = acknowledged.values().map(Vec::len).sum();
    let delivered_before = aws
        .records("chime-messaging-durable")
        .iter()
        .filter(|r| r.data["EventType"] == "CREATE_CHANNEL_MESSAGE")
        .count();
    assert!(
        delivered_before < total,
        "the kill came while records were still waiting ({delivered_before} of {total} delivered)"
    );
    // Restart from the state file, Kinesis no longer slow.
    let moto = svc.moto_url.clone();
    svc.restart_chime(&moto, Some(&state));
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let recs = aws.wait_records(
        "chime-messaging-durable",
        "every acknowledged message",
        |r| {
            acknowledged.iter().all(|(ch, sent)| {
                let got: BTreeSet<String> = contents(r, &t.channels[*ch]).into_iter().collect();
                sent.iter().all(|m| got.contains(m))
            })
        },
    );
    let duplicates = recs
        .iter()
        .filter(|r| r.data["EventType"] == "CREATE_CHANNEL_MESSAGE")
        .count()
        - total;
    eprintln!(
        "kill -9: {total} messages answered 201, {delivered_before} in the stream at the kill, \
         all {total} after the restart ({duplicates} sent twice)"
    );
    for (ch, sent) in &acknowledged {
        // At least once: a record sent just before the kill may come twice;
        // first arrivals keep the channel's order.
        let mut seen = BTreeSet::new();
        let order: Vec<String> = contents(&recs, &t.channels[*ch])
            .into_iter()
            .filter(|m| seen.insert(m.clone()))
            .filter(|m| sent.contains(m))
            .collect();
        assert_eq!(
            &order, sent,
            "channel {ch}: every acknowledged message, in order"
        );
    }
    // The messages themselves are kept too.
    let (code, body) = aws.chime(
        "GET",
        &format!(
            "/channels/{}/messages?max-results=50&sort-order=ASCENDING",
            enc(&t.channels[0])
        ),
        None,
        Some(&t.user),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["ChannelMessages"][0]["Content"], acknowledged[&0][0]);
    // Nothing but the database (and SQLite's WAL files) in the directory.
    let names: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n.starts_with("state.db")),
        "stray files: {names:?}"
    );
}
