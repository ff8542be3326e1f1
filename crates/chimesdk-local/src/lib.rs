//! `chimesdk-local`: a local Amazon Chime SDK identity + messaging endpoint
//! that streams real events to a Kinesis endpoint (moto, or AWS).
//!
//! Faithful to the service model for the operations it serves (paths,
//! status codes, JSON names, errors); SigV4 signatures are accepted without
//! checking. See contributing/chimesdk-local.md for what it does not emulate.

mod admins;
mod aws_clients;
mod bots;
mod constraints;
mod delivery;
mod error;
mod faults;
mod identity;
mod key_gate;
pub mod logging;
mod messaging;
pub use messaging::flow_runs::LambdaEndpoints;
mod middleware;
mod persist;
mod prereq;
mod record;
mod request;
mod retention;
mod routes;
mod server;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;

pub use aws_clients::http_client;
pub use delivery::{Record, Status};
pub use error::ApiError;
use error::ApiResult;
pub use routes::router;
pub use server::Limits;
pub use store::Store;

use chimesdk_domain::arn::StreamArn;
use chimesdk_domain::events::Event;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub kinesis_endpoint: String,
    pub region: String,
    pub account_id: String,
    pub state_file: Option<PathBuf>,
    pub limits: Limits,
    /// Serve `/_chimesdk-local/faults` (tests only; see faults.rs).
    pub test_faults: bool,
    /// Where channel flow processors are invoked; `None`: they cannot be
    /// reached, and each takes its FallbackAction.
    pub lambda: Option<LambdaEndpoints>,
}

pub struct App {
    pub config: Config,
    store: Mutex<Store>,
    kinesis: aws_sdk_kinesis::Client,
    /// The state file, when there is one; else state lives in memory.
    db: Option<Arc<std::sync::Mutex<persist::Db>>>,
    delivery: delivery::Delivery,
    /// The last record number used; a state file's highest at start.
    last_seq: std::sync::atomic::AtomicU64,
    /// The test-only fault rules (empty unless `test_faults`).
    faults: faults::Faults,
    /// Messages waiting for a channel flow processor's callback.
    flow_runs: messaging::flow_runs::Runs,
}

/// An event raised by an operation, for the AppInstance it belongs to.
pub struct Emit {
    pub app_instance_arn: String,
    pub event: Event,
}

impl App {
    /// Must run inside the Tokio runtime: delivery workers start here, and
    /// records a state file still holds are replayed at once.
    pub fn new(config: Config) -> std::io::Result<Arc<App>> {
        let (db, store, outbox, last_seq) = match &config.state_file {
            Some(path) => {
                let (db, store, outbox) = persist::Db::open(path)?;
                let last = db
                    .last_seq()
                    .map_err(|e| std::io::Error::other(format!("state file: {e}")))?;
                (
                    Some(Arc::new(std::sync::Mutex::new(db))),
                    store,
                    outbox,
                    last,
                )
            }
            None => (None, Store::default(), Vec::new(), 0),
        };
        let kinesis = aws_clients::kinesis_client(&config.kinesis_endpoint, &config.region);
        let keys = key_gate::KeyGate::new(
            kinesis.clone(),
            key_gate::kms_client(&config.kinesis_endpoint, &config.region),
            &config.region,
        );
        let delivery = delivery::Delivery::new(kinesis.clone(), keys, db.clone());
        if !outbox.is_empty() {
            tracing::info!(
                records = outbox.len(),
                "replaying records the state file holds"
            );
        }
        delivery.enqueue(outbox);
        Ok(Arc::new(App {
            config,
            store: Mutex::new(store),
            kinesis,
            db,
            delivery,
            last_seq: std::sync::atomic::AtomicU64::new(last_seq),
            faults: faults::Faults::default(),
            flow_runs: Default::default(),
        }))
    }

    pub fn arn_prefix(&self) -> String {
        format!(
            "arn:aws:chime:{}:{}",
            self.config.region, self.config.account_id
        )
    }

