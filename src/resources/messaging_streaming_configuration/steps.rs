//! The streaming configuration's apply decisions, as pure functions from
//! what is wanted and what was observed to the next step: which stream
//! step comes next, whether a stream is ours, what the configuration must
//! say, and which streams an apply or a destroy lets go of. `reconcile`
//! observes, asks here, and carries the step out; nothing here calls AWS.

use std::collections::{BTreeMap, BTreeSet};

use super::calls::Configured;
use super::model::{Desired, Private, StreamSpec, Target};
use crate::aws::kinesis::{StreamSummary, next_shard_step};

/// One thing to do to a managed stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamStep {
    Create {
        shards: i64,
    },
    WaitUntilActive,
    /// The stream's tags to the spec's (one list, then the differences).
    ConvergeTags,
    SwitchToProvisioned,
    Encrypt {
        key: String,
    },
    Scale {
        to: i64,
    },
    SetRetention {
        from: i64,
        to: i64,
    },
}

impl StreamStep {
    /// What a failure says it was doing ("creating Kinesis stream (x)").
    pub fn doing(&self) -> &'static str {
        match self {
            StreamStep::Create { .. } => "creating",
            StreamStep::WaitUntilActive => "waiting for",
            StreamStep::ConvergeTags => "tagging",
            StreamStep::SwitchToProvisioned => "switching capacity mode of",
            StreamStep::Encrypt { .. } => "encrypting",
            StreamStep::Scale { .. } => "scaling",
            StreamStep::SetRetention { .. } => "setting retention of",
        }
    }

    /// Steps taken at most once per apply: a stream that reads back
    /// differently after one (a key named by alias, say) is not asked again.
    fn once(&self) -> bool {
        !matches!(self, StreamStep::WaitUntilActive | StreamStep::Scale { .. })
    }
}

/// Scaling at most doubles or halves per call: a bounded number of calls
/// reaches any target from any start (10,000 shards in under 15).
pub const MAX_SCALING_CALLS: usize = 32;

/// The next step for a stream, given what the last look at it saw
/// (`None`: it does not exist) and the steps already taken this apply;
/// `Ok(None)`: the stream is as specified.
pub fn next_stream_step(
    spec: &StreamSpec,
    seen: Option<&StreamSummary>,
    taken: &[StreamStep],
) -> Result<Option<StreamStep>, String> {
    let Some(s) = seen else {
        let create = StreamStep::Create {
            shards: spec.shard_count,
        };
        return Ok((!taken.contains(&create)).then_some(create));
    };
    if !s.is_active() {
        return Ok(Some(StreamStep::WaitUntilActive));
    }
    let candidates = [
        StreamStep::ConvergeTags,
        StreamStep::SwitchToProvisioned,
        StreamStep::Encrypt {
            key: spec.kms_key_id.clone(),
        },
    ];
    for step in candidates {
        let needed = match &step {
            StreamStep::ConvergeTags => true,
            StreamStep::SwitchToProvisioned => s.on_demand,
            StreamStep::Encrypt { key } => !s.kms || s.key_id.as_deref() != Some(key.as_str()),
            _ => false,
        };
        if needed && !(step.once() && taken.contains(&step)) {
            return Ok(Some(step));
        }
    }
    if s.open_shards != spec.shard_count {
        let scaled = taken
            .iter()
            .filter(|t| matches!(t, StreamStep::Scale { .. }))
            .count();
        if scaled >= MAX_SCALING_CALLS {
            return Err(format!(
                "the stream has {} open shards after scaling to {}",
                s.open_shards, spec.shard_count
            ));
        }
        return Ok(Some(StreamStep::Scale {
            to: next_shard_step(s.open_shards, spec.shard_count),
        }));
    }
    let retention = StreamStep::SetRetention {
        from: s.retention_hours,
        to: spec.retention_hours,
    };
    if s.retention_hours != spec.retention_hours && !taken.contains(&retention) {
        return Ok(Some(retention));
    }
    Ok(None)
}

/// Whether an existing stream is this resource's to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// Private state records it, or its owner tag names this AppInstance
    /// (created by an apply that stopped before recording it).
    Created,
    /// Someone else's: converged, never deleted.
    Adopted,
}

pub fn ownership(
    name: &str,
    private: &Private,
    owner_tag: Option<&str>,
    app_arn: &str,
) -> Ownership {
    if private.created_streams.iter().any(|n| n == name) || owner_tag == Some(app_arn) {
        Ownership::Created
    } else {
        Ownership::Adopted
    }
}

