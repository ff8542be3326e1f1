//! Delivers events to Kinesis in order: a bounded queue (a full queue makes
//! the API call wait, so nothing is dropped), batched PutRecords per stream,
//! and retries with backoff while Kinesis is unreachable. A record that
//! fails is re-sent with every record after it, so one channel's events
//! never overtake each other (delivery is at least once).

use std::time::Duration;

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use tokio::sync::mpsc;

/// One record on its way.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub stream_name: String,
    pub partition_key: String,
    pub data: Vec<u8>,
}

pub const QUEUE_CAPACITY: usize = 100_000;
const MAX_BATCH: usize = 500;

pub fn kinesis_client(endpoint: &str, region: &str) -> aws_sdk_kinesis::Client {
    let creds = aws_credential_types::Credentials::new(
        "chimesdk-local",
        "chimesdk-local",
        None,
        None,
        "chimesdk-local",
    );
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(aws_sdk_kinesis::config::BehaviorVersion::latest())
        .region(aws_sdk_kinesis::config::Region::new(region.to_string()))
        .credentials_provider(creds)
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_kinesis::config::retry::RetryConfig::disabled())
        .timeout_config(
            aws_sdk_kinesis::config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(10))
                .build(),
        )
        .build();
    aws_sdk_kinesis::Client::from_conf(config)
}

/// Starts the delivery task; events are sent on the returned queue.
pub fn start(client: aws_sdk_kinesis::Client) -> mpsc::Sender<Outgoing> {
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    tokio::spawn(run(client, rx));
    tx
}

async fn run(client: aws_sdk_kinesis::Client, mut rx: mpsc::Receiver<Outgoing>) {
    let mut pending: Vec<Outgoing> = Vec::new();
    loop {
        if pending.is_empty() {
            match rx.recv().await {
                Some(o) => pending.push(o),
                None => return,
            }
        }
        while pending.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(o) => pending.push(o),
                Err(_) => break,
            }
        }
        // One stream per PutRecords call: take the leading run for one stream.
        let stream = pending[0].stream_name.clone();
        let run_len = pending
            .iter()
            .take_while(|o| o.stream_name == stream)
            .count();
        let batch: Vec<Outgoing> = pending.drain(..run_len).collect();
        deliver(&client, &stream, batch).await;
    }
}

/// Sends one batch until all of it is accepted.
async fn deliver(client: &aws_sdk_kinesis::Client, stream: &str, mut batch: Vec<Outgoing>) {
    let mut backoff = Duration::from_millis(100);
    while !batch.is_empty() {
        let entries: Vec<PutRecordsRequestEntry> = batch
            .iter()
            .map(|o| {
                PutRecordsRequestEntry::builder()
                    .data(Blob::new(o.data.clone()))
                    .partition_key(&o.partition_key)
                    .build()
                    .expect("data and partition key are set")
            })
            .collect();
        match client
            .put_records()
            .stream_name(stream)
            .set_records(Some(entries))
            .send()
            .await
        {
            Ok(out) if out.failed_record_count().unwrap_or(0) == 0 => {
                tracing::debug!(stream, records = batch.len(), "delivered");
                return;
            }
            Ok(out) => {
                let first_failed = out
                    .records()
                    .iter()
                    .position(|r| r.error_code().is_some())
                    .unwrap_or(0);
                tracing::warn!(
                    stream,
                    failed = out.failed_record_count().unwrap_or(0),
                    "some records were refused; re-sending in order"
                );
                batch.drain(..first_failed);
            }
            Err(e) => {
                tracing::warn!(stream, error = %aws_smithy_types::error::display::DisplayErrorContext(&e), retry_in_ms = backoff.as_millis() as u64, "Kinesis unreachable; events wait in the queue");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
