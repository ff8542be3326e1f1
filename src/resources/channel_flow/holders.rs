//! A flow that channels hold cannot be deleted (the service answers
//! ConflictException): before a delete, and at plan before a replacement,
//! ListChannelsAssociatedWithChannelFlow says which channels hold it, so
//! the error names them and the way out, and nothing is half-deleted.

use super::calls::{self, Holder};
use crate::aws::Aws;
use tfplugin::framework::Diagnostics;
use tfplugin::value::AttributePath;

/// At most this many channels are named; the count says the rest.
const NAMED: usize = 10;

fn named(holders: &[Holder]) -> String {
    let mut lines: Vec<String> = holders
        .iter()
        .take(NAMED)
        .map(|h| match &h.name {
            Some(name) => format!("  - {name:?} ({})", h.arn),
            None => format!("  - {}", h.arn),
        })
        .collect();
    if holders.len() > NAMED {
        lines.push(format!("  - and {} more", holders.len() - NAMED));
    }
    lines.join("\n")
}

fn way_out(flow_arn: &str, holders: &[Holder]) -> String {
    let example = holders.first().map_or("CHANNEL_ARN", |h| h.arn.as_str());
    format!(
        "Disassociate the flow from each channel first (DisassociateChannelFlow, as an AppInstanceAdmin or the \
         channel's moderator), e.g.\n  aws chime-sdk-messaging disassociate-channel-flow --channel-arn {example} \
         --channel-flow-arn {flow_arn} --chime-bearer ADMIN_OR_MODERATOR_ARN\nthen run `terraform apply` again."
    )
}

/// Before a delete: `true` (with an error) when channels hold the flow.
/// When they cannot be listed the delete goes ahead; the service refuses
/// it if the flow is held.
pub async fn refuse_delete(c: &Aws<'_>, flow_arn: &str, diags: &mut Diagnostics) -> bool {
    match calls::holders(c, flow_arn).await {
        Ok(holders) if !holders.is_empty() => {
            diags.error(
                "Channel flow is still associated with channels",
                format!(
                    "The channel flow {flow_arn} cannot be deleted while {} channel(s) use it; it was not \
                     deleted and stays in state:\n{}\n{}",
                    holders.len(),
                    named(&holders),
                    way_out(flow_arn, &holders)
                ),
            );
            true
        }
        Ok(_) => false,
        Err(e) => {
            tracing::debug!(channel_flow = %flow_arn, error = %e, "could not list the channels that hold the flow");
            false
        }
    }
}

/// At plan, when the flow would be replaced: an error on
/// `app_instance_arn` when channels hold it, a warning when that cannot be
/// told.
pub async fn refuse_replacement(c: &Aws<'_>, flow_arn: &str, diags: &mut Diagnostics) {
    match calls::holders(c, flow_arn).await {
        Ok(holders) if !holders.is_empty() => diags.error_at(
            AttributePath::attr("app_instance_arn"),
            "Channel flow would be replaced while channels use it",
            format!(
                "Changing app_instance_arn replaces the flow {flow_arn}, and the service does not delete a flow \
                 that {} channel(s) use:\n{}\n{}",
                holders.len(),
                named(&holders),
                way_out(flow_arn, &holders)
            ),
        ),
        Ok(_) => {}
        Err(e) => diags.warning_at(
            AttributePath::attr("app_instance_arn"),
            "Could not check which channels use the channel flow",
            format!(
                "{e}. Replacing the flow fails if channels still use it. Grant \
                 chime:ListChannelsAssociatedWithChannelFlow to check it at plan time."
            ),
        ),
    }
}
