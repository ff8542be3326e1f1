//! Watching the configured streams from now on for the records one
//! channel's traffic makes: each open shard's tip is noted before the
//! traffic, and every record after it is read and matched by channel.

use std::collections::{BTreeMap, BTreeSet};

use crate::aws::Aws;
use crate::aws::AwsError;
use crate::aws::stream_reader::{iterator_at_tip, open_shards, read_records};
use chimesdk_domain::events::{Event, EventType};
use chimesdk_domain::streaming::DataType;

/// The record a data type's stream gets when a channel is made or a
/// message sent.
pub fn expected_event(data_type: DataType) -> EventType {
    match data_type {
        DataType::Channel => EventType::CreateChannel,
        DataType::ChannelMessage => EventType::CreateChannelMessage,
    }
}

struct StreamWatch {
    /// Open shard -> iterator (`None` once the shard closed).
    cursors: BTreeMap<String, Option<String>>,
    /// Event types seen for the watched channel.
    seen: BTreeSet<EventType>,
    /// Records read that were about other channels.
    others: usize,
}

#[derive(Default)]
pub struct Watch {
    streams: BTreeMap<String, StreamWatch>,
}

impl Watch {
    /// Notes the tip of every open shard of each stream; a stream that
    /// cannot be read is returned with why, and not watched.
    pub async fn open(c: &Aws<'_>, streams: &BTreeSet<String>) -> (Watch, Vec<(String, AwsError)>) {
        let mut watch = Watch::default();
        let mut failed = Vec::new();
        for name in streams {
            match Self::tips(c, name).await {
                Ok(cursors) => {
                    watch.streams.insert(
                        name.clone(),
                        StreamWatch {
                            cursors,
                            seen: BTreeSet::new(),
                            others: 0,
                        },
                    );
                }
                Err(e) => failed.push((name.clone(), e)),
            }
        }
        (watch, failed)
    }

    async fn tips(c: &Aws<'_>, stream: &str) -> Result<BTreeMap<String, Option<String>>, AwsError> {
        let mut cursors = BTreeMap::new();
        for shard in open_shards(c, stream).await? {
            let it = iterator_at_tip(c, stream, &shard).await?;
            cursors.insert(shard, it);
        }
        Ok(cursors)
    }

    pub fn watches(&self, stream: &str) -> bool {
        self.streams.contains_key(stream)
    }

    pub fn shard_count(&self, stream: &str) -> usize {
        self.streams.get(stream).map_or(0, |s| s.cursors.len())
    }

    pub fn seen(&self, stream: &str, event: &EventType) -> bool {
        self.streams
            .get(stream)
            .is_some_and(|s| s.seen.contains(event))
    }

    /// What was seen on `stream` for the channel, and how many records
    /// were about other channels.
    pub fn seen_on(&self, stream: &str) -> (Vec<EventType>, usize) {
        self.streams
            .get(stream)
            .map(|s| (s.seen.iter().cloned().collect(), s.others))
            .unwrap_or_default()
    }

    /// Reads every shard once; returns what arrived for `channel_arn` as
    /// (stream, event type), first sightings only.
    pub async fn poll(
        &mut self,
        c: &Aws<'_>,
        channel_arn: &str,
    ) -> Result<Vec<(String, EventType)>, AwsError> {
        let mut arrived = Vec::new();
        for (name, stream) in &mut self.streams {
            for iterator in stream.cursors.values_mut() {
                let Some(it) = iterator.clone() else { continue };
                let (records, next) = read_records(c, &it).await?;
                *iterator = next;
                for data in records {
                    match Event::decode(&data) {
                        Ok(e) if e.payload.channel_arn() == Some(channel_arn) => {
                            if stream.seen.insert(e.event_type.clone()) {
                                arrived.push((name.clone(), e.event_type));
                            }
                        }
                        _ => stream.others += 1,
                    }
                }
            }
        }
        Ok(arrived)
    }
}
