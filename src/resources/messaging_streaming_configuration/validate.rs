//! Static checks (ValidateResourceConfig): need no credentials, run in
//! `terraform validate`, and skip values that are not known yet. Rules that
//! a single attribute can express live in the schema's validators; these
//! are the ones that look at several values at once.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Model, StreamSpec, TagsAttr};
use crate::aws::kinesis::stream_tag_problem;
use crate::aws::tags::MAX_USER_TAGS;
use chimesdk_domain::arn::{AppInstanceArn, StreamArn};
use chimesdk_domain::streaming::{STREAM_PREFIX, Unmet, unmet_by_arn};
use tfplugin::framework::Diagnostics;
use tfplugin::value::{Attr, AttributePath};

/// Path of the i-th block of `len` (see `AttributePath::set_element`).
pub fn block_path(i: usize, len: usize) -> AttributePath {
    AttributePath::attr("streaming_configuration").set_element(i, len)
}

/// Runs every static rule on a decoded configuration.
pub fn validate_model(m: &Model, diags: &mut Diagnostics) {
    let app_instance = match &m.app_instance_arn {
        Attr::Known(raw) => match AppInstanceArn::parse(raw) {
            Ok(a) => Some(a),
            Err(why) => {
                diags.error_at(
                    AttributePath::attr("app_instance_arn"),
                    "Invalid AppInstance ARN",
                    format!(
                        "app_instance_arn = {raw:?} is not an AppInstance ARN: {why}. Use the ARN of the AppInstance, \
                         arn:aws:chime:REGION:ACCOUNT:app-instance/ID (for example chimesdk_app_instance.main.arn or awscc_chime_app_instance.main.app_instance_arn)."
                    ),
                );
                None
            }
        },
        _ => None,
    };

    if let Attr::Known(blocks) = &m.streaming_configuration
        && (blocks.is_empty() || blocks.len() > 2)
    {
        diags.error_at(
            AttributePath::attr("streaming_configuration"),
            "Wrong number of streaming_configuration blocks",
            format!(
                "{} streaming_configuration blocks are configured; an AppInstance takes one or two, one per data type \
                 (ChannelMessage and Channel).",
                blocks.len()
            ),
        );
    }

    let mut seen_types: BTreeSet<&str> = BTreeSet::new();
    let mut managed: BTreeMap<String, (usize, StreamSpec)> = BTreeMap::new();
    let count = m.blocks().len();
    let block_path = |i: usize| block_path(i, count);
    for (i, b) in m.blocks().iter().enumerate() {
        if let Attr::Known(dt) = &b.data_type
            && !seen_types.insert(dt.as_str())
        {
            diags.error_at(
                block_path(i).attribute("data_type"),
                "Duplicate data type",
                format!(
                    "data_type = {dt:?} appears in two streaming_configuration blocks. Each data type can be streamed to \
                     one stream only; remove one block, or point both data types at the same stream from two blocks \
                     with different data_type values."
                ),
            );
        }

        let has_arn = !b.resource_arn.is_null();
        let has_stream = !b.stream.is_null();
        if has_arn == has_stream {
            // A path ending at the block would show the resource header;
            // an attribute inside the block shows the block itself.
            diags.error_at(
                block_path(i).attribute(if has_arn { "resource_arn" } else { "data_type" }),
                if has_arn { "Both resource_arn and stream are set" } else { "Neither resource_arn nor stream is set" },
                format!(
                    "The streaming_configuration block for data_type {} needs exactly one of `resource_arn` (an existing \
                     Kinesis stream managed elsewhere) or a `stream` block (a stream this provider creates and manages).",
                    describe_data_type(&b.data_type)
                ),
            );
        }

        if let Attr::Known(raw) = &b.resource_arn
            && !has_stream
        {
            check_stream_arn(
                raw,
                app_instance.as_ref(),
                block_path(i).attribute("resource_arn"),
                &describe_data_type(&b.data_type),
                diags,
            );
        }

        if let Attr::Known(stream) = &b.stream {
            check_tags(
                &stream.tags,
                block_path(i).attribute("stream").attribute("tags"),
                &describe_data_type(&b.data_type),
                diags,
            );
        }
        if let Attr::Known(stream) = &b.stream
            && let Some(spec) = StreamSpec::from_model(stream)
        {
            match managed.get(&spec.name) {
                Some((_, other)) if *other != spec => diags.error_at(
                    block_path(i).attribute("stream"),
                    "Conflicting settings for one managed stream",
                    format!(
                        "Two streaming_configuration blocks manage the stream {:?} with different settings ({}). A stream \
                         has one configuration: make the two stream blocks identical, or give them different names.",
                        spec.name,
                        differences(other, &spec)
                    ),
                ),
                _ => {
                    managed.insert(spec.name.clone(), (i, spec));
                }
            }
        }
    }
}

