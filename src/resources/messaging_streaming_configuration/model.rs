//! The resolved desired state that reconcile works from, read from the
//! resource's model (declared in `schema`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::schema::{BlockModel, Model, StreamModel};
pub use crate::aws::tags::{Tags, TagsAttr, known_tags, tags_attr};

impl Model {
    pub fn blocks(&self) -> &[BlockModel] {
        self.streaming_configuration
            .known()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// A managed stream's settings (the framework applied the schema's
/// defaults to every model a resource sees).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSpec {
    pub name: String,
    pub shard_count: i64,
    pub kms_key_id: String,
    pub retention_hours: i64,
    pub retain_on_destroy: bool,
    /// Every tag to set (`tags_all`): the resource's own over the defaults.
    pub tags: Tags,
}

impl StreamSpec {
    /// `None` while any setting is unknown. The tags are `tags_all` where
    /// that is set (a plan or a state), else the block's own `tags` (a
    /// configuration, before the provider's default tags are merged in).
    pub fn from_model(s: &StreamModel) -> Option<StreamSpec> {
        let tags = if s.tags_all.is_null() {
            known_tags(&s.tags)?
        } else {
            known_tags(&s.tags_all)?
        };
        Some(StreamSpec {
            name: s.name.known()?.clone(),
            shard_count: *s.shard_count.known()?,
            kms_key_id: s.kms_key_id.known()?.clone(),
            retention_hours: *s.retention_period_hours.known()?,
            retain_on_destroy: *s.retain_on_destroy.known()?,
            tags,
        })
    }
}

/// Where one data type goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A stream managed elsewhere; checked, never modified.
    Referenced(String),
    /// A stream this resource manages.
    Managed(StreamSpec),
}

/// The wholly known desired state, keyed by data type.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    pub app_instance_arn: String,
    pub targets: BTreeMap<String, Target>,
}

impl Desired {
    /// From a planned model; `None` if anything needed is still unknown.
    pub fn from_model(m: &Model) -> Option<Desired> {
        let mut targets = BTreeMap::new();
        for b in m.blocks() {
            let data_type = b.data_type.known()?.clone();
            let target = match b.stream.known() {
                Some(s) => Target::Managed(StreamSpec::from_model(s)?),
                None => Target::Referenced(b.resource_arn.known()?.clone()),
            };
            targets.insert(data_type, target);
        }
        Some(Desired {
            app_instance_arn: m.app_instance_arn.known()?.clone(),
            targets,
        })
    }

    /// Managed streams, one entry per distinct name.
    pub fn managed_streams(&self) -> BTreeMap<String, StreamSpec> {
        self.targets
            .values()
            .filter_map(|t| match t {
                Target::Managed(s) => Some((s.name.clone(), s.clone())),
                Target::Referenced(_) => None,
            })
            .collect()
    }

    /// Referenced stream ARNs, one entry per distinct ARN.
    pub fn referenced_arns(&self) -> Vec<String> {
        let mut arns: Vec<String> = self
            .targets
            .values()
            .filter_map(|t| match t {
                Target::Referenced(a) => Some(a.clone()),
                Target::Managed(_) => None,
            })
            .collect();
        arns.sort();
        arns.dedup();
        arns
    }
}

/// What the provider remembers beside the state: the streams this resource
/// created, recorded as soon as each exists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Private {
    #[serde(default)]
    pub created_streams: Vec<String>,
}

impl Private {
    pub fn record_created(&mut self, name: &str) {
        if !self.created_streams.iter().any(|n| n == name) {
            self.created_streams.push(name.to_string());
            self.created_streams.sort();
        }
    }

    pub fn forget(&mut self, name: &str) {
        self.created_streams.retain(|n| n != name);
    }
}
