//! What the verify actions share: their `timeout` read as a duration, the
//! plan-time check that the object they verify is in the provider's region,
//! and clean-up that still runs after Terraform cancelled the run, bounded,
//! naming what it could not delete.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{CallContext, Diagnostics, Progress, parse_duration, truncated};
use tfplugin::value::{Attr, AttributePath};

/// Clean-up gets this long even after a cancel.
const CLEANUP_WITHIN: Duration = Duration::from_secs(60);

/// The `timeout` attribute (or `default`) as a duration and as written.
pub fn timeout_of(timeout: &Attr<String>, default: &str) -> Result<(Duration, String), String> {
    let text = timeout.known().map_or(default, String::as_str);
    parse_duration(text).map(|d| (d, text.to_string()))
}

/// At plan: `raw`, the value of `attribute`, names a `kind` ("AppInstance",
/// "channel flow") whose AppInstance is `parsed`, which must be in the
/// provider's `region`.
pub fn check_placement(
    attribute: &str,
    kind: &str,
    raw: &str,
    parsed: Result<AppInstanceArn, String>,
    region: &str,
    diags: &mut Diagnostics,
) {
    let mut summary = kind.to_string();
    if let Some(first) = summary.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    match parsed {
        Err(why) => diags.error_at(
            AttributePath::attr(attribute),
            format!("Invalid {kind} ARN"),
            format!(
                "{:?} is not {article} {kind} ARN: {why}.",
                truncated(raw.to_string(), 200)
            ),
        ),
        Ok(app) if app.region != region => diags.error_at(
            AttributePath::attr(attribute),
            format!("{summary} is in another region"),
            format!(
                "The {kind} is in {:?} and this provider configuration in {region:?}. Use a provider (alias) \
                 configured for {:?} in the action block.",
                app.region, app.region
            ),
        ),
        Ok(_) => {}
    }
}

/// A context for clean-up calls: Terraform's cancel does not stop them.
pub fn cleanup_context(ctx: &CallContext) -> CallContext {
    CallContext {
        cancel: CancellationToken::new(),
        ..ctx.clone()
    }
}

/// Waits at most CLEANUP_WITHIN for `work` (the deletions; it answers what
/// it could not delete, each with the command that does), then says `done`
/// (when something was made) or warns what was left.
pub async fn finish_clean_up(
    work: impl Future<Output = Vec<String>>,
    done: Option<&str>,
    progress: &Progress,
    diags: &mut Diagnostics,
) {
    let left = match tokio::time::timeout(CLEANUP_WITHIN, work).await {
        Ok(left) => left,
        Err(_) => vec![format!(
            "clean-up did not finish within {} s",
            CLEANUP_WITHIN.as_secs()
        )],
    };
    if left.is_empty() {
        if let Some(done) = done {
            progress.say(done).await;
        }
    } else {
        diags.warning(
            "Verification traffic left behind",
            format!("Delete by hand:\n- {}", left.join("\n- ")),
        );
    }
}
