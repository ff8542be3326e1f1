//! Delivers records to Kinesis, one worker per stream, so that one stream's
//! trouble never holds up another's. Within a stream records go in order:
//! a refused record is re-sent with every record after it (delivery is at
//! least once). While Kinesis is unreachable or throttling, a worker waits
//! and retries for as long as it takes; a record that can never be
//! delivered (over Kinesis' size limit, refused as invalid, its stream
//! gone, its stream's KMS key one the service could not use: `key_gate`)
//! is dead-lettered with a log line and a counter instead of being retried
//! forever.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_kinesis::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use serde::Serialize;
use tokio::sync::mpsc;

use super::key_gate::KeyGate;
use super::persist::Db;
pub use super::record::Record;

/// Kinesis' PutRecords limits: 500 records and 5 MiB a call, 1 MiB a
/// record (data and partition key together), partition keys 1-256.
const MAX_BATCH: usize = 500;
const MAX_BATCH_BYTES: usize = 5 << 20;
pub const MAX_RECORD_BYTES: usize = 1 << 20;
const MAX_PARTITION_KEY: usize = 256;
/// Answers that say this record (or stream) is wrong, not that Kinesis is
/// busy, are tried this many times before the record is dead-lettered.
const REFUSALS_BEFORE_DEAD_LETTER: u32 = 5;
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Dead letters kept in memory for the status endpoint.
const RECENT_DEAD_LETTERS: usize = 20;

/// A dead letter, as the status endpoint shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeadLetter {
    pub stream: String,
    pub partition_key: String,
    pub bytes: usize,
    pub error: String,
}

#[derive(Default)]
struct Counters {
    queued: AtomicU64,
    delivered: AtomicU64,
    dead_lettered: AtomicU64,
    recent: Mutex<VecDeque<DeadLetter>>,
}

/// What delivery has done since start (replayed records count as queued).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Status {
    pub queued: u64,
    pub delivered: u64,
    pub dead_lettered: u64,
    pub pending: u64,
    pub recent_dead_letters: Vec<DeadLetter>,
}

pub struct Delivery {
    client: aws_sdk_kinesis::Client,
    keys: Arc<KeyGate>,
    db: Option<Arc<Mutex<Db>>>,
    counters: Arc<Counters>,
    workers: Mutex<HashMap<String, mpsc::UnboundedSender<Record>>>,
}

impl Delivery {
    pub fn new(
        client: aws_sdk_kinesis::Client,
        keys: KeyGate,
        db: Option<Arc<Mutex<Db>>>,
    ) -> Delivery {
        Delivery {
            client,
            keys: Arc::new(keys),
            db,
            counters: Arc::default(),
            workers: Mutex::new(HashMap::new()),
        }
    }

    /// Hands records to their streams' workers, in the order given. Never
    /// waits: a stream that cannot take records holds up no caller.
    pub fn enqueue(&self, records: Vec<Record>) {
        let mut workers = self.workers.lock().unwrap_or_else(|e| e.into_inner());
        for record in records {
            self.counters.queued.fetch_add(1, Ordering::Relaxed);
            let tx = workers
                .entry(record.stream_name.clone())
                .or_insert_with(|| {
                    let (tx, rx) = mpsc::unbounded_channel();
                    let worker = Worker {
                        stream: record.stream_name.clone(),
                        client: self.client.clone(),
                        keys: self.keys.clone(),
                        db: self.db.clone(),
                        counters: self.counters.clone(),
                    };
                    tokio::spawn(worker.run(rx));
                    tx
                });
            if tx.send(record).is_err() {
                tracing::error!("a delivery worker has stopped");
            }
        }
    }

    pub fn status(&self) -> Status {
        let c = &self.counters;
        let queued = c.queued.load(Ordering::Relaxed);
        let delivered = c.delivered.load(Ordering::Relaxed);
        let dead_lettered = c.dead_lettered.load(Ordering::Relaxed);
        Status {
            queued,
            delivered,
            dead_lettered,
            pending: queued.saturating_sub(delivered + dead_lettered),
            recent_dead_letters: c
                .recent
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .cloned()
                .collect(),
        }
    }
}

