//! Action `chimesdk_verify_channel_flow`: proves that a channel flow's
//! processors handle messages, which no plan can. It makes a temporary
//! user, makes it an AppInstanceAdmin (who may associate flows), creates a
//! channel associated with the flow, sends one message, follows its status
//! (GetChannelMessage) until the processors have answered, reports the
//! outcome and how long it took, and deletes what it made whatever happens.

pub mod schema;

use std::time::{Duration, Instant};

use async_trait::async_trait;

use self::schema::{Config, DEFAULT_TIMEOUT};
use super::verify::{check_placement, cleanup_context, finish_clean_up};
use crate::aws::test_traffic::{self, MessageState};
use crate::aws::{Aws, AwsClients};
use crate::resources::{app_instance_admin, app_instance_user, channel_flow};
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{CallContext, Diagnostics, Progress, TypedAction};
use tfplugin::value::{Attr, AttributePath};

pub struct VerifyChannelFlow;

/// How often the message's status is read while waiting.
const POLL_EVERY: Duration = Duration::from_millis(250);
/// How often a line says the message is still pending.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// What the action made, to delete afterwards.
#[derive(Default)]
struct Made {
    /// The AppInstance and the user the action created.
    user: Option<(String, String)>,
    admin: bool,
    channel: Option<String>,
}

fn timeout_of(config: &Config) -> Result<(Duration, String), String> {
    super::verify::timeout_of(&config.timeout, DEFAULT_TIMEOUT)
}

/// The AppInstance of a flow ARN.
fn app_of(flow_arn: &str) -> Result<AppInstanceArn, String> {
    let (app, _) = flow_arn
        .rsplit_once("/channel-flow/")
        .ok_or("it has no `/channel-flow/` part")?;
    AppInstanceArn::parse(app).map_err(|e| e.to_string())
}

#[async_trait]
impl TypedAction for VerifyChannelFlow {
    type Config = Config;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = schema::TYPE_NAME;

    async fn plan(
        &self,
        config: &Config,
        c: &AwsClients,
        _ctx: &CallContext,
        diags: &mut Diagnostics,
    ) {
        if let Attr::Known(arn) = &config.channel_flow_arn {
            check_placement(
                "channel_flow_arn",
                "channel flow",
                arn,
                app_of(arn),
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
        let (Attr::Known(flow), Ok((timeout, timeout_text))) =
            (&config.channel_flow_arn, timeout_of(&config))
        else {
            diags.error(
                "Action configuration is not known",
                "channel_flow_arn and timeout must be known when the action runs; please report this bug.",
            );
            return;
        };
        let Ok(app) = app_of(flow).map(|a| a.to_string()) else {
            diags.error_at(
                AttributePath::attr("channel_flow_arn"),
                "Invalid channel flow ARN",
                format!("{flow:?} is not a channel flow ARN."),
            );
            return;
        };
        let clients = c;
        let c = &Aws::new(clients, ctx);
        match channel_flow::calls::find(c, flow).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                diags.error_at(
                    AttributePath::attr("channel_flow_arn"),
                    "Channel flow not found",
                    format!(
                        "ListChannelFlows of {app} does not list {flow}. Check channel_flow_arn."
                    ),
                );
                return;
            }
            Err(e) => {
                diags.error(format!("reading the channel flow {flow}"), e.to_string());
                return;
            }
        }
        let mut made = Made::default();
        match traffic(c, &app, flow, progress, &mut made).await {
            Err(e) => diags.error("Cannot make the verification traffic", e),
            Ok((channel, user, message_id, content)) => {
                let sent = Sent {
                    channel: &channel,
                    user: &user,
                    message_id: &message_id,
                    content: &content,
                };
                follow(c, &sent, timeout, &timeout_text, progress, diags).await;
            }
        }
        // Clean-up runs also after Terraform cancelled the run: its calls
        // get a context of their own, bounded by CLEANUP_WITHIN.
        let cleanup_ctx = cleanup_context(ctx);
        clean_up(&Aws::new(clients, &cleanup_ctx), &made, progress, diags).await;
    }
}

