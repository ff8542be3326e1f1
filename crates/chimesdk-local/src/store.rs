//! The endpoint's state: AppInstances, users, streaming configurations,
//! channels (with their members, bans, moderators and sub-channels),
//! messages and idempotency tokens, each a [`Table`] that remembers which
//! rows an operation changed, so that only those are written, and what they
//! were before, so that a failed operation changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use chimesdk_domain::events::{ElasticChannelConfiguration, ExpirationSettings, Identity};

/// Rows by key. Reads go through `Deref`; every change goes through a
/// method that marks the row and keeps what it was, so nothing changes
/// unrecorded and an operation's changes can be undone.
#[derive(Debug, Clone)]
pub struct Table<V> {
    rows: BTreeMap<String, V>,
    dirty: BTreeSet<String>,
    /// Each row this operation changed, as it was before (`None`: absent).
    before: BTreeMap<String, Option<V>>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            dirty: BTreeSet::new(),
            before: BTreeMap::new(),
        }
    }
}

impl<V> Deref for Table<V> {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.rows
    }
}

impl<V: Clone> Table<V> {
    /// Marks `key` changed, keeping its row as it was the first time.
    fn touch(&mut self, key: &str) {
        if !self.before.contains_key(key) {
            self.before
                .insert(key.to_string(), self.rows.get(key).cloned());
        }
        self.dirty.insert(key.to_string());
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        if !self.rows.contains_key(key) {
            return None;
        }
        self.touch(key);
        self.rows.get_mut(key)
    }

    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        self.touch(&key);
        self.rows.insert(key, value)
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        if !self.rows.contains_key(key) {
            return None;
        }
        self.touch(key);
        self.rows.remove(key)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&String, &V) -> bool) {
        let gone: Vec<String> = self
            .rows
            .iter()
            .filter(|(k, v)| !keep(k, v))
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            self.remove(&key);
        }
    }

    /// Puts back every row this operation changed, as it was.
    pub fn roll_back(&mut self) {
        for (key, row) in std::mem::take(&mut self.before) {
            self.dirty.remove(&key);
            match row {
                Some(row) => self.rows.insert(key, row),
                None => self.rows.remove(&key),
            };
        }
    }
}

impl<V> Table<V> {
    /// Rows loaded from disk: not changes.
    pub fn load(&mut self, key: String, value: V) {
        self.rows.insert(key, value);
    }