/// Each tag on its own key's path; the count (the provider's default tags
/// are added at plan).
fn check_tags(tags: &TagsAttr, path: AttributePath, data_type: &str, diags: &mut Diagnostics) {
    let Attr::Known(tags) = tags else { return };
    for (key, value) in tags {
        let shown = value
            .known()
            .map_or("(not yet known)".into(), |v| format!("{v:?}"));
        if let Some(why) = stream_tag_problem(key, value.known().map_or("", String::as_str)) {
            diags.error_at(
                path.clone().key(key),
                "Invalid tag",
                format!(
                    "The stream tag {key:?} = {shown} cannot be set: {why}. Change or remove it."
                ),
            );
        }
    }
    if tags.len() > MAX_USER_TAGS {
        diags.error_at(
            path,
            "Too many tags for one stream",
            format!(
                "In the streaming_configuration block for data_type {data_type}, tags has {} entries; a Kinesis stream \
                 takes 50, one of which marks the streams this provider created, so at most {MAX_USER_TAGS} (including \
                 the provider's default_tags). Remove {}.",
                tags.len(),
                tags.len() - MAX_USER_TAGS
            ),
        );
    }
}

fn describe_data_type(dt: &Attr<String>) -> String {
    match dt {
        Attr::Known(v) => format!("{v:?}"),
        _ => "(not yet known)".into(),
    }
}

fn differences(a: &StreamSpec, b: &StreamSpec) -> String {
    let mut out = Vec::new();
    if a.shard_count != b.shard_count {
        out.push(format!(
            "shard_count {} vs {}",
            a.shard_count, b.shard_count
        ));
    }
    if a.kms_key_id != b.kms_key_id {
        out.push(format!(
            "kms_key_id {:?} vs {:?}",
            a.kms_key_id, b.kms_key_id
        ));
    }
    if a.retention_hours != b.retention_hours {
        out.push(format!(
            "retention_period_hours {} vs {}",
            a.retention_hours, b.retention_hours
        ));
    }
    if a.tags != b.tags {
        out.push("tags".to_string());
    }
    if a.retain_on_destroy != b.retain_on_destroy {
        out.push(format!(
            "retain_on_destroy {} vs {}",
            a.retain_on_destroy, b.retain_on_destroy
        ));
    }
    out.join(", ")
}

