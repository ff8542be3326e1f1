//! Every operation chimesdk-local serves, declared once: the name its
//! service model gives it and its handler. The method, the path and the
//! input constraints are the model's (`constraints.json`, which
//! `scripts/gen-local-model` generates for exactly the names in
//! [`OPERATIONS`]); the router is built from this table, and each route
//! checks a request against its own operation's constraints, so nothing
//! routes a request twice.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, get, on, post};

use super::constraints::{self, Operation};
use super::error::ApiError;
use super::middleware::{self, RouteOperations};
use super::{App, admins, bots, faults, identity, messaging, retention};

/// One served operation: its service, its model name and how its handler
/// is attached.
pub struct Served {
    pub service: &'static str,
    pub name: &'static str,
    pub attach: fn(MethodFilter) -> MethodRouter<Arc<App>>,
}

macro_rules! served {
    ($($service:literal { $($name:literal => $handler:path),* $(,)? })*) => {
        &[$($(Served { service: $service, name: $name, attach: |m| on(m, $handler) }),*),*]
    };
}

/// The table. Operations that share a method and path (TagResource and
/// UntagResource, told apart by `?operation=`) share a handler.
pub const OPERATIONS: &[Served] = served![
    "chime-sdk-identity" {
    "CreateAppInstance" => identity::create_app_instance,
    "ListAppInstances" => identity::list_app_instances,
    "DescribeAppInstance" => identity::describe_app_instance,
    "UpdateAppInstance" => identity::update_app_instance,
    "DeleteAppInstance" => identity::delete_app_instance,
    "TagResource" => identity::tag_or_untag,
    "UntagResource" => identity::tag_or_untag,
    "ListTagsForResource" => identity::list_tags,
    "CreateAppInstanceUser" => identity::create_app_instance_user,
    "ListAppInstanceUsers" => identity::list_app_instance_users,
    "DescribeAppInstanceUser" => identity::describe_app_instance_user,
    "UpdateAppInstanceUser" => identity::update_app_instance_user,
    "DeleteAppInstanceUser" => identity::delete_app_instance_user,
    "CreateAppInstanceAdmin" => admins::create_app_instance_admin,
    "DescribeAppInstanceAdmin" => admins::describe_app_instance_admin,
    "DeleteAppInstanceAdmin" => admins::delete_app_instance_admin,
    "ListAppInstanceAdmins" => admins::list_app_instance_admins,
    "PutAppInstanceRetentionSettings" => retention::put_retention,
    "GetAppInstanceRetentionSettings" => retention::get_retention,
    "PutAppInstanceUserExpirationSettings" => identity::put_user_expiration,
    "CreateAppInstanceBot" => bots::create_app_instance_bot,
    "DescribeAppInstanceBot" => bots::describe_app_instance_bot,
    "UpdateAppInstanceBot" => bots::update_app_instance_bot,
    "DeleteAppInstanceBot" => bots::delete_app_instance_bot,
    "ListAppInstanceBots" => bots::list_app_instance_bots,
    }
    "chime-sdk-messaging" {
    "PutMessagingStreamingConfigurations" => messaging::put_streaming,
    "GetMessagingStreamingConfigurations" => messaging::get_streaming,
    "DeleteMessagingStreamingConfigurations" => messaging::delete_streaming,
    "CreateChannel" => messaging::create_channel,
    "ListChannels" => messaging::list_channels_or_associated,
    "DescribeChannel" => messaging::describe_channel,
    "UpdateChannel" => messaging::update_channel,
    "DeleteChannel" => messaging::delete_channel,
    "PutChannelExpirationSettings" => messaging::put_expiration,
    "SendChannelMessage" => messaging::send_message,
    "ListChannelMessages" => messaging::list_messages,
    "GetChannelMessage" => messaging::get_message,
    "UpdateChannelMessage" => messaging::update_message,
    "RedactChannelMessage" => messaging::redact_message,
    "DeleteChannelMessage" => messaging::delete_message,
    "CreateChannelMembership" => messaging::create_membership,
    "ListChannelMemberships" => messaging::list_memberships,
    "DeleteChannelMembership" => messaging::delete_membership,
    "CreateChannelBan" => messaging::create_ban,
    "DeleteChannelBan" => messaging::delete_ban,
    "CreateChannelModerator" => messaging::create_moderator,
    "DeleteChannelModerator" => messaging::delete_moderator,
    "ListSubChannels" => messaging::list_sub_channels,
    "CreateChannelFlow" => messaging::create_channel_flow,
    "DescribeChannelFlow" => messaging::describe_channel_flow,
    "UpdateChannelFlow" => messaging::update_channel_flow,
    "DeleteChannelFlow" => messaging::delete_channel_flow,
    "ListChannelFlows" => messaging::list_channel_flows,
    "AssociateChannelFlow" => messaging::associate_channel_flow,
    "DisassociateChannelFlow" => messaging::disassociate_channel_flow,
    "ListChannelsAssociatedWithChannelFlow" => messaging::list_channels_or_associated,
    "ChannelFlowCallback" => messaging::channel_flow_callback,
    "TagResource" => identity::tag_or_untag,
    "UntagResource" => identity::tag_or_untag,
    "ListTagsForResource" => identity::list_tags,
    }
];

pub fn router(app: Arc<App>) -> Router {
    let models = constraints::models();
    let mut router = Router::new();
    if app.config.test_faults {
        router = router.route(
            "/_chimesdk-local/faults",
            post(faults::add).get(faults::list).delete(faults::clear),
        );
        router = router.route("/_chimesdk-local/backdate", post(faults::backdate));
    }
    // (method, path) -> the handler and every operation it serves.
    let mut routes: Vec<(&Operation, &Served, RouteOperations)> = Vec::new();
    for served in OPERATIONS {
        let op = models
            .by_name(served.service, served.name)
            .unwrap_or_else(|| {
                panic!(
                    "{} {} is not in constraints.json; run scripts/gen-local-model",
                    served.service, served.name
                )
            });
        match routes
            .iter_mut()
            .find(|(o, _, _)| o.method() == op.method() && o.axum_path() == op.axum_path())
        {
            Some((_, _, ops)) => ops.0.push(op),
            None => routes.push((op, served, RouteOperations(vec![op]))),
        }
    }
    for (op, served, ops) in routes {
        let method = MethodFilter::try_from(
            axum::http::Method::from_bytes(op.method().as_bytes()).expect("a model's method"),
        )
        .expect("a method axum routes");
        let route = (served.attach)(method).layer(axum::middleware::from_fn_with_state(
            (app.clone(), ops),
            middleware::model_constraints,
        ));
        router = router.route(&op.axum_path(), route);
    }
    router
        .route("/_chimesdk-local/delivery", get(delivery_status))
        .fallback(|req: Request| async move {
            ApiError::unknown_operation(req.method().as_str(), req.uri().path()).into_response()
        })
        .method_not_allowed_fallback(|req: Request| async move {
            ApiError::unknown_operation(req.method().as_str(), req.uri().path()).into_response()
        })
        .layer(axum::middleware::from_fn(middleware::head_limits))
        .layer(axum::middleware::map_response(middleware::modelled_errors))
        .with_state(app)
}

/// `GET /_chimesdk-local/delivery`: chimesdk-local's own, not the service's.
async fn delivery_status(State(app): State<Arc<App>>) -> axum::Json<super::Status> {
    axum::Json(app.delivery_status())
}