    /// The rows changed since the last call: `(key, Some(row))` for a row
    /// to write, `(key, None)` for one to delete.
    pub fn take_changes(&mut self) -> Vec<(String, Option<&V>)> {
        self.before.clear();
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .map(|k| {
                let row = self.rows.get(&k);
                (k, row)
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Store {
    pub app_instances: Table<AppInstance>,
    pub users: Table<AppInstanceUser>,
    pub bots: Table<AppInstanceBot>,
    pub channel_flows: Table<ChannelFlow>,
    /// AppInstance ARN -> (DataType, ResourceArn) pairs.
    pub streaming: Table<Vec<(String, String)>>,
    pub channels: Table<ChannelRecord>,
    /// [`message_key`] -> the message; persistent messages only.
    pub messages: Table<Message>,
    /// "Operation|scope|ClientRequestToken" -> the ARN or ID it produced.
    pub tokens: Table<String>,
    /// Orders messages within a channel (and across restarts).
    pub next_message_seq: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppInstance {
    pub arn: String,
    pub name: String,
    pub metadata: Option<String>,
    pub created: f64,
    pub updated: f64,
    /// Key -> value, as TagResource and CreateAppInstance set them.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Admin ARN (a user of this AppInstance) -> when it was made admin.
    #[serde(default)]
    pub admins: BTreeMap<String, f64>,
    /// PutAppInstanceRetentionSettings' days and when deletion begins.
    #[serde(default)]
    pub retention: Option<Retention>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Retention {
    pub days: u32,
    pub initiate_deletion: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppInstanceUser {
    pub arn: String,
    pub app_instance_arn: String,
    pub name: String,
    pub metadata: Option<String>,
    pub created: f64,
    pub updated: f64,
    pub expiration_settings: Option<serde_json::Value>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppInstanceBot {
    pub arn: String,
    pub app_instance_arn: String,
    pub name: Option<String>,
    pub metadata: Option<String>,
    /// The `Configuration` as it was sent (the model's shape).
    pub configuration: serde_json::Value,
    pub created: f64,
    pub updated: f64,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub r#type: String,
    pub invited_by: Identity,
    pub created: f64,
    pub updated: f64,
    pub sub_channel_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub created: f64,
    pub created_by: Identity,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    /// Creation order among all messages.
    pub seq: u64,
    /// `None` once redacted.
    pub content: Option<String>,
    pub metadata: Option<String>,
    pub r#type: String,
    pub persistence: String,
    pub created: f64,
    pub updated: f64,
    pub edited: Option<f64>,
    pub sender: Identity,
    pub redacted: bool,
    pub attributes: Option<BTreeMap<String, serde_json::Value>>,
    pub sub_channel_id: Option<String>,
    pub content_type: Option<String>,
    pub target: Option<Vec<chimesdk_domain::events::Target>>,
    /// PENDING while a channel flow has it, DENIED or FAILED after; `None`
    /// is SENT (state files from before channel flows have none).
    #[serde(default)]
    pub status: Option<chimesdk_domain::events::MessageStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelRecord {
    pub arn: String,
    pub app_instance_arn: String,
    pub name: String,
    pub mode: String,
    pub privacy: String,
    pub metadata: Option<String>,
    pub created_by: Identity,
    pub created: f64,
    pub updated: f64,
    pub last_message: Option<f64>,
    pub elastic: Option<ElasticChannelConfiguration>,
    pub expiration: Option<ExpirationSettings>,
    pub members: BTreeMap<String, Membership>,
    pub bans: BTreeMap<String, Grant>,
    pub moderators: BTreeMap<String, Grant>,
    /// Sub-channel ID -> when it was made (elastic channels only).
    pub sub_channels: BTreeMap<String, f64>,
    /// The channel flow its messages go through (state files from before
    /// channel flows have none).
    #[serde(default)]
    pub channel_flow_arn: Option<String>,
}

/// A channel flow: its processors as the request gave them (the model's
/// `Processor` shapes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelFlow {
    pub arn: String,
    pub app_instance_arn: String,
    pub name: String,
    pub processors: Vec<serde_json::Value>,
    pub created: f64,
    pub updated: f64,
    pub tags: BTreeMap<String, String>,
}

/// A message's key in [`Store::messages`]: its channel's ARN, then its ID,
/// so that one channel's messages are one range of keys. Channel IDs have
/// no `/`, so no channel's prefix is another's.
pub fn message_key(channel_arn: &str, message_id: &str) -> String {
    format!("{channel_arn}/{message_id}")
}

impl Store {
    pub fn identity_of(&self, arn: &str) -> Identity {
        Identity {
            arn: Some(arn.to_string()),
            name: match self.users.get(arn) {
                Some(u) => Some(u.name.clone()),
                None => self.bots.get(arn).and_then(|b| b.name.clone()),
            },
        }
    }

    /// The tags of whatever taggable object (AppInstance, user, bot) has
    /// this ARN.
    pub fn tags_mut(&mut self, arn: &str) -> Option<&mut BTreeMap<String, String>> {
        if let Some(a) = self.app_instances.get_mut(arn) {
            return Some(&mut a.tags);
        }
        if let Some(u) = self.users.get_mut(arn) {
            return Some(&mut u.tags);
        }
        if let Some(b) = self.bots.get_mut(arn) {
            return Some(&mut b.tags);
        }
        self.channel_flows.get_mut(arn).map(|f| &mut f.tags)
    }

    pub fn tags(&self, arn: &str) -> Option<&BTreeMap<String, String>> {
        self.app_instances
            .get(arn)
            .map(|a| &a.tags)
            .or_else(|| self.users.get(arn).map(|u| &u.tags))
            .or_else(|| self.bots.get(arn).map(|b| &b.tags))
            .or_else(|| self.channel_flows.get(arn).map(|f| &f.tags))
    }

    /// The stream a data type of an AppInstance goes to, if configured.
    pub fn destination(&self, app_instance_arn: &str, data_type: &str) -> Option<&str> {
        self.streaming
            .get(app_instance_arn)?
            .iter()
            .find(|(dt, _)| dt == data_type)
            .map(|(_, arn)| arn.as_str())
    }

    /// A channel's persistent messages, oldest first.
    pub fn channel_messages(&self, channel_arn: &str) -> Vec<&Message> {
        let prefix = message_key(channel_arn, "");
        let mut found: Vec<&Message> = self
            .messages
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(_, m)| m)
            .collect();
        found.sort_by_key(|m| m.seq);
        found
    }

    /// Removes a channel and its messages.
    pub fn remove_channel(&mut self, channel_arn: &str) -> Option<ChannelRecord> {
        let prefix = message_key(channel_arn, "");
        self.messages.retain(|k, _| !k.starts_with(&prefix));
        self.channels.remove(channel_arn)
    }

    /// Undoes every change of the operation under way.
    pub fn roll_back(&mut self, message_seq_before: u64) {
        self.app_instances.roll_back();
        self.users.roll_back();
        self.bots.roll_back();
        self.channel_flows.roll_back();
        self.streaming.roll_back();
        self.channels.roll_back();
        self.messages.roll_back();
        self.tokens.roll_back();
        self.next_message_seq = message_seq_before;
    }

    /// Without a state file, changes need no writing.
    pub fn forget_changes(&mut self) {
        self.app_instances.take_changes();
        self.users.take_changes();
        self.bots.take_changes();
        self.channel_flows.take_changes();
        self.streaming.take_changes();
        self.channels.take_changes();
        self.messages.take_changes();
        self.tokens.take_changes();
    }

    pub fn take_message_seq(&mut self) -> u64 {
        self.next_message_seq += 1;
        self.next_message_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolled_back_operation_leaves_every_row_as_it_was() {
        let mut t: Table<u32> = Table::default();
        t.insert("kept".into(), 1);
        t.insert("changed".into(), 2);
        t.insert("removed".into(), 3);
        t.take_changes();
        *t.get_mut("changed").unwrap() = 20;
        *t.get_mut("changed").unwrap() = 200;
        t.remove("removed");
        t.insert("added".into(), 4);
        t.retain(|k, _| k != "kept");
        t.roll_back();
        assert_eq!(
            t.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            [("changed", 2), ("kept", 1), ("removed", 3)]
        );
        assert!(t.take_changes().is_empty(), "nothing left to write");

        let mut store = Store::default();
        let seq = store.next_message_seq;
        store.take_message_seq();
        store.tokens.insert("CreateChannel|x".into(), "arn".into());
        store.roll_back(seq);
        assert_eq!(store.next_message_seq, seq);
        assert!(store.tokens.is_empty());
    }

    #[test]
    fn every_change_is_recorded_and_taken_once() {
        let mut t: Table<u32> = Table::default();
        t.load("loaded".into(), 1);
        assert!(t.take_changes().is_empty(), "loading is not a change");
        t.insert("a".into(), 1);
        t.insert("b".into(), 2);
        *t.get_mut("loaded").unwrap() = 5;
        t.remove("b");
        assert!(t.get_mut("missing").is_none());
        t.retain(|k, _| k != "a");
        let changes: Vec<(String, Option<u32>)> = t
            .take_changes()
            .into_iter()
            .map(|(k, v)| (k, v.copied()))
            .collect();
        assert_eq!(
            changes,
            vec![
                ("a".into(), None),
                ("b".into(), None),
                ("loaded".into(), Some(5))
            ]
        );
        assert!(t.take_changes().is_empty());
    }

    #[test]
    fn a_channels_messages_are_its_own_in_creation_order() {
        let mut s = Store::default();
        let msg = |id: &str, seq| Message {
            id: id.into(),
            seq,
            content: None,
            metadata: None,
            r#type: "STANDARD".into(),
            persistence: "PERSISTENT".into(),
            created: 0.0,
            updated: 0.0,
            edited: None,
            sender: Identity::default(),
            redacted: false,
            attributes: None,
            sub_channel_id: None,
            content_type: None,
            target: None,
            status: None,
        };
        s.messages
            .insert(message_key("arn/channel/ab", "z"), msg("z", 1));
        s.messages
            .insert(message_key("arn/channel/ab", "a"), msg("a", 2));
        s.messages
            .insert(message_key("arn/channel/abc", "m"), msg("m", 3));
        let ids: Vec<&str> = s
            .channel_messages("arn/channel/ab")
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, ["z", "a"]);
        s.remove_channel("arn/channel/ab");
        assert_eq!(
            s.messages.len(),
            1,
            "only the other channel's message is left"
        );
    }
}
