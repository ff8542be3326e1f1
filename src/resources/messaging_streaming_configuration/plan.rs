//! PlanResourceChange: the planned state (defaults, computed ARNs, kept
//! values) and the live prerequisite checks. Planning makes only read
//! calls: a failed plan has changed nothing in AWS.

use std::collections::BTreeMap;

use super::checks::{
    Asking, block_paths, check_no_takeover, check_provider_matches, check_referenced_streams,
    stream_name,
};
use super::model::{
    BlockModel, Desired, Model, Private, StreamModel, StreamSpec, Target, known_tags,
};
use crate::aws::Aws;
use crate::aws::AwsClients;
use crate::aws::kinesis::{
    self, MAX_SCALING_OPS_PER_DAY, SCALING_LIMITS, StreamSummary, list_tags, scaling_path,
};
use crate::aws::tags::{MAX_USER_TAGS, TagChanges, planned_tags_all};
use crate::resources::messaging_streaming_configuration::calls as chime;
use chimesdk_domain::arn::{AppInstanceArn, StreamArn};
use tfplugin::framework::Diagnostics;
use tfplugin::value::{Attr, AttributePath};

/// The planned model for a config (schema defaults already applied by the
/// framework), given the prior state (if any): the values only this
/// resource knows (stream ARNs, `tags_all`).
pub fn planned_model(config: &Model, prior: Option<&Model>, clients: &AwsClients) -> Model {
    let prior_blocks: BTreeMap<String, &BlockModel> = prior
        .map(|p| {
            p.blocks()
                .iter()
                .filter_map(|b| Some((b.data_type.known()?.clone(), b)))
                .collect()
        })
        .unwrap_or_default();

    let blocks = config.streaming_configuration.known().map(|blocks| {
        blocks
            .iter()
            .map(|b| {
                let Attr::Known(stream) = &b.stream else {
                    return b.clone();
                };
                let planned_stream = StreamModel {
                    tags_all: planned_tags_all(&stream.tags, &clients.default_tags),
                    ..stream.clone()
                };
                BlockModel {
                    data_type: b.data_type.clone(),
                    resource_arn: managed_arn(
                        stream,
                        clients,
                        b.data_type
                            .known()
                            .and_then(|dt| prior_blocks.get(dt).copied()),
                    ),
                    stream: Attr::Known(planned_stream),
                }
            })
            .collect()
    });
    Model {
        // The AppInstance ARN; kept from the state when that is unknown
        // (UseStateForUnknown), until the replacement plans it anew.
        id: config.app_instance_arn.clone(),
        app_instance_arn: config.app_instance_arn.clone(),
        streaming_configuration: blocks.map_or(config.streaming_configuration.clone(), Attr::Known),
    }
}

/// With the provider's default tags merged in, a stream may hold more tags
/// than Kinesis takes; validation could only count the block's own.
fn check_tag_count(config: &Model, planned: &Model, diags: &mut Diagnostics) {
    let paths = block_paths(config);
    for b in planned.blocks() {
        let (Some(dt), Attr::Known(stream)) = (b.data_type.known(), &b.stream) else {
            continue;
        };
        let Some(all) = known_tags(&stream.tags_all) else {
            continue;
        };
        if all.len() > MAX_USER_TAGS
            && let Some(path) = paths.get(dt)
        {
            let own = known_tags(&stream.tags).map_or(0, |t| t.len());
            diags.error_at(
                path.clone().attribute("stream").attribute("tags"),
                "Too many tags for one stream",
                format!(
                    "In the streaming_configuration block for data_type {dt:?}, the stream has {} tags: {own} of its own \
                     and {} from the provider's default_tags. A Kinesis stream \
                     takes 50, one of which marks the streams this provider created, so at most {MAX_USER_TAGS}. Remove {} \
                     from tags or default_tags.",
                    all.len(),
                    all.len() - own,
                    all.len() - MAX_USER_TAGS
                ),
            );
        }
    }
}

/// A managed stream's ARN is known at plan time when the account is:
/// Kinesis ARNs are a function of partition, region, account and name.
fn managed_arn(stream: &StreamModel, c: &AwsClients, prior: Option<&BlockModel>) -> Attr<String> {
    let Attr::Known(name) = &stream.name else {
        return Attr::Unknown;
    };
    if let Some(account) = &c.account_id {
        return Attr::Known(StreamArn::new(&c.partition, &c.region, account, name).to_string());
    }
    match prior.and_then(|p| p.resource_arn.known()) {
        Some(arn) if stream_name(arn).as_deref() == Some(name.as_str()) => Attr::Known(arn.clone()),
        _ => Attr::Unknown,
    }
}