/// The configuration the service must hold (sorted), or `None` when it
/// holds it already. `stream_arns`: each managed stream's ARN by name.
pub fn configuration_to_put(
    desired: &Desired,
    stream_arns: &BTreeMap<String, String>,
    current: &[Configured],
) -> Option<Vec<Configured>> {
    let mut wanted: Vec<Configured> = desired
        .targets
        .iter()
        .map(|(data_type, t)| Configured {
            data_type: data_type.clone(),
            resource_arn: match t {
                Target::Referenced(arn) => arn.clone(),
                Target::Managed(s) => stream_arns.get(&s.name).cloned().unwrap_or_default(),
            },
        })
        .collect();
    wanted.sort();
    let mut current = current.to_vec();
    current.sort();
    (wanted != current).then_some(wanted)
}

/// The managed streams an update stops using and does not retain: each is
/// deleted if it is this resource's.
pub fn streams_let_go(before: Option<&Desired>, after: &Desired) -> Vec<String> {
    let Some(before) = before else {
        return Vec::new();
    };
    let still_used: BTreeSet<String> = after.managed_streams().into_keys().collect();
    before
        .managed_streams()
        .into_iter()
        .filter(|(name, spec)| !still_used.contains(name) && !spec.retain_on_destroy)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::tags::Tags;

    const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";

    fn spec(name: &str, shards: i64) -> StreamSpec {
        StreamSpec {
            name: name.into(),
            shard_count: shards,
            kms_key_id: "alias/aws/kinesis".into(),
            retention_hours: 24,
            retain_on_destroy: false,
            tags: Tags::new(),
        }
    }

    fn summary(name: &str, shards: i64) -> StreamSummary {
        StreamSummary {
            name: name.into(),
            arn: format!("arn:aws:kinesis:us-east-1:123456789012:stream/{name}"),
            status: "ACTIVE".into(),
            open_shards: shards,
            on_demand: false,
            kms: true,
            key_id: Some("alias/aws/kinesis".into()),
            retention_hours: 24,
        }
    }

    /// Runs the decisions against a stream that does what each step says,
    /// the way Kinesis does: the steps, in order.
    fn run(spec: &StreamSpec, mut seen: Option<StreamSummary>) -> Vec<StreamStep> {
        let mut taken = Vec::new();
        while let Some(step) = next_stream_step(spec, seen.as_ref(), &taken).unwrap() {
            let s = seen.get_or_insert_with(|| summary(&spec.name, 0));
            match &step {
                StreamStep::Create { shards } => {
                    // New: CREATING, unencrypted, the default retention.
                    *s = StreamSummary {
                        status: "CREATING".into(),
                        open_shards: *shards,
                        kms: false,
                        key_id: None,
                        ..summary(&spec.name, *shards)
                    };
                }
                StreamStep::WaitUntilActive => s.status = "ACTIVE".into(),
                StreamStep::ConvergeTags => {}
                StreamStep::SwitchToProvisioned => s.on_demand = false,
                StreamStep::Encrypt { key } => {
                    s.kms = true;
                    s.key_id = Some(key.clone());
                }
                StreamStep::Scale { to } => s.open_shards = *to,
                StreamStep::SetRetention { to, .. } => s.retention_hours = *to,
            }
            taken.push(step);
            assert!(taken.len() < 100, "{taken:?}");
        }
        taken
    }

    #[test]
    fn create_makes_waits_tags_and_encrypts() {
        let mut wanted = spec("chime-messaging-a", 2);
        wanted.retention_hours = 48;
        assert_eq!(
            run(&wanted, None),
            vec![
                StreamStep::Create { shards: 2 },
                StreamStep::WaitUntilActive,
                StreamStep::ConvergeTags,
                StreamStep::Encrypt {
                    key: "alias/aws/kinesis".into()
                },
                StreamStep::SetRetention { from: 24, to: 48 },
            ]
        );
    }

    #[test]
    fn adopting_an_on_demand_unencrypted_stream_converges_it() {
        let mut found = summary("chime-messaging-a", 4);
        found.on_demand = true;
        found.kms = false;
        found.key_id = None;
        assert_eq!(
            run(&spec("chime-messaging-a", 4), Some(found)),
            vec![
                StreamStep::ConvergeTags,
                StreamStep::SwitchToProvisioned,
                StreamStep::Encrypt {
                    key: "alias/aws/kinesis".into()
                },
            ]
        );
        let private = Private::default();
        assert_eq!(
            ownership("chime-messaging-a", &private, None, APP),
            Ownership::Adopted
        );
        assert_eq!(
            ownership("chime-messaging-a", &private, Some("arn:other"), APP),
            Ownership::Adopted,
            "another AppInstance's owner tag is not ours"
        );
    }

    #[test]
    fn rescaling_doubles_or_halves_per_call() {
        assert_eq!(
            run(&spec("s", 10), Some(summary("s", 2))),
            vec![
                StreamStep::ConvergeTags,
                StreamStep::Scale { to: 4 },
                StreamStep::Scale { to: 8 },
                StreamStep::Scale { to: 10 },
            ]
        );
        assert_eq!(
            run(&spec("s", 2), Some(summary("s", 10)))[1..],
            [
                StreamStep::Scale { to: 5 },
                StreamStep::Scale { to: 3 },
                StreamStep::Scale { to: 2 }
            ]
        );
    }

    #[test]
    fn a_stream_that_does_not_scale_ends_in_an_error() {
        let wanted = spec("s", 4);
        let stuck = summary("s", 2);
        let taken: Vec<StreamStep> = std::iter::once(StreamStep::ConvergeTags)
            .chain((0..MAX_SCALING_CALLS).map(|_| StreamStep::Scale { to: 4 }))
            .collect();
        assert_eq!(
            next_stream_step(&wanted, Some(&stuck), &taken).unwrap_err(),
            "the stream has 2 open shards after scaling to 4"
        );
    }

    #[test]
    fn a_new_key_re_encrypts_once() {
        let mut wanted = spec("s", 2);
        wanted.kms_key_id = "alias/chime-streams".into();
        assert_eq!(
            run(&wanted, Some(summary("s", 2))),
            vec![
                StreamStep::ConvergeTags,
                StreamStep::Encrypt {
                    key: "alias/chime-streams".into()
                },
            ]
        );
        // A stream that names the key otherwise afterwards is not asked twice.
        let taken = vec![
            StreamStep::ConvergeTags,
            StreamStep::Encrypt {
                key: "alias/chime-streams".into(),
            },
        ];
        assert_eq!(
            next_stream_step(&wanted, Some(&summary("s", 2)), &taken),
            Ok(None)
        );
    }

    fn desired(targets: &[(&str, Target)]) -> Desired {
        Desired {
            app_instance_arn: APP.into(),
            targets: targets
                .iter()
                .map(|(dt, t)| (dt.to_string(), t.clone()))
                .collect(),
        }
    }

    fn configured(data_type: &str, arn: &str) -> Configured {
        Configured {
            data_type: data_type.into(),
            resource_arn: arn.into(),
        }
    }

    #[test]
    fn moving_a_data_type_to_another_stream_puts_it_and_lets_the_old_one_go() {
        let old = spec("chime-messaging-old", 2);
        let new = spec("chime-messaging-new", 2);
        let before = desired(&[("Channel", Target::Managed(old.clone()))]);
        let after = desired(&[("Channel", Target::Managed(new.clone()))]);
        let arns = BTreeMap::from([(new.name.clone(), "arn:new".to_string())]);
        assert_eq!(
            configuration_to_put(&after, &arns, &[configured("Channel", "arn:old")]),
            Some(vec![configured("Channel", "arn:new")])
        );
        assert_eq!(
            streams_let_go(Some(&before), &after),
            vec![old.name.clone()]
        );
        // Retained, it stays.
        let mut kept = old;
        kept.retain_on_destroy = true;
        let before = desired(&[("Channel", Target::Managed(kept))]);
        assert!(streams_let_go(Some(&before), &after).is_empty());
        assert!(
            streams_let_go(None, &after).is_empty(),
            "a create lets nothing go"
        );
    }

    #[test]
    fn a_half_finished_create_is_ours_and_completed() {
        // The stream exists, private state lost it, its owner tag names us;
        // the configuration was never written.
        let name = "chime-messaging-a";
        assert_eq!(
            ownership(name, &Private::default(), Some(APP), APP),
            Ownership::Created
        );
        let mut private = Private::default();
        private.record_created(name);
        assert_eq!(ownership(name, &private, None, APP), Ownership::Created);
        let after = desired(&[
            ("Channel", Target::Managed(spec(name, 2))),
            ("ChannelMessage", Target::Referenced("arn:shared".into())),
        ]);
        let arns = BTreeMap::from([(name.to_string(), "arn:a".to_string())]);
        assert_eq!(
            configuration_to_put(&after, &arns, &[]),
            Some(vec![
                configured("Channel", "arn:a"),
                configured("ChannelMessage", "arn:shared")
            ])
        );
        // Written already, in another order: nothing to put.
        let current = [
            configured("ChannelMessage", "arn:shared"),
            configured("Channel", "arn:a"),
        ];
        assert_eq!(configuration_to_put(&after, &arns, &current), None);
        assert_eq!(
            run(&spec(name, 2), Some(summary(name, 2))),
            vec![StreamStep::ConvergeTags]
        );
    }
}
