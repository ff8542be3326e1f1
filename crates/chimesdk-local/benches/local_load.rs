//! chimesdk-local under load: 200 concurrent clients send 10,000 messages
//! to 20 channels, in memory and with `--state-file` (SQLite); then every
//! CREATE_CHANNEL_MESSAGE record is read back from moto's Kinesis and
//! checked: each message exactly once, each client's messages in the order
//! it sent them. Prints a table; run with `scripts/bench local-load`.
//! `CHIMESDK_LOCAL_BIN` measures another build of chimesdk-local.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use test_support::aws::enc;
use test_support::{Aws, Services};

const CLIENTS: usize = 200;
const CHANNELS: usize = 20;
const USERS: usize = 10;
const MESSAGES: usize = 10_000;
const STREAM: &str = "chime-messaging-load";

struct Row {
    state: &'static str,
    wall: Duration,
    p50: Duration,
    p99: Duration,
    drained: Duration,
    records: usize,
    exactly_once: bool,
    in_order: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn run(state: &'static str, state_file: Option<&std::path::Path>) -> Row {
    let mut svc = Services::start();
    if state_file.is_some() {
        let moto = svc.moto_url.clone();
        svc.restart_chime(&moto, state_file);
    }
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("load");
    let users: Vec<String> = (0..USERS)
        .map(|u| {
            let (status, body) = aws.chime("POST", "/app-instance-users", Some(json!({ "AppInstanceArn": app, "AppInstanceUserId": format!("u{u}"), "Name": format!("u{u}"), "ClientRequestToken": format!("load-u{u}") })), None);
            assert_eq!(status, 201, "{body}");
            body["AppInstanceUserArn"].as_str().unwrap().to_string()
        })
        .collect();
    let stream = aws.create_stream(STREAM, 4, true);
    assert_eq!(
        aws.put_streaming_configuration(&app, &[("ChannelMessage", &stream)])
            .0,
        200
    );
    let channels: Vec<String> = (0..CHANNELS)
        .map(|c| {
            let (status, body) = aws.chime("POST", "/channels", Some(json!({ "AppInstanceArn": app, "Name": format!("c{c}"), "ClientRequestToken": format!("load-c{c}"), "MemberArns": users })), Some(&users[0]));
            assert_eq!(status, 201, "{body}");
            body["ChannelArn"].as_str().unwrap().to_string()
        })
        .collect();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = svc.chime_url.clone();
    let (wall, mut latencies) = rt.block_on(async {
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(CLIENTS)
            .build_http();
        let (channels, users) = (Arc::new(channels.clone()), Arc::new(users.clone()));
        let started = Instant::now();
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let (client, base, channels, users) = (client.clone(), base.clone(), channels.clone(), users.clone());
                tokio::spawn(async move {
                    let uri = format!("{base}/channels/{}/messages", enc(&channels[i % CHANNELS]));
                    let mut latencies = Vec::with_capacity(MESSAGES / CLIENTS);
                    for n in 0..MESSAGES / CLIENTS {
                        let body = json!({ "Content": format!("{i}:{n}"), "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": format!("m-{i}-{n}") });
                        let req = hyper::Request::post(&uri)
                            .header("content-type", "application/json")
                            .header("x-amz-chime-bearer", &users[i % USERS])
                            .body(Full::new(Bytes::from(body.to_string())))
                            .unwrap();
                        let sent = Instant::now();
                        let resp = client.request(req).await.expect("chimesdk-local answers");
                        let status = resp.status();
                        let _ = resp.into_body().collect().await;
                        assert_eq!(status, 201);
                        latencies.push(sent.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut all = Vec::with_capacity(MESSAGES);
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        (started.elapsed(), all)
    });
    latencies.sort();

    // Delivery: until every message's record is in the stream.
    let drained_at = Instant::now();
    let mut recs;
    loop {
        recs = aws.records(STREAM);
        let n = recs
            .iter()
            .filter(|r| r.data["EventType"] == "CREATE_CHANNEL_MESSAGE")
            .count();
        if n >= MESSAGES || drained_at.elapsed() > Duration::from_secs(300) {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let drained = drained_at.elapsed();
    let messages: Vec<String> = recs
        .iter()
        .filter(|r| r.data["EventType"] == "CREATE_CHANNEL_MESSAGE")
        .map(|r| r.data["Payload"]["Content"].as_str().unwrap().to_string())
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &messages {
        *seen.entry(m.as_str()).or_default() += 1;
    }
    let exactly_once =
        messages.len() == MESSAGES && seen.len() == MESSAGES && seen.values().all(|n| *n == 1);
    // Records of one channel share a partition key, so one shard holds them
    // in the order they were put: each client's must be in sending order.
    let mut next: BTreeMap<usize, usize> = BTreeMap::new();
    let mut in_order = true;
    for m in &messages {
        let (client, n) = m.split_once(':').unwrap();
        let (client, n): (usize, usize) = (client.parse().unwrap(), n.parse().unwrap());
        let want = next.entry(client).or_default();
        if n != *want {
            in_order = false;
        }
        *want = n + 1;
    }
    Row {
        state,
        wall,
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        drained,
        records: messages.len(),
        exactly_once,
        in_order,
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        run("in memory", None),
        run("--state-file (SQLite)", Some(&dir.path().join("state.db"))),
    ];
    println!(
        "\nchimesdk-local: {MESSAGES} messages, {CLIENTS} concurrent clients, {CHANNELS} channels ({} cores)\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "| state | messages/s | p50 ms | p99 ms | wall s | records read back | delivered within s of the last answer | exactly once | in order per client |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {:.2} | {} | {} |",
            r.state,
            MESSAGES as f64 / r.wall.as_secs_f64(),
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            r.wall.as_secs_f64(),
            r.records,
            r.drained.as_secs_f64(),
            if r.exactly_once { "yes" } else { "NO" },
            if r.in_order { "yes" } else { "NO" },
        );
    }
}