/// Rule 4: a Kinesis stream ARN, named chime-messaging-*, in the
/// AppInstance's partition, region and account.
pub fn check_stream_arn(
    raw: &str,
    app_instance: Option<&AppInstanceArn>,
    path: AttributePath,
    data_type: &str,
    diags: &mut Diagnostics,
) {
    let stream = match StreamArn::parse(raw) {
        Ok(s) => s,
        Err(why) => {
            diags.error_at(
                path,
                "Invalid Kinesis stream ARN",
                format!(
                    "In the streaming_configuration block for data_type {data_type}, resource_arn = {raw:?} is not a Kinesis \
                     data stream ARN: {why}. Use arn:aws:kinesis:REGION:ACCOUNT:stream/NAME, for example aws_kinesis_stream.events.arn."
                ),
            );
            return;
        }
    };
    for unmet in unmet_by_arn(&stream, app_instance) {
        match unmet {
            Unmet::NamePrefix => diags.error_at(
                path.clone(),
                "Stream name must start with chime-messaging-",
                format!(
                    "In the streaming_configuration block for data_type {data_type}, the stream {:?} in resource_arn does not \
                     start with \"{STREAM_PREFIX}\"; Chime SDK messaging only streams to streams whose name does. Rename the \
                     stream (aws_kinesis_stream's `name`, which re-creates it), e.g. \"{STREAM_PREFIX}{}\".",
                    stream.name, stream.name
                ),
            ),
            Unmet::Placement(wrong) => {
                let mismatches: Vec<String> = wrong
                    .iter()
                    .map(|(what, s, a)| format!("{what} {s:?} (AppInstance: {a:?})"))
                    .collect();
                diags.error_at(
                    path.clone(),
                    "Stream is not in the AppInstance's account and region",
                    format!(
                        "In the streaming_configuration block for data_type {data_type}, the stream {:?} is in {}. Chime SDK \
                         messaging streams only to Kinesis streams in the same account and region as the AppInstance: create the \
                         stream there (with a provider alias for that account/region).",
                        stream.name,
                        mismatches.join(", ")
                    ),
                );
            }
            Unmet::TooFewShards { .. } | Unmet::NotEncrypted => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::kinesis::OWNER_TAG;
    use crate::resources::messaging_streaming_configuration::model::{BlockModel, StreamModel};
    use crate::resources::messaging_streaming_configuration::schema::{
        DEFAULT_KMS_KEY, DEFAULT_RETENTION_HOURS,
    };

    const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";

    fn referenced(dt: &str, arn: &str) -> BlockModel {
        BlockModel {
            data_type: Attr::Known(dt.into()),
            resource_arn: Attr::Known(arn.into()),
            stream: Attr::Null,
        }
    }

    fn managed(dt: &str, name: &str, shards: i64) -> BlockModel {
        BlockModel {
            data_type: Attr::Known(dt.into()),
            resource_arn: Attr::Null,
            // With the schema's defaults, as the framework hands a config over.
            stream: Attr::Known(StreamModel {
                name: Attr::Known(name.into()),
                shard_count: Attr::Known(shards),
                kms_key_id: Attr::Known(DEFAULT_KMS_KEY.into()),
                retention_period_hours: Attr::Known(DEFAULT_RETENTION_HOURS),
                retain_on_destroy: Attr::Known(false),
                ..Default::default()
            }),
        }
    }

    fn tagged<K: AsRef<str>>(dt: &str, name: &str, tags: &[(K, &str)]) -> BlockModel {
        let mut b = managed(dt, name, 2);
        if let Attr::Known(s) = &mut b.stream {
            s.tags = Attr::Known(
                tags.iter()
                    .map(|(k, v)| (k.as_ref().to_string(), Attr::Known(v.to_string())))
                    .collect(),
            );
        }
        b
    }

    fn check(app: &str, blocks: Vec<BlockModel>) -> Diagnostics {
        let m = Model {
            app_instance_arn: Attr::Known(app.into()),
            streaming_configuration: Attr::Known(blocks),
            ..Default::default()
        };
        let mut d = Diagnostics::new();
        validate_model(&m, &mut d);
        d
    }

    fn only(d: &Diagnostics) -> (&str, String) {
        assert_eq!(d.0.len(), 1, "{d:?}");
        (
            d.0[0].summary.as_str(),
            d.0[0]
                .path
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        )
    }

    #[test]
    fn valid_configurations_pass() {
        let d = check(
            APP,
            vec![
                referenced(
                    "Channel",
                    "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a",
                ),
                managed("ChannelMessage", "chime-messaging-b", 2),
            ],
        );
        assert!(d.is_empty(), "{d:?}");
        // Both data types on one managed stream with identical settings.
        assert!(
            check(
                APP,
                vec![
                    managed("Channel", "chime-messaging-x", 2),
                    managed("ChannelMessage", "chime-messaging-x", 2)
                ]
            )
            .is_empty()
        );
    }

    #[test]
    fn each_rule_has_its_own_error_and_path() {
        let fifty_tags: Vec<(String, &str)> = (0..50).map(|i| (format!("k{i}"), "v")).collect();
        let cases: Vec<(&str, Vec<BlockModel>, &str, &str)> = vec![
            (
                "arn:aws:chime:us-east-1:123456789012:app-instance/a1/user/u",
                vec![managed("Channel", "chime-messaging-a", 2)],
                "Invalid AppInstance ARN",
                "app_instance_arn",
            ),
            (
                APP,
                vec![
                    managed("Channel", "chime-messaging-a", 2),
                    managed("Channel", "chime-messaging-b", 2),
                ],
                "Duplicate data type",
                "streaming_configuration[*].data_type",
            ),
            (
                APP,
                vec![BlockModel {
                    data_type: Attr::Known("Channel".into()),
                    ..Default::default()
                }],
                "Neither resource_arn nor stream is set",
                "streaming_configuration[0].data_type",
            ),
            (
                APP,
                vec![BlockModel {
                    resource_arn: Attr::Unknown,
                    ..managed("Channel", "chime-messaging-a", 2)
                }],
                "Both resource_arn and stream are set",
                "streaming_configuration[0].resource_arn",
            ),
            (
                APP,
                vec![referenced(
                    "Channel",
                    "arn:aws:sqs:us-east-1:123456789012:q",
                )],
                "Invalid Kinesis stream ARN",
                "streaming_configuration[0].resource_arn",
            ),
            (
                APP,
                vec![referenced(
                    "Channel",
                    "arn:aws:kinesis:us-east-1:123456789012:stream/events",
                )],
                "Stream name must start with chime-messaging-",
                "streaming_configuration[0].resource_arn",
            ),
            (
                APP,
                vec![referenced(
                    "Channel",
                    "arn:aws:kinesis:eu-west-1:123456789012:stream/chime-messaging-a",
                )],
                "Stream is not in the AppInstance's account and region",
                "streaming_configuration[0].resource_arn",
            ),
            (
                APP,
                vec![referenced(
                    "Channel",
                    "arn:aws:kinesis:us-east-1:999999999999:stream/chime-messaging-a",
                )],
                "Stream is not in the AppInstance's account and region",
                "streaming_configuration[0].resource_arn",
            ),
            (
                APP,
                vec![
                    managed("Channel", "chime-messaging-x", 2),
                    managed("ChannelMessage", "chime-messaging-x", 4),
                ],
                "Conflicting settings for one managed stream",
                "streaming_configuration[*].stream",
            ),
            (
                APP,
                vec![
                    managed("Channel", "chime-messaging-x", 2),
                    tagged("ChannelMessage", "chime-messaging-x", &[("team", "chat")]),
                ],
                "Conflicting settings for one managed stream",
                "streaming_configuration[*].stream",
            ),
            (
                APP,
                vec![tagged(
                    "Channel",
                    "chime-messaging-x",
                    &[("aws:team", "chat")],
                )],
                "Invalid tag",
                "streaming_configuration[0].stream.tags[\"aws:team\"]",
            ),
            (
                APP,
                vec![tagged(
                    "Channel",
                    "chime-messaging-x",
                    &[(OWNER_TAG, "arn")],
                )],
                "Invalid tag",
                "streaming_configuration[0].stream.tags[\"chimesdk:managed-by-app-instance\"]",
            ),
            (
                APP,
                vec![tagged("Channel", "chime-messaging-x", &fifty_tags)],
                "Too many tags for one stream",
                "streaming_configuration[0].stream.tags",
            ),
        ];
        for (app, blocks, summary, path) in cases {
            let d = check(app, blocks);
            assert_eq!(only(&d), (summary, path.to_string()));
        }
    }

    #[test]
    fn unknown_values_are_not_errors() {
        let m = Model {
            app_instance_arn: Attr::Unknown,
            streaming_configuration: Attr::Known(vec![BlockModel {
                data_type: Attr::Unknown,
                resource_arn: Attr::Unknown,
                stream: Attr::Null,
            }]),
            ..Default::default()
        };
        let mut d = Diagnostics::new();
        validate_model(&m, &mut d);
        assert!(d.is_empty(), "{d:?}");
    }
}