/// What the live checks look at.
pub struct LiveInputs<'a> {
    pub config: &'a Model,
    pub planned: &'a Model,
    pub prior: Option<&'a Model>,
    pub private: &'a Private,
    /// False when the plan equals the prior state (an up-to-date resource).
    pub changed: bool,
}

/// The live part of the plan (after ConfigureProvider).
pub async fn live_checks(c: &Aws<'_>, input: LiveInputs<'_>, diags: &mut Diagnostics) {
    let LiveInputs {
        config,
        planned,
        prior,
        private,
        changed,
    } = input;
    let Some(app) = config
        .app_instance_arn
        .known()
        .and_then(|a| AppInstanceArn::parse(a).ok())
    else {
        return;
    };
    check_provider_matches(c, &app, diags);
    check_tag_count(config, planned, diags);
    if diags.has_errors() {
        return;
    }
    let referenced = check_referenced_streams(c, config, Asking::SharedPlanLookup, diags).await;
    super::keys::check_stream_keys(c, config, &referenced, Asking::SharedPlanLookup, diags).await;
    if !changed {
        return;
    }
    super::keys::check_service_linked_role(c, diags).await;
    let desired = Desired::from_model(planned);
    let new_instance = prior.is_none_or(|p| p.app_instance_arn != config.app_instance_arn);
    if new_instance {
        super::checks::check_app_instance_exists(
            c,
            &app.to_string(),
            Asking::SharedPlanLookup,
            diags,
        )
        .await;
        if diags.has_errors() {
            return;
        }
    }
    if prior.is_none() {
        match chime::find_streaming_configurations(c, &app.to_string()).await {
            Ok(existing) => check_no_takeover(&existing, desired.as_ref(), &app.to_string(), diags),
            Err(why) if why.is_access_denied() => diags.warning_at(
                AttributePath::attr("app_instance_arn"),
                "Could not read the AppInstance's streaming configuration",
                format!("GetMessagingStreamingConfigurations was refused ({why}); apply checks again before writing."),
            ),
            Err(e) => diags.error("reading Chime SDK messaging streaming configuration", e.to_string()),
        }
    }
    let Some(desired) = desired else { return };
    let before: BTreeMap<String, i64> = prior
        .and_then(Desired::from_model)
        .map(|d| {
            d.managed_streams()
                .into_iter()
                .map(|(name, spec)| (name, spec.shard_count))
                .collect()
        })
        .unwrap_or_default();
    let paths = block_paths(config);
    let stream_path = |name: &str, attribute: &str| {
        desired
            .targets
            .iter()
            .find(|(_, t)| matches!(t, Target::Managed(spec) if spec.name == name))
            .and_then(|(dt, _)| paths.get(dt))
            .map(|p| p.clone().attribute("stream").attribute(attribute))
    };
    // Open shards now, per managed stream (0: to be created).
    let mut open_shards: BTreeMap<String, i64> = BTreeMap::new();
    for (name, spec) in desired.managed_streams() {
        if let Some(shards) = before.get(&name) {
            // The refreshed state: what Kinesis reported moments ago.
            open_shards.insert(name, *shards);
            continue;
        }
        let summary = match Asking::SharedPlanLookup.stream_summary(c, &name).await {
            Ok(s) => s,
            Err(_) => {
                open_shards.insert(name, 0);
                continue;
            }
        };
        open_shards.insert(name.clone(), summary.open_shards);
        if !private.created_streams.contains(&name) {
            warn_adoption(c, &spec, &summary, stream_path(&name, "name"), diags).await;
        }
    }
    for (name, spec) in desired.managed_streams() {
        check_scaling_steps(
            &spec,
            open_shards[&name],
            stream_path(&name, "shard_count"),
            diags,
        );
    }
    check_shard_quota(c, &desired, &open_shards, &stream_path, diags).await;
}

