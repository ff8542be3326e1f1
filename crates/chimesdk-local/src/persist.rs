//! `--state-file`: the store and the outbox of records Kinesis has not yet
//! accepted, in one SQLite database in WAL mode. An operation's changed
//! rows and the records it raised commit in one transaction before the
//! caller is answered, so an acknowledged call survives `kill -9`; the
//! outbox is replayed on start.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::record::Record;
use super::store::{Store, Table};

pub struct Db {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS rows (
    tbl   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    seq           INTEGER PRIMARY KEY,
    stream        TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    data          BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
    seq           INTEGER PRIMARY KEY,
    stream        TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    data          BLOB NOT NULL,
    error         TEXT NOT NULL,
    at            REAL NOT NULL
);
";

fn io(e: impl std::fmt::Display, path: &Path) -> std::io::Error {
    std::io::Error::other(format!("state file {}: {e}", path.display()))
}

impl Db {
    /// Opens (or creates) the database and reads back the store and the
    /// records still waiting for Kinesis, oldest first.
    pub fn open(path: &Path) -> std::io::Result<(Db, Store, Vec<Record>)> {
        let conn = Connection::open(path).map_err(|e| io(e, path))?;
        // WAL with synchronous=NORMAL: a commit is in the log before the
        // call is answered, which survives the process being killed; only
        // an OS crash or power loss can lose the last commits.
        let setup = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .and_then(|_| {
                conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
            })
            .and_then(|_| conn.execute_batch(SCHEMA));
        if let Err(e) = setup {
            return Err(io(
                format!(
                    "{e} (is it a SQLite database? chimesdk-local 0.1 wrote JSON state files: \
                     move the old file away to start afresh)"
                ),
                path,
            ));
        }
        let db = Db { conn };
        let mut store = Store::default();
        db.load_table("app_instances", &mut store.app_instances)
            .and_then(|_| db.load_table("users", &mut store.users))
            .and_then(|_| db.load_table("bots", &mut store.bots))
            .and_then(|_| db.load_table("channel_flows", &mut store.channel_flows))
            .and_then(|_| db.load_table("streaming", &mut store.streaming))
            .and_then(|_| db.load_table("channels", &mut store.channels))
            .and_then(|_| db.load_table("messages", &mut store.messages))
            .and_then(|_| db.load_table("tokens", &mut store.tokens))
            .map_err(|e| io(e, path))?;
        store.next_message_seq = store.messages.values().map(|m| m.seq).max().unwrap_or(0);
        let outbox = db.outbox().map_err(|e| io(e, path))?;
        Ok((db, store, outbox))
    }

