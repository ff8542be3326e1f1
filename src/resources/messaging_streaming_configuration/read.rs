//! ReadResource and ImportResourceState: what AWS holds now, shaped as
//! state, so that the next plan shows any drift.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{BlockModel, Model, StreamModel, TagsAttr, tags_attr};
use crate::aws::Aws;
use crate::aws::AwsError;
use crate::aws::app_instances::app_instance_gone;
use crate::aws::gone::Found as _;
use crate::aws::kinesis::{self, StreamSummary, describe_stream_summary, list_tags};
use crate::aws::tags::{Tags, split_remote};
use crate::resources::messaging_streaming_configuration::calls as chime;
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::Diagnostics;
use tfplugin::value::{Attr, AttributePath};

/// Refreshes a state. `None` = the configuration is gone (removed from
/// state with a warning so the next plan re-creates it).
pub async fn refresh(c: &Aws<'_>, current: &Model, diags: &mut Diagnostics) -> Option<Model> {
    let Some(app_arn) = current.app_instance_arn.known().cloned() else {
        return Some(current.clone());
    };
    let remote = match chime::find_streaming_configurations(c, &app_arn).await {
        Ok(r) => r,
        // A deleted AppInstance may answer BadRequest or Forbidden here
        // (unverified which): DescribeAppInstance settles it.
        Err(e) => {
            if app_instance_gone(c, &app_arn).await {
                warn_app_instance_gone(current, &app_arn, diags);
            } else {
                diags.error(
                    format!("reading Chime SDK messaging streaming configuration ({app_arn})"),
                    e.to_string(),
                );
            }
            return Some(current.clone());
        }
    };
    if remote.is_empty() && app_instance_gone(c, &app_arn).await {
        warn_app_instance_gone(current, &app_arn, diags);
        return Some(current.clone());
    }
    if remote.is_empty() {
        diags.warning(
            "Streaming configuration no longer exists",
            format!(
                "The AppInstance {app_arn} has no streaming configuration any more (deleted outside Terraform). It was \
                 removed from the state; the next plan will create it again."
            ),
        );
        return None;
    }
    let prior: BTreeMap<String, &BlockModel> = current
        .blocks()
        .iter()
        .filter_map(|b| Some((b.data_type.known()?.clone(), b)))
        .collect();
    let mut blocks = Vec::new();
    let mut described: BTreeMap<String, Option<Found>> = BTreeMap::new();
    for conf in &remote {
        let managed = prior
            .get(&conf.data_type)
            .and_then(|b| b.stream.known().cloned());
        let stream = match managed {
            Some(stream) => {
                let Some(name) = stream.name.known().cloned() else {
                    continue;
                };
                if !described.contains_key(&name) {
                    let found = match describe(c, &name, diags).await {
                        Ok(found) => found,
                        Err(e) => {
                            diags.error(format!("reading Kinesis stream ({name})"), e.to_string());
                            return Some(current.clone());
                        }
                    };
                    described.insert(name.clone(), found);
                }
                Attr::Known(refreshed_stream(
                    &stream,
                    described[&name].as_ref(),
                    &c.default_tags,
                ))
            }
            None => Attr::Null,
        };
        blocks.push(BlockModel {
            data_type: Attr::Known(conf.data_type.clone()),
            resource_arn: Attr::Known(conf.resource_arn.clone()),
            stream,
        });
    }
    Some(Model {
        id: Attr::Known(app_arn.clone()),
        app_instance_arn: Attr::Known(app_arn),
        streaming_configuration: Attr::Known(blocks),
    })
}

/// The AppInstance was deleted outside Terraform, and its streaming
/// configuration with it. The resource stays in state: Terraform refreshes
/// before destroying, and a resource dropped here could no longer delete
/// the streams it created.
fn warn_app_instance_gone(current: &Model, app_arn: &str, diags: &mut Diagnostics) {
    let managed: Vec<String> = current
        .blocks()
        .iter()
        .filter_map(|b| b.stream.known()?.name.known().cloned())
        .collect();
    let streams = if managed.is_empty() {
        String::new()
    } else {
        format!(
            " (the streams in its `stream` blocks: {}, deleted if this resource created them and retain_on_destroy is off)",
            managed.join(", ")
        )
    };
    diags.warning(
        "AppInstance no longer exists",
        format!(
            "The AppInstance {app_arn} was deleted outside Terraform, and its streaming configuration with it. This \
             resource stays in the state so that removing it from the configuration, or `terraform destroy`, cleans up \
             after it{streams}. To stream again, set app_instance_arn to an existing AppInstance; that replaces this \
             resource."
        ),
    );
}

/// A managed stream as Kinesis reports it.
struct Found {
    summary: StreamSummary,
    /// `None` when ListTagsForStream was refused: the state keeps its tags.
    tags: Option<Tags>,
}