    /// Runs one operation against the store. Its changes and the records
    /// its events raise are written to the state file in one transaction
    /// before the caller is answered, and the records are handed to
    /// delivery before the next operation runs: events follow the order of
    /// the calls.
    pub async fn transact<T>(
        &self,
        op: impl FnOnce(&mut Store, &mut Vec<Emit>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let mut store = self.store.lock().await;
        let mut emits = Vec::new();
        let message_seq = store.next_message_seq;
        let out = op(&mut store, &mut emits);
        // A failed operation changes nothing and raises nothing: its rows
        // are put back and its events dropped. (Whether every real
        // operation is all-or-nothing is unverified; the emulator is.)
        let records = match &out {
            Ok(_) => self.records(&store, emits),
            Err(_) => {
                store.roll_back(message_seq);
                Vec::new()
            }
        };
        match &self.db {
            Some(db) => {
                let written = db
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .commit(&mut store, &records);
                if let Err(e) = written {
                    tracing::error!(error = %e, "writing the state file failed");
                    return Err(ApiError::service_failure(format!(
                        "chimesdk-local could not write its state file: {e}"
                    )));
                }
            }
            None => store.forget_changes(),
        }
        self.delivery.enqueue(records);
        out
    }

    /// The Kinesis records for an operation's events: those of data types
    /// with a configured stream (events before streaming is configured are
    /// not sent), numbered in order.
    fn records(&self, store: &Store, emits: Vec<Emit>) -> Vec<Record> {
        let mut records = Vec::new();
        for emit in emits {
            let Some(data_type) = emit.event.event_type.data_type() else {
                continue;
            };
            let Some(dest) = store.destination(&emit.app_instance_arn, data_type.as_str()) else {
                continue;
            };
            let Ok(stream) = StreamArn::parse(dest) else {
                continue;
            };
            records.push(Record {
                seq: self
                    .last_seq
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    + 1,
                stream_name: stream.name,
                partition_key: emit
                    .event
                    .payload
                    .channel_arn()
                    .unwrap_or(&emit.app_instance_arn)
                    .to_string(),
                data: emit.event.encode(),
            });
        }
        records
    }

    /// Reads the store without changing it.
    pub async fn read<T>(&self, op: impl FnOnce(&Store) -> ApiResult<T>) -> ApiResult<T> {
        let store = self.store.lock().await;
        op(&store)
    }

    /// What delivery has done since start.
    pub fn delivery_status(&self) -> Status {
        self.delivery.status()
    }
}

/// Binds, prints the address on the first stdout line, serves until `shutdown`.
pub async fn serve(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = App::new(config)?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "http://{addr}")?;
        out.flush()?;
    }
    tracing::info!(%addr, "chimesdk-local listening");
    let limits = app.config.limits;
    server::serve(listener, router(app), limits, shutdown).await
}

/// Seconds since the epoch, as the REST API reports timestamps.
pub fn now() -> f64 {
    let t = time::OffsetDateTime::now_utc();
    (t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0
}

/// ISO-8601 with milliseconds, as streamed records carry timestamps.
pub fn iso(epoch: f64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos((epoch * 1e9) as i128)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(state_file: Option<PathBuf>) -> Config {
        Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            // Nothing is delivered in these tests: no stream is configured.
            kinesis_endpoint: "http://127.0.0.1:9".into(),
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            state_file,
            limits: Limits::default(),
            test_faults: false,
            lambda: None,
        }
    }

    /// An operation that fails after changing rows changes nothing: not
    /// what later calls see, and not the state file a restart reads.
    #[tokio::test]
    async fn a_failed_operation_changes_nothing_in_memory_or_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("state.db");
        let app = App::new(config(Some(file.clone()))).unwrap();
        app.transact(|s, _| {
            s.tokens.insert("kept".into(), "1".into());
            Ok(())
        })
        .await
        .unwrap();
        let failed = app
            .transact(|s, _| {
                s.tokens.insert("half-done".into(), "2".into());
                s.tokens.remove("kept");
                s.take_message_seq();
                Err::<(), _>(ApiError::bad_request("refused after two changes"))
            })
            .await;
        assert!(failed.is_err());
        let seen = app
            .read(|s| {
                Ok((
                    s.tokens.keys().cloned().collect::<Vec<_>>(),
                    s.next_message_seq,
                ))
            })
            .await
            .unwrap();
        assert_eq!(seen, (vec!["kept".to_string()], 0));
        drop(app);
        let restarted = App::new(config(Some(file))).unwrap();
        let on_disk = restarted
            .read(|s| Ok(s.tokens.keys().cloned().collect::<Vec<_>>()))
            .await
            .unwrap();
        assert_eq!(on_disk, ["kept"]);
    }
}
