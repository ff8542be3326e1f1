//! ApplyResourceChange, carried out: the checks again before the first
//! mutating call, then each managed stream brought to its spec one step at
//! a time (`steps` decides, this module calls AWS and looks again), the
//! configuration written, and the streams let go of deleted. Everything is
//! written into what the framework hands over (state, private state,
//! diagnostics) as it happens, so a failed or interrupted apply leaves what
//! the next one completes from. Which streams this resource created is
//! recorded (private state and an owner tag) as soon as each exists.

use std::collections::BTreeMap;

use super::calls as chime;
use super::checks::{
    Asking, check_app_instance_exists, check_no_takeover, check_provider_matches,
    check_referenced_streams,
};
use super::keys::check_stream_keys;
use super::model::{Desired, Model, Private, StreamSpec};
use super::steps::{
    Ownership, StreamStep, configuration_to_put, next_stream_step, ownership, streams_let_go,
};
use crate::aws::app_instances::app_instance_gone;
use crate::aws::kinesis::{self, StreamSummary};
use crate::aws::{Aws, AwsError};
use crate::resources::explain;
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::Diagnostics;
use tfplugin::value::Attr;

/// Create or update. `state` holds the prior state (`None` for a create);
/// until the apply succeeds it holds the prior state of an update, or the
/// planned state without unknowns for a create, so the next apply
/// completes from there.
pub async fn create_or_update(
    c: &Aws<'_>,
    prior: Option<&Model>,
    planned: &Model,
    state: &mut Option<Model>,
    private: &mut Private,
    diags: &mut Diagnostics,
) {
    if state.is_none() {
        *state = Some(without_unknowns(planned));
    }
    let Some(desired) = Desired::from_model(planned) else {
        diags.error(
            "Planned values are not known at apply",
            "Some streaming_configuration values were still unknown when apply started. This is a bug; please report it.",
        );
        return;
    };
    let app = match AppInstanceArn::parse(&desired.app_instance_arn) {
        Ok(a) => a,
        Err(e) => {
            diags.error("Invalid AppInstance ARN", e.to_string());
            return;
        }
    };
    let app_arn = app.to_string();

    // Every check before the first mutating call.
    check_provider_matches(c, &app, diags);
    if diags.has_errors() {
        return;
    }
    if prior.is_none() {
        check_app_instance_exists(c, &app_arn, Asking::AwsNow, diags).await;
    }
    let referenced = check_referenced_streams(c, planned, Asking::AwsNow, diags).await;
    check_stream_keys(c, planned, &referenced, Asking::AwsNow, diags).await;
    if diags.has_errors() {
        return;
    }
    let current = match chime::find_streaming_configurations(c, &app_arn).await {
        Ok(v) => v,
        Err(e) => {
            diags.error(
                format!("reading Chime SDK messaging streaming configuration ({app_arn})"),
                explain(c.ctx(), &e),
            );
            return;
        }
    };
    if prior.is_none() {
        check_no_takeover(&current, Some(&desired), &app_arn, diags);
        if diags.has_errors() {
            return;
        }
    }

    let mut arns: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in desired.managed_streams() {
        match ensure_stream(c, &spec, &app_arn, private).await {
            Ok(summary) => {
                arns.insert(name, summary.arn);
            }
            Err((doing, e)) => {
                diags.error(
                    format!("{doing} Kinesis stream ({name})"),
                    explain(c.ctx(), &e),
                );
                return;
            }
        }
    }

    let wanted = configuration_to_put(&desired, &arns, &current);
    if let Some(wanted) = &wanted {
        tracing::info!(app_instance = %app_arn, "writing streaming configuration");
        if let Err(e) = chime::put_streaming_configurations(c, &app_arn, wanted).await {
            diags.error(
                format!("writing Chime SDK messaging streaming configuration ({app_arn})"),
                explain_put_error(c, e),
            );
            return;
        }
    }

    for name in streams_let_go(prior.and_then(Desired::from_model).as_ref(), &desired) {
        if let Err(e) = delete_if_owned(c, &name, &app_arn, private).await {
            diags.error(
                format!("deleting Kinesis stream ({name}) that this resource no longer uses"),
                explain(c.ctx(), &e),
            );
            return;
        }
    }
    *state = Some(resolved_state(planned, &app_arn, &arns));
}

/// Delete: the configuration first (so Chime stops writing), then the
/// streams this resource created, unless retained. Tolerates anything
/// already gone. `state` becomes `None` once everything is deleted.
pub async fn delete(
    c: &Aws<'_>,
    prior: &Model,
    state: &mut Option<Model>,
    private: &mut Private,
    diags: &mut Diagnostics,
) {
    let Some(app_arn) = prior.app_instance_arn.known().cloned() else {
        *state = None;
        return;
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
            return;
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
        if let Err(e) = delete_if_owned(c, &name, &app_arn, private).await {
            diags.error(
                format!("deleting Kinesis stream ({name})"),
                explain(c.ctx(), &e),
            );
            return;
        }
    }
    *state = None;
}

