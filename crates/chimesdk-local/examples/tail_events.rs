//! Follows every shard of a Kinesis stream that Chime SDK messaging writes
//! to and prints one JSON line per decoded event, following child shards
//! after a reshard. This is the piece to copy to react to messaging data in
//! real time.
//!
//!     cargo run --example tail_events -- --stream chime-messaging-quickstart \
//!         [--endpoint http://127.0.0.1:4566] [--region us-east-1] [--latest] [--idle-exit SECONDS]
//!
//! Credentials and region come from the standard AWS chain.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use aws_sdk_kinesis::types::ShardIteratorType;
use chimesdk_domain::events::Event;

struct Args {
    stream: String,
    endpoint: Option<String>,
    region: Option<String>,
    latest: bool,
    idle_exit: Option<Duration>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        stream: String::new(),
        endpoint: None,
        region: None,
        latest: false,
        idle_exit: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--stream" => args.stream = value()?,
            "--endpoint" => args.endpoint = Some(value()?),
            "--region" => args.region = Some(value()?),
            "--latest" => args.latest = true,
            "--idle-exit" => {
                args.idle_exit = Some(Duration::from_secs(
                    value()?.parse().map_err(|e| format!("--idle-exit: {e}"))?,
                ))
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.stream.is_empty() {
        return Err("--stream is required".into());
    }
    Ok(args)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "tail_events: {e}\nusage: tail_events --stream NAME [--endpoint URL] [--region REGION] [--latest] [--idle-exit SECONDS]"
            );
            std::process::exit(2);
        }
    };
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(chimesdk_local::http_client());
    if let Some(r) = &args.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    let config = loader.load().await;
    let mut builder = aws_sdk_kinesis::config::Builder::from(&config);
    if let Some(url) = &args.endpoint {
        builder = builder.endpoint_url(url);
    }
    let client = aws_sdk_kinesis::Client::from_conf(builder.build());
    if let Err(e) = follow(&client, &args).await {
        eprintln!("tail_events: {e}");
        std::process::exit(1);
    }
}

async fn list_shards(
    client: &aws_sdk_kinesis::Client,
    stream: &str,
) -> Result<Vec<aws_sdk_kinesis::types::Shard>, String> {
    let mut shards = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = match &token {
            Some(t) => client.list_shards().next_token(t),
            None => client.list_shards().stream_name(stream),
        };
        let out = req.send().await.map_err(|e| {
            format!(
                "ListShards: {}",
                aws_smithy_types::error::display::DisplayErrorContext(&e)
            )
        })?;
        shards.extend(out.shards().iter().cloned());
        match out.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => return Ok(shards),
        }
    }
}

/// Reads every shard until it closes, then its children, for ever (or until
/// idle for `--idle-exit`).
async fn follow(client: &aws_sdk_kinesis::Client, args: &Args) -> Result<(), String> {
    // shard id -> current iterator
    let mut iterators: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut finished: BTreeSet<String> = BTreeSet::new();
    let mut last_event = Instant::now();
    let mut first_round = true;
    loop {
        // Open new shards: at start, every open shard (and closed ones with
        // unread data from TRIM_HORIZON); later, children of closed shards.
        for shard in list_shards(client, &args.stream).await? {
            let id = shard.shard_id().to_string();
            if iterators.contains_key(&id) || finished.contains(&id) {
                continue;
            }
            let parent_done = shard
                .parent_shard_id()
                .is_none_or(|p| finished.contains(p) || !iterators.contains_key(p));
            if !first_round && !parent_done {
                continue;
            }
            let kind = if args.latest && first_round {
                ShardIteratorType::Latest
            } else {
                ShardIteratorType::TrimHorizon
            };
            let it = client
                .get_shard_iterator()
                .stream_name(&args.stream)
                .shard_id(&id)
                .shard_iterator_type(kind)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "GetShardIterator: {}",
                        aws_smithy_types::error::display::DisplayErrorContext(&e)
                    )
                })?;
            iterators.insert(id, it.shard_iterator().map(str::to_string));
        }
        first_round = false;

        let mut got_any = false;
        for (shard, iterator) in iterators.iter_mut() {
            let Some(it) = iterator.clone() else { continue };
            let out = match client
                .get_records()
                .shard_iterator(&it)
                .limit(1000)
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => {
                    eprintln!(
                        "tail_events: GetRecords on {shard}: {}",
                        aws_smithy_types::error::display::DisplayErrorContext(&e)
                    );
                    continue;
                }
            };
            for record in out.records() {
                got_any = true;
                let line = match Event::decode(record.data().as_ref()) {
                    Ok(event) => serde_json::json!({
                        "shard": shard,
                        "sequence": record.sequence_number(),
                        "partition_key": record.partition_key(),
                        "event_type": event.event_type.as_str(),
                        "payload": serde_json::from_slice::<serde_json::Value>(record.data().as_ref()).ok().and_then(|v| v.get("Payload").cloned()),
                    }),
                    Err(e) => {
                        serde_json::json!({ "shard": shard, "sequence": record.sequence_number(), "error": e.to_string() })
                    }
                };
                println!("{line}");
            }
            *iterator = out.next_shard_iterator().map(str::to_string);
        }
        // Closed shards (no next iterator) are done: their children open next round.
        let closed: Vec<String> = iterators
            .iter()
            .filter(|(_, it)| it.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        for id in closed {
            iterators.remove(&id);
            finished.insert(id);
        }
        if got_any {
            last_event = Instant::now();
        } else if let Some(idle) = args.idle_exit
            && last_event.elapsed() >= idle
        {
            return Ok(());
        }
        if !got_any {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}