    fn load_table<V: DeserializeOwned>(
        &self,
        name: &str,
        table: &mut Table<V>,
    ) -> Result<(), String> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM rows WHERE tbl = ?1")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([name], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (key, value) = row.map_err(|e| e.to_string())?;
            let value = serde_json::from_str(&value)
                .map_err(|e| format!("row {name}/{key} does not decode: {e}"))?;
            table.load(key, value);
        }
        Ok(())
    }

    fn outbox(&self) -> rusqlite::Result<Vec<Record>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, stream, partition_key, data FROM outbox ORDER BY seq")?;
        stmt.query_map([], |r| {
            Ok(Record {
                seq: r.get::<_, i64>(0)? as u64,
                stream_name: r.get(1)?,
                partition_key: r.get(2)?,
                data: r.get(3)?,
            })
        })?
        .collect()
    }

    /// The next outbox sequence number (after every one ever used).
    pub fn last_seq(&self) -> rusqlite::Result<u64> {
        let last: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(seq) FROM (SELECT seq FROM outbox UNION ALL SELECT seq FROM dead_letters)",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(last.unwrap_or(0) as u64)
    }

    /// Writes the store's changed rows and the operation's records in one
    /// transaction.
    pub fn commit(&mut self, store: &mut Store, records: &[Record]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        write_changes(&tx, "app_instances", &mut store.app_instances)?;
        write_changes(&tx, "users", &mut store.users)?;
        write_changes(&tx, "bots", &mut store.bots)?;
        write_changes(&tx, "channel_flows", &mut store.channel_flows)?;
        write_changes(&tx, "streaming", &mut store.streaming)?;
        write_changes(&tx, "channels", &mut store.channels)?;
        write_changes(&tx, "messages", &mut store.messages)?;
        write_changes(&tx, "tokens", &mut store.tokens)?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO outbox (seq, stream, partition_key, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for r in records {
                insert.execute(params![
                    r.seq as i64,
                    r.stream_name,
                    r.partition_key,
                    r.data
                ])?;
            }
        }
        tx.commit()
    }

    /// Kinesis accepted these records.
    pub fn acknowledge(&mut self, seqs: &[u64]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?;
            for seq in seqs {
                delete.execute([*seq as i64])?;
            }
        }
        tx.commit()
    }

    /// These records can never be delivered: kept aside with the reason.
    pub fn dead_letter(&mut self, records: &[Record], error: &str) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut keep = tx.prepare_cached(
                "INSERT OR REPLACE INTO dead_letters (seq, stream, partition_key, data, error, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?;
            for r in records {
                keep.execute(params![
                    r.seq as i64,
                    r.stream_name,
                    r.partition_key,
                    r.data,
                    error,
                    super::now()
                ])?;
                delete.execute([r.seq as i64])?;
            }
        }
        tx.commit()
    }
}

fn write_changes<V: Serialize>(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    table: &mut Table<V>,
) -> rusqlite::Result<()> {
    let mut upsert =
        tx.prepare_cached("INSERT OR REPLACE INTO rows (tbl, key, value) VALUES (?1, ?2, ?3)")?;
    let mut delete = tx.prepare_cached("DELETE FROM rows WHERE tbl = ?1 AND key = ?2")?;
    for (key, row) in table.take_changes() {
        match row {
            Some(row) => {
                let json = serde_json::to_string(row)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                upsert.execute(params![name, key, json])?;
            }
            None => {
                delete.execute(params![name, key])?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AppInstance;

    fn record(seq: u64) -> Record {
        Record {
            seq,
            stream_name: "chime-messaging-s".into(),
            partition_key: "pk".into(),
            data: vec![b'x'; 3],
        }
    }

    #[test]
    fn rows_and_records_come_back_and_settled_records_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            let (mut db, mut store, outbox) = Db::open(&path).unwrap();
            assert!(outbox.is_empty() && store.app_instances.is_empty());
            let a = AppInstance {
                arn: "arn:a".into(),
                name: "n".into(),
                metadata: None,
                created: 1.0,
                updated: 1.0,
                tags: Default::default(),
                admins: Default::default(),
                retention: None,
            };
            store.app_instances.insert("arn:a".into(), a.clone());
            store.app_instances.insert("arn:b".into(), a);
            db.commit(&mut store, &[record(1), record(2), record(3)])
                .unwrap();
            store.app_instances.remove("arn:b");
            db.commit(&mut store, &[]).unwrap();
            db.acknowledge(&[1]).unwrap();
            db.dead_letter(&[record(2)], "too large").unwrap();
        }
        let (db, store, outbox) = Db::open(&path).unwrap();
        assert_eq!(store.app_instances.keys().collect::<Vec<_>>(), ["arn:a"]);
        assert_eq!(outbox.iter().map(|r| r.seq).collect::<Vec<_>>(), [3]);
        assert_eq!(db.last_seq().unwrap(), 3);
    }

    #[test]
    fn a_json_state_file_is_refused_with_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, br#"{"app_instances":{}}"#).unwrap();
        let err = Db::open(&path).err().expect("refused").to_string();
        assert!(err.contains("move the old file away"), "{err}");
    }
}
