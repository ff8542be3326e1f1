//! The endpoint's state: AppInstances, users, streaming configurations and
//! channels with their members, bans, moderators, sub-channels and
//! messages. Serializable so `--state-file` can keep it across restarts.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::events::{ElasticChannelConfiguration, ExpirationSettings, Identity};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    pub app_instances: BTreeMap<String, AppInstance>,
    pub users: BTreeMap<String, AppInstanceUser>,
    /// AppInstance ARN -> (DataType, ResourceArn) pairs.
    pub streaming: BTreeMap<String, Vec<(String, String)>>,
    pub channels: BTreeMap<String, ChannelRecord>,
    /// "Operation|ClientRequestToken" -> the ARN or ID it produced.
    pub tokens: BTreeMap<String, String>,
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
    pub target: Option<Vec<crate::events::Target>>,
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
    pub messages: Vec<Message>,
}

impl Store {
    pub fn load(path: &Path) -> std::io::Result<Store> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes to a temporary file beside the target, then renames it over:
    /// a crash never leaves a half-written state file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        let bytes = serde_json::to_vec(self)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    }

    pub fn identity_of(&self, arn: &str) -> Identity {
        Identity {
            arn: Some(arn.to_string()),
            name: self.users.get(arn).map(|u| u.name.clone()),
        }
    }

    /// The stream a data type of an AppInstance goes to, if configured.
    pub fn destination(&self, app_instance_arn: &str, data_type: &str) -> Option<&str> {
        self.streaming
            .get(app_instance_arn)?
            .iter()
            .find(|(dt, _)| dt == data_type)
            .map(|(_, arn)| arn.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_file_round_trips_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(
            Store::load(&path).unwrap().app_instances.is_empty(),
            "missing file = empty state"
        );
        let mut s = Store::default();
        s.streaming
            .insert("a".into(), vec![("Channel".into(), "arn:x".into())]);
        s.save(&path).unwrap();
        assert!(!path.with_extension("tmp").exists());
        assert_eq!(
            Store::load(&path).unwrap().destination("a", "Channel"),
            Some("arn:x")
        );
    }
}