/// Deletes a stream if this resource created it (private state, or the
/// owner tag for this AppInstance); an adopted stream is left alone.
async fn delete_if_owned(
    c: &Aws<'_>,
    name: &str,
    app_arn: &str,
    private: &mut Private,
) -> Result<(), AwsError> {
    let owner_tag = if private.created_streams.iter().any(|n| n == name) {
        None
    } else {
        match kinesis::find_owner_tag(c, name).await {
            Ok(tag) => tag,
            Err(e) if e.is_not_found() => {
                private.forget(name);
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    };
    if ownership(name, private, owner_tag.as_deref(), app_arn) == Ownership::Adopted {
        tracing::info!(stream = %name, "stream was adopted, not created by this resource: keeping it");
        return Ok(());
    }
    tracing::info!(stream = %name, "deleting stream");
    kinesis::delete_stream(c, name).await?;
    kinesis::wait_stream_deleted(c, name).await?;
    private.forget(name);
    Ok(())
}

/// Brings one managed stream to its spec, a step at a time as `steps`
/// decides from what each step left; returns its final summary. The error
/// says what was being done.
async fn ensure_stream(
    c: &Aws<'_>,
    spec: &StreamSpec,
    app_arn: &str,
    private: &mut Private,
) -> Result<StreamSummary, (&'static str, AwsError)> {
    let name = spec.name.as_str();
    let mut seen = match kinesis::describe_stream_summary(c, name).await {
        Ok(s) => {
            note_existing(c, name, app_arn, private).await;
            Some(s)
        }
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(("reading", e)),
    };
    let mut taken: Vec<StreamStep> = Vec::new();
    loop {
        let step = next_stream_step(spec, seen.as_ref(), &taken)
            .map_err(|why| ("scaling", AwsError::Other(why)))?;
        let Some(step) = step else {
            return seen.ok_or((
                "creating",
                AwsError::Other("the stream was not created".into()),
            ));
        };
        seen = Some(take_step(c, spec, app_arn, &step, seen, private).await?);
        taken.push(step);
    }
}

/// An existing stream this apply did not create: ours if an earlier apply
/// created it and stopped before recording it (its owner tag says), else
/// adopted.
async fn note_existing(c: &Aws<'_>, name: &str, app_arn: &str, private: &mut Private) {
    if private.created_streams.iter().any(|n| n == name) {
        return;
    }
    match kinesis::find_owner_tag(c, name).await {
        Ok(tag) => match ownership(name, private, tag.as_deref(), app_arn) {
            Ownership::Created => private.record_created(name),
            Ownership::Adopted => tracing::info!(stream = %name, "adopting existing stream"),
        },
        Err(e) => {
            tracing::warn!(stream = %name, error = %e, "could not read stream tags; treating it as adopted")
        }
    }
}

/// Carries out one step; returns the stream as it is afterwards (ACTIVE
/// again after a change). The error says what was being done: the step,
/// or waiting for the stream after it.
async fn take_step(
    c: &Aws<'_>,
    spec: &StreamSpec,
    app_arn: &str,
    step: &StreamStep,
    seen: Option<StreamSummary>,
    private: &mut Private,
) -> Result<StreamSummary, (&'static str, AwsError)> {
    let name = spec.name.as_str();
    if let StreamStep::ConvergeTags = step {
        // CreateStream's tags are not honoured everywhere, and an adopted
        // or drifted stream's tags differ: one list, then only the
        // differences. The stream stays as it was.
        kinesis::converge_tags(c, name, &spec.tags)
            .await
            .map_err(|e| (step.doing(), e))?;
        if let Some(s) = seen {
            return Ok(s);
        }
    } else {
        change(c, spec, app_arn, step, seen, private)
            .await
            .map_err(|e| (step.doing(), e))?;
    }
    kinesis::wait_stream_active(c, name)
        .await
        .map_err(|e| ("waiting for", e))
}

/// The call a changing step makes (none for a wait).
async fn change(
    c: &Aws<'_>,
    spec: &StreamSpec,
    app_arn: &str,
    step: &StreamStep,
    seen: Option<StreamSummary>,
    private: &mut Private,
) -> Result<(), AwsError> {
    let name = spec.name.as_str();
    match step {
        StreamStep::Create { shards } => {
            tracing::info!(stream = %name, shards, "creating stream");
            match kinesis::create_stream(c, name, *shards, app_arn, &spec.tags).await? {
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
        }
        StreamStep::WaitUntilActive | StreamStep::ConvergeTags => {}
        StreamStep::SwitchToProvisioned => {
            tracing::info!(stream = %name, "switching stream to PROVISIONED");
            let arn = seen.map(|s| s.arn).unwrap_or_default();
            kinesis::switch_to_provisioned(c, &arn).await?;
        }
        StreamStep::Encrypt { key } => {
            tracing::info!(stream = %name, key = %key, "enabling KMS encryption");
            kinesis::start_encryption(c, name, key).await?;
        }
        StreamStep::Scale { to } => {
            let from = seen.map_or(0, |s| s.open_shards);
            tracing::info!(stream = %name, from, to, "scaling stream");
            kinesis::update_shard_count(c, name, *to).await?;
        }
        StreamStep::SetRetention { from, to } => {
            tracing::info!(stream = %name, hours = to, "setting retention");
            kinesis::set_retention(c, name, *from, *to).await?;
        }
    }
    Ok(())
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

/// The state after a successful apply: planned values with every ARN
/// resolved (a managed stream's from Kinesis, a referenced one as given).
fn resolved_state(planned: &Model, app_arn: &str, stream_arns: &BTreeMap<String, String>) -> Model {
    let mut m = planned.clone();
    m.id = Attr::Known(app_arn.to_string());
    if let Attr::Known(blocks) = &mut m.streaming_configuration {
        for b in blocks {
            if let Some(name) = b.stream.known().and_then(|s| s.name.known())
                && let Some(arn) = stream_arns.get(name)
            {
                b.resource_arn = Attr::Known(arn.clone());
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