/// The stream's summary and tags; `Ok(None)` if it does not exist.
async fn describe(
    c: &Aws<'_>,
    name: &str,
    diags: &mut Diagnostics,
) -> Result<Option<Found>, AwsError> {
    let Some(summary) = describe_stream_summary(c, name).await.found()? else {
        return Ok(None);
    };
    let tags = match list_tags(c, name).await {
        Ok(t) => Some(t),
        Err(e) if e.is_not_found() => return Ok(None),
        Err(why) if why.is_access_denied() => {
            diags.warning(
                format!("Could not read the tags of Kinesis stream {name}"),
                format!(
                    "ListTagsForStream was refused ({why}), so changes made to the stream's tags outside Terraform are not \
                     shown. Grant kinesis:ListTagsForStream (examples/iam/iam-policy-plan.json) to see them."
                ),
            );
            None
        }
        Err(e) => return Err(e),
    };
    Ok(Some(Found { summary, tags }))
}

/// A managed stream's attributes as Kinesis reports them. A deleted stream
/// reads as 0 shards, no key, 0 hours and no tags, so the plan shows it
/// coming back.
fn refreshed_stream(prior: &StreamModel, found: Option<&Found>, defaults: &Tags) -> StreamModel {
    let (own, all) = match found {
        Some(Found { tags: None, .. }) => (prior.tags.clone(), prior.tags_all.clone()),
        Some(Found {
            tags: Some(remote), ..
        }) => read_tags(prior, remote, defaults),
        None => read_tags(prior, &Tags::new(), defaults),
    };
    match found {
        Some(Found { summary: s, .. }) => StreamModel {
            name: prior.name.clone(),
            shard_count: Attr::Known(s.open_shards),
            kms_key_id: Attr::Known(if s.kms {
                s.key_id.clone().unwrap_or_default()
            } else {
                String::new()
            }),
            retention_period_hours: Attr::Known(s.retention_hours),
            retain_on_destroy: prior.retain_on_destroy.clone(),
            tags: own,
            tags_all: all,
        },
        None => StreamModel {
            name: prior.name.clone(),
            shard_count: Attr::Known(0),
            kms_key_id: Attr::Known(String::new()),
            retention_period_hours: Attr::Known(0),
            retain_on_destroy: prior.retain_on_destroy.clone(),
            tags: own,
            tags_all: all,
        },
    }
}

/// `tags` and `tags_all` from the stream's tags. `tags` stays null when
/// the configuration had none and the stream has none of its own, so an
/// untagged resource shows no change.
fn read_tags(prior: &StreamModel, remote: &Tags, defaults: &Tags) -> (TagsAttr, TagsAttr) {
    let configured: BTreeSet<String> = prior
        .tags
        .known()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let (own, all) = split_remote(remote, defaults, &configured, kinesis::PROTECTED_TAGS);
    let own = if own.is_empty() && prior.tags.is_null() {
        Attr::Null
    } else {
        tags_attr(&own)
    };
    (own, tags_attr(&all))
}

/// `terraform import` by AppInstance ARN: the configuration as
/// `resource_arn` blocks (ownership of streams is never assumed).
pub async fn import(c: &Aws<'_>, id: &str, diags: &mut Diagnostics) -> Option<Model> {
    if let Err(why) = AppInstanceArn::parse(id) {
        diags.error_at(
            AttributePath::attr("id"),
            "Invalid import ID",
            format!("The import ID must be the AppInstance ARN (arn:aws:chime:REGION:ACCOUNT:app-instance/ID); {id:?} is not: {why}."),
        );
        return None;
    }
    let remote = match chime::find_streaming_configurations(c, id).await {
        Ok(r) => r,
        Err(e) => {
            diags.error(
                format!("reading Chime SDK messaging streaming configuration ({id})"),
                e.to_string(),
            );
            return None;
        }
    };
    if remote.is_empty() {
        diags.error(
            "Nothing to import",
            format!("The AppInstance {id} has no streaming configuration. Create one with this resource instead of importing."),
        );
        return None;
    }
    Some(imported(id, remote))
}

/// The state an import (or a list result) starts from: the AppInstance's
/// configurations as `resource_arn` blocks, completed by a Read.
pub fn imported(app_instance_arn: &str, remote: Vec<chime::Configured>) -> Model {
    Model {
        id: Attr::Known(app_instance_arn.to_string()),
        app_instance_arn: Attr::Known(app_instance_arn.to_string()),
        streaming_configuration: Attr::Known(
            remote
                .into_iter()
                .map(|r| BlockModel {
                    data_type: Attr::Known(r.data_type),
                    resource_arn: Attr::Known(r.resource_arn),
                    stream: Attr::Null,
                })
                .collect(),
        ),
    }
}
