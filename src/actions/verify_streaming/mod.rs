//! Action `chimesdk_verify_streaming`: proves that an AppInstance's events
//! reach its configured streams, which no plan can. It notes each stream's
//! tip, makes a temporary user and channel and sends one message, waits
//! for the `CREATE_CHANNEL` and `CREATE_CHANNEL_MESSAGE` records, and
//! deletes what it made whatever happens.

mod explain;
pub mod schema;
mod watch;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use self::schema::{Config, DEFAULT_TIMEOUT};
use self::watch::{Watch, expected_event};
use super::verify::{check_placement, cleanup_context, finish_clean_up};
use crate::aws::Aws;
use crate::aws::kinesis::describe_stream_summary;
use crate::aws::{AwsClients, test_traffic};
use crate::resources::app_instance_user;
use crate::resources::messaging_streaming_configuration::calls::find_streaming_configurations;
use chimesdk_domain::arn::{AppInstanceArn, StreamArn};
use chimesdk_domain::streaming::DataType;
use tfplugin::framework::{CallContext, Diagnostics, Progress, TypedAction, truncated};
use tfplugin::value::{Attr, AttributePath};

pub struct VerifyStreaming;

/// How often the streams are read while waiting.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How often a line says what is still awaited.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// One data type to verify: where its records go.
struct Target {
    data_type: DataType,
    stream: String,
}

/// What the action made, to delete afterwards.
#[derive(Default)]
struct Made {
    /// A user the action created.
    user: Option<String>,
    /// The channel and the user who made it (the one to delete it as).
    channel: Option<(String, String)>,
}

fn timeout_of(config: &Config) -> Result<(Duration, String), String> {
    super::verify::timeout_of(&config.timeout, DEFAULT_TIMEOUT)
}

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

#[async_trait]
impl TypedAction for VerifyStreaming {
    type Config = Config;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = schema::TYPE_NAME;

    fn validate(&self, config: &Config, diags: &mut Diagnostics) {
        if let Attr::Known(types) = &config.data_types {
            for t in types {
                if DataType::parse(t).is_none() {
                    diags.error_at(
                        AttributePath::attr("data_types"),
                        "Unknown data type",
                        format!(
                            "data_types has {:?}; use \"ChannelMessage\", \"Channel\" or both.",
                            truncated(t.clone(), 100)
                        ),
                    );
                }
            }
            if types.is_empty() {
                diags.error_at(
                    AttributePath::attr("data_types"),
                    "Nothing to verify",
                    "data_types is empty; leave it out to verify every configured data type.",
                );
            }
        }
    }

    async fn plan(
        &self,
        config: &Config,
        c: &AwsClients,
        _ctx: &CallContext,
        diags: &mut Diagnostics,
    ) {
        if let Attr::Known(arn) = &config.app_instance_arn {
            let parsed = AppInstanceArn::parse(arn).map_err(|e| e.to_string());
            check_placement(
                "app_instance_arn",
                "AppInstance",
                arn,
                parsed,
                &c.region,
                diags,
            );
        }
        if let Attr::Known(_) = &config.timeout
            && let Err(why) = timeout_of(config)
        {
            diags.error_at(AttributePath::attr("timeout"), "Invalid timeout", why);
        }
    }

