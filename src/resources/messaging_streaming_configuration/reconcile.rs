//! ApplyResourceChange: one idempotent, ordered reconcile for create and
//! update, and a delete that survives a half-finished create. Which streams
//! this resource created is recorded (private state and an owner tag on the
//! stream) as soon as each exists.

use std::collections::BTreeMap;

use crate::aws::Aws;
use super::checks::{Asking, check_provider_matches};
use super::model::{Desired, Model, Private, StreamSpec, Target};
use super::plan::{check_no_takeover, check_referenced_streams};
use crate::aws::app_instances::app_instance_gone;
use crate::aws::kinesis::{self, StreamSummary};
use crate::aws::AwsError;
use crate::resources::explain;
use crate::resources::messaging_streaming_configuration::calls as chime;
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::Diagnostics;
use tfplugin::value::Attr;

/// What an apply reached, whatever happened.
pub struct Outcome {
    pub model: Option<Model>,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

/// Create or update. On failure the returned model is the prior state for
/// an update, or the planned state without unknowns for a create, so the
/// next apply completes from there.
pub async fn create_or_update(
    c: &Aws<'_>,
    prior: Option<&Model>,
    planned: &Model,
    mut private: Private,
) -> Outcome {
    let mut diags = Diagnostics::new();
    let fail = |private: Private, diags: Diagnostics| Outcome {
        model: prior.cloned().or_else(|| Some(without_unknowns(planned))),
        private,
        diagnostics: diags,
    };
    let Some(desired) = Desired::from_model(planned) else {
        diags.error(
            "Planned values are not known at apply",
            "Some streaming_configuration values were still unknown when apply started. This is a bug; please report it.",
        );
        return fail(private, diags);
    };
    let app = match AppInstanceArn::parse(&desired.app_instance_arn) {
        Ok(a) => a,
        Err(e) => {
            diags.error("Invalid AppInstance ARN", e.to_string());
            return fail(private, diags);
        }
    };
    let app_arn = app.to_string();

    // Every check before the first mutating call.
    check_provider_matches(c, &app, &mut diags);
    if diags.has_errors() {
        return fail(private, diags);
    }
    if prior.is_none() {
        super::checks::check_app_instance_exists(
            c,
            &app_arn,
            Asking::AwsNow,
            &mut diags,
        )
        .await;
    }
    let referenced = check_referenced_streams(c, planned, Asking::AwsNow, &mut diags).await;
    super::keys::check_stream_keys(c, planned, &referenced, Asking::AwsNow, &mut diags).await;
    if diags.has_errors() {
        return fail(private, diags);
    }
    let current = match chime::find_streaming_configurations(c, &app_arn).await {
        Ok(v) => v,
        Err(e) => {
            diags.error(
                format!("reading Chime SDK messaging streaming configuration ({app_arn})"),
                explain(c.ctx(), &e),
            );
            return fail(private, diags);
        }
    };
    if prior.is_none() {
        check_no_takeover(&current, Some(&desired), &app_arn, &mut diags);
        if diags.has_errors() {
            return fail(private, diags);
        }
    }

    // Managed streams, each converged in order.
    let mut arns: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in desired.managed_streams() {
        match ensure_stream(c, &spec, &app_arn, &mut private, ).await {
            Ok(summary) => {
                arns.insert(name, summary.arn);
            }
            Err((doing, e)) => {
                diags.error(
                    format!("{doing} Kinesis stream ({name})"),
                    explain(c.ctx(), &e),
                );
                return fail(private, diags);
            }
        }
    }

    let wanted: Vec<chime::Configured> = {
        let mut v: Vec<chime::Configured> = desired
            .targets
            .iter()
            .map(|(dt, t)| chime::Configured {
                data_type: dt.clone(),
                resource_arn: match t {
                    Target::Referenced(arn) => arn.clone(),
                    Target::Managed(s) => arns.get(&s.name).cloned().unwrap_or_default(),
                },
            })
            .collect();
        v.sort();
        v
    };
    if wanted != current {
        tracing::info!(app_instance = %app_arn, "writing streaming configuration");
        if let Err(e) = chime::put_streaming_configurations(c, &app_arn, &wanted).await
        {
            diags.error(
                format!("writing Chime SDK messaging streaming configuration ({app_arn})"),
                explain_put_error(c, e),
            );
            return fail(private, diags);
        }
    }

    // Streams this resource created and no longer uses.
    if let Some(before) = prior.and_then(Desired::from_model) {
        let still_used = desired.managed_streams();
        for (name, spec) in before.managed_streams() {
            if still_used.contains_key(&name) || spec.retain_on_destroy {
                continue;
            }
            if let Err(e) = delete_if_owned(c, &name, &app_arn, &mut private, ).await
            {
                diags.error(
                    format!("deleting Kinesis stream ({name}) that this resource no longer uses"),
                    explain(c.ctx(), &e),
                );
                return fail(private, diags);
            }
        }
    }

    Outcome {
        model: Some(resolved_state(planned, &wanted, &app_arn)),
        private,
        diagnostics: diags,
    }
}

/// Delete: the configuration first (so Chime stops writing), then the
/// streams this resource created, unless retained. Tolerates anything
/// already gone.
pub async fn delete(
    c: &Aws<'_>,
    prior: &Model,
    mut private: Private,
) -> Outcome {
    let mut diags = Diagnostics::new();
    let Some(app_arn) = prior.app_instance_arn.known().cloned() else {
        return Outcome {
            model: None,
            private,
            diagnostics: diags,
        };
    };
    if let Err(e) = chime::delete_streaming_configurations(c, &app_arn).await {
        // A deleted AppInstance took its configuration with it; it may
        // answer BadRequest or Forbidden here (unverified which).
        if app_instance_gone(c, &app_arn).await {
            tracing::info!(app_instance = %app_arn, error = %e, "the AppInstance no longer exists, nor its configuration");
        } else {
            diags.error(
                format!("deleting Chime SDK messaging streaming configuration ({app_arn})"),
                explain(c.ctx(), &e),
            );
            return Outcome {
                model: Some(prior.clone()),
                private,
                diagnostics: diags,
            };
        }
    }
    let managed: BTreeMap<String, StreamSpec> = prior
        .blocks()
        .iter()
        .filter_map(|b| StreamSpec::from_model(b.stream.known()?))
        .map(|s| (s.name.clone(), s))
        .collect();
    for (name, spec) in managed {
        if spec.retain_on_destroy {
            tracing::info!(stream = %name, "retain_on_destroy: keeping stream");
            private.forget(&name);
            continue;
        }
        if let Err(e) = delete_if_owned(c, &name, &app_arn, &mut private, ).await {
            diags.error(
                format!("deleting Kinesis stream ({name})"),
                explain(c.ctx(), &e),
            );
            return Outcome {
                model: Some(prior.clone()),
                private,
                diagnostics: diags,
            };
        }
    }
    Outcome {
        model: None,
        private,
        diagnostics: diags,
    }
}

/// Deletes a stream if this resource created it (private state, or the
/// owner tag for this AppInstance); an adopted stream is left alone.
async fn delete_if_owned(
    c: &Aws<'_>,
    name: &str,
    app_arn: &str,
    private: &mut Private,
) -> Result<(), AwsError> {
    let owned = private.created_streams.iter().any(|n| n == name)
        || match kinesis::find_owner_tag(c, name).await {
            Ok(tag) => tag.as_deref() == Some(app_arn),
            Err(e) if e.is_not_found() => {
                private.forget(name);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
    if !owned {
        tracing::info!(stream = %name, "stream was adopted, not created by this resource: keeping it");
        return Ok(());
    }
    tracing::info!(stream = %name, "deleting stream");
    kinesis::delete_stream(c, name).await?;
    kinesis::wait_stream_deleted(c, name).await?;
    private.forget(name);
    Ok(())
}

/// Brings one managed stream to its spec; returns its final summary.
/// The error names what was being done.
async fn ensure_stream(
    c: &Aws<'_>,
    spec: &StreamSpec,
    app_arn: &str,
    private: &mut Private,
) -> Result<StreamSummary, (&'static str, AwsError)> {
    let name = spec.name.as_str();
    let mut summary = match kinesis::describe_stream_summary(c, name).await {
        Ok(s) => {
            if !private.created_streams.iter().any(|n| n == name) {
                // Created by an earlier apply that was interrupted before it
                // could record it? The owner tag says.
                match kinesis::find_owner_tag(c, name).await {
                    Ok(Some(owner)) if owner == app_arn => private.record_created(name),
                    Ok(_) => tracing::info!(stream = %name, "adopting existing stream"),
                    Err(e) => {
                        tracing::warn!(stream = %name, error = %e, "could not read stream tags; treating it as adopted")
                    }
                }
            }
            s
        }
        Err(e) if e.is_not_found() => {
            tracing::info!(stream = %name, shards = spec.shard_count, "creating stream");
            match kinesis::create_stream(c, name, spec.shard_count, app_arn, &spec.tags)
                .await
                .map_err(|e| ("creating", e))?
            {
                kinesis::Created::ByUs => {
                    private.record_created(name);
                    if let Err(e) = kinesis::tag_owner(c, name, app_arn).await {
                        tracing::warn!(stream = %name, error = %e, "could not tag stream as ours; private state still records it");
                    }
                }
                kinesis::Created::BySomeoneElse => {
                    tracing::warn!(stream = %name, "the stream was created by someone else just now: adopting it, never deleting it");
                }
            }
            kinesis::wait_stream_active(c, name)
                .await
                .map_err(|e| ("waiting for", e))?
        }
        Err(e) => return Err(("reading", e)),
    };
    if !summary.is_active() {
        summary = kinesis::wait_stream_active(c, name)
            .await
            .map_err(|e| ("waiting for", e))?;
    }
    // CreateStream's tags are not honoured everywhere, and an adopted or
    // drifted stream's tags differ: one list, then only the differences.
    kinesis::converge_tags(c, name, &spec.tags)
        .await
        .map_err(|e| ("tagging", e))?;
    if summary.on_demand {
        tracing::info!(stream = %name, "switching stream to PROVISIONED");
        kinesis::switch_to_provisioned(c, &summary.arn)
            .await
            .map_err(|e| ("switching capacity mode of", e))?;
        summary = kinesis::wait_stream_active(c, name)
            .await
            .map_err(|e| ("waiting for", e))?;
    }
    if !summary.kms || summary.key_id.as_deref() != Some(spec.kms_key_id.as_str()) {
        tracing::info!(stream = %name, key = %spec.kms_key_id, "enabling KMS encryption");
        kinesis::start_encryption(c, name, &spec.kms_key_id)
            .await
            .map_err(|e| ("encrypting", e))?;
        summary = kinesis::wait_stream_active(c, name)
            .await
            .map_err(|e| ("waiting for", e))?;
    }
    // At most double or half per call; a bounded number of steps.
    for _ in 0..32 {
        if summary.open_shards == spec.shard_count {
            break;
        }
        let next = kinesis::next_shard_step(summary.open_shards, spec.shard_count);
        tracing::info!(stream = %name, from = summary.open_shards, to = next, "scaling stream");
        kinesis::update_shard_count(c, name, next)
            .await
            .map_err(|e| ("scaling", e))?;
        summary = kinesis::wait_stream_active(c, name)
            .await
            .map_err(|e| ("waiting for", e))?;
    }
    if summary.open_shards != spec.shard_count {
        return Err((
            "scaling",
            AwsError::Other(format!(
                "the stream has {} open shards after scaling to {}",
                summary.open_shards, spec.shard_count
            )),
        ));
    }
    if summary.retention_hours != spec.retention_hours {
        tracing::info!(stream = %name, hours = spec.retention_hours, "setting retention");
        kinesis::set_retention(
            c,
            name,
            summary.retention_hours,
            spec.retention_hours,
        )
        .await
        .map_err(|e| ("setting retention of", e))?;
        summary = kinesis::wait_stream_active(c, name)
            .await
            .map_err(|e| ("waiting for", e))?;
    }
    Ok(summary)
}

fn explain_put_error(c: &Aws<'_>, e: AwsError) -> String {
    match e {
        e if e.has_code("BadRequestException") => format!(
            "{e}. Chime SDK messaging refused the streams; check the five prerequisites (same account and region, name \
             starting with chime-messaging-, at least 2 shards, KMS encryption)."
        ),
        other => explain(c.ctx(), &other),
    }
}

/// The state after a successful apply: planned values with every ARN resolved.
fn resolved_state(planned: &Model, wanted: &[chime::Configured], app_arn: &str) -> Model {
    let mut m = planned.clone();
    m.id = Attr::Known(app_arn.to_string());
    if let Attr::Known(blocks) = &mut m.streaming_configuration {
        for b in blocks {
            if let Some(dt) = b.data_type.known()
                && let Some(w) = wanted.iter().find(|w| &w.data_type == dt)
            {
                b.resource_arn = Attr::Known(w.resource_arn.clone());
            }
        }
    }
    m
}

/// A state cannot hold unknowns: what is not known yet is null.
fn without_unknowns(m: &Model) -> Model {
    fn clear<T: Clone>(a: &Attr<T>) -> Attr<T> {
        if a.is_unknown() {
            Attr::Null
        } else {
            a.clone()
        }
    }
    let mut out = m.clone();
    out.id = clear(&m.id);
    if let Attr::Known(blocks) = &mut out.streaming_configuration {
        for b in blocks {
            b.resource_arn = clear(&b.resource_arn);
        }
    }
    out
}