/// What one PutRecords attempt made of the records at the head of the
/// queue: how many are settled, and what stopped the rest.
#[derive(Debug, PartialEq)]
struct Outcome {
    settled: usize,
    rest: Rest,
}

#[derive(Debug, PartialEq)]
enum Rest {
    /// Every record sent was accepted.
    Done,
    /// The next record was refused as wrong.
    Refused(String),
    /// The stream is gone or refuses every record: the whole batch.
    StreamRefused(String),
    /// Kinesis is busy or out of reach: wait and send the same again.
    Busy(String),
}

struct Worker {
    stream: String,
    client: aws_sdk_kinesis::Client,
    keys: Arc<KeyGate>,
    db: Option<Arc<Mutex<Db>>>,
    counters: Arc<Counters>,
}

impl Worker {
    async fn run(self, mut rx: mpsc::UnboundedReceiver<Record>) {
        let mut queue: VecDeque<Record> = VecDeque::new();
        let mut refusals = 0u32;
        let mut backoff = Duration::from_millis(100);
        loop {
            if queue.is_empty() {
                match rx.recv().await {
                    Some(r) => queue.push_back(r),
                    None => return,
                }
            }
            while let Ok(r) = rx.try_recv() {
                queue.push_back(r);
            }
            self.drop_undeliverable_head(&mut queue);
            if queue.is_empty() {
                continue;
            }
            let batch = batch_len(&queue);
            let outcome = self.attempt(queue.range(..batch)).await;
            self.acknowledge(queue.drain(..outcome.settled).collect());
            let (why, dead) = match outcome.rest {
                Rest::Done => {
                    refusals = 0;
                    backoff = Duration::from_millis(100);
                    continue;
                }
                Rest::Busy(why) => {
                    tracing::warn!(stream = %self.stream, error = %why, retry_in_ms = backoff.as_millis() as u64, "Kinesis unavailable; records wait in order");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
                Rest::Refused(why) => (why, 1),
                Rest::StreamRefused(why) => (why, batch - outcome.settled),
            };
            refusals += 1;
            if refusals >= REFUSALS_BEFORE_DEAD_LETTER {
                let n = dead.min(queue.len());
                self.dead_letter(queue.drain(..n).collect(), &why);
                refusals = 0;
                backoff = Duration::from_millis(100);
                continue;
            }
            tracing::warn!(stream = %self.stream, error = %why, attempt = refusals, "Kinesis refused records; trying again before dead-lettering them");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Records Kinesis could never take are dead-lettered before sending.
    fn drop_undeliverable_head(&self, queue: &mut VecDeque<Record>) {
        while let Some(r) = queue.front() {
            let why = if r.data.len() + r.partition_key.len() > MAX_RECORD_BYTES {
                format!(
                    "the record is {} bytes; Kinesis takes at most {MAX_RECORD_BYTES} (data and partition key)",
                    r.data.len() + r.partition_key.len()
                )
            } else if r.partition_key.is_empty()
                || r.partition_key.chars().count() > MAX_PARTITION_KEY
            {
                format!("the partition key must be 1 to {MAX_PARTITION_KEY} characters")
            } else {
                return;
            };
            let r = queue.pop_front().expect("front exists");
            self.dead_letter(vec![r], &why);
        }
    }

    async fn attempt(&self, batch: impl Iterator<Item = &Record>) -> Outcome {
        // The service-linked role must be able to use the stream's key.
        if let Some(why) = self.keys.refusal(&self.stream).await {
            return Outcome {
                settled: 0,
                rest: Rest::StreamRefused(why),
            };
        }
        let entries: Vec<PutRecordsRequestEntry> = batch
            .map(|r| {
                PutRecordsRequestEntry::builder()
                    .data(Blob::new(r.data.clone()))
                    .partition_key(&r.partition_key)
                    .build()
                    .expect("data and partition key are set")
            })
            .collect();
        let sent = entries.len();
        match self
            .client
            .put_records()
            .stream_name(&self.stream)
            .set_records(Some(entries))
            .send()
            .await
        {
            Ok(out) => {
                let Some(first_failed) =
                    out.records().iter().position(|r| r.error_code().is_some())
                else {
                    return Outcome {
                        settled: sent,
                        rest: Rest::Done,
                    };
                };
                let failed = &out.records()[first_failed];
                let code = failed.error_code().unwrap_or_default();
                let why = format!("{code}: {}", failed.error_message().unwrap_or_default());
                let rest = match kind(code) {
                    Kind::Busy => Rest::Busy(why),
                    Kind::Stream | Kind::Record => Rest::Refused(why),
                };
                Outcome {
                    settled: first_failed,
                    rest,
                }
            }
            Err(SdkError::ServiceError(e)) => {
                let code = e.err().code().unwrap_or("Unknown").to_string();
                let why = format!("{code}: {}", e.err().message().unwrap_or_default());
                let rest = match kind(&code) {
                    Kind::Stream => Rest::StreamRefused(why),
                    Kind::Record => Rest::Refused(why),
                    Kind::Busy => Rest::Busy(why),
                };
                Outcome { settled: 0, rest }
            }
            Err(e) => Outcome {
                settled: 0,
                rest: Rest::Busy(
                    aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
                ),
            },
        }
    }

    fn acknowledge(&self, records: Vec<Record>) {
        if records.is_empty() {
            return;
        }
        self.counters
            .delivered
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        tracing::debug!(stream = %self.stream, records = records.len(), "delivered");
        if let Some(db) = &self.db {
            let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
            let result = db
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .acknowledge(&seqs);
            if let Err(e) = result {
                // Left in the outbox: sent again after a restart (at least once).
                tracing::error!(stream = %self.stream, error = %e, "recording delivered records failed");
            }
        }
    }

    fn dead_letter(&self, records: Vec<Record>, why: &str) {
        if records.is_empty() {
            return;
        }
        self.counters
            .dead_lettered
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        for r in &records {
            tracing::error!(stream = %self.stream, seq = r.seq, partition_key = %r.partition_key, bytes = r.data.len(), error = %why, "record dead-lettered: Kinesis will never accept it");
        }
        {
            let mut recent = self
                .counters
                .recent
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            for r in &records {
                if recent.len() == RECENT_DEAD_LETTERS {
                    recent.pop_front();
                }
                recent.push_back(DeadLetter {
                    stream: self.stream.clone(),
                    partition_key: r.partition_key.clone(),
                    bytes: r.data.len(),
                    error: why.to_string(),
                });
            }
        }
        if let Some(db) = &self.db {
            let result = db
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .dead_letter(&records, why);
            if let Err(e) = result {
                tracing::error!(stream = %self.stream, error = %e, "recording dead letters failed");
            }
        }
    }
}

#[derive(Debug, PartialEq)]
enum Kind {
    /// The stream is missing or refuses everyone: every record fails alike.
    Stream,
    /// This request is wrong (a record in it).
    Record,
    /// Throttling, service trouble, or an answer we cannot classify.
    Busy,
}

/// Kinesis' error codes (its API reference) sorted by what a retry can do.
/// Throttling (LimitExceeded, ProvisionedThroughputExceeded), InternalFailure
/// and anything unknown count as busy: retried, never dead-lettered.
fn kind(code: &str) -> Kind {
    match code {
        "ResourceNotFoundException"
        | "AccessDeniedException"
        | "KMSAccessDeniedException"
        | "KMSDisabledException"
        | "KMSNotFoundException"
        | "KMSInvalidStateException"
        | "KMSOptInRequired" => Kind::Stream,
        "ValidationException" | "InvalidArgumentException" | "SerializationException" => {
            Kind::Record
        }
        _ => Kind::Busy,
    }
}

/// How many records from the head go in the next PutRecords call.
fn batch_len(queue: &VecDeque<Record>) -> usize {
    let mut bytes = 0;
    let mut n = 0;
    for r in queue.iter().take(MAX_BATCH) {
        bytes += r.data.len() + r.partition_key.len();
        if n > 0 && bytes > MAX_BATCH_BYTES {
            break;
        }
        n += 1;
    }
    n
}