    async fn invoke(
        &self,
        config: Config,
        c: &AwsClients,
        ctx: &CallContext,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let (Attr::Known(app), Ok((timeout, timeout_text))) =
            (&config.app_instance_arn, timeout_of(&config))
        else {
            diags.error(
                "Action configuration is not known",
                "app_instance_arn and timeout must be known when the action runs; please report this bug.",
            );
            return;
        };
        let clients = c;
        let c = &Aws::new(clients, ctx);
        let Some(targets) = targets(c, app, &config, diags).await else {
            return;
        };
        let names: BTreeSet<String> = targets.iter().map(|t| t.stream.clone()).collect();
        let (mut watch, unreadable) = Watch::open(c, &names).await;
        for (stream, e) in &unreadable {
            let (summary, detail) = if e.is_not_found() {
                (
                    format!("Stream {stream} does not exist"),
                    format!(
                        "The streaming configuration of {app} sends to {stream}, which does not exist, so the service \
                         cannot deliver to it. Fix: apply the chimesdk_messaging_streaming_configuration again (a \
                         stream it manages is created again), or point `resource_arn` at a stream that exists."
                    ),
                )
            } else {
                (
                    format!("Cannot read stream {stream}"),
                    format!(
                        "{e}. The action needs kinesis:ListShards and kinesis:GetShardIterator on it."
                    ),
                )
            };
            diags.error(summary, detail);
        }
        let targets: Vec<Target> = targets
            .into_iter()
            .filter(|t| watch.watches(&t.stream))
            .collect();
        if targets.is_empty() {
            return;
        }
        for stream in targets.iter().map(|t| &t.stream).collect::<BTreeSet<_>>() {
            progress
                .say(format!(
                    "{stream}: {} open shards, reading from now on",
                    watch.shard_count(stream)
                ))
                .await;
        }

        let mut made = Made::default();
        let started = Instant::now();
        let outcome = traffic(c, app, &config, progress, &mut made).await;
        match outcome {
            Err(e) => diags.error("Cannot make the verification traffic", e),
            Ok(channel) => {
                wait(
                    c,
                    &mut watch,
                    &targets,
                    &channel,
                    started + timeout,
                    progress,
                    diags,
                )
                .await;
                if diags.has_errors() || c.cancel().is_cancelled() || progress.abandoned() {
                    // Reported below, after clean-up.
                } else {
                    report(c, &watch, &targets, &timeout_text, diags).await;
                }
            }
        }
        // Clean-up runs also after Terraform cancelled the run: its calls
        // get a context of their own, bounded by CLEANUP_WITHIN.
        let cleanup_ctx = cleanup_context(ctx);
        clean_up(&Aws::new(clients, &cleanup_ctx), &made, progress, diags).await;
    }
}

