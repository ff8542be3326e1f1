//! Chime SDK messaging in chimesdk-local: streaming configurations, channel
//! flows and the channel operations that raise streamed events, one file per concern;
//! here, what they share (who may call, which channel, raising an event).

mod channel_flows;
mod channels;
pub(crate) mod flow_runs;
mod io;
mod members;
mod messages;
mod shapes;
mod streaming_configurations;

use std::collections::HashMap;

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;

use super::Emit;
use super::error::{ApiError, ApiResult};
use super::store::{ChannelRecord, Store};
use chimesdk_domain::events::{Event, EventType, Identity, Payload};

pub use channel_flows::{
    associate_channel_flow, create_channel_flow, delete_channel_flow, describe_channel_flow,
    disassociate_channel_flow, list_channel_flows, list_channels_or_associated,
    update_channel_flow,
};
pub use channels::{
    create_channel, delete_channel, describe_channel, list_channels, list_sub_channels,
    put_expiration, update_channel,
};
pub use flow_runs::channel_flow_callback;
pub use members::{
    create_ban, create_membership, create_moderator, delete_ban, delete_membership,
    delete_moderator, list_memberships,
};
pub use messages::{
    delete_message, get_message, list_messages, redact_message, send_message, update_message,
};
pub use streaming_configurations::{delete_streaming, get_streaming, put_streaming};

type Reply<T> = ApiResult<(StatusCode, Json<T>)>;
type Params = Query<HashMap<String, String>>;

/// The caller must be an AppInstanceUser of the channel's AppInstance.
pub(super) fn caller(s: &Store, bearer: &str, app_arn: &str) -> ApiResult<Identity> {
    match s.users.get(bearer) {
        Some(u) if u.app_instance_arn == app_arn => Ok(s.identity_of(bearer)),
        // Users of the real service report UnauthorizedClientException (401)
        // for a bearer that is not a user of the AppInstance.
        _ => Err(ApiError::unauthorized(format!(
            "{bearer} is not an AppInstanceUser of {app_arn}"
        ))),
    }
}

// Most channel operations model no NotFoundException: a channel that does
// not exist is one the bearer cannot access (ForbiddenException, modelled
// for every operation).
pub(super) fn no_channel(arn: &str) -> ApiError {
    ApiError::forbidden(format!(
        "Channel {arn} does not exist or the bearer cannot access it"
    ))
}

pub(super) fn channel<'a>(s: &'a Store, arn: &str) -> ApiResult<&'a ChannelRecord> {
    s.channels.get(arn).ok_or_else(|| no_channel(arn))
}

pub(super) fn channel_mut<'a>(s: &'a mut Store, arn: &str) -> ApiResult<&'a mut ChannelRecord> {
    s.channels.get_mut(arn).ok_or_else(|| no_channel(arn))
}

/// The channel's AppInstance and the calling user, once the bearer is known
/// to be allowed there: the preamble of every channel operation.
pub(super) fn channel_caller(s: &Store, arn: &str, who: &str) -> ApiResult<(String, Identity)> {
    let app_arn = channel(s, arn)?.app_instance_arn.clone();
    let identity = caller(s, who, &app_arn)?;
    Ok((app_arn, identity))
}

pub(super) fn member_identity(s: &Store, app_arn: &str, member: &str) -> ApiResult<Identity> {
    match s.users.get(member) {
        Some(u) if u.app_instance_arn == app_arn => Ok(s.identity_of(member)),
        _ => Err(ApiError::bad_request(format!(
            "AppInstanceUser {member} not found in {app_arn}"
        ))),
    }
}

pub(super) fn emit(out: &mut Vec<Emit>, app_arn: &str, event_type: EventType, payload: Payload) {
    out.push(Emit {
        app_instance_arn: app_arn.to_string(),
        event: Event {
            event_type,
            payload,
        },
    });
}