/// Makes the user, its admin entry, the channel with the flow, and the
/// message: (channel, user, message ID, content). What it made is in
/// `made` whatever happens.
async fn traffic(
    c: &Aws<'_>,
    app: &str,
    flow: &str,
    progress: &Progress,
    made: &mut Made,
) -> Result<(String, String, String, String), String> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    let user_id = format!("chimesdk-verify-{id}");
    let new_user = app_instance_user::calls::NewUser {
        app_instance_arn: app,
        user_id: &user_id,
        name: "chimesdk_verify_channel_flow",
        metadata: None,
        expiration: None,
        tags: &Default::default(),
    };
    let user = app_instance_user::calls::create(c, &new_user, &format!("verify-user-{id}"))
        .await
        .map_err(|e| format!("CreateAppInstanceUser: {e}"))?;
    made.user = Some((app.to_string(), user.clone()));
    app_instance_admin::calls::create(c, app, &user)
        .await
        .map_err(|e| format!("CreateAppInstanceAdmin for {user}: {e}"))?;
    made.admin = true;
    let channel = test_traffic::create_channel(
        c,
        app,
        &format!("chimesdk-verify-{id}"),
        &user,
        &format!("verify-channel-{id}"),
    )
    .await
    .map_err(|e| format!("CreateChannel as {user}: {e}"))?;
    made.channel = Some(channel.clone());
    test_traffic::associate_flow(c, &channel, flow, &user)
        .await
        .map_err(|e| format!("AssociateChannelFlow of {flow} with {channel}: {e}"))?;
    progress
        .say(format!(
            "made admin {user} and channel {channel} with the flow"
        ))
        .await;
    let content = format!("chimesdk_verify_channel_flow {id}");
    let message_id = test_traffic::send_message(
        c,
        &channel,
        &content,
        &user,
        &format!("verify-message-{id}"),
    )
    .await
    .map_err(|e| format!("SendChannelMessage to {channel}: {e}"))?;
    progress
        .say(format!("sent message {message_id}: {content:?}"))
        .await;
    Ok((channel, user, message_id, content))
}

/// The message the action sent, to follow.
struct Sent<'a> {
    channel: &'a str,
    user: &'a str,
    message_id: &'a str,
    content: &'a str,
}

/// What the processors made of the message, for the user.
fn outcome_line(state: &MessageState, sent: &str, took: Duration) -> String {
    let took = format!("{:.1} s", took.as_secs_f64());
    match state.status.as_str() {
        "SENT" if state.content.as_deref() != Some(sent) => format!(
            "SENT after {took}, changed by the processors: {:?}",
            state.content.as_deref().unwrap_or_default()
        ),
        "SENT" => format!("SENT after {took}, unchanged"),
        other => format!(
            "{other} after {took}{}",
            state
                .detail
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ),
    }
}