/// The data types to verify and their streams, from the streaming
/// configuration as the service has it now.
async fn targets(
    c: &Aws<'_>,
    app: &str,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<Vec<Target>> {
    let configured = match find_streaming_configurations(c, app).await {
        Ok(list) => list,
        Err(e) => {
            diags.error(
                format!("reading the streaming configuration of {app}"),
                e.to_string(),
            );
            return None;
        }
    };
    if configured.is_empty() {
        diags.error(
            "No streaming configuration to verify",
            format!(
                "The AppInstance {app} streams nothing (GetMessagingStreamingConfigurations found no configuration). \
                 Apply a chimesdk_messaging_streaming_configuration for it first, or check app_instance_arn."
            ),
        );
        return None;
    }
    let wanted: Option<BTreeSet<String>> = config
        .data_types
        .known()
        .map(|v| v.iter().cloned().collect());
    let mut out = Vec::new();
    for w in wanted.iter().flatten() {
        if !configured.iter().any(|c| &c.data_type == w) {
            diags.error_at(
                AttributePath::attr("data_types"),
                format!("{w} is not streamed"),
                format!("The AppInstance {app} has no streaming configuration for {w}; remove it from data_types or configure it."),
            );
        }
    }
    for cfg in configured {
        if wanted.as_ref().is_some_and(|w| !w.contains(&cfg.data_type)) {
            continue;
        }
        let (Some(data_type), Ok(stream)) = (
            DataType::parse(&cfg.data_type),
            StreamArn::parse(&cfg.resource_arn),
        ) else {
            diags.warning(
                "Unexpected streaming configuration",
                format!(
                    "{} -> {} is not a data type and stream this action knows; it is not verified.",
                    cfg.data_type, cfg.resource_arn
                ),
            );
            continue;
        };
        out.push(Target {
            data_type,
            stream: stream.name,
        });
    }
    (!diags.has_errors()).then_some(out)
}

/// Makes the user (unless given), the channel and the message; returns the
/// channel ARN. What it made is in `made` whatever happens.
async fn traffic(
    c: &Aws<'_>,
    app: &str,
    config: &Config,
    progress: &Progress,
    made: &mut Made,
) -> Result<String, String> {
    let id = short_id();
    let bearer = match config.app_instance_user_arn.known() {
        Some(user) => user.clone(),
        None => {
            let user_id = format!("chimesdk-verify-{id}");
            let new_user = app_instance_user::calls::NewUser {
                app_instance_arn: app,
                user_id: &user_id,
                name: "chimesdk_verify_streaming",
                metadata: None,
                expiration: None,
                tags: &Default::default(),
            };
            let user = app_instance_user::calls::create(c, &new_user, &format!("verify-user-{id}"))
                .await
                .map_err(|e| format!("CreateAppInstanceUser: {e}"))?;
            made.user = Some(user.clone());
            user
        }
    };
    let channel = test_traffic::create_channel(
        c,
        app,
        &format!("chimesdk-verify-{id}"),
        &bearer,
        &format!("verify-channel-{id}"),
    )
    .await
    .map_err(|e| format!("CreateChannel as {bearer}: {e}"))?;
    made.channel = Some((channel.clone(), bearer.clone()));
    test_traffic::send_message(
        c,
        &channel,
        &format!("chimesdk_verify_streaming {id}"),
        &bearer,
        &format!("verify-message-{id}"),
    )
    .await
    .map_err(|e| format!("SendChannelMessage to {channel}: {e}"))?;
    progress
        .say(format!("made channel {channel} and sent one message"))
        .await;
    Ok(channel)
}

/// Reads the streams until every target's record arrived, the deadline
/// passed, or the run was cancelled.
#[allow(clippy::too_many_arguments)]
async fn wait(
    c: &Aws<'_>,
    watch: &mut Watch,
    targets: &[Target],
    channel: &str,
    deadline: Instant,
    progress: &Progress,
    diags: &mut Diagnostics,
) {
    let started = Instant::now();
    let mut last_said = Instant::now();
    loop {
        match watch.poll(c, channel).await {
            Ok(arrived) => {
                for (stream, event) in arrived {
                    progress
                        .say(format!(
                            "{stream}: {event} arrived after {:.1} s",
                            started.elapsed().as_secs_f64()
                        ))
                        .await;
                }
            }
            Err(e) if c.cancel().is_cancelled() => {
                diags.error(
                    "Verification cancelled",
                    format!("Terraform stopped the action ({e}); what it made is deleted."),
                );
                return;
            }
            Err(e) => {
                diags.error("Cannot read the streams", format!("GetRecords: {e}"));
                return;
            }
        }
        let pending: Vec<&Target> = targets
            .iter()
            .filter(|t| !watch.seen(&t.stream, &expected_event(t.data_type)))
            .collect();
        if pending.is_empty() || Instant::now() >= deadline {
            return;
        }
        if c.cancel().is_cancelled() || progress.abandoned() {
            diags.error(
                "Verification cancelled",
                "Terraform stopped the action; what it made is deleted.",
            );
            return;
        }
        if last_said.elapsed() >= PROGRESS_EVERY {
            last_said = Instant::now();
            for t in &pending {
                progress
                    .say(format!(
                        "waiting on {}, {} shards: {} not yet",
                        t.stream,
                        watch.shard_count(&t.stream),
                        expected_event(t.data_type)
                    ))
                    .await;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY.min(deadline.saturating_duration_since(Instant::now()))) => {}
            _ = c.cancel().cancelled() => {}
        }
    }
}

/// One error per stream that missed a record, with what the stream looks
/// like now.
async fn report(
    c: &Aws<'_>,
    watch: &Watch,
    targets: &[Target],
    waited: &str,
    diags: &mut Diagnostics,
) {
    let streams: BTreeSet<&str> = targets.iter().map(|t| t.stream.as_str()).collect();
    for stream in streams {
        let missing: Vec<_> = targets
            .iter()
            .filter(|t| t.stream == stream)
            .map(|t| expected_event(t.data_type))
            .filter(|e| !watch.seen(stream, e))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let (seen, others) = watch.seen_on(stream);
        let now = describe_stream_summary(c, stream).await;
        diags.error(
            format!(
                "No {} record reached {stream}",
                missing
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            explain::missing_records(stream, &missing, &seen, others, waited, now.as_ref()),
        );
    }
}

/// Deletes the channel and the user the action made, also after a cancel;
/// what cannot be deleted is named with the command that deletes it.
async fn clean_up(c: &Aws<'_>, made: &Made, progress: &Progress, diags: &mut Diagnostics) {
    let work = async {
        let mut left = Vec::new();
        if let Some((channel, bearer)) = &made.channel
            && let Err(e) = test_traffic::delete_channel(c, channel, bearer).await
        {
            left.push(format!(
                "channel {channel} ({e}): `aws chime-sdk-messaging delete-channel --channel-arn {channel} --chime-bearer {bearer}`"
            ));
        }
        if let Some(user) = &made.user
            && let Err(e) = app_instance_user::calls::delete(c, user).await
        {
            left.push(format!(
                "user {user} ({e}): `aws chime-sdk-identity delete-app-instance-user --app-instance-user-arn {user}`"
            ));
        }
        left
    };
    let made_any = made.channel.is_some() || made.user.is_some();
    let done = made_any.then_some("deleted the verification channel and user");
    finish_clean_up(work, done, progress, diags).await;
}