/// Says that an existing stream will be adopted, and which of its tags go.
async fn warn_adoption(
    c: &Aws<'_>,
    spec: &StreamSpec,
    s: &StreamSummary,
    path: Option<AttributePath>,
    diags: &mut Diagnostics,
) {
    let name = &spec.name;
    let tags_note = match list_tags(c, name).await {
        Ok(remote) => {
            let removed = TagChanges::between(&remote, &spec.tags, kinesis::PROTECTED_TAGS)
                .removed_keys()
                .join(", ");
            if removed.is_empty() {
                String::new()
            } else {
                format!(" Its tags become tags_all, which removes: {removed}.")
            }
        }
        Err(e) => format!(" Its tags could not be read ({e}); apply replaces them with tags_all."),
    };
    let summary = format!("Existing Kinesis stream {name} will be adopted");
    let detail = format!(
        "A stream named {name} already exists ({} open shards, encryption {}, retention {} h). Apply will converge it \
         to the `stream` block's settings.{tags_note} A stream this resource did not create is never deleted by it.",
        s.open_shards,
        if s.kms { "KMS" } else { "off" },
        s.retention_hours
    );
    match path {
        Some(p) => diags.warning_at(p, summary, detail),
        None => diags.warning(summary, detail),
    }
}

/// Kinesis scales a stream at most 10 times in a rolling 24 hours, each
/// time to at most double or half: a change that needs more steps cannot
/// finish in one apply.
fn check_scaling_steps(
    spec: &StreamSpec,
    open: i64,
    path: Option<AttributePath>,
    diags: &mut Diagnostics,
) {
    if open == 0 {
        return; // CreateStream sets the count directly.
    }
    let steps = scaling_path(open, spec.shard_count);
    if steps.len() <= MAX_SCALING_OPS_PER_DAY {
        return;
    }
    let reachable = steps[MAX_SCALING_OPS_PER_DAY - 1];
    let shown: Vec<String> = std::iter::once(open)
        .chain(steps.iter().copied())
        .map(|n| n.to_string())
        .collect();
    let summary = "Shard count change needs more scaling operations than Kinesis allows in a day";
    let detail = format!(
        "Scaling {} from {open} to {} shards takes {} UpdateShardCount operations ({}), each at most doubling or halving \
         the open shards. {SCALING_LIMITS}. The most one apply can reach today is {reachable} shards (fewer if the stream \
         was scaled in the last 24 hours): set shard_count = {reachable} now, and the rest after 24 hours.",
        spec.name,
        spec.shard_count,
        steps.len(),
        shown.join(" -> ")
    );
    match path {
        Some(p) => diags.error_at(p, summary, detail),
        None => diags.error(summary, detail),
    }
}

/// The account's shard quota (DescribeLimits): the shards this plan adds
/// must fit beside the open ones.
async fn check_shard_quota(
    c: &Aws<'_>,
    desired: &Desired,
    open_shards: &BTreeMap<String, i64>,
    stream_path: &(dyn Fn(&str, &str) -> Option<AttributePath> + Sync),
    diags: &mut Diagnostics,
) {
    let growth: Vec<(String, i64)> = desired
        .managed_streams()
        .into_iter()
        .filter_map(|(name, spec)| {
            let added = spec.shard_count - open_shards.get(&name).copied().unwrap_or(0);
            (added > 0).then_some((name, added))
        })
        .collect();
    if growth.is_empty() {
        return;
    }
    let added: i64 = growth.iter().map(|(_, n)| n).sum();
    let at = |name: &str| stream_path(name, "shard_count");
    let limits = c
        .lookups
        .once("DescribeLimits", "", || kinesis::describe_limits(c));
    match limits.await {
        Ok(limits) if limits.open_shards + added > limits.shard_limit => {
            let listing = growth
                .iter()
                .map(|(name, n)| format!("{name} +{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            for (name, _) in &growth {
                let summary = "Not enough Kinesis shard quota";
                let detail = format!(
                    "This plan adds {added} shards ({listing}), and the account already has {} open shards of its quota \
                     of {} in region {}: {} would be open. Lower shard_count, close shards elsewhere, or request a higher \
                     \"Shards per Region\" quota in Service Quotas before applying.",
                    limits.open_shards,
                    limits.shard_limit,
                    c.region,
                    limits.open_shards + added
                );
                match at(name) {
                    Some(p) => diags.error_at(p, summary, detail),
                    None => diags.error(summary, detail),
                }
            }
        }
        Ok(_) => {}
        Err(e) => {
            let (name, _) = &growth[0];
            let summary = "Could not check the Kinesis shard quota";
            let detail = format!(
                "DescribeLimits failed ({e}), so whether the account's shard quota leaves room for {added} more shards was \
                 not checked. Grant kinesis:DescribeLimits to check it at plan time."
            );
            match at(name) {
                Some(p) => diags.warning_at(p, summary, detail),
                None => diags.warning(summary, detail),
            }
        }
    }
}