/// Reads the message's status until it leaves PENDING, the timeout passes
/// or the run is cancelled, and reports the outcome.
async fn follow(
    c: &Aws<'_>,
    sent: &Sent<'_>,
    timeout: Duration,
    timeout_text: &str,
    progress: &Progress,
    diags: &mut Diagnostics,
) {
    let started = Instant::now();
    let mut last_said = Instant::now();
    loop {
        let state =
            match test_traffic::message_state(c, sent.channel, sent.message_id, sent.user).await {
                Ok(state) => state,
                Err(e) if c.cancel().is_cancelled() => {
                    diags.error(
                        "Verification cancelled",
                        format!("Terraform stopped the action ({e}); what it made is deleted."),
                    );
                    return;
                }
                Err(e) => {
                    diags.error("Cannot read the message", format!("GetChannelMessage: {e}"));
                    return;
                }
            };
        if state.status != "PENDING" {
            let line = outcome_line(&state, sent.content, started.elapsed());
            progress.say(line.clone()).await;
            match state.status.as_str() {
                "SENT" => {}
                "DENIED" => diags.warning(
                    "The channel flow denied the test message",
                    format!(
                        "{line}. A processor answered ChannelFlowCallback with DeleteResource: it works, and it \
                         denies a message like {:?}.",
                        sent.content
                    ),
                ),
                _ => diags.error(
                    "The channel flow failed the test message",
                    format!(
                        "{line}. A processor could not be invoked and its FallbackAction is ABORT. Check that the \
                         function exists in the AppInstance's account and region and that its resource policy \
                         lets messaging.chime.amazonaws.com invoke it (the chimesdk_channel_flow plan checks \
                         both)."
                    ),
                ),
            }
            return;
        }
        if started.elapsed() >= timeout {
            diags.error(
                "No answer from the channel flow's processors",
                format!(
                    "The message {} was still PENDING after {timeout_text}. The processors were invoked but none \
                     answered: check that each function calls ChannelFlowCallback with the CallbackId it was given, \
                     and that its execution role allows chime:ChannelFlowCallback; or raise the timeout.",
                    sent.message_id
                ),
            );
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
            progress
                .say(format!(
                    "still PENDING after {:.0} s",
                    started.elapsed().as_secs_f64()
                ))
                .await;
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = c.cancel().cancelled() => {}
        }
    }
}

/// Deletes the channel (its association goes with it), the admin entry
/// and the user, also after a cancel; what cannot be deleted is named with
/// the command that deletes it.
async fn clean_up(c: &Aws<'_>, made: &Made, progress: &Progress, diags: &mut Diagnostics) {
    let work = async {
        let mut left = Vec::new();
        if let (Some(channel), Some((_, user))) = (&made.channel, &made.user)
            && let Err(e) = test_traffic::delete_channel(c, channel, user).await
        {
            left.push(format!(
                "channel {channel} ({e}): `aws chime-sdk-messaging delete-channel --channel-arn {channel} --chime-bearer {user}`"
            ));
        }
        if let (true, Some((app, user))) = (made.admin, &made.user)
            && let Err(e) = app_instance_admin::calls::delete(c, app, user).await
        {
            left.push(format!(
                "admin {user} ({e}): `aws chime-sdk-identity delete-app-instance-admin --app-instance-arn {app} --app-instance-admin-arn {user}`"
            ));
        }
        if let Some((_, user)) = &made.user
            && let Err(e) = app_instance_user::calls::delete(c, user).await
        {
            left.push(format!(
                "user {user} ({e}): `aws chime-sdk-identity delete-app-instance-user --app-instance-user-arn {user}`"
            ));
        }
        left
    };
    let done = made
        .user
        .is_some()
        .then_some("deleted the verification channel, admin and user");
    finish_clean_up(work, done, progress, diags).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: &str, content: &str, detail: Option<&str>) -> MessageState {
        MessageState {
            status: status.into(),
            detail: detail.map(str::to_string),
            content: Some(content.into()),
        }
    }

    #[test]
    fn the_outcome_says_what_the_processors_did_and_how_long_it_took() {
        let took = Duration::from_millis(1250);
        assert_eq!(
            outcome_line(&state("SENT", "HI", None), "hi", took),
            "SENT after 1.2 s, changed by the processors: \"HI\""
        );
        assert_eq!(
            outcome_line(&state("SENT", "hi", None), "hi", took),
            "SENT after 1.2 s, unchanged"
        );
        assert_eq!(
            outcome_line(&state("FAILED", "hi", Some("no policy")), "hi", took),
            "FAILED after 1.2 s: no policy"
        );
        assert!(
            app_of("arn:aws:chime:us-east-1:123456789012:app-instance/a/channel-flow/f").is_ok()
        );
        assert!(app_of("arn:aws:chime:us-east-1:123456789012:app-instance/a").is_err());
    }
}
